import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PYSERVICE_BIN } from '../helpers/cli.js';
import { cleanEnv, tempDir } from '../helpers/tmp.js';
import { toolTest } from '../helpers/tools.js';
import { systemCommand } from '../../src/deb/collisions.js';

/**
 * pyservice deb reads someone else's project: what its metadata says is untrusted input. Each test here is an
 * upstream project written to attack the report or the package, run through the real CLI.
 */
const t = suite('pyservice deb: hostile upstream projects');
const PY = '/usr/bin/python3';
const ME = 'Pat Doe <pat@example.org>';

function deb(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [PYSERVICE_BIN, 'deb', ...args], { env: { ...cleanEnv(tempDir()), GIT_CONFIG_NOSYSTEM: '1', ...env }, encoding: 'utf8', input: '' });
  return { code: r.status ?? 128, stdout: r.stdout, stderr: r.stderr };
}

/** A setup.py project whose setup() keywords are the given Python source. */
function setupPy(name: string, keywords: string): string {
  const dir = join(tempDir(), name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'setup.py'), `from setuptools import setup\nsetup(\n${keywords}\n    py_modules=["evil"],\n)\n`);
  writeFileSync(join(dir, 'evil.py'), 'def main():\n    pass\n');
  return dir;
}

/** Every ESC sequence in a text, as written. */
const escapes = (text: string) => [...text.matchAll(/\u001b\[?[0-9;]*./g)].map((m) => m[0]);

toolTest(t, [PY], 'terminal sequences in the metadata (summary, author, license, a console script) are written out, never sent raw', () => {
  const dir = setupPy(
    'sgr',
    `    name="evil-tool", version="1.0",
    description="Lists \\x1b[8mhidden\\x1b[30;40m things",
    author="Eve \\x1b[5m", author_email="eve@example.org",
    license="MIT \\x1b[8m",
    entry_points={"console_scripts": ["evil-tool = evil:main", "e\\x1b[8mvil = evil:main"]},`,
  );
  // With colours on, only the CLI's own colour sequences may reach the terminal; with NO_COLOR none at all
  for (const env of [{ FORCE_COLOR: '1' }, { NO_COLOR: '1' }] as Record<string, string>[]) {
    const r = deb([dir, '--dry-run', '--yes', '--kind', 'tool', '--maintainer', ME], env);
    assert.is(r.code, 0, r.stderr);
    const seen = escapes(r.stdout + r.stderr);
    const own = new Set(['\u001b[1m', '\u001b[2m', '\u001b[22m', '\u001b[31m', '\u001b[32m', '\u001b[33m', '\u001b[39m']);
    assert.equal(seen.filter((s) => !own.has(s)), [], JSON.stringify(env));
    if (env.NO_COLOR) assert.equal(seen, []);
    // ...and shown, so the reader sees what the project carries
    assert.ok(r.stdout.includes('Lists \\u001b[8mhidden\\u001b[30;40m things'), r.stdout);
    assert.ok(r.stdout.includes('e\\u001b[8mvil = evil:main'), r.stdout);
  }
});

toolTest(t, [PY, 'dpkg-query'], 'a console script named like a system command is refused, tool or service: never diverted, never linked over it', () => {
  // With merged /usr, dpkg knows /usr/bin/sh and /usr/bin/ls only as /bin/sh (dash) and /bin/ls (coreutils): the
  // old lookup found no owner ("a local file") and the tool's preinst would have diverted /usr/bin/sh away
  const cases: Array<[string, RegExp]> = [
    ['sh', /\/usr\/bin\/sh \(dash is Essential\)/],
    ['ls', /\/usr\/bin\/ls \(coreutils is Essential\)/],
    ['dpkg-divert', /\/usr\/bin\/dpkg-divert \(dpkg is Essential\)/],
    ['python3', /\/usr\/bin\/python3 \(the Python interpreter the venv runs on\)/],
    ['sudo', /\/usr\/bin\/sudo \(a program that asks for passwords\)/],
  ];
  for (const [command, why] of cases) {
    const dir = setupPy(`cmd-${command}`, `    name="evil-${command}", version="1.0", description="Takes over a command",
    entry_points={"console_scripts": ["evil-${command} = evil:main", "${command} = evil:main"]},`);
    for (const kind of ['tool', 'service']) {
      const r = deb([dir, '--yes', '--kind', kind, '--maintainer', ME], { NO_COLOR: '1' });
      assert.is(r.code, 2, `${command} as a ${kind}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, why, r.stderr);
      assert.match(r.stderr, /rename that entry point upstream/);
      assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.not.ok(existsSync(join(dir, 'debian')), `${command} as a ${kind}: debian/ written`);
      assert.equal(readdirSync(dir).sort(), ['evil.py', 'setup.py']);
      if (kind === 'service') continue;
      // A dry run lists it as what the real run refuses, and plans no file
      const dry = deb([dir, '--yes', '--dry-run', '--json', '--kind', kind, '--maintainer', ME], { NO_COLOR: '1' });
      assert.is(dry.code, 0, dry.stderr);
      const report = JSON.parse(dry.stdout);
      assert.ok(report.refusals.some((x: string) => why.test(x)), dry.stdout);
      assert.equal(report.files, []);
    }
  }
});

toolTest(t, [PY], 'control, line-separator and bidi characters in the people and the license: debian/ is written without them, no crash', () => {
  // NEL (U+0085) made the deb822 escaper throw inside the copyright template (exit 1, a template trace on stderr);
  // C1's CSI and a right-to-left override reached debian/copyright as they were
  const dir = setupPy(
    'people',
    `    name="people-tool", version="1.0", description="Lists people",
    author="Eve\x85Mallory, Trudy\u202eX, Csi\x9bY", author_email="e@x.org, t@x.org, c@x.org",
    maintainer="Zed\u2028Z", maintainer_email="z@x.org", license="MIT",
    entry_points={"console_scripts": ["people-tool = evil:main"]},`,
  );
  const r = deb([dir, '--yes', '--kind', 'tool', '--maintainer', ME], { NO_COLOR: '1' });
  assert.is(r.code, 0, r.stdout + r.stderr);
  for (const f of readdirSync(join(dir, 'debian'))) {
    if (f === 'source') continue;
    const text = readFileSync(join(dir, 'debian', f), 'utf8');
    assert.not.match(text, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069]/, f);
  }
  const copyright = readFileSync(join(dir, 'debian', 'copyright'), 'utf8');
  for (const who of ['Eve Mallory <e@x.org>', 'Trudy X <t@x.org>', 'Csi Y <c@x.org>', 'Zed Z <z@x.org>']) assert.ok(copyright.includes(who), `${who}\n${copyright}`);
});

toolTest(t, [PY, 'git'], 'a project reached through a symlink: its own repository stages debian/ at its real paths; the repository holding the link is untouched', () => {
  const git = (cwd: string, ...args: string[]) => spawnSync('git', ['-c', 'user.name=T', '-c', 'user.email=t@example.org', ...args], { cwd, encoding: 'utf8' });
  const index = (cwd: string) => git(cwd, 'diff', '--cached', '--name-only').stdout.trim().split('\n').filter(Boolean);
  // Repository A (where the user stands) has staged work of its own and a link to a project in repository B
  const a = join(tempDir(), 'a');
  const b = join(tempDir(), 'b');
  for (const r of [a, b]) {
    mkdirSync(r);
    git(r, 'init', '-q', '.');
    git(r, 'commit', '-q', '--allow-empty', '-m', 'init');
  }
  writeFileSync(join(a, 'staged.txt'), 'mine\n');
  git(a, 'add', 'staged.txt');
  const project = setupPy('p', `    name="linked-tool", version="1.0", description="Linked tool",
    entry_points={"console_scripts": ["linked-tool = evil:main"]},`);
  const inB = join(b, 'pkgs', 'tool');
  mkdirSync(join(b, 'pkgs'));
  spawnSync('cp', ['-r', project, inB]);
  symlinkSync(inB, join(a, 'lnk'));
  const r = deb([join(a, 'lnk'), '--yes', '--kind', 'tool', '--maintainer', ME], { NO_COLOR: '1' });
  // Before: every file written into B, then 'git update-index' in A failed on lnk/debian/changelog (exit 1)
  assert.is(r.code, 0, r.stdout + r.stderr);
  assert.equal(index(a), ['staged.txt']);
  const staged = index(b);
  assert.ok(staged.includes('pkgs/tool/debian/control') && staged.includes('pkgs/tool/.pyservice.json'), staged.join('\n'));
  assert.ok(staged.every((p) => p.startsWith('pkgs/tool/')), staged.join('\n'));
  // A link from outside any repository into B: the same paths in B (it used to stage nothing)
  const outside = join(tempDir(), 'out-link');
  const second = join(b, 'pkgs', 'tool2');
  spawnSync('cp', ['-r', project, second]);
  symlinkSync(second, outside);
  const r2 = deb([outside, '--yes', '--kind', 'tool', '--maintainer', ME], { NO_COLOR: '1' });
  assert.is(r2.code, 0, r2.stdout + r2.stderr);
  assert.ok(index(b).includes('pkgs/tool2/debian/control'), index(b).join('\n'));
});

toolTest(t, [PY], 'a summary ending in a backslash does not join the unit\'s next line to Description=', () => {
  // systemd continues a line that ends in a backslash: 'Description=x: Runs things \\' swallowed Documentation=
  const dir = setupPy('bs', `    name="bs-svc", version="1.0", description="Runs things \\\\",
    entry_points={"console_scripts": ["bs-svc = evil:main"]},`);
  const r = deb([dir, '--yes', '--kind', 'service', '--maintainer', ME], { NO_COLOR: '1' });
  assert.is(r.code, 0, r.stdout + r.stderr);
  const unit = readFileSync(join(dir, 'debian', 'bs-svc.service'), 'utf8');
  // (templates 1.3.0: a service deb adopts has no generated man page, and this project no home page: no Documentation=)
  assert.match(unit, /^Description=bs-svc: Runs things\nAfter=network-online\.target$/m, unit);
  assert.not.match(unit, /\\$/m);
  assert.match(readFileSync(join(dir, 'debian', 'control'), 'utf8'), /^Description: Runs things$/m);
});

t('systemCommand: the interpreter and password prompts, whatever this machine has; ordinary names are fine', () => {
  for (const c of ['python', 'python3', 'python3.11', 'python3.13-config', 'sudo', 'su', 'pkexec', 'doas', 'passwd', 'ssh', 'pinentry-curses'])
    assert.ok(systemCommand(c), c);
  for (const c of ['pygmentize', 'markdown-it', 'http', 'python-build', 'pythonista', 'sudoku', 'sshuttle', 'evil-sh']) assert.is(systemCommand(c), null, c);
});

toolTest(t, [PY], 'text that is not UTF-8 (a lone surrogate in setup.py, a file name a setup.py leaves) is read, not a crash of the read', () => {
  // Before: 'reading the metadata failed: … UnicodeEncodeError: 'utf-8' codec can't encode character '\udcff''
  const dir = setupPy(
    'surrogate',
    `    name="odd-tool", version="1.0",
    description="Odd \\udcff text", long_description="\\udcff",
    author="Eve", author_email="eve@example.org", license="MIT",
    entry_points={"console_scripts": ["odd-tool = evil:main"]},`,
  );
  writeFileSync(join(dir, 'setup.py'), `open(b"left-\\xff.txt", "w").write("x")\n` + readFileSync(join(dir, 'setup.py'), 'utf8'));
  const r = deb([dir, '--dry-run', '--json', '--yes', '--kind', 'tool', '--maintainer', ME]);
  assert.is(r.code, 0, r.stderr);
  // The summary is read as setuptools' PKG-INFO writer publishes it, through email.parser (7668acd), which gives an
  // undecodable character as U+FFFD: what debian/control gets below
  assert.is(JSON.parse(r.stdout).metadata.description, 'Odd \ufffd text', 'as published (email.parser replaces it)');
  assert.is(JSON.parse(r.stdout).metadata.long_description, '\udcff', 'the long description is the attribute (JSON escapes it)');
  assert.equal(readdirSync(dir).sort(), ['evil.py', 'setup.py'], 'the file setup.py left is removed');
  const w = deb([dir, '--yes', '--kind', 'tool', '--maintainer', ME]);
  assert.is(w.code, 0, w.stderr);
  assert.match(readFileSync(join(dir, 'debian', 'control'), 'utf8'), /^Description: Odd \ufffd text$/m);
});

t.run();
