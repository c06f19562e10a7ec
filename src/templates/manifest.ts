import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../paths.js';
import { CI_REGISTRY, type CiProviderSpec } from '../ci/providers.js';
import { compareVersions, shippedSet, type TemplateSet } from './template-set.js';

export { compareVersions };

/**
 * A template version's manifest: which files a project gets, under which conditions, with which mode,
 * and how `pyservice update` treats them later. Read from templates/<version>/manifest.json.
 */
import type { UpdatePolicy } from '../types.js';
import { parseJson } from '../files/json.js';

export type { UpdatePolicy };

export interface ManifestEntry {
  /**
   * Path of the template file inside the version folder (`.ejs` is rendered, anything else is copied). For a
   * `program` entry, `programs/<program>` (set by readOwnManifest; shown in plans).
   */
  template: string;
  /**
   * Instead of a template: a program of the tool's own `programs/` folder (real Python with unit tests in
   * programs/tests), copied verbatim. Shipped templates only; a team template gets its own copy (template init).
   */
  program?: string;
  /** Destination path in the project; `{{importName}}` and `{{debName}}` are substituted. */
  path: string;
  /** Octal mode string, "644" (default) or "755". */
  mode?: string;
  /** `merge` (default): update merges template changes; `create-once`: written at creation, then the team's. */
  policy?: UpdatePolicy;
  /** All listed answer keys must equal one of the given values. */
  when?: Record<string, string | string[]>;
  /** `pyservice update` re-creates the file when the team deleted it (default: a deleted file stays deleted). */
  restore?: boolean;
  /**
   * With policy `create-once`, in a version where an older one owned the file (`merge`): the team's edits to
   * the old file are carried into the new one, at this line of it (update/handover.ts).
   */
  handover?: string;
  /**
   * The version folder that holds `template`. Set by loadManifest (an inherited entry's is its parent's); a manifest
   * may name an older version it extends to reuse that version's file under a new `when` (no copy to drift).
   */
  from?: string;
}

/** A question added by a template version: projects made before it get the default on update (or `--ask`). */
export interface ManifestAnswer {
  default: string;
  /** The prompt shown by `--ask`. */
  message: string;
  /** The only values allowed (template check renders each). */
  choices?: string[];
  /** A regular expression the whole answer must match. */
  pattern?: string;
}

/** Team defaults for the tool's own answers (see docs/template-format.md). */
export interface ManifestDefaults {
  indexUrl?: string;
  uploadUrl?: string;
  indexUser?: string;
  ci?: string;
  distro?: string;
  type?: string;
  /** Default email is <your git email's local part>@emailDomain unless your git email is already there. */
  emailDomain?: string;
  buildDeps?: string[];
}

export interface Manifest {
  version: string;
  /**
   * Inherit the files of an earlier version: its entries are kept (rendered from its folder) unless this
   * manifest lists an entry for the same path and `when` (an override), removes the path, or renames it.
   */
  extends?: string;
  files: ManifestEntry[];
  /** Destination renames in this version (since the previous one): old path pattern → new path pattern. */
  renames?: Record<string, string>;
  /** Destination path patterns of inherited entries this version no longer ships. */
  remove?: string[];
  /** Answers this version (or one it extends) added, with their defaults. */
  answers?: Record<string, ManifestAnswer>;
  /** Defaults for answers a team wants without flags (accumulate over `extends`). */
  defaults?: ManifestDefaults;
}

export function templateVersionDir(version: string, set: TemplateSet = shippedSet): string {
  return set.dir(version);
}

/** The tool's programs that projects get (`program` entries): programs/ at the package root. */
export function programsDir(): string {
  return join(packageRoot(), 'programs');
}

/** The file an entry of `version`'s (resolved) manifest is made from. */
export function entrySourceFile(entry: ManifestEntry, version: string, set: TemplateSet = shippedSet): string {
  if (entry.program !== undefined) return join(programsDir(), entry.program);
  return join(set.dir(entry.from ?? version), entry.template);
}

/** The manifest as written in <version>/manifest.json, without resolving `extends`. */
export function readOwnManifest(version: string, set: TemplateSet = shippedSet): Manifest {
  const file = join(set.dir(version), 'manifest.json');
  let m: Manifest;
  try {
    m = parseJson(readFileSync(file, 'utf8')) as Manifest;
  } catch (err) {
    throw new Error(`template ${version}${set.source ? ` of ${set.source}` : ''}: manifest.json cannot be read (${(err as Error).message})`);
  }
  // In a team's repository the tag names the version; the shipped folders must say their own name.
  if (set.source === null && m.version !== version) throw new Error(`templates/${version}/manifest.json says version ${m.version}`);
  if (!Array.isArray(m.files)) throw new Error(`template ${version}${set.source ? ` of ${set.source}` : ''}: manifest.json has no "files" list`);
  m.files = m.files.map((e) => {
    if (e.program === undefined) return e;
    if (set.source !== null) throw new Error(`template ${version} of ${set.source}: "program" entries are for create-pyservice's own templates; ship the file as a template`);
    if (typeof e.program !== 'string' || !/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(e.program)) throw new Error(`templates/${version}/manifest.json: program ${JSON.stringify(e.program)} must name a file in programs/`);
    return { ...e, template: `programs/${e.program}` };
  });
  for (const e of m.files) {
    for (const p of [e.template, e.path]) if (typeof p !== 'string' || !p || p.startsWith('/') || p.split(/[\\/]/).includes('..'))
      throw new Error(`template ${version}${set.source ? ` of ${set.source}` : ''}: manifest path ${JSON.stringify(p)} must be relative and stay inside its folder`);
  }
  return { ...m, version };
}

