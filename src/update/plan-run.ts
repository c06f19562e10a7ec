import type { Answers, FilePlan, ProjectRecord } from '../types.js';
import { UsageError } from '../errors.js';
import { BASELINE_FILE, RECORD_FILE, recordContent } from '../plan/file-plan.js';
import type { ManifestAnswer } from '../templates/manifest.js';
import type { BaselineEntry } from './baseline.js';
import { actionsJson, counts, type PlanJson } from './format.js';
import type { CheckoutForm } from './line-endings.js';
import type { FileAction, OursState } from '../types.js';
import { planUpdate } from './plan-update.js';
import { includedPath, overriddenTargets } from './handover.js';

/**
 * The plan of one run of the writer (`pyservice update`, and `pyservice deb`, which is an adoption limited to
 * debian/): everything gathered from the disk and git goes in, one object comes out — what happens to each file,
 * the tool's own files written last, the answers that change, and the paths that make the tree dirty. Pure: the
 * working tree is read through `disk`, git's state is given; nothing here touches either.
 */
export interface RunPlanInput {
  command: 'update' | 'deb';
  from: string | null;
  to: string;
  origin: 'create' | 'deb';
  /** The record before the run (null: adopting). */
  record: ProjectRecord | null;
  answers: Answers;
  /** Questions the target version asks that the record did not answer (their answers count as added). */
  newQuestions: Readonly<Record<string, ManifestAnswer>>;
  /** The new render, the baseline and record included. */
  theirs: FilePlan;
  base: ReadonlyMap<string, BaselineEntry> | null;
  baselineSource: 'recorded' | 're-rendered' | 'none';
  warnings: readonly string[];
  /** The working tree's bytes (not converted). */
  disk: (path: string) => OursState;
  /** The working tree's line endings when they are not the repository's (core.autocrlf). */
  form: CheckoutForm | null;
  renames: ReadonlyMap<string, string>;
  restore: ReadonlySet<string>;
  conflictStyle: 'inline' | 'rej';
  markerLabels?: (path: string) => { ours: string; theirs: string };
  /** The baseline and record are this command's to write (deb leaves another command's record alone). */
  ownsToolFiles: boolean;
  /** deb never deletes: a file the templates no longer ship is left alone. */
  neverDelete: boolean;
}

export interface GitState {
  modified: readonly string[];
  tracked: ReadonlySet<string>;
  /** Tracked paths a sparse checkout keeps out of the working tree (skip-worktree). */
  sparse: ReadonlySet<string>;
}

export interface ToolFile {
  path: string;
  /** Bytes to write (the working tree's form). */
  content: Buffer;
  before: Buffer | null;
  changed: boolean;
}

export interface RunPlan {
  command: 'update' | 'deb';
  from: string | null;
  to: string;
  origin: 'create' | 'deb';
  adopting: boolean;
  actions: FileAction[];
  /** The baseline and the record, written after every other file (empty when they are not this run's). */
  toolFiles: ToolFile[];
  answers: PlanJson['answers'];
  /** What makes the tree dirty for this plan: empty until `withDirty` adds git's view (a plan that writes nothing needs none). */
  dirty: string[];
  /**
   * Paths the plan acts on that a sparse checkout keeps off the disk: missing there, they read as deleted by the
   * user ('you deleted it; not restored') while the record moved on, so the template's change was lost for good
   * when the checkout was widened. Refused, even with --allow-dirty.
   */
  outsideSparse: string[];
  upToDate: boolean;
  baseline: PlanJson['baseline'];
  warnings: string[];
}

const TOOL_FILES = new Set([RECORD_FILE, BASELINE_FILE]);

