import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CREATE_BIN, PYSERVICE_BIN } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
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

/**
 * Bytes that are not UTF-8 in an argument or in the current folder's path: Node shows them as U+FFFD and can then
 * open nothing under that name. Before: create in /tmp/…/d\xff said 'cannot write in …/d\ufffd: it is missing or
 * not writable; choose another location', deb there '. is not a directory', and a Latin-1 --description was
 * written into the project with U+FFFD in it. Arguments are passed through sh's printf (Node's own spawn takes
 * only strings).
 */
t('an argument or a current folder that is not UTF-8: exit 2, one line naming it and the fix; a real U+FFFD is fine', () => {
  const base = tempDir();
  const odd = Buffer.concat([Buffer.from(join(base, 'd')), Buffer.from([0xff])]);
  mkdirSync(odd);
  const sh = (script: string) => spawnSync('sh', ['-c', script, 'sh', process.execPath, CREATE_BIN, PYSERVICE_BIN], { cwd: base, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', HOME: base, XDG_CACHE_HOME: join(base, 'cache') } });
  const inside = sh(`cd "$(printf 'd\\377')" && "$1" "$2" w --yes --type tool --name odd-tool --no-git`);
  assert.is(inside.status, 2, inside.stderr);
  assert.match(inside.stderr, /^error: the current folder's path ".*\/d\ufffd" is not UTF-8 .*run from a folder whose path is UTF-8 \(rename the folder\)\n$/);
  assert.equal(readdirSync(odd), [], 'nothing written');
  const deb = sh(`"$1" "$3" deb "$(printf 'd\\377')" --dry-run --yes`);
  assert.is(deb.status, 2, deb.stderr);
  assert.match(deb.stderr, /^error: the argument "d\ufffd" is not UTF-8 text .*give it in UTF-8 \(a folder whose name is not UTF-8: rename it\)\n$/);
  const latin1 = sh(`"$1" "$2" w --yes --type tool --name odd-tool --no-git --dry-run --description "$(printf 'caf\\351 time')"`);
  assert.is(latin1.status, 2, latin1.stderr);
  assert.match(latin1.stderr, /the argument "caf\ufffd time" is not UTF-8 text/);
  const fine = sh(`"$1" "$2" w --yes --type tool --name odd-tool --no-git --dry-run --description "$(printf 'caf\\303\\251 \\357\\277\\275')"`);
  assert.is(fine.status, 0, fine.stderr);
});

t.run();
