import type { DerivedNames } from './types.js';
import { shown } from '../secrets/redact.js';

/**
 * Project names must work as a Python distribution name, a Python import name (after `-`/`.` → `_`)
 * and a Debian package name (after `_` → `-`). Debian wants lowercase and at least two characters;
 * Python imports cannot start with a digit. So: lowercase letter first, then lowercase letters, digits,
 * and single `-`, `_` or `.` separators, ending with a letter or digit.
 */
const NAME_RE = /^[a-z][a-z0-9]*(?:[-_.][a-z0-9]+)*$/;

const PYTHON_KEYWORDS = new Set(
  'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield'.split(' '),
);

/** Returns an error message naming the problem and the fix, or null when the name is valid. */
export function nameProblem(name: string): string | null {
  if (name.trim() === '') return 'the project name is empty: give one like my-service';
  if (/[\\/]/.test(name) || name.includes('..')) return `the project name ${shown(name)} contains a path; give a plain name like my-service`;
  if (/\s/.test(name)) return `the project name ${shown(name)} contains spaces; use dashes, e.g. ${shown(name.trim().replace(/\s+/g, '-').toLowerCase())}`;
  if (/[A-Z]/.test(name)) return `the project name ${shown(name)} has uppercase letters, which Debian package names forbid; use ${shown(name.toLowerCase())}`;
  if (/^[0-9]/.test(name)) return `the project name ${shown(name)} starts with a digit, which a Python import name cannot; start with a letter`;
  if (name.length < 2) return `the project name ${shown(name)} is too short: Debian package names need at least 2 characters`;
  if (name.length > 64) return `the project name is ${name.length} characters long; keep it to 64 or fewer`;
  if (!NAME_RE.test(name))
    return `the project name ${shown(name)} is not valid: use lowercase letters, digits and single -, _ or . between them (e.g. my-service)`;
  const importName = toImportName(name);
  if (PYTHON_KEYWORDS.has(importName)) return `the project name ${shown(name)} is a Python keyword; choose another`;
  return null;
}

export function toImportName(name: string): string {
  return name.replace(/[-.]/g, '_');
}

export function toDebName(name: string): string {
  return name.toLowerCase().replace(/_/g, '-');
}

export function toSystemUser(debName: string): string {
  return debName.replace(/\./g, '-').slice(0, 31).replace(/-+$/, '');
}

export function deriveNames(name: string): DerivedNames {
  const debName = toDebName(name);
  return { distName: name, importName: toImportName(name), debName, systemUser: toSystemUser(debName) };
}
