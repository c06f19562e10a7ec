import { existsSync } from 'node:fs';
import { shellWord } from '../escape/escapers.js';
import { join, relative } from 'node:path';
import { unreadPipelineWarning } from '../ci/providers.js';
import type { Output } from '../types.js';
import { UsageError } from '../errors.js';
import { BASELINE_FILE, RECORD_FILE } from '../plan/tool-files.js';
import type { PlanJson } from './format.js';
import type { UpdateRequest } from '../types.js';
import type { UpdateHooks } from './gather.js';
import type { RunPlan, RunPlanInput } from './plan-run.js';
import { acquireUpdateLock, refuseIfLocked } from './lock.js';
import type { FileAction } from '../types.js';
import { isPlain, noOpInputs, settleNoOp, verdictContent, verdictPath } from './fast-path.js';
import { findProjectDir } from './project.js';
import { findRepo, gitDirProblem, journalDir, operationInProgress, realPath, type Repo, type WriteTarget } from './worktree.js';

export type { UpdateHooks } from './gather.js';
export type { UpdateRequest };

/**
 * `pyservice update` as a library call: gather (gather.ts: record, versions, answers, render, baseline, working
 * tree, git) → plan (plan-run.ts, pure: one object) → show it (--dry-run, --diff, --json) or apply it
 * (apply-update.ts: journal, atomic writes, git's index). All terminal I/O goes through `out`; questions through
 * the request's asker. The template engine, the merge and the writer load only when the fast path (a plain run
 * with nothing to do: fast-path.ts) does not settle it.
 */
export interface UpdateResult {
  status: 'up-to-date' | 'planned' | 'updated' | 'resumed' | 'pending';
  from: string | null;
  to: string;
  actions: FileAction[];
  plan?: PlanJson;
  changedSince?: string[];
  /** Paths this run left unmerged in git's index (conflicts to resolve); empty when it wrote nothing. */
  conflicts: string[];
}

/**
 * One update per repository at a time (update/lock.ts): a run that writes takes the lock; --dry-run, --diff and
 * --json take nothing (they write nothing) but refuse while a live update holds it.
 */
export async function runUpdate(req: UpdateRequest, out: Output, hooks: UpdateHooks = {}): Promise<UpdateResult> {
  const writesNothing = req.dryRun || req.diff || req.json;
  // 0. Nothing to do, known without rendering (fast-path.ts)
  const settled = settleNoOp(req, out, hooks);
  if (settled) return settled;
  const git = findRepo(req.dir ?? process.cwd());
  if (!git) return runUpdateLocked(req, out, hooks);
  const broken = gitDirProblem(git, 'pyservice update');
  if (broken) throw new UsageError(broken);
  if (writesNothing) {
    refuseIfLocked(git);
    return runUpdateLocked(req, out, hooks);
  }
  const release = acquireUpdateLock(git, hooks.now);
  try {
    return await runUpdateLocked(req, out, hooks);
  } finally {
    release();
  }
}

async function runUpdateLocked(req: UpdateRequest, out: Output, hooks: UpdateHooks): Promise<UpdateResult> {
  const now = hooks.now ?? new Date();
  const writesNothing = Boolean(req.dryRun || req.diff || req.json);
  // 1. The repository, and an update a kill interrupted (finished before anything else)
  const { git, repo } = openRepository(req.dir ?? process.cwd());
  const resumed = await finishInterrupted(repo, out, writesNothing, hooks.env);
  if (resumed) return resumed;
  // 2. Gather → plan (pure, one object), with git's view of the paths it would write
  const { plan, refused, input } = await gatherAndPlan(req, out, hooks, repo, now, writesNothing);
  // 3. Show it (--dry-run, --diff, --json), or say it is up to date, or refuse it, or apply it
  if (writesNothing) return showPlan(req, out, plan, refused, git.gitDir);
  for (const w of plan.warnings) out.warn(w);
  if (plan.upToDate) return upToDate(req, out, hooks, plan, repo, git.gitDir, input.restore);
  refuseToApply(req, plan, git.gitDir);
  return applyPlan(req, out, plan, input.answers.ci, git, repo, now, hooks.env);
}

