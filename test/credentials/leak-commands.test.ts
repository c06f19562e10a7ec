import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { packageRoot } from '../../src/paths.js';
import { CREATE_BIN, PYSERVICE_BIN } from '../helpers/cli.js';
import { generate } from '../helpers/generate.js';
import { tempDir } from '../helpers/tmp.js';
import { toolTest } from '../helpers/tools.js';
import { commitAll } from '../update/fixtures.js';

/**
 * Every command (create, login, update, deb, version, check) run for real under strace -f, with the index
 * password in PYSERVICE_INDEX_PASSWORD and the same secret put in every wrong place the command reads: URL
 * flags, pip.conf, setup.py's url and install_requires. The secret must be in no output stream, no file the
 * command wrote, no git object, and no child's argv or environment (strace -v shows both for every execve,
 * including processes git and python start themselves). Only ~/.netrc may hold it, and only after `login`.
 */
const t = suite('credentials never leak: every command');

const sentinel = () => `Lk${randomBytes(6).toString('hex')}Z`;
const BASE_ENV = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8', NO_COLOR: '1', PIP_CONFIG_FILE: '/dev/null', GIT_AUTHOR_NAME: 'T', GIT_AUTHOR_EMAIL: 't@example.org', GIT_COMMITTER_NAME: 'T', GIT_COMMITTER_EMAIL: 't@example.org' };

function* allFiles(dir: string): Generator<[string, Buffer]> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* allFiles(p);
    else if (e.isFile()) yield [p, readFileSync(p)];
  }
}

