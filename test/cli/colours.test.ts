import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fstatSync } from 'node:fs';
import { coloursOn } from '../../src/cli/colours.js';

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

test.run();
