import { lstatSync, realpathSync, type Stats } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';

/**
 * Why `dir` (inside `root`) is not a place only this user could have written to, or null. For caches whose
 * content runs as code (team template trees: ejs is JavaScript): with XDG_CACHE_HOME on a shared disk, another
 * user who can write a cache folder, or rename one of its parents, could plant a tree the next render runs.
 * Checked as ssh's StrictModes checks ~/.ssh: every folder from `root` down to `dir` is a real directory of
 * this user that no one else can write; every parent of `root` belongs to this user or root and, when others
 * can write it, is sticky (/tmp). Group-writable parents are allowed (user-private groups).
 */
export function privateDirProblem(dir: string, root: string): string | null {
  const uid = process.getuid?.();
  if (uid === undefined) return null;
  let realRoot: string;
  try {
    realRoot = realpathSync(root);
  } catch {
    return `${root} cannot be resolved`;
  }
  const above = foldersAboveProblem(realRoot, uid, '');
  if (above) return above;
  const rel = relative(root, dir);
  if (rel.startsWith('..')) return `${dir} is not inside ${root}`;
  let p = root;
  for (const part of ['', ...(rel ? rel.split(sep) : [])]) {
    if (part) p = join(p, part);
    let st: Stats;
    try {
      st = lstatSync(p);
    } catch {
      return null; // made by this run, 0700
    }
    if (p !== root && st.isSymbolicLink()) return `${p} is a symlink`;
    if (p === root && st.isSymbolicLink()) continue; // the root itself may be linked (checked through its real path above)
    if (!st.isDirectory()) return `${p} is not a directory`;
    if (st.uid !== uid) return `${p} belongs to another user (uid ${st.uid})`;
    if (st.mode & 0o022) return `${p} is writable by others (mode ${(st.mode & 0o777).toString(8)})`;
  }
  return null;
}

/**
 * Why a file that decides something of consequence (the team defaults: where the index password goes) could have
 * been written by someone other than this user or root, or null: the file (through its symlinks) belongs to another
 * user or others can write it, or a folder above it belongs to another user or is writable by every user without
 * being sticky (/tmp). Group-writable folders are allowed (user-private groups), as in privateDirProblem.
 */
export function othersCouldWrite(file: string): string | null {
  const uid = process.getuid?.();
  if (uid === undefined) return null;
  let real: string;
  try {
    real = realpathSync(file);
  } catch {
    return null; // missing: nothing to believe
  }
  const st = lstatSync(real);
  if (st.uid !== uid && st.uid !== 0) return `${real} belongs to another user (uid ${st.uid})`;
  if (st.mode & 0o022) return `others can write ${real} (mode ${(st.mode & 0o777).toString(8)})`;
  return foldersAboveProblem(real, uid, 'its folder ');
}

/**
 * The first folder above `path` (a real path) that someone other than this user or root could write: one that
 * belongs to another user, or that every user can write without the sticky bit (/tmp has it). Null when none.
 */
function foldersAboveProblem(path: string, uid: number, label: string): string | null {
  for (let p = dirname(path); ; p = dirname(p)) {
    const st = lstatSync(p);
    if (st.uid !== uid && st.uid !== 0) return `${label}${p} belongs to another user (uid ${st.uid})`;
    if (st.mode & 0o002 && !(st.mode & 0o1000)) return `${label}${p} is writable by every user`;
    if (p === dirname(p)) return null;
  }
}
