/**
 * From .deb to a fleet, on real hosts: four test hosts (own network namespace, own root file system from one
 * cached debootstrap of bookworm, booted by systemd-nspawn, sshd on the namespace's address), the team's apt
 * repository signed with a test key and served over HTTP on the test network, and the generated Makefile and
 * playbooks: deploy 0.1.0 to all; deploy 0.2.0 in batches [1, 2] where h2 fails its health check (the rollout
 * stops there, h4 is never touched, the others keep serving); roll back to 0.1.0; promotion copies the same
 * file (checksums). Settings and secrets.env survive all of it. Root only; a few minutes (the first run adds
 * about a minute and a half for debootstrap from the Debian mirror).
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isCI, toolTest } from '../helpers/tools.js';
import { indexedDeb, mustSh, repoList, repoMake } from './repo.js';
import { buildRelease, FAILING, hostStates, makeFleet, PKG, setUp, sha256, type HostState, type Scenario } from './scenario.js';

const t = suite('fleet: apt repository, deploy and rollback with Ansible on test hosts');

const TOOLS = ['ip', 'systemd-nspawn', 'debootstrap', 'mount', 'flock', 'ssh', 'ssh-keygen', 'ansible-playbook', 'aptly', 'gpg', 'make', 'dpkg-buildpackage', 'dh_virtualenv'];
const root = process.getuid?.() === 0;

let scenario: Scenario | undefined;
let setting: Promise<Scenario> | undefined;
const ready = () => (setting ??= buildRelease().then((release) => setUp(release)).then((s) => (scenario = s)));

t.after(() => scenario?.fleet.stop());

/** A step of the scenario: needs root and the tools (skipped locally with the reason, a failure under CI=true). */
function step(name: string, fn: (s: Scenario) => Promise<void>): void {
  if (!root) {
    const reason = 'needs root (network namespaces, mounts, systemd-nspawn)';
    if (isCI()) t(name, () => assert.unreachable(`${reason}; a skip is a failure under CI=true`));
    else {
      console.log(`  skip: ${name}: ${reason}`);
      t.skip(name, () => undefined);
    }
    return;
  }
  toolTest(t, TOOLS, name, async () => fn(await ready()));
}

function promote(s: Scenario, version: string): void {
  const r = repoMake(s.repo, 'promote', { VERSION: version, FROM: 'development', TO: 'production' });
  assert.is(r.code, 0, r.out);
}

/** The file the hosts' apt would download for pkg=version from production, fetched over the test network. */
async function fetchFromProduction(s: Scenario, version: string): Promise<string> {
  const { filename } = indexedDeb(s.repo, 'production', PKG, version, 'amd64');
  const get = 'import hashlib, sys, urllib.request\nprint(hashlib.sha256(urllib.request.urlopen(sys.argv[1]).read()).hexdigest())';
  const r = await s.fleet.inHub('/usr/bin/python3', ['-c', get, s.repoUrl + filename]);
  assert.is(r.exitCode, 0, r.stderr);
  return r.stdout.trim();
}

function assertSettingsKept(s: Scenario, states: Record<string, HostState>): void {
  for (const [host, st] of Object.entries(states)) {
    const seeded = s.seeded.get(host)!;
    assert.is(st.conffile, seeded.conffile, `${host}: /etc/${PKG}/${PKG}.env was changed`);
    assert.is(st.secrets, seeded.secrets, `${host}: secrets.env was changed`);
  }
}

step('promotion development → production copies the exact same file (checksums of build, index and download)', async (s) => {
  assert.equal(repoList(s.repo).get('production'), []);
  promote(s, '0.1.0');
  assert.equal(repoList(s.repo).get('production'), ['0.1.0']);
  const indexed = indexedDeb(s.repo, 'production', PKG, '0.1.0', 'amd64');
  assert.is(indexed.sha256, s.sha256['0.1.0']);
  assert.is(indexed.filename, indexedDeb(s.repo, 'development', PKG, '0.1.0', 'amd64').filename);
  assert.is(await fetchFromProduction(s, '0.1.0'), s.sha256['0.1.0']);
});

