import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CREATE_BIN } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { toolTest } from '../helpers/tools.js';
import { packageRoot } from '../../src/paths.js';

/** The prompts, in a real pseudo-terminal driven by a small Python pty script (what a person at a terminal does). */
const t = suite('create-pyservice in a terminal');
const DRIVER = join(packageRoot(), 'test', 'cli', 'drivers', 'pty_drive.py');
const DOWN = '\u001b[B';
const BACKSPACE = '\u007f';

function drive(steps: [string, string][], args: string[], cwd: string, env: Record<string, string> = {}): { code: number | null; screen: string; timeout?: string } {
  const envArgs = Object.entries({ NO_COLOR: '1', CI: '', ...env }).map(([k, v]) => `${k}=${v}`);
  const out = execFileSync('python3', [DRIVER, JSON.stringify(steps), '--', 'env', ...envArgs, process.execPath, CREATE_BIN, ...args], { cwd, encoding: 'utf8' });
  return JSON.parse(out);
}

toolTest(t, ['python3'], 'asks every missing question, validates as typed, shows derived names, and records the answers', () => {
  const cwd = tempDir();
  const r = drive(
    [
      ['Project name', 'My Svc\r'],
      ['contains spaces', BACKSPACE.repeat(6) + 'my-svc.api'],
      ['Debian package: my-svc.api', '\r'],
      ['Project type', `${DOWN}\r`],
      ['One-line description', '\r'],
      ['Author', 'Ada Lovelace\r'],
      ['Email', 'ada@example.org\r'],
      ['CI provider', `${DOWN}\r`],
      ['Target distribution', '\r'],
      ['Private index URL', 'https://pypi.example.com/\r'],
      ['ends in /simple/', 'simple/\r'],
      ['Upload URL', 'https://pypi.example.com/\r'],
      ['Home page', '\r'],
      ['Oldest Python version', '3.11\r'],
      ['~/.netrc', 'n\r'],
    ],
    ['--no-git'],
    cwd,
  );
  assert.is(r.code, 0, r.timeout ? `waited for "${r.timeout}":\n${r.screen}` : r.screen);
  assert.match(r.screen, /import: my_svc_api/);
  // each provider is shown with its name (the registry's label)
  assert.match(r.screen, /gitlab[^\n]*GitLab CI/);
  assert.match(r.screen, /jenkins[^\n]*Jenkins \(declarative pipeline\)/);
  const rec = JSON.parse(readFileSync(join(cwd, 'my-svc.api', '.pyservice.json'), 'utf8'));
  assert.is(rec.answers.name, 'my-svc.api');
  assert.is(rec.answers.type, 'library');
  assert.is(rec.answers.description, 'Reusable Python library');
  assert.is(rec.answers.ci, 'gitlab');
  assert.is(rec.answers.indexUrl, 'https://pypi.example.com/simple/');
  assert.is(rec.answers.uploadUrl, 'https://pypi.example.com/');
  assert.is(rec.answers.author, 'Ada Lovelace');
  assert.is(rec.answers.pythonMinimum, '3.11');
});

toolTest(t, ['python3'], 'Ctrl-C at a prompt exits 130 and writes nothing', () => {
  const cwd = tempDir();
  const r = drive([['Project name', '\u0003']], [], cwd);
  assert.is(r.code, 130, r.screen);
  assert.match(r.screen, /cancelled; nothing was written/);
  assert.equal(readdirSync(cwd), []);
});

toolTest(t, ['python3'], 'with CI=true it never prompts, even in a terminal: exit 2 naming the flags', () => {
  const cwd = tempDir();
  const r = drive([], ['svc'], cwd, { CI: 'true' });
  assert.is(r.code, 2, r.screen);
  assert.match(r.screen, /--type service\|library\|tool;/);
  assert.not.ok(existsSync(join(cwd, 'svc')));
});

toolTest(t, ['python3'], 'a directory that is not empty is said before the first question (given) or at the name (typed); nothing asked in vain', () => {
  // Measured before: every question was asked and answered, then 'is not empty; choose a new or empty directory'
  const cwd = tempDir();
  mkdirSync(join(cwd, 'taken'));
  writeFileSync(join(cwd, 'taken', 'keep.txt'), 'mine');
  const given = drive([], ['taken'], cwd);
  assert.is(given.code, 2, given.screen);
  assert.match(given.screen, /taken is not empty \(1 entries\); choose a new or empty directory/);
  assert.not.match(given.screen, /Project type/);
  const typed = drive(
    [
      ['Project name', 'taken\r'],
      ['is not empty', BACKSPACE.repeat(5) + 'fresh\r'],
      ['Project type', '\u0003'],
    ],
    ['--no-git'],
    cwd,
  );
  assert.is(typed.code, 130, typed.timeout ? `waited for "${typed.timeout}":\n${typed.screen}` : typed.screen);
  assert.equal(readdirSync(join(cwd, 'taken')), ['keep.txt']);
});

toolTest(t, ['python3'], 'a tool: its own default description; an older template version offers only the types it makes', () => {
  const cwd = tempDir();
  const r = drive(
    [
      ['Project type', `${DOWN}${DOWN}\r`],
      ['Command-line tool written in Python', '\r'],
      ['Author', 'Ada\r'],
      ['Email', 'ada@example.org\r'],
      ['CI provider', '\r'],
      ['Target distribution', '\r'],
      ['Private index URL', '\r'],
      ['Home page', '\r'],
      ['Oldest Python version', '\r'],
    ],
    ['cli-x', '--no-git'],
    cwd,
  );
  assert.is(r.code, 0, r.timeout ? `waited for "${r.timeout}":\n${r.screen}` : r.screen);
  const rec = JSON.parse(readFileSync(join(cwd, 'cli-x', '.pyservice.json'), 'utf8'));
  assert.is(rec.answers.type, 'tool');
  assert.is(rec.answers.description, 'Command-line tool written in Python');
  // templates 1.1.0 have no tool: two choices, and a third Down stays on library
  const old = drive([['Project type', `${DOWN}${DOWN}${DOWN}\r`], ['One-line description', '\u0003']], ['old-x', '--template-version', '1.1.0'], cwd);
  assert.is(old.code, 130, old.screen);
  assert.match(old.screen, /Project type · library/);
  assert.not.match(old.screen, /\btool\b/);
});

t.run();
