import { existsSync } from 'node:fs';
import { readRegularText } from '../files/read-regular.js';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * Static reading of a Python project's declared dependencies, fast enough for a fleet (no Python started):
 * requirements*.txt (following -r/-c includes inside the project), setup.cfg's [options] install_requires,
 * setup.py's install_requires list literal (or the list variable it names), and pyproject.toml's
 * [project] dependencies and [tool.poetry.dependencies]. Names compare after PEP 503/508 normalisation.
 */
export interface Requirement {
  /** Normalised name (PEP 503: lowercase, runs of - _ . become -). */
  name: string;
  /** The requirement as written (one line). */
  text: string;
  /** Version specifier, e.g. "==1.4.2" or ">=1,<2" ('' when none). */
  specifier: string;
  /** The exact version when pinned with == or === (no wildcard). */
  pinned: string | null;
  /** Project-relative file it was read from. */
  file: string;
}

export function normalizeName(name: string): string {
  return name.trim().toLowerCase().replace(/[-_.]+/g, '-');
}

const NAME = /^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(\[[^\]]*\])?\s*/;

/** One PEP 508 requirement string → Requirement (null for what is not one: options, URLs without a name). */
export function parseRequirement(raw: string, file: string): Requirement | null {
  const text = raw.trim();
  const m = NAME.exec(text);
  if (!m) return null;
  let rest = text.slice(m[0].length);
  if (rest.startsWith('@')) return { name: normalizeName(m[1]!), text, specifier: '', pinned: null, file };
  rest = rest.split(';')[0]!.trim().replace(/^\(|\)$/g, '').replace(/\s+/g, '');
  if (rest && !/^(==|===|!=|<=|>=|<|>|~=)/.test(rest)) return null;
  const pin = /^===?([^,*]+)$/.exec(rest);
  return { name: normalizeName(m[1]!), text, specifier: rest, pinned: pin ? pin[1]! : null, file };
}

/** requirements.txt lines, with includes (-r/-c) followed inside `root`, comments and options skipped. */
export function readRequirementsFile(root: string, path: string, seen = new Set<string>()): Requirement[] {
  const abs = resolve(root, path);
  if (seen.has(abs) || !abs.startsWith(resolve(root) + '/')) return [];
  seen.add(abs);
  const file = relative(root, abs);
  const out: Requirement[] = [];
  const raw = readRegularText(abs, file);
  if (raw === null) return [];
  const text = raw.replace(/\\\r?\n/g, ' ');
  for (const line of text.split(/\r?\n/)) {
    const l = line.replace(/(^|\s)#.*$/, '').trim();
    if (!l) continue;
    const inc = /^(?:-r|--requirement|-c|--constraint)\s*=?\s*(\S+)/.exec(l);
    if (inc) {
      out.push(...readRequirementsFile(root, join(dirname(file), inc[1]!), seen));
      continue;
    }
    const egg = /^(?:-e|--editable)\s+\S*#egg=([A-Za-z0-9._-]+)/.exec(l);
    if (egg) {
      out.push({ name: normalizeName(egg[1]!), text: l, specifier: '', pinned: null, file });
      continue;
    }
    if (l.startsWith('-')) continue;
    const r = parseRequirement(l.replace(/\s--hash=\S+/g, ''), file);
    if (r) out.push(r);
  }
  return out;
}

/** The string literals of a Python/TOML list body ("a", 'b', """c"""), scanning so that comments (# to end of line, outside strings) are skipped. */
function stringLiterals(body: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < body.length) {
    const c = body[i]!;
    if (c === '#') {
      const nl = body.indexOf('\n', i);
      i = nl < 0 ? body.length : nl + 1;
      continue;
    }
    if (c !== '"' && c !== "'") {
      i++;
      continue;
    }
    const triple = body.startsWith(c.repeat(3), i) ? c.repeat(3) : c;
    let j = i + triple.length;
    let value = '';
    while (j < body.length && !body.startsWith(triple, j)) {
      if (body[j] === '\\' && j + 1 < body.length) {
        value += body[j + 1];
        j += 2;
      } else value += body[j++];
    }
    out.push(value);
    i = j + triple.length;
  }
  return out;
}