/** The git repository around `start` and the project folder in it; a bare repository or none is exit 2. */
function openRepository(start: string): { git: Repo; repo: WriteTarget } {
  const git = findRepo(start);
  if (!git)
    throw new UsageError(
      bareRepository(start)
        ? `${start} is a bare git repository (no working tree to update); run pyservice update in a clone of it (git clone ${start} DIR)`
        : `${start} is not inside a git repository; pyservice update needs one (git init && git add -A && git commit)`,
    );
  return { git, repo: { root: findProjectDir(start) ?? git.root, gitDir: git.gitDir } };
}

/**
 * Gather (record, versions, answers, the new render, the baseline, the working tree) → plan (pure). git's view of
 * the paths it would write is asked only when there is something to write, together with whether git works on this
 * folder at all (so a run with work costs no extra round); a run that writes is refused here when it does not.
 */
async function gatherAndPlan(req: UpdateRequest, out: Output, hooks: UpdateHooks, repo: WriteTarget, now: Date, writesNothing: boolean): Promise<{ plan: RunPlan; refused: string | null; input: RunPlanInput }> {
  const [{ gatherUpdate, gitState }, { dirtyCandidates, planRun, withDirty }, { gitRefusal }] = await Promise.all([
    import('./gather.js'),
    import('./plan-run.js'),
    import('./git-ops.js'),
  ]);
  const input = await gatherUpdate(req, out, hooks, repo, now);
  const plan = planRun(input);
  if (plan.upToDate) return { plan, refused: null, input };
  const [state, refused] = await Promise.all([gitState(repo.root, dirtyCandidates(input.theirs, input.base)).catch((err: Error) => err), gitRefusal(repo.root)]);
  if (refused && !writesNothing) throw new UsageError(`${refused}; nothing was written`);
  if (state instanceof Error) throw refused ? new UsageError(refused) : state;
  return { plan: withDirty(plan, state, input.disk), refused, input };
}

/** --dry-run, --diff, --json: the plan, and every reason a real run would refuse; nothing is written. */
async function showPlan(req: UpdateRequest, out: Output, plan: RunPlan, refused: string | null, gitDir: string): Promise<UpdateResult> {
  const [{ planJson }, { planDiffs, planText }] = await Promise.all([import('./plan-run.js'), import('./format.js')]);
  const { from, to, actions } = plan;
  const json = planJson(plan);
  if (req.json) out.raw(JSON.stringify(json, null, 2) + '\n');
  else {
    for (const w of plan.warnings) out.warn(w);
    out.raw(planText(json, actions, from, to));
    if (req.diff) out.raw(planDiffs(actions));
    if (refused) out.warn(`update would refuse: ${refused}`);
    if (plan.dirty.length) out.warn(`the working tree is dirty; update would refuse (or use --allow-dirty):\n  ${plan.dirty.join('\n  ')}`);
    if (plan.outsideSparse.length) out.warn(`update would refuse: ${sparseProblem(plan.outsideSparse)}`);
    const busy = plan.upToDate ? null : operationInProgress(gitDir, 'pyservice update');
    if (busy) out.warn(`update would refuse: ${busy}`);
    out.raw('Nothing was written (' + (req.dryRun ? '--dry-run' : req.diff ? '--diff' : '--json') + ').\n');
  }
  return { status: plan.upToDate ? 'up-to-date' : 'planned', from, to, actions, plan: json, conflicts: [] };
}

/**
 * Nothing to write. An earlier update's conflicts still unresolved: up to date, but not done (exit 1, as when they
 * were left); no verdict is kept, so every rerun says it until they are resolved. Measured: a rerun said only
 * "Already up to date" (exit 0) with debian/control unmerged, and `pyservice check` said "up to date".
 */
