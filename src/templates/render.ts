import { readFileSync } from 'node:fs';
import { esc } from '../escape/escapers.js';
import type { Answers, DerivedNames } from '../answers/types.js';
import { distroFor, type Distro } from '../answers/distros.js';
import { deriveNames } from '../answers/names.js';
import { shippedSet, type TemplateSet } from './template-set.js';
import { compileTemplate } from './compile.js';
import { entrySourceFile, type ManifestEntry } from './manifest.js';

/** What every template sees. Values are raw; templates escape them explicitly for their own format. */
export interface RenderContext {
  a: Answers;
  n: DerivedNames;
  /** Console scripts, parsed: `/usr/bin` links in the .deb and entry points in setup.py. */
  scripts: { name: string; target: string; entry: string }[];
  d: Distro;
  esc: typeof esc;
  templateVersion: string;
  toolVersion: string;
  /** Project creation time, RFC 5322 in UTC (changelog) and its year (copyright). Recorded, so re-renders match. */
  created: { rfc5322: string; year: number; iso: string };
}

export function buildContext(a: Answers, opts: { templateVersion: string; toolVersion: string; created: string }): RenderContext {
  const when = new Date(opts.created);
  if (Number.isNaN(when.getTime())) throw new Error(`bad creation time ${opts.created}`);
  return {
    a,
    n: deriveNames(a.name),
    scripts: consoleScripts(a),
    d: distroFor(a.distro),
    esc,
    templateVersion: opts.templateVersion,
    toolVersion: opts.toolVersion,
    created: { rfc5322: rfc5322(when), year: when.getUTCFullYear(), iso: when.toISOString() },
  };
}

/** The type's default console script, named after the project (a library has none). */
const DEFAULT_SCRIPT_MODULE: Record<Answers['type'], string | undefined> = { service: 'service', tool: 'cli', library: undefined };

/** The answers' console scripts, or the type's default (a service's or a tool's script is named after the project). */
export function consoleScripts(a: Answers): { name: string; target: string; entry: string }[] {
  const n = deriveNames(a.name);
  const module = DEFAULT_SCRIPT_MODULE[a.type];
  const entries = a.consoleScripts.length ? a.consoleScripts : module ? [`${n.distName} = ${n.importName}.${module}:main`] : [];
  return entries.map((entry) => {
    const [name, target] = entry.split('=').map((s) => s.trim());
    return { name: name ?? '', target: target ?? '', entry: `${name} = ${target}` };
  });
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** RFC 5322 date in UTC, as debian/changelog wants it: "Mon, 23 Nov 2026 10:30:00 +0000". */
export function rfc5322(d: Date): string {
  const p2 = (x: number) => String(x).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]}, ${p2(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} +0000`;
}

/** Compiles (once per process) the template of one manifest entry of a version, without rendering it. */
export function prepareEntry(entry: ManifestEntry, version: string, set: TemplateSet = shippedSet): void {
  const file = entrySourceFile(entry, version, set);
  if (file.endsWith('.ejs')) compileTemplate(file, set === shippedSet ? version : undefined);
}

/** Render one manifest entry of a version with the context. `.ejs` files are rendered; others (programs too) are returned as-is. */
export function renderEntry(entry: ManifestEntry, version: string, ctx: RenderContext, set: TemplateSet = shippedSet): Buffer {
  const file = entrySourceFile(entry, version, set);
  if (!file.endsWith('.ejs')) return readFileSync(file);
  return Buffer.from(compileTemplate(file, set === shippedSet ? version : undefined)(ctx), 'utf8');
}
