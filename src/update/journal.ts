import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { writeFileAtomic } from '../apply/atomic.js';
import { sha256 } from './baseline.js';
import { findRepo, journalDir, realPath, type WriteTarget as Repo } from './worktree.js';

export { journalDir };

/**
 * The journal of an update in progress, kept in the git directory (never tracked, never "dirty"; outside git,
 * in the project's hidden .pyservice-update/, gone when the run ends):
 *   .git/pyservice-update/blobs/<sha256>   every byte string the update writes or stages
 *   .git/pyservice-update/journal.json     the steps, written last: its existence is the commit point
 * Each step records what the path held before, so a rerun after a kill can tell "not done yet" (still the old
 * content), "done" (already the new content) and "changed by someone since" (neither: left alone, reported).
 */
export interface JournalWrite {
  op: 'write';
  path: string;
  blob: string;
  mode: number;
  /** sha256 of what the path held before, or null when it did not exist. */
  before: string | null;
}
export interface JournalDelete {
  op: 'delete';
  path: string;
  before: string;
}
export type JournalOp = JournalWrite | JournalDelete;

export interface JournalConflict {
  path: string;
  stages: { stage: 1 | 2 | 3; mode: number; blob: string }[];
}

export interface Journal {
  version: 1;
  /** The command that planned it (absent: update); the rerun of either command finishes it. */
  command?: 'update' | 'deb';
  /**
   * The project's folder, relative to the top of its working tree ('' at the top; absent in journals written before
   * it was recorded). Every path below is relative to it; the journal lives in the git directory, which every
   * project of a monorepo shares, so a run in another project must not replay it there.
   */
  project?: string;
  from: string | null;
  to: string;
  startedAt: string;
  ops: JournalOp[];
  /** Paths whose working-tree state is staged at the end (clean results, deletions, record, baseline). */
  stage: string[];
  conflicts: JournalConflict[];
}

const journalFile = (repo: Repo) => join(journalDir(repo), 'journal.json');
export const blobFile = (repo: Repo, sha: string) => join(journalDir(repo), 'blobs', sha);

export function readJournal(repo: Repo): Journal | null {
  const file = journalFile(repo);
  if (!existsSync(file)) return null;
  const j = JSON.parse(readFileSync(file, 'utf8')) as Journal;
  if (j.version !== 1) throw new Error(`${file} is from another pyservice version (journal version ${j.version}); finish it with that version or remove it`);
  return j;
}

/** Leftovers of a journal that was being written or removed when the process died (no journal.json): not an update. */
export function removeJournalLeftovers(repo: Repo): void {
  if (!existsSync(journalFile(repo))) rmSync(journalDir(repo), { recursive: true, force: true });
}

export function writeJournal(repo: Repo, journal: Journal, blobs: ReadonlyMap<string, Buffer>): void {
  mkdirSync(join(journalDir(repo), 'blobs'), { recursive: true });
  for (const [sha, content] of blobs) if (!existsSync(blobFile(repo, sha))) writeFileAtomic(blobFile(repo, sha), content, 0o644);
  const project = projectInRepo(repo);
  writeFileAtomic(journalFile(repo), JSON.stringify(project === null ? journal : { ...journal, project }, null, 1) + '\n', 0o644);
}

/** The project's folder relative to the top of its working tree ('' at the top); null outside git (the journal is then in the project). */
export function projectInRepo(repo: Repo): string | null {
  if (repo.gitDir === null) return null;
  const top = findRepo(repo.root)?.root;
  return top === undefined ? null : relative(top, realPath(repo.root)).split('\\').join('/');
}

/**
 * The folder of the project whose interrupted run this journal holds, when it is another project of the same
 * working tree (a monorepo's other service): absolute, so the message can name where to finish it. Null when the
 * journal is this project's (or says nothing: written before the field existed).
 */
export function otherProjectOf(repo: Repo, journal: Journal): string | null {
  if (journal.project === undefined) return null;
  const here = projectInRepo(repo);
  if (here === null || here === journal.project) return null;
  const top = findRepo(repo.root)!.root;
  return journal.project === '' ? top : join(top, journal.project);
}

export function readBlob(repo: Repo, sha: string): Buffer {
  const content = readFileSync(blobFile(repo, sha));
  if (sha256(content) !== sha) throw new Error(`the interrupted update's copy of ${sha.slice(0, 12)} is damaged (${blobFile(repo, sha)})`);
  return content;
}

/** The journal file goes first: once it is gone the update is complete, whatever else is left. */
export function removeJournal(repo: Repo): void {
  rmSync(journalFile(repo), { force: true });
  rmSync(journalDir(repo), { recursive: true, force: true });
}
