import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSync } from '../exec/run.js';
import { checkProject } from '../update/check.js';
import { projectsBelow } from '../update/project.js';
import { compareVersions } from '../templates/template-set.js';
import { runUpdate, type UpdateRequest } from '../update/run-update.js';

/**
 * `pyservice check` / `pyservice update` over many repositories: one row per repository, never stopping at
 * the first failure. Every repository of one template source shares one tag listing and one template cache,
 * so checking twenty costs little more than checking one.
 */
export type CheckState = 'behind' | 'up-to-date' | 'conflicted' | 'failed';
export interface CheckRow {
  dir: string;
  status: CheckState;
  current: string | null;
  latest: string | null;
  source: string | null;
  message?: string;
}

export function checkMany(dirs: readonly string[], opts: { pre?: boolean } = {}): CheckRow[] {
  return dirs.map((dir) => {
    try {
      const gone = notADirectory(dir);
      if (gone) return { dir, status: 'failed', current: null, latest: null, source: null, message: gone };
      const s = checkProject(dir, opts);
      if (!s) return { dir, status: 'failed', current: null, latest: null, source: null, message: notAProject(dir, 'check') };
      const unmerged = unmergedPaths(s.dir);
      if (unmerged.length) return { dir, status: 'conflicted', current: s.current, latest: s.latest, source: s.source, message: `unresolved conflicts: ${unmerged.join(', ')}` };
      return { dir, status: s.upToDate ? 'up-to-date' : 'behind', current: s.current, latest: s.latest, source: s.source };
    } catch (err) {
      return { dir, status: 'failed', current: null, latest: null, source: null, message: oneLine(err) };
    }
  });
}

export type UpdateState = 'updated' | 'up-to-date' | 'conflicted' | 'failed';
export interface UpdateRow {
  dir: string;
  status: UpdateState;
  from: string | null;
  to: string | null;
  /** The branch the change was committed on (with --branch). */
  branch?: string;
  commit?: string;
  conflicts?: string[];
  message?: string;
}

export interface FleetUpdateOptions {
  /** Put each repository's change on this new branch and commit it (never pushed). */
  branch?: string;
  /** The template version to update to (default: the latest); a repository already at it or past it is up to date. */
  to?: string;
  pre?: boolean;
  trust?: boolean;
  allowDirty?: boolean;
  conflict?: 'inline' | 'rej';
}

/** runUpdate's output sink, kept quiet: the fleet report is the output. */
const quiet = (): Parameters<typeof runUpdate>[1] & { lines: string[] } => {
  const lines: string[] = [];
  return { lines, phase: (m) => lines.push(m), info: (m) => lines.push(m), warn: (m) => lines.push(`warning: ${m}`), error: (m) => lines.push(`error: ${m}`), raw: (t) => lines.push(t) };
};

export async function updateMany(dirs: readonly string[], opts: FleetUpdateOptions): Promise<UpdateRow[]> {
  const rows: UpdateRow[] = [];
  const branched = new Map<string, string>();
  for (const dir of dirs) rows.push(await updateOne(dir, opts, branched));
  return rows;
}

/**
 * One project. `branched` holds the working trees (by their top) where this run already made --branch: a monorepo
 * listed project by project gets one branch, each project's update committed on it (measured: the second project
 * failed with "a branch named … already exists"). Of a working tree's projects, the first conflicted one leaves
 * the branch to the team; the next ones of that tree are failed, unchanged.
 */
