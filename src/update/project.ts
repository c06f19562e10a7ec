import { existsSync } from 'node:fs';
import { readRegularText } from '../files/read-regular.js';
import { dirname, join, resolve } from 'node:path';
import { PROJECT_TYPES, type Answers } from '../answers/types.js';
import { defaultAnswers } from '../answers/defaults.js';
import { AnswersShapeError, answersFromJson } from '../answers/shape.js';
import type { ProjectRecord } from '../types.js';
import { RECORD_FILE } from '../plan/tool-files.js';
import { parseSource, SourceError } from '../template-sources/spec.js';
import { parseJson } from '../files/json.js';
import { runSync } from '../exec/run.js';

/**
 * Reading a project's record (`.pyservice.json`). Kept apart from the template engine so `pyservice check`
 * loads in a few milliseconds.
 */
export class RecordError extends Error {}

/** Walks up from `start` to the directory holding `.pyservice.json`, not past the repository's top (`.git`). */
export function findProjectDir(start: string): string | null {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, RECORD_FILE))) return dir;
    const up = dirname(dir);
    if (existsSync(join(dir, '.git')) || up === dir) return null;
    dir = up;
  }
}

export function parseRecord(text: string, where: string): ProjectRecord {
  let r: unknown;
  try {
    r = parseJson(text);
  } catch (err) {
    throw new RecordError(`${where} is not valid JSON (${(err as Error).message}); fix it or restore it from git`);
  }
  const rec = r as Partial<ProjectRecord>;
  if (!rec || typeof rec !== 'object' || rec.tool !== 'create-pyservice') throw new RecordError(`${where} is not a create-pyservice record`);
  if (typeof rec.templateVersion !== 'string' || !/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(rec.templateVersion)) throw new RecordError(`${where} has no valid templateVersion`);
  const template = recordedTemplate(rec.template, where);
  if (!rec.answers || typeof rec.answers !== 'object') throw new RecordError(`${where} has no answers`);
  let a: Partial<Answers>;
  try {
    // The same shape rules as an --answers file: types per key, no secret-looking key (it would be re-staged).
    a = answersFromJson(rec.answers, `${where} answers`, 'keep', 'fix it or restore it from git');
  } catch (err) {
    if (err instanceof AnswersShapeError) throw new RecordError(err.message);
    throw err;
  }
  if (typeof a.name !== 'string' || !(PROJECT_TYPES as readonly string[]).includes(a.type as string)) throw new RecordError(`${where}: answers need a name and a type`);
  // Records written before an answer existed lack it: the tool's defaults fill the gap.
  const answers = { ...defaultAnswers({ dirName: a.name }), ...a } as Answers;
  return {
    tool: 'create-pyservice',
    toolVersion: typeof rec.toolVersion === 'string' ? rec.toolVersion : '0.0.0',
    templateVersion: rec.templateVersion,
    created: typeof rec.created === 'string' && !Number.isNaN(Date.parse(rec.created)) ? rec.created : new Date(0).toISOString(),
    origin: rec.origin === 'deb' ? 'deb' : 'create',
    ...(template ? { template } : {}),
    answers,
  };
}

/** The record's template source, checked like a --template value (a source holding credentials is refused). */
function recordedTemplate(t: unknown, where: string): ProjectRecord['template'] {
  if (t === undefined || t === null) return undefined;
  const o = t as { source?: unknown; commit?: unknown };
  if (typeof o !== 'object' || typeof o.source !== 'string' || !o.source) throw new RecordError(`${where}: "template" needs a "source" string`);
  try {
    const spec = parseSource(o.source);
    if (spec.kind === 'shipped') return undefined;
  } catch (err) {
    if (err instanceof SourceError) throw new RecordError(`${where}: ${err.message}`);
    throw err;
  }
  return { source: o.source, ...(typeof o.commit === 'string' && /^[0-9a-f]{40,64}$/.test(o.commit) ? { commit: o.commit } : {}) };
}

export function readRecord(projectDir: string): ProjectRecord | null {
  const text = readRegularText(join(projectDir, RECORD_FILE), RECORD_FILE);
  return text === null ? null : parseRecord(text, RECORD_FILE);
}

/**
 * The pyservice projects inside `dir` (folders below it holding `.pyservice.json` that git tracks or would add),
 * relative to `dir`, sorted: in a monorepo's top (or any folder above its projects) "adopt it with pyservice
 * update" would make that folder a project of its own; the messages name these instead. Empty outside git.
 */
export function projectsBelow(dir: string): string[] {
  let r;
  try {
    r = runSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', `:(glob)**/${RECORD_FILE}`], { cwd: dir, timeoutMs: 10_000 });
  } catch {
    return [];
  }
  if (r.exitCode !== 0) return [];
  const dirs = r.stdout.toString('utf8').split('\0').filter((p) => p.includes('/')).map((p) => dirname(p));
  return [...new Set(dirs)].sort();
}

/** "A, B and 3 more" → the projects as a command's arguments (at most five), for one line. */
export function projectsHint(projects: readonly string[], command: string): string {
  const shownDirs = projects.slice(0, 5).map((p) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(p) ? p : `'${p.replace(/'/g, "'\\''")}'`));
  const more = projects.length > 5 ? ` (and ${projects.length - 5} more: --from FILE lists them all)` : '';
  return `its projects are below it (${projects.slice(0, 5).join(', ')}${projects.length > 5 ? ', …' : ''}): run ${command} ${shownDirs.join(' ')}${more}`;
}
