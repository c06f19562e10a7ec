import { relative } from 'node:path';
import { run, runOk } from '../exec/run.js';
import { findRepo, realPath } from './worktree.js';
import { shown } from '../secrets/redact.js';

/**
 * The git commands `pyservice update` needs, each a single spawn regardless of the repository's size:
 * unrelated files cost nothing but git's own stat of tracked files in `status`.
 *
 * Paths in and out are relative to the project directory, which may be a subdirectory of the repository (a
 * monorepo). git's index speaks in paths relative to the repository's top, and not every command applies the
 * current directory as a prefix (`update-index --index-info` does not; `status --porcelain` prints top-relative
 * paths): so every command here runs at the top, with paths translated both ways by `at()`.
 */
export interface GitPlace {
  /** The repository's top directory (where .git is). */
  top: string;
  /** The project directory relative to the top, with a trailing slash, or '' at the top. */
  prefix: string;
}

export function gitPlace(projectDir: string): GitPlace {
  const repo = findRepo(projectDir);
  if (!repo) throw new Error(`${projectDir} is not inside a git repository`);
  // Both real paths: findRepo's root has its symlinks resolved
  const rel = relative(repo.root, realPath(projectDir)).split('\\').join('/');
  return { top: repo.root, prefix: rel === '' ? '' : `${rel}/` };
}

/** Top-relative path of a project path, and back (null for a path outside the project). */
const toTop = (g: GitPlace, path: string) => g.prefix + path;
const fromTop = (g: GitPlace, path: string) => (path.startsWith(g.prefix) ? path.slice(g.prefix.length) : null);

/**
 * Why git refuses to work in the repository at `root`, or null when it does not: asked before anything is written,
 * since a writer that stages its files finds out only after writing them. Measured: a project unpacked as root
 * from an upstream tarball keeps the tarball's uid (Docker and CI checkouts owned by another user likewise), and
 * git then fails every command with "detected dubious ownership".
 */
export async function gitRefusal(root: string): Promise<string | null> {
  const r = await run('git', ['rev-parse', '--git-dir', '--show-toplevel'], { cwd: root, timeoutMs: 20_000 });
  if (r.exitCode === 0) return workTreeElsewhere(root, r.stdout.split('\n')[1] ?? '');
  const why = (r.stderr.split('\n').find((l) => l.startsWith('fatal:')) ?? r.stderr.trim().split('\n')[0] ?? `exit ${r.exitCode}`).replace(/^fatal:\s*/, '');
  return /dubious ownership/.test(why)
    ? `git refuses the repository (${why}): it belongs to another user; run as its owner, or trust it with git config --global --add safe.directory ${shown(root)}`
    : `git cannot use the repository (${why})`;
}

/**
 * Why git's work tree is not the folder that holds the project, or null: a repository whose config sets
 * `core.worktree` to another folder has git compare its index with that folder. Measured: `update --allow-dirty`
 * in such a clone wrote its files here and staged every tracked file as deleted (git found none of them there).
 */
function workTreeElsewhere(root: string, gitTop: string): string | null {
  const top = findRepo(root)?.root;
  if (!gitTop || !top || realPath(gitTop) === top) return null;
  return `git's work tree for this repository is ${shown(gitTop)} (core.worktree in its config), not ${shown(top)} where the project is, so git would record the project's files as deleted; unset it (git -C ${shown(top)} config --unset core.worktree) or run where the work tree is`;
}

/** The project's paths left unmerged in git's index (an update's conflicts not yet resolved), project-relative, sorted. */
export async function unmergedPaths(root: string): Promise<string[]> {
  const g = gitPlace(root);
  const r = await runOk('git', ['--literal-pathspecs', 'ls-files', '--unmerged', '-z', '--full-name', '--', g.prefix || '.'], { cwd: g.top });
  const paths = r.stdout.split('\0').filter(Boolean).map((l) => fromTop(g, l.slice(l.indexOf('\t') + 1)));
  return [...new Set(paths.filter((p): p is string => p !== null))].sort();
}

