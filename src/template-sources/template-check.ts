import { crypto } from '../lazy.js';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { writeFileAtomic } from '../apply/atomic.js';
import { defaultAnswers } from '../answers/defaults.js';
import { CI_PROVIDERS, PROJECT_TYPES, type Answers } from '../answers/types.js';
import { DISTROS } from '../answers/distros.js';
import { answersProblems } from '../answers/validate.js';
import { completeAnswers, type ProjectRecord } from '../plan/file-plan.js';
import { packageRoot } from '../paths.js';
import { loadManifest, manifestAnswerProblem, type Manifest, type ManifestAnswer } from '../templates/manifest.js';
import { compareVersions, type TemplateSet } from '../templates/template-set.js';
import { renderManyIsolated } from './isolated-render.js';
import { openSource, workingTreeSet } from './open.js';
import { parseSource } from './spec.js';
import { parseJson } from '../files/json.js';

/**
 * `pyservice template check DIR`: validates a team's template working tree before it is tagged.
 *  - manifest.json against docs/template-manifest.schema.json;
 *  - every .ejs file: no `<%=` (HTML escaping is wrong for every format we write), and no free-text answer
 *    printed raw with `<%-` unless through an escaper `esc.*(…)`;
 *  - every file renders for every answer combination the manifest allows (type × CI × distro × index ×
 *    each question's `choices`), bounded: above `max` combinations a fixed-seed sample that still covers
 *    every value;
 *  - goldens.json: the recorded output hash of each version and combination; a version whose output
 *    changed is reported (released versions must render the same bytes forever).
 * Rendering runs in the scrubbed render child, like every non-shipped render.
 */
export type ProblemKind = 'schema' | 'html-escape' | 'unescaped' | 'render' | 'answers' | 'golden';
export interface TemplateProblem {
  kind: ProblemKind;
  message: string;
  file?: string;
  line?: number;
}
export interface TemplateCheckReport {
  dir: string;
  version: string;
  combinations: number;
  possible: number;
  seed: number | null;
  goldens: { version: string; status: 'match' | 'changed' | 'written' | 'unavailable' }[];
  problems: TemplateProblem[];
}
export interface TemplateCheckOptions {
  max?: number;
  seed?: number;
  writeGoldens?: boolean;
}

export const GOLDENS_FILE = 'goldens.json';
/** Answers whose values are validated to a closed set or a strict format (no quotes, blanks or newlines). */
const VALIDATED_ANSWERS = new Set(['type', 'name', 'ci', 'distro', 'version', 'email', 'url', 'indexUrl', 'uploadUrl', 'indexUser', 'buildDeps', 'pythonMinimum', 'scriptExtras', 'ignoreRequirementsTxt', 'adopted', 'buildFromIndex', 'debianVersion']); // scriptExtras: PEP 685 names, debianVersion: debian/pyservice-version's forms (answers/validate.ts)
const CHECK_CREATED = '2026-01-01T00:00:00.000Z';