/** The text between the bracket at `open` and its match. */
function bracketBody(text: string, open: number): string | null {
  let depth = 0;
  let quote: string | null = null;
  for (let i = open; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === '#') {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[') depth++;
    else if (c === ']' && --depth === 0) return text.slice(open + 1, i);
  }
  return null;
}

export function readSetupPy(root: string): Requirement[] {
  const text = readRegularText(join(root, 'setup.py'), 'setup.py');
  if (text === null) return [];
  const out: Requirement[] = [];
  for (const m of text.matchAll(/install_requires\s*=\s*(\[|[A-Za-z_][A-Za-z0-9_]*)/g)) {
    let body: string | null = null;
    if (m[1] === '[') body = bracketBody(text, m.index! + m[0].length - 1);
    else {
      const def = new RegExp(`^${m[1]}\\s*=\\s*\\[`, 'm').exec(text);
      if (def) body = bracketBody(text, def.index + def[0].length - 1);
    }
    if (body !== null) for (const s of stringLiterals(body)) {
      const r = parseRequirement(s, 'setup.py');
      if (r) out.push(r);
    }
  }
  return out;
}

export function readSetupCfg(root: string): Requirement[] {
  const cfg = readRegularText(join(root, 'setup.cfg'), 'setup.cfg');
  if (cfg === null) return [];
  const out: Requirement[] = [];
  let section = '';
  let inList = false;
  for (const raw of cfg.split(/\r?\n/)) {
    const sec = /^\[([^\]]+)\]/.exec(raw);
    if (sec) {
      section = sec[1]!.trim();
      inList = false;
      continue;
    }
    const line = raw.replace(/\s[#;].*$/, '');
    if (section === 'options' && /^install_requires\s*=/.test(line)) {
      inList = true;
      const first = line.split('=').slice(1).join('=').trim();
      if (first) for (const p of first.split(';;')) push(p);
      continue;
    }
    if (inList) {
      if (/^\s+\S/.test(line)) push(line);
      else if (line.trim()) inList = false;
    }
  }
  function push(s: string) {
    const r = parseRequirement(s, 'setup.cfg');
    if (r) out.push(r);
  }
  return out;
}

export function readPyproject(root: string): Requirement[] {
  const text = readRegularText(join(root, 'pyproject.toml'), 'pyproject.toml');
  if (text === null) return [];
  const out: Requirement[] = [];
  let table = '';
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const t = /^\s*\[([^\]]+)\]\s*$/.exec(line);
    if (t) {
      table = t[1]!.trim();
      continue;
    }
    if (table === 'project' && /^\s*dependencies\s*=\s*\[/.test(line)) {
      const rest = lines.slice(i).join('\n');
      const body = bracketBody(rest, rest.indexOf('['));
      if (body !== null) for (const s of stringLiterals(body)) {
        const r = parseRequirement(s, 'pyproject.toml');
        if (r) out.push(r);
      }
    }
    // A key may be quoted, as TOML allows and a dotted name needs: astral's "backports.zoneinfo" = { … }
    const poetry = /^\s*(?:"([A-Za-z0-9][A-Za-z0-9._-]*)"|'([A-Za-z0-9][A-Za-z0-9._-]*)'|([A-Za-z0-9][A-Za-z0-9_-]*))\s*=\s*(.+)$/.exec(line);
    const key = poetry ? (poetry[1] ?? poetry[2] ?? poetry[3])! : '';
    if (table === 'tool.poetry.dependencies' && poetry && normalizeName(key) !== 'python') {
      const v = /^["']([^"']*)["']/.exec(poetry[4]!)?.[1] ?? /version\s*=\s*["']([^"']*)["']/.exec(poetry[4]!)?.[1] ?? '';
      const exact = /^=?=?\s*(\d[^,*^~<>=\s]*)$/.exec(v);
      out.push({ name: normalizeName(key), text: line.trim(), specifier: v, pinned: exact ? exact[1]! : null, file: 'pyproject.toml' });
    }
  }
  return out;
}

/** Every declared dependency of a project, from every place it can be declared. */
export function projectRequirements(root: string): Requirement[] {
  const reqFiles = ['requirements.txt', 'requirements.in', 'requirements-prod.txt'].filter((f) => existsSync(join(root, f)));
  const seen = new Set<string>();
  return [...reqFiles.flatMap((f) => readRequirementsFile(root, f, seen)), ...readSetupCfg(root), ...readSetupPy(root), ...readPyproject(root)];
}
