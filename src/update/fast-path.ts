import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../apply/atomic.js';
import { packageRoot, templatesRoot, toolVersion } from '../paths.js';
import { programsDir } from '../templates/manifest.js';
import { BASELINE_FILE, sha256 } from './baseline.js';

/**
 * `pyservice update` with nothing to do, found out without rendering the templates.
 *
 * When the full plan finds a project up to date, its record and baseline equal the new render, so the template
 * side of every file is unchanged (base = theirs). Then no working-tree state can give the plan anything to do
 * but one: a deleted file whose manifest entry says `restore`. So the verdict "up to date" holds for as long as
 * every input of the render is the same — the record's and the baseline's bytes, the templates, this build of
 * the tool — whatever the user does to other files. The verdict is kept in the git directory (never tracked)
 * under a key of those inputs, with the restore paths to check; the next no-op run reads two files, hashes
 * them, stats the templates and is done. Anything different (an edited record, a new tool version or template,
 * answers given as flags, a team's template source, CRLF checkouts) takes the full path, which decides.
 */
const VERDICT_FILE = 'pyservice-update.verified';
const RECORD_FILE = '.pyservice.json';

interface Verdict {
  key: string;
  restore: string[];
}

/** The key of a no-op verdict for this project now (and its template version), or null when the fast path does not apply to it. */
export function noOpKey(projectDir: string): { key: string; templateVersion: string } | null {
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
  const h = createHash('sha256');
  for (const part of ['pyservice-no-op 1', toolVersion(), buildStamp(), templatesStamp(), sha256(record), sha256(baseline)]) h.update(part).update('\0');
  return { key: h.digest('hex'), templateVersion: parsed.templateVersion };
}

/** True when a full plan found this key up to date and no file it would restore is missing. */
export function knownUpToDate(gitDir: string, projectDir: string, key: string): boolean {
  let v: Verdict;
  try {
    v = JSON.parse(readFileSync(join(gitDir, VERDICT_FILE), 'utf8')) as Verdict;
  } catch {
    return false;
  }
  return v.key === key && Array.isArray(v.restore) && v.restore.every((p) => typeof p === 'string' && exists(join(projectDir, p)));
}

/** Keeps the verdict of a full plan that found the project up to date (best effort: a cache). */
export function rememberUpToDate(gitDir: string, key: string, restore: Iterable<string>): void {
  try {
    writeFileAtomic(join(gitDir, VERDICT_FILE), JSON.stringify({ key, restore: [...restore].sort() } satisfies Verdict) + '\n', 0o644);
  } catch {
    /* a read-only git directory only costs the next run the full plan */
  }
}

/** This build of the tool: the running code and the precompiled templates (rewritten by every build). */
function buildStamp(): string {
  return [fileURLToPath(import.meta.url), join(packageRoot(), 'dist', 'templates.compiled.cjs')].map(statStamp).join(' ');
}

/** Every template file's and every shipped program's (programs/) path, size and modification time. */
function templatesStamp(): string {
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

function statStamp(path: string): string {
  try {
    const st = lstatSync(path);
    return `${st.size}:${st.mtimeMs}`;
  } catch {
    return '-';
  }
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
