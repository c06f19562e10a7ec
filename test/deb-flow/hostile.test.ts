import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PYSERVICE_BIN } from '../helpers/cli.js';
import { cleanEnv, tempDir } from '../helpers/tmp.js';
import { toolTest } from '../helpers/tools.js';

/**
 * pyservice deb reads someone else's project: what its metadata says is untrusted input. Each test here is an
 * upstream project written to attack the report or the package, run through the real CLI.
 */
const t = suite('pyservice deb: hostile upstream projects');
const PY = '/usr/bin/python3';

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
    const r = deb([dir, '--dry-run', '--yes', '--kind', 'tool', '--maintainer', 'Pat Doe <pat@example.org>'], env);
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

t.run();
