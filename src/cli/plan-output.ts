import type { FilePlan } from '../plan/file-plan.js';

/** Human-readable file plan for --dry-run: mode, size, path. */
export function formatPlan(plan: FilePlan, dir: string): string {
  const width = Math.max(...plan.files.map((f) => String(f.content.length).length));
  const lines = plan.files.map((f) => `  ${f.mode.toString(8)}  ${String(f.content.length).padStart(width)}  ${f.path}`);
  const total = plan.files.reduce((s, f) => s + f.content.length, 0);
  return `Would write ${plan.files.length} files (${total} bytes) to ${dir} (templates ${plan.templateVersion}):\n${lines.join('\n')}\nNothing was written (--dry-run).\n`;
}
