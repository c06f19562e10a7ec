import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { deriveNames } from '../answers/names.js';
import type { Answers, Output, UpdateRequest } from '../types.js';

export type { UpdateRequest };
import { answerPairProblems, answersProblems } from '../answers/validate.js';
import { defaultAnswers } from '../answers/defaults.js';
import { UsageError } from '../errors.js';
import { askForUpdate, askIdentity } from '../answers/questions.js';
import { toolVersion } from '../paths.js';
import { BASELINE_FILE, destinationPath, entryApplies, planProject, RECORD_FILE, type FilePlan, type ProjectRecord } from '../plan/file-plan.js';
import { compareVersions, latestTemplateVersion, loadManifest, providerOfVersionProblem, readOwnManifest } from '../templates/manifest.js';
import { shippedSet, type TemplateSet } from '../templates/template-set.js';
import { openSource } from '../template-sources/open.js';
import { parseSource, SHIPPED } from '../template-sources/spec.js';
import { requireTrust } from '../template-sources/trust.js';
import { BaselineFormatError, parseBaseline, sha256, type BaselineEntry } from './baseline.js';
import { modifiedTrackedFiles, trackedAmong } from './git-ops.js';
import { gitIdentity } from '../apply/git.js';
import type { OursState } from '../types.js';
import type { GitState, RunPlanInput } from './plan-run.js';
import { parseRecord, projectsBelow, projectsHint, RecordError } from './project.js';
import { readOurs, type WriteTarget } from './worktree.js';
import { checkoutForm } from './line-endings.js';
import { prefillAnswers } from './adopt.js';

/**
 * Step 1 of `pyservice update` (gather → plan → apply): everything the plan needs from the disk, git and the
 * person at the terminal — the record (or adoption's prefilled answers), the template versions, the answers,
 * the new render, the baseline, the working tree's reader and git's view of it. Planning (plan-run.ts) is pure.
 */

/** For tests: replace the template side (e.g. a template change no shipped version makes). */
export interface UpdateHooks {
  plan?: (record: ProjectRecord, only?: (path: string) => boolean) => FilePlan;
  renames?: Map<string, string>;
  now?: Date;
  env?: NodeJS.ProcessEnv;
  readMetadata?: (dir: string) => Promise<import('../python/metadata.js').MetadataReading>;
}

export const debianOnly = (path: string) => path.startsWith('debian/');
const TOOL_FILES = new Set([RECORD_FILE, BASELINE_FILE]);

export async function gatherUpdate(req: UpdateRequest, out: Output, hooks: UpdateHooks, repo: WriteTarget, now: Date): Promise<RunPlanInput> {
  const projectDir = repo.root;
  // The record, or adoption of a repository the tool did not create
  const warnings: string[] = [];
  const record = readProjectRecord(projectDir);
  const adopting = record === null;

  // Versions: newer only, from the project's own template source (the shipped set unless recorded)
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

  // Answers: recorded (or prefilled), flags, new questions' defaults, --ask
  const manifest = loadManifest(to, set);
  const newQuestions = Object.fromEntries(Object.entries(manifest.answers ?? {}).filter(([k]) => (record?.answers as unknown as Record<string, unknown> | undefined)?.[k] === undefined));
  let answers: Answers;
  let missing: (keyof Answers)[] = [];
  if (record) {
    answers = { ...record.answers, ...req.given };
    // A service `pyservice deb` made before templates 1.3.0 runs the upstream project's program as well; its record
    // predates the answer that says so (templates 1.3.0 read it: DAEMON_ARGS, no generated settings or man page)
    if (record.origin === 'deb' && answers.type === 'service' && answers.adopted === undefined && from !== to) answers.adopted = true;
  } else {
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
  } else if (adopting && missing.length && !req.yes) {
    // Above a monorepo's projects (its top, or a folder between), adopting makes this folder a project of its own
    const start = req.dir ?? process.cwd();
    const below = projectsBelow(start);
    if (below.length)
      throw new UsageError(
        `${projectDir} has no .pyservice.json, and adopting it would make it a project of its own; ${projectsHint(below, 'pyservice update')}; to adopt it anyway, pass ${missing.map((k) => `--${k}`).join(' and ')} or --yes`,
      );
    throw new UsageError(`adopting this repository needs ${missing.map((k) => `--${k}`).join(' and ')} (nothing to ask on without --ask and a terminal), or --yes for defaults`);
  }
  if (record) {
    for (const k of ['name', 'type'] as const)
      if (answers[k] !== record.answers[k]) throw new UsageError(`update cannot change the project's ${k} (${record.answers[k]} → ${answers[k]}); generate a new project instead`);
  }
  const problems = answersProblems(answers);
  if (adopting && !problems.length) {
    const layout = flatLayoutProblem(projectDir, answers.name);
    if (layout) throw new UsageError(layout);
  }
  // A flag that changes one of a pair is checked with its partner (a recorded pair is left as it was answered)
  if (!problems.length && (['indexUrl', 'uploadUrl', 'indexUser', 'pythonMinimum', 'distro'] as const).some((k) => req.given[k] !== undefined && req.given[k] !== record?.answers[k]))
    problems.push(...answerPairProblems(answers));
  // A --ci the target version has no pipeline for (a provider added in a later version): said, never a project without CI
  if (!problems.length && req.given.ci !== undefined) {
    const problem = providerOfVersionProblem(answers.ci, to, set.versions(true), set);
    if (problem) problems.push(problem);
  }
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

  // Theirs (the new render), base (the recorded baseline), ours (the disk), and git's view of them
  const form = await checkoutForm(projectDir, [BASELINE_FILE, RECORD_FILE]); // core.autocrlf=true clones
  const disk = (p: string) => readOurs(projectDir, p);
  const renderPlan = hooks.plan ?? planProject;
  const theirs = renderPlan(newRecord, only);
  const { entries: base, source: baselineSource } = record ? loadBase(record, only, renderPlan, warnings, set, disk, form) : { entries: null, source: 'none' as const };
  const renames = hooks.renames ?? (from ? renamesBetween(from, to, answers, set) : new Map<string, string>());
  const restore = new Set(manifest.files.filter((e) => e.restore && entryApplies(e, answers)).map((e) => destinationPath(e.path, answers)));
  return {
    command: 'update',
    from,
    to,
    origin,
    record,
    answers,
    newQuestions,
    theirs,
    base,
    baselineSource,
    warnings,
    disk,
    form,
    renames,
    restore,
    conflictStyle: req.conflict,
    ownsToolFiles: true,
    neverDelete: false,
  };
}

