import type { ProjectMetadata } from '../python/metadata.js';
import { INVISIBLE } from '../secrets/redact.js';

/**
 * What debian/copyright (DEP-5) says about the upstream project, from the metadata its backend publishes. Pure.
 * The license comes from, in order: PEP 639 License-Expression (SPDX), the License field when it is a known
 * name, the trove classifiers when they name exactly one license. SPDX identifiers become DEP-5 short names
 * (MIT → Expat, GPL-3.0-or-later → GPL-3+); a project that declares nothing gets no license (the template's
 * proprietary stanza), never a guess.
 */

/** SPDX identifier (lowercase) → DEP-5 short name. */
const SPDX: Record<string, string> = {
  mit: 'Expat',
  'mit-0': 'MIT-0',
  'apache-2.0': 'Apache-2.0',
  'apache-1.1': 'Apache-1.1',
  'bsd-2-clause': 'BSD-2-clause',
  'bsd-3-clause': 'BSD-3-clause',
  'bsd-4-clause': 'BSD-4-clause',
  '0bsd': '0BSD',
  isc: 'ISC',
  zlib: 'Zlib',
  'mpl-1.1': 'MPL-1.1',
  'mpl-2.0': 'MPL-2.0',
  'psf-2.0': 'PSF-2',
  'python-2.0': 'Python',
  unlicense: 'Unlicense',
  'cc0-1.0': 'CC0-1.0',
  'artistic-2.0': 'Artistic-2.0',
  'epl-2.0': 'EPL-2.0',
  wtfpl: 'WTFPL',
};
const GNU = /^(a|l)?gpl-(\d(?:\.\d)?)(?:\.0)?(-only|-or-later|\+)?$/;
/**
 * Creative Commons Attribution licenses and the SIL Open Font License, which DEP-5 spells as SPDX does (CC-BY-SA-4.0,
 * OFL-1.1). reuse 5.0.2 (trixie source; poetry-core License: 'Apache-2.0 AND CC0-1.0 AND CC-BY-SA-4.0 AND
 * GPL-3.0-or-later') got the proprietary stanza: one id without a DEP-5 name drops the whole expression.
 */
const SAME_SPELLING = /^(?:cc-by(?:-nc)?(?:-nd|-sa)?-\d\.\d|ofl-1\.[01])$/;

/** One SPDX license id → DEP-5 short name, or null when it is not an SPDX id we know. */
export function dep5Name(spdx: string): string | null {
  const id = spdx.trim().toLowerCase();
  if (SPDX[id]) return SPDX[id]!;
  if (SAME_SPELLING.test(id)) return id.toUpperCase();
  const gnu = GNU.exec(id);
  if (gnu) {
    const family = `${(gnu[1] ?? '').toUpperCase()}GPL`;
    const version = gnu[2]!.replace(/\.0$/, '');
    return `${family}-${version}${gnu[3] === '-or-later' || gnu[3] === '+' ? '+' : ''}`;
  }
  return null;
}

/**
 * An SPDX expression → DEP-5 (`MIT OR Apache-2.0` → `Expat or Apache-2.0`); null if any id is unknown. With
 * `keepUnknown` (a PEP 639 License-Expression, which the backend has validated as SPDX) an SPDX id without a
 * DEP-5 spelling of its own is kept as written (pillow's `MIT-CMU`, `Unicode-3.0`): DEP-5 takes SPDX identifiers,
 * and the paragraph points to the project's license file. `LicenseRef-…` stays unknown: only the project can say.
 */
export function dep5Expression(expression: string, keepUnknown = false): string | null {
  const tokens = expression.trim().split(/(\s+|\(|\))/).filter((x) => x.trim() !== '');
  if (tokens.length === 0) return null;
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i]!;
    const upper = tok.toUpperCase();
    if (upper === 'OR' || upper === 'AND') out.push(upper.toLowerCase());
    else if (upper === 'WITH') {
      const exception = tokens[++i];
      // An SPDX exception id, like a license id: 'MIT WITH a\u0085b' or '… WITH $(x)' is no expression
      if (!exception || !SPDX_ID.test(exception)) return null;
      out.push(`with ${exception.replace(/-exception.*$/i, '')} exception`);
    } else if (tok === '(' || tok === ')') out.push(tok);
    else {
      const name = dep5Name(tok) ?? (keepUnknown && SPDX_ID.test(tok) && !/^(?:LicenseRef|DocumentRef)-/i.test(tok) ? tok : null);
      if (!name) return null;
      out.push(name);
    }
  }
  return out.join(' ').replace(/\( /g, '(').replace(/ \)/g, ')');
}