/** One line: the project's files an earlier update left unmerged, and how to finish. */
export function unresolvedMessage(paths: readonly string[]): string {
  const shownPaths = paths.slice(0, 5).join(', ') + (paths.length > 5 ? ` and ${paths.length - 5} more` : '');
  return `${paths.length} file(s) still have unresolved conflicts in git's index (${shownPaths}): resolve each (look for <<<<<<< markers), then git add it and commit`;
}

/** Tracked files with changes (staged or not) in the project; untracked files are not listed. Writes nothing (no index refresh). */
export async function modifiedTrackedFiles(root: string): Promise<string[]> {
  const g = gitPlace(root);
  const r = await runOk('git', ['--no-optional-locks', '--literal-pathspecs', 'status', '--porcelain=v1', '-z', '--untracked-files=no', '--', g.prefix || '.'], { cwd: g.top });
  const out: string[] = [];
  const recs = r.stdout.split('\0');
  for (let i = 0; i < recs.length; i++) {
    const rec = recs[i]!;
    if (rec.length < 4) continue;
    const path = fromTop(g, rec.slice(3));
    if (path !== null) out.push(path);
    if (rec[0] === 'R' || rec[0] === 'C') i++; // the rename's source follows
  }
  return out;
}

/**
 * Which of `paths` git tracks (exact paths, no globbing), and which of those a sparse checkout keeps out of the
 * working tree (skip-worktree: `git ls-files -t` tags them S): absent from the disk, yet not deleted.
 */
export async function trackedAmong(root: string, paths: readonly string[]): Promise<{ tracked: Set<string>; sparse: Set<string> }> {
  const tracked = new Set<string>();
  const sparse = new Set<string>();
  if (paths.length === 0) return { tracked, sparse };
  const g = gitPlace(root);
  const r = await runOk('git', ['--literal-pathspecs', 'ls-files', '-t', '-z', '--full-name', '--', ...paths.map((p) => toTop(g, p))], { cwd: g.top });
  for (const entry of r.stdout.split('\0')) {
    if (entry.length < 3) continue;
    const p = fromTop(g, entry.slice(2));
    if (p === null) continue;
    tracked.add(p);
    if (entry[0] === 'S') sparse.add(p);
  }
  return { tracked, sparse };
}

/** Writes files into git's object store as blobs, byte for byte (no filters); returns their object ids. */
export async function hashBlobs(root: string, files: readonly string[]): Promise<string[]> {
  if (files.length === 0) return [];
  const r = await runOk('git', ['hash-object', '-w', '--no-filters', '--stdin-paths'], { cwd: root, input: files.join('\n') + '\n' });
  const ids = r.stdout.split('\n').filter(Boolean);
  if (ids.length !== files.length) throw new Error(`git hash-object returned ${ids.length} ids for ${files.length} files`);
  return ids;
}

/** Stages the working tree's version of `paths` (adds new files, drops deleted ones), as `git add -A -- paths`. */
export async function stagePaths(root: string, paths: readonly string[]): Promise<void> {
  if (paths.length === 0) return;
  const g = gitPlace(root);
  await runOk('git', ['update-index', '--add', '--remove', '-z', '--stdin'], { cwd: g.top, input: paths.map((p) => toTop(g, p) + '\0').join('') });
}

export interface StageEntry {
  stage: 1 | 2 | 3;
  mode: string;
  oid: string;
}

/**
 * Leaves `path` unmerged in the index with the given stages, as `git merge` does for a conflict, so `git status`,
 * IDEs and `git mergetool` show it and `git commit` refuses until it is resolved.
 */
export async function setConflictStages(root: string, conflicts: readonly { path: string; stages: StageEntry[] }[]): Promise<void> {
  if (conflicts.length === 0) return;
  const g = gitPlace(root);
  const lines: string[] = [];
  for (const c of conflicts) {
    const zero = '0'.repeat(c.stages[0]?.oid.length ?? 40);
    const path = toTop(g, c.path); // --index-info takes paths from the top, whatever the current directory
    lines.push(`0 ${zero}\t${path}`); // drop the stage-0 entry first
    for (const s of c.stages) lines.push(`${s.mode} ${s.oid} ${s.stage}\t${path}`);
  }
  await runOk('git', ['update-index', '-z', '--index-info'], { cwd: g.top, input: lines.map((l) => l + '\0').join('') });
}

