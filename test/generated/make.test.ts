import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from '../helpers/generate.js';
import { cleanEnv, tempDir } from '../helpers/tmp.js';
import { toolTest } from '../helpers/tools.js';

/** The generated Makefile and project, driven by real make, Debian's python3, pip, build and twine, offline. */
const t = suite('generated project: make');

function sh(cmd: string, args: string[], cwd: string, env: Record<string, string>): { code: number; out: string } {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 32 << 20 });
  return { code: r.status ?? 1, out: `${r.stdout}\n${r.stderr}` };
}

const TARGETS = {
  service: ['help', 'venv', 'test', 'dist', 'deb', 'deb-snapshot', 'deb-release', 'image', 'docker-test', 'docker-deb', 'clean'],
  library: ['help', 'venv', 'test', 'dist', 'upload', 'image', 'docker-dist', 'clean'],
};

for (const type of ['service', 'library'] as const) {
  toolTest(t, ['make'], `${type}: make help lists every target and make -n of each is valid`, async () => {
    const dir = await generate({ type, name: `demo-${type}` });
    const env = cleanEnv(tempDir());
    const help = sh('make', [], dir, env);
    assert.is(help.code, 0, help.out);
    for (const target of TARGETS[type].filter((x) => !x.startsWith('docker-') && x !== 'help')) assert.match(help.out, new RegExp(`^  ${target}\\s`, 'm'), `help lacks ${target}`);
    assert.match(help.out, /docker-%/);
    for (const target of TARGETS[type]) {
      const r = sh('make', ['-n', target, 'TAG=v0.1.0'], dir, env);
      assert.is(r.code, 0, `make -n ${target}: ${r.out}`);
    }
  });
}

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
    for (const ci of ['github', 'gitlab', 'circleci', 'jenkins', 'none'] as const) {
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

t.run();
