import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fstatSync, openSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { coloursOn } from '../../src/cli/colours.js';
import { packageRoot } from '../../src/paths.js';

// Colours follow kleur's rule: NO_COLOR / NODE_DISABLE_COLORS / TERM=dumb turn them off, FORCE_COLOR on, and
// otherwise a terminal on stdout decides (the test runner's stdout is a pipe, so not a terminal).
test('colours: off on request, on when forced, otherwise only on a terminal', () => {
  assert.not.ok(fstatSync(1).isCharacterDevice() && process.stdout.isTTY, 'this test expects stdout not to be a terminal');
  assert.is(coloursOn({}), false);
  assert.is(coloursOn({ FORCE_COLOR: '1' }), true);
  assert.is(coloursOn({ FORCE_COLOR: '0' }), false);
  assert.is(coloursOn({ FORCE_COLOR: '1', NO_COLOR: '' }), false);
  assert.is(coloursOn({ FORCE_COLOR: '1', NODE_DISABLE_COLORS: '1' }), false);
  assert.is(coloursOn({ FORCE_COLOR: '1', TERM: 'dumb' }), false);
});

/** A child that asks coloursOn({}) and reports the answer and the Node modules asking it loaded, on stderr. */
const PROBE = `
  const { coloursOn } = await import(${JSON.stringify(pathToFileURL(join(packageRoot(), 'dist', 'src', 'cli', 'colours.js')).href)});
  const before = new Set(process.moduleLoadList);
  const on = coloursOn({});
  const loaded = process.moduleLoadList.filter((m) => !before.has(m));
  (await import('node:fs')).writeSync(2, JSON.stringify({ on, loaded }) + '\\n');`;

test('stdout on /dev/null: no colours, and process.stdout is not built to find out', () => {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', PROBE], { stdio: ['ignore', openSync('/dev/null', 'w'), 'pipe'], encoding: 'utf8', env: { PATH: process.env.PATH } });
  const got = JSON.parse(r.stderr) as { on: boolean; loaded: string[] };
  assert.is(got.on, false);
  assert.equal(got.loaded, [], `asking loaded ${got.loaded.join(', ')}`);
});

test('on a terminal (a pty from script(1)) colours are on', () => {
  const quoted = `'${PROBE.replace(/'/g, `'\\''`)}'`;
  const r = spawnSync('script', ['-qec', `${process.execPath} --input-type=module -e ${quoted} 2>&1`, '/dev/null'], { encoding: 'utf8', env: { PATH: process.env.PATH, TERM: 'xterm' } });
  const line = r.stdout.split(/\r?\n/).find((l) => l.startsWith('{'));
  assert.ok(line, `no answer from the pty: ${r.stdout} ${r.stderr}`);
  assert.is((JSON.parse(line!) as { on: boolean }).on, true);
});

test('canPrompt with stdin and stdout on /dev/null: no, and node:tty (which loads net) is not loaded to find out', () => {
  const probe = `
    const { canPrompt } = await import(${JSON.stringify(pathToFileURL(join(packageRoot(), 'dist', 'src', 'cli', 'prompts.js')).href)});
    const before = new Set(process.moduleLoadList);
    const yes = canPrompt();
    const loaded = process.moduleLoadList.filter((m) => !before.has(m));
    (await import('node:fs')).writeSync(2, JSON.stringify({ yes, loaded }) + '\\n');`;
  const devNull = openSync('/dev/null', 'r+');
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', probe], { stdio: [devNull, devNull, 'pipe'], encoding: 'utf8', env: { PATH: process.env.PATH } });
  const got = JSON.parse(r.stderr) as { yes: boolean; loaded: string[] };
  assert.is(got.yes, false);
  assert.equal(got.loaded, [], `asking loaded ${got.loaded.join(', ')}`);
});

test.run();
