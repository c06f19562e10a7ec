import { closeSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { processAlive } from '../exec/process-alive.js';

/**
 * A lock file (O_EXCL create) that a run waits on: the template cache's folder, and a logins file (`~/.netrc`)
 * while it is read, merged and replaced. It names its holder (`PID HOST START`, START being the process's start
 * time in clock ticks since boot, from /proc), so a lock left behind is told from a live one:
 * - on this host, its process is gone, or the pid now belongs to another process (a container's pids repeat from
 *   run to run: the next run was often given the same pid, and waited on its own number);
 * - on another host (a home folder on NFS), it cannot be asked: waited on until `staleMs`, and named in the error;
 * - a run stopped by Ctrl-C, SIGTERM or SIGHUP removes the locks it holds before the signal ends it.
 */
export interface LockOptions {
  timeoutMs?: number;
  staleMs?: number;
  /** The message when the lock stays taken past the timeout (the holder is appended). */
  busy?: string;
}

export function withLock<T>(file: string, fn: () => T, opts: LockOptions = {}): T {
  const release = acquireLock(file, opts);
  try {
    return fn();
  } finally {
    release();
  }
}

/** Takes the lock file (waiting for another owner, taking over a stale one); returns its release. */
export function acquireLock(file: string, opts: LockOptions = {}): () => void {
  const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
  const staleMs = opts.staleMs ?? 10 * 60_000;
  for (;;) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      try {
        writeSync(fd, `${ME}\n`);
      } catch (err) {
        // A full disk: an empty lock names no owner, so every run after this one waited its 2 minutes for it
        closeSync(fd);
        rmSync(file, { force: true });
        throw err;
      }
      closeSync(fd);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = liveHolder(file, staleMs);
      if (holder === null) {
        rmSync(file, { force: true });
        continue;
      }
      if (Date.now() > deadline) {
        const base = opts.busy ?? `the template cache is locked by another run (${file}); wait for it, or remove the file if no create-pyservice is running`;
        throw new Error(holder ? `${base} (held by ${holder})` : base);
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
    }
  }
  held.add(file);
  watchSignals();
  return () => {
    held.delete(file);
    rmSync(file, { force: true });
  };
}

/** This process's start time, in clock ticks since boot (field 22 of /proc/PID/stat); '' where there is no /proc. */
function startTime(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name (field 2) may hold blanks and parentheses: count from the last ')'
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? '';
  } catch {
    return '';
  }
}

const ME = `${process.pid} ${hostname()} ${startTime(process.pid)}`.trimEnd();

/**
 * Who holds the lock while it is held ('pid N on HOST', or '' for a run that is writing its pid now), or null
 * when it is free or stale (its holder gone).
 */
function liveHolder(file: string, staleMs: number): string | null {
  let text: string;
  let age: number;
  try {
    text = readFileSync(file, 'utf8');
    age = Date.now() - statSync(file).mtimeMs;
  } catch {
    return ''; // the owner just released it (or is writing its pid): try again
  }
  if (age > staleMs) return null;
  const [pidText, host, start] = text.trim().split(' ');
  const pid = Number(pidText);
  // No pid after 5 s: its run died between making and writing it (or its disk was full), not one starting now
  if (!Number.isInteger(pid) || pid <= 0) return age > 5000 ? null : '';
  if (host && host !== hostname()) return `pid ${pid} on ${host}`;
  if (!processAlive(pid)) return null;
  // The pid is alive: the holder only if it is the same process (a lock of an earlier version names no start time)
  if (start && startTime(pid) !== '' && startTime(pid) !== start) return null;
  return `pid ${pid}`;
}

/** The lock files this process holds, removed when a stop signal or an exit ends it. */
const held = new Set<string>();
let watching = false;

/**
 * On SIGINT, SIGTERM or SIGHUP the held locks are removed first. The listener is marked passive: it does not
 * count as "someone handles this signal" for the other listeners (src/exec/run.ts stops its children and then
 * lets the signal end the process; create's staging handles it itself). When it is the last listener left, it
 * lets the signal take its default course (exit status 128+n), as without it.
 */
function watchSignals(): void {
  if (watching) return;
  watching = true;
  process.once('exit', releaseAll);
  const onSignal = (sig: NodeJS.Signals) => {
    releaseAll();
    if (process.listeners(sig).some((l) => l !== onSignal && !(l as { passive?: boolean }).passive)) return;
    for (const s of SIGNALS) process.removeListener(s, onSignal);
    process.kill(process.pid, sig);
  };
  (onSignal as { passive?: boolean }).passive = true;
  for (const s of SIGNALS) process.on(s, onSignal);
}
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

function releaseAll(): void {
  for (const f of held) rmSync(f, { force: true });
  held.clear();
}
