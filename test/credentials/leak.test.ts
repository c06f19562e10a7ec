import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CREATE_BIN, create } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { toolTest } from '../helpers/tools.js';

/**
 * Where a password given to create-pyservice may go: only into ~/.netrc. The real CLI binary runs as a child
 * (real argv, stdout, stderr). Child processes are observed with strace (-f: every descendant, -v: full argv and
 * environment of each execve): unlike PATH shims, it also sees programs started by absolute path and the
 * processes git starts itself. The sentinel must be in no child's argv or environment, in no file of the
 * project, in no git object, and in neither output stream; ~/.netrc holds it with mode 0600, and the user's
 * other entries and pip.conf keep every byte.
 */
const sentinel = () => `Sntnl${randomBytes(6).toString('hex')}Pw`;
const OTHER_NETRC = '# personal logins — keep\nmachine   git.example.org\n\tlogin me\n\tpassword  "two words"   # work\n\ndefault login anonymous password guest\n';
const USER_PIP_CONF = '[global]\nindex-url = https://mirror.example.net/simple/\ntimeout = 60\n';
const INDEX = 'http://127.0.0.1:9/simple/';

function userHome(): string {
  const home = tempDir('leak-home-');
  writeFileSync(join(home, '.netrc'), OTHER_NETRC, { mode: 0o600 });
  mkdirSync(join(home, '.config', 'pip'), { recursive: true });
  writeFileSync(join(home, '.config', 'pip', 'pip.conf'), USER_PIP_CONF);
  return home;
}

/** Every regular file under dir, .git included, as raw bytes. */
function* allFiles(dir: string): Generator<[string, Buffer]> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* allFiles(p);
    else if (e.isFile()) yield [p, readFileSync(p)];
  }
}

/** The forms a leaked password would take: itself, and inside an HTTP basic-auth header. */
function forms(secret: string): string[] {
  return [secret, Buffer.from(`installer:${secret}`).toString('base64')];
}

function assertNowhere(secret: string, where: string, text: string | Buffer): void {
  const s = typeof text === 'string' ? text : text.toString('latin1');
  for (const f of forms(secret)) assert.not.ok(s.includes(f), `the password appears in ${where}`);
}

const leak = suite('credentials never leak');

