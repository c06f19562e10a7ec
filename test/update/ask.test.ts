import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PYSERVICE_BIN } from '../helpers/cli.js';
import { toolTest } from '../helpers/tools.js';
import { packageRoot } from '../../src/paths.js';
import { oldProject } from './fixtures.js';

/** `pyservice update --ask` in a real pseudo-terminal (the generator's pty driver types the answers). */
const t = suite('pyservice update --ask in a terminal');
const DRIVER = join(packageRoot(), 'test', 'cli', 'drivers', 'pty_drive.py');
const DOWN = '\u001b[B';

toolTest(t, ['python3', 'git'], 'asks the new question first, lets you change answers; switching CI replaces the CI file', async () => {
  const dir = await oldProject();
  const steps: [string, string][] = [
    ['(new)', '\u007f\u007f\u007f3.11\r'],
    ['One-line description', '\r'],
    ['Author', '\r'],
    ['Email', '\r'],
    ['CI provider', `${DOWN}\r`],
    ['Target distribution', '\r'],
    ['Private index URL', '\r'],
    ['Home page', '\r'],
  ];
  const out = execFileSync('python3', [DRIVER, JSON.stringify(steps), '--', 'env', 'NO_COLOR=1', 'CI=', process.execPath, PYSERVICE_BIN, 'update', '--ask'], { cwd: dir, encoding: 'utf8' });
  const r = JSON.parse(out) as { code: number | null; screen: string; timeout?: string };
  assert.is(r.code, 0, r.timeout ? `waited for "${r.timeout}":\n${r.screen}` : r.screen);
  const rec = JSON.parse(readFileSync(join(dir, '.pyservice.json'), 'utf8'));
  assert.is(rec.answers.pythonMinimum, '3.11');
  assert.is(rec.answers.ci, 'gitlab');
  assert.match(readFileSync(join(dir, 'setup.py'), 'utf8'), /python_requires=">=3\.11"/);
  assert.ok(existsSync(join(dir, '.gitlab-ci.yml')));
  assert.not.ok(existsSync(join(dir, '.github/workflows/ci.yml')), 'the unmodified GitHub workflow is removed');
});

t.run();
