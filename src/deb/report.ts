import { relative } from 'node:path';
import { escapeControls } from '../secrets/redact.js';
import type { Answers, DebFileReport, FileActionKind, FilePlan } from '../types.js';
import { BASELINE_FILE, RECORD_FILE } from '../plan/tool-files.js';
import type { RunPlan } from '../update/plan-run.js';
import type { MetadataReading } from '../python/metadata.js';

// What pyservice deb shows: the text report, the --json report, and the rows of both (one per planned file).

type Copyright = typeof import('./copyright.js');

/** What one pyservice deb run did or would do (the library call's result, and what both reports show). */
export interface DebResult {
  /** 'resumed': a run a kill interrupted was finished from its journal (nothing else was done). */
  status: 'written' | 'planned' | 'resumed';
  dir: string;
  /** Absent when resumed. */
  reading?: MetadataReading;
  debName: string;
  answers?: Answers;
  files: DebFileReport[];
  notes: string[];
  kind: 'tool' | 'service';
  /** Why a real run would stop with exit 2 (a dry run lists them and writes nothing either way). */
  refusals: string[];
  written: string[];
  /** Paths left unmerged in git's index (or with markers, outside git): the command exits 1 like git merge. */
  conflicts: string[];
}

/** A path as the user typed it from here ('.' for this directory). */
export function shown(path: string): string {
  return relative(process.cwd(), path) || '.';
}

/** The report's rows: every planned file, the baseline and the record included, with the diff a preview shows. */
export function fileReports(plan: RunPlan, theirs: FilePlan, diff: (a: string, b: string, la: string, lb: string) => string): DebFileReport[] {
  const rendered = new Map(theirs.files.map((f) => [f.path, f]));
  const diffFor = (path: string, before: Buffer | null) => {
    const t = rendered.get(path);
    return before && t && !before.equals(t.content) ? diff(before.toString('utf8'), t.content.toString('utf8'), `${path} (yours)`, `${path} (templates ${plan.to})`) : undefined;
  };
  const rows: DebFileReport[] = plan.actions.map((a) => {
    const changes = a.action !== 'unchanged' && a.action !== 'skip';
    return {
      path: a.path,
      action: a.action,
      mode: a.write?.mode ?? a.stages?.ours.mode ?? rendered.get(a.path)?.mode ?? 0o644,
      ...(a.conflicts ? { conflicts: a.conflicts } : {}),
      ...(a.action === 'skip' || a.binary ? { note: a.reason } : {}),
      ...(changes ? { diff: diffFor(a.path, a.before) } : {}),
    };
  });
  const tools = new Map(plan.toolFiles.map((f) => [f.path, f]));
  for (const path of [BASELINE_FILE, RECORD_FILE]) {
    const f = tools.get(path);
    if (!f) rows.push({ path, action: 'skip', mode: 0o644, note: path === RECORD_FILE ? `${RECORD_FILE} is not from pyservice deb; left as it is (pyservice update maintains it)` : `${BASELINE_FILE} belongs to pyservice update; left as it is` });
    else rows.push({ path, action: !f.changed ? 'unchanged' : f.before ? 'update' : 'add', mode: 0o644, ...(f.changed ? { diff: diffFor(path, f.before) } : {}) });
  }
  return rows.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
}

const VERB: Record<FileActionKind, [string, string]> = {
  add: ['would create', 'created'],
  unchanged: ['unchanged', 'unchanged'],
  conflict: ['would merge', 'merged'],
  merge: ['would merge', 'merged'],
  update: ['would update', 'updated'],
  skip: ['left alone', 'left alone'],
  remove: ['would remove', 'removed'],
  rename: ['would rename', 'renamed'],
};

