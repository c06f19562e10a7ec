import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isCheckout, packageRoot, templatesRoot, toolVersion } from '../paths.js';
import { BASELINE_FILE, RECORD_FILE } from '../plan/tool-files.js';
import { programsDir } from '../templates/manifest.js';
import { lockHeld } from './lock.js';
import { findProjectDir } from './project.js';
import { findRepo, journalDir, type WriteTarget } from './worktree.js';
import type { Output } from '../types.js';
import type { UpdateRequest } from '../types.js';
import type { UpdateHooks } from './gather.js';

/**
 * `pyservice update` with nothing to do, found out without rendering the templates.
 *
 * When the full plan finds a project up to date, its record and baseline equal the new render, so the template
 * side of every file is unchanged (base = theirs). Then no working-tree state can give the plan anything to do
 * but one: a deleted file whose manifest entry says `restore`. So the verdict "up to date" holds for as long as
 * every input of the render is the same — the record's and the baseline's bytes, the templates, this build of
 * the tool — whatever the user does to other files. The verdict is kept in the git directory (never tracked):
 * those inputs byte for byte, and the restore paths to check. The next no-op run reads the record, the baseline
 * and the verdict, compares, stats the templates and is done, without loading the template engine or a hash.
 * Anything different (an edited record, a new tool version or template, answers given as flags, a team's
 * template source, CRLF checkouts) takes the full path, which decides.
 */
const VERDICT_FILE = 'pyservice-update.verified';

/** What a no-op verdict depends on, read now; null when the fast path does not apply to this project. */
export interface NoOpInputs {
  stamp: string;
  record: Buffer;
  baseline: Buffer;
  templateVersion: string;
}

export function noOpInputs(projectDir: string): NoOpInputs | null {
  const record = regularFile(join(projectDir, RECORD_FILE));
  const baseline = regularFile(join(projectDir, BASELINE_FILE));
  if (!record || !baseline || record.includes(13) || baseline.includes(13)) return null; // CR: line endings depend on git config
  let parsed: { template?: unknown; templateVersion?: unknown };
  try {
    parsed = JSON.parse(record.toString('utf8')) as typeof parsed;
  } catch {
    return null;
  }
  if (parsed.template !== undefined || typeof parsed.templateVersion !== 'string') return null; // a team's source renders elsewhere
  return { stamp: ['pyservice-no-op 1', toolVersion(), buildStamp(), templatesStamp()].join('\n'), record, baseline, templateVersion: parsed.templateVersion };
}

/** The verdict file's bytes: a JSON header line (stamp, restore paths, the record's length), then the record and the baseline. */
export function verdictContent(inputs: NoOpInputs, restore: Iterable<string>): Buffer {
  const header = JSON.stringify({ stamp: inputs.stamp, restore: [...restore].sort(), recordLength: inputs.record.length });
  return Buffer.concat([Buffer.from(header + '\n', 'utf8'), inputs.record, inputs.baseline]);
}

export const verdictPath = (gitDir: string) => join(gitDir, VERDICT_FILE);

/** True when a full plan found these very inputs up to date and no file it would restore is missing. */
export function knownUpToDate(gitDir: string, projectDir: string, inputs: NoOpInputs): boolean {
  let bytes: Buffer;
  try {
    bytes = readFileSync(verdictPath(gitDir));
  } catch {
    return false;
  }
  const nl = bytes.indexOf(10);
  if (nl < 0) return false;
  let header: { stamp?: unknown; restore?: unknown; recordLength?: unknown };
  try {
    header = JSON.parse(bytes.subarray(0, nl).toString('utf8')) as typeof header;
  } catch {
    return false;
  }
  const rest = bytes.subarray(nl + 1);
  return (
    header.stamp === inputs.stamp &&
    header.recordLength === inputs.record.length &&
    rest.length === inputs.record.length + inputs.baseline.length &&
    rest.subarray(0, inputs.record.length).equals(inputs.record) &&
    rest.subarray(inputs.record.length).equals(inputs.baseline) &&
    Array.isArray(header.restore) &&
    header.restore.every((p) => typeof p === 'string' && exists(join(projectDir, p)))
  );
}

