import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { debianNames, nameUse, NO_LISTS } from '../../src/deb/collisions.js';
import { tempDir } from '../helpers/tmp.js';
import { isCI } from '../helpers/tools.js';

/**
 * The cache of the apt lists' package names (~/.cache/create-pyservice/debian-names-KEY), which decides whether
 * `pyservice deb` refuses a package name Debian already uses. Measured before: with XDG_CACHE_HOME in a shared
 * folder, a debian-names-KEY of empty buckets that another user (uid 65534) planted was read, and
 * `pyservice deb --package cowsay` lost its note that Debian has a cowsay (without --package, the refusal of a
 * taken name); four concurrent first runs left three debian-names-KEY.PID.tmp folders of 2.5 MB each for ever.
 */
const t = suite('deb: the cache of Debian package names');

const hasLists = (() => {
  try {
    return readdirSync('/var/lib/apt/lists').some((f) => /_Packages(\.[a-z0-9]+)?$/.test(f));
  } catch {
    return false;
  }
})();
const root = process.getuid?.() === 0;

/** A package of the archive that is not installed here (the planted cache must be what hides it). */
const ARCHIVE_ONLY = 'cowsay';

async function key(xdg: string): Promise<string> {
  await debianNames({ XDG_CACHE_HOME: xdg });
  const made = readdirSync(join(xdg, 'create-pyservice')).filter((n) => n.startsWith('debian-names-'));
  assert.is(made.length, 1, `one cache: ${made.join(', ')}`);
  return made[0]!;
}

if (!hasLists && isCI()) t('needs apt lists', () => assert.unreachable(NO_LISTS));
else if (!hasLists) console.log(`  skip: names-cache: ${NO_LISTS}`);
else {
  t('a cache another user could have written is not read: the names come from the apt lists', async () => {
    if (!root) {
      if (isCI()) assert.unreachable('CI runs as root; a skip is a failure under CI=true');
      console.log('  skip: planting another user\'s cache needs root (chown)');
      return;
    }
    const mine = tempDir();
    const name = await key(mine);
    assert.ok(nameUse(await debianNames({ XDG_CACHE_HOME: mine }), ARCHIVE_ONLY).used, `${ARCHIVE_ONLY} is the archive's (if not: pick another name)`);
    // A shared folder (sticky, world-writable): another user made create-pyservice/ and a cache of empty buckets
    const shared = tempDir();
    chmodSync(shared, 0o1777);
    const planted = join(shared, 'create-pyservice', name);
    mkdirSync(planted, { recursive: true });
    for (let i = 0; i < 64; i++) writeFileSync(join(planted, String(i)), '\n\n');
    for (const p of [join(shared, 'create-pyservice'), planted, ...readdirSync(planted).map((f) => join(planted, f))]) chownSync(p, 65534, 65534);
    const use = nameUse(await debianNames({ XDG_CACHE_HOME: shared }), ARCHIVE_ONLY);
    assert.ok(use.used, `the planted cache hid ${ARCHIVE_ONLY}: ${JSON.stringify(use)}`);
    assert.is(statSync(join(planted, '0')).uid, 65534, 'nothing of the other user\'s was replaced or removed');
    // Our own folder, but others may write it: the same
    const loose = tempDir();
    mkdirSync(join(loose, 'create-pyservice', name), { recursive: true, mode: 0o777 });
    chmodSync(join(loose, 'create-pyservice'), 0o777);
    for (let i = 0; i < 64; i++) writeFileSync(join(loose, 'create-pyservice', name, String(i)), '\n\n');
    assert.ok(nameUse(await debianNames({ XDG_CACHE_HOME: loose }), ARCHIVE_ONLY).used, 'a cache in a folder others can write is not read');
  });

  t('concurrent first runs leave one cache and no temporary folder; a dead run\'s folder is removed, a live one\'s kept', async () => {
    const xdg = tempDir();
    const all = await Promise.all([1, 2, 3, 4].map(() => debianNames({ XDG_CACHE_HOME: xdg })));
    for (const names of all) assert.ok(nameUse(names, ARCHIVE_ONLY).used);
    const dir = join(xdg, 'create-pyservice');
    const left = readdirSync(dir).filter((n) => n.startsWith('debian-names-'));
    assert.is(left.length, 1, `left: ${left.join(', ')}`);
    assert.is(statSync(join(dir, left[0]!)).mode & 0o077, 0, 'the cache is private');
    // A run killed while it wrote (pid 2^22+1 is above any kernel's pid_max: never alive), and a live one's
    const dead = join(dir, `${left[0]}x.4194305.tmp`);
    const live = join(dir, `${left[0]}x.${process.pid}.tmp`);
    mkdirSync(dead);
    mkdirSync(live);
    // The lists' key changes with apt-get update: a run that writes its cache removes the stale ones
    const renamed = join(dir, 'debian-names-0000000000000000');
    const { renameSync } = await import('node:fs');
    renameSync(join(dir, left[0]!), renamed);
    await debianNames({ XDG_CACHE_HOME: xdg });
    assert.not.ok(existsSync(dead), 'the dead run\'s temporary folder is removed');
    assert.ok(existsSync(live), 'a live run\'s temporary folder is left to it');
    assert.not.ok(existsSync(renamed), 'a stale cache is removed');
    assert.ok(existsSync(join(dir, left[0]!)));
  });
}

t.run();
