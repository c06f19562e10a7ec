import type { FileAction, FileActionKind } from '../types.js';
import { unifiedDiff } from '../merge/unified.js';

/** How the plan and the summary look: text for people (--dry-run, the summary), JSON for bots (--json). */

export const ACTION_LABEL: Record<FileActionKind, string> = {
  update: 'updated',
  merge: 'merged',
  conflict: 'conflicted',
  add: 'added',
  remove: 'removed',
  rename: 'renamed',
  skip: 'skipped',
  unchanged: 'unchanged',
};
const ORDER: FileActionKind[] = ['update', 'merge', 'conflict', 'add', 'remove', 'rename', 'skip', 'unchanged'];

export function counts(actions: readonly FileAction[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of ORDER) out[ACTION_LABEL[k]] = actions.filter((a) => a.action === k).length;
  return out;
}

export function summaryLine(actions: readonly FileAction[]): string {
  const c = counts(actions);
  return ORDER.filter((k) => k !== 'unchanged')
    .map((k) => `${c[ACTION_LABEL[k]]} ${ACTION_LABEL[k]}`)
    .join(', ');
}

function name(a: FileAction): string {
  return a.from ? `${a.from} → ${a.path}` : a.path;
}

/** One line per file that changes or is skipped: label, path, reason. */
export function actionLines(actions: readonly FileAction[], withReasons: boolean): string[] {
  const shown = actions.filter((a) => a.action !== 'unchanged').sort((x, y) => ORDER.indexOf(x.action) - ORDER.indexOf(y.action) || (x.path < y.path ? -1 : 1));
  const width = Math.max(0, ...shown.map((a) => name(a).length));
  return shown.map((a) => `  ${ACTION_LABEL[a.action].padEnd(10)}  ${withReasons ? name(a).padEnd(width) + '  ' + a.reason : name(a)}`);
}

/** Unified diffs of what the update would do to each file (from what is there now). */
export function planDiffs(actions: readonly FileAction[]): string {
  const parts: Buffer[] = [];
  for (const a of actions) {
    if (a.write) parts.push(unifiedDiff(a.before ?? Buffer.alloc(0), a.write.content, a.before ? `a/${a.from ?? a.path}` : '/dev/null', `b/${a.path}`));
    for (const r of a.remove ?? []) if (r.path !== a.from) parts.push(unifiedDiff(r.before, Buffer.alloc(0), `a/${r.path}`, '/dev/null'));
    if (a.rej) parts.push(unifiedDiff(Buffer.alloc(0), a.rej.content, '/dev/null', `b/${a.rej.path}`));
  }
  return Buffer.concat(parts).toString('utf8');
}

export interface PlanJson {
  from: string | null;
  to: string;
  origin: 'create' | 'deb';
  adopting: boolean;
  upToDate: boolean;
  baseline: 'recorded' | 're-rendered' | 'none';
  answers: { added: Record<string, unknown>; changed: Record<string, { from: unknown; to: unknown }> };
  files: { path: string; action: FileActionKind; reason: string; from?: string; mode?: string; conflicts?: number; binary?: boolean; rej?: string }[];
  recordFiles: string[];
  summary: Record<string, number>;
  dirty: string[];
  warnings: string[];
}

export function actionsJson(actions: readonly FileAction[]): PlanJson['files'] {
  return actions.map((a) => ({
    path: a.path,
    action: a.action,
    reason: a.reason,
    ...(a.from ? { from: a.from } : {}),
    ...(a.write ? { mode: a.write.mode.toString(8) } : {}),
    ...(a.conflicts ? { conflicts: a.conflicts } : {}),
    ...(a.binary ? { binary: true } : {}),
    ...(a.rej ? { rej: a.rej.path } : {}),
  }));
}

/** The plan as --dry-run and --diff print it. */
export function planText(plan: PlanJson, actions: readonly FileAction[], from: string | null, to: string): string {
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
