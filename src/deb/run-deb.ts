import { existsSync, statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { Answers, Asker, Output } from '../types.js';
import { DEFAULT_DISTRO, DISTROS } from '../answers/distros.js';
import { deriveNames, nameProblem } from '../answers/names.js';
import { FailureError, UsageError } from '../errors.js';
import { toolVersion } from '../paths.js';
import { unsafePathReason } from '../update/worktree.js';
import { redactDeep } from '../secrets/redact.js';
import { MetadataError, type MetadataReading } from '../python/metadata.js';
import { DEFAULT_PYTHON, readMetadata } from '../python/read-metadata.js';
import { parseMaintainer, type IdentityHint, type Maintainer } from './maintainer.js';
import type { DebAction } from './plan.js';

/**
 * Modules needed only once the metadata is in. They load (and the templates compile) while the Python
 * subprocess runs on the other core: the command's time is Node's start-up plus that one subprocess.
 */
async function loadRest() {
  const [answers, apply, plan, maintainer, validate, filePlan, manifest, defaults] = await Promise.all([
    import('./answers.js'),
    import('./apply.js'),
    import('./plan.js'),
    import('./maintainer.js'),
    import('../answers/validate.js'),
    import('../plan/file-plan.js'),
    import('../templates/manifest.js'),
    import('../answers/defaults.js'),
  ]);
  return { answers, apply, plan, maintainer, validate, filePlan, manifest, defaults };
}
type Rest = Awaited<ReturnType<typeof loadRest>>;

const debianOnly = (path: string) => path.startsWith('debian/');

/** Renders a throw-away plan so ejs has compiled every debian/ template before the real answers arrive. */
function warmTemplates(m: Rest, distro: string): void {
  try {
    const answers = { ...m.defaults.defaultAnswers({ dirName: 'warm-up' }), author: 'Warm Up', email: 'warm-up@example.org', distro };
    m.filePlan.planProject({ tool: 'create-pyservice', toolVersion: '0', templateVersion: m.manifest.latestTemplateVersion(), created: new Date(0).toISOString(), origin: 'deb', answers }, debianOnly);
  } catch {
    /* only a head start; the real plan reports any error */
  }
}

/** `pyservice deb` as a library call: flags in, debian/ out. All terminal I/O goes through `out`. */
export interface DebRequest {
  dir: string;
  maintainer?: string;
  packageName?: string;
  distro?: string;
  python?: string;
  yes: boolean;
  dryRun: boolean;
  force: boolean;
  json: boolean;
  /** How long setup.py may run (default 30 s). */
  timeoutMs?: number;
  /** Present when a person can answer (a terminal): asks the maintainer and a missing synopsis. */
  asker?: Asker;
  /** The upstream version to package when the project's backend gives none (or to override it). */
  upstreamVersion?: string;
  /** A command-line tool (venv + /usr/bin links) or a service (systemd unit, system user, /etc settings). */
  kind?: 'tool' | 'service';
  /** The console script a service's unit runs. */
  serviceCommand?: string;
  /** The team's package-name prefix: the Debian package is PREFIX-NAME (default: $PYSERVICE_DEB_PREFIX). */
  prefix?: string;
  /** The private index: written to ./pip.conf (index-url only), as create does. */
  indexUrl?: string;
}

export interface DebResult {
  dir: string;
  reading: MetadataReading;
  debName: string;
  answers: Answers;
  actions: DebAction[];
  notes: string[];
  kind: 'tool' | 'service';
  /** Why a real run would stop with exit 2 (a dry run lists them and writes nothing either way). */
  refusals: string[];
  written: string[];
}

export async function runDeb(req: DebRequest, out: Output, now: Date = new Date(), env: NodeJS.ProcessEnv = process.env): Promise<DebResult> {
  // 1. Flags that need no project: checked before anything runs
  const dir = resolve(req.dir);
  const distro = req.distro ?? DEFAULT_DISTRO;
  if (!DISTROS[distro]) throw new UsageError(`the distro "${distro}" is not one of ${Object.keys(DISTROS).join(', ')} (--distro)`);
  let flagMaintainer: Maintainer | undefined;
  if (req.maintainer !== undefined) {
    const m = parseMaintainer(req.maintainer);
    if (typeof m === 'string') throw new UsageError(m);
    flagMaintainer = m;
  }
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`${req.dir} is not a directory; give the project's directory (pyservice deb [dir])`);
  const python = req.python ?? DEFAULT_PYTHON;
  if (req.kind !== undefined && req.kind !== 'tool' && req.kind !== 'service') throw new UsageError(`--kind takes tool or service, got "${req.kind}"`);
  if (req.serviceCommand !== undefined && req.kind === 'tool') throw new UsageError('--service-command names the daemon of a service; a tool has none (drop it, or use --kind service)');
  const prefix = req.prefix ?? (env.PYSERVICE_DEB_PREFIX || undefined);
  if (req.python !== undefined && req.python.includes('/') && !existsSync(req.python)) throw new UsageError(`${req.python} does not exist (--python)`);

  // 2. An existing debian/ is the team's: only --force merges into it
  const debianDir = resolve(dir, 'debian');
  // Update's rule for every writer: never write through a symlink (a symlinked debian/ put 17 files outside the project).
  const unsafe = unsafePathReason(dir, 'debian/control');
  if (unsafe) throw new UsageError(`debian/control cannot be written: ${unsafe}; make debian/ a real directory in the project first`);
  const hasDebian = existsSync(debianDir);
  if (hasDebian && !statSync(debianDir).isDirectory()) throw new UsageError(`${relative(process.cwd(), debianDir) || 'debian'} exists and is not a directory; move it away first`);
  if (hasDebian && !req.force)
    throw new UsageError(`${shown(debianDir)}/ already exists; pyservice deb --force merges into it (your content kept, differences marked as conflicts, nothing deleted); preview with --force --dry-run`);

  // 3. Metadata (one Python subprocess) while the rest loads, the templates compile and the maintainer is looked up
  const reading = readMetadata(dir, { python, timeoutMs: req.timeoutMs, pretendVersion: req.upstreamVersion });
  reading.catch(() => undefined); // handled below; avoids an unhandled rejection while the others run
  // The distribution's package names, read from the apt lists on the other core meanwhile (see collisions.ts)
  const debianNames = import('./collisions.js').then(async (c) => ({ c, lines: await c.packageIndexLines() }));
  const rest = loadRest();
  const ready = rest.then((m) => warmTemplates(m, distro));
  const identity = flagMaintainer ? Promise.resolve([]) : lookUpIdentity(dir, env, rest);
  let meta: MetadataReading;
  try {
    meta = await reading;
  } catch (err) {
    if (err instanceof MetadataError) {
      if (process.env.PYSERVICE_DEBUG && err.detail) out.warn(err.detail);
      // The project's input (no project, a broken pyproject.toml, no version) or a flag: exit 2; the rest exit 1.
      const byFlag = err.kind === 'no-project' || err.kind === 'bad-config' || err.kind === 'no-version' || (err.kind === 'no-python' && req.python !== undefined);
      if (byFlag) throw new UsageError(err.message);
      throw new FailureError(err.message);
    }
    throw err;
  }
  const mods = await rest;
  const m = req.upstreamVersion !== undefined ? { ...meta.metadata, version: req.upstreamVersion } : meta.metadata;
  const version = mods.answers.debianVersionFor(m.version);
  if ('problem' in version) throw new UsageError(req.upstreamVersion !== undefined ? `${version.problem.replace(/;.*/, '')} (--upstream-version)` : version.problem);
  const asker = req.yes || req.json ? undefined : req.asker;
  const notes: string[] = [];
  if (meta.backend.unmet.length)
    notes.push(`build requirements Debian's python3 does not meet: ${meta.backend.unmet.map((u) => `${u.requirement} (${u.why}; Debian: ${u.package})`).join(', ')}`);
  if (req.indexUrl !== undefined) {
    const p = mods.validate.indexUrlProblem(req.indexUrl);
    if (p) throw new UsageError(p);
  }

  // 4. Names, refused when the distribution already uses them (unless --package says so explicitly)
  const prefixed = prefix !== undefined && req.packageName === undefined && m.name ? `${prefix}-${m.name.toLowerCase()}` : undefined;
  if (prefixed !== undefined && nameProblem(prefixed)) throw new UsageError(`the prefixed name "${prefixed}" is not a valid package name (--prefix / PYSERVICE_DEB_PREFIX): ${nameProblem(prefixed)}`);
  const named = mods.answers.projectNameFor(m, req.packageName ?? prefixed);
  if ('problem' in named) throw new UsageError(named.problem);
  const names = deriveNames(named.name);
  const { c: collisions, lines } = await debianNames;
  const use = collisions.nameUse(lines, names.debName);
  // What the real run refuses (exit 2). A dry run still reads and reports everything, lists these and exits 0.
  const refusals: string[] = [];
  if (use.used && req.packageName === undefined)
    refusals.push(
      `the Debian package name "${names.debName}" is taken: ${use.where}; installing ours would replace or break it. ` +
        `Choose another: --prefix TEAM (or PYSERVICE_DEB_PREFIX=TEAM once) gives ${prefix ?? 'TEAM'}-${names.debName}, or --package NAME names it explicitly`,
    );
  if (use.used && req.packageName !== undefined) notes.push(`the Debian package name "${names.debName}" is also used by Debian (${use.where}); kept because --package names it explicitly`);
  if (!use.checked) notes.push(`could not check whether Debian already uses the name "${names.debName}": ${use.why}`);

  // Kind: a flag, an earlier run's record, a terminal's answer; otherwise a tool unless it is a generated service
  const earlierRecord = mods.apply.readExisting(dir, mods.filePlan.RECORD_FILE);
  const recorded = earlierRecord ? mods.plan.recordType(earlierRecord.content) : null;
  let kind: 'tool' | 'service' = req.kind ?? (recorded === 'service' || recorded === 'tool' ? recorded : 'tool');
  if (req.kind === undefined && recorded === null && asker)
    kind = await asker.ask<'tool' | 'service'>({ kind: 'select', name: 'kind', message: 'Package it as a command-line tool (venv + /usr/bin links) or a service (systemd unit, system user)', choices: ['tool', 'service'], initial: 'tool' });
  if (req.serviceCommand !== undefined && kind === 'tool') throw new UsageError('--service-command names the daemon of a service; this project is packaged as a tool (add --kind service)');

  // 5. Maintainer: flag, DEBFULLNAME/DEBEMAIL, git config, then ask
  const maintainer = flagMaintainer ?? (await resolveMaintainer(await identity, asker, mods));

  // 6. Synopsis: the description's first line, or ask, or a fallback that is said out loud
  const synopsis = mods.answers.synopsisFor(m, kind, [names.distName, names.debName, names.importName]);
  let description = synopsis.description;
  if (synopsis.problem) {
    if (asker)
      description = await asker.ask<string>({ kind: 'input', name: 'description', message: `One-line description for Debian (${synopsis.problem})`, initial: description, validate: mods.validate.descriptionProblem });
    else notes.push(`${synopsis.problem}; the Debian synopsis is "${description}"`);
  }

  // 7. Answers → the same debian/ plan a generated service gets, plus the record
  const backend = meta.backend.hook === 'setup() capture' ? undefined : { name: meta.backend.name, packages: meta.backend.packages };
  const answersFor = (k: 'tool' | 'service') =>
    mods.answers.debAnswers({ meta: m, projectUrls: meta.projectUrls, name: names.distName, maintainer, distro, description, kind: k, serviceCommand: req.serviceCommand, backend, indexUrl: req.indexUrl });
  let built;
  try {
    built = answersFor(kind);
  } catch (err) {
    if (!(err instanceof mods.answers.DebInputError)) throw err;
    refusals.push(err.message);
    // A dry run still shows the rest; the service form of the answers stands in for the plan it cannot make.
    if (!req.dryRun || kind === 'service') throw new UsageError(err.message);
    built = answersFor('service');
  }
  if (refusals.length && !req.dryRun) throw new UsageError(refusals[0]!);
  notes.push(...built.notes);
  const problems = mods.validate.answersProblems(built.answers);
  if (problems.length) throw new Error(`internal: deb answers failed validation: ${problems.join('; ')}`);
  await ready;
  const { planProject, RECORD_FILE } = mods.filePlan;
  const { readExisting, applyDebActions } = mods.apply;
  const earlier = readExisting(dir, RECORD_FILE);
  const created = (earlier && mods.plan.recordCreated(earlier.content)) ?? new Date(Math.floor(now.getTime() / 1000) * 1000).toISOString();
  const record = { tool: 'create-pyservice' as const, toolVersion: toolVersion(), templateVersion: mods.manifest.latestTemplateVersion(), created, origin: 'deb' as const, answers: built.answers };
  // --index-url: pip.conf as create writes it (index-url only), merged like debian/ files when one exists
  const plan = planProject(record, req.indexUrl ? (path) => debianOnly(path) || path === 'pip.conf' : debianOnly);
  const actions = refusals.length ? [] : mods.plan.planDebActions(plan, (path) => readExisting(dir, path), RECORD_FILE);

  // 8. Show, then write (unless --dry-run)
  const result: DebResult = { dir, reading: meta, debName: names.debName, answers: built.answers, kind, actions, notes, refusals, written: [] };
  if (!req.dryRun) result.written = applyDebActions(dir, actions);
  if (req.json) out.raw(JSON.stringify(redactDeep(jsonReport(result, python, req.dryRun)), null, 2) + '\n');
  else out.raw(textReport(result, python, req.dryRun));
  return result;
}

