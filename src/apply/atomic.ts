import { crypto } from '../lazy.js';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync, chmodSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';

/** Temp name beside the target, so rename() stays on one filesystem and is atomic. */
export function siblingTempPath(target: string): string {
  return join(dirname(target), `.${basename(target)}.pyservice-${crypto().randomBytes(4).toString('hex')}.tmp`);
}

/**
 * Write a file atomically: temp file in the same directory, fsync, chmod, rename over the target.
 * `beforeRename` runs with the temp file complete (the update's kill test pauses there).
 */
export function writeFileAtomic(target: string, content: Buffer | string, mode = 0o644, beforeRename?: () => void): void {
  const tmp = siblingTempPath(target);
  try {
    const fd = openSync(tmp, 'wx', mode);
    try {
      const buf = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
      let off = 0;
      while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    chmodSync(tmp, mode);
    beforeRename?.();
    renameSync(tmp, target);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}
