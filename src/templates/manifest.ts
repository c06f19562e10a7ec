import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { templatesRoot } from '../paths.js';

/**
 * A template version's manifest: which files a project gets, under which conditions, with which mode,
 * and how `pyservice update` treats them later. Read from templates/<version>/manifest.json.
 */
import type { UpdatePolicy } from '../types.js';

export type { UpdatePolicy };

export interface ManifestEntry {
  /** Path of the template file inside the version folder (`.ejs` is rendered, anything else is copied). */
  template: string;
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
  /** Set by loadManifest: the version folder that holds `template` (an inherited entry's is its parent's). */
  from?: string;
}

/** A question added by a template version: projects made before it get the default on update (or `--ask`). */
export interface ManifestAnswer {
  default: string;
  /** The prompt shown by `--ask`. */
  message: string;
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
}

export function templateVersionDir(version: string): string {
  return join(templatesRoot(), version);
}

/** The manifest as written in templates/<version>/manifest.json, without resolving `extends`. */
export function readOwnManifest(version: string): Manifest {
  const raw = readFileSync(join(templateVersionDir(version), 'manifest.json'), 'utf8');
  const m = JSON.parse(raw) as Manifest;
  if (m.version !== version) throw new Error(`templates/${version}/manifest.json says version ${m.version}`);
  return m;
}

/**
 * A version's manifest with `extends` resolved: every entry carries `from`, the folder its template is in.
 * `renames` stays this version's own (update chains them version by version); `answers` accumulate.
 */
export function loadManifest(version: string, seen: readonly string[] = []): Manifest {
  if (seen.includes(version)) throw new Error(`templates ${[...seen, version].join(' → ')}: "extends" loops`);
  const own = readOwnManifest(version);
  const ownFiles = own.files.map((e) => ({ ...e, from: version }));
  if (!own.extends) return { ...own, files: ownFiles };
  if (compareVersions(own.extends, version) >= 0) throw new Error(`templates ${version} extends ${own.extends}, which is not older`);
  const parent = loadManifest(own.extends, [...seen, version]);
  const removed = new Set(own.remove ?? []);
  const renames = own.renames ?? {};
  const sameKey = (x: ManifestEntry, y: ManifestEntry) => x.path === y.path && JSON.stringify(x.when ?? {}) === JSON.stringify(y.when ?? {});
  const inherited = parent.files
    .filter((e) => !removed.has(e.path))
    .map((e) => (renames[e.path] !== undefined ? { ...e, path: renames[e.path]! } : e))
    .filter((e) => !ownFiles.some((o) => sameKey(o, e)));
  for (const r of own.remove ?? []) if (!parent.files.some((e) => e.path === r)) throw new Error(`templates ${version} removes ${r}, which ${own.extends} does not have`);
  return { ...own, files: [...inherited, ...ownFiles], answers: { ...parent.answers, ...own.answers } };
}

/** Semver-ish compare of x.y.z strings. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

/** Shipped template versions, oldest first. */
export function shippedTemplateVersions(): string[] {
  return readdirSync(templatesRoot(), { withFileTypes: true })
    .filter((d) => d.isDirectory() && /^\d+\.\d+\.\d+$/.test(d.name))
    .map((d) => d.name)
    .sort(compareVersions);
}

export function latestTemplateVersion(): string {
  const all = shippedTemplateVersions();
  const last = all[all.length - 1];
  if (!last) throw new Error('no template versions shipped');
  return last;
}
