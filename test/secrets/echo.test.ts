import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { packageRoot } from '../../src/paths.js';
import { spawn } from 'node:child_process';
import { CREATE_BIN, PYSERVICE_BIN, type CliResult } from '../helpers/cli.js';
import { generate } from '../helpers/generate.js';
import { cleanEnv, tempDir } from '../helpers/tmp.js';
import { hasTool, isCI } from '../helpers/tools.js';
import { commitAll } from '../update/fixtures.js';

/**
 * Every command that echoes a URL, a requirement or a config value, given a credential in every place a user
 * might put one (userinfo with a password, a token as the user, percent-encoded, an IPv6 host, a / or a blank
 * in the password, a query-string or fragment token, an ssh:// or scp-like git address, an --index-user
 * "name:password", a secret-looking key in an answers file or in .pyservice.json). Each row runs the real CLI:
 * the secret must appear in neither stream, the exit code is the documented one, and where the value is
 * shown it is shown redacted.
 */
const t = suite('secrets: no command echoes a credential');

/** The real bin as a child process, without a terminal; async so rows run two at a time. */
function runBin(bin: string, args: string[], opts: { cwd?: string; env: Record<string, string> }): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => (stderr += b));
    child.on('close', (code) => resolve({ code: code ?? 128, stdout, stderr }));
  });
}
const create = (args: string[], opts: { cwd?: string; env: Record<string, string> }) => runBin(CREATE_BIN, args, opts);
const pyservice = (args: string[], opts: { cwd?: string; env: Record<string, string> }) => runBin(PYSERVICE_BIN, args, opts);

const secret = () => `Sx${randomBytes(5).toString('hex')}Q`;

/** The URL shapes a credential comes in; each must be refused where URLs are checked. */
const SHAPES: Array<[string, (s: string) => string]> = [
  ['user:password', (s) => `https://alice:${s}@pypi.example.org/simple/`],
  ['token as user', (s) => `https://${s}@pypi.example.org/simple/`],
  ['percent-encoded userinfo', (s) => `https://alice%3A${s}@pypi.example.org/simple/`],
  ['IPv6 host', (s) => `https://alice:${s}@[2001:db8::1]:8443/simple/`],
  ['/ in the password', (s) => `https://alice:${s}/x@pypi.example.org/simple/`],
  ['blank in the password', (s) => `https://alice:${s} x@pypi.example.org/simple/`],
  ['query token', (s) => `https://pypi.example.org/simple/?token=${s}`],
  ['GitLab private_token', (s) => `https://pypi.example.org/simple/?private_token=${s}`],
  ['fragment token', (s) => `https://pypi.example.org/simple/#access_token=${s}`],
  ['ssh:// with a password', (s) => `ssh://deploy:${s}@git.example.org/simple/`],
  ['scp-like git address', (s) => `deploy:${s}@git.example.org:org/repo.git`],
  // A URL typed without its scheme: refused for that, and the refusal used to quote it whole
  ['no scheme', (s) => `alice:${s}@pypi.example.org/simple/`],
];

interface Row {
  command: string;
  run: (s: string) => Promise<CliResult> | CliResult;
  code: number;
  /** Where the value is echoed, the redacted form that must be shown. */
  shows?: RegExp;
}

const home = tempDir('echo-home-');
const env = { ...cleanEnv(home), NO_COLOR: '1', GIT_AUTHOR_NAME: 'T', GIT_AUTHOR_EMAIL: 't@example.org', GIT_COMMITTER_NAME: 'T', GIT_COMMITTER_EMAIL: 't@example.org' };
const createArgs = ['--type', 'library', '--yes', '--no-git', '--author', 'A B', '--email', 'a@example.org'];

let gitProject: string | undefined;
async function project(): Promise<string> {
  if (!gitProject) {
    gitProject = await generate({ name: 'echo-lib', type: 'library' }, { git: true });
    commitAll(gitProject, 'init');
  }
  return gitProject;
}

