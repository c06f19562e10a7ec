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

/** A project whose files could not be read: it may depend on LIB, so the answer is incomplete. */
export interface Unreadable {
  dir: string;
  problem: string;
}

export function findDependents(lib: string, dirs: readonly string[]): { found: Dependent[]; unreadable: Unreadable[] } {
  const want = normalizeName(lib);
  const found: Dependent[] = [];
  const unreadable: Unreadable[] = [];
  for (const dir of dirs) {
    let all: Requirement[];
    try {
      all = projectRequirements(dir);
    } catch (err) {
      // One project's FIFO, folder or unreadable file is that project's problem: the others are still searched,
      // and the message names the project (measured: a FIFO requirements.txt in one of 20 ended the whole run with
      // exit 2 and 'requirements.txt is a FIFO', naming no project)
      const e = err as NodeJS.ErrnoException;
      unreadable.push({ dir, problem: e.code ? `${e.code === 'EACCES' ? 'permission denied' : e.code}: ${e.path ?? ''}`.trim() : e.message });
      continue;
    }
    const reqs = all.filter((r) => r.name === want);
    if (reqs.length) found.push({ dir, pinned: reqs.find((r) => r.pinned)?.pinned ?? null, requirements: reqs });
  }
  return { found, unreadable };
}