async function upToDate(req: UpdateRequest, out: Output, hooks: UpdateHooks, plan: RunPlan, repo: WriteTarget, gitDir: string, restore: ReadonlySet<string>): Promise<UpdateResult> {
  const [{ planJson }, { unmergedPaths, unresolvedMessage }] = await Promise.all([import('./plan-run.js'), import('./git-ops.js')]);
  const { from, to, actions } = plan;
  const json = planJson(plan);
  const unresolved = await unmergedPaths(repo.root);
  if (unresolved.length) {
    out.phase(`Already up to date (templates ${to})`);
    out.warn(unresolvedMessage(unresolved));
    return { status: 'up-to-date', from, to, actions, plan: json, conflicts: unresolved };
  }
  if (isPlain(req, hooks) && plan.warnings.length === 0) await rememberUpToDate(gitDir, repo.root, restore);
  out.phase(`Already up to date (templates ${to}); nothing to do`);
  return { status: 'up-to-date', from, to, actions, plan: json, conflicts: [] };
}

/** What a run that writes refuses even when the plan is sound (exit 2): a merge or rebase half-way, a sparse checkout, a dirty tree. */
function refuseToApply(req: UpdateRequest, plan: RunPlan, gitDir: string): void {
  // A merge or rebase stopped half-way: refused even with --allow-dirty (its commit would take the update in).
  const busy = operationInProgress(gitDir, 'pyservice update');
  if (busy) throw new UsageError(busy);
  if (plan.outsideSparse.length) throw new UsageError(sparseProblem(plan.outsideSparse));
  if (plan.dirty.length && !req.allowDirty)
    throw new UsageError(
      `the working tree has changes the update could mix with its own; commit or stash them first, or pass --allow-dirty:\n  ${plan.dirty.slice(0, 20).join('\n  ')}${plan.dirty.length > 20 ? `\n  … and ${plan.dirty.length - 20} more` : ''}`,
    );
}

/** Apply (apply-update.ts: journal, atomic writes, git's index), then say what was done and what is left to resolve. */
async function applyPlan(req: UpdateRequest, out: Output, plan: RunPlan, ci: RunPlanInput['answers']['ci'], git: Repo, repo: WriteTarget, now: Date, env: NodeJS.ProcessEnv | undefined): Promise<UpdateResult> {
  const [{ applyRunPlan }, { planJson }, { actionLines, summaryLine }] = await Promise.all([import('./apply-update.js'), import('./plan-run.js'), import('./format.js')]);
  const { from, to, actions } = plan;
  const json = planJson(plan);
  const report = await applyRunPlan(repo, plan, now, env);
  for (const p of report.changedSince) out.warn(`${p} changed while the update ran; left as it is`);
  if (report.heldBack) out.warn(heldBackMessage(report.changedSince));
  out.phase(plan.adopting ? `Adopted this repository at templates ${to}` : from === to ? `Re-applied templates ${to}` : `Updated templates ${from} → ${to}`);
  for (const line of actionLines(actions, true)) out.info(line);
  out.info(`Summary: ${summaryLine(actions)}`);
  // A monorepo's project that gets its pipeline file now (a new --ci): never read below the repository's top
  const unread = unreadPipelineWarning(ci, relative(git.root, realPath(repo.root)), (path) => actions.some((a) => a.path === path && a.action === 'add'));
  if (unread) out.warn(unread);
  const conflicted = actions.filter((a) => a.action === 'conflict');
  if (conflicted.length)
    out.warn(
      `${conflicted.length} file(s) with conflicts are left unmerged in git's index (git status lists them): resolve each ` +
        (req.conflict === 'rej' ? '(the template\'s hunks are in <file>.rej)' : '(look for <<<<<<< markers)') +
        ', then git add it; git commit refuses until all are resolved',
    );
  out.info('Review with git status and git diff --cached, then commit.');
  return { status: 'updated', from, to, actions, plan: json, changedSince: report.changedSince, conflicts: conflicted.map((a) => a.path) };
}

/**
 * A run a kill interrupted (update's or deb's: one writer, one journal) is finished before anything else; a run
 * that writes nothing only says it is pending. Null when there is none.
 */
