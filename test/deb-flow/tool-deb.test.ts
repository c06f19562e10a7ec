import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PYSERVICE_BIN } from '../helpers/cli.js';
import { cleanEnv, tempDir } from '../helpers/tmp.js';
import { toolTest } from '../helpers/tools.js';

/**
 * End-to-end builds (slow; one .deb per backend): a command-line tool, packaged by `pyservice deb --yes` as a
 * tool, built offline (Debian's python3 + the backend's Debian package build the wheel), then lintian, install,
 * run from /usr/bin, no unit and no user, purge. dpkg runs under /tmp/pyservice-dpkg.lock. Two backends whose
 * wheel build goes differently: hatchling (PEP 621 [project]) and poetry-core with the old [tool.poetry] table
 * (its own metadata format, a Build-Depends on python3-poetry-core), which no other .deb test builds.
 */
const t = suite('pyservice deb: hatchling and poetry-core command-line tools → .debs that install, run and purge');
const NAME = `pyservice-hx-${process.pid}`;
const BACKENDS: [string, string, string][] = [
  [
    'hatchling',
    'python3-hatchling',
    `[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n[project]\nname = "${NAME}"\nversion = "1.2.3"\ndescription = "A tool that greets."\nlicense = "MIT"\nauthors = [{name = "Ada L", email = "ada@example.org"}]\n[project.scripts]\n${NAME} = "hx_tool:main"\n[tool.hatch.build.targets.wheel]\npackages = ["hx_tool"]\n`,
  ],
  [
    'poetry-core [tool.poetry]',
    'python3-poetry-core',
    `[build-system]\nrequires = ["poetry-core>=1.0.0"]\nbuild-backend = "poetry.core.masonry.api"\n[tool.poetry]\nname = "${NAME}"\nversion = "1.2.3"\ndescription = "A tool that greets."\nlicense = "MIT"\nauthors = ["Ada L <ada@example.org>"]\npackages = [{include = "hx_tool"}]\n[tool.poetry.dependencies]\npython = "^3.7"\n[tool.poetry.scripts]\n${NAME} = "hx_tool:main"\n`,
  ],
];

function sh(cmd: string, args: string[], cwd?: string, env: Record<string, string> = cleanEnv(tempDir())) {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 << 20 });
  return { code: r.status ?? 128, out: `${r.stdout}${r.stderr}` };
}
const dpkg = (...args: string[]) => sh('flock', ['/tmp/pyservice-dpkg.lock', 'dpkg', ...args], undefined, { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' });

for (const [backend, buildDep, pyproject] of BACKENDS)
toolTest(t, ['/usr/bin/python3', 'dpkg-buildpackage', 'dh_virtualenv', 'lintian', 'flock'], `${backend}: build offline, lintian 0 errors, install, run, no unit/user, purge`, () => {
  if (process.getuid?.() !== 0) return console.log('  skip: installing needs root');
  const parent = tempDir();
  const dir = join(parent, 'src');
  mkdirSync(join(dir, 'hx_tool'), { recursive: true });
  writeFileSync(join(dir, 'hx_tool', '__init__.py'), 'def main():\n    print("hello from hx")\n');
  writeFileSync(join(dir, 'pyproject.toml'), pyproject);
  const made = sh(process.execPath, [PYSERVICE_BIN, 'deb', dir, '--yes', '--maintainer', 'Test <test@example.org>']);
  assert.is(made.code, 0, made.out);
  assert.match(readFileSync(join(dir, 'debian', 'control'), 'utf8'), new RegExp(`^ +${buildDep},?$`, 'm'), 'the backend\'s Debian package is a Build-Depends');
  const built = sh('dpkg-buildpackage', ['-us', '-uc', '-b'], dir);
  assert.is(built.code, 0, built.out.slice(-3000));
  const deb = readdirSync(parent).find((f) => f.endsWith('.deb'))!;
  const lint = sh('lintian', ['--no-tag-display-limit', join(parent, deb)]);
  assert.not.match(lint.out, /^E: /m, lint.out);
  const contents = sh('dpkg-deb', ['-c', join(parent, deb)]).out;
  assert.not.match(contents, /systemd|sysusers|\.\/etc\//, contents);
  try {
    const inst = dpkg('-i', join(parent, deb));
    assert.is(inst.code, 0, inst.out);
    const ran = sh(`/usr/bin/${NAME}`, []);
    assert.is(ran.code, 0, ran.out);
    assert.is(ran.out, 'hello from hx\n');
    assert.is(sh('getent', ['passwd', NAME]).code, 2, 'a tool creates no user');
  } finally {
    const purge = dpkg('-P', NAME);
    assert.is(purge.code, 0, purge.out);
  }
  assert.not.ok(existsSync(`/opt/venvs/${NAME}`), 'purge left the venv');
  assert.not.ok(existsSync(`/usr/bin/${NAME}`), 'purge left the link');
});

t.run();
