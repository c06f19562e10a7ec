import { basename } from 'node:path';
import { lstatSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Answers } from '../answers/types.js';
import { answersProblems } from '../answers/validate.js';
import { defaultAnswers } from '../answers/defaults.js';
import { FailureError, UsageError } from '../errors.js';
import type { Asker, Output } from '../types.js';
import { askForUpdate, askIdentity } from '../answers/questions.js';
import { toolVersion } from '../paths.js';
import { BASELINE_FILE, destinationPath, entryApplies, planProject, RECORD_FILE, recordContent, type FilePlan, type ProjectRecord } from '../plan/file-plan.js';
import { compareVersions, latestTemplateVersion, loadManifest, readOwnManifest, type ManifestAnswer } from '../templates/manifest.js';
import { shippedSet, type TemplateSet } from '../templates/template-set.js';
import { openSource } from '../template-sources/open.js';
import { parseSource, SHIPPED } from '../template-sources/spec.js';
import { requireTrust } from '../template-sources/trust.js';
import { BaselineFormatError, parseBaseline, sha256, type BaselineEntry } from './baseline.js';
import { actionLines, actionsJson, counts, planDiffs, summaryLine, type PlanJson } from './format.js';
import { modifiedTrackedFiles, trackedAmong } from './git-ops.js';
import { gitIdentity } from '../apply/git.js';
import { IndexLockedError, journalFor, runJournal, startJournal } from './apply-update.js';
import { readJournal, removeJournalLeftovers } from './journal.js';
import { acquireUpdateLock, refuseIfLocked } from './lock.js';
import { planUpdate, type FileAction, type OursState } from './plan-update.js';
import { findProjectDir, parseRecord, RecordError } from './project.js';
import { findRepo, readOurs, type Repo } from './worktree.js';
import { checkoutForm, inWorkTreeForm, oursReader, type CheckoutForm } from './line-endings.js';
import { prefillAnswers } from './adopt.js';

/**
 * `pyservice update` as a library call: compute the merge plan (pure), show it (--dry-run, --diff, --json),
 * or apply it through the journal. All terminal I/O goes through `out`; questions through `ask`.
 */
export interface UpdateRequest {
  /** Where to start looking for the project (default: the current directory). */
  dir?: string;
  to?: string;
  dryRun: boolean;
  diff: boolean;
  json: boolean;
  conflict: 'inline' | 'rej';
  allowDirty: boolean;
  yes: boolean;
  /** Answers given as flags: they change the recorded ones. */
  given: Partial<Answers>;
  /** `--ask`: asks the new questions and lets the user change answers (needs `asker`). */
  ask?: boolean;
  /** Present when a person can answer (a terminal); adopting, it asks what could not be read from the project. */
  asker?: Asker;
  /** Consider pre-release template versions (a team source's `-rc` tags) for the latest. */
  pre?: boolean;
  /** Trust the project's template source (stored in the user's trust list) before rendering it. */
  trust?: boolean;
}

/** For tests: replace the template side (e.g. a template change no shipped version makes). */
export interface UpdateHooks {
  plan?: (record: ProjectRecord, only?: (path: string) => boolean) => FilePlan;
  renames?: Map<string, string>;
  now?: Date;
  env?: NodeJS.ProcessEnv;
  readMetadata?: (dir: string) => Promise<import('../python/metadata.js').MetadataReading>;
}

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

const debianOnly = (path: string) => path.startsWith('debian/');
const TOOL_FILES = new Set([RECORD_FILE, BASELINE_FILE]);

/**
 * One update per repository at a time (update/lock.ts): a run that writes takes the lock; --dry-run, --diff and
 * --json take nothing (they write nothing) but refuse while a live update holds it.
 */
