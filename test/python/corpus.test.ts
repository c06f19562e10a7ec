import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/paths.js';
import { PYSERVICE_BIN } from '../helpers/cli.js';
import { cleanEnv, tempDir } from '../helpers/tmp.js';
import { toolTest } from '../helpers/tools.js';

/**
 * The corpus of setup.py styles under test/fixtures/projects, read by `pyservice deb --dry-run --json` and by
 * real setuptools (`setup.py --version …` and `setup.py egg_info`: the name as PKG-INFO has it), in a clean environment with Debian's
 * python3. The expected values are whatever setuptools reports; nothing is hard-coded except the scm tag.
 */
const t = suite('python metadata: corpus vs real setuptools');

const PY = '/usr/bin/python3';
const FIXTURES = join(packageRoot(), 'test', 'fixtures', 'projects');
const READABLE = ['literal', 'version-regex', 'exec-version', 'kwargs-dict', 'import-package', 'setupcfg-stub', 'pyproject-only', 'scm', 'console-scripts', 'prints', 'distutils-plain'];
const SCM_TAG = 'v2.3.0';
const DISPLAY = ['name', 'version', 'description', 'author', 'author-email', 'maintainer', 'maintainer-email', 'url', 'license'] as const;
const MAINTAINER = ['--maintainer', 'Corpus Tester <corpus@example.org>'];

interface Proc {
  code: number;
  stdout: string;
  stderr: string;
}
function exec(cmd: string, args: string[], opts: { cwd?: string; env: Record<string, string> }): Promise<Proc> {
  return new Promise((done) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => (stderr += b));
    child.on('close', (code) => done({ code: code ?? 128, stdout, stderr }));
  });
}

/** Runs the tasks two at a time (the machine has two cores). */
async function pool<T>(tasks: (() => Promise<T>)[], width = 2): Promise<T[]> {
  const out: T[] = new Array(tasks.length);
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < tasks.length) {
      const i = next++;
      out[i] = await tasks[i]!();
    }
  }));
  return out;
}

/** path → sha256 of every file under dir (symlinks and dirs by name), to prove a read wrote nothing. */
function snapshot(dir: string, base = dir, acc: Record<string, string> = {}): Record<string, string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    const rel = p.slice(base.length + 1);
    if (e.isDirectory()) {
      acc[rel + '/'] = 'dir';
      if (e.name !== '.git') snapshot(p, base, acc);
    } else acc[rel] = createHash('sha256').update(readFileSync(p)).digest('hex') + ':' + (statSync(p).mode & 0o777).toString(8);
  }
  return acc;
}

function copyFixture(name: string, parent: string, env: Record<string, string>): string {
  const dir = join(parent, name);
  cpSync(join(FIXTURES, name), dir, { recursive: true });
  return dir;
}

async function tagScm(dir: string, env: Record<string, string>): Promise<void> {
  const git = (...args: string[]) => exec('git', args, { cwd: dir, env: { ...env, GIT_AUTHOR_NAME: 'T', GIT_AUTHOR_EMAIL: 't@example.org', GIT_COMMITTER_NAME: 'T', GIT_COMMITTER_EMAIL: 't@example.org' } });
  await git('init', '-q', '-b', 'main');
  await git('add', '-A');
  await git('commit', '-q', '-m', 'corpus');
  await git('tag', SCM_TAG);
}

/** What real setuptools reports: display options (last lines of stdout, after whatever setup.py printed) and egg_info. */
const REAL_SCRIPT = `
cd "$1"
if [ -f setup.py ]; then set -- setup.py; else set -- -c 'from setuptools import setup; setup()'; fi
${PY} "$@" ${DISPLAY.map((d) => `--${d}`).join(' ')} || exit 1
echo @@egg_info@@
${PY} "$@" -q egg_info -e "$EGG" >/dev/null
`;

interface Real {
  display: Record<string, string | null>;
  longDescription: string | null;
  requires: string[];
  consoleScripts: string[];
}

function parseReal(stdout: string, egg: string): Real {
  const [head = ''] = stdout.split('@@egg_info@@\n');
  const lines = head.replace(/\n$/, '').split('\n').slice(-DISPLAY.length);
  const display: Record<string, string | null> = {};
  DISPLAY.forEach((d, i) => (display[d] = lines[i] === 'UNKNOWN' || lines[i] === 'None' ? null : lines[i]!));
  const info = readdirSync(egg).find((f) => f.endsWith('.egg-info'));
  if (!info) throw new Error(`egg_info wrote nothing in ${egg}`);
  const read = (f: string) => (existsSync(join(egg, info, f)) ? readFileSync(join(egg, info, f), 'utf8') : '');
  const pkgInfo = read('PKG-INFO');
  const body = pkgInfo.includes('\n\n') ? pkgInfo.slice(pkgInfo.indexOf('\n\n') + 2) : '';
  const requires: string[] = [];
  let section: string | null = null;
  for (const line of read('requires.txt').split('\n')) {
    const header = /^\[(.*)\]$/.exec(line);
    if (header) section = header[1]!;
    else if (line.trim() === '') continue;
    else if (section === null) requires.push(line);
    else if (section.startsWith(':')) requires.push(`${line}; ${section.slice(1)}`);
  }
  const consoleScripts: string[] = [];
  section = null;
  for (const line of read('entry_points.txt').split('\n')) {
    const header = /^\[(.*)\]$/.exec(line);
    if (header) section = header[1]!;
    else if (section === 'console_scripts' && line.trim()) consoleScripts.push(line.trim());
  }
  // The Name setuptools publishes (PKG-INFO, then the wheel's METADATA) is egg_info's, not `setup.py --name`'s raw
  // argument: Regex_Svc is published as Regex-Svc
  display.name = /^Name: (.*)$/m.exec(pkgInfo)?.[1] ?? null;
  return { display, longDescription: body.trim() === '' || body.trim() === 'UNKNOWN' ? null : body, requires, consoleScripts };
}