export async function finishInterrupted(repo: WriteTarget, out: Output, writesNothing: boolean, env?: NodeJS.ProcessEnv): Promise<UpdateResult | null> {
  if (!existsSync(journalDir(repo))) return null;
  const { otherProjectOf, readJournal, removeJournalLeftovers } = await import('./journal.js');
  if (!writesNothing) removeJournalLeftovers(repo); // a dry run deletes nothing, leftovers included
  const pending = readJournal(repo);
  if (!pending) return null;
  const command = pending.command ?? 'update';
  const what = `${command === 'deb' ? 'pyservice deb, ' : ''}templates ${pending.from ?? '(adopted)'} → ${pending.to}`;
  // Another project of this working tree (monorepo): its journal is in the shared git directory, its paths are its
  // own. Replayed here they wrote that project's files into this one (and deleted this one's equal files).
  const other = otherProjectOf(repo, pending);
  if (other !== null) {
    const finish = existsSync(other)
      ? `finish it first: cd ${shellWord(other)} && pyservice ${command}, then rerun here`
      : `that folder is gone: if you moved it, finish it there with pyservice ${command}; else remove ${shellWord(journalDir(repo))} and check that project with git status`;
    const problem = `an interrupted pyservice ${command} of another project in this repository is pending (${other}: ${what})`;
    if (writesNothing) {
      out.warn(`${problem}; ${command === 'deb' ? 'deb' : 'update'} would refuse until it is finished: ${finish}`);
      return { status: 'pending', from: pending.from, to: pending.to, actions: [], conflicts: [] };
    }
    throw new UsageError(`${problem}; ${finish}; nothing was written`);
  }
  if (writesNothing) {
    out.warn(`an interrupted ${command} (${what}) is pending; run pyservice ${command === 'deb' ? 'deb or pyservice update' : 'update'} (without --dry-run/--diff/--json) to finish it`);
    return { status: 'pending', from: pending.from, to: pending.to, actions: [], conflicts: [] };
  }
  out.phase(`Finishing the interrupted ${command} (${what}) from its journal`);
  const { runJournal } = await import('./apply-update.js');
  const report = await runJournal(repo, pending, env);
  for (const p of report.changedSince) out.warn(`${p} changed after the ${command} was interrupted; left as it is`);
  if (report.heldBack) out.warn(heldBackMessage(report.changedSince));
  out.phase(`Updated to templates ${pending.to}; review with git status and git diff --cached, then commit`);
  const conflicts = pending.conflicts.map((c) => c.path).filter((p) => !report.changedSince.includes(p));
  if (conflicts.length) out.warn(`${conflicts.length} file(s) with conflicts are left unmerged in git's index: ${conflicts.join(', ')}; resolve each, then git add it`);
  return { status: 'resumed', from: pending.from, to: pending.to, actions: [], changedSince: report.changedSince, conflicts };
}


/** Keeps the verdict of a full plan that found the project up to date (best effort: a cache in the git directory). */
async function rememberUpToDate(gitDir: string, projectDir: string, restore: Iterable<string>): Promise<void> {
  const inputs = noOpInputs(projectDir);
  if (!inputs) return;
  const { writeFileAtomic } = await import('../apply/atomic.js');
  try {
    writeFileAtomic(verdictPath(gitDir), verdictContent(inputs, restore), 0o644);
  } catch {
    /* a read-only git directory only costs the next run the full plan */
  }
}

function heldBackMessage(skipped: readonly string[]): string {
  return `${RECORD_FILE} and ${BASELINE_FILE} were not advanced, so the template's changes to ${skipped.join(', ')} are not lost: commit your work, then run pyservice update again to merge them`;
}

/** One line: the template files a sparse checkout keeps out, and how to bring them in. */
function sparseProblem(paths: readonly string[]): string {
  const shown = paths.slice(0, 3).join(', ') + (paths.length > 3 ? ` and ${paths.length - 3} more` : '');
  return `${shown} ${paths.length === 1 ? 'is' : 'are'} outside this sparse checkout (git sparse-checkout): the update merges the templates' changes into ${paths.length === 1 ? 'it' : 'them'}; run \`git sparse-checkout disable\` (or add ${paths.length === 1 ? 'its folder' : 'their folders'}) and rerun pyservice update; nothing was written`;
}

/**
 * A bare repository (HEAD, objects/ and refs/ in the folder itself): measured, update there advised
 * 'git init && git add -A && git commit', which in a bare repository makes nothing useful.
 */
function bareRepository(dir: string): boolean {
  return ['HEAD', 'objects', 'refs'].every((n) => existsSync(join(dir, n))) && !existsSync(join(dir, '.git'));
}
