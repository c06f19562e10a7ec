import type { Answers, FilePlan, PlannedFile, ProjectRecord } from '../types.js';
import { deriveNames } from '../answers/names.js';
import { loadManifest, type Manifest, type ManifestEntry } from '../templates/manifest.js';
import { buildContext, prepareEntry, renderEntry } from '../templates/render.js';
import { shippedSet, type TemplateSet } from '../templates/template-set.js';
import { setForSource } from '../template-sources/open.js';
import { parseSource } from '../template-sources/spec.js';
import { isTrusted, UntrustedSourceError } from '../template-sources/trust.js';
import { renderIsolated } from '../template-sources/isolated-render.js';
import { ANSWER_KEYS } from '../answers/defaults.js';
import { serializeBaseline } from '../update/baseline.js';
import { BASELINE_FILE, RECORD_FILE } from './tool-files.js';
import { plannedPathProblem } from './planned-path.js';
import { FailureError } from '../errors.js';

export { BASELINE_FILE, RECORD_FILE };
export type { FilePlan, PlannedFile, ProjectRecord };


/**
 * Whether an entry's `when` holds for the answers: each listed answer equals the value or one of the values. An
 * answer the project does not have compares as "false" (`"adopted": "false"`: every project but a service adopted
 * by `pyservice deb`).
 */
export function entryApplies(entry: ManifestEntry, answers: Answers): boolean {
  if (!entry.when) return true;
  return Object.entries(entry.when).every(([key, want]) => {
    const have = String((answers as unknown as Record<string, unknown>)[key] ?? false);
    return Array.isArray(want) ? want.includes(have) : have === want;
  });
}

export function destinationPath(pattern: string, answers: Answers): string {
  const n = deriveNames(answers.name);
  return pattern.replace(/\{\{importName\}\}/g, n.importName).replace(/\{\{debName\}\}/g, n.debName);
}

/** The record as JSON, answers in a fixed key order, so the same record always gives the same bytes. */
export function recordContent(record: ProjectRecord): Buffer {
  const answers = record.answers as unknown as Record<string, unknown>;
  const keys = [...ANSWER_KEYS.filter((k) => k in answers), ...Object.keys(answers).filter((k) => !(ANSWER_KEYS as readonly string[]).includes(k)).sort()];
  const ordered = Object.fromEntries(keys.map((k) => [k, answers[k]]));
  return Buffer.from(JSON.stringify({ ...record, answers: ordered }, null, 2) + '\n', 'utf8');
}

/** Answers with the defaults of questions the template version added that the answers lack (older records). */
export function completeAnswers(answers: Answers, manifest: Manifest): Answers {
  const out = { ...answers } as unknown as Record<string, unknown>;
  for (const [key, q] of Object.entries(manifest.answers ?? {})) if (out[key] === undefined) out[key] = q.default;
  return out as unknown as Answers;
}

/**
 * The template files a record renders to (no baseline, no record): the part that runs template code. With `only`,
 * a file whose destination it rejects is not rendered at all (the deb flow renders debian/, not the whole project).
 */
export function renderFiles(record: ProjectRecord, manifest: Manifest, set: TemplateSet, only?: (path: string) => boolean): PlannedFile[] {
  const ctx = buildContext(record.answers, { templateVersion: record.templateVersion, toolVersion: record.toolVersion, created: record.created });
  const files: PlannedFile[] = [];
  for (const entry of manifest.files) {
    if (!entryApplies(entry, record.answers)) continue;
    const path = destinationPath(entry.path, record.answers);
    checkPlannedPath(path, record.templateVersion, set);
    if (only && !only(path)) continue;
    files.push({
      path,
      content: renderEntry(entry, record.templateVersion, ctx, set),
      mode: entry.mode === '755' ? 0o755 : 0o644,
      policy: entry.policy ?? 'merge',
      template: entry.template,
      ...(entry.handover !== undefined ? { handover: entry.handover } : {}),
    });
  }
  return files;
}

/** Every planned path is a plain path inside the project (planned-path.ts), whatever the manifest's paths and renames say. */
function checkPlannedPath(path: string, version: string, set: TemplateSet): void {
  const problem = plannedPathProblem(path);
  if (problem) throw new FailureError(`templates ${version}${set.source ? ` of ${set.source}` : ''} plan a file outside the project: ${problem}; fix the template's manifest (its path or renames)`);
}

/**
 * Loads what rendering the shipped `version` reads before any template code runs — its manifest and the compiled
 * function of each template whose path pattern `only` accepts (as planProject's `only`; `debian/{{debName}}.links`
 * counts as under debian/) — and renders nothing. The deb flow calls it while its metadata subprocess runs, so
 * the render after the read is the template code alone. The manifest is read again by planProject (~1 ms).
 */
export function prepareRender(version: string, only?: (path: string) => boolean): void {
  for (const entry of loadManifest(version, shippedSet).files) if (!only || only(entry.path)) prepareEntry(entry, version, shippedSet);
}

/**
 * Answers → file plan. Pure: reads only the templates, writes nothing. The shipped templates render in this
 * process; a team's (record.template.source) only when the user trusts the source, and in a child process
 * whose environment holds no secret (template code is code: see template-sources/isolated-render.ts).
 * `only` restricts the plan to destination paths for which it returns true (the deb flow uses debian/ only).
 */
export function planProject(inputRecord: ProjectRecord, only?: (path: string) => boolean): FilePlan {
  return withToolFiles(renderProject(inputRecord, only));
}

/** A project's rendered files, before the tool's own files (baseline and record) are added by withToolFiles. */
export interface RenderedProject {
  record: ProjectRecord;
  files: PlannedFile[];
}

/** The first half of planProject: the record with its answers completed, and the template files rendered. */
export function renderProject(inputRecord: ProjectRecord, only?: (path: string) => boolean): RenderedProject {
  const set = setForSource(inputRecord.template?.source);
  const manifest = loadManifest(inputRecord.templateVersion, set);
  const record: ProjectRecord = { ...inputRecord, answers: completeAnswers(inputRecord.answers, manifest) };
  let rendered: PlannedFile[];
  if (set.source === null) rendered = renderFiles(record, manifest, set, only);
  else {
    if (!isTrusted(parseSource(set.source))) throw new UntrustedSourceError(set.source);
    const commit = set.commit(record.templateVersion);
    record.template = { source: set.source, ...(commit ? { commit } : {}) };
    rendered = renderIsolated(record, set);
  }
  // Again on what a team's render child sent back: that process ran the team's code.
  for (const f of rendered) checkPlannedPath(f.path, record.templateVersion, set);
  return { record, files: rendered.filter((f) => !only || only(f.path)) };
}

/**
 * The second half: adds the baseline (see update/baseline.ts: these renders are the base of the next
 * `pyservice update`) and the record, and sorts. Separate so that create can write the rendered files while
 * this hashes them (loading node:crypto alone costs a bare `node -e 0`'s fifth here).
 */
export function withToolFiles({ record, files: rendered }: RenderedProject): FilePlan {
  const files = [...rendered];
  files.push({ path: BASELINE_FILE, content: serializeBaseline(record.templateVersion, files), mode: 0o644, policy: 'merge', template: '(baseline)' });
  files.push({ path: RECORD_FILE, content: recordContent(record), mode: 0o644, policy: 'merge', template: '(record)' });
  const seen = new Set<string>();
  for (const f of files) {
    if (seen.has(f.path)) throw new Error(`template ${record.templateVersion} plans ${f.path} twice`);
    seen.add(f.path);
  }
  files.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
  return { templateVersion: record.templateVersion, files };
}
