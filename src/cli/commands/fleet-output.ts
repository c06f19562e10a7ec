import type { CheckRow, FleetUpdateOptions, UpdateRow } from '../../fleet/fleet.js';
import { table, updateMany } from '../../fleet/fleet.js';
import { EXIT, UsageError } from '../errors.js';
import type { Output } from '../output.js';

/** The fleet's directories; a bad list is bad usage (exit 2). */
export async function fleetDirs(positionals: string[], from: string | undefined): Promise<string[]> {
  const { repoList } = await import('../../fleet/repos.js');
  const dirs = repoList(positionals, from);
  if (!dirs.length) throw new UsageError('no repositories given: pass directories or --from FILE');
  return dirs;
}

/** `pyservice update DIR DIR…` (or --from FILE): each repository in turn, then the table or JSON; the exit code. */
export async function updateFleet(positionals: string[], from: string | undefined, opts: FleetUpdateOptions, json: boolean, out: Output): Promise<number> {
  const rows = await updateMany(await fleetDirs(positionals, from), opts);
  out.raw(updateReport(rows, json));
  return updateExit(rows);
}

/** Fleet reports: a table for people, JSON for bots; and the exit code of the whole run. */
export function checkReport(rows: readonly CheckRow[], json: boolean): string {
  if (json) return JSON.stringify(rows, null, 2) + '\n';
  const body = rows.map((r) => [r.dir, r.status, r.current ?? '-', r.latest ?? '-', r.message ?? (r.source ?? 'shipped')]);
  return table(['repository', 'status', 'current', 'latest', 'source / problem'], body) + summary(rows.map((r) => r.status));
}

export function updateReport(rows: readonly UpdateRow[], json: boolean): string {
  if (json) return JSON.stringify(rows, null, 2) + '\n';
  const body = rows.map((r) => [r.dir, r.status, `${r.from ?? '-'} → ${r.to ?? '-'}`, r.branch ?? '-', r.conflicts?.length ? `conflicts: ${r.conflicts.join(', ')}` : (r.message ?? r.commit?.slice(0, 12) ?? '')]);
  return table(['repository', 'status', 'templates', 'branch', 'commit / problem'], body) + summary(rows.map((r) => r.status));
}

function summary(states: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const s of states) counts.set(s, (counts.get(s) ?? 0) + 1);
  return `${states.length} repositories: ${[...counts].map(([k, n]) => `${n} ${k}`).join(', ')}\n`;
}

/** check: 1 if any failed, else 3 if any is behind or conflicted, else 0. */
export function checkExit(rows: readonly CheckRow[]): number {
  if (rows.some((r) => r.status === 'failed')) return EXIT.failure;
  return rows.some((r) => r.status !== 'up-to-date') ? EXIT.behind : EXIT.ok;
}

/** update: 0 when every repository is updated or up to date, 1 when any failed or was left with conflicts. */
export function updateExit(rows: readonly UpdateRow[]): number {
  return rows.every((r) => r.status === 'updated' || r.status === 'up-to-date') ? EXIT.ok : EXIT.failure;
}