export function checkTemplate(dir: string, opts: TemplateCheckOptions = {}): TemplateCheckReport {
  const problems: TemplateProblem[] = [];
  const set = checkedSet(dir);
  const version = set.versions(true).at(-1)!;
  problems.push(...schemaProblems(join(dir, 'manifest.json')));
  let manifest: Manifest;
  try {
    manifest = loadManifest(version, set);
  } catch (err) {
    problems.push({ kind: 'schema', file: 'manifest.json', message: (err as Error).message });
    return { dir, version, combinations: 0, possible: 0, seed: null, goldens: [], problems };
  }
  for (const file of ejsFiles(dir)) problems.push(...tagProblems(file, readFileSync(join(dir, file), 'utf8'), manifest));
  for (const [key, q] of Object.entries(manifest.answers ?? {})) {
    const problem = questionProblem(key, q);
    if (problem) problems.push({ kind: 'schema', file: 'manifest.json', message: problem });
  }

  const { combos, possible, seed } = combinations(manifest, opts.max ?? 256, opts.seed ?? 1);
  const goldens = readGoldens(dir);
  const versions = [version, ...Object.keys(goldens).filter((v) => v !== version && set.versions(true).includes(v))];
  const report: TemplateCheckReport = { dir, version, combinations: combos.length, possible, seed, goldens: [], problems };
  const fresh: Record<string, string> = {};
  for (const v of versions) {
    const m = v === version ? manifest : loadManifest(v, set);
    const records = combos.map((c) => recordFor(v, m, c));
    const bad = records.map((r) => answersProblems(r.answers)).find((p) => p.length);
    if (bad) problems.push({ kind: 'answers', file: 'manifest.json', message: `the manifest's defaults give invalid answers: ${bad[0]}` });
    const outcomes = renderManyIsolated(records, set);
    const hashes: Record<string, string> = {};
    outcomes.forEach((o, i) => {
      const key = comboKey(combos[i]!);
      if ('error' in o) {
        if (v === version) problems.push({ kind: 'render', message: `${key}: ${o.error}` });
      } else hashes[key] = outputHash(o.files);
    });
    if (v === version) Object.assign(fresh, hashes);
    const stored = goldens[v];
    if (!stored) {
      if (v === version && opts.writeGoldens && !problems.length) {
        writeFileAtomic(join(dir, GOLDENS_FILE), JSON.stringify({ ...goldens, [v]: hashes }, null, 2) + '\n');
        report.goldens.push({ version: v, status: 'written' });
      }
      continue;
    }
    const changed = Object.entries(stored).filter(([k, h]) => hashes[k] !== undefined && hashes[k] !== h).map(([k]) => k);
    if (changed.length) problems.push({ kind: 'golden', file: GOLDENS_FILE, message: `templates ${v} render differently than recorded for ${changed.length} combination(s), e.g. ${changed[0]}; a released version must not change (make a new version instead)` });
    report.goldens.push({ version: v, status: changed.length ? 'changed' : 'match' });
  }
  return report;
}

/** The working tree's version, with the repository's tagged versions beside it (for `extends` and goldens). */
function checkedSet(dir: string): TemplateSet {
  const working = workingTreeSet(dir);
  const version = working.versions(true).at(-1)!;
  let tagged: TemplateSet | null = null;
  if (existsSync(join(dir, '.git'))) {
    try {
      tagged = openSource({ ...parseSource(dir), kind: 'local' });
      if (tagged.source === working.source && !tagged.versions(true).length) tagged = null;
    } catch {
      tagged = null;
    }
  }
  const tags = () => {
    try {
      return tagged?.versions(true) ?? [];
    } catch {
      return [];
    }
  };
  return {
    source: dir,
    versions: (pre = true) => [...new Set([...tags(), ...working.versions(pre)])].sort(compareVersions),
    dir: (v) => (v === version ? dir : tagged ? tagged.dir(v) : working.dir(v)),
    commit: () => null,
  };
}

/** A question whose pattern does not compile, or whose default its own validators refuse. */
function questionProblem(key: string, q: ManifestAnswer): string | null {
  if (q.pattern !== undefined) {
    try {
      new RegExp(q.pattern);
    } catch (err) {
      return `answers.${key}.pattern is not a regular expression: ${(err as Error).message}`;
    }
  }
  const p = manifestAnswerProblem(key, q, q.default);
  return p ? `answers.${key}: the default fails its own check (${p})` : null;
}

type Combo = Record<string, string>;

