import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { generate } from '../helpers/generate.js';
import { pyservice } from '../helpers/cli.js';
import { cleanEnv, tempDir } from '../helpers/tmp.js';
import { toolTest } from '../helpers/tools.js';
import { startIndexServer, type IndexServer } from '../fixtures/index-server/server.js';

/**
 * The generated library against a private index on 127.0.0.1 (test/fixtures/index-server), with real clients
 * only: `make dist` and `make upload` (Debian's twine 4.0.2 reading the generated .pypirc, credentials in
 * TWINE_USERNAME / TWINE_PASSWORD as CI passes them), then Debian's pip in fresh venvs configured by nothing but
 * the generated pip.conf (PIP_CONFIG_FILE) and the ~/.netrc that `pyservice login` wrote, under `env -i`.
 * One project, one build; the steps run in order and share it.
 */
const INSTALL_PW = 'inst-Pw-1f3a';
const UPLOAD_PW = 'upl-Pw-9c2e';
const PY = '/usr/bin/python3';

let server: IndexServer;
let project: string;
const home = tempDir('index-home-');
const OTHER_ENTRIES = '# work\nmachine  git.example.org\tlogin me password x1\n\nmacdef init\nbin\n\n';

/**
 * Runs a client. Asynchronously: the index server lives in this process, so a blocking spawn would stall it.
 * `env` is the whole environment (env -i): nothing of this machine's pip configuration leaks in.
 */
function sh(cmd: string, args: string[], env: Record<string, string>, cwd = project): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 128, out }));
  });
}

const uploaded = () => server.files().filter((f) => f.project === 'acme-tools');
const distFiles = () => readdirSync(join(project, 'dist')).sort();

const s = suite('private index: real twine and pip against a loopback index');

s.before(async () => {
  server = await startIndexServer({
    users: { installer: { password: INSTALL_PW, upload: false }, uploader: { password: UPLOAD_PW, upload: true } },
    wheelDirs: ['/usr/share/python-wheels'],
  });
  project = await generate({ type: 'library', name: 'acme-tools', indexUrl: server.simpleUrl, uploadUrl: server.uploadUrl, indexUser: 'installer' }, { git: true });
  // a release: make upload on a tagged commit uploads the tag's version (templates 1.2.0 upload releases from tags only)
  execFileSync('git', ['tag', 'v0.1.0'], { cwd: project });
});
s.after(() => server.close());

const TOOLS = ['make', PY, '/usr/bin/twine'];

toolTest(s, TOOLS, 'the project files hold the URLs and no secret; pip.conf has index-url and no extra-index-url', async () => {
  const pip = readFileSync(join(project, 'pip.conf'), 'utf8');
  assert.match(pip, new RegExp(`^index-url = ${server.simpleUrl}$`, 'm'));
  assert.not.match(pip, /^\s*extra-index-url/m);
  assert.match(pip, /dependency confusion/);
  const pypirc = readFileSync(join(project, '.pypirc'), 'utf8');
  assert.match(pypirc, new RegExp(`^repository = ${server.uploadUrl}$`, 'm'));
  assert.not.match(pypirc, /^\s*(password|username)\s*[=:]/m);
});

toolTest(s, TOOLS, 'make dist builds the sdist and wheel in a clean environment', async () => {
  const r = await sh('make', ['dist'], cleanEnv(home));
  assert.is(r.code, 0, r.out);
  assert.equal(distFiles(), ['acme_tools-0.1.0-py3-none-any.whl', 'acme-tools-0.1.0.tar.gz'].sort());
});

toolTest(s, TOOLS, 'make upload with a wrong password: twine fails with 401 and the index is unchanged', async () => {
  const r = await sh('make', ['upload'], cleanEnv(home, { TWINE_USERNAME: 'uploader', TWINE_PASSWORD: 'wrong' }));
  assert.is.not(r.code, 0);
  assert.match(r.out, /401/);
  assert.is(uploaded().length, 0);
  assert.ok(server.requests.some((q) => q.method === 'POST' && q.status === 401), 'twine reached the index');
});

toolTest(s, TOOLS, 'make upload with the read-only installer login: twine fails with 403 and the index is unchanged', async () => {
  const r = await sh('make', ['upload'], cleanEnv(home, { TWINE_USERNAME: 'installer', TWINE_PASSWORD: INSTALL_PW }));
  assert.is.not(r.code, 0);
  assert.match(r.out, /403/);
  assert.is(uploaded().length, 0);
});

