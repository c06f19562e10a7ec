import { authorProblem, emailProblem } from '../answers/validate.js';

/** The Debian maintainer: debian/control's Maintainer, the changelog's trailer, the recorded author/email. */
export interface Maintainer {
  name: string;
  email: string;
}

/** Partial identity from one source, with where it came from (shown to the user). */
export interface IdentityHint {
  name: string;
  email: string;
  source: string;
}

/** "Name <email>" → Maintainer, or an error message naming the flag. */
export function parseMaintainer(value: string, flag = '--maintainer'): Maintainer | string {
  const m = /^\s*([^<>]*?)\s*<([^<>\s]+)>\s*$/.exec(value);
  if (!m) return `${flag} takes "Full Name <email@example.com>", got ${JSON.stringify(value)}`;
  const name = m[1]!;
  const email = m[2]!;
  const problem = authorProblem(name) ?? emailProblem(email);
  // The checks are create's and name its flags: here the value came from this flag ('<a@b.c>' was told 'give one with --author')
  return problem ? problem.replace(/--(?:author|email)\b/g, flag) : { name, email };
}

/**
 * devscripts' convention: DEBFULLNAME and DEBEMAIL, where DEBEMAIL may itself be "Name <email>"
 * (DEBFULLNAME still wins for the name).
 */
export function debEnvIdentity(env: NodeJS.ProcessEnv): IdentityHint {
  let name = (env.DEBFULLNAME ?? '').trim();
  let email = (env.DEBEMAIL ?? '').trim();
  const combined = /^(.*?)\s*<([^<>\s]+)>$/.exec(email);
  if (combined) {
    email = combined[2]!;
    if (!name) name = combined[1]!.trim();
  }
  return { name, email, source: 'DEBFULLNAME/DEBEMAIL' };
}

/**
 * Name and email each from the first source that has a valid one, in order of authority.
 * Returns what is still missing so the caller can ask or name the flag.
 */
export function pickMaintainer(hints: readonly IdentityHint[]): { name?: string; email?: string; sources: string[] } {
  let name: string | undefined;
  let email: string | undefined;
  const sources = new Set<string>();
  for (const h of hints) {
    if (name === undefined && h.name && !authorProblem(h.name)) {
      name = h.name;
      sources.add(h.source);
    }
    if (email === undefined && h.email && !emailProblem(h.email)) {
      email = h.email;
      sources.add(h.source);
    }
  }
  return { name, email, sources: [...sources] };
}
