import { compareVersions } from '../templates/template-set.js';

/**
 * Semantic versions as template tags use them: `v1.2.0` or `1.2.0`, optional pre-release (`-rc.1`),
 * build metadata ignored. Ordering follows semver 2.0.0 §11.
 */
export interface SemVer {
  major: number;
  minor: number;
  patch: number;
  pre: string[];
  text: string;
}

const RE = /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z.-]+)?$/;

export function parseSemver(text: string): SemVer | null {
  const m = RE.exec(text);
  if (!m) return null;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), pre: m[4] ? m[4].split('.') : [], text: versionOfTag(text) };
}

/** The version a tag names: `v1.2.0` → `1.2.0` (build metadata dropped). */
export function versionOfTag(tag: string): string {
  return tag.replace(/^v/, '').replace(/\+.*$/, '');
}

export function isPrerelease(v: string): boolean {
  return (parseSemver(v)?.pre.length ?? 0) > 0;
}

/**
 * Tag names → versions, oldest first, one per version (a repository with both v1.2.0 and 1.2.0 keeps the
 * `v` one). Tags that are not versions are ignored; pre-releases only with `pre`.
 */
export function versionsFromTags(tags: readonly string[], pre = false): { version: string; tag: string }[] {
  const byVersion = new Map<string, string>();
  for (const tag of tags) {
    const v = parseSemver(tag);
    if (!v || (v.pre.length && !pre)) continue;
    const prev = byVersion.get(v.text);
    if (!prev || (tag.startsWith('v') && !prev.startsWith('v'))) byVersion.set(v.text, tag);
  }
  return [...byVersion].map(([version, tag]) => ({ version, tag })).sort((a, b) => compareVersions(a.version, b.version));
}
