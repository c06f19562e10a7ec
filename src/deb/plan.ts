import type { Answers, FilePlan, ProjectRecord } from '../types.js';
import type { BaselineEntry } from '../update/baseline.js';
import { planRun, type RunPlan } from '../update/plan-run.js';
import type { OursState } from '../types.js';

/**
 * `pyservice deb` is an adoption limited to debian/: its plan is update's (update/plan-run.ts), made from the
 * render of the deb answers, with one action vocabulary and one writer. Pure.
 *   - no earlier deb run (no record, or another command's): no base, so an existing file is merged as "both
 *     added" (the team's lines kept, each difference a conflict); another command's record and baseline are left alone;
 *   - after an earlier deb run: its baseline is the base of a three-way merge, as in `pyservice update`, so the
 *     team's own edits stay without conflicts and only lines both sides changed conflict;
 *   - nothing is ever deleted, and conflict markers name the file: `<<<<<<< debian/control (yours)`.
 */
export interface DebPlanInput {
  /** The render of the deb answers: debian/ (and pip.conf with --index-url), the baseline and the record. */
  theirs: FilePlan;
  answers: Answers;
  /** `.pyservice.json` as found (null: none). */
  recordBytes: Buffer | null;
  /** That record, parsed, when an earlier `pyservice deb` wrote it. */
  earlier: ProjectRecord | null;
  base: ReadonlyMap<string, BaselineEntry> | null;
  baselineSource: 'recorded' | 're-rendered' | 'none';
  warnings: readonly string[];
  disk: (path: string) => OursState;
}

export function planDeb(inp: DebPlanInput): RunPlan {
  const to = inp.theirs.templateVersion;
  return planRun({
    command: 'deb',
    from: inp.earlier?.templateVersion ?? null,
    to,
    origin: 'deb',
    record: inp.earlier,
    answers: inp.answers,
    newQuestions: {},
    theirs: inp.theirs,
    base: inp.earlier ? inp.base : null,
    baselineSource: inp.earlier ? inp.baselineSource : 'none',
    warnings: inp.warnings,
    disk: inp.disk,
    form: null,
    renames: new Map(),
    restore: new Set(),
    conflictStyle: 'inline',
    markerLabels: (path) => ({ ours: `${path} (yours)`, theirs: `${path} (pyservice deb, templates ${to})` }),
    ownsToolFiles: inp.recordBytes === null || recordOrigin(inp.recordBytes) === 'deb',
    neverDelete: true,
  });
}

/** The `origin` of an existing `.pyservice.json`, or null when it is not one of ours. */
export function recordOrigin(content: Buffer): string | null {
  try {
    const r = JSON.parse(content.toString('utf8')) as { tool?: unknown; origin?: unknown };
    return r.tool === 'create-pyservice' && typeof r.origin === 'string' ? r.origin : null;
  } catch {
    return null;
  }
}

/** The project type an existing `.pyservice.json` records (service, library, tool), or null. */
export function recordType(content: Buffer): string | null {
  try {
    const r = JSON.parse(content.toString('utf8')) as { tool?: unknown; answers?: { type?: unknown } };
    return r.tool === 'create-pyservice' && typeof r.answers?.type === 'string' ? r.answers.type : null;
  } catch {
    return null;
  }
}

/** The `created` time of an earlier deb run, reused so a re-run renders the same changelog date. */
export function recordCreated(content: Buffer): string | null {
  try {
    const r = JSON.parse(content.toString('utf8')) as { tool?: unknown; origin?: unknown; created?: unknown };
    return r.tool === 'create-pyservice' && r.origin === 'deb' && typeof r.created === 'string' && !Number.isNaN(Date.parse(r.created)) ? r.created : null;
  } catch {
    return null;
  }
}
