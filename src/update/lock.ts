import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { FailureError } from '../errors.js';
import { processAlive } from '../exec/process-alive.js';
import type { WriteTarget } from './worktree.js';

/**
 * One `pyservice update` per repository at a time. Without it a second run takes the first one's live journal
 * for an interrupted update, "finishes" it and deletes its temp files. The lock is a file in the git directory
 * (never tracked) naming its holder; a lock whose process is gone (same host, pid not running) is stale and
 * taken over, so a killed run never blocks the next one.
 */
export const LOCK_FILE = 'pyservice-update.lock';

interface Holder {
  pid: number;
  host: string;
  started: string;
  /** The command holding it (absent in the locks of earlier versions: update). */
  command?: LockCommand;
}

/** The commands that take the lock: both write through update's writer. */
export type LockCommand = 'update' | 'deb';

export class UpdateLockedError extends FailureError {}

/** In the git directory; outside git, hidden in the project for the length of the run. */
const lockPath = (at: WriteTarget) => (at.gitDir ? join(at.gitDir, LOCK_FILE) : join(at.root, `.${LOCK_FILE}`));


function readHolder(path: string): { holder: Holder | null; text: string } | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return null; // gone meanwhile
  }
  try {
    const h = JSON.parse(text) as Holder;
    return { holder: typeof h.pid === 'number' && typeof h.host === 'string' ? h : null, text };
  } catch {
    return { holder: null, text };
  }
}

/** Why the lock is held by someone alive, or null when it is free or stale. */
function liveHolder(path: string): string | null {
  const read = readHolder(path);
  if (!read) return null;
  const { holder } = read;
  if (!holder) {
    // Killed between creating and writing it: stale once it is a few seconds old.
    try {
      if (Date.now() - statSync(path).mtimeMs > 5000) return null;
    } catch {
      return null;
    }
    return 'another pyservice update or deb is starting in this repository';
  }
  const who = `pyservice ${holder.command === 'deb' ? 'deb' : 'update'}`;
  if (holder.host !== hostname()) return `another ${who} holds this repository's lock (pid ${holder.pid} on ${holder.host}, since ${holder.started})`;
  if (holder.pid === process.pid || !processAlive(holder.pid)) return null;
  return `another ${who} is running in this repository (pid ${holder.pid}, since ${holder.started})`;
}

/** The fix names the command the user ran (a deb was told to run pyservice update again). */
function lockedMessage(why: string, path: string, command: LockCommand): string {
  return `${why}; wait for it to finish, then run pyservice ${command} again (if none is running, remove ${path})`;
}

/** Whether a live run holds the lock (read only). */
export function lockHeld(at: WriteTarget): boolean {
  return liveHolder(lockPath(at)) !== null;
}

/** Who holds the lock, while a live run holds it (null when none does); takes nothing. */
export const lockHolder = (at: WriteTarget): string | null => liveHolder(lockPath(at));

/** For runs that write nothing (--dry-run, --diff, --json): refuse while a live update holds the lock, take nothing. */
export function refuseIfLocked(at: WriteTarget, command: LockCommand = 'update'): void {
  const why = lockHolder(at);
  if (why) throw new UpdateLockedError(lockedMessage(why, lockPath(at), command));
}

/** Takes the lock (a stale one is taken over) or throws UpdateLockedError. Returns the release function. */
export function acquireUpdateLock(at: WriteTarget, now = new Date(), command: LockCommand = 'update'): () => void {
  const path = lockPath(at);
  const me: Holder = { pid: process.pid, host: hostname(), started: now.toISOString(), ...(command === 'update' ? {} : { command }) };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o644);
      try {
        writeSync(fd, JSON.stringify(me) + '\n');
      } catch (err) {
        // A full disk: the lock file was made but holds nothing, which the next run took for a run starting
        // ("another pyservice update or deb is starting") for 5 s; it goes, and the error is the disk's
        closeSync(fd);
        unlinkSync(path);
        throw err;
      }
      closeSync(fd);
      return () => {
        const still = readHolder(path);
        if (still?.holder?.pid === me.pid && still.holder.host === me.host) unlinkSync(path);
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const why = liveHolder(path);
    if (why) throw new UpdateLockedError(lockedMessage(why, path, command));
    // Stale: remove it only if it is still the one we judged (another run may have just taken it over).
    const seen = readHolder(path);
    const again = readHolder(path);
    if (seen && again && seen.text === again.text) {
      try {
        unlinkSync(path);
      } catch {
        /* removed by the other run */
      }
    }
  }
  throw new UpdateLockedError(lockedMessage('another pyservice update or deb took the lock at the same moment', path, command));
}