step('deploy 0.1.0 to every host: installed from the repository, healthy, settings and secrets kept', async (s) => {
  const r = await makeFleet(s, 'deploy', '0.1.0');
  assert.is(r.exitCode, 0, r.stdout + r.stderr);
  const states = await hostStates(s);
  assert.equal(Object.keys(states), ['h1', 'h2', 'h3', 'h4']);
  for (const [host, st] of Object.entries(states)) {
    assert.is(st.version, '0.1.0', host);
    assert.is(st.active, 'active', host);
    assert.is(st.health, 200, host);
  }
  assertSettingsKept(s, states);
  // The apt source the playbook wrote trusts the team's key for this source only.
  const sources = await s.fleet.ssh(s.fleet.hosts[0]!, 'cat /etc/apt/sources.list.d/team-archive.sources; ls /etc/apt/sources.list.d /etc/apt/trusted.gpg.d');
  assert.match(sources.stdout, new RegExp(`^URIs: ${s.repoUrl.replace(/[.]/g, '\\.')}$`, 'm'));
  assert.match(sources.stdout, /^Signed-By: \/etc\/apt\/keyrings\/team-archive\.asc$/m);
  // Each batch waited for /healthz: the playbook's own output says so for every host.
  assert.is((r.stdout.match(/TASK \[deploy : Wait for the health check\]/g) ?? []).length, 4, 'four batches: 1, then 34% of 4 hosts (1) at a time');
});

step('deploy 0.2.0 in batches [1, 2]: h2 fails its health check, the rollout stops there, h4 is never touched', async (s) => {
  promote(s, '0.2.0');
  assert.is(await fetchFromProduction(s, '0.2.0'), s.sha256['0.2.0']);
  const r = await makeFleet(s, 'deploy', '0.2.0', `-e '{"deploy_serial":[1,2]}'`);
  const out = r.stdout + r.stderr;
  assert.is.not(r.exitCode, 0, out);
  assert.match(out, new RegExp(`failed on ${FAILING} \\(it had 0\\.1\\.0 before\\)`), out);
  assert.match(out, /The rollout stops here/);
  assert.match(out, /API_TOKEN is not set/, 'the failing service\'s own log lines are reported');
  assert.not.match(out, /\bh4\b/, 'h4 is in no batch that ran');
  const recap = out.slice(out.indexOf('PLAY RECAP'));
  assert.match(recap, /h1\s+: ok=\d+\s+changed=\d+\s+unreachable=0\s+failed=0/);
  assert.match(recap, /h2\s+: .*failed=1/);
  assert.match(recap, /h3\s+: ok=\d+\s+changed=\d+\s+unreachable=0\s+failed=0/);

  const states = await hostStates(s);
  assert.equal(
    Object.fromEntries(Object.entries(states).map(([h, st]) => [h, `${st.version} ${st.health}`])),
    { h1: '0.2.0 200', h2: '0.2.0 0', h3: '0.2.0 200', h4: '0.1.0 200' },
    'h1 and h3 (the healthy hosts of the first two batches) and untouched h4 keep serving; h2 does not',
  );
  assertSettingsKept(s, states);
});

step('deploy refuses an older version (a downgrade is a rollback)', async (s) => {
  const r = await makeFleet(s, 'deploy', '0.1.0', '--limit h1');
  assert.is.not(r.exitCode, 0);
  assert.match(r.stdout + r.stderr, /downgrade/i);
  assert.is((await hostStates(s)).h1!.version, '0.2.0');
});