toolTest(s, TOOLS, 'make upload with the upload login (.pypirc + TWINE_USERNAME/TWINE_PASSWORD): both dists land, byte for byte', async () => {
  const r = await sh('make', ['upload'], cleanEnv(home, { TWINE_USERNAME: 'uploader', TWINE_PASSWORD: UPLOAD_PW }));
  assert.is(r.code, 0, r.out);
  assert.not.ok(r.out.includes(UPLOAD_PW), 'twine output holds no password');
  const got = uploaded();
  assert.equal(got.map((f) => f.filename).sort(), distFiles());
  for (const f of got) {
    assert.is(f.uploadedBy, 'uploader');
    assert.is(f.sha256, createHash('sha256').update(readFileSync(join(project, 'dist', f.filename))).digest('hex'), f.filename);
  }
});

toolTest(s, TOOLS, 'pyservice login --index-url (pip.conf\'s host, confirmed) reads the user from .pyservice.json, merges ~/.netrc (0600)', async () => {
  writeFileSync(join(home, '.netrc'), OTHER_ENTRIES, { mode: 0o644 });
  const r = pyservice(['login', '--index-url', server.simpleUrl], { cwd: project, env: { HOME: home, NETRC: undefined, PYSERVICE_INDEX_PASSWORD: INSTALL_PW } });
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, 'Index login for 127.0.0.1 (user installer)');
  assert.match(r.stdout, '~/.netrc');
  assert.match(r.stdout, 'mode 0644 → 0600');
  assert.not.ok((r.stdout + r.stderr).includes(INSTALL_PW));
  assert.is(readFileSync(join(home, '.netrc'), 'utf8'), `${OTHER_ENTRIES}machine 127.0.0.1 login installer password ${INSTALL_PW}\n`);
  assert.is(statSync(join(home, '.netrc')).mode & 0o777, 0o600);
});

/** A fresh venv made with Debian's python, env -i style; pip configured only by the project's pip.conf. */
async function freshVenv(name: string, homeDir: string): Promise<{ env: Record<string, string>; python: string }> {
  const env = cleanEnv(homeDir, { PIP_CONFIG_FILE: join(project, 'pip.conf') });
  const venv = join(tempDir('index-venv-'), name);
  const r = await sh(PY, ['-m', 'venv', venv], env);
  assert.is(r.code, 0, r.out);
  return { env, python: join(venv, 'bin', 'python') };
}

toolTest(s, TOOLS, 'without ~/.netrc, pip in a fresh venv is refused (401): the login really comes from ~/.netrc', async () => {
  const emptyHome = tempDir('index-home-empty-');
  const before = server.requests.length;
  const v = await freshVenv('nologin', emptyHome);
  const r = await sh(v.python, ['-m', 'pip', 'install', '--no-input', '--no-cache-dir', 'acme-tools'], v.env);
  assert.is.not(r.code, 0, r.out);
  const seen = server.requests.slice(before);
  assert.ok(seen.some((q) => q.path === '/simple/acme-tools/' && q.user === null && q.status === 401), JSON.stringify(seen));
  assert.not.ok(seen.some((q) => q.status === 200), 'nothing was served without the login');
});

toolTest(s, TOOLS, "pip (fresh venv, env -i, only pip.conf + ~/.netrc) installs the library's wheel from the index", async () => {
  const before = server.requests.length;
  const v = await freshVenv('wheel', home);
  const r = await sh(v.python, ['-m', 'pip', 'install', '--no-input', '--no-cache-dir', 'acme-tools'], v.env);
  assert.is(r.code, 0, r.out);
  const fetched = server.requests.slice(before).filter((q) => q.path.startsWith('/files/acme-tools/'));
  assert.equal(fetched.map((q) => [q.path.split('/').pop(), q.user, q.status]), [['acme_tools-0.1.0-py3-none-any.whl', 'installer', 200]]);
  const imp = await sh(v.python, ['-c', 'import acme_tools, importlib.metadata as m; print(m.version("acme-tools"))'], v.env, home);
  assert.is(imp.code, 0, imp.out);
  assert.is(imp.out.trim(), '0.1.0');
});

toolTest(s, TOOLS, 'pip builds the sdist in isolation with setuptools and wheel fetched from the same index (no other index)', async () => {
  const before = server.requests.length;
  const v = await freshVenv('sdist', home);
  const r = await sh(v.python, ['-m', 'pip', 'install', '--no-input', '--no-cache-dir', '--no-binary', 'acme-tools', 'acme-tools'], v.env);
  assert.is(r.code, 0, r.out);
  const files = server.requests.slice(before).filter((q) => q.path.startsWith('/files/'));
  const names = files.map((q) => q.path.split('/')[2]).sort();
  assert.equal([...new Set(names)], ['acme-tools', 'setuptools', 'wheel']);
  assert.ok(files.every((q) => q.user === 'installer' && q.status === 200));
  assert.ok(files.some((q) => q.path.endsWith('acme-tools-0.1.0.tar.gz')));
});

s.run();
