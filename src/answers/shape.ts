import type { Answers } from './types.js';
import { ANSWER_KEYS } from './defaults.js';

/**
 * The shape of answers read from JSON (an --answers file, or `.pyservice.json`'s `answers`): every known key
 * with the right type, and no key that looks like it holds a secret (answers are recorded, rendered into
 * files and committed). Values are never echoed here; the caller's value checks (validate.ts) show them
 * redacted. Pure.
 */
export class AnswersShapeError extends Error {}

/** Names under which people put secrets: password, passwd, pwd, token, secret, api key, credentials, auth. */
const SECRET_KEY = /passw(or)?d|^pass$|pwd|secret|token|api[-_]?key|private[-_]?key|credential|^auth$|authori[sz]ation|bearer/i;

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

const LIST_KEYS = new Set<string>(['buildDeps', 'consoleScripts']);

/**
 * Checks `data` and returns it as answers. `unknown: 'refuse'` for files the user writes (a typo should not be
 * ignored); `'keep'` for records a newer tool may have written (carried as they are).
 */
export function answersFromJson(data: unknown, where: string, unknown: 'refuse' | 'keep', fix: string): Partial<Answers> {
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new AnswersShapeError(`${where} must be a JSON object of answers; ${fix}`);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(data)) {
    const key = JSON.stringify(k);
    if (isSecretKey(k))
      throw new AnswersShapeError(`${where} holds ${key}, which looks like a secret; remove it: answers are recorded and committed, the index password goes to ~/.netrc (pyservice login)`);
    if (!(ANSWER_KEYS as readonly string[]).includes(k)) {
      if (unknown === 'refuse') throw new AnswersShapeError(`${where} has unknown key ${key}; known keys: ${ANSWER_KEYS.join(', ')}`);
      out[k] = v;
      continue;
    }
    if (LIST_KEYS.has(k)) {
      if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw new AnswersShapeError(`${where}: ${key} must be a list of strings (got ${kind(v)}); ${fix}`);
    } else if (typeof v !== 'string') throw new AnswersShapeError(`${where}: ${key} must be a string (got ${kind(v)}); ${fix}`);
    out[k] = v;
  }
  return out as Partial<Answers>;
}

function kind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}