function shown(path: string): string {
  return relative(process.cwd(), path) || '.';
}

async function lookUpIdentity(dir: string, env: NodeJS.ProcessEnv, rest: Promise<Rest>): Promise<IdentityHint[]> {
  const { maintainer, validate } = await rest;
  const fromEnv = maintainer.debEnvIdentity(env);
  if (fromEnv.name && fromEnv.email && !validate.authorProblem(fromEnv.name) && !validate.emailProblem(fromEnv.email)) return [fromEnv];
  const { gitIdentity } = await import('../apply/git.js');
  const { name, email } = await gitIdentity(dir);
  return [fromEnv, { name, email, source: 'git config' }];
}

async function resolveMaintainer(hints: IdentityHint[], asker: Asker | undefined, mods: Rest): Promise<Maintainer> {
  const picked = mods.maintainer.pickMaintainer(hints);
  if (picked.name !== undefined && picked.email !== undefined) return { name: picked.name, email: picked.email };
  if (!asker)
    throw new UsageError(
      `no Debian maintainer: pass --maintainer "Full Name <email@example.com>" (or set DEBFULLNAME and DEBEMAIL, or git config user.name / user.email)`,
    );
  const name: string = picked.name ?? (await asker.ask<string>({ kind: 'input', name: 'name', message: 'Debian maintainer name', validate: mods.validate.authorProblem }));
  const email: string = picked.email ?? (await asker.ask<string>({ kind: 'input', name: 'email', message: 'Debian maintainer email', validate: mods.validate.emailProblem }));
  return { name, email };
}