function debProject(requirement: string, url: string): string {
  const dir = join(tempDir('echo-deb-'), 'literal');
  cpSync(join(packageRoot(), 'test', 'fixtures', 'projects', 'literal'), dir, { recursive: true });
  const setup = readFileSync(join(dir, 'setup.py'), 'utf8')
    .replace('url="https://git.example.org/literal-svc"', `url=${JSON.stringify(url)}`)
    .replace('install_requires=["requests>=2.28"', `install_requires=[${JSON.stringify(requirement)}, "requests>=2.28"`);
  writeFileSync(join(dir, 'setup.py'), setup);
  return dir;
}

function rows(): Row[] {
  const out: Row[] = [];
  for (const [shape, url] of SHAPES) {
    out.push({ command: `create --index-url (${shape})`, run: (s) => create(['x-lib', '--index-url', url(s), ...createArgs], { cwd: tempDir(), env }), code: 2 });
    out.push({ command: `create --upload-url (${shape})`, run: (s) => create(['x-lib', '--upload-url', url(s), ...createArgs], { cwd: tempDir(), env }), code: 2 });
    out.push({ command: `create --url (${shape})`, run: (s) => create(['x-lib', '--url', url(s), ...createArgs], { cwd: tempDir(), env }), code: 2 });
    out.push({
      command: `create --answers (${shape})`,
      run: (s) => {
        const dir = tempDir();
        writeFileSync(join(dir, 'a.json'), JSON.stringify({ indexUrl: url(s) }));
        return create(['x-lib', '--answers', join(dir, 'a.json'), ...createArgs], { cwd: dir, env });
      },
      code: 2,
    });
    out.push({ command: `login --index-url (${shape})`, run: (s) => pyservice(['login', '--index-url', url(s), '--index-user', 'alice'], { cwd: tempDir(), env: { ...env, PYSERVICE_INDEX_PASSWORD: 'pw' } }), code: 2 });
    out.push({
      command: `login --dir reading pip.conf (${shape})`,
      run: (s) => {
        const dir = tempDir();
        writeFileSync(join(dir, 'pip.conf'), `[global]\nindex-url = ${url(s)}\n`);
        return pyservice(['login', '--dir', dir, '--index-user', 'alice'], { cwd: dir, env: { ...env, PYSERVICE_INDEX_PASSWORD: 'pw' } });
      },
      code: 2,
    });
    out.push({ command: `update --index-url (${shape})`, run: async (s) => pyservice(['update', '--dry-run', '--index-url', url(s)], { cwd: await project(), env }), code: 2 });
    out.push({ command: `update --url (${shape})`, run: async (s) => pyservice(['update', '--dry-run', '--url', url(s)], { cwd: await project(), env }), code: 2 });
    out.push({ command: `deb --index-url (${shape})`, run: (s) => pyservice(['deb', debProject('requests>=2.28', 'https://git.example.org/literal-svc'), '--dry-run', '--yes', '--index-url', url(s)], { env }), code: 2 });
    // A template source goes to git's argv: refused before git runs, so nothing reaches a process list either
    out.push({ command: `templates --template (${shape})`, run: (s) => pyservice(['templates', '--template', url(s)], { cwd: tempDir(), env }), code: 2 });
  }
  for (const flag of ['--description', '--author'])
    out.push({
      command: `create ${flag} holding a URL with a password`,
      run: (s) => create(['x-lib', ...createArgs, flag, `see https://alice:${s}@git.example.org/x`], { cwd: tempDir(), env }),
      code: 2,
      shows: /holds a credential \("see https:\/\/alice:\*\*\*@git\.example\.org\/x"\)/,
    });
  out.push({
    command: 'create --index-user name:password',
    run: (s) => create(['x-lib', '--index-user', `alice:${s}`, ...createArgs], { cwd: tempDir(), env }),
    code: 2,
    shows: /index username contains/,
  });
  out.push({
    command: 'login --index-user name:password',
    run: (s) => pyservice(['login', '--index-url', 'https://pypi.example.org/simple/', '--index-user', `alice:${s}`], { cwd: tempDir(), env: { ...env, PYSERVICE_INDEX_PASSWORD: 'pw' } }),
    code: 2,
  });
  out.push({
    command: 'create --answers with a secret-looking key',
    run: (s) => {
      const dir = tempDir();
      writeFileSync(join(dir, 'a.json'), JSON.stringify({ name: 'x-lib', apiToken: s }));
      return create(['--answers', join(dir, 'a.json'), ...createArgs], { cwd: dir, env });
    },
    code: 2,
    shows: /"apiToken", which looks like a secret/,
  });
  for (const key of ['indexPassword', 'token', 'password']) {
    for (const cmd of ['update', 'check'] as const) {
      out.push({
        command: `${cmd} with ${key} in .pyservice.json answers`,
        run: (s) => {
          const dir = tempDir();
          const rec = JSON.parse(readFileSync(join(gitProject!, '.pyservice.json'), 'utf8'));
          rec.answers[key] = s;
          writeFileSync(join(dir, '.pyservice.json'), JSON.stringify(rec));
          mkdirSync(join(dir, '.git'));
          return pyservice([cmd], { cwd: dir, env });
        },
        code: 2,
        shows: new RegExp(`"${key}", which looks like a secret`),
      });
    }
  }
  out.push({
    command: 'update with a credential in the recorded url',
    run: async (s) => {
      const dir = await generate({ name: 'rec-lib', type: 'library' }, { git: true });
      const rec = JSON.parse(readFileSync(join(dir, '.pyservice.json'), 'utf8'));
      rec.answers.url = `https://alice:${s}@git.example.org/rec-lib`;
      writeFileSync(join(dir, '.pyservice.json'), JSON.stringify(rec));
      commitAll(dir, 'record');
      return pyservice(['update', '--dry-run'], { cwd: dir, env });
    },
    code: 2,
    shows: /alice:\*\*\*@git\.example\.org/,
  });
  for (const json of [false, true]) {
    out.push({
      command: `deb${json ? ' --json' : ''}: setup.py url and install_requires with credentials`,
      run: (s) => pyservice(['deb', debProject(`inner @ git+https://oauth2:${s}@git.example.org/inner.git@v1`, `https://alice:${s}@git.example.org/literal-svc`), '--dry-run', '--maintainer', 'A B <a@example.org>', ...(json ? ['--json'] : [])], { env }),
      code: 0,
      shows: json ? /"inner ?@ git\+https:\/\/oauth2:\*\*\*@git\.example\.org\/inner\.git@v1"/ : /inner ?@ git\+https:\/\/oauth2:\*\*\*@git\.example\.org\/inner\.git@v1/,
    });
  }
  return out;
}

const missing = ['git', '/usr/bin/python3'].filter((tool) => !hasTool(tool));
if (missing.length && !isCI()) console.log(`  skip: secrets echo table: needs ${missing.join(', ')}`);
else
  t('every command, every place a credential can be given: exit code as documented, the secret in no output, shown redacted', async () => {
    await project();
    const table = rows();
    assert.ok(table.length >= 100, `${table.length} rows`);
    const results = new Map<Row, [string, CliResult]>();
    const queue = [...table];
    const worker = async () => {
      for (let row = queue.shift(); row; row = queue.shift()) {
        const s = secret();
        results.set(row, [s, await row.run(s)]);
      }
    };
    await Promise.all([worker(), worker(), worker()]);
    for (const row of table) {
      const [s, r] = results.get(row)!;
      const both = r.stdout + r.stderr;
      assert.is(r.code, row.code, `${row.command}: exit ${r.code}\n${both}`);
      assert.not.ok(both.includes(s), `${row.command} printed the secret:\n${both}`);
      if (row.shows) assert.match(both, row.shows, row.command);
      if (row.code === 2) assert.is(r.stderr.trim().split('\n').length, 1, `${row.command}: one line\n${r.stderr}`);
    }
  });

t.run();