export function planRun(inp: RunPlanInput): RunPlan {
  const form = inp.form;
  const ours = form ? (p: string): OursState => {
    const st = inp.disk(p);
    return st.kind === 'file' ? { ...st, content: form.toRepo(st.content) } : st;
  } : inp.disk;
  const theirs = inp.theirs.files.filter((f) => !TOOL_FILES.has(f.path));
  const planned = planUpdate({ templateVersion: inp.to, fromVersion: inp.from, base: inp.base, theirs, ours, renames: inp.renames, restore: inp.restore, conflictStyle: inp.conflictStyle, markerLabels: inp.markerLabels });
  const kept = inp.neverDelete ? planned.map((a) => keepInstead(a, inp.command)) : planned;
  const actions = inWorkTreeForm(kept, form, inp.disk);
  const toolFiles = inp.ownsToolFiles ? toolFilesOf(inp.theirs, inp.record, form, inp.disk) : [];
  const upToDate = actions.every((a) => a.action === 'unchanged') && toolFiles.every((f) => !f.changed);
  return {
    command: inp.command,
    from: inp.from,
    to: inp.to,
    origin: inp.origin,
    adopting: inp.record === null,
    actions,
    toolFiles,
    answers: diffAnswers(inp.record?.answers, inp.answers, inp.newQuestions),
    dirty: [],
    outsideSparse: [],
    upToDate,
    baseline: inp.record === null ? 'none' : inp.baselineSource,
    warnings: [...inp.warnings, ...overrideWarnings(theirs, inp.base, ours, inp.to)],
  };
}

/**
 * A file handed over to the team in an earlier update (the Makefile, debian/rules) whose rule replaces the tool-owned
 * file's rule of the same target: make only warns, and the template's rule never runs (a library's tag-checked
 * upload, a service's hash-locked install). Said on every update that plans, so an override carried before the
 * handover left such rules as conflicts is found too.
 */
function overrideWarnings(theirs: readonly FilePlan['files'][number][], base: RunPlanInput['base'], ours: (p: string) => OursState, to: string): string[] {
  const out: string[] = [];
  for (const f of theirs) {
    if (f.handover === undefined || base?.get(f.path)?.policy !== 'create-once') continue;
    const inc = includedPath(f.handover);
    const included = inc === undefined ? undefined : theirs.find((x) => x.path === inc);
    const o = ours(f.path);
    if (!included || o.kind !== 'file') continue;
    const names = overriddenTargets(o.content, included.content);
    if (names.length)
      out.push(`${f.path}: your ${names.join(', ')} replace${names.length === 1 ? 's' : ''} ${inc}'s rule of that name (make warns "overriding recipe"; templates ${to}'s never runs): delete yours to run the template's; to add a step, give it a prerequisite instead (${names[0]}: my-step)`);
  }
  return out;
}

/** Every path whose tracking decides dirtiness for a plan over these files: gather asks git about these before planning. */
export function dirtyCandidates(theirs: FilePlan, base: ReadonlyMap<string, BaselineEntry> | null): string[] {
  const paths = new Set([...theirs.files.map((f) => f.path), ...(base?.keys() ?? [])]);
  for (const p of [...paths]) if (!TOOL_FILES.has(p)) paths.add(`${p}.rej`);
  return [...paths].sort();
}

/** The actions that write, delete or stage something: what the journal carries. */
export function pendingActions(plan: RunPlan): FileAction[] {
  return plan.actions.filter((a) => a.write || a.remove || a.stages || a.rej);
}

export function planJson(plan: RunPlan): PlanJson {
  return {
    from: plan.from,
    to: plan.to,
    origin: plan.origin,
    adopting: plan.adopting,
    upToDate: plan.upToDate,
    baseline: plan.baseline,
    answers: plan.answers,
    files: actionsJson(plan.actions),
    recordFiles: plan.toolFiles.filter((f) => f.changed).map((f) => f.path),
    summary: counts(plan.actions),
    dirty: plan.dirty,
    warnings: plan.warnings,
  };
}

function keepInstead(a: FileAction, command: string): FileAction {
  if (!a.remove?.length) return a;
  if (a.action === 'remove') return { path: a.path, action: 'skip', reason: `${a.reason.replace(/;.*$/, '')}; pyservice ${command} never deletes, left as it is`, before: a.before };
  return { ...a, remove: undefined };
}

/**
 * The plan, made on repository-form content, in working-tree terms: what is written gets the working tree's
 * line endings, and every "before" is the bytes on disk (the journal checks them). Stages stay as they are.
 */