export async function runUpdate(req: UpdateRequest, out: Output, hooks: UpdateHooks = {}): Promise<UpdateResult> {
  const writesNothing = req.dryRun || req.diff || req.json;
  const git = findRepo(req.dir ?? process.cwd());
  if (!git) return runUpdateLocked(req, out, hooks);
  if (writesNothing) {
    refuseIfLocked(git.gitDir);
    return runUpdateLocked(req, out, hooks);
  }
  const release = acquireUpdateLock(git.gitDir, hooks.now);
  try {
    return await runUpdateLocked(req, out, hooks);
  } finally {
    release();
  }
}

async function runUpdateLocked(req: UpdateRequest, out: Output, hooks: UpdateHooks): Promise<UpdateResult> {
  const now = hooks.now ?? new Date();
  const writesNothing = req.dryRun || req.diff || req.json;

  // 1. The repository, and an update a kill interrupted
  const start = req.dir ?? process.cwd();
  const git = findRepo(start);
  if (!git) throw new UsageError(`${start} is not inside a git repository; pyservice update needs one (git init && git add -A && git commit)`);
  const projectDir = findProjectDir(start) ?? git.root;
  const repo: Repo = { root: projectDir, gitDir: git.gitDir };
  if (!writesNothing) removeJournalLeftovers(repo); // a dry run deletes nothing, leftovers included
  const pending = readJournal(repo);
  if (pending) {
    const what = `templates ${pending.from ?? '(adopted)'} → ${pending.to}`;
    if (writesNothing) {
      out.warn(`an interrupted update (${what}) is pending; run pyservice update (without --dry-run/--diff/--json) to finish it`);
      return { status: 'pending', from: pending.from, to: pending.to, actions: [], conflicts: [] };
    }
    out.phase(`Finishing the interrupted update (${what}) from its journal`);
    const report = await applyJournal(repo, pending, hooks.env);
    for (const p of report.changedSince) out.warn(`${p} changed after the update was interrupted; left as it is`);
    if (report.heldBack) out.warn(heldBackMessage(report.changedSince));
    out.phase(`Updated to templates ${pending.to}; review with git status and git diff --cached, then commit`);
    if (pending.conflicts.length) out.warn(`${pending.conflicts.length} file(s) with conflicts are left unmerged in git's index: ${pending.conflicts.map((c) => c.path).join(', ')}; resolve each, then git add it`);
    return { status: 'resumed', from: pending.from, to: pending.to, actions: [], changedSince: report.changedSince, conflicts: pending.conflicts.map((c) => c.path) };
  }

  // 2. The record, or adoption of a repository the tool did not create
  const warnings: string[] = [];
  let record: ProjectRecord | null;
  try {
    const recordState = readOurs(projectDir, RECORD_FILE);
    if (recordState.kind === 'symlink' || recordState.kind === 'not-file' || recordState.kind === 'blocked')
      throw new UsageError(`${RECORD_FILE} is not a regular file; pyservice update will not read or write through it`);
    record = recordState.kind === 'file' ? parseRecord(recordState.content.toString('utf8'), RECORD_FILE) : null;
  } catch (err) {
    if (err instanceof RecordError) throw new UsageError(err.message);
    throw err;
  }
  const adopting = record === null;

  // 3. Versions: newer only, from the project's own template source (the shipped set unless recorded)
  const sourceSpec = record?.template ? parseSource(record.template.source) : SHIPPED;
  if (sourceSpec.kind !== 'shipped') requireTrust(sourceSpec, Boolean(req.trust));
  const set = openSource(sourceSpec);
  const shipped = set.versions(true);
  const to = req.to ?? latestTemplateVersion(set, Boolean(req.pre));
  if (!shipped.includes(to)) throw new UsageError(`template version ${to} is not ${set.source ? `a tag of ${set.source}` : 'shipped'}; choose one of ${shipped.join(', ')} (--to)`);
  const from = record?.templateVersion ?? null;
  if (from && !req.to && compareVersions(from, to) > 0)
    throw new UsageError(
      set.source
        ? `this project uses templates ${from}, newer than the latest release of ${set.source} (${to}); pass --pre for pre-releases, or --to ${from}`
        : `this project uses templates ${from}, newer than this create-pyservice knows (latest ${to}); run a newer one: npx -p create-pyservice@latest pyservice update`,
    );
  if (set.source) out.info(`Templates from ${set.source} ${to}${set.commit(to) ? ` (commit ${set.commit(to)!.slice(0, 12)})` : ''}`);
  if (from && compareVersions(to, from) < 0) throw new UsageError(`refusing to downgrade templates ${from} to ${to}: update only moves forward (restore an older state from git instead)`);

  // 4. Answers: recorded (or prefilled), flags, new questions' defaults, --ask
  const manifest = loadManifest(to, set);
  const newQuestions = Object.fromEntries(Object.entries(manifest.answers ?? {}).filter(([k]) => (record?.answers as unknown as Record<string, unknown> | undefined)?.[k] === undefined));
  let answers: Answers;
  let missing: (keyof Answers)[] = [];
  if (record) answers = { ...record.answers, ...req.given };
  else {
    const pre = await adoptionPrefill(projectDir, hooks);
    warnings.push(...pre.notes);
    const base = { ...defaultAnswers({ dirName: basename(projectDir).toLowerCase() }), ...pre.answers, ...req.given } as Answers;
    missing = (['name', 'type'] as const).filter((k) => req.given[k] === undefined && (k === 'type' || pre.answers[k] === undefined));
    answers = base;
  }
  for (const [k, q] of Object.entries(newQuestions)) if ((answers as unknown as Record<string, unknown>)[k] === undefined) (answers as unknown as Record<string, unknown>)[k] = q.default;
  if (req.ask) {
    if (!req.asker) throw new UsageError('--ask needs a terminal; pass answers as flags instead (e.g. --ci gitlab)');
    answers = { ...answers };
    await askForUpdate(req.asker, answers, req.given, { adopting, added: manifest.answers ?? {}, newKeys: Object.keys(newQuestions) });
  } else if (adopting && missing.length && !req.yes && req.asker) {
    answers = { ...answers };
    await askIdentity(req.asker, answers, missing);
  } else if (adopting && missing.length && !req.yes)
    throw new UsageError(`adopting this repository needs ${missing.map((k) => `--${k}`).join(' and ')} (nothing to ask on without --ask and a terminal), or --yes for defaults`);
  if (record) {
    for (const k of ['name', 'type'] as const)
      if (answers[k] !== record.answers[k]) throw new UsageError(`update cannot change the project's ${k} (${record.answers[k]} → ${answers[k]}); generate a new project instead`);
  }
  const problems = answersProblems(answers);
  if (problems.length) throw new UsageError(problems.join('\n'));

  const origin = record?.origin ?? 'create';
  const only = origin === 'deb' ? debianOnly : undefined;
  const newRecord: ProjectRecord = {
    tool: 'create-pyservice',
    toolVersion: toolVersion(),
    templateVersion: to,
    created: record?.created ?? new Date(Math.floor(now.getTime() / 1000) * 1000).toISOString(),
    origin,
    ...(record?.template ? { template: { source: record.template.source } } : {}),
    answers,
  };

  // 5. Theirs (the new render), base (the recorded baseline), ours (the disk): the plan
  const form = await checkoutForm(projectDir, [BASELINE_FILE, RECORD_FILE]); // core.autocrlf=true clones
  const ours = oursReader(projectDir, form);
  const renderPlan = hooks.plan ?? planProject;
  const theirsPlan = renderPlan(newRecord, only);
  const theirs = theirsPlan.files.filter((f) => !TOOL_FILES.has(f.path));
  const { entries: base, source: baselineSource } = record ? loadBase(projectDir, record, only, renderPlan, warnings, set, ours) : { entries: null, source: 'none' as const };
  const renames = hooks.renames ?? (from ? renamesBetween(from, to, answers, set) : new Map<string, string>());
  const restore = new Set(manifest.files.filter((e) => e.restore && entryApplies(e, answers)).map((e) => destinationPath(e.path, answers)));
  const actions = inWorkTreeForm(projectDir, planUpdate({ templateVersion: to, base, theirs, ours, renames, restore, conflictStyle: req.conflict }), form);

  const tail = toolFiles(projectDir, theirsPlan, record, form);
  const answerChanges = diffAnswers(record?.answers, answers, newQuestions);
  const upToDate = actions.every((a) => a.action === 'unchanged') && tail.every((f) => !f.changed);
  const pendingWrites = actions.filter((a) => a.write || a.remove || a.stages || a.rej);

  // 6. Dirty tree: refused unless --allow-dirty (also shown by --dry-run)
  const dirty = upToDate ? [] : await dirtyPaths(repo, actions, tail);

  const planJson: PlanJson = {
    from,
    to,
    origin,
    adopting,
    upToDate,
    baseline: adopting ? 'none' : baselineSource,
    answers: answerChanges,
    files: actionsJson(actions),
    recordFiles: tail.filter((f) => f.changed).map((f) => f.path),
    summary: counts(actions),
    dirty,
    warnings,
  };
  if (writesNothing) {
    if (req.json) out.raw(JSON.stringify(planJson, null, 2) + '\n');
    else {
      for (const w of warnings) out.warn(w);
      out.raw(planText(planJson, actions, from, to));
      if (req.diff) out.raw(planDiffs(actions));
      if (dirty.length) out.warn(`the working tree is dirty; update would refuse (or use --allow-dirty):\n  ${dirty.join('\n  ')}`);
      out.raw('Nothing was written (' + (req.dryRun ? '--dry-run' : req.diff ? '--diff' : '--json') + ').\n');
    }
    return { status: upToDate ? 'up-to-date' : 'planned', from, to, actions, plan: planJson, conflicts: [] };
  }
  for (const w of warnings) out.warn(w);
  if (upToDate) {
    out.phase(`Already up to date (templates ${to}); nothing to do`);
    return { status: 'up-to-date', from, to, actions, plan: planJson, conflicts: [] };
  }
  if (dirty.length && !req.allowDirty)
    throw new UsageError(
      `the working tree has changes the update could mix with its own; commit or stash them first, or pass --allow-dirty:\n  ${dirty.slice(0, 20).join('\n  ')}${dirty.length > 20 ? `\n  … and ${dirty.length - 20} more` : ''}`,
    );

  // 7. Apply: journal, atomic writes, git's index
  const { journal, blobs } = journalFor(pendingWrites, tail.filter((f) => f.changed), from, to, now);
  startJournal(repo, journal, blobs);
  const report = await applyJournal(repo, journal, hooks.env);
  for (const p of report.changedSince) out.warn(`${p} changed while the update ran; left as it is`);
  if (report.heldBack) out.warn(heldBackMessage(report.changedSince));
  out.phase(adopting ? `Adopted this repository at templates ${to}` : from === to ? `Re-applied templates ${to}` : `Updated templates ${from} → ${to}`);
  for (const line of actionLines(actions, true)) out.info(line);
  out.info(`Summary: ${summaryLine(actions)}`);
  const conflicted = actions.filter((a) => a.action === 'conflict');
  if (conflicted.length)
    out.warn(
      `${conflicted.length} file(s) with conflicts are left unmerged in git's index (git status lists them): resolve each ` +
        (req.conflict === 'rej' ? '(the template\'s hunks are in <file>.rej)' : '(look for <<<<<<< markers)') +
        ', then git add it; git commit refuses until all are resolved',
    );
  out.info('Review with git status and git diff --cached, then commit.');
  return { status: 'updated', from, to, actions, plan: planJson, changedSince: report.changedSince, conflicts: conflicted.map((a) => a.path) };
}