function nowhere(secret: string, where: string, text: string | Buffer): void {
  const s = typeof text === 'string' ? text : text.toString('latin1');
  for (const form of [secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64').slice(0, 12)]) assert.not.ok(s.includes(form), `the secret appears in ${where}`);
}

interface Traced {
  code: number;
  stdout: string;
  stderr: string;
  children: string[];
}

/** Runs a bin under strace -f -v; returns the output streams and every later execve (argv and environment). */
function traced(bin: string, args: string[], cwd: string, env: Record<string, string>): Traced {
  const log = join(tempDir('leak-trace-'), 'execve.log');
  const r = spawnSync('strace', ['-f', '-qq', '-v', '-s', '1000000', '-e', 'trace=execve', '-o', log, process.execPath, bin, ...args], { cwd, env, encoding: 'utf8', input: '' });
  const execs = readFileSync(log, 'utf8').split('\n').filter((l) => /execve\(/.test(l));
  assert.ok(execs[0]!.includes(bin), 'the trace starts with the CLI');
  return { code: r.status ?? 128, stdout: r.stdout, stderr: r.stderr, children: execs.slice(1) };
}

function checkRun(secret: string, name: string, r: Traced, minChildren = 0): void {
  nowhere(secret, `${name}: stdout`, r.stdout);
  nowhere(secret, `${name}: stderr`, r.stderr);
  assert.ok(r.children.length >= minChildren, `${name}: ${r.children.length} children traced`);
  for (const l of r.children) nowhere(secret, `${name}: a child's argv or environment: ${l.slice(0, 200)}`, l);
}

function checkTree(secret: string, name: string, dir: string): void {
  let n = 0;
  for (const [path, bytes] of allFiles(dir)) {
    n++;
    nowhere(secret, `${name}: ${path}`, bytes);
  }
  assert.ok(n > 0, `${name}: files walked`);
  if (existsSync(join(dir, '.git'))) {
    const objects = spawnSync('git', ['cat-file', '--batch-all-objects', '--batch'], { cwd: dir });
    assert.is(objects.status, 0);
    nowhere(secret, `${name}: a git object`, objects.stdout);
  }
}

const TOOLS = ['strace', 'git', '/usr/bin/python3'];

toolTest(t, TOOLS, 'create: the password in the environment and in every URL flag', () => {
  const secret = sentinel();
  const home = tempDir('leak-home-');
  const env = { ...BASE_ENV, HOME: home, PYSERVICE_INDEX_PASSWORD: secret };
  const work = tempDir('leak-work-');
  const ok = traced(CREATE_BIN, ['leak-svc', '--yes', '--index-url', 'https://pypi.example.org/simple/', '--index-user', 'installer'], work, env);
  assert.is(ok.code, 0, ok.stderr);
  checkRun(secret, 'create', ok, 3);
  checkTree(secret, 'create', join(work, 'leak-svc'));
  for (const [flag, value] of [
    ['--index-url', `https://installer:${secret}@pypi.example.org/simple/`],
    ['--index-url', `https://pypi.example.org/simple/?token=${secret}`],
    ['--upload-url', `https://${secret}@pypi.example.org/upload/`],
    ['--url', `https://git.example.org/x#access_token=${secret}`],
    ['--index-user', `installer:${secret}`],
    // the spellings WHATWG parsers (Node's URL) read as user:password too, and a second URL in one word
    ['--index-url', `https:/installer:${secret}@pypi.example.org/simple/`],
    ['--upload-url', `https:///installer:${secret}@pypi.example.org/upload/`],
    ['--url', `https:\\\\ada:${secret}@git.example.org/x`],
    ['--url', `https://git.example.org/x,https://ada:${secret}@git.example.org/y`],
  ]) {
    const bad = traced(CREATE_BIN, ['bad-svc', '--yes', flag!, value!], work, env);
    assert.is(bad.code, 2, `${flag}: ${bad.stderr}`);
    checkRun(secret, `create ${flag}`, bad);
    assert.not.ok(existsSync(join(work, 'bad-svc')), 'nothing written');
  }
});

toolTest(t, TOOLS, 'login: the password reaches ~/.netrc only; a pip.conf or flag holding it is refused without echo', () => {
  const secret = sentinel();
  const home = tempDir('leak-home-');
  const env = { ...BASE_ENV, HOME: home, PYSERVICE_INDEX_PASSWORD: secret };
  const dir = tempDir('leak-login-');
  writeFileSync(join(dir, 'pip.conf'), '[global]\nindex-url = https://pypi.example.org/simple/\n');
  // a host ~/.netrc already logs in to is taken from pip.conf without asking (a new one needs --index-url)
  writeFileSync(join(home, '.netrc'), 'machine pypi.example.org login installer password old\n', { mode: 0o600 });
  const ok = traced(PYSERVICE_BIN, ['login', '--dir', dir, '--index-user', 'installer'], dir, env);
  assert.is(ok.code, 0, ok.stderr);
  checkRun(secret, 'login', ok);
  assert.match(readFileSync(join(home, '.netrc'), 'utf8'), `machine pypi.example.org login installer password ${secret}`);
  checkTree(secret, 'login (project dir)', dir);
  writeFileSync(join(dir, 'pip.conf'), `[global]\nindex-url = https://installer:${secret}@pypi.example.org/simple/\n`);
  const bad = traced(PYSERVICE_BIN, ['login', '--dir', dir, '--index-user', 'installer'], dir, { ...env, HOME: tempDir('leak-home-') });
  assert.is(bad.code, 2, bad.stderr);
  checkRun(secret, 'login with a pip.conf holding the password', bad);
});

toolTest(t, TOOLS, 'update and check: git and every child run without the password; the update writes and stages none of it', async () => {
  const secret = sentinel();
  const env = { ...BASE_ENV, HOME: tempDir('leak-home-'), PYSERVICE_INDEX_PASSWORD: secret };
  const dir = await generate({ name: 'leak-upd', type: 'service' }, { git: true, templateVersion: '1.0.0' });
  commitAll(dir, 'init');
  const up = traced(PYSERVICE_BIN, ['update'], dir, env);
  assert.is(up.code, 0, up.stderr);
  checkRun(secret, 'update', up, 2);
  checkTree(secret, 'update', dir);
  const bad = traced(PYSERVICE_BIN, ['update', '--index-url', `https://installer:${secret}@pypi.example.org/simple/`], dir, env);
  assert.is(bad.code, 2, bad.stderr);
  checkRun(secret, 'update --index-url', bad);
  const check = traced(PYSERVICE_BIN, ['check'], dir, env);
  assert.ok(check.code === 0 || check.code === 3, check.stderr);
  checkRun(secret, 'check', check);
});

toolTest(t, [...TOOLS, 'dpkg-parsechangelog'], 'deb and version: setup.py and the version script run without the password; a url and requirement holding it are shown redacted and written nowhere', async () => {
  const secret = sentinel();
  const env = { ...BASE_ENV, HOME: tempDir('leak-home-'), PYSERVICE_INDEX_PASSWORD: secret };
  const dir = join(tempDir('leak-deb-'), 'literal');
  cpSync(join(packageRoot(), 'test', 'fixtures', 'projects', 'literal'), dir, { recursive: true });
  const setup = readFileSync(join(dir, 'setup.py'), 'utf8')
    .replace('url="https://git.example.org/literal-svc"', `url="https://ada:${secret}@git.example.org/literal-svc", project_urls={"Docs": "https:/ada:${secret}@docs.example.org/", "Mirror": "[https://m.example.org/](https://ada:${secret}@m.example.org/)"}`)
    .replace('install_requires=["requests>=2.28"', `install_requires=["inner @ git+https://${secret}@git.example.org/inner.git", "requests>=2.28"`);
  writeFileSync(join(dir, 'setup.py'), setup);
  for (const json of [[], ['--json']]) {
    const r = traced(PYSERVICE_BIN, ['deb', dir, '--dry-run', '--maintainer', 'A B <a@example.org>', ...json], dir, env);
    assert.is(r.code, 0, r.stderr);
    checkRun(secret, `deb --dry-run ${json.join('')}`, r, 1);
    assert.match(r.stdout, 'ada:***@git.example.org');
  }
  const r = traced(PYSERVICE_BIN, ['deb', dir, '--maintainer', 'A B <a@example.org>'], dir, env);
  assert.is(r.code, 0, r.stderr);
  checkRun(secret, 'deb', r, 1);
  // setup.py itself holds the secret (the user put it there); nothing the command wrote may.
  for (const [path, bytes] of allFiles(dir)) if (!path.endsWith('setup.py')) nowhere(secret, `deb: ${path}`, bytes);

  spawnSync('sh', ['-c', 'git init -q && git add -A && git commit -qm init'], { cwd: dir, env });
  const v = traced(PYSERVICE_BIN, ['version', 'snapshot'], dir, env);
  assert.is(v.code, 0, v.stderr);
  checkRun(secret, 'version snapshot', v, 2);
  const tag = traced(PYSERVICE_BIN, ['version', 'release', `https://ada:${secret}@x/`], dir, env);
  assert.is(tag.code, 2, tag.stderr);
  checkRun(secret, 'version release with a URL as the tag', tag);
});

t.run();
