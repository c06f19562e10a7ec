import { chmodSync, chownSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { PYSERVICE_BIN, pyservice } from '../helpers/cli.js';
import { generate } from '../helpers/generate.js';
import { tempDir } from '../helpers/tmp.js';
import { isCI } from '../helpers/tools.js';

/** `pyservice login`, the real binary as a child process without a terminal. */
const login = suite('pyservice login');

// The bins keep V8's code cache under XDG_CACHE_HOME (src/code-cache.ts): outside HOME here, so HOME holds
// exactly what login wrote.
const codeCache = tempDir('login-code-cache-');
const env = (home: string, password: string | undefined, extra: Record<string, string | undefined> = {}) => ({ HOME: home, XDG_CACHE_HOME: codeCache, NETRC: undefined, PYSERVICE_INDEX_PASSWORD: password, ...extra });

login('--help documents the sources of URL, user and password, and that no flag takes the password', () => {
  const r = pyservice(['login', '--help']);
  assert.is(r.code, 0);
  assert.match(r.stdout, 'pip.conf');
  assert.match(r.stdout, 'PYSERVICE_INDEX_PASSWORD');
  assert.match(r.stdout, 'never from a flag');
});

login('with flags only: creates ~/.netrc with mode 0600 and no temp file left beside it', () => {
  const home = tempDir('login-home-');
  const r = pyservice(['login', '--index-url', 'https://pypi.example.com:8443/simple/', '--index-user', 'installer'], { cwd: home, env: env(home, 'tok') });
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, 'created ~/.netrc with a machine entry for pypi.example.com; mode 0600');
  assert.is(readFileSync(join(home, '.netrc'), 'utf8'), 'machine pypi.example.com login installer password tok\n');
  assert.is(statSync(join(home, '.netrc')).mode & 0o777, 0o600);
  assert.equal(readdirSync(home), ['.netrc']);
});

login('a NETRC the login cannot be written to says why and what to do, in one line', () => {
  // Measured before: NETRC in a folder that does not exist said 'cannot write …/x: ENOENT'
  const home = tempDir('login-home-');
  const args = ['login', '--index-url', 'https://pypi.example.com/simple/', '--index-user', 'installer'];
  const missing = join(home, 'no-such-folder', 'netrc');
  const r = pyservice(args, { cwd: home, env: env(home, 'tok', { NETRC: missing }) });
  assert.is(r.code, 1, r.stderr);
  assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, `cannot write ${missing}: its folder ${join(home, 'no-such-folder')} does not exist; create it, or point NETRC at a file in a folder that does`);
  assert.not.match(r.stderr, /ENOENT/);
  if (process.getuid?.() === 0) return; // root writes anywhere: the permission case needs another user
  const locked = join(home, 'locked');
  mkdirSync(locked, { mode: 0o500 });
  const denied = pyservice(args, { cwd: home, env: env(home, 'tok', { NETRC: join(locked, 'netrc') }) });
  assert.is(denied.code, 1, denied.stderr);
  assert.match(denied.stderr, `permission denied in ${locked}`);
});