function heldBackMessage(skipped: readonly string[]): string {
  return `${RECORD_FILE} and ${BASELINE_FILE} were not advanced, so the template's changes to ${skipped.join(', ')} are not lost: commit your work, then run pyservice update again to merge them`;
}

async function applyJournal(repo: Repo, journal: Parameters<typeof runJournal>[1], env?: NodeJS.ProcessEnv) {
  try {
    return await runJournal(repo, journal, env);
  } catch (err) {
    if (err instanceof IndexLockedError) throw new FailureError(err.message);
    throw err;
  }
}

async function adoptionPrefill(dir: string, hooks: UpdateHooks) {
  const { name, email } = await gitIdentity(dir);
  let reading = null;
  try {
    const read = hooks.readMetadata ?? (await import('../python/read-metadata.js')).readMetadata;
    reading = await read(dir);
  } catch (err) {
    reading = null;
    const pre = prefillAnswers(null, { name, email }, basename(dir));
    pre.notes.push(`reading the project's metadata failed: ${(err as Error).message}`);
    return pre;
  }
  return prefillAnswers(reading, { name, email }, basename(dir));
}

/**
 * The base: the recorded baseline. Without one (deleted, or a project older than baselines) the recorded
 * template version is re-rendered if this package still ships it — a fallback, said out loud — else there is
 * no base and every file is merged as "both added" (conflicts, never silent overwrites).
 */
