import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { templatesRoot } from '../paths.js';

/**
 * A template version's manifest: which files a project gets, under which conditions, with which mode,
 * and how `pyservice update` treats them later. Read from templates/<version>/manifest.json.
 */
export type UpdatePolicy = 'merge' | 'create-once';

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
}

export interface Manifest {
  version: string;
  files: ManifestEntry[];
  /** Destination renames since earlier versions: old path pattern → new path pattern. */
  renames?: Record<string, string>;
}

export function templateVersionDir(version: string): string {
  return join(templatesRoot(), version);
}

export function loadManifest(version: string): Manifest {
  const raw = readFileSync(join(templateVersionDir(version), 'manifest.json'), 'utf8');
  const m = JSON.parse(raw) as Manifest;
  if (m.version !== version) throw new Error(`templates/${version}/manifest.json says version ${m.version}`);
  return m;
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