/** What an SPDX license id looks like (letters, digits, '.', '-', a trailing '+'). */
const SPDX_ID = /^[A-Za-z0-9][A-Za-z0-9.-]*\+?$/;

/** Free-text License fields people write, lowercased with spaces/underscores as '-' → SPDX id. */
const ALIASES: Record<string, string> = {
  'mit-license': 'MIT',
  expat: 'MIT',
  'apache-2': 'Apache-2.0',
  'apache-license-2.0': 'Apache-2.0',
  'apache-software-license': 'Apache-2.0',
  'apache-license,-version-2.0': 'Apache-2.0',
  'apache-2.0-license': 'Apache-2.0',
  'bsd-3': 'BSD-3-Clause',
  'new-bsd': 'BSD-3-Clause',
  'new-bsd-license': 'BSD-3-Clause',
  'modified-bsd': 'BSD-3-Clause',
  'bsd-2': 'BSD-2-Clause',
  'simplified-bsd': 'BSD-2-Clause',
  gplv2: 'GPL-2.0-only',
  'gplv2+': 'GPL-2.0-or-later',
  gplv3: 'GPL-3.0-only',
  'gplv3+': 'GPL-3.0-or-later',
  'gpl-v3': 'GPL-3.0-only',
  lgplv3: 'LGPL-3.0-only',
  'lgplv3+': 'LGPL-3.0-or-later',
  'lgplv2.1': 'LGPL-2.1-only',
  'lgplv2.1+': 'LGPL-2.1-or-later',
  'mpl-2': 'MPL-2.0',
  'mozilla-public-license-2.0': 'MPL-2.0',
  'mozilla-public-license-2.0-(mpl-2.0)': 'MPL-2.0',
  'isc-license': 'ISC',
  'public-domain': 'Unlicense',
  'python-software-foundation-license': 'PSF-2.0',
  psf: 'PSF-2.0',
  // The same names once freeTextKey has dropped 'the', 'license', 'version', 'software', 'GNU', brackets and the 'v'
  // before a number: "Apache 2.0", "Apache License Version 2.0", "The MIT License", "BSD 3-Clause", "MPL 2.0"
  'apache-2.0': 'Apache-2.0',
  mit: 'MIT',
  'mit/x11': 'MIT',
  'bsd-3-clause': 'BSD-3-Clause',
  '3-clause-bsd': 'BSD-3-Clause',
  'bsd-2-clause': 'BSD-2-Clause',
  '2-clause-bsd': 'BSD-2-Clause',
  'mpl-2.0': 'MPL-2.0',
  'mozilla-public-2.0': 'MPL-2.0',
  gpl2: 'GPL-2.0-only',
  'gpl-2': 'GPL-2.0-only',
  'gpl-2+': 'GPL-2.0-or-later',
  gpl3: 'GPL-3.0-only',
  'gpl-3': 'GPL-3.0-only',
  'gpl-3+': 'GPL-3.0-or-later',
  'lgplv2+': 'LGPL-2.0-or-later',
  // LGPL 2.0 (the Library GPL): pywebdav 0.11.0's setup.py says "LGPL v2", as its doc/LICENSE is
  lgplv2: 'LGPL-2.0-only',
  'lgpl-2': 'LGPL-2.0-only',
  'lgpl-2+': 'LGPL-2.0-or-later',
  'library-general-public-2': 'LGPL-2.0-only',
  'library-general-public-2+': 'LGPL-2.0-or-later',
  'lgpl-2.1': 'LGPL-2.1-only',
  'lgpl-2.1+': 'LGPL-2.1-or-later',
  'lgpl-3': 'LGPL-3.0-only',
  'lgpl-3+': 'LGPL-3.0-or-later',
  agplv3: 'AGPL-3.0-only',
  'agplv3+': 'AGPL-3.0-or-later',
  'agpl-3': 'AGPL-3.0-only',
  'agpl-3+': 'AGPL-3.0-or-later',
  cc0: 'CC0-1.0',
  // "GNU General Public License v3 or later" and the like, spelled out
  'general-public-2': 'GPL-2.0-only',
  'general-public-2+': 'GPL-2.0-or-later',
  'general-public-3': 'GPL-3.0-only',
  'general-public-3+': 'GPL-3.0-or-later',
  'lesser-general-public-2.1': 'LGPL-2.1-only',
  'lesser-general-public-2.1+': 'LGPL-2.1-or-later',
  'lesser-general-public-3': 'LGPL-3.0-only',
  'lesser-general-public-3+': 'LGPL-3.0-or-later',
  'affero-general-public-3': 'AGPL-3.0-only',
  'affero-general-public-3+': 'AGPL-3.0-or-later',
};