function inWorkTreeForm(actions: FileAction[], form: CheckoutForm | null, disk: (path: string) => OursState): FileAction[] {
  if (!form) return actions;
  const raw = (p: string): Buffer | null => {
    const st = disk(p);
    return st.kind === 'file' ? st.content : null;
  };
  return actions.map((a) => ({
    ...a,
    before: a.before === null ? null : raw(a.path),
    ...(a.write ? { write: { ...a.write, content: form.toWorkTree(a.write.content) } } : {}),
    ...(a.remove ? { remove: a.remove.map((r) => ({ ...r, before: raw(r.path) ?? r.before })) } : {}),
    ...(a.rej ? { rej: { ...a.rej, content: form.toWorkTree(a.rej.content) } } : {}),
  }));
}

/** The baseline and the record, rewritten by every run that changes anything (the record's toolVersion alone does not count). */
function toolFilesOf(plan: FilePlan, record: ProjectRecord | null, form: CheckoutForm | null, disk: (path: string) => OursState): ToolFile[] {
  return [BASELINE_FILE, RECORD_FILE].map((path) => {
    const f = plan.files.find((x) => x.path === path);
    if (!f) throw new Error(`the plan has no ${path}`);
    const st = disk(path);
    if (st.kind !== 'file' && st.kind !== 'missing') throw new UsageError(`${path} is not a regular file; pyservice will not write through it`);
    const before = st.kind === 'file' ? st.content : null;
    let changed = !before || !(form ? form.toRepo(before) : before).equals(f.content);
    if (changed && before && path === RECORD_FILE && record) changed = !recordContent({ ...record, toolVersion: 'x' }).equals(recordContent({ ...(JSON.parse(f.content.toString('utf8')) as ProjectRecord), toolVersion: 'x' }));
    return { path, content: form ? form.toWorkTree(f.content) : f.content, before, changed };
  });
}

function diffAnswers(before: Answers | undefined, after: Answers, newQuestions: Readonly<Record<string, ManifestAnswer>>): PlanJson['answers'] {
  const added: Record<string, unknown> = {};
  const changed: Record<string, { from: unknown; to: unknown }> = {};
  const b = (before ?? {}) as unknown as Record<string, unknown>;
  for (const [k, v] of Object.entries(after)) {
    if (k in newQuestions || (before && b[k] === undefined)) added[k] = v;
    else if (before && JSON.stringify(b[k]) !== JSON.stringify(v)) changed[k] = { from: b[k], to: v };
  }
  return { added, changed };
}

/**
 * The plan with its dirty paths: modified tracked files, and untracked files at paths the run would write (other
 * untracked files do not count). `git` is git's view of `dirtyCandidates()`.
 */
export function withDirty(plan: RunPlan, git: GitState, disk: (path: string) => OursState): RunPlan {
  if (plan.upToDate) return plan;
  const outsideSparse = plan.actions
    .filter((a) => a.action !== 'unchanged')
    .flatMap((a) => [a.path, ...(a.from ? [a.from] : []), ...(a.remove ?? []).map((r) => r.path)])
    .filter((p, i, all) => git.sparse.has(p) && all.indexOf(p) === i);
  return { ...plan, dirty: dirtyPaths(git, plan.actions, plan.toolFiles, disk), outsideSparse };
}

function dirtyPaths(git: GitState, actions: readonly FileAction[], tools: readonly ToolFile[], disk: (path: string) => OursState): string[] {
  const exists = (p: string) => disk(p).kind !== 'missing';
  const targets = new Set<string>();
  for (const a of actions) {
    if ((a.write || a.stages) && a.before !== null) targets.add(a.path);
    if (a.rej && exists(a.rej.path)) targets.add(a.rej.path);
    if (a.write && a.before === null && exists(a.path)) targets.add(a.path);
  }
  for (const f of tools) if (f.changed && f.before) targets.add(f.path);
  const untracked = [...targets].filter((p) => !git.tracked.has(p)).map((p) => `${p} (untracked; the update would write it)`);
  return [...git.modified.map((p) => `${p} (modified)`), ...untracked];
}