function loadBase(
  dir: string,
  record: ProjectRecord,
  only: ((p: string) => boolean) | undefined,
  renderPlan: NonNullable<UpdateHooks['plan']>,
  warnings: string[],
  set: TemplateSet,
  ours: (path: string) => OursState,
): { entries: Map<string, BaselineEntry> | null; source: 'recorded' | 're-rendered' | 'none' } {
  const keep = (p: string) => !TOOL_FILES.has(p) && (!only || only(p));
  const st = ours(BASELINE_FILE);
  let problem = `${BASELINE_FILE} is missing`;
  if (st.kind === 'file') {
    try {
      const b = parseBaseline(st.content);
      if (b.templateVersion !== record.templateVersion)
        warnings.push(`${BASELINE_FILE} is from templates ${b.templateVersion} but ${RECORD_FILE} says ${record.templateVersion}; using the baseline`);
      if (b.damaged.length) warnings.push(`${BASELINE_FILE} entries do not match their hashes (edited by hand?): ${b.damaged.join(', ')}; merged as if both sides added them`);
      return { entries: new Map([...b.entries].filter(([p]) => keep(p))), source: 'recorded' };
    } catch (err) {
      if (!(err instanceof BaselineFormatError)) throw err;
      problem = `${BASELINE_FILE} cannot be read (${err.message})`;
    }
  } else if (st.kind !== 'missing') problem = `${BASELINE_FILE} is not a regular file`;
  if (hasVersion(set, record.templateVersion)) {
    try {
      const old = renderPlan(record, only);
      warnings.push(`${problem}; re-rendered templates ${record.templateVersion} as the merge base instead (a fallback: if those templates changed since, expect more conflicts)`);
      return {
        entries: new Map(old.files.filter((f) => keep(f.path)).map((f) => [f.path, { path: f.path, mode: f.mode, policy: f.policy, sha256: sha256(f.content), content: f.content }])),
        source: 're-rendered',
      };
    } catch (err) {
      problem += `, and templates ${record.templateVersion} fail to render (${(err as Error).message})`;
    }
  }
  warnings.push(`${problem}; without a base every existing file is merged as "both added" (differences become conflicts)`);
  return { entries: null, source: 'none' };
}