const VERB: Record<DebAction['kind'], [string, string]> = {
  create: ['would create', 'created'],
  unchanged: ['unchanged', 'unchanged'],
  conflict: ['would merge', 'merged'],
  update: ['would update', 'updated'],
  keep: ['left alone', 'left alone'],
};

function jsonReport(r: DebResult, python: string, dryRun: boolean) {
  return {
    dir: r.dir,
    dryRun,
    python: { path: python, version: r.reading.python, setuptools: r.reading.setuptools },
    sources: r.reading.sources,
    backend: r.reading.backend,
    metadata: r.reading.metadata,
    projectUrls: r.reading.projectUrls,
    debName: r.debName,
    version: r.answers.version,
    maintainer: `${r.answers.author} <${r.answers.email}>`,
    answers: r.answers,
    kind: r.kind,
    notes: r.notes,
    refusals: r.refusals,
    files: r.actions.map((a) => ({ path: a.path, action: a.kind, mode: a.mode.toString(8), ...(a.conflicts ? { conflicts: a.conflicts } : {}), ...(a.note ? { note: a.note } : {}) })),
    diff: r.actions.map((a) => a.diff ?? '').join(''),
    written: r.written,
  };
}

function textReport(r: DebResult, python: string, dryRun: boolean): string {
  const m = r.reading.metadata;
  const lines: string[] = [];
  const from = r.reading.sources.length ? r.reading.sources.join(', ') : 'setuptools defaults';
  const b = r.reading.backend;
  const via = b.hook === 'setup() capture' ? `setuptools ${r.reading.setuptools}` : `${b.name}${b.version ? ` ${b.version}` : ''}, ${b.hook}`;
  lines.push(`Read ${m.name ?? '(no name)'} ${m.version ?? '(no version)'} from ${from} with ${python} (Python ${r.reading.python}, ${via})`);
  const show = (label: string, v: string | null) => lines.push(`  ${label.padEnd(16)} ${v === null ? '-' : v.split('\n')[0]}`);
  show('description', m.description);
  show('author', [m.author, m.author_email && `<${m.author_email}>`].filter(Boolean).join(' ') || null);
  show('maintainer', [m.maintainer, m.maintainer_email && `<${m.maintainer_email}>`].filter(Boolean).join(' ') || null);
  show('url', m.url);
  show('license', m.license_expression ?? m.license);
  show('install_requires', m.install_requires.join(', ') || null);
  show('console_scripts', m.console_scripts.join(', ') || null);
  lines.push(`Debian package: ${r.debName} ${r.answers.version} (${r.kind}), maintainer ${r.answers.author} <${r.answers.email}>, ${r.answers.distro}`);
  for (const n of r.notes) lines.push(`note: ${n}`);
  for (const n of r.refusals) lines.push(`would refuse (exit 2): ${n}`);
  const diffs = r.actions.map((a) => a.diff ?? '').join('');
  if (dryRun && diffs) lines.push('', diffs.trimEnd());
  lines.push('');
  for (const a of r.actions) {
    const extra = a.conflicts ? ` (${a.conflicts} conflict${a.conflicts > 1 ? 's' : ''} marked)` : a.note ? ` (${a.note})` : '';
    lines.push(`  ${VERB[a.kind][dryRun ? 0 : 1].padEnd(13)} ${a.path}${extra}`);
  }
  const conflicted = r.actions.filter((a) => a.kind === 'conflict').map((a) => a.path);
  if (dryRun) lines.push('Nothing was written (--dry-run).');
  else {
    const where = shown(r.dir);
    lines.push(`Wrote ${r.written.length} file${r.written.length === 1 ? '' : 's'} in ${where === '.' ? 'this directory' : where}.`);
    if (conflicted.length) lines.push(`Resolve the conflict markers (<<<<<<< ======= >>>>>>>) in ${conflicted.join(', ')} before building.`);
    else lines.push(`Build with: ${where === '.' ? '' : `cd ${where} && `}dpkg-buildpackage -us -uc -b`);
  }
  return lines.join('\n') + '\n';
}
