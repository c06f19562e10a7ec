import { existsSync, lstatSync, readFileSync, readdirSync, realpathSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import type { Mode, OursState } from '../types.js';
import { plannedPathProblem } from '../plan/planned-path.js';
import { shown } from '../secrets/redact.js';

/** A git repository: its top directory and its git directory (worktrees have a `.git` file). */
export interface Repo {
  root: string;
  gitDir: string;
}

/**
 * Where the writer (update, deb) writes: the project directory, and the git directory of its repository, which
 * holds the journal and the lock and whose index records the result. Null for a project outside git (`pyservice
 * deb` on a plain directory): the journal and the lock are then hidden in the project, and nothing is staged.
 */
export interface WriteTarget {
  root: string;
  gitDir: string | null;
}

/** Where the writer keeps the journal of a run in progress (see journal.ts). */
export function journalDir(at: WriteTarget): string {
  return at.gitDir ? join(at.gitDir, 'pyservice-update') : join(at.root, '.pyservice-update');
}

/**
 * A path with its symlinks resolved, as git resolves its working directory; a part that does not exist yet (create's
 * new project) is kept as written below its nearest existing parent.
 */
export function realPath(path: string): string {
  const abs = resolve(path);
  try {
    return realpathSync(abs);
  } catch {
    const up = dirname(abs);
    return up === abs ? abs : join(realPath(up), basename(abs));
  }
}

/**
 * Walks up from `start`, its symlinks resolved, to the first directory with `.git`; null when there is none. Reads
 * the disk, spawns nothing. From the real path because git works there: a project reached through a symlink in
 * another repository (or outside any) is in the repository that holds its files. Walking up the symlink's path
 * found the other repository, whose index then got the link's path ('git update-index: Unable to process path
 * lnk/debian/changelog', after every file was written).
 */
export function findRepo(start: string): Repo | null {
  let dir = realPath(start);
  for (;;) {
    const dotGit = join(dir, '.git');
    let st;
    try {
      st = statSync(dotGit);
    } catch {
      st = undefined;
    }
    if (st?.isDirectory()) return { root: dir, gitDir: dotGit };
    if (st?.isFile()) {
      const m = /^gitdir:\s*(.+?)\s*$/m.exec(readFileSync(dotGit, 'utf8'));
      if (m) return { root: dir, gitDir: resolve(dir, m[1]!) };
    }
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

/**
 * Why the repository's git directory cannot be used, or null: a `.git` file (a linked worktree, a submodule) that
 * names a folder that is not there, as after its main repository was moved or removed. Measured: update and deb
 * stopped with 'ENOENT: no such file or directory, open …/pyservice-update.lock' (exit 1).
 */
export function gitDirProblem(repo: Repo, command: string): string | null {
  try {
    if (statSync(repo.gitDir).isDirectory()) return null;
  } catch {
    /* missing */
  }
  return `${shown(join(repo.root, '.git'))} names the git directory ${shown(repo.gitDir)}, which is not there (a worktree or submodule whose repository was moved or removed); repair it (git worktree repair, from the main repository) or run ${command} in a working clone`;
}

/**
 * Why a project-relative path must not be written, or null when it may be: it must stay inside the repository,
 * never enter `.git`, and every existing parent must be a real directory (a symlinked parent would let a write
 * land outside the repository — "never written through").
 */
export function unsafePathReason(root: string, path: string): string | null {
  const syntax = plannedPathProblem(path) ?? (isAbsolute(path) ? `the path ${JSON.stringify(path)} is not a plain relative path` : null);
  if (syntax) return syntax;
  const parts = path.split('/');
  let dir = root;
  for (const part of parts.slice(0, -1)) {
    dir = join(dir, part);
    let st;
    try {
      st = lstatSync(dir);
    } catch {
      return null; // missing from here on: created as real directories
    }
    if (st.isSymbolicLink()) return `its parent ${dir.slice(root.length + 1)} is a symlink; never written through`;
    if (!st.isDirectory()) return `its parent ${dir.slice(root.length + 1)} is not a directory`;
  }
  return null;
}

export function readOurs(root: string, path: string): OursState {
  const unsafe = unsafePathReason(root, path);
  if (unsafe) return { kind: 'blocked', reason: unsafe };
  const abs = join(root, path);
  let st;
  try {
    st = lstatSync(abs);
  } catch {
    return { kind: 'missing' };
  }
  if (st.isSymbolicLink()) return { kind: 'symlink' };
  if (!st.isFile()) return { kind: 'not-file', what: st.isDirectory() ? 'a directory' : 'not a regular file' };
  return { kind: 'file', content: readFileSync(abs), mode: (st.mode & 0o111 ? 0o755 : 0o644) as Mode };
}

/** Removes temp files an interrupted atomic write left beside `path` (named by apply/atomic.ts's siblingTempPath). */
export function removeStaleTemps(root: string, path: string): void {
  const dir = join(root, dirname(path));
  if (!existsSync(dir)) return;
  const prefix = `.${basename(path)}.pyservice-`;
  for (const name of readdirSync(dir)) {
    if (name.startsWith(prefix) && /^[0-9a-f]{8}\.tmp$/.test(name.slice(prefix.length))) rmSync(join(dir, name), { force: true });
  }
}

/** git's own operations that stop half-way, by the file each leaves in the git directory, and how to end them. */
const IN_PROGRESS: readonly { file: string; what: string; end: string }[] = [
  { file: 'rebase-merge', what: 'a rebase', end: 'git rebase --continue, or git rebase --abort' },
  { file: 'rebase-apply', what: 'a rebase or git am', end: 'git rebase --continue (git am --continue), or --abort' },
  { file: 'MERGE_HEAD', what: 'a merge', end: 'resolve and git commit, or git merge --abort' },
  { file: 'CHERRY_PICK_HEAD', what: 'a cherry-pick', end: 'git cherry-pick --continue, or git cherry-pick --abort' },
  { file: 'REVERT_HEAD', what: 'a revert', end: 'git revert --continue, or git revert --abort' },
  // several commits picked or reverted, one conflict resolved and committed: the rest wait (no *_HEAD left)
  { file: 'sequencer', what: 'a cherry-pick or revert of several commits', end: 'git cherry-pick --continue (git revert --continue), or --abort' },
  // HEAD is whatever commit bisect is testing: written there, a template change lands on that old commit
  { file: 'BISECT_START', what: 'a bisect', end: 'git bisect reset' },
];

/**
 * Why nothing may be written now, or null: git is in the middle of a merge, rebase, cherry-pick, revert or bisect in this
 * working tree. Written then, a template change would be folded into that operation's commit (or lost by its
 * --abort), and its conflict stages mixed with the operation's own; git's merge refuses the same way.
 */
export function operationInProgress(gitDir: string, command: string): string | null {
  for (const op of IN_PROGRESS)
    if (existsSync(join(gitDir, op.file)))
      return `${op.what} is in progress in this repository (${op.file} in its git directory); finish it (${op.end}), then run ${command} again`;
  return null;
}