function hasVersion(set: TemplateSet, version: string): boolean {
  try {
    return set.versions(true).includes(version);
  } catch {
    return false;
  }
}

/** Renames of every version of the set after `from` up to `to`, chained (a → b in one version, b → c in the next: a → c). */
export function renamesBetween(from: string, to: string, answers: Answers, set: TemplateSet = shippedSet): Map<string, string> {
  const map = new Map<string, string>();
  for (const v of set.versions(true)) {
    if (compareVersions(v, from) <= 0 || compareVersions(v, to) > 0) continue;
    for (const [o, n] of Object.entries(readOwnManifest(v, set).renames ?? {})) {
      const oldPath = destinationPath(o, answers);
      const newPath = destinationPath(n, answers);
      let chained = false;
      for (const [k, val] of map) if (val === oldPath) {
        map.set(k, newPath);
        chained = true;
      }
      if (!chained) map.set(oldPath, newPath);
    }
  }
  return map;
}

interface ToolFile {
  path: string;
  content: Buffer;
  before: Buffer | null;
  changed: boolean;
}

/** The baseline and the record, rewritten by every update that changes anything (the record's toolVersion alone does not count). */
function toolFiles(dir: string, plan: FilePlan, record: ProjectRecord | null, form: CheckoutForm | null): ToolFile[] {
  return [BASELINE_FILE, RECORD_FILE].map((path) => {
    const f = plan.files.find((x) => x.path === path);
    if (!f) throw new Error(`the plan has no ${path}`);
    const st = readOurs(dir, path);
    if (st.kind !== 'file' && st.kind !== 'missing') throw new UsageError(`${path} is not a regular file; pyservice update will not write through it`);
    const before = st.kind === 'file' ? st.content : null;
    let changed = !before || !(form ? form.toRepo(before) : before).equals(f.content);
    if (changed && before && path === RECORD_FILE && record) changed = !recordContent({ ...record, toolVersion: 'x' }).equals(recordContent({ ...(JSON.parse(f.content.toString('utf8')) as ProjectRecord), toolVersion: 'x' }));
    return { path, content: form ? form.toWorkTree(f.content) : f.content, before, changed };
  });
}