async function updateOne(dir: string, opts: FleetUpdateOptions, branched: Map<string, string> = new Map()): Promise<UpdateRow> {
  const req: UpdateRequest = { dir, to: opts.to, dryRun: false, diff: false, json: false, conflict: opts.conflict ?? 'inline', allowDirty: Boolean(opts.allowDirty), yes: false, given: {}, pre: opts.pre, trust: opts.trust };
  let previous: string | null = null;
  try {
    const gone = notADirectory(dir);
    if (gone) return { dir, status: 'failed', from: null, to: null, message: gone };
    const state = checkProject(dir);
    if (!state) return { dir, status: 'failed', from: null, to: null, message: notAProject(dir, 'update') };
    // A fleet moves to --to together: a repository already there, or past it (never moved back), has nothing to do.
    if (opts.to && compareVersions(state.current, opts.to) >= 0)
      return { dir, status: 'up-to-date', from: state.current, to: state.current, ...(state.current === opts.to ? {} : { message: `already past ${opts.to}` }) };
    if (opts.branch) {
      // The commit needs an identity: asked before anything changes (else the update was left staged on the branch)
      const unknown = ['GIT_AUTHOR_IDENT', 'GIT_COMMITTER_IDENT'].map((v) => git(dir, ['var', v])).find((r) => r.code !== 0);
      if (unknown)
        return {
          dir, status: 'failed', from: null, to: null,
          message: `git has no identity to commit with here (${lastLine(unknown.stderr)}); set user.name and user.email (git config --global), then rerun; nothing was changed`,
        };
      const top = git(dir, ['rev-parse', '--show-toplevel']).stdout.trim();
      const head = git(dir, ['symbolic-ref', '--quiet', '--short', 'HEAD']).stdout.trim() || null;
      const earlier = branched.get(top);
      if (earlier !== undefined && head === opts.branch) {
        const unmerged = unmergedPaths(top);
        if (unmerged.length)
          return {
            dir, status: 'failed', from: null, to: null,
            message: `not updated: ${earlier} left conflicts on ${opts.branch} in this repository (${unmerged.slice(0, 3).join(', ')}${unmerged.length > 3 ? ', …' : ''}); resolve and commit them, then rerun for this project; nothing was changed`,
          };
        // this run's branch, where an earlier project of the repository was committed: this one joins it
      } else if (head === opts.branch) {
        // Already on it: an earlier run of the same command made it (a CI retry, a run killed part way) or the
        // team switched to it. Measured: rerunning a finished 'update A B C --branch tnext' failed every row with
        // "cannot create branch tnext: a branch named 'tnext' already exists" (exit 1). The update goes on there,
        // unless the project's files differ from the branch's commit: a run killed between its update and its
        // commit left them staged, and the record already says the new version (the update would say up to date)
        const pending = git(dir, ['status', '--porcelain', '--untracked-files=no', '--', '.']);
        if (pending.code !== 0 || pending.stdout.trim())
          return {
            dir, status: 'failed', from: null, to: null,
            message: `HEAD is already on ${opts.branch}, where this project has changes not committed (an interrupted run of this command?); review them (git status), commit or drop them, then rerun; nothing was changed`,
          };
        branched.set(top, dir);
      } else {
        // where to go back when there is nothing to commit: the branch, or the commit of a detached HEAD
        const detachedAt = head ? '' : git(dir, ['rev-parse', '--verify', '-q', 'HEAD']).stdout.trim();
        previous = head ?? (detachedAt ? `--detach ${detachedAt}` : null);
        const sw = git(dir, ['switch', '-q', '-c', opts.branch]);
        if (sw.code !== 0) return { dir, status: 'failed', from: null, to: null, message: `cannot create branch ${opts.branch}: ${firstLine(sw.stderr)}` };
        branched.set(top, dir);
      }
    }
    const out = quiet();
    const result = await runUpdate(req, out);
    const conflicts = result.conflicts;
    if (result.status === 'up-to-date') {
      undoBranch(dir, opts.branch, previous);
      if (conflicts.length) return { dir, status: 'conflicted', from: result.from, to: result.to, conflicts, message: 'unresolved conflicts from an earlier update: resolve them, git add, then commit' };
      return { dir, status: 'up-to-date', from: result.from, to: result.to };
    }
    if (conflicts.length) return { dir, status: 'conflicted', from: result.from, to: result.to, conflicts, ...(opts.branch ? { branch: opts.branch } : {}), message: 'resolve the conflicts, git add, then commit' };
    if (!opts.branch) return { dir, status: 'updated', from: result.from, to: result.to };
    const name = checkProject(dir)?.source ?? 'create-pyservice';
    const msg = `chore(templates): update to templates ${result.to}`;
    const body = `Applied with pyservice update: templates ${result.from ?? '(adopted)'} → ${result.to} from ${name}.\nTeam edits were merged three ways; the baseline records the new render.`;
    const c = commitProject(dir, msg, body);
    if (c.code !== 0) return { dir, status: 'failed', from: result.from, to: result.to, branch: opts.branch, message: `the update is staged on ${opts.branch} but git commit failed: ${firstLine(c.stderr || c.stdout)}` };
    return { dir, status: 'updated', from: result.from, to: result.to, branch: opts.branch, commit: git(dir, ['rev-parse', 'HEAD']).stdout.trim() };
  } catch (err) {
    undoBranch(dir, opts.branch, previous);
    return { dir, status: 'failed', from: null, to: null, message: oneLine(err) };
  }
}

