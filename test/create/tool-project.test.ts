import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CREATE_BIN } from '../helpers/cli.js';
import { cleanEnv, tempDir } from '../helpers/tmp.js';
import { toolTest } from '../helpers/tools.js';

/**
 * `create-pyservice --type tool`, end to end with only the generated files (clean environment, Debian's python3):
 * `make test`, `make deb` offline, lintian, then the .deb installs, its command runs from /usr/bin, it ships no
 * unit, no /etc and creates no user, and it purges cleanly. One build, shared by every assertion.
 */
const t = suite('create-pyservice --type tool: a command-line tool project that tests, builds, installs and purges');
const NAME = `pyservice-tool-${process.pid}`;

function sh(cmd: string, args: string[], cwd?: string, env: Record<string, string> = cleanEnv(tempDir())) {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 << 20 });
  return { code: r.status ?? 128, out: `${r.stdout}${r.stderr}` };
}
const dpkg = (...args: string[]) => sh('flock', ['/tmp/pyservice-dpkg.lock', 'dpkg', ...args], undefined, { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' });

toolTest(t, ['/usr/bin/python3', 'make', 'dpkg-buildpackage', 'dh_virtualenv', 'lintian', 'flock'], 'make test, make deb, lintian, install, run, no unit/user, purge', () => {
  if (process.getuid?.() !== 0) return console.log('  skip: installing needs root');
  const dir = join(tempDir(), NAME);
  const made = sh(process.execPath, [CREATE_BIN, dir, '--type', 'tool', '--name', NAME, '--yes', '--ci', 'github']);
  assert.is(made.code, 0, made.out);
  assert.match(made.out, /make deb/, 'next steps name the .deb build');
  const importName = NAME.replace(/-/g, '_');
  for (const f of [`src/${importName}/cli.py`, `src/${importName}/__main__.py`, 'tests/test_cli.py', 'debian/control', 'dput.cf', 'ci/deb-repo-ssh.sh'])
    assert.ok(existsSync(join(dir, f)), `${f} is generated`);
  for (const f of [`debian/${NAME}.service`, `debian/${NAME}.sysusers`, 'debian/conf'])
    assert.not.ok(existsSync(join(dir, f)), `${f} is not generated for a tool`);
  assert.match(readFileSync(join(dir, 'setup.py'), 'utf8'), new RegExp(`"${NAME} = ${importName}\\.cli:main"`));

  const env = cleanEnv(tempDir());
  const tested = sh('make', ['test'], dir, env);
  assert.is(tested.code, 0, tested.out.slice(-3000));
  assert.match(tested.out, /4 passed/);
  const built = sh('make', ['deb'], dir, env);
  assert.is(built.code, 0, built.out.slice(-3000));
  const deb = join(dir, 'debs', readdirSync(join(dir, 'debs')).find((f) => f.endsWith('.deb'))!);
  const lint = sh('lintian', ['--no-tag-display-limit', deb]);
  assert.not.match(lint.out, /^[EW]: /m, lint.out);
  const contents = sh('dpkg-deb', ['-c', deb]).out;
  assert.not.match(contents, /systemd|sysusers|\.\/etc\//, contents);
  try {
    const inst = dpkg('-i', deb);
    assert.is(inst.code, 0, inst.out);
    const ran = sh(`/usr/bin/${NAME}`, ['ada']);
    assert.is(ran.code, 0, ran.out);
    assert.is(ran.out, 'Hello, ada!\n');
    assert.is(sh(`/usr/bin/${NAME}`, ['']).code, 2, 'bad input is exit 2');
    assert.is(sh('getent', ['passwd', NAME]).code, 2, 'a tool creates no user');
  } finally {
    const purge = dpkg('-P', NAME);
    assert.is(purge.code, 0, purge.out);
  }
  assert.not.ok(existsSync(`/opt/venvs/${NAME}`), 'purge left the venv');
  assert.not.ok(existsSync(`/usr/bin/${NAME}`), 'purge left the link');
});

t.run();