function diffAnswers(before: Answers | undefined, after: Answers, newQuestions: Record<string, ManifestAnswer>): PlanJson['answers'] {
  const added: Record<string, unknown> = {};
  const changed: Record<string, { from: unknown; to: unknown }> = {};
  const b = (before ?? {}) as unknown as Record<string, unknown>;
  for (const [k, v] of Object.entries(after)) {
    if (k in newQuestions || (before && b[k] === undefined)) added[k] = v;
    else if (before && JSON.stringify(b[k]) !== JSON.stringify(v)) changed[k] = { from: b[k], to: v };
  }
  return { added, changed };
}

/** Modified tracked files, and untracked files at paths the update would write (other untracked files do not count). */
async function dirtyPaths(repo: Repo, actions: readonly FileAction[], tail: readonly ToolFile[]): Promise<string[]> {
  const modified = await modifiedTrackedFiles(repo.root);
  const targets = new Set<string>();
  for (const a of actions) {
    if ((a.write || a.stages) && a.before !== null) targets.add(a.path);
    if (a.rej && exists(join(repo.root, a.rej.path))) targets.add(a.rej.path);
    if (a.write && a.before === null && exists(join(repo.root, a.path))) targets.add(a.path);
  }
  for (const f of tail) if (f.changed && f.before) targets.add(f.path);
  const tracked = await trackedAmong(repo.root, [...targets]);
  const untracked = [...targets].filter((p) => !tracked.has(p)).map((p) => `${p} (untracked; the update would write it)`);
  return [...modified.map((p) => `${p} (modified)`), ...untracked];
}

function exists(abs: string): boolean {
  try {
    lstatSync(abs);
    return true;
  } catch {
    return false;
  }
}

function planText(plan: PlanJson, actions: readonly FileAction[], from: string | null, to: string): string {
  const head = plan.adopting ? `Plan to adopt this repository at templates ${to}` : `Plan for templates ${from} → ${to}`;
  if (plan.upToDate) return `${head}: already up to date; nothing to do.\n`;
  const lines = [head + ':', ...actionLines(actions, true)];
  for (const f of plan.recordFiles) lines.push(`  ${'record'.padEnd(10)}  ${f}`);
  const added = Object.entries(plan.answers.added);
  const changed = Object.entries(plan.answers.changed);
  if (added.length) lines.push(`New answers: ${added.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ')}`);
  if (changed.length) lines.push(`Changed answers: ${changed.map(([k, v]) => `${k} ${JSON.stringify(v.from)} → ${JSON.stringify(v.to)}`).join(', ')}`);
  lines.push(`Summary: ${summaryLine(actions)}; ${plan.summary.unchanged} unchanged`);
  return lines.join('\n') + '\n';
}
