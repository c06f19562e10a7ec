import { closeSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { processAlive } from '../exec/process-alive.js';

/**
 * A per-directory lock file (O_EXCL create) so two runs filling the same template cache do not interleave.
 * A lock whose owner process is gone, or that is older than `staleMs`, is taken over.
 */
export function withLock<T>(file: string, fn: () => T, opts: LockOptions = {}): T {
  const release = acquireLock(file, opts);
  try {
    return fn();
  } finally {
    release();
  }
}

export interface LockOptions {
  timeoutMs?: number;
  staleMs?: number;
  /** The message when the lock stays taken past the timeout. */
  busy?: string;
}

/** Takes the lock file (waiting for another owner, taking over a stale one); returns its release. */
export function acquireLock(file: string, opts: LockOptions = {}): () => void {
  const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
  const staleMs = opts.staleMs ?? 10 * 60_000;
  for (;;) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      try {
        writeSync(fd, `${process.pid}\n`);
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
      if (isStale(file, staleMs)) {
        rmSync(file, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(opts.busy ?? `the template cache is locked by another run (${file}); wait for it, or remove the file if no create-pyservice is running`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
    }
  }
  return () => rmSync(file, { force: true });
}

function isStale(file: string, staleMs: number): boolean {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    const age = Date.now() - statSync(file).mtimeMs;
    if (age > staleMs) return true;
    // No pid after 5 s: its run died between making and writing it (or its disk was full), not one starting now
    if (!Number.isInteger(pid) || pid <= 0) return age > 5000;
    return !processAlive(pid);
  } catch {
    return false; // the owner just released it (or is writing its pid): try again
  }
}