interface Case {
  name: string;
  ours: Proc;
  real: Proc;
  egg: string;
  before: Record<string, string>;
  after: Record<string, string>;
}
const cases: Case[] = [];

toolTest(t, [PY, 'git'], 'read the whole corpus both ways (two at a time)', async () => {
  const home = tempDir();
  const env = cleanEnv(home);
  const oursRoot = tempDir();
  const realRoot = tempDir();
  const tasks = READABLE.map((name) => async () => {
    const oursDir = copyFixture(name, oursRoot, env);
    const realDir = copyFixture(name, realRoot, env);
    if (name === 'scm') await Promise.all([tagScm(oursDir, env), tagScm(realDir, env)]);
    const egg = join(tempDir(), 'egg');
    mkdirSync(egg);
    const before = snapshot(oursDir);
    const ours = await exec(process.execPath, [PYSERVICE_BIN, 'deb', oursDir, '--dry-run', '--json', ...MAINTAINER], { env: { ...env, NO_COLOR: '1' } });
    const after = snapshot(oursDir);
    const real = await exec('sh', ['-c', REAL_SCRIPT, 'sh', realDir], { env: { ...env, EGG: egg } });
    return { name, ours, real, egg, before, after };
  });
  cases.push(...(await pool(tasks)));
  assert.is(cases.length, READABLE.length);
});

for (const name of READABLE) {
  toolTest(t, [PY, 'git'], `${name}: metadata equals what setuptools reports; the read wrote nothing`, () => {
    const c = cases.find((x) => x.name === name);
    assert.ok(c, 'the corpus run did not finish');
    assert.is(c.ours.code, 0, c.ours.stderr);
    assert.is(c.real.code, 0, c.real.stderr);
    const m = JSON.parse(c.ours.stdout).metadata;
    const real = parseReal(c.real.stdout, c.egg);
    assert.ok(real.display.name, 'setuptools reported no name');
    for (const d of DISPLAY) assert.is(m[d.replace(/-/g, '_')], real.display[d], `${name}: ${d}`);
    assert.is(m.long_description === null ? null : m.long_description.replace(/\n?$/, '\n'), real.longDescription === null ? null : real.longDescription, 'long_description');
    assert.equal([...m.install_requires].sort(), [...real.requires].sort(), 'install_requires');
    assert.equal([...m.console_scripts].sort(), [...real.consoleScripts].sort(), 'console_scripts');
    assert.equal(c.after, c.before, 'the dry run changed files in the project');
  });
}

toolTest(t, [PY, 'git'], 'scm: the version is the git tag, and setuptools_scm\'s write_to file was not written', () => {
  const c = cases.find((x) => x.name === 'scm')!;
  const m = JSON.parse(c.ours.stdout).metadata;
  assert.is(m.version, SCM_TAG.slice(1));
  assert.not.ok(Object.keys(c.after).includes('scm_svc/_version.py'));
});

toolTest(t, [PY, 'git'], 'prints: whatever setup.py prints does not reach the JSON, whose metadata is setuptools\'', () => {
  const c = cases.find((x) => x.name === 'prints')!;
  assert.not.match(c.ours.stdout, /not-the-name|from a child process|computing the version/);
  assert.is(JSON.parse(c.ours.stdout).metadata.name, 'prints-svc');
});

/** A wheel's METADATA free-text fields as Python's email.parser reads them (the reference every wheel reader uses). */
const WHEEL_FIELDS = `
import json, sys, zipfile
from email.parser import Parser
w = zipfile.ZipFile(sys.argv[1])
meta = [n for n in w.namelist() if n.endswith('.dist-info/METADATA')][0]
msg = Parser().parsestr(w.read(meta).decode())
keys = {'description': 'Summary', 'author': 'Author', 'author_email': 'Author-email', 'maintainer': 'Maintainer',
        'maintainer_email': 'Maintainer-email', 'url': 'Home-page', 'license': 'License', 'version': 'Version'}
print(json.dumps({k: msg.get(h) for k, h in keys.items()}))
`;

