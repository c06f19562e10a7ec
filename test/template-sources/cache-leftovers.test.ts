import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withLock } from '../../src/files/lock-file.js';
import { tempDir } from '../helpers/tmp.js';
import { isCI, toolTest } from '../helpers/tools.js';
import { release, sandbox, teamCreate, templateRepo } from './team-fixture.js';

/**
 * What a run of the template cache leaves when it dies or its disk fills. Before: a lock whose pid could not be
 * written (ENOSPC) stayed empty and every later run waited its full 2 minutes for it (an empty lock was stale only
 * after 10); a tag whose unpack failed (tar on a full disk, a symlink refused) or whose run was killed left its
 * trees/<commit>.tmp-<pid> folder for ever.
 */
const t = suite('template cache: no leftovers from runs that died or ran out of disk');

function sourceDir(cache: string): string {
  const base = join(cache, 'create-pyservice', 'templates');
  return join(base, readdirSync(base)[0]!);
}

toolTest(t, ['git'], 'a dead run\'s half-unpacked tree is removed by the next unpack, a live run\'s kept; an empty lock of a dead run does not hold anyone up', () => {
  const sb = sandbox();
  const repo = templateRepo(sb.root);
  const first = teamCreate(sb, sb.root, ['one', '--yes', '--no-git', '--template', repo.url, '--trust']);
  assert.is(first.code, 0, first.stderr);
  const dir = sourceDir(sb.cache);
  // pid 2^22+1 is above any kernel's pid_max: never alive
  const dead = join(dir, 'trees', 'f'.repeat(40) + '.tmp-4194305');
  const live = join(dir, 'trees', 'e'.repeat(40) + `.tmp-${process.pid}`);
  mkdirSync(join(dead, 'project'), { recursive: true });
  writeFileSync(join(dead, 'project', 'half.ejs'), 'x');
  mkdirSync(live);
  writeFileSync(join(dir, 'lock'), '');
  const old = new Date(Date.now() - 60_000);
  utimesSync(join(dir, 'lock'), old, old);
  release(repo.dir, 'v1.1.0', { 'manifest.json': (m) => m.replace('"version": "1.0.0"', '"version": "1.1.0"') });
  const started = Date.now();
  const second = teamCreate(sb, sb.root, ['two', '--yes', '--no-git', '--template', `${repo.url}#v1.1.0`]);
  assert.is(second.code, 0, second.stderr);
  assert.ok(Date.now() - started < 30_000, `an empty lock a minute old held the run for ${Date.now() - started} ms`);
  assert.not.ok(existsSync(dead), 'the dead run\'s half tree is gone');
  assert.ok(existsSync(live), 'a live run\'s unpack is left to it');
  assert.not.ok(existsSync(join(dir, 'lock')), 'the lock is released');
});

t('a lock whose pid cannot be written (full disk) is removed, and the error is the disk\'s', () => {
  if (process.getuid?.() !== 0) {
    if (isCI()) assert.unreachable('CI runs as root; a skip is a failure under CI=true');
    console.log('  skip: a full disk needs a tmpfs mount (root)');
    return;
  }
  const disk = tempDir();
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', disk]);
  assert.is(mounted.status, 0, String(mounted.stderr));
  try {
    spawnSync('sh', ['-c', `cat /dev/zero > ${disk}/filler`]);
    const lock = join(disk, 'lock');
    assert.throws(() => withLock(lock, () => 1), /ENOSPC/);
    assert.not.ok(existsSync(lock), 'no empty lock left');
    rmSync(join(disk, 'filler'));
    assert.is(withLock(lock, () => 2, { timeoutMs: 1000 }), 2);
  } finally {
    if (spawnSync('umount', [disk]).status !== 0) spawnSync('umount', ['-l', disk]); // busy (an fd a failing run leaked): lazily
  }
});

t.run();
