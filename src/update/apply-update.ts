import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmdirSync, rmSync, unlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../apply/atomic.js';
import { BASELINE_FILE, sha256 } from './baseline.js';
import { RECORD_FILE } from '../plan/file-plan.js';
import { hashBlobs, setConflictStages, stagePaths } from './git-ops.js';
import { blobFile, readBlob, removeJournal, writeJournal, type Journal, type JournalConflict, type JournalOp } from './journal.js';
import type { FileAction } from '../types.js';
import { FailureError, UsageError } from '../errors.js';
import { pendingActions, type RunPlan } from './plan-run.js';
import { operationInProgress, removeStaleTemps, unsafePathReason, type WriteTarget as Repo } from './worktree.js';

/**
 * The one writer of `pyservice update` and `pyservice deb`: journal first, then one atomic write (or delete) per
 * file, then git's index. A kill at any moment leaves every file old or new, never torn; the rerun replays the
 * journal.
 */

/** Writes a plan (see plan-run.ts): its journal, then the files, then git's index. */
export async function applyRunPlan(repo: Repo, plan: RunPlan, now: Date, env: NodeJS.ProcessEnv = process.env): Promise<ApplyReport> {
  const busy = repo.gitDir ? operationInProgress(repo.gitDir, `pyservice ${plan.command}`) : null;
  if (busy) throw new UsageError(busy);
  const { journal, blobs } = journalFor(pendingActions(plan), plan.toolFiles.filter((f) => f.changed), plan.from, plan.to, now, plan.command);
  // git's index is updated last: when another git holds it now (an editor's status refresh, a hook, or a lock a
  // killed git left), say so before any file is written, not after all of them
  const lock = repo.gitDir === null ? null : join(repo.gitDir, 'index.lock');
  if (lock && existsSync(lock))
    throw new IndexLockedError(
      `git's index is locked (${lock} exists): another git command is running, or an interrupted one left it; wait for it (or remove the file if no git is running) and rerun \`pyservice ${plan.command ?? 'update'}\`; nothing was written`,
    );
  startJournal(repo, journal, blobs);
  return runJournal(repo, journal, env);
}

/** The journal for a plan, plus the bytes it refers to. `tail` are the tool's own files (baseline, record), written last. */
export function journalFor(
  actions: readonly FileAction[],
  tail: readonly { path: string; content: Buffer; before: Buffer | null }[],
  from: string | null,
  to: string,
  now: Date,
  command: 'update' | 'deb' = 'update',
): { journal: Journal; blobs: Map<string, Buffer> } {
  const blobs = new Map<string, Buffer>();
  const keep = (b: Buffer) => {
    const sha = sha256(b);
    blobs.set(sha, b);
    return sha;
  };
  const hashOf = (b: Buffer | null) => (b === null ? null : sha256(b));
  const ops: JournalOp[] = [];
  const stage: string[] = [];
  const conflicts: JournalConflict[] = [];
  for (const a of actions) {
    if (a.write) ops.push({ op: 'write', path: a.path, blob: keep(a.write.content), mode: a.write.mode, before: hashOf(a.before) });
    if (a.rej) ops.push({ op: 'write', path: a.rej.path, blob: keep(a.rej.content), mode: 0o644, before: null });
    for (const r of a.remove ?? []) {
      ops.push({ op: 'delete', path: r.path, before: sha256(r.before) });
      stage.push(r.path);
    }
    if (a.stages) {
      const s = a.stages;
      conflicts.push({
        path: a.path,
        stages: [
          ...(s.base ? [{ stage: 1 as const, mode: s.base.mode, blob: keep(s.base.content) }] : []),
          { stage: 2 as const, mode: s.ours.mode, blob: keep(s.ours.content) },
          { stage: 3 as const, mode: s.theirs.mode, blob: keep(s.theirs.content) },
        ],
      });
    } else if (a.write) stage.push(a.path);
  }
  for (const f of tail) {
    ops.push({ op: 'write', path: f.path, blob: keep(f.content), mode: 0o644, before: hashOf(f.before) });
    stage.push(f.path);
  }
  return { journal: { version: 1, ...(command === 'update' ? {} : { command }), from, to, startedAt: now.toISOString(), ops, stage, conflicts }, blobs };
}

export class IndexLockedError extends FailureError {}

export interface ApplyReport {
  /** Paths left alone because they changed after the interrupted update planned them. */
  changedSince: string[];
  /**
   * The record and baseline were not advanced because a planned file was left alone: the template's change to
   * it is still to come, so the next update merges it again (and `check` still says behind).
   */
  heldBack: boolean;
}

/** The tool's own files, written last: they say the update happened. */
const TOOL_FILES = new Set([BASELINE_FILE, RECORD_FILE]);

