import { crypto } from '../lazy.js';
import { closeSync, fchownSync, fsyncSync, lstatSync, openSync, renameSync, rmSync, writeSync, chmodSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';

/** Temp name beside the target, so rename() stays on one filesystem and is atomic. */
export function siblingTempPath(target: string): string {
  return join(dirname(target), `.${basename(target)}.pyservice-${crypto().randomBytes(4).toString('hex')}.tmp`);
}

/**
 * Write a file atomically: temp file in the same directory, fsync, chmod, rename over the target.
 * A file it replaces keeps its owner and group where this process may give them (root: `sudo pyservice login`
 * with the user's HOME made the user's ~/.netrc root's, 0600, so the user's pip could read none of its logins,
 * and a project file rewritten under sudo became root's); otherwise the new file is this user's, as before.
 * `beforeRename` runs with the temp file complete (the update's kill test pauses there).
 */
export function writeFileAtomic(target: string, content: Buffer | string, mode = 0o644, beforeRename?: () => void): void {
  const tmp = siblingTempPath(target);
  let owner: { uid: number; gid: number } | undefined;
  try {
    const st = lstatSync(target);
    if (st.isFile() && (st.uid !== process.getuid?.() || st.gid !== process.getgid?.())) owner = { uid: st.uid, gid: st.gid };
  } catch {
    /* a new file */
  }
  try {
    const fd = openSync(tmp, 'wx', mode);
    try {
      const buf = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
      let off = 0;
      while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
      if (owner)
        try {
          fchownSync(fd, owner.uid, owner.gid);
        } catch {
          /* not ours to give (EPERM): the file becomes this user's */
        }
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
