import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, writeFileSync } from 'node:fs';
import { runCommand } from '../../src/cli/main.js';
import { captureOutput } from '../helpers/generate.js';

/**
 * A full disk is not bad input, but the user still gets one line per problem that says what to do, not Node's
 * "ENOSPC: no space left on device, write". /dev/full is the kernel's own full device: every write is ENOSPC.
 */
const t = suite('cli: what a full disk looks like');

t('ENOSPC from a write: exit 1, one line naming the problem and the fix', async () => {
  if (!existsSync('/dev/full')) throw new Error('/dev/full is missing');
  const out = captureOutput();
  const code = await runCommand(async () => {
    writeFileSync('/dev/full', 'x'.repeat(8192));
    return 0;
  }, [], out);
  assert.is(code, 1);
  const lines = out.text().split('\n');
  assert.is(lines.length, 1, out.text());
  assert.match(lines[0]!, /^error: .*no space left on the device; free some space and run the command again/);
  assert.not.match(lines[0]!, /ENOSPC: no space left on device, write/);
});

t('a failing tool’s several lines of stderr: each is its own error line', async () => {
  const out = captureOutput();
  const code = await runCommand(async () => {
    throw new Error("git failed (exit 128): fatal: detected dubious ownership\nTo add an exception for this directory, call:\n\n\tgit config --global --add safe.directory /x");
  }, [], out);
  assert.is(code, 1);
  assert.ok(out.text().split('\n').every((l) => l.startsWith('error: ')), out.text());
});

t.run();