toolTest(leak, ['strace', 'git'], 'create --save-credentials: the password reaches ~/.netrc (0600) and nothing else', () => {
  const secret = sentinel();
  const home = userHome();
  const work = tempDir('leak-work-');
  const log = join(work, 'execve.log');
  const r = spawnSync(
    'strace',
    ['-f', '-qq', '-v', '-s', '1000000', '-e', 'trace=execve', '-o', log, process.execPath, CREATE_BIN, 'leak-demo', '--type', 'library', '--index-url', INDEX, '--index-user', 'installer', '--save-credentials', '--yes'],
    { cwd: work, env: { HOME: home, PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8', NO_COLOR: '1', PYSERVICE_INDEX_PASSWORD: secret }, encoding: 'utf8' },
  );
  assert.is(r.status, 0, r.stderr);

  // What was written where, said plainly; the secret in neither stream.
  assert.match(r.stdout, 'Index login for 127.0.0.1 (user installer): added a machine entry for 127.0.0.1 to ~/.netrc');
  assert.match(r.stdout, 'mode 0600');
  assertNowhere(secret, 'stdout', r.stdout);
  assertNowhere(secret, 'stderr', r.stderr);

  // Child processes: the first execve is node itself, started by the test with the password in its environment
  // (that is how it is given). Every later one is a process the tool started, or one of theirs.
  const execs = readFileSync(log, 'utf8').split('\n').filter((l) => /execve\(/.test(l));
  assert.ok(execs[0]!.includes(CREATE_BIN), 'the trace starts with the CLI');
  const children = execs.slice(1);
  assert.ok(children.filter((l) => /execve\("[^"]*\/git"/.test(l)).length >= 3, `git ran under the trace (${children.length} children)`);
  for (const l of children) assertNowhere(secret, `a child's argv or environment: ${l.slice(0, 160)}`, l);

  // The project tree (including .git) and every git object.
  const project = join(work, 'leak-demo');
  let files = 0;
  for (const [path, bytes] of allFiles(project)) {
    files++;
    assertNowhere(secret, path, bytes);
  }
  assert.ok(files > 20, `walked ${files} files`);
  const objects = spawnSync('git', ['cat-file', '--batch-all-objects', '--batch'], { cwd: project, env: { HOME: home, PATH: '/usr/bin:/bin' } });
  assert.is(objects.status, 0);
  assert.ok(objects.stdout.length > 5000, 'git objects were read');
  assertNowhere(secret, 'a git object', objects.stdout);
  assert.match(readFileSync(join(project, '.pyservice.json'), 'utf8'), '"indexUser": "installer"');

  // ~/.netrc: the user's bytes first, unchanged, then the new entry; 0600. The user's pip.conf is untouched.
  const netrc = readFileSync(join(home, '.netrc'), 'utf8');
  assert.is(netrc, OTHER_NETRC.replace('default login', `machine 127.0.0.1 login installer password ${secret}\ndefault login`));
  assert.is(statSync(join(home, '.netrc')).mode & 0o777, 0o600);
  assert.is(readFileSync(join(home, '.config', 'pip', 'pip.conf'), 'utf8'), USER_PIP_CONF);
});

leak('--yes alone never saves: PYSERVICE_INDEX_PASSWORD set, ~/.netrc unchanged, and it says so', () => {
  const secret = sentinel();
  const home = userHome();
  const work = tempDir('leak-work-');
  const r = create(['demo', '--type', 'library', '--index-url', INDEX, '--index-user', 'installer', '--yes', '--no-git'], { cwd: work, env: { HOME: home, CI: undefined, PYSERVICE_INDEX_PASSWORD: secret } });
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, 'no login was saved: pass --save-credentials');
  assert.is(readFileSync(join(home, '.netrc'), 'utf8'), OTHER_NETRC);
  for (const [path, bytes] of allFiles(join(work, 'demo'))) assertNowhere(secret, path, bytes);
  assertNowhere(secret, 'output', r.stdout + r.stderr);
});

leak('--save-credentials without a password and no terminal: exit 2, nothing written anywhere', () => {
  const home = userHome();
  const work = tempDir('leak-work-');
  const r = create(['demo', '--type', 'library', '--index-url', INDEX, '--index-user', 'installer', '--save-credentials', '--yes', '--no-git'], { cwd: work, env: { HOME: home, PYSERVICE_INDEX_PASSWORD: undefined } });
  assert.is(r.code, 2);
  assert.match(r.stderr, 'PYSERVICE_INDEX_PASSWORD');
  assert.not.ok(existsSync(join(work, 'demo')), 'no project');
  assert.is(readFileSync(join(home, '.netrc'), 'utf8'), OTHER_NETRC);
});

leak('--save-credentials without --index-user, or without --index-url: exit 2 naming the flag, nothing written', () => {
  const home = userHome();
  const work = tempDir('leak-work-');
  const env = { HOME: home, PYSERVICE_INDEX_PASSWORD: 'x' };
  const noUser = create(['demo', '--type', 'library', '--index-url', INDEX, '--save-credentials', '--yes', '--no-git'], { cwd: work, env });
  assert.is(noUser.code, 2);
  assert.match(noUser.stderr, '--index-user');
  const noIndex = create(['demo', '--type', 'library', '--save-credentials', '--yes', '--no-git'], { cwd: work, env });
  assert.is(noIndex.code, 2);
  assert.match(noIndex.stderr, '--index-url');
  assert.not.ok(existsSync(join(work, 'demo')));
  assert.is(readFileSync(join(home, '.netrc'), 'utf8'), OTHER_NETRC);
});

leak('a ~/.netrc that cannot be merged safely (two entries for the host): exit 1 before the project is written', () => {
  const home = tempDir('leak-home-');
  const twice = 'machine 127.0.0.1 login a password a\nmachine 127.0.0.1 login b password b\n';
  writeFileSync(join(home, '.netrc'), twice, { mode: 0o600 });
  const work = tempDir('leak-work-');
  const r = create(['demo', '--type', 'library', '--index-url', INDEX, '--index-user', 'installer', '--save-credentials', '--yes', '--no-git'], { cwd: work, env: { HOME: home, PYSERVICE_INDEX_PASSWORD: 'x' } });
  assert.is(r.code, 1, r.stderr);
  assert.match(r.stderr, '2 entries for 127.0.0.1');
  assert.not.ok(existsSync(join(work, 'demo')));
  assert.is(readFileSync(join(home, '.netrc'), 'utf8'), twice);
});

/** Drives the CLI in a pseudo-terminal (Python's pty), answering prompts; returns the full terminal transcript. */
function inTerminal(argv: string[], answers: [string, string][], env: Record<string, string>, cwd: string): { code: number; transcript: string } {
  const driver = `
import json, os, pty, select, sys, time
argv = json.loads(os.environ.pop('PTY_ARGV')); steps = json.loads(os.environ.pop('PTY_STEPS'))
pid, fd = pty.fork()
if pid == 0:
    os.execvpe(argv[0], argv, os.environ)
buf = b''
def read(until=None, timeout=30):
    global buf
    end = time.time() + timeout
    while time.time() < end:
        if until is not None and until in buf:
            return True
        r, _, _ = select.select([fd], [], [], 0.2)
        if r:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                return False
            if not chunk:
                return False
            buf += chunk
    return False
for expect, send in steps:
    if not read(expect.encode()):
        sys.stderr.write('prompt not seen: ' + expect + '\\n'); break
    time.sleep(0.5)  # the prompt is drawn; give it time to start reading keys (slow under a loaded CI)
    for ch in send:
        os.write(fd, ch.encode()); time.sleep(0.02)
read(None, 20)
_, status = os.waitpid(pid, 0)
sys.stdout.buffer.write(buf)
sys.exit(os.waitstatus_to_exitcode(status))
`;
  const r = spawnSync('/usr/bin/python3', ['-c', driver], {
    cwd,
    env: { ...env, PTY_ARGV: JSON.stringify(argv), PTY_STEPS: JSON.stringify(answers) },
    encoding: 'utf8',
    timeout: 90_000,
  });
  return { code: r.status ?? 128, transcript: `${r.stdout}${r.stderr}` };
}

toolTest(leak, ['/usr/bin/python3'], 'on a terminal: a yes at the prompt consents, the password is typed hidden, and the transcript never shows it', () => {
  const secret = sentinel();
  const home = userHome();
  const work = tempDir('leak-work-');
  const argv = [process.execPath, CREATE_BIN, 'tty-demo', '--type', 'library', '--name', 'tty-demo', '--description', 'Demo', '--author', 'A B', '--email', 'a@example.org', '--url', '', '--ci', 'none', '--distro', 'bookworm', '--index-url', INDEX, '--upload-url', '', '--index-user', 'installer', '--python-minimum', '3.9', '--no-git'];
  const r = inTerminal(argv, [['Save your read-only login', 'y'], ['Password or token', `${secret}\r`]], { HOME: home, PATH: '/usr/bin:/bin', LANG: 'C.UTF-8', TERM: 'xterm', NO_COLOR: '1' }, work);
  assert.is(r.code, 0, r.transcript);
  assert.match(r.transcript, 'Password or token for 127.0.0.1 (hidden)');
  assertNowhere(secret, 'the terminal transcript', r.transcript);
  assert.match(r.transcript, 'added a machine entry for 127.0.0.1 to ~/.netrc');
  assert.is(readFileSync(join(home, '.netrc'), 'utf8'), OTHER_NETRC.replace('default login', `machine 127.0.0.1 login installer password ${secret}\ndefault login`));
  assert.is(statSync(join(home, '.netrc')).mode & 0o777, 0o600);
});

toolTest(leak, ['/usr/bin/python3'], 'on a terminal: the default answer (no) saves nothing and asks no password', () => {
  const home = userHome();
  const work = tempDir('leak-work-');
  const argv = [process.execPath, CREATE_BIN, 'tty-no', '--type', 'library', '--name', 'tty-no', '--description', 'Demo', '--author', 'A B', '--email', 'a@example.org', '--url', '', '--ci', 'none', '--distro', 'bookworm', '--index-url', INDEX, '--upload-url', '', '--index-user', 'installer', '--python-minimum', '3.9', '--no-git'];
  const r = inTerminal(argv, [['Save your read-only login', '\r']], { HOME: home, PATH: '/usr/bin:/bin', LANG: 'C.UTF-8', TERM: 'xterm', NO_COLOR: '1' }, work);
  assert.is(r.code, 0, r.transcript);
  assert.not.match(r.transcript, 'Password or token');
  assert.ok(existsSync(join(work, 'tty-no', 'pip.conf')));
  assert.is(readFileSync(join(home, '.netrc'), 'utf8'), OTHER_NETRC);
});

leak.run();
