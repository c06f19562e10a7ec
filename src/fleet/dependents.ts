import { projectRequirements, normalizeName, type Requirement } from './requirements.js';

/**
 * `pyservice dependents LIB DIR…`: which projects declare a dependency on LIB, and at which pinned version,
 * so a library change can be rolled out to every service that uses it. Exact name match after PEP 503
 * normalisation (Acme.Common, acme_common and acme-common are one name; acme-common-extras is another).
 */
export interface Dependent {
  dir: string;
  /** The pinned version (== in any file, requirements.txt first), or null when only a range is declared. */
  pinned: string | null;
  requirements: Requirement[];
}

export function findDependents(lib: string, dirs: readonly string[]): Dependent[] {
  const want = normalizeName(lib);
  const out: Dependent[] = [];
  for (const dir of dirs) {
    const reqs = projectRequirements(dir).filter((r) => r.name === want);
    if (reqs.length) out.push({ dir, pinned: reqs.find((r) => r.pinned)?.pinned ?? null, requirements: reqs });
  }
  return out;
}
