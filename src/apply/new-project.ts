import { mkdirSync, readdirSync, readFileSync, writeFileSync, renameSync, rmSync, rmdirSync, statSync, lstatSync, accessSync, constants, writeFile, chmod, linkSync, unlinkSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { FilePlan, PlannedFile } from '../plan/file-plan.js';
import { stopChildren } from '../exec/run.js';
import { CancelledError, FailureError } from '../errors.js';
import { processAlive } from '../exec/process-alive.js';

export class TargetError extends Error {}
/** The run was interrupted (SIGINT/SIGTERM): children stopped, staging removed, nothing written. */
export class InterruptedError extends CancelledError {}

/**
 * A directory whose only entry is `.git` (a folder, or a worktree's or submodule's file): an empty clone, as
 * `git clone` of a repository just made on GitHub or GitLab leaves it. The project is written into it, around
 * its `.git`, which is never moved.
 */
export function onlyGit(abs: string): boolean {
  try {
    const entries = readdirSync(abs);
    if (entries.length !== 1 || entries[0] !== '.git') return false;
    const st = lstatSync(join(abs, '.git'));
    return st.isDirectory() || st.isFile();
  } catch {
    return false;
  }
}

/**
 * Checks the target before any work: it must be absent, an empty real directory (not a symlink, not a mount
 * point: the finished project is renamed into place, which neither survives) or an empty clone (onlyGit), and
 * its parent writable.
 */
export function checkTarget(target: string, opts: { clone?: boolean } = {}): void {
  const abs = resolve(target);
  let st;
  try {
    st = lstatSync(abs);
  } catch {
    st = undefined;
  }
  if (st) {
    if (st.isSymbolicLink()) throw new TargetError(`${target} is a symlink; give the real directory it points to (the project is never written through a symlink)`);
    if (!st.isDirectory()) throw new TargetError(`${target} exists and is not a directory; choose another directory`);
    const entries = readdirSync(abs);
    if (opts.clone !== false && onlyGit(abs)) {
      accessSync(abs, constants.W_OK);
      return; // filled entry by entry, not replaced: a mount point is fine
    }
    if (entries.length > 0) throw new TargetError(`${target} is not empty (${entries.length} entries); choose a new or empty directory (or an empty clone, holding only .git)`);
    const parentDev = statSync(dirname(abs)).dev;
    if (st.dev !== parentDev || abs === dirname(abs))
      throw new TargetError(`${target} is a mount point, which cannot be replaced; create the project inside it (${join(target, 'NAME')})`);
  }
  const parent = dirname(abs);
  try {
    accessSync(parent, constants.W_OK);
  } catch {
    throw new TargetError(`cannot write in ${parent}: it is missing or not writable; choose another location`);
  }
}

/**
 * The staging directory beside the target. Its name carries this process's id (in the 8 hex digits every
 * `.NAME.pyservice-XXXXXXXX.tmp` has), so a later run can tell a killed run's leftover from a live one.
 */
export function stagingPath(target: string, pid = process.pid): string {
  return join(dirname(target), `.${basename(target)}.pyservice-${pid.toString(16).padStart(8, '0')}.tmp`);
}


/**
 * The file a staging directory holds while its entries are moved into an empty clone (moveInto): the names being
 * moved, one per line. A run killed during the move leaves it, so the next run knows which of the clone's entries
 * are the killed run's and puts them back (removeStaleStaging), instead of leaving half a project in the clone.
 */
export const MOVE_JOURNAL = '.pyservice-moving';

/**
 * Removes staging directories of earlier runs for this target whose process is gone (killed with SIGKILL, a crash).
 * One killed while it moved its entries into an empty clone (its MOVE_JOURNAL is there) first has the entries it
 * had moved put back (the clone holds only its .git again); one killed after the last entry moved is only removed
 * (the project is whole). Returns the folders removed and the clones put back.
 */
export function removeStaleStaging(target: string): string[] {
  const abs = resolve(target);
  const prefix = `.${basename(abs)}.pyservice-`;
  const removed: string[] = [];
  for (const path of staleStaging(abs)) {
    undoMove(path, abs);
    rmSync(path, { recursive: true, force: true });
    removed.push(path);
  }
  return removed;

  function staleStaging(abs: string): string[] {
    let names: string[];
    try {
      names = readdirSync(dirname(abs));
    } catch {
      return [];
    }
    const out: string[] = [];
    for (const name of names) {
      const m = /^([0-9a-f]{8})\.tmp$/.exec(name.slice(prefix.length));
      if (!name.startsWith(prefix) || !m) continue;
      const pid = parseInt(m[1]!, 16);
      if (pid === process.pid || processAlive(pid)) continue;
      const path = join(dirname(abs), name);
      if (lstatSync(path).isDirectory()) out.push(path);
    }
    return out;
  }
}

/**
 * A dead run's staging directory that was being moved into `target`, or null: the entries it had moved already
 * (in the target, gone from the staging directory) and how many it was moving.
 */
export function interruptedMove(target: string): { moved: number; of: number } | null {
  const abs = resolve(target);
  const prefix = `.${basename(abs)}.pyservice-`;
  let names: string[];
  try {
    names = readdirSync(dirname(abs));
  } catch {
    return null;
  }
  for (const name of names) {
    const m = /^([0-9a-f]{8})\.tmp$/.exec(name.slice(prefix.length));
    if (!name.startsWith(prefix) || !m || processAlive(parseInt(m[1]!, 16))) continue;
    const journal = moveJournal(join(dirname(abs), name));
    if (journal) return { moved: journal.filter((n) => !exists(join(dirname(abs), name, n))).length, of: journal.length };
  }
  return null;
}

function moveJournal(staging: string): string[] | null {
  let text: string;
  try {
    text = readFileSync(join(staging, MOVE_JOURNAL), 'utf8');
  } catch {
    return null;
  }
  // Written whole before the first move (a torn one means nothing was moved yet): it ends with its own name
  const lines = text.split('\n');
  if (lines.pop() !== '' || lines.pop() !== MOVE_JOURNAL) return null;
  return lines.filter((n) => n && n !== '.' && n !== '..' && !n.includes('/'));
}

const exists = (path: string): boolean => lstatSync(path, { throwIfNoEntry: false }) !== undefined;

/** Puts back into `staging` what a killed moveInto had moved from it into `target` (see MOVE_JOURNAL). */
function undoMove(staging: string, target: string): void {
  const names = moveJournal(staging);
  if (!names || !names.some((n) => exists(join(staging, n)))) return; // not moving, or every entry moved: whole
  for (const name of names) {
    const from = join(target, name);
    const back = join(staging, name);
    const there = lstatSync(from, { throwIfNoEntry: false });
    if (!there) continue;
    const left = lstatSync(back, { throwIfNoEntry: false });
    if (!left) renameSync(from, back); // moved: put back
    else if (left.isDirectory() && there.isDirectory()) rmdirSync(from); // the empty folder made for it (ENOTEMPTY: someone's, kept)
    else if (left.ino === there.ino && left.dev === there.dev) unlinkSync(from); // linked, the staged name not yet unlinked
  }
}

/**
 * What writeNewProject writes: the plan's files, and optionally `more`, files computed while the first are being
 * written (create hashes the rendered files for the baseline meanwhile: see runCreate).
 */
export interface NewProjectFiles {
  files: readonly PlannedFile[];
  more?: () => readonly PlannedFile[];
}

/**
 * Writes the plan into a temp directory beside the target, lets `finish` act on it (git init), and only then
 * renames it into place. A failure or interruption before the rename leaves nothing at the target. On SIGINT or
 * SIGTERM the children (git) are stopped and the writes in flight settle first, then the staging directory is
 * removed, then it rejects with InterruptedError (the CLI exits 130).
 * Files are written by libuv's thread pool (all folders made first), so creating ~60 inodes — the larger part
 * of create's own time on a slow disk — overlaps `more` on this thread.
 */
export async function writeNewProject(plan: FilePlan | NewProjectFiles, target: string, finish?: (dir: string) => Promise<void>): Promise<string> {
  const abs = resolve(target);
  removeStaleStaging(abs);
  const staging = stagingPath(abs);
  const cleanup = () => rmSync(staging, { recursive: true, force: true });
  let inflight: Promise<unknown> = Promise.resolve();
  let interrupted: Promise<never> | undefined;
  let rejectInterrupted: (err: Error) => void = () => undefined;
  const cancelled = new Promise<never>((_, reject) => (rejectInterrupted = reject));
  cancelled.catch(() => undefined);
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) return; // a second Ctrl-C while cleaning up changes nothing
    interrupted = cancelled;
    void stopChildren()
      .then(() => inflight)
      .then(() => {
        cleanup();
        rejectInterrupted(new InterruptedError(`interrupted (${signal}); nothing was written`));
      });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const work = async () => {
      mkdirSync(staging, { mode: 0o755 });
      // Folders are made here, before any file: each file is then one chain on the thread pool (open, write,
      // close) that starts now. Its first step, creating the inode (the costly one on a journaling disk), runs
      // while `more` keeps this thread busy; had the writes waited on folder promises, none would start before
      // `more` returned.
      const made = new Set<string>([staging]);
      const folder = (dir: string): void => {
        if (made.has(dir)) return;
        folder(dirname(dir));
        mkdirSync(dir);
        made.add(dir);
      };
      // chmod only where the umask would strip a bit of the planned mode: the mode is exact either way.
      const mask = process.umask();
      const write = (f: PlannedFile, dest = join(staging, f.path)): Promise<void> => {
        folder(dirname(dest)); // made already for plan.files; `more`'s may need one
        const written = done<void>((cb) => writeFile(dest, f.content, { mode: f.mode }, cb));
        return (f.mode & mask) === 0 ? written : written.then(() => done<void>((cb) => chmod(dest, f.mode, cb)));
      };
      const writes: Promise<void>[] = [];
      let more: readonly PlannedFile[] = [];
      try {
        // All folders before the first file: a mkdir here waits behind the pool's file creations in the same
        // folder otherwise (ext4 locks a directory while it adds an entry; seen blocking 12 ms).
        // Concatenated, not join()ed: planned paths are plain relative paths (plan/planned-path.ts), so the result is
        // the same, and create's few hundred join()s were enough for V8 to optimize path's normalizer with TurboFan
        // (a background compile competing with the writes for the second core).
        const dests = plan.files.map((f) => `${staging}/${f.path}`);
        for (const d of dests) folder(dirname(d));
        plan.files.forEach((f, i) => writes.push(write(f, dests[i])));
        inflight = Promise.allSettled(writes);
        more = 'more' in plan && plan.more ? plan.more() : [];
        for (const f of more) writes.push(write(f));
      } finally {
        inflight = Promise.allSettled(writes);
        const failed = (await inflight as PromiseSettledResult<unknown>[]).find((r) => r.status === 'rejected');
        if (failed) throw (failed as PromiseRejectedResult).reason;
      }
      if (finish) await finish(staging);
    };
    await Promise.race([work(), cancelled]);
    if (interrupted) await interrupted;
    // An empty target directory may exist (a non-empty one was refused earlier). Asked without a throw: Node's
    // error for an absent path cost create ~1 ms.
    try {
      if (onlyGit(abs)) {
        moveInto(staging, abs);
        return abs;
      }
      if (lstatSync(abs, { throwIfNoEntry: false })) rmdirSync(abs);
      renameSync(staging, abs);
    } catch (err) {
      // Checked empty at the start, filled since: another create at the same place won the race (measured: three
      // at once, two said 'ENOTEMPTY: directory not empty, rmdir …'). Its files are left as they are.
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'ENOTDIR' || code === 'EISDIR')
        throw new FailureError(`${target} was filled by something else while this run wrote the project (another create-pyservice there?); it is left as it is and nothing was written: choose a new or empty directory`);
      throw err;
    }
    return abs;
  } catch (err) {
    if (interrupted) await interrupted; // the interruption is the story, not the error of the git it stopped
    await inflight; // no write may land in the staging directory after it is removed
    cleanup();
    throw err;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}