login('logins to several indexes saved at once (parallel CI steps, two terminals) are all kept; no lock is left', async () => {
  // Measured before: eight at once left one entry, and each said it had saved its login
  const home = tempDir('login-home-');
  writeFileSync(join(home, '.netrc'), 'machine keep.example login k password k\n', { mode: 0o600 });
  const runs = Array.from({ length: 8 }, (_, i) => {
    const child = spawn(process.execPath, [PYSERVICE_BIN, 'login', '--index-url', `https://idx${i}.example/simple/`, '--index-user', `u${i}`], {
      cwd: home,
      env: { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NETRC')), NO_COLOR: '1', HOME: home, XDG_CACHE_HOME: codeCache, PYSERVICE_INDEX_PASSWORD: `pw${i}` },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (b) => (stderr += b));
    return new Promise<{ code: number | null; stderr: string }>((res) => child.on('close', (code) => res({ code, stderr })));
  });
  for (const r of await Promise.all(runs)) assert.is(r.code, 0, r.stderr);
  const text = readFileSync(join(home, '.netrc'), 'utf8');
  assert.match(text, 'machine keep.example login k password k\n');
  for (let i = 0; i < 8; i++) assert.match(text, `machine idx${i}.example login u${i} password pw${i}\n`);
  assert.equal(readdirSync(home), ['.netrc']);
  assert.is(statSync(join(home, '.netrc')).mode & 0o777, 0o600);
});

login('a temporary file a killed save left beside ~/.netrc (it holds every password) is removed by the next login; other files stay', () => {
  const home = tempDir('login-home-');
  writeFileSync(join(home, '.netrc'), 'machine a.example login a password a\n', { mode: 0o600 });
  // what writeFileAtomic leaves when the process is killed between writing its temporary file and the rename
  writeFileSync(join(home, '..netrc.pyservice-0badc0de.tmp'), 'machine a.example login a password a\nmachine b.example login b password killed\n', { mode: 0o600 });
  writeFileSync(join(home, '..netrc.pyservice-notes.tmp'), 'mine\n');
  writeFileSync(join(home, '.other.pyservice-0badc0de.tmp'), 'not a netrc temp\n');
  const r = pyservice(['login', '--index-url', 'https://pypi.example.com/simple/', '--index-user', 'installer'], { cwd: home, env: env(home, 'tok') });
  assert.is(r.code, 0, r.stderr);
  assert.equal(readdirSync(home).sort(), ['..netrc.pyservice-notes.tmp', '.netrc', '.other.pyservice-0badc0de.tmp']);
});

login('again with a new password: the entry is updated in place; a third time: already there', () => {
  const home = tempDir('login-home-');
  writeFileSync(join(home, '.netrc'), 'machine a.example login a password a\nmachine pypi.example.com login installer password old # rotated monthly\n', { mode: 0o600 });
  const args = ['login', '--index-url', 'https://pypi.example.com/simple/', '--index-user', 'installer'];
  const r = pyservice(args, { cwd: home, env: env(home, 'new') });
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, 'updated the machine entry for pypi.example.com in ~/.netrc (line 2) in place');
  assert.is(readFileSync(join(home, '.netrc'), 'utf8'), 'machine a.example login a password a\nmachine pypi.example.com login installer password new # rotated monthly\n');
  const again = pyservice(args, { cwd: home, env: env(home, 'new') });
  assert.is(again.code, 0);
  assert.match(again.stdout, 'already holds this login');
});

login('in a project: the URL comes from pip.conf, the user from .pyservice.json; a host ~/.netrc has no login for yet needs --index-url without a terminal', async () => {
  const project = await generate({ type: 'service', name: 'svc-a', indexUrl: 'https://pypi.corp.example/simple/', indexUser: 'svc-reader' });
  // A cloned repository chooses the host: a first login there is not sent on its word alone (exit 2, nothing written)
  const fresh = tempDir('login-home-');
  const refused = pyservice(['login'], { cwd: project, env: env(fresh, 'pw') });
  assert.is(refused.code, 2, refused.stderr);
  assert.match(refused.stderr, `the index host "pypi.corp.example" comes from "${join(project, 'pip.conf')}", a file of the project`);
  assert.match(refused.stderr, 'pass --index-url "https://pypi.corp.example/simple/" to confirm');
  assert.is(refused.stderr.trim().split('\n').length, 1, refused.stderr);
  assert.equal(readdirSync(fresh), []);
  // The same host named by the user: saved
  const named = pyservice(['login', '--index-url', 'https://pypi.corp.example/simple/'], { cwd: project, env: env(fresh, 'pw') });
  assert.is(named.code, 0, named.stderr);
  assert.is(readFileSync(join(fresh, '.netrc'), 'utf8'), 'machine pypi.corp.example login svc-reader password pw\n');
  // A host ~/.netrc already logs in to (a rotated password): taken from pip.conf as it is
  const home = tempDir('login-home-');
  writeFileSync(join(home, '.netrc'), 'machine pypi.corp.example login svc-reader password old\n', { mode: 0o600 });
  const r = pyservice(['login'], { cwd: project, env: env(home, 'pw') });
  assert.is(r.code, 0, r.stderr);
  assert.is(readFileSync(join(home, '.netrc'), 'utf8'), 'machine pypi.corp.example login svc-reader password pw\n');
  // --dir points at the project from elsewhere; --index-user overrides the recorded one.
  const r2 = pyservice(['login', '--dir', project, '--index-user', 'other'], { cwd: fresh, env: env(home, 'pw2') });
  assert.is(r2.code, 0, r2.stderr);
  assert.is(readFileSync(join(home, '.netrc'), 'utf8'), 'machine pypi.corp.example login other password pw2\n');
});

login("pip.conf is what pip uses: an edited index-url wins over the recorded answer (and is the host confirmed)", async () => {
  const project = await generate({ type: 'library', name: 'lib-b', indexUrl: 'https://old.example/simple/', indexUser: 'reader' });
  writeFileSync(join(project, 'pip.conf'), '[global]\nindex-url = https://new.example/simple/\n');
  const home = tempDir('login-home-');
  const r = pyservice(['login'], { cwd: project, env: env(home, 'pw') });
  assert.is(r.code, 2);
  assert.match(r.stderr, '"new.example" comes from');
  writeFileSync(join(home, '.netrc'), 'machine new.example login reader password old\n', { mode: 0o600 });
  assert.is(pyservice(['login'], { cwd: project, env: env(home, 'pw') }).code, 0);
  assert.is(readFileSync(join(home, '.netrc'), 'utf8'), 'machine new.example login reader password pw\n');
});

login('on a terminal, a host the project names is confirmed before the password is asked (a look-alike shown as DNS sees it); no is cancelled, nothing saved', async () => {
  const { loginFromInput } = await import('../../src/credentials/login-flow.js');
  const home = tempDir('login-home-');
  const asked: string[] = [];
  const asker = (confirm: boolean) => ({
    async ask<T>(q: { kind: string; message: string }): Promise<T> {
      asked.push(`${q.kind}: ${q.message}`);
      return (q.kind === 'confirm' ? confirm : 'pw') as T;
    },
  });
  const saved = process.env.HOME;
  const savedNetrc = process.env.NETRC;
  process.env.HOME = home;
  delete process.env.NETRC;
  try {
    // Cyrillic "о" in corp: the host pip would send the login to is xn--…
    const lookalike = 'https://pypi.c\u043erp.example/simple/';
    const no = await loginFromInput({ indexUrl: lookalike, indexUser: 'u', asker: asker(false) as never, envPassword: undefined, urlFrom: '/p/pip.conf' }).then(
      () => null,
      (e: Error) => e,
    );
    assert.is(no?.constructor.name, 'CancelledError');
    assert.match(no!.message, 'nothing was saved');
    assert.is(asked.length, 1, 'the password is not asked after a no');
    assert.match(asked[0]!, 'confirm: /p/pip.conf names the index host "pypi.c\u043erp.example" (pypi.xn--crp-sed.example), which ~/.netrc has no login for yet');
    assert.equal(readdirSync(home), []);
    asked.length = 0;
    const yes = await loginFromInput({ indexUrl: 'https://pypi.corp.example/simple/', indexUser: 'u', asker: asker(true) as never, envPassword: undefined, urlFrom: '/p/pip.conf' });
    assert.is(yes.want.host, 'pypi.corp.example');
    assert.equal(asked.map((a) => a.split(':')[0]), ['confirm', 'password']);
    // Named by the user (no urlFrom): no question before the password
    asked.length = 0;
    await loginFromInput({ indexUrl: 'https://pypi.corp.example/simple/', indexUser: 'u', asker: asker(true) as never, envPassword: undefined });
    assert.equal(asked.map((a) => a.split(':')[0]), ['password']);
  } finally {
    process.env.HOME = saved;
    if (savedNetrc !== undefined) process.env.NETRC = savedNetrc;
  }
});

login('no index configured anywhere: exit 2 naming --index-url', async () => {
  const project = await generate({ type: 'library', name: 'lib-c' });
  const home = tempDir('login-home-');
  const r = pyservice(['login', '--index-user', 'u'], { cwd: project, env: env(home, 'pw') });
  assert.is(r.code, 2);
  assert.match(r.stderr, '--index-url');
  assert.equal(readdirSync(home), []);
});

login('no password and no terminal: exit 2, ~/.netrc untouched; the password is never an argument', () => {
  const home = tempDir('login-home-');
  writeFileSync(join(home, '.netrc'), 'machine a.example login a password a\n', { mode: 0o600 });
  const args = ['login', '--index-url', 'https://pypi.example.com/simple/', '--index-user', 'u'];
  const r = pyservice(args, { cwd: home, env: env(home, undefined) });
  assert.is(r.code, 2);
  assert.match(r.stderr, 'PYSERVICE_INDEX_PASSWORD');
  const positional = pyservice([...args, 'hunter2'], { cwd: home, env: env(home, 'pw') });
  assert.is(positional.code, 2);
  assert.match(positional.stderr, 'never an argument');
  assert.not.match(positional.stderr, 'hunter2');
  const flag = pyservice([...args, '--password', 'hunter2'], { cwd: home, env: env(home, 'pw') });
  assert.is(flag.code, 2);
  assert.not.match(flag.stderr, 'hunter2');
  assert.is(readFileSync(join(home, '.netrc'), 'utf8'), 'machine a.example login a password a\n');
});

login('an index URL with credentials in it is refused', () => {
  const home = tempDir('login-home-');
  const r = pyservice(['login', '--index-url', 'https://u:p@pypi.example.com/simple/', '--index-user', 'u'], { cwd: home, env: env(home, 'pw') });
  assert.is(r.code, 2);
  assert.match(r.stderr, 'credentials');
  assert.equal(readdirSync(home), []);
});

login('$NETRC names the file (pip honours it too)', () => {
  const home = tempDir('login-home-');
  const file = join(home, 'custom-netrc');
  const r = pyservice(['login', '--index-url', 'https://pypi.example.com/simple/', '--index-user', 'u'], { cwd: home, env: env(home, 'pw', { NETRC: file }) });
  assert.is(r.code, 0, r.stderr);
  assert.is(readFileSync(file, 'utf8'), 'machine pypi.example.com login u password pw\n');
  assert.equal(readdirSync(home), ['custom-netrc']);
});

login('a symlinked ~/.netrc stays a link; the file it points to is updated', () => {
  const home = tempDir('login-home-');
  mkdirSync(join(home, 'dotfiles'));
  writeFileSync(join(home, 'dotfiles', 'netrc'), 'machine a.example login a password a\n', { mode: 0o600 });
  symlinkSync('dotfiles/netrc', join(home, '.netrc'));
  const r = pyservice(['login', '--index-url', 'https://pypi.example.com/simple/', '--index-user', 'u'], { cwd: home, env: env(home, 'pw') });
  assert.is(r.code, 0, r.stderr);
  assert.ok(lstatSync(join(home, '.netrc')).isSymbolicLink());
  assert.is(readlinkSync(join(home, '.netrc')), 'dotfiles/netrc');
  assert.is(readFileSync(join(home, 'dotfiles', 'netrc'), 'utf8'), 'machine a.example login a password a\nmachine pypi.example.com login u password pw\n');
});

/** A git repository (the project, a dotfiles repository) holding `file`; `ignored` lists .gitignore lines. */
function repoWith(dir: string, ignored: string[] = []): void {
  mkdirSync(dir, { recursive: true });
  const g = spawnSync('git', ['init', '-q', dir], { encoding: 'utf8' });
  assert.is(g.status, 0, g.stderr);
  if (ignored.length) writeFileSync(join(dir, '.gitignore'), ignored.join('\n') + '\n');
}

login('a ~/.netrc (or NETRC) that lands in a git work tree where git would commit it: exit 1, nothing written, the password never shown', () => {
  const home = tempDir('login-home-');
  const project = join(home, 'proj');
  repoWith(project);
  writeFileSync(join(project, 'netrc'), '', { mode: 0o600 });
  symlinkSync(join(project, 'netrc'), join(home, '.netrc'));
  const args = ['login', '--index-url', 'https://pypi.example.com/simple/', '--index-user', 'u'];
  for (const [how, extra] of [['a symlink into the project', {}], ['NETRC inside the project', { NETRC: join(project, 'sub', 'netrc') }]] as const) {
    if (how !== 'a symlink into the project') mkdirSync(join(project, 'sub'));
    const r = pyservice(args, { cwd: home, env: env(home, 'pw-Zq7-never-in-git', extra) });
    assert.is(r.code, 1, `${how}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, /git work tree/, how);
    assert.match(r.stderr, /\.gitignore/, `${how}: the message names the fix`);
    assert.not.match(r.stdout + r.stderr, 'pw-Zq7', how);
    assert.is(readFileSync(join(project, 'netrc'), 'utf8'), '', how);
    assert.not.ok(spawnSync('git', ['status', '--porcelain', '--ignored'], { cwd: project, encoding: 'utf8' }).stdout.includes('sub/netrc'), `${how}: nothing written`);
  }
});

login('a netrc in a git work tree that ignores it (a dotfiles repository) is written as before', () => {
  const home = tempDir('login-home-');
  const dotfiles = join(home, 'dotfiles');
  repoWith(dotfiles, ['netrc']);
  writeFileSync(join(dotfiles, 'netrc'), '', { mode: 0o600 });
  symlinkSync('dotfiles/netrc', join(home, '.netrc'));
  const r = pyservice(['login', '--index-url', 'https://pypi.example.com/simple/', '--index-user', 'u'], { cwd: home, env: env(home, 'pw') });
  assert.is(r.code, 0, r.stderr);
  assert.is(readFileSync(join(dotfiles, 'netrc'), 'utf8'), 'machine pypi.example.com login u password pw\n');
});

login('a ~/.netrc it cannot read never has a word of it echoed: half of an unquoted password with a blank stays hidden', () => {
  for (const content of [
    'machine other.example login u password my Half-Secret-1\n',
    '# with a comment (Python is asked too)\nmachine other.example login u password my Half-Secret-1\n',
    'machine other.example login u password p\nHalf-Secret-1 and more\n',
    'machine other.example login u password "p"x Half-Secret-1\n',
  ]) {
    const home = tempDir('login-home-');
    writeFileSync(join(home, '.netrc'), content, { mode: 0o600 });
    const r = pyservice(['login', '--index-url', 'https://pypi.example.com/simple/', '--index-user', 'u'], { cwd: home, env: env(home, 'pw') });
    assert.is(r.code, 1, `${JSON.stringify(content)}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, /line \d/, content);
    assert.not.match(r.stdout + r.stderr, /Half-Secret|Secret-1/, content);
    assert.is(readFileSync(join(home, '.netrc'), 'utf8'), content);
  }
});

login('a ~/.netrc that pip cannot read, or that is not UTF-8: exit 1 with the line, file untouched', () => {
  for (const [content, want] of [
    [Buffer.from('machine a.example login a password a\nmacdef init\ncd /pub\n'), /line \d+/],
    [Buffer.from('machine a.example login a password caf\xe9\n', 'latin1'), /not UTF-8/],
    [Buffer.from('machine a.example login a port 22\n'), /line 1: a word other than login, password or account in the entry for a\.example \(not shown/],
  ] as const) {
    const home = tempDir('login-home-');
    writeFileSync(join(home, '.netrc'), content, { mode: 0o600 });
    const r = pyservice(['login', '--index-url', 'https://pypi.example.com/simple/', '--index-user', 'u'], { cwd: home, env: env(home, 'pw') });
    assert.is(r.code, 1, r.stderr);
    assert.match(r.stderr, want);
    assert.ok(readFileSync(join(home, '.netrc')).equals(content));
  }
});

// Another user's ~/.netrc (sudo keeps HOME; a link into another home). Before: root rewrote it as root's, mode
// 0600, and its owner's pip could read none of its logins; a non-root user replaced it with a file its owner
// cannot read.
const asRoot = process.getuid?.() === 0;
login('root keeps the owner of the ~/.netrc it merges into, and gives a new one to the owner of the home it is made in', () => {
  if (!asRoot) {
    if (isCI()) assert.unreachable('CI runs as root; a skip is a failure under CI=true');
    console.log('  skip: another user\'s ~/.netrc needs root (chown)');
    return;
  }
  const home = tempDir('login-home-');
  writeFileSync(join(home, '.netrc'), 'machine a.example login a password a\n', { mode: 0o600 });
  chownSync(home, 65534, 65534);
  chownSync(join(home, '.netrc'), 65534, 65534);
  const args = ['login', '--index-url', 'https://pypi.example.com/simple/', '--index-user', 'installer'];
  const r = pyservice(args, { cwd: home, env: env(home, 'tok') });
  assert.is(r.code, 0, r.stderr);
  const st = statSync(join(home, '.netrc'));
  assert.equal([st.uid, st.gid, st.mode & 0o777], [65534, 65534, 0o600], 'still the user\'s, 0600');
  assert.match(readFileSync(join(home, '.netrc'), 'utf8'), /^machine a\.example login a password a\nmachine pypi\.example\.com login installer password tok\n$/);
  const fresh = tempDir('login-home-');
  chownSync(fresh, 65534, 65534);
  assert.is(pyservice(args, { cwd: fresh, env: env(fresh, 'tok') }).code, 0);
  const made = statSync(join(fresh, '.netrc'));
  assert.equal([made.uid, made.gid, made.mode & 0o777], [65534, 65534, 0o600], 'a new one is the home owner\'s');
});

login('a user who is not root is refused another user\'s ~/.netrc (or a home it would be made in), exit 1, nothing written', () => {
  if (!asRoot) {
    if (isCI()) assert.unreachable('CI runs as root; a skip is a failure under CI=true');
    console.log('  skip: running as another user needs root');
    return;
  }
  const home = tempDir('login-home-');
  chmodSync(home, 0o777); // writable by the user, still root's
  writeFileSync(join(home, '.netrc'), 'machine a.example login a password a\n', { mode: 0o644 });
  const args = [PYSERVICE_BIN, 'login', '--index-url', 'https://pypi.example.com/simple/', '--index-user', 'installer'];
  const run = (h: string) =>
    spawnSync(process.execPath, args, { cwd: '/', uid: 65534, gid: 65534, encoding: 'utf8', input: '', env: { PATH: process.env.PATH, NO_COLOR: '1', HOME: h, XDG_CACHE_HOME: '/nonexistent', PYSERVICE_INDEX_PASSWORD: 'tok' } });
  const r = run(home);
  assert.is(r.status, 1, r.stderr);
  assert.match(r.stderr, /\.netrc belongs to another user \(uid 0\), not to you \(uid 65534\).*run pyservice login as that user, or set NETRC to a file of your own/);
  assert.not.match(r.stderr + r.stdout, /tok/);
  assert.is(readFileSync(join(home, '.netrc'), 'utf8'), 'machine a.example login a password a\n');
  assert.equal(readdirSync(home), ['.netrc']);
  const empty = tempDir('login-home-');
  chmodSync(empty, 0o777);
  const e = run(empty);
  assert.is(e.status, 1, e.stderr);
  assert.match(e.stderr, /\(the folder it would be created in\) belongs to another user \(uid 0\)/);
  assert.equal(readdirSync(empty), []);
});

login.run();