export function combinations(manifest: Manifest, max: number, seed: number): { combos: Combo[]; possible: number; seed: number | null } {
  const dims: [string, readonly string[]][] = [
    ['type', PROJECT_TYPES],
    ['ci', CI_PROVIDERS],
    ['distro', Object.keys(DISTROS)],
    ['indexUrl', ['', 'https://pypi.example.test/simple/']],
    ...Object.entries(manifest.answers ?? {}).filter(([, q]) => q.choices?.length).map(([k, q]) => [k, q.choices!] as [string, readonly string[]]),
  ];
  let all: Combo[] = [{}];
  for (const [k, values] of dims) all = all.flatMap((c) => values.map((v) => ({ ...c, [k]: v })));
  if (all.length <= max) return { combos: all, possible: all.length, seed: null };
  // Fixed-seed shuffle, then make sure every value of every dimension appears at least once.
  let s = seed >>> 0;
  const rand = () => ((s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 4294967296);
  const shuffled = all.map((c) => ({ c, r: rand() })).sort((x, y) => x.r - y.r).map((x) => x.c);
  const picked = shuffled.slice(0, max);
  for (const [k, values] of dims) for (const v of values) if (!picked.some((c) => c[k] === v)) picked.push(shuffled.find((c) => c[k] === v)!);
  return { combos: picked, possible: all.length, seed };
}

function recordFor(version: string, manifest: Manifest, combo: Combo): ProjectRecord {
  const base = defaultAnswers({ dirName: combo.type === 'library' ? 'demo-lib' : 'demo-service', gitName: 'Template Check', gitEmail: 'check@example.test' });
  const { emailDomain, ...defaults } = manifest.defaults ?? {};
  const answers = { ...base, ...defaults, ...(emailDomain ? { email: `check@${emailDomain.replace(/^@/, '')}` } : {}), ...combo } as unknown as Answers;
  if (answers.indexUrl) answers.uploadUrl = answers.uploadUrl || answers.indexUrl.replace(/simple\/?$/, '');
  return { tool: 'create-pyservice', toolVersion: '0.0.0', templateVersion: version, created: CHECK_CREATED, origin: 'create', answers: completeAnswers(answers, manifest) };
}

const comboKey = (c: Combo) => Object.entries(c).map(([k, v]) => `${k}=${v || '(none)'}`).join(',');

function outputHash(files: { path: string; mode: number; content: Buffer }[]): string {
  const h = crypto().createHash('sha256');
  for (const f of [...files].sort((a, b) => (a.path < b.path ? -1 : 1))) h.update(`${f.path}\0${f.mode.toString(8)}\0${f.content.length}\0`).update(f.content);
  return h.digest('hex');
}

function readGoldens(dir: string): Record<string, Record<string, string>> {
  const file = join(dir, GOLDENS_FILE);
  if (!existsSync(file)) return {};
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, Record<string, string>>;
}

function ejsFiles(root: string, rel = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(root, rel), { withFileTypes: true })) {
    if (e.name === '.git' || e.name === 'node_modules') continue;
    const p = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...ejsFiles(root, p));
    else if (e.name.endsWith('.ejs')) out.push(p);
  }
  return out.sort();
}

/** `<%=` anywhere, and `<%-` printing a free-text answer without an escaper. */
export function tagProblems(file: string, text: string, manifest: Pick<Manifest, 'answers'>): TemplateProblem[] {
  const out: TemplateProblem[] = [];
  const lineOf = (i: number) => text.slice(0, i).split('\n').length;
  const closed = new Set([...VALIDATED_ANSWERS, ...Object.entries(manifest.answers ?? {}).filter(([, q]) => q.choices?.length || q.pattern).map(([k]) => k)]);
  for (const m of text.matchAll(/<%([=\-_#%]?)([\s\S]*?)[-_]?%>/g)) {
    const [, kind, body] = m;
    if (kind === '=') out.push({ kind: 'html-escape', file, line: lineOf(m.index!), message: `uses <%= (HTML escaping); print with <%- esc.<format>(…) %> instead` });
    if (kind !== '-') continue;
    const expr = body!.trim();
    if (/^(esc\.\w+|include)\s*\(/.test(expr)) continue;
    for (const ref of expr.matchAll(/\ba(?:\.(\w+)|\[)/g)) {
      const key = ref[1];
      const compared = key !== undefined && new RegExp(`\\ba\\.${key}\\s*(===|!==|==|!=)`).test(expr.slice(ref.index!));
      if (key !== undefined && (closed.has(key) || compared)) continue;
      out.push({ kind: 'unescaped', file, line: lineOf(m.index!), message: `prints the answer ${key ?? '(computed key)'} without an escaper; wrap it: <%- esc.<format>(a.${key ?? '…'}) %>` });
      break;
    }
  }
  return out;
}

function schemaProblems(file: string): TemplateProblem[] {
  let data: unknown;
  try {
    data = parseJson(readFileSync(file, 'utf8'));
  } catch (err) {
    return [{ kind: 'schema', file: 'manifest.json', message: `not valid JSON: ${(err as Error).message}` }];
  }
  // ajv: the reference validator for the JSON schema the docs publish (loaded only by `template check`).
  const require = createRequire(import.meta.url);
  const Ajv = require('ajv') as new (o: object) => { compile(s: object): ((d: unknown) => boolean) & { errors?: { instancePath: string; message?: string }[] } };
  const schema = JSON.parse(readFileSync(manifestSchemaPath(), 'utf8')) as object;
  const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
  if (validate(data)) return [];
  return (validate.errors ?? []).map((e) => ({ kind: 'schema' as const, file: 'manifest.json', message: `${e.instancePath || '(top)'} ${e.message ?? 'is invalid'}` }));
}

export function manifestSchemaPath(): string {
  return join(packageRoot(), 'docs', 'template-manifest.schema.json');
}