/**
 * Commits what the update staged in the project's folder and nothing else of the index. A plain `git commit` took
 * in whatever the team had staged elsewhere in the repository (measured: a monorepo's README.md, staged at the
 * top, went into "chore(templates): update to templates 1.6.0" of services/svc-beta). In a subfolder the commit is
 * made from a temporary index: HEAD's tree with the project's folder as the real index has it. The real index is
 * left as it was, so what was staged elsewhere is still staged, and the project's entries now equal the commit.
 */
function commitProject(dir: string, msg: string, body: string): { code: number; stdout: string; stderr: string } {
  const commit = ['commit', '-q', '--no-verify', '-m', msg, '-m', body];
  const prefix = git(dir, ['rev-parse', '--show-prefix']).stdout.trim().replace(/\/$/, '');
  if (!prefix) return git(dir, commit);
  const top = git(dir, ['rev-parse', '--show-toplevel']).stdout.trim();
  const entries = git(top, ['--literal-pathspecs', 'ls-files', '--stage', '-z', '--', prefix]);
  if (entries.code !== 0) return entries;
  const scratch = mkdtempSync(join(tmpdir(), 'pyservice-fleet-'));
  const env = { GIT_INDEX_FILE: join(scratch, 'index') };
  try {
    for (const step of [
      git(top, ['read-tree', 'HEAD'], env),
      git(top, ['--literal-pathspecs', 'rm', '-r', '-q', '--cached', '--ignore-unmatch', '--', prefix], env),
      git(top, ['update-index', '-z', '--index-info'], env, entries.raw),
    ])
      if (step.code !== 0) return step;
    return git(top, commit, env);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Back to the branch we started from, and the new (empty) branch deleted: a repository with nothing to do is left as it was. */
function undoBranch(dir: string, branch: string | undefined, previous: string | null): void {
  if (!branch || !previous) return;
  const head = git(dir, ['symbolic-ref', '--quiet', '--short', 'HEAD']).stdout.trim();
  if (head !== branch) return;
  // A detached HEAD is gone back to as it was (measured: a detached, up-to-date repository was left on the new
  // branch, its row saying no branch)
  const back = previous.startsWith('--detach ') ? ['switch', '-q', '--detach', previous.slice('--detach '.length)] : ['switch', '-q', previous];
  if (git(dir, back).code === 0) git(dir, ['branch', '-q', '-D', branch]);
}

function unmergedPaths(dir: string): string[] {
  const r = git(dir, ['ls-files', '--unmerged', '-z']);
  if (r.code !== 0) return [];
  return [...new Set(r.stdout.split('\0').filter(Boolean).map((l) => l.split('\t')[1]!))];
}

function git(cwd: string, args: string[], env?: Record<string, string>, input?: Buffer) {
  const r = runSync('git', args, { cwd, ...(env ? { env } : {}), ...(input ? { input } : {}) });
  return { code: r.exitCode, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8'), raw: r.stdout };
}

const firstLine = (s: string) => s.trim().split('\n')[0]?.replace(/^(fatal|error):\s*/, '') ?? '';
const lastLine = (s: string) => s.trim().split('\n').pop()?.replace(/^(fatal|error):\s*/, '') ?? '';
/** A table cell: a message's first line, its further lines (e.g. the paths a dirty tree has) joined after it with ", ". */
const oneLine = (err: unknown) => {
  const [first, ...rest] = ((err as Error).message ?? String(err)).split('\n').map((l) => l.trim()).filter(Boolean);
  return rest.length ? `${first} ${rest.join(', ')}` : (first ?? '');
};

/** A fixed-width table: one row per repository. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

/** A listed path that is not a directory (a typo in --from's list, a repository moved away), or null. */
function notADirectory(dir: string): string | null {
  try {
    if (statSync(dir).isDirectory()) return null;
    return 'not a directory; list the repository\'s folder instead';
  } catch {
    return 'no such directory; fix the path (a --from list\'s paths are relative to the list file)';
  }
}

/** A listed folder without a record: a monorepo's top names its projects (list them instead), any other is adopted. */
function notAProject(dir: string, command: 'check' | 'update'): string {
  const below = projectsBelow(dir);
  if (below.length) return `not a pyservice project (no .pyservice.json): a folder above projects; list them instead: ${below.slice(0, 5).map((p) => join(dir, p)).join(', ')}${below.length > 5 ? ` and ${below.length - 5} more` : ''}`;
  return command === 'check' ? 'not a pyservice project (no .pyservice.json)' : 'not a pyservice project (no .pyservice.json); adopt it with pyservice update in that directory';
}
