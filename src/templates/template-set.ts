import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { templatesRoot } from '../paths.js';

/**
 * A set of template versions: where each version's folder (manifest.json + files) is on disk. The shipped
 * templates are one set; a team's template repository (src/template-sources/) is another, its versions
 * being the repository's tags. Everything that reads manifests or renders takes a set.
 */
export interface TemplateSet {
  /** The source as the record stores it; null for the shipped templates. */
  source: string | null;
  /** Versions, oldest first; pre-releases only with `pre`. */
  versions(pre?: boolean): string[];
  /** The folder holding `version` (fetched first if needed). */
  dir(version: string): string;
  /** The commit `version` was rendered from, when the source is a git repository. */
  commit(version: string): string | null;
}

const RELEASE = /^\d+\.\d+\.\d+$/;

const shippedDirs = new Map<string, string>();

export const shippedSet: TemplateSet = {
  source: null,
  versions: () =>
    readdirSync(templatesRoot(), { withFileTypes: true })
      .filter((d) => d.isDirectory() && RELEASE.test(d.name))
      .map((d) => d.name)
      .sort(compareVersions),
  dir: (version) => shippedDirs.get(version) ?? shippedDirs.set(version, join(templatesRoot(), version)).get(version)!, // asked per file
  commit: () => null,
};

/** A set whose version folders are already on disk (a render child gets one from its parent). */
export function staticSet(source: string | null, dirs: Record<string, string>): TemplateSet {
  return {
    source,
    versions: () => Object.keys(dirs).sort(compareVersions),
    dir: (v) => {
      const d = dirs[v];
      if (!d) throw new Error(`template version ${v} is not available`);
      return d;
    },
    commit: () => null,
  };
}

/** Semantic-version order (pre-releases before their release; numeric identifiers compared as numbers). */
export function compareVersions(a: string, b: string): number {
  const split = (v: string) => {
    const [core, ...pre] = v.replace(/^v/, '').replace(/\+.*$/, '').split('-');
    return { core: (core ?? '').split('.').map(Number), pre: pre.length ? pre.join('-').split('.') : [] };
  };
  const x = split(a);
  const y = split(b);
  for (let i = 0; i < Math.max(x.core.length, y.core.length); i++) {
    const d = (x.core[i] ?? 0) - (y.core[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  if (!x.pre.length || !y.pre.length) return x.pre.length === y.pre.length ? 0 : x.pre.length ? -1 : 1;
  for (let i = 0; i < Math.max(x.pre.length, y.pre.length); i++) {
    const p = x.pre[i];
    const q = y.pre[i];
    if (p === undefined) return -1;
    if (q === undefined) return 1;
    const pn = /^\d+$/.test(p);
    const qn = /^\d+$/.test(q);
    if (pn && qn && Number(p) !== Number(q)) return Number(p) < Number(q) ? -1 : 1;
    if (pn !== qn) return pn ? -1 : 1;
    if (p !== q) return p < q ? -1 : 1;
  }
  return 0;
}
