// Deploy and rollback on test hosts (seed 004: "seconds to deploy"): three hosts (own network namespace, own
// root file system, systemd-nspawn, sshd), the team's apt repository over HTTP on the test network, and the
// generated `make deploy` / `make rollback` (Ansible). Times a deploy of a new version to the three hosts and a
// rollback, in the default batches (one host, then a third of the group at a time) and all at once.
// Needs root and the hosts test's tools; opt in with PYSERVICE_BENCH_FLEET=1 (it builds two .debs first).
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const DIST = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'test', 'fleet');

export async function bench() {
  if (process.env.PYSERVICE_BENCH_FLEET !== '1' || process.getuid?.() !== 0) {
    console.log('fleet deploy/rollback: skipped (as root, set PYSERVICE_BENCH_FLEET=1; builds two .debs and boots three hosts)');
    return;
  }
  const { buildRelease, setUp, makeFleet } = await import(pathToFileURL(join(DIST, 'scenario.js')).href);
  const { repoMake } = await import(pathToFileURL(join(DIST, 'repo.js')).href);
  const release = await buildRelease();
  const t0 = Date.now();
  const s = await setUp(release, { hosts: 3, failing: null });
  console.log(`fleet up (3 hosts booted, repository served): ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const timed = async (label, target, version, args = '') => {
    const start = Date.now();
    const r = await makeFleet(s, target, version, args);
    const seconds = (Date.now() - start) / 1000;
    if (r.exitCode !== 0) throw new Error(`${label} failed:\n${r.stdout}${r.stderr}`);
    console.log(`${label.padEnd(48)} ${seconds.toFixed(1)} s`);
  };
  try {
    for (const v of ['0.1.0', '0.2.0']) {
      const r = repoMake(s.repo, 'promote', { VERSION: v, FROM: 'development', TO: 'production' });
      if (r.code !== 0) throw new Error(r.out);
    }
    await timed('first install 0.1.0, 3 hosts, batches 1+1+1', 'deploy', '0.1.0');
    await timed('deploy 0.2.0, 3 hosts, batches 1+1+1', 'deploy', '0.2.0');
    await timed('rollback to 0.1.0, 3 hosts, batches 1+1+1', 'rollback', '0.1.0');
    await timed('deploy 0.2.0, 3 hosts at once', 'deploy', '0.2.0', '-e deploy_serial=3');
    await timed('rollback to 0.1.0, 3 hosts at once', 'rollback', '0.1.0', '-e deploy_serial=3');
  } finally {
    s.fleet.stop();
  }
}