/**
 * A version's manifest with `extends` resolved: every entry carries `from`, the folder its template is in.
 * `renames` stays this version's own (update chains them version by version); `answers` accumulate.
 */
export function loadManifest(version: string, set: TemplateSet = shippedSet, seen: readonly string[] = []): Manifest {
  if (seen.includes(version)) throw new Error(`templates ${[...seen, version].join(' → ')}: "extends" loops`);
  // The shipped templates change only with the package: resolved once per version in a process (create asks for
  // the latest twice, and each resolve reads the whole extends chain). Shared, so callers never change it. A
  // team's set is read afresh: its folder can change under a running fleet or template command.
  if (set !== shippedSet) return resolveManifest(version, set, seen);
  const known = shippedResolved.get(version);
  if (known) return known;
  const m = resolveManifest(version, set, seen);
  shippedResolved.set(version, m);
  return m;
}

const shippedResolved = new Map<string, Manifest>();

function resolveManifest(version: string, set: TemplateSet, seen: readonly string[]): Manifest {
  const own = readOwnManifest(version, set);
  const ownFiles = own.files.map((e) => ({ ...e, from: e.from ?? version }));
  for (const e of ownFiles)
    if (e.from !== version && (!own.extends || compareVersions(e.from, own.extends) > 0))
      throw new Error(`templates ${version}: ${e.path} takes its template from ${e.from}, which is not a version it extends`);
  if (!own.extends) return { ...own, files: ownFiles };
  if (compareVersions(own.extends, version) >= 0) throw new Error(`templates ${version} extends ${own.extends}, which is not older`);
  const parent = loadManifest(own.extends, set, [...seen, version]);
  const removed = new Set(own.remove ?? []);
  const renames = own.renames ?? {};
  // An own entry overrides the inherited one with the same path and `when`.
  const key = (e: ManifestEntry) => `${e.path}\0${JSON.stringify(e.when ?? {})}`;
  const overridden = new Set(ownFiles.map(key));
  const inherited = parent.files
    .filter((e) => !removed.has(e.path))
    .map((e) => (renames[e.path] !== undefined ? { ...e, path: renames[e.path]! } : e))
    .filter((e) => !overridden.has(key(e)));
  for (const r of own.remove ?? []) if (!parent.files.some((e) => e.path === r)) throw new Error(`templates ${version} removes ${r}, which ${own.extends} does not have`);
  return { ...own, files: [...inherited, ...ownFiles], answers: { ...parent.answers, ...own.answers }, defaults: { ...parent.defaults, ...own.defaults } };
}

/**
 * The project types a version's files are for (every `when.type` of its resolved manifest), or null when no
 * file names a type (a team's set that makes one kind of project): a type outside the list renders a project
 * without sources, tests or debian/ (templates 1.1.0 have no tool).
 */
export function manifestTypes(m: Manifest): string[] | null {
  return whenValues(m, 'type');
}

/** The CI providers a manifest writes a pipeline for (`when: { ci }` entries); null when it names none (a team template without CI files). */
export function manifestProviders(m: Manifest): string[] | null {
  return whenValues(m, 'ci');
}

/** Every value a manifest's `when.<answer>` conditions name, in order of first use; null when none names it. */
function whenValues(m: Manifest, answer: string): string[] | null {
  const values = new Set<string>();
  for (const e of m.files) {
    const w = e.when?.[answer];
    for (const v of w === undefined ? [] : Array.isArray(w) ? w : [w]) values.add(v);
  }
  return values.size ? [...values] : null;
}

/**
 * Why a template version cannot give a project CI provider `ci`, or null: a provider is added in some template
 * version, and the versions before it have no pipeline for it (rendered anyway, the project got no CI file and a
 * README describing another provider's). `available` is oldest first, so the hint names the first version with it.
 */
export function providerOfVersionProblem(ci: string, version: string, available: readonly string[], set: TemplateSet = shippedSet): string | null {
  const providers = manifestProviders(loadManifest(version, set));
  if (!providers || providers.includes(ci) || (CI_REGISTRY as Readonly<Record<string, CiProviderSpec>>)[ci]?.file === null) return null;
  const since = available.find((v) => manifestProviders(loadManifest(v, set))?.includes(ci));
  return (
    `templates ${version} have no ${ci} pipeline (only ${providers.join(', ')}); ` +
    (since ? `use --template-version ${since} or later, or another --ci` : `choose --ci ${[...providers, 'none'].join(', ')}`)
  );
}

/** Shipped template versions, oldest first. */
export function shippedTemplateVersions(): string[] {
  return shippedSet.versions();
}

/** The newest version of a set (releases only unless `pre`). */
export function latestTemplateVersion(set: TemplateSet = shippedSet, pre = false): string {
  const all = set.versions(pre);
  const last = all[all.length - 1];
  if (!last) throw new Error(set.source ? `template source ${set.source} has no version tags (v1.0.0 or 1.0.0); tag a release first` : 'no template versions shipped');
  return last;
}

/** A template question's own validators (manifest `choices` / `pattern`): one line naming the fix, or null. */
export function manifestAnswerProblem(key: string, q: ManifestAnswer, v: string): string | null {
  if (q.choices?.length && !q.choices.includes(v)) return `${key} must be one of ${q.choices.join(', ')} (got ${JSON.stringify(v)})`;
  if (q.pattern && !new RegExp(`^(?:${q.pattern})$`).test(v)) return `${key} ${JSON.stringify(v)} does not match ${q.pattern}; ${q.message}`;
  return null;
}
