import type { FilePlan } from '../plan/file-plan.js';
import { mergeAddAdd, unifiedDiff } from './merge.js';

import { BASELINE_FILE } from '../update/baseline.js';
import { isBinary } from '../merge/lines.js';

/**
 * What `pyservice deb` does to each planned file, decided from the plan and what is on disk. Pure.
 *   create     the file is missing: written from the template
 *   unchanged  identical to the plan: left alone
 *   conflict   differs: rewritten with the team's content kept and each difference marked (git style)
 *   update     the record of an earlier `pyservice deb` run: replaced by the new one
 *   keep       left alone on purpose (e.g. a record from `create-pyservice`, which `pyservice update` owns)
 */
export type DebActionKind = 'create' | 'unchanged' | 'conflict' | 'update' | 'keep';

export interface DebAction {
  path: string;
  kind: DebActionKind;
  /** Bytes to write (create, conflict, update). */
  content?: Buffer;
  mode: number;
  conflicts?: number;
  /** Unified diff from the file on disk to the template's version (conflict, update). */
  diff?: string;
  note?: string;
}

export interface ExistingFile {
  content: Buffer;
  mode: number;
}

/** `recordFile` is file-plan's RECORD_FILE, passed in so this module loads without the template engine. */
export function planDebActions(plan: FilePlan, existing: (path: string) => ExistingFile | null, recordFile: string): DebAction[] {
  return plan.files.map((f): DebAction => {
    const have = existing(f.path);
    if (!have) return { path: f.path, kind: 'create', content: f.content, mode: f.mode };
    if (have.content.equals(f.content)) return { path: f.path, kind: 'unchanged', mode: have.mode };
    const diff = unifiedDiff(have.content.toString('utf8'), f.content.toString('utf8'), `${f.path} (yours)`, `${f.path} (templates ${plan.templateVersion})`);
    if (f.path === BASELINE_FILE) {
      // pyservice update's merge base: replaced after an earlier deb run, kept in a project update maintains
      const record = existing(recordFile);
      if (!record || recordOrigin(record.content) === 'deb') return { path: f.path, kind: 'update', content: f.content, mode: have.mode, diff };
      return { path: f.path, kind: 'keep', mode: have.mode, note: `${BASELINE_FILE} belongs to pyservice update; left as it is` };
    }
    if (f.path === recordFile) {
      if (recordOrigin(have.content) === 'deb') return { path: f.path, kind: 'update', content: f.content, mode: have.mode, diff };
      return { path: f.path, kind: 'keep', mode: have.mode, note: `${recordFile} is not from pyservice deb; left as it is (pyservice update maintains it)` };
    }
    if (isBinary(have.content)) return { path: f.path, kind: 'keep', mode: have.mode, note: `${f.path} is not text; left as it is` };
    const merged = mergeAddAdd(have.content.toString('utf8'), f.content.toString('utf8'), `${f.path} (yours)`, `${f.path} (pyservice deb, templates ${plan.templateVersion})`);
    return { path: f.path, kind: 'conflict', content: Buffer.from(merged.text, 'utf8'), mode: have.mode, conflicts: merged.conflicts, diff };
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

export function writes(actions: readonly DebAction[]): DebAction[] {
  return actions.filter((a) => a.content !== undefined && (a.kind === 'create' || a.kind === 'conflict' || a.kind === 'update'));
}
