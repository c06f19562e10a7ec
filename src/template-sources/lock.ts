import { closeSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { processAlive } from '../exec/process-alive.js';

/**
 * A per-directory lock file (O_EXCL create) so two runs filling the same template cache do not interleave.
 * A lock whose owner process is gone, or that is older than `staleMs`, is taken over.
 */
export function withLock<T>(file: string, fn: () => T, opts: { timeoutMs?: number; staleMs?: number } = {}): T {
  const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
  const staleMs = opts.staleMs ?? 10 * 60_000;
  for (;;) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (isStale(file, staleMs)) {
        rmSync(file, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`the template cache is locked by another run (${file}); wait for it, or remove the file if no create-pyservice is running`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(file, { force: true });
  }
}

function isStale(file: string, staleMs: number): boolean {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    if (Date.now() - statSync(file).mtimeMs > staleMs) return true;
    if (!Number.isInteger(pid) || pid <= 0) return false;
    return !processAlive(pid);
  } catch {
    return false; // the owner just released it (or is writing its pid): try again
  }
}
