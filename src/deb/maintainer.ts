import { authorProblem, emailProblem } from '../answers/validate.js';
import { INVISIBLE, shown } from '../secrets/redact.js';

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
 * Returns what is still missing so the caller can ask or name the flag, and one line for each value a source
 * set that cannot be used: measured, a DEBFULLNAME with a line break in it was skipped without a word and git
 * config's name went into debian/control instead.
 */
export function pickMaintainer(hints: readonly IdentityHint[]): { name?: string; email?: string; sources: string[]; unused: string[] } {
  let name: string | undefined;
  let email: string | undefined;
  const sources = new Set<string>();
  const unused: string[] = [];
  for (const h of hints) {
    if (name === undefined && h.name) {
      const p = authorProblem(h.name);
      if (!p) {
        name = h.name;
        sources.add(h.source);
      } else unused.push(unusedLine('name', h.name, h.source, p));
    }
    if (email === undefined && h.email) {
      const p = emailProblem(h.email);
      if (!p) {
        email = h.email;
        sources.add(h.source);
      } else unused.push(unusedLine('email', h.email, h.source, p));
    }
  }
  return { name, email, sources: [...sources], unused };
}

function unusedLine(what: 'name' | 'email', value: string, source: string, problem: string): string {
  const why = /[\r\n]/.test(value)
    ? 'it holds a line break'
    : value.search(INVISIBLE) >= 0
      ? 'it holds a control or invisible character'
      : problem.replace(/\s*\(--(?:author|email)\)/g, '').replace(/ with --(?:author|email)$/, '').replace(/;[^;]*$/, '');
  return `the maintainer ${what} from ${source} (${shown(value)}) is not used: ${why}; fix it there, or pass --maintainer "Full Name <email@example.com>"`;
}