/** The project's record; null when there is none (adoption). A record that is not a regular file or not ours is bad input. */
export function readProjectRecord(projectDir: string): ProjectRecord | null {
  try {
    const st = readOurs(projectDir, RECORD_FILE);
    if (st.kind === 'symlink' || st.kind === 'not-file' || st.kind === 'blocked')
      throw new UsageError(`${RECORD_FILE} is not a regular file; pyservice will not read or write through it`);
    return st.kind === 'file' ? parseRecord(st.content.toString('utf8'), RECORD_FILE) : null;
  } catch (err) {
    if (err instanceof RecordError) throw new UsageError(err.message);
    throw err;
  }
}

/** git's view of the paths a plan may write: tracked files with changes, and which of `candidates` git tracks. */
export async function gitState(projectDir: string, candidates: readonly string[]): Promise<GitState> {
  const [modified, { tracked, sparse }] = await Promise.all([modifiedTrackedFiles(projectDir), trackedAmong(projectDir, candidates)]);
  return { modified, tracked, sparse };
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
export function loadBase(
  record: ProjectRecord,
  only: ((p: string) => boolean) | undefined,
  renderPlan: (record: ProjectRecord, only?: (path: string) => boolean) => FilePlan,
  warnings: string[],
  set: TemplateSet,
  disk: (path: string) => OursState,
  form: { toRepo(b: Buffer): Buffer } | null,
): { entries: Map<string, BaselineEntry> | null; source: 'recorded' | 're-rendered' | 'none' } {
  const keep = (p: string) => !TOOL_FILES.has(p) && (!only || only(p));
  const raw = disk(BASELINE_FILE);
  const st = raw.kind === 'file' && form ? { ...raw, content: form.toRepo(raw.content) } : raw;
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


/**
 * Adopting a project whose code is not under src/: the templates build src/<import>/ only (their setup.py's
 * package_dir), and make a stub package there. Measured (walk3): borgmatic 1.9.14 and gunicorn 23.0.0, adopted
 * with --yes, got src/borgmatic/ (the stub service) beside borgmatic/ and a setup.py; `pip wheel .` then failed
 * ("package directory 'src/borgmatic/config' does not exist"). `pyservice deb` packages such a project as it is.
 */
export function flatLayoutProblem(projectDir: string, name: string): string | null {
  const imp = deriveNames(name).importName;
  const own = existsSync(join(projectDir, imp, '__init__.py')) ? `${imp}/` : existsSync(join(projectDir, `${imp}.py`)) ? `${imp}.py` : null;
  if (!own || existsSync(join(projectDir, 'src', imp))) return null;
  return (
    `this project's code (${own}) is outside src/, and the templates build src/${imp}/ only: adopting would add a stub src/${imp}/ and a setup.py ` +
    `for it, and the project would stop building its own code; add debian/ to it as it is with pyservice deb, or start from create-pyservice and move your code in; nothing was written`
  );
}