/** `pyservice deb --dry-run --json`'s metadata of a fixture, and the fields of the wheel its own setuptools builds. */
async function oursAndWheel(name: string): Promise<{ m: Record<string, unknown>; real: Record<string, string | null> }> {
  const env = cleanEnv(tempDir());
  const [oursDir, realDir] = [copyFixture(name, tempDir(), env), copyFixture(name, tempDir(), env)];
  const before = snapshot(oursDir);
  const ours = await exec(process.execPath, [PYSERVICE_BIN, 'deb', oursDir, '--dry-run', '--json', ...MAINTAINER], { env: { ...env, NO_COLOR: '1' } });
  assert.is(ours.code, 0, ours.stderr);
  assert.equal(snapshot(oursDir), before, 'the dry run changed files in the project');
  const out = tempDir();
  const built = await exec(PY, ['-m', 'build', '--wheel', '--no-isolation', '--skip-dependency-check', '--outdir', out, realDir], { env });
  assert.is(built.code, 0, built.stderr.slice(-2000));
  const wheel = join(out, readdirSync(out).find((f) => f.endsWith('.whl'))!);
  const real = JSON.parse((await exec(PY, ['-c', WHEEL_FIELDS, wheel], { env })).stdout) as Record<string, string | null>;
  const m = JSON.parse(ours.stdout).metadata;
  for (const [key, value] of Object.entries(real)) assert.is(m[key], value, key);
  return { m, real };
}

toolTest(t, [PY], 'multiline-fields: a multi-line description and license, non-ASCII people, read as the wheel publishes them', async () => {
  const { real } = await oursAndWheel('multiline-fields');
  // What setuptools' writer does, so that the comparison above compares something: the first line, a folded license
  assert.is(real.description, 'Serves answers over HTTP,');
  assert.match(real.license!, /^Copyright \(c\) 2024 Jörg Müller\n {8}\n {8}Permission/);
  assert.is(real.maintainer, 'Łukasz Żółć');
});

toolTest(t, [PY], 'egg-info-tags: setup.cfg\'s [egg_info] tag_build is in the version, as the wheel publishes it', async () => {
  const { m } = await oursAndWheel('egg-info-tags');
  assert.is(m.version, '2.0.dev0');
});

// Failures: one clear line on stderr, the right exit code, nothing written.
function runOurs(dir: string, extra: string[] = []) {
  const env = cleanEnv(tempDir());
  return exec(process.execPath, [PYSERVICE_BIN, 'deb', dir, ...MAINTAINER, ...extra], { env: { ...env, NO_COLOR: '1' } });
}

toolTest(t, [PY], 'fails: exit 1 with the exception and the line of setup.py; no debian/', async () => {
  const dir = copyFixture('fails', tempDir(), {});
  const r = await runOurs(dir);
  assert.is(r.code, 1, r.stderr);
  assert.match(r.stderr, /^error: setup\.py failed: RuntimeError: cannot find __version__ in fails_svc\/__init__\.py \(setup\.py line \d+\)\n$/);
  assert.not.ok(existsSync(join(dir, 'debian')));
});

toolTest(t, [PY], 'hangs: stopped after --timeout, exit 1 naming the timeout; no debian/', async () => {
  const dir = copyFixture('hangs', tempDir(), {});
  const r = await runOurs(dir, ['--timeout', '0.5']);
  assert.is(r.code, 1, r.stderr);
  assert.match(r.stderr, /setup\.py did not finish within 0\.5 s and was stopped/);
  assert.not.ok(existsSync(join(dir, 'debian')));
});

toolTest(t, [PY, 'git'], 'a missing setuptools_scm is exit 1 naming the Debian package python3-setuptools-scm', async () => {
  // An interpreter that cannot import setuptools_scm: Debian's python3 with an import blocker in front.
  const blocker = tempDir();
  writeFileSync(join(blocker, 'sitecustomize.py'), [
    'import sys',
    'class Block:',
    '    def find_spec(self, name, path=None, target=None):',
    "        if name.split('.')[0] == 'setuptools_scm':",
    "            raise ModuleNotFoundError('No module named %r' % name, name=name)",
    'sys.meta_path.insert(0, Block())',
    '',
  ].join('\n'));
  const python = join(blocker, 'python3');
  writeFileSync(python, `#!/bin/sh\nPYTHONPATH=${blocker} exec ${PY} "$@"\n`);
  chmodSync(python, 0o755);
  const dir = copyFixture('scm', tempDir(), {});
  const r = await runOurs(dir, ['--python', python]);
  assert.is(r.code, 1, r.stderr);
  assert.match(r.stderr, /needs setuptools_scm.*apt-get install python3-setuptools-scm/);
  assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
});

toolTest(t, [PY], 'a directory with no Python project, or a --python that does not exist, is exit 2', async () => {
  const empty = tempDir();
  const r = await runOurs(empty);
  assert.is(r.code, 2, r.stderr);
  assert.match(r.stderr, /no setup\.py, setup\.cfg or pyproject\.toml/);
  const r2 = await runOurs(copyFixture('literal', tempDir(), {}), ['--python', '/nonexistent/python3']);
  assert.is(r2.code, 2, r2.stderr);
  assert.match(r2.stderr, /\/nonexistent\/python3 does not exist \(--python\)/);
});

t.run();