/**
 * Carries out a journal (a fresh one or one an interrupted run left). Every step is idempotent.
 * PYSERVICE_TEST_WRITE_DELAY_MS (tests only) pauses before each step and inside each write, between the temp
 * file and the rename, so the kill test can land its SIGKILL anywhere.
 */
export async function runJournal(repo: Repo, journal: Journal, env: NodeJS.ProcessEnv = process.env): Promise<ApplyReport> {
  const pauseMs = Number(env.PYSERVICE_TEST_WRITE_DELAY_MS ?? 0) || 0;
  const changedSince: string[] = [];
  let heldBack = false;
  for (const op of journal.ops) {
    if (TOOL_FILES.has(op.path) && changedSince.length > 0 && !heldBack) {
      // Tail ops come last. A file whose update was skipped has not received the template's change: advancing
      // the record and baseline would lose that change for good. Unless they were written before the stop.
      const now = currentHash(join(repo.root, op.path));
      heldBack = !(op.op === 'write' && now.kind === 'file' && now.sha === op.blob);
    }
    if (heldBack && TOOL_FILES.has(op.path)) continue;
    pause(pauseMs);
    removeStaleTemps(repo.root, op.path);
    const abs = join(repo.root, op.path);
    const now = currentHash(abs);
    if (op.op === 'write') {
      if (now.kind === 'file' && now.sha === op.blob) {
        if (now.mode !== op.mode) chmodSync(abs, op.mode);
        continue;
      }
      const untouched = op.before === null ? now.kind === 'missing' : now.kind === 'file' && now.sha === op.before;
      const unsafe = unsafePathReason(repo.root, op.path);
      if (!untouched || unsafe) {
        changedSince.push(op.path);
        continue;
      }
      mkdirSync(dirname(abs), { recursive: true });
      writeAtomic(abs, readBlob(repo, op.blob), op.mode, pauseMs);
    } else {
      if (now.kind === 'missing') continue;
      if (now.kind !== 'file' || now.sha !== op.before || unsafePathReason(repo.root, op.path)) {
        changedSince.push(op.path);
        continue;
      }
      unlinkSync(abs);
      removeEmptyParents(repo.root, op.path);
    }
  }
  pause(pauseMs);
  if (repo.gitDir === null) {
    removeJournal(repo); // outside git: the files are the whole result
    return { changedSince, heldBack };
  }
  if (existsSync(join(repo.gitDir, 'index.lock')))
    throw new IndexLockedError(
      `git's index is locked (${join(repo.gitDir, 'index.lock')} exists). If no git command is running, it was left by an interrupted one: ` +
        `remove it and rerun \`pyservice ${journal.command ?? 'update'}\` to finish (the files are already written; only git's index is left to update).`,
    );
  const skip = new Set([...changedSince, ...(heldBack ? TOOL_FILES : [])]);
  await stagePaths(repo.root, journal.stage.filter((p) => !skip.has(p)));
  const conflicts = journal.conflicts.filter((c) => !skip.has(c.path));
  const blobs = [...new Set(conflicts.flatMap((c) => c.stages.map((s) => s.blob)))];
  const oids = new Map(blobs.map((b, i) => [b, i]));
  const ids = await hashBlobs(repo.root, blobs.map((b) => blobFile(repo, b)));
  await setConflictStages(
    repo.root,
    conflicts.map((c) => ({ path: c.path, stages: c.stages.map((s) => ({ stage: s.stage, mode: s.mode === 0o755 ? '100755' : '100644', oid: ids[oids.get(s.blob)!]! })) })),
  );
  pause(pauseMs);
  removeJournal(repo);
  return { changedSince, heldBack };
}

export function startJournal(repo: Repo, journal: Journal, blobs: ReadonlyMap<string, Buffer>): void {
  writeJournal(repo, journal, blobs);
}

function currentHash(abs: string): { kind: 'missing' } | { kind: 'other' } | { kind: 'file'; sha: string; mode: number } {
  let st;
  try {
    st = lstatSync(abs);
  } catch {
    return { kind: 'missing' };
  }
  if (!st.isFile()) return { kind: 'other' };
  return { kind: 'file', sha: sha256(readFileSync(abs)), mode: st.mode & 0o111 ? 0o755 : 0o644 };
}

/** Temp file beside the target, fsync, chmod, rename: the target is old or new, never torn. */
function writeAtomic(target: string, content: Buffer, mode: number, pauseMs: number): void {
  writeFileAtomic(target, content, mode, () => pause(pauseMs));
}

/** A removed file's directories go too when it leaves them empty (git does not keep empty directories). */
function removeEmptyParents(root: string, path: string): void {
  let dir = dirname(path);
  while (dir !== '.' && dir !== '') {
    const abs = join(root, dir);
    try {
      if (readdirSync(abs).length > 0) return;
      rmdirSync(abs);
    } catch {
      return;
    }
    dir = dirname(dir);
  }
}

function pause(ms: number): void {
  if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