export function jsonReport(r: DebResult, reading: MetadataReading, python: string, dryRun: boolean) {
  const answers = r.answers!;
  return {
    dir: r.dir,
    dryRun,
    python: { path: python, version: reading.python, setuptools: reading.setuptools },
    sources: reading.sources,
    backend: reading.backend,
    metadata: reading.metadata,
    projectUrls: reading.projectUrls,
    debName: r.debName,
    version: answers.version,
    maintainer: `${answers.author} <${answers.email}>`,
    answers,
    kind: r.kind,
    notes: r.notes,
    refusals: r.refusals,
    files: r.files.map((a) => ({ path: a.path, action: a.action, mode: a.mode.toString(8), ...(a.conflicts ? { conflicts: a.conflicts } : {}), ...(a.note ? { note: a.note } : {}) })),
    diff: r.files.map((a) => a.diff ?? '').join(''),
    written: r.written,
    conflicts: r.conflicts,
  };
}

export function textReport(r: DebResult, reading: MetadataReading, python: string, dryRun: boolean, inGit: boolean, copyright: Copyright): string {
  const m = reading.metadata;
  const answers = r.answers!;
  const lines: string[] = [];
  const from = reading.sources.length ? reading.sources.join(', ') : 'setuptools defaults';
  const b = reading.backend;
  const via = b.hook === 'setup() capture' ? `setuptools ${reading.setuptools}` : `${b.name}${b.version ? ` ${b.version}` : ''}, ${b.hook}`;
  lines.push(`Read ${m.name ?? '(no name)'} ${m.version ?? '(no version)'} from ${from} with ${python} (Python ${reading.python}, ${via})`);
  // The project's own text, shown as read: its first line, with control and invisible characters written out
  const show = (label: string, v: string | null) => lines.push(`  ${label.padEnd(16)} ${v === null ? '-' : escapeControls(v.split('\n')[0]!)}`);
  show('description', m.description);
  // People as debian/copyright lists them: the email fields already hold "Name <email>" lists under PEP 621
  show('author', copyright.upstreamPeople(m.author, m.author_email).join(', ') || null);
  show('maintainer', copyright.upstreamPeople(m.maintainer, m.maintainer_email).join(', ') || null);
  // What debian/control and debian/copyright get (a project_urls Homepage, a DEP-5 name), not only the raw fields
  show('homepage', answers.url || null);
  const license = copyright.upstreamLicense(m);
  const declared = m.license_expression ?? m.license;
  const licenseFrom = license ? (license.from === 'classifier' ? 'the classifiers' : license.from) : answers.license ? 'licensecheck on the license files' : '';
  show('license', answers.license ? `${answers.license} (DEP-5, from ${licenseFrom})` : declared ? `${declared.split('\n')[0]} (not a license debian/copyright can name)` : null);
  show('install_requires', m.install_requires.join(', ') || null);
  show('console_scripts', m.console_scripts.join(', ') || null);
  if (m.gui_scripts?.length) show('gui_scripts', m.gui_scripts.join(', '));
  lines.push(`Debian package: ${r.debName} ${answers.version} (${r.kind}), maintainer ${answers.author} <${answers.email}>, ${answers.distro}`);
  for (const n of r.notes) lines.push(`note: ${n}`);
  for (const n of r.refusals) lines.push(`would refuse (exit 2): ${n}`);
  const diffs = r.files.map((a) => a.diff ?? '').join('');
  if (dryRun && diffs) lines.push('', diffs.trimEnd());
  lines.push('');
  for (const a of r.files) {
    const extra = a.conflicts ? ` (${a.conflicts} conflict${a.conflicts > 1 ? 's' : ''} marked)` : a.note ? ` (${a.note})` : '';
    lines.push(`  ${VERB[a.action][dryRun ? 0 : 1].padEnd(13)} ${a.path}${extra}`);
  }
  const conflicted = r.conflicts;
  if (dryRun) lines.push('Nothing was written (--dry-run).');
  else {
    const where = shown(r.dir);
    lines.push(`Wrote ${r.written.length} file${r.written.length === 1 ? '' : 's'} in ${where === '.' ? 'this directory' : where}.`);
    if (conflicted.length)
      lines.push(`Resolve the conflict markers (<<<<<<< ======= >>>>>>>) in ${conflicted.join(', ')} before building${inGit ? '; they are left unmerged in git\'s index (git status lists them): git add each once resolved' : ''}.`);
    else lines.push(`Build with: ${where === '.' ? '' : `cd ${where} && `}dpkg-buildpackage -us -uc -b`);
  }
  return lines.join('\n') + '\n';
}