/**
 * Moves the staged project into an empty clone, entry by entry, never over anything: a file by a hard link (EEXIST
 * if the name was taken meanwhile) and unlinking the staged name, a folder by renaming it over an empty folder made
 * for it (EEXIST likewise). A failure moves back what was moved, so the clone holds only its .git again.
 */
function moveInto(staging: string, target: string): void {
  const moved: string[] = [];
  const names = readdirSync(staging);
  // The journal first: a kill (SIGKILL, nothing runs after it) during the moves is undone by the next run
  writeFileSync(join(staging, MOVE_JOURNAL), names.map((n) => `${n}\n`).join('') + `${MOVE_JOURNAL}\n`, { mode: 0o600 });
  // PYSERVICE_TEST_WRITE_DELAY_MS (tests only, as update's writer honours it) pauses before each entry, so a test
  // can kill the run in the middle of the move
  const pauseMs = Number(process.env.PYSERVICE_TEST_WRITE_DELAY_MS ?? 0) || 0;
  try {
    for (const name of names) {
      if (pauseMs > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, pauseMs);
      const from = join(staging, name);
      const to = join(target, name);
      if (lstatSync(from).isDirectory()) {
        mkdirSync(to);
        renameSync(from, to);
      } else {
        linkSync(from, to);
        unlinkSync(from);
      }
      moved.push(name);
    }
    unlinkSync(join(staging, MOVE_JOURNAL));
    rmdirSync(staging);
  } catch (err) {
    for (const name of moved.reverse()) renameSync(join(target, name), join(staging, name));
    throw err;
  }
}

/** A Node callback call as a promise (fs/promises would load the stream stack for the sake of a few calls). */
function done<T>(call: (cb: (err: NodeJS.ErrnoException | null, value?: T) => void) => void): Promise<T> {
  return new Promise<T>((res, rej) => call((err, value) => (err ? rej(err) : res(value as T))));
}