/** runUpdate's result (UpdateResult) for a run that found nothing to do. */
export interface NoOpResult {
  status: 'up-to-date';
  from: string;
  to: string;
  actions: [];
  conflicts: [];
}

/**
 * A plain `pyservice update` (answers are the record's: no flags that change the plan) that is known to have
 * nothing to do: says so and returns the result; else null, and runUpdate's full path decides. The CLI calls this
 * before loading the rest of the update machinery (scripts/bundle.mjs gives this module a bundle of its own).
 */
export function settleNoOp(req: UpdateRequest, out: Output, hooks: UpdateHooks = {}): NoOpResult | null {
  const version = isPlain(req, hooks) ? quickNoOp(req.dir ?? process.cwd()) : null;
  if (!version) return null;
  out.phase(`Already up to date (templates ${version}); nothing to do`);
  return { status: 'up-to-date', from: version, to: version, actions: [], conflicts: [] };
}

/** A run whose answers and target are the record's: the only kind whose "up to date" verdict is kept and reused. */
export function isPlain(req: UpdateRequest, hooks: UpdateHooks = {}): boolean {
  return !(req.dryRun || req.diff || req.json) && !req.ask && !req.to && !req.pre && Object.keys(req.given).length === 0 && !hooks.plan && !hooks.renames;
}

/**
 * The whole fast path for a plain `pyservice update` in `start`: the template version when the project is known
 * to be up to date, else null (the full path decides: no repository, a live run holding the lock, an interrupted
 * run to finish, or no verdict for these inputs).
 */
export function quickNoOp(start: string): string | null {
  const git = findRepo(start);
  if (!git) return null;
  const target: WriteTarget = { root: findProjectDir(start) ?? git.root, gitDir: git.gitDir };
  if (lockHeld(target) || existsSync(journalDir(target))) return null;
  const inputs = noOpInputs(target.root);
  return inputs && knownUpToDate(git.gitDir, target.root, inputs) ? inputs.templateVersion : null;
}

/**
 * This build of the tool. Every build (`npm run build`) rewrites dist/templates.compiled/BUILD, and every install
 * writes it anew (a new inode and change time, whatever mtime `npm pack` stamped), so its identity stands for
 * the build's code as well: the same whichever bundle runs this (the fast path's own or the rest of update's).
 */
function buildStamp(): string {
  const path = join(packageRoot(), 'dist', 'templates.compiled', 'BUILD');
  try {
    const st = lstatSync(path);
    return `${path}:${st.size}:${st.mtimeMs}:${st.ctimeMs}:${st.ino}`;
  } catch {
    return '-';
  }
}

/**
 * Every template file's and every shipped program's (programs/) path, size and modification time, in a
 * development checkout, where they are edited without a rebuild. An installed package's templates change only
 * with the package, which the tool's version and the build stamp already cover: walking ~100 files there cost
 * a no-op update ~4 ms of its ~25 ms above a bare `node -e 0`.
 */
function templatesStamp(): string {
  if (!isCheckout()) return 'installed';
  const parts: string[] = [];
  const walk = (root: string, rel: string) => {
    let names: string[];
    try {
      names = readdirSync(join(root, rel)).sort();
    } catch {
      return;
    }
    for (const name of names) {
      const p = rel ? `${rel}/${name}` : name;
      const st = lstatSync(join(root, p));
      if (st.isDirectory()) walk(root, p);
      else parts.push(`${p}:${st.size}:${st.mtimeMs}`);
    }
  };
  for (const root of [templatesRoot(), programsDir()]) {
    parts.push(`${root}:`);
    walk(root, '');
  }
  return parts.join('\n');
}


function regularFile(path: string): Buffer | null {
  try {
    return lstatSync(path).isFile() ? readFileSync(path) : null;
  } catch {
    return null;
  }
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}
