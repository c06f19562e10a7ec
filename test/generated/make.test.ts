import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from '../helpers/generate.js';
import { CI_PROVIDER_IDS } from '../../src/ci/providers.js';
import { cleanEnv, tempDir } from '../helpers/tmp.js';
import { toolTest } from '../helpers/tools.js';
import { spawnText } from '../helpers/spawn-text.js';
import { startIndexServer, type IndexServer } from '../fixtures/index-server/server.js';

/** The generated Makefile and project, driven by real make, Debian's python3, pip, build and twine, offline. */
const t = suite('generated project: make');

function sh(cmd: string, args: string[], cwd: string, env: Record<string, string>): { code: number; out: string } {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 32 << 20 });
  return { code: r.status ?? 1, out: `${r.stdout}\n${r.stderr}` };
}

/** The targets `make help` lists, in its order (the list the tests run comes from the Makefile itself). */
function helpTargets(dir: string, env: Record<string, string>): string[] {
  const help = sh('make', ['help'], dir, env);
  assert.is(help.code, 0, help.out);
  return [...help.out.matchAll(/^ {2}(\S+)\s/gm)].map((m) => m[1]!);
}

// No Docker engine here or in CI (the brief): the builder image is checked statically (dockerfile.test.ts), and
// these two are dry-run only. The targets of deploy/deploy.mk (apt repository, Ansible deploys) need hosts and
// run for real in the fleet test. Every other target make help lists runs for real below.
const NEEDS_DOCKER = new Set(['image', 'docker-%']);
const fleetTargets = (dir: string) =>
  existsSync(join(dir, 'deploy/deploy.mk')) ? [...readFileSync(join(dir, 'deploy/deploy.mk'), 'utf8').matchAll(/^([a-z][\w-]*):.*## /gm)].map((m) => m[1]!) : [];

for (const type of ['service', 'library'] as const) {
  toolTest(t, ['make', 'git', '/usr/bin/python3', 'dpkg-buildpackage', 'dh_virtualenv', 'twine'], `${type}: every target make help lists runs for real (docker ones dry-run), in a clean environment`, async () => {
    const dir = await generate({ type, name: `every-${type}` }, { git: true });
    const env = cleanEnv(tempDir());
    const fleet = fleetTargets(dir);
    const targets = helpTargets(dir, env).filter((x) => !fleet.includes(x));
    assert.ok(targets.includes('help') && targets.includes('lint') && targets.includes('lock'), targets.join(' '));
    for (const target of targets.filter((x) => NEEDS_DOCKER.has(x))) {
      const r = sh('make', ['-n', target === 'docker-%' ? 'docker-test' : target], dir, env);
      assert.is(r.code, 0, `make -n ${target}: ${r.out}`);
    }
    execFileSync('git', ['tag', 'v0.1.0'], { cwd: dir });
    let index: IndexServer | undefined;
    try {
      for (const target of targets.filter((x) => !NEEDS_DOCKER.has(x))) {
        let extra: Record<string, string> = {};
        if (target === 'upload') {
          index = await startIndexServer({ users: { uploader: { password: 'up-pw', upload: true } } });
          writeFileSync(join(dir, '.pypirc'), readFileSync(join(dir, '.pypirc'), 'utf8').replace(/^repository = .*$/m, `repository = ${index.uploadUrl}`));
          // As a team would: the index committed, that commit tagged (templates 1.6.0 upload only the tagged code)
          execFileSync('git', ['-c', 'user.name=T', '-c', 'user.email=t@example.org', 'commit', '-qm', 'the index', '.pypirc'], { cwd: dir });
          execFileSync('git', ['tag', '-f', 'v0.1.0'], { cwd: dir, stdio: 'ignore' });
          extra = { TWINE_USERNAME: 'uploader', TWINE_PASSWORD: 'up-pw' };
        }
        const r = await spawnText('make', [target], dir, { ...env, ...extra });
        assert.is(r.code, 0, `make ${target}: ${r.out.slice(-4000)}`);
        if (target === 'upload') assert.equal(index!.files().map((f) => f.version), ['0.1.0', '0.1.0'], 'the tagged commit uploads its release');
        if (target === 'deb' || target === 'deb-release') assert.ok(readdirSync(join(dir, 'debs')).some((f) => f.endsWith('.deb')), `make ${target} left no .deb in debs/`);
      }
    } finally {
      await index?.close();
    }
  });
}

toolTest(t, ['make', '/usr/bin/python3'], 'without a login pip does not prompt: make venv fails with a pointer at pyservice login, no EOFError', async () => {
  const index = await startIndexServer({ users: { installer: { password: 'pw', upload: false } } });
  try {
    const dir = await generate({ type: 'service', name: 'nologin-svc', indexUrl: index.simpleUrl });
    writeFileSync(join(dir, 'requirements.txt'), 'acme-private-dep==1.0\n');
    const r = await spawnText('make', ['venv'], dir, cleanEnv(tempDir(), { PIP_EXTRA_INDEX_URL: 'http://127.0.0.1:9/simple/' }));
    assert.is.not(r.code, 0);
    assert.match(r.out, /pyservice login/);
    assert.not.match(r.out, /EOFError|User for /);
    assert.not.match(r.out, /127\.0\.0\.1:9/, 'the caller\'s PIP_EXTRA_INDEX_URL reached pip');
  } finally {
    await index.close();
  }
});

toolTest(t, ['make', '/usr/bin/python3'], 'service: make test passes offline with only the generated files (clean env, Debian python3)', async () => {
  const dir = await generate({ type: 'service', name: 'svc-under-test', description: 'Counts 100% of "quotes" & $things' });
  const r = sh('make', ['test'], dir, cleanEnv(tempDir()));
  assert.is(r.code, 0, r.out);
  assert.match(r.out, /\b5 passed\b/);
});

toolTest(t, ['make', '/usr/bin/python3', 'twine'], 'library: make test and make dist offline; twine check passes; the wheel installs into a fresh venv', async () => {
  const dir = await generate({ type: 'library', name: 'lib-under-test', description: "A library with 'quotes' and ünïcode" });
  const home = tempDir();
  const env = cleanEnv(home);
  const test = sh('make', ['test'], dir, env);
  assert.is(test.code, 0, test.out);
  assert.match(test.out, /\b3 passed\b/);
  const dist = sh('make', ['dist'], dir, env);
  assert.is(dist.code, 0, dist.out);
  const files = readdirSync(join(dir, 'dist')).sort();
  assert.equal(files, ['lib-under-test-0.1.0.tar.gz', 'lib_under_test-0.1.0-py3-none-any.whl'].sort());
  // Debian's twine 4.0.2 matches the metadata version Debian's setuptools 66 writes
  const check = sh('twine', ['check', '--strict', ...files.map((f) => join(dir, 'dist', f))], dir, env);
  assert.is(check.code, 0, check.out);
  const venv = join(home, 'venv');
  assert.is(sh('/usr/bin/python3', ['-m', 'venv', venv], home, env).code, 0);
  const install = sh(join(venv, 'bin', 'pip'), ['install', '--no-index', join(dir, 'dist', files.find((f) => f.endsWith('.whl'))!)], home, env);
  assert.is(install.code, 0, install.out);
  const use = sh(join(venv, 'bin', 'python'), ['-c', 'import lib_under_test as m; print(m.greet("pip"), m.__version__)'], home, env);
  assert.is(use.out.trim(), 'Hello, pip! 0.1.0');
});

toolTest(t, ['shellcheck'], 'every generated shell script passes shellcheck, for each type and CI provider', async () => {
  const scripts: string[] = [];
  for (const type of ['service', 'library'] as const)
    for (const ci of CI_PROVIDER_IDS) {
      const dir = await generate({ type, ci, name: `sh-${type}-${ci}` });
      const all = (readdirSync(dir, { recursive: true }) as string[]).filter((f) => statSync(join(dir, f)).isFile());
      for (const f of all) {
        const head = readFileSync(join(dir, f), 'utf8').slice(0, 40);
        if (/^#!.*\b(sh|bash|dash)\b/.test(head) || f.endsWith('.sh')) scripts.push(join(dir, f));
      }
    }
  assert.ok(scripts.length > 0, 'no shell scripts found');
  const r = spawnSync('shellcheck', ['-x', ...scripts], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stdout + r.stderr);
});

toolTest(t, ['make', 'git'], 'make docker-%: a project folder named like a shell command is a path, never run (templates 1.6.0)', async () => {
  const parent = join(tempDir(), '$(touch PWNd)');
  mkdirSync(parent);
  const dir = await generate({ type: 'service', name: 'docker-path' }, { dir: join(parent, 'proj') });
  const home = tempDir();
  writeFileSync(join(home, '.netrc'), 'machine example.org login u password p\n', { mode: 0o600 });
  const r = sh('make', ['docker-test', 'DOCKER=echo'], dir, { ...cleanEnv(home), HOME: home });
  assert.is(r.code, 0, r.out);
  assert.not.ok(existsSync(join(dir, 'PWNd')) || existsSync(join(parent, 'PWNd')), 'the folder name ran as a command');
  assert.match(r.out, `run --rm -v ${dir}:/src`);
  assert.match(r.out, `-v ${home}/.netrc:/tmp/.netrc:ro`);
});

t.run();
