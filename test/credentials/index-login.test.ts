import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { generate } from '../helpers/generate.js';
import { tempDir } from '../helpers/tmp.js';
import { toolTest } from '../helpers/tools.js';

/**
 * ci/index-login.sh (templates 1.2.0): the CI job's netrc, written fresh from the installer secrets. Checked the
 * way pip sees it, with Python's own netrc module (requests reads the file through it).
 */
const t = suite('ci/index-login.sh: a job-scoped netrc from the installer secrets');
const PY = '/usr/bin/python3';

function login(project: string, env: Record<string, string>) {
  const r = spawnSync('sh', ['ci/index-login.sh'], { cwd: project, encoding: 'utf8', env: { PATH: '/usr/bin:/bin', ...env } });
  return { code: r.status ?? 1, out: r.stdout + r.stderr };
}

function pythonReads(file: string, host: string, python = PY): [string, string] {
  const r = spawnSync(python, ['-c', 'import netrc, sys, json; a = netrc.netrc(sys.argv[1]).authenticators(sys.argv[2]); print(json.dumps([a[0], a[2]]))', file, host], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as [string, string];
}

/** Debian's python3, and each CPython 3.10+ pyenv has here (3.10 is Ubuntu jammy's: its netrc keeps quotes and backslashes). */
const PYENV = join(process.env.PYENV_ROOT ?? join(homedir(), '.pyenv'), 'versions');
const PYTHONS = [PY, ...(existsSync(PYENV) ? readdirSync(PYENV).filter((v) => /^3\.1\d\.\d+$/.test(v)).map((v) => join(PYENV, v, 'bin', 'python3')) : [])].filter((p) => existsSync(p));

toolTest(t, ['sh', PY], "writes the index host's login (port dropped) as every Python's netrc reads it, mode 0600, replacing what was there; nothing secret printed", async () => {
  const project = await generate({ type: 'library', name: 'login-lib', indexUrl: 'https://pypi.internal.example:8443/simple/' });
  for (const [user, password] of [['installer', 'plain-Pw1'], ['ci-bot', 'in"side#hash$`;&|<>()!~']]) {
    const home = tempDir('index-login-');
    writeFileSync(join(home, '.netrc'), 'machine stale.example login old password old\n', { mode: 0o644 });
    const r = login(project, { HOME: home, PYPI_INSTALL_USER: user!, PYPI_INSTALL_PASSWORD: password! });
    assert.is(r.code, 0, r.out);
    assert.not.ok(r.out.includes(password!), 'the password was printed');
    const file = join(home, '.netrc');
    assert.is(statSync(file).mode & 0o777, 0o600);
    for (const py of PYTHONS) assert.equal(pythonReads(file, 'pypi.internal.example', py), [user, password], py);
    assert.not.match(readFileSync(file, 'utf8'), /stale\.example/, 'a job-scoped file is written fresh');
  }
  // NETRC names the file (pip honours it too)
  const home = tempDir('index-login-');
  const other = join(home, 'job.netrc');
  assert.is(login(project, { HOME: home, NETRC: other, PYPI_INSTALL_USER: 'u', PYPI_INSTALL_PASSWORD: 'p' }).code, 0);
  assert.ok(existsSync(other) && !existsSync(join(home, '.netrc')));
});

toolTest(t, ['sh', PY], 'without the secrets or an index it writes nothing; credentials inside PIP_INDEX_URL are refused', async () => {
  const project = await generate({ type: 'library', name: 'login-lib2', indexUrl: 'https://one.example/simple/' });
  const home = tempDir('index-login-');
  const none = login(project, { HOME: home });
  assert.is(none.code, 0);
  assert.match(none.out, /not both set/);
  assert.not.ok(existsSync(join(home, '.netrc')));
  const bare = await generate({ type: 'library', name: 'login-bare' });
  assert.match(login(bare, { HOME: home, PYPI_INSTALL_USER: 'u', PYPI_INSTALL_PASSWORD: 'p' }).out, /no index-url/);
  assert.not.ok(existsSync(join(home, '.netrc')));
  const bad = login(project, { HOME: home, PYPI_INSTALL_USER: 'u', PYPI_INSTALL_PASSWORD: 'p', PIP_INDEX_URL: 'https://u:p@two.example/simple/' });
  assert.is.not(bad.code, 0);
  assert.match(bad.out, /holds credentials/);
  assert.not.ok(existsSync(join(home, '.netrc')));
});

toolTest(t, ['sh', PY], 'a secret that Python 3.10 and 3.11+ would read differently (blank, backslash, leading " or #, non-ASCII) is refused, nothing written or printed', async () => {
  const project = await generate({ type: 'library', name: 'login-lib3', indexUrl: 'https://one.example/simple/' });
  for (const [user, password] of [['ci bot', 'pw'], ['ci', 'with "quotes" and spaces'], ['ci', 'back\\slash'], ['ci', '#hash'], ['ci', '"quoted'], ['ci', 'caf\u00e9']]) {
    const home = tempDir('index-login-');
    const r = login(project, { HOME: home, PYPI_INSTALL_USER: user!, PYPI_INSTALL_PASSWORD: password! });
    assert.is(r.code, 1, `${user} / ${password}: ${r.out}`);
    assert.match(r.out, user === 'ci bot' ? /PYPI_INSTALL_USER holds/ : /PYPI_INSTALL_PASSWORD holds/);
    assert.not.ok(r.out.includes(password!) && password !== 'pw', 'the password was printed');
    assert.not.ok(existsSync(join(home, '.netrc')), `${password}: a file was written`);
  }
});

t.run();
