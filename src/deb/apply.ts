import { lstatSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../apply/atomic.js';
import { unsafePathReason } from '../update/worktree.js';
import { writes, type DebAction, type ExistingFile } from './plan.js';

/** Reads a planned path from the project, or null when it is absent. Symlinks and directories are refused. */
export function readExisting(dir: string, path: string): ExistingFile | null {
  const abs = join(dir, path);
  let st;
  try {
    st = lstatSync(abs);
  } catch {
    return null;
  }
  if (!st.isFile()) throw new Error(`${path} exists but is not a regular file (a ${st.isSymbolicLink() ? 'symlink' : 'directory or special file'}); move it away or replace it by hand`);
  return { content: readFileSync(abs), mode: st.mode & 0o777 };
}

/**
 * Writes the actions that change something, one file at a time, each atomically (temp file + rename):
 * an interruption leaves every file either as it was or as planned. Never deletes anything.
 */
export function applyDebActions(dir: string, actions: readonly DebAction[]): string[] {
  const written: string[] = [];
  for (const a of writes(actions)) {
    // Checked again at write time: a parent swapped for a symlink since planning is not written through either.
    const unsafe = unsafePathReason(dir, a.path);
    if (unsafe) throw new Error(`${a.path} was not written: ${unsafe}`);
    const target = join(dir, a.path);
    mkdirSync(dirname(target), { recursive: true, mode: 0o755 });
    writeFileAtomic(target, a.content!, a.mode);
    written.push(a.path);
  }
  return written;
}