step('rollback to 0.1.0 by version: every host back on 0.1.0 and healthy, h2 included; settings and secrets kept', async (s) => {
  const r = await makeFleet(s, 'rollback', '0.1.0');
  assert.is(r.exitCode, 0, r.stdout + r.stderr);
  const states = await hostStates(s);
  for (const [host, st] of Object.entries(states)) {
    assert.is(st.version, '0.1.0', host);
    assert.is(st.health, 200, host);
  }
  assertSettingsKept(s, states);
  // The package on the hosts is the promoted file itself: dpkg's record of a conffile matches the build's.
  const md5 = await s.fleet.ssh(s.fleet.hosts[0]!, `dpkg-query --showformat='\${Conffiles}' --show ${PKG}`);
  assert.match(md5.stdout, new RegExp(`/etc/${PKG}/${PKG}.env [0-9a-f]{32}`));
  assert.ok(readFileSync(join(s.project, 'deploy', 'README.md'), 'utf8').includes('make rollback VERSION='));
});

step('a package without a service (a tool): deploy and rollback by version, no health wait, the version checked', async (s) => {
  // What a tool package's deploy/ sets (deploy_service empty): here a small .deb made with dpkg-deb.
  const tool = 'acme-fleet-tool';
  const dir = join(s.fleet.workDir, 'tool');
  const debs: string[] = [];
  for (const version of ['1.0.0', '1.1.0']) {
    mkdirSync(join(dir, version, 'DEBIAN'), { recursive: true });
    mkdirSync(join(dir, version, 'usr', 'bin'), { recursive: true });
    writeFileSync(join(dir, version, 'DEBIAN', 'control'), `Package: ${tool}\nVersion: ${version}\nArchitecture: all\nMaintainer: T <t@example.org>\nDescription: fleet test tool\n`);
    writeFileSync(join(dir, version, 'usr', 'bin', tool), `#!/bin/sh\necho ${version}\n`, { mode: 0o755 });
    debs.push(mustSh('sh', ['-c', 'dpkg-deb --root-owner-group -b "$1" "$2" >/dev/null && echo "$2"', 'sh', join(dir, version), join(dir, `${tool}_${version}_all.deb`)]).trim());
  }
  assert.is(repoMake(s.repo, 'repo-add', { DIST: 'development', DEBS: debs.join(' ') }).code, 0);
  for (const version of ['1.0.0', '1.1.0']) assert.is(repoMake(s.repo, 'promote', { VERSION: version, FROM: 'development', PACKAGE: tool }).code, 0);
  const args = `--limit h1,h2 -e deploy_package=${tool} -e deploy_service=`;
  const up = await makeFleet(s, 'deploy', '1.1.0', args);
  assert.is(up.exitCode, 0, up.stdout + up.stderr);
  const wait = up.stdout.split('TASK [deploy : Wait for the health check]')[1]?.split('TASK [')[0] ?? '';
  assert.match(wait, /skipping: \[h1\]/, 'no health wait for a tool');
  assert.not.match(wait, /ok: \[/);
  const down = await makeFleet(s, 'rollback', '1.0.0', args);
  assert.is(down.exitCode, 0, down.stdout + down.stderr);
  for (const h of s.fleet.hosts.slice(0, 2)) assert.is((await s.fleet.ssh(h, tool)).stdout.trim(), '1.0.0', h.name);
  assert.is.not((await s.fleet.ssh(s.fleet.hosts[2]!, `command -v ${tool} || echo none`)).stdout.trim(), `/usr/bin/${tool}`, 'h3 was not in --limit');
});

step('the generated service .debs were built once each, and their checksums are what production served', async (s) => {
  console.log(`  make deb: ${s.buildSeconds['0.1.0']!.toFixed(1)} s (0.1.0), ${s.buildSeconds['0.2.0']!.toFixed(1)} s (0.2.0)`);
  assert.is(sha256(readFileSync(s.debs['0.1.0']!)), s.sha256['0.1.0']);
  assert.is.not(s.sha256['0.1.0'], s.sha256['0.2.0']);
});

t.run();