/**
 * A free-text License field as an ALIASES key: lowercase; 'the', 'license'/'licence', 'version', 'software', 'GNU',
 * brackets, commas and quotes dropped; 'v' before a number dropped; 'or later' as '+'; blanks as '-'.
 */
export function freeTextKey(field: string): string {
  return field
    .toLowerCase()
    .replace(/\blicen[cs]e[ds]?\b/g, ' ')
    .replace(/\b(?:the|version|software|gnu)\b/g, ' ')
    .replace(/[(),"]/g, ' ')
    .replace(/\bv\.?\s*(?=\d)/g, '')
    .replace(/\s+(?:or|and)\s+(?:any\s+)?later\b/g, '+')
    .trim()
    .replace(/[\s_]+/g, '-')
    .replace(/-+\+/g, '+')
    .replace(/-+/g, '-');
}

/** Trove classifier (after "License :: ") → SPDX id; the ambiguous ones ("BSD License") are left out. */
const CLASSIFIERS: Record<string, string> = {
  'OSI Approved :: MIT License': 'MIT',
  'OSI Approved :: MIT No Attribution License (MIT-0)': 'MIT-0',
  'OSI Approved :: Apache Software License': 'Apache-2.0',
  'OSI Approved :: ISC License (ISCL)': 'ISC',
  'OSI Approved :: GNU General Public License v2 (GPLv2)': 'GPL-2.0-only',
  'OSI Approved :: GNU General Public License v2 or later (GPLv2+)': 'GPL-2.0-or-later',
  'OSI Approved :: GNU General Public License v3 (GPLv3)': 'GPL-3.0-only',
  'OSI Approved :: GNU General Public License v3 or later (GPLv3+)': 'GPL-3.0-or-later',
  'OSI Approved :: GNU Lesser General Public License v2 (LGPLv2)': 'LGPL-2.0-only',
  'OSI Approved :: GNU Lesser General Public License v2 or later (LGPLv2+)': 'LGPL-2.0-or-later',
  'OSI Approved :: GNU Lesser General Public License v3 (LGPLv3)': 'LGPL-3.0-only',
  'OSI Approved :: GNU Lesser General Public License v3 or later (LGPLv3+)': 'LGPL-3.0-or-later',
  'OSI Approved :: GNU Affero General Public License v3': 'AGPL-3.0-only',
  'OSI Approved :: GNU Affero General Public License v3 or later (AGPLv3+)': 'AGPL-3.0-or-later',
  'OSI Approved :: Mozilla Public License 2.0 (MPL 2.0)': 'MPL-2.0',
  'OSI Approved :: Python Software Foundation License': 'PSF-2.0',
  'OSI Approved :: The Unlicense (Unlicense)': 'Unlicense',
  'OSI Approved :: zlib/libpng License': 'Zlib',
  'CC0 1.0 Universal (CC0 1.0) Public Domain Dedication': 'CC0-1.0',
};

export interface UpstreamLicense {
  /** DEP-5 License: value (an expression of short names). */
  dep5: string;
  /** Where it was read: "License-Expression", "License", "classifier". */
  from: string;
}

/** The upstream license as DEP-5, or null when the project declares none we can name honestly. */
export function upstreamLicense(meta: Pick<ProjectMetadata, 'license' | 'license_expression' | 'classifiers'>): UpstreamLicense | null {
  if (meta.license_expression) {
    const d = dep5Expression(meta.license_expression, true);
    if (d) return { dep5: d, from: 'License-Expression' };
  }
  const field = (meta.license ?? '').trim();
  if (field && !field.includes('\n') && field.length <= 80) {
    const direct = dep5Expression(field);
    if (direct) return { dep5: direct, from: 'License' };
    const alias = ALIASES[field.toLowerCase().replace(/[\s_]+/g, '-')] ?? ALIASES[freeTextKey(field)];
    const named = alias ? dep5Name(alias) : null;
    if (named) return { dep5: named, from: 'License' };
  }
  const named = [...new Set((meta.classifiers ?? []).filter((c) => c.startsWith('License :: ')).map((c) => CLASSIFIERS[c.slice('License :: '.length)] ?? '?'))];
  if (named.length === 1 && named[0] !== '?') return { dep5: dep5Name(named[0]!)!, from: 'classifier' };
  return null;
}


/**
 * The upstream authors, "Name <email>" each: Author/Author-email (PEP 621 puts "Name <email>, …" lists in
 * Author-email), then Maintainer/Maintainer-email. Duplicates dropped, order kept.
 */
export function upstreamAuthors(meta: Pick<ProjectMetadata, 'author' | 'author_email' | 'maintainer' | 'maintainer_email'>): string[] {
  const out = [...upstreamPeople(meta.author, meta.author_email), ...upstreamPeople(meta.maintainer, meta.maintainer_email)];
  return [...new Set(out)];
}

/**
 * One role's people from a name field and an email field, "Name <email>" each. The forms backends publish:
 * PEP 621 (Author "A, B" for entries without an email, Author-email "C <c@x>, d@y"), setuptools (Author "A",
 * Author-email "a@x"; or "A, B" with "a@x, b@y", paired in order when the counts match).
 */
export function upstreamPeople(name: string | null, email: string | null): string[] {
  // Names are listed with commas, or semicolons (pexpect: "Noah Spurrier; Thomas Kluyver; Jeff Quast")
  const names = (name ?? '').split(/[,;]/).map((n) => n.trim()).filter(Boolean);
  const people = splitPeople(email ?? '');
  const out: string[] = [];
  // Every pattern here is linear in its input: a name or address field can be any length (see upstreamAuthors)
  const bare = people.every((p) => !(p.includes('<') && p.indexOf('>', p.indexOf('<')) > 0));
  // One address and a name field that is one person written with a comma ("Doe, Jane"), not a list of people:
  // pympress 1.8.5's "Cimbali, Thomas Jost, Christof Rath, Epithumia" with me@cimba.li became one person holding
  // all four names; a list (three or more, or full names with blanks) keeps each name, and the address, apart
  const onePerson = names.length <= 2 && !names.some((n) => /\s/.test(n));
  if (people.length > 0 && bare && (names.length === people.length || (name && names.length !== people.length && people.length === 1 && onePerson))) {
    // setuptools' author/author_email: the names and the addresses of the same people
    // A name field that already holds the address (async-timeout's setup.cfg: author = "Andrew Svetlov
    // <andrew.svetlov@gmail.com>", author_email = the same address) is that person as written
    if (names.length === people.length) names.forEach((n, i) => out.push(/<[^<>]*@[^<>]*>\s*$/.test(n) ? n : `${n} <${people[i]}>`));
    else out.push(/<[^<>]*@[^<>]*>\s*$/.test(name!) ? name!.trim() : `${name!.trim()} <${people[0]}>`);
  } else {
    // A name already written with its address ("Eve <e@x>") is not listed twice; a Set, not a scan per name
    // (25,000 names against as many addresses took seconds)
    const named = new Set([...people, ...people.map((p) => (p.includes('<') ? p.slice(0, p.indexOf('<')) : p).trim())]);
    for (const n of names) if (!named.has(n)) out.push(n);
    out.push(...people);
  }
  // Control characters (C1's CSI and NEL included), line separators and the invisible ones that reorder or hide
  // text (a bidi override) are no part of a name: debian/copyright gets a blank for each
  return [...new Set(out.map((p) => p.replace(INVISIBLE, ' ').replace(/\s+/g, ' ').trim()).filter((p) => p && !/[\r\n]/.test(p)))];
}

/** "A <a@x>, b@y, \"C, D\" <c@z>" → ["A <a@x>", "b@y", "C, D <c@z>"] (commas inside quotes or <> kept). */
function splitPeople(list: string): string[] {
  const parts: string[] = [];
  let cur = '';
  let depth = 0;
  let quoted = false;
  for (const ch of list) {
    if (ch === '"') quoted = !quoted;
    else if (ch === '<') depth++;
    else if (ch === '>') depth = Math.max(0, depth - 1);
    if (ch === ',' && depth === 0 && !quoted) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  return parts.map((p) => p.replace(/"/g, '').trim()).filter(Boolean);
}
