import { run, runOk } from '../exec/run.js';

/**
 * The git commands `pyservice update` needs, each a single spawn regardless of the repository's size:
 * unrelated files cost nothing but git's own stat of tracked files in `status`.
 */

/** Tracked files with changes (staged or not) anywhere in the repository; untracked files are not listed. */
export async function modifiedTrackedFiles(root: string): Promise<string[]> {
  const r = await runOk('git', ['status', '--porcelain=v1', '-z', '--untracked-files=no', '--', '.'], { cwd: root });
  const out: string[] = [];
  const recs = r.stdout.split('\0');
  for (let i = 0; i < recs.length; i++) {
    const rec = recs[i]!;
    if (rec.length < 4) continue;
    out.push(rec.slice(3));
    if (rec[0] === 'R' || rec[0] === 'C') i++; // the rename's source follows
  }
  return out;
}

/** Which of `paths` git tracks (exact paths, no globbing). */
export async function trackedAmong(root: string, paths: readonly string[]): Promise<Set<string>> {
  if (paths.length === 0) return new Set();
  const r = await runOk('git', ['--literal-pathspecs', 'ls-files', '-z', '--', ...paths], { cwd: root });
  return new Set(r.stdout.split('\0').filter(Boolean));
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
  await runOk('git', ['update-index', '--add', '--remove', '-z', '--stdin'], { cwd: root, input: paths.map((p) => p + '\0').join('') });
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
  const lines: string[] = [];
  for (const c of conflicts) {
    const zero = '0'.repeat(c.stages[0]?.oid.length ?? 40);
    lines.push(`0 ${zero}\t${c.path}`); // drop the stage-0 entry first
    for (const s of c.stages) lines.push(`${s.mode} ${s.oid} ${s.stage}\t${c.path}`);
  }
  await runOk('git', ['update-index', '-z', '--index-info'], { cwd: root, input: lines.map((l) => l + '\0').join('') });
}

/** `git config --get key`, '' when unset. */
export async function gitConfigValue(root: string, key: string): Promise<string> {
  const r = await run('git', ['config', '--get', key], { cwd: root });
  return r.exitCode === 0 ? r.stdout.trim() : '';
}
