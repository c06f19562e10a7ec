import { existsSync, lstatSync, readdirSync, statSync } from 'node:fs';
import { shown as shownValue } from '../secrets/redact.js';
import { join, relative, resolve } from 'node:path';
import type { Answers, Asker, DebFileReport, DebRequest, Output, ProjectRecord } from '../types.js';
import { RECORD_FILE } from '../plan/tool-files.js';
import { parseRecord, RecordError } from '../update/project.js';
import { DEFAULT_DISTRO, DISTROS } from '../answers/distros.js';
import { deriveNames, nameProblem, SYSTEM_USER_MAX, systemUserProblem } from '../answers/names.js';
import { FailureError, UsageError } from '../errors.js';
import { toolVersion } from '../paths.js';
import { findRepo, gitDirProblem, readOurs, unsafePathReason, type WriteTarget } from '../update/worktree.js';
import { acquireUpdateLock, refuseIfLocked } from '../update/lock.js';
import { redactDeep } from '../secrets/redact.js';
import type { MetadataReading } from '../python/metadata.js';
import { DEFAULT_PYTHON, MetadataError, readMetadata, type BuildIndex } from '../python/read-metadata.js';
import { projectPipConfIndexUrl } from '../credentials/pip-conf.js';
import { readRegularText } from '../files/read-regular.js';
import { fileReports, jsonReport, shown, textReport, type DebResult } from './report.js';
import { parseMaintainer, type IdentityHint, type Maintainer } from './maintainer.js';

/**
 * Modules needed only once the metadata is in. They load while the Python subprocess runs on the other core: the
 * command's time is Node's start-up plus that one subprocess. (The shipped templates are precompiled functions,
 * so rendering a throw-away plan first, as an earlier version did to compile them, only cost CPU.)
 */
async function loadRest() {
  const [answers, apply, plan, maintainer, validate, filePlan, manifest, templateSet, copyright] = await Promise.all([
    import('./answers.js'),
    import('../update/apply-update.js'),
    import('./plan.js'),
    import('./maintainer.js'),
    import('../answers/validate.js'),
    import('../plan/file-plan.js'),
    import('../templates/manifest.js'),
    import('../templates/template-set.js'),
    import('./copyright.js'),
  ]);
  const [gather, merge] = await Promise.all([import('../update/gather.js'), import('./merge.js')]);
  return { answers, apply, plan, maintainer, validate, filePlan, manifest, templateSet, copyright, gather, merge };
}
type Rest = Awaited<ReturnType<typeof loadRest>>;

const debianOnly = (path: string) => path.startsWith('debian/');

export type { DebFileReport, DebRequest, DebResult };


/**
 * One writer per project at a time: a run that writes takes update's lock (update/lock.ts) and first finishes a
 * run a kill interrupted (update's or deb's: one journal); --dry-run takes nothing and writes nothing.
 */
export async function runDeb(req: DebRequest, out: Output, now: Date = new Date(), env: NodeJS.ProcessEnv = process.env): Promise<DebResult> {
  // 1. Flags that need no project: checked before anything runs
  const dir = resolve(req.dir);
  const distro = req.distro ?? DEFAULT_DISTRO;
  if (!DISTROS[distro]) throw new UsageError(`the distro ${shownValue(distro)} is not one of ${Object.keys(DISTROS).join(', ')} (--distro)`);
  let flagMaintainer: Maintainer | undefined;
  if (req.maintainer !== undefined) {
    const m = parseMaintainer(req.maintainer);
    if (typeof m === 'string') throw new UsageError(m);
    flagMaintainer = m;
  }
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`${req.dir} is not a directory; give the project's directory (pyservice deb [dir])`);
  const python = req.python ?? DEFAULT_PYTHON;
  if (req.kind !== undefined && req.kind !== 'tool' && req.kind !== 'service') throw new UsageError(`--kind takes tool or service, got ${shownValue(req.kind)}`);
  if (req.serviceCommand !== undefined && req.kind === 'tool') throw new UsageError('--service-command names the daemon of a service; a tool has none (drop it, or use --kind service)');
  const prefix = req.prefix ?? (env.PYSERVICE_DEB_PREFIX || undefined);
  if (req.python !== undefined && req.python.includes('/') && !existsSync(req.python)) throw new UsageError(`${req.python} does not exist (--python)`);

  const flags: CheckedFlags = { dir, distro, flagMaintainer, python, prefix };

  const repo = findRepo(dir);
  const broken = repo ? gitDirProblem(repo, 'pyservice deb') : null;
  if (broken) throw new UsageError(broken);
  const target: WriteTarget = { root: dir, gitDir: repo?.gitDir ?? null };
  if (req.dryRun) {
    refuseIfLocked(target, 'deb');
    // Said once the metadata read has started: the journal module loads crypto (~7 ms), which the read need not wait for.
    const journalNote = async () => {
      const { otherProjectOf, readJournal } = await import('../update/journal.js');
      const pending = readJournal(target);
      const other = pending ? otherProjectOf(target, pending) : null;
      if (other !== null) out.warn(`an interrupted pyservice ${pending!.command ?? 'update'} of another project in this repository is pending (${other}); deb would refuse until it is finished there`);
      else if (pending) out.warn('an interrupted pyservice deb or update is pending here; the next run without --dry-run finishes it first');
    };
    // What the real run refuses first, listed with the rest: a repository git refuses (another user's checkout) also
    // hides the git history from setuptools_scm and hatch-vcs, which then read a version such as 0.1.dev0 (gitlint
    // 0.19.1 unpacked as root keeps its uid: the dry run said 0.1.dev0 with no refusal, the real run exit 2)
    const gitRefused = target.gitDir !== null ? import('../update/git-ops.js').then((m) => m.gitRefusal(dir)) : Promise.resolve(null);
    return runDebLocked(req, out, now, env, target, flags, journalNote, gitRefused);
  }
  if (target.gitDir !== null) {
    // The result is staged: a repository git refuses would be found out only after every file was written
    const refused = await (await import('../update/git-ops.js')).gitRefusal(dir);
    if (refused) throw new UsageError(`${refused}; nothing was written`);
  }
  const release = acquireUpdateLock(target, now, 'deb');
  try {
    const { finishInterrupted } = await import('../update/run-update.js');
    const resumed = await finishInterrupted(target, out, false, env);
    if (resumed) return { status: 'resumed', dir, debName: '', files: [], notes: [], kind: 'tool', refusals: [], written: [], conflicts: resumed.conflicts };
    return await runDebLocked(req, out, now, env, target, flags);
  } finally {
    release();
  }
}

interface CheckedFlags {
  dir: string;
  distro: string;
  flagMaintainer: Maintainer | undefined;
  python: string;
  prefix: string | undefined;
}

/** What every phase of one deb run shares: the request, its checked flags, and what the run has to say. */
interface DebRun {
  req: DebRequest;
  flags: CheckedFlags;
  /** Asked only with a terminal (never with --yes or --json). */
  asker: Asker | undefined;
  /** Said with the report. */
  notes: string[];
  /** Why a real run stops with exit 2; a dry run lists them and still reads and reports everything. */
  refusals: string[];
}

/** The work started before the metadata is in, so that it overlaps the Python subprocess (see loadRest). */
interface Started {
  reading: Promise<MetadataReading>;
  rest: Promise<Rest>;
  debianNames: Promise<ArchiveLookup>;
  templateVersion: Promise<string>;
  identity: Promise<IdentityHint[]>;
  only: (path: string) => boolean;
}
type ArchiveLookup = { c: typeof import('./collisions.js'); names: import('./collisions.js').DebianNames };

/**
 * gather (refuse what is not ours to write, read the metadata, decide names, kind, maintainer, synopsis and the
 * answers) → plan (update's planner, limited to debian/) → show, then write through update's writer.
 */
async function runDebLocked(
  req: DebRequest,
  out: Output,
  now: Date,
  env: NodeJS.ProcessEnv,
  target: WriteTarget,
  flags: CheckedFlags,
  whileReading?: () => Promise<void>,
  gitRefused: Promise<string | null> = Promise.resolve(null),
): Promise<DebResult> {
  const { dir, python } = flags;
  refuseOwnedDebian(dir, req);
  const started = startWork(req, flags, env);
  await whileReading?.();
  const { meta, readIndex } = await readProject(req, flags, started, out);
  const mods = await started.rest;
  const run: DebRun = { req, flags, asker: req.yes || req.json ? undefined : req.asker, notes: [], refusals: [] };
  const refusedByGit = await gitRefused;
  if (refusedByGit) run.refusals.push(`${refusedByGit}; a version the backend reads from git is then not the project's`);
  const m = checkedMetadata(run, meta, mods);
  const { names, collisions } = await packageNames(run, m, meta, mods, await started.debianNames);
  const kind = await packageKind(run, dir, names, m, mods);
  // 5. Maintainer: flag, DEBFULLNAME/DEBEMAIL, git config, then ask
  const maintainer = flags.flagMaintainer ?? (await resolveMaintainer(await started.identity, run, mods));
  const description = await debianSynopsis(run, m, kind, names, mods);
  const built = await debianAnswers(run, { meta, m, readIndex, names, kind, maintainer, description }, mods, collisions);
  if (run.refusals.length && !req.dryRun) throw new UsageError(run.refusals[0]!);
  run.notes.push(...built.notes);
  if (kind === 'service' && built.answers.consoleScripts.length) {
    const { daemonStatePaths, statePathsNote } = await import('./state-paths.js');
    const note = statePathsNote(daemonStatePaths(dir, names.debName), built.answers.consoleScripts[0]!.split('=')[0]!.trim(), names.debName);
    if (note) run.notes.push(note);
  }
  const vcs = mods.answers.vcsVersionNote(meta.backend.requires, target.gitDir !== null, m.version ?? '', built.answers.version, req.upstreamVersion !== undefined);
  if (vcs) run.notes.push(vcs);
  for (const { command, owner, system } of built.owned) if (!system) run.notes.push(divertedNote(command, owner, names.debName));
  // --index-url: what reads the pip.conf it writes (the Makefile of a generated project, debian/pyservice.mk here)
  if (req.indexUrl)
    run.notes.push(
      built.wheelhouse !== undefined
        ? `pip.conf: the .deb's build (debian/pyservice.mk) reads its index-url, but installs from wheelhouse/ while that exists (no index)`
        : `pip.conf: the .deb's build (debian/pyservice.mk) installs dependencies from its index-url ${req.indexUrl}, with the login from ~/.netrc (pyservice login)`,
    );
  const { plan, files } = await planDebian(run, dir, built.answers, now, await started.templateVersion, started.only, mods);

  // 8. Show, then write (unless --dry-run)
  const result: DebResult = { status: req.dryRun ? 'planned' : 'written', dir, reading: meta, debName: names.debName, answers: built.answers, kind, files, notes: run.notes, refusals: run.refusals, written: [], conflicts: [] };
  if (!req.dryRun && !run.refusals.length) {
    const report = await mods.apply.applyRunPlan(target, plan, now, env);
    for (const p of report.changedSince) run.notes.push(`${p} changed while pyservice deb ran; left as it is`);
    const skipped = new Set(report.changedSince);
    result.written = [...plan.actions.filter((a) => a.write).map((a) => a.path), ...plan.toolFiles.filter((f) => f.changed && !report.heldBack).map((f) => f.path)].filter((p) => !skipped.has(p)).sort();
    result.conflicts = plan.actions.filter((a) => a.action === 'conflict' && !skipped.has(a.path)).map((a) => a.path);
  }
  if (req.json) out.raw(JSON.stringify(redactDeep(jsonReport(result, meta, python, req.dryRun)), null, 2) + '\n');
  else out.raw(textReport(result, meta, python, req.dryRun, target.gitDir !== null, mods.copyright));
  return result;
}

/**
 * 2. What deb never writes into. A service or tool create-pyservice generated has the templates' debian/, which
 * pyservice update keeps current: measured, deb --force on one marked 5 debian/ files the team had not touched as
 * conflicts (its unit, env file, copyright and overrides are those of a project it adopts, not a generated
 * service's). An existing debian/ is the team's: only --force merges into it.
 */
function refuseOwnedDebian(dir: string, req: DebRequest): void {
  const generated = generatedDeb(readOurs(dir, RECORD_FILE));
  if (generated)
    throw new UsageError(
      `this project follows create-pyservice's templates (a ${generated.type}, templates ${generated.version}, per .pyservice.json): its debian/ is the templates' and pyservice update keeps it current; pyservice deb is for projects without such a record`,
    );
  const debianDir = resolve(dir, 'debian');
  // Update's rule for every writer: never write through a symlink (a symlinked debian/ put 17 files outside the project).
  const unsafe = unsafePathReason(dir, 'debian/control');
  if (unsafe) throw new UsageError(`debian/control cannot be written: ${unsafe}; make debian/ a real directory in the project first`);
  const hasDebian = existsSync(debianDir);
  if (hasDebian && !statSync(debianDir).isDirectory()) throw new UsageError(`${relative(process.cwd(), debianDir) || 'debian'} exists and is not a directory; move it away first`);
  if (hasDebian && !req.force)
    throw new UsageError(`${shown(debianDir)}/ already exists; pyservice deb --force merges into it (your content kept, differences marked as conflicts, nothing deleted); preview with --force --dry-run`);
}

/**
 * 3. The metadata read (one Python subprocess, started before anything it does not need loads), and meanwhile the
 * rest of the command loads, the templates the plan renders are compiled, the distribution's package names are
 * read from the apt lists (collisions.ts) and the maintainer is looked up.
 */
function startWork(req: DebRequest, flags: CheckedFlags, env: NodeJS.ProcessEnv): Started {
  const { dir, python, flagMaintainer } = flags;
  const reading = readMetadata(dir, { python, timeoutMs: req.timeoutMs, pretendVersion: req.upstreamVersion });
  reading.catch(() => undefined); // handled in readProject; avoids an unhandled rejection while the others run
  const debianNames = import('./collisions.js').then(async (c) => ({ c, names: await c.debianNames() }));
  const rest = loadRest();
  // --index-url: pip.conf as create writes it (index-url only), merged like debian/ files when one exists
  const only = req.indexUrl ? (path: string) => debianOnly(path) || path === 'pip.conf' : debianOnly;
  const templateVersion = rest.then((m) => {
    const version = m.manifest.latestTemplateVersion();
    m.filePlan.prepareRender(version, only);
    return version;
  });
  templateVersion.catch(() => undefined); // a broken template folder is reported where the plan renders
  const identity = flagMaintainer ? Promise.resolve([]) : lookUpIdentity(dir, env, rest);
  return { reading, rest, debianNames, templateVersion, identity, only };
}

/**
 * The read's outcome. Build requirements Debian's python3 does not meet (a backend it lacks or has too old) may
 * be the team's index's to give: with one known, the read is tried again with them installed from there. A
 * failure as the command reports it: the project's input (no project, a broken pyproject.toml, no version) or a
 * flag exits 2; the rest exit 1.
 */
async function readProject(req: DebRequest, flags: CheckedFlags, started: Started, out: Output): Promise<{ meta: MetadataReading; readIndex: BuildIndex | null }> {
  const { dir, python } = flags;
  const failed = async (err: MetadataError, hint = '') => {
    if (process.env.PYSERVICE_DEBUG && err.detail) out.warn(err.detail);
    const byFlag = err.kind === 'no-project' || err.kind === 'bad-config' || err.kind === 'no-version' || (err.kind === 'no-python' && req.python !== undefined);
    if (byFlag) return new UsageError(err.message + hint);
    return new FailureError((err.packages.length ? await checkedAgainstArchive(err, started.debianNames) : err.message) + hint);
  };
  try {
    return { meta: await started.reading, readIndex: null };
  } catch (err) {
    if (!(err instanceof MetadataError)) throw err;
    const index = err.unmetBuild.length ? buildIndexFor(dir, req.indexUrl, (await started.rest).validate.indexUrlProblem) : null;
    if (!index) {
      // A uv, poetry or pdm project names its index in pyproject.toml, which pip (the read's and the build's) never reads
      const urls = err.declaredIndexes.map(shownValue);
      const how =
        urls.length === 1
          ? `pyservice deb --index-url ${urls[0]} (the index pyproject.toml names for uv, poetry or pdm, which pip does not read)`
          : `pyservice deb --index-url URL (or an index-url in ./pip.conf)${urls.length ? ` (pyproject.toml names ${urls.join(', ')} for uv, poetry or pdm)` : ''}`;
      throw await failed(err, err.unmetBuild.length ? `; or take ${err.unmetBuild.length === 1 ? 'it' : 'them'} from the team's package index: ${how}` : '');
    }
    // Said before pip runs (it may take a while); --json's stdout is the report alone, whose reading says it too
    if (!req.json) out.info(`Debian's python3 does not meet the build requirements ${err.unmetBuild.join(', ')}: installing build-system.requires from ${index.shown} for the read`);
    try {
      return { meta: await readMetadata(dir, { python, timeoutMs: req.timeoutMs, pretendVersion: req.upstreamVersion, index }), readIndex: index };
    } catch (again) {
      throw again instanceof MetadataError ? await failed(again) : again;
    }
  }
}

/** The metadata as the package gets it (--upstream-version wins), its version checked, and what the read noticed. */
function checkedMetadata(run: DebRun, meta: MetadataReading, mods: Rest): MetadataReading['metadata'] {
  const { req } = run;
  const m = req.upstreamVersion !== undefined ? { ...meta.metadata, version: req.upstreamVersion } : meta.metadata;
  const version = mods.answers.debianVersionFor(m.version, m.debian_versions);
  if ('problem' in version) {
    if (req.upstreamVersion !== undefined) throw new UsageError(`${version.problem.replace(/;.*/, '')} (--upstream-version)`);
    const hint = mods.answers.placeholderVersionHint(meta.backend.requires, meta.backend.name);
    throw new UsageError(hint ? `${version.problem.replace(/;.*/, '')}; ${hint}` : version.problem);
  }
  const left = meta.backend.left;
  if (left.length)
    run.notes.push(`${left.slice(0, 5).join(', ')}${left.length > 5 ? ` and ${left.length - 5} more` : ''} appeared in the project while its metadata was read, not made by the read (kept as ${left.length === 1 ? 'it is' : 'they are'}); remove ${left.length === 1 ? 'it' : 'them'} if the build backend left ${left.length === 1 ? 'it' : 'them'}`);
  if (meta.backend.unmet.length)
    run.notes.push(`build requirements Debian's python3 does not meet: ${meta.backend.unmet.map((u) => `${u.requirement} (${u.why}; Debian: ${u.package})`).join(', ')}`);
  if (req.indexUrl !== undefined) {
    const p = mods.validate.indexUrlProblem(req.indexUrl);
    if (p) throw new UsageError(p);
  }
  return m;
}

/** 4. Names, refused when the distribution already uses them (unless --package says so explicitly), and the target's Python. */
async function packageNames(run: DebRun, m: MetadataReading['metadata'], meta: MetadataReading, mods: Rest, archive: ArchiveLookup) {
  const { req, flags } = run;
  const { prefix } = flags;
  const prefixed = prefix !== undefined && req.packageName === undefined && m.name ? `${prefix}-${m.name.toLowerCase()}` : undefined;
  if (prefixed !== undefined && nameProblem(prefixed)) throw new UsageError(`the prefixed name ${shownValue(prefixed)} is not a valid package name (--prefix / PYSERVICE_DEB_PREFIX): ${nameProblem(prefixed)}`);
  const named = mods.answers.projectNameFor(m, req.packageName ?? prefixed);
  if ('problem' in named) throw new UsageError(named.problem);
  const names = deriveNames(named.name);
  const { c: collisions, names: debian } = archive;
  const use = collisions.nameUse(debian, names.debName);
  if (use.used && req.packageName === undefined)
    run.refusals.push(
      `the Debian package name "${names.debName}" is taken: ${use.where}; installing ours would replace or break it. ` +
        `Choose another: --prefix TEAM (or PYSERVICE_DEB_PREFIX=TEAM once) gives ${prefix ?? 'TEAM'}-${names.debName}, or --package NAME names it explicitly`,
    );
  const pythonProblem = mods.answers.requiresPythonProblem(m, flags.distro, meta.python);
  if (pythonProblem) run.refusals.push(pythonProblem);
  if (use.used && req.packageName !== undefined) run.notes.push(`the Debian package name "${names.debName}" is also used by Debian (${use.where}); kept because --package names it explicitly`);
  if (!use.checked) run.notes.push(`could not check whether Debian already uses the name "${names.debName}": ${use.why}`);
  return { names, collisions };
}
type Names = ReturnType<typeof deriveNames>;

/** Kind: a flag, an earlier run's record, a terminal's answer; otherwise a tool unless it is a generated service. */
async function packageKind(run: DebRun, dir: string, names: Names, m: MetadataReading['metadata'], mods: Rest): Promise<'tool' | 'service'> {
  const { req, asker } = run;
  const earlierRecord = readOurs(dir, RECORD_FILE);
  const recorded = earlierRecord.kind === 'file' ? mods.plan.recordType(earlierRecord.content) : null;
  let kind: 'tool' | 'service' = req.kind ?? (recorded === 'service' || recorded === 'tool' ? recorded : 'tool');
  if (req.kind === undefined && recorded === null && asker)
    kind = await asker.ask<'tool' | 'service'>({ kind: 'select', name: 'kind', message: 'Package it as a command-line tool (venv + /usr/bin links) or a service (systemd unit, system user)', choices: ['tool', 'service'], initial: 'tool' });
  if (req.serviceCommand !== undefined && kind === 'tool') throw new UsageError('--service-command names the daemon of a service; this project is packaged as a tool (add --kind service)');
  // A library as a tool is refused before the maintainer is looked for or asked: measured, a library without a
  // maintainer was told to pass --maintainer, and then, given one, that it is a library. A dry run lists it below.
  if (!req.dryRun && kind === 'tool' && mods.answers.hasNoCommands(m)) throw new UsageError(mods.answers.LIBRARY_REFUSAL);
  // A service's system user is named after the package: never an account or group the system already has
  const prefix = run.flags.prefix;
  // (a name too long for a user name only gets longer with a prefix)
  const fix = names.debName.length > SYSTEM_USER_MAX ? 'name the package with --package NAME' : `name the package otherwise: --prefix TEAM (or PYSERVICE_DEB_PREFIX) gives ${prefix ?? 'TEAM'}-${names.debName}, or --package NAME`;
  const userProblem = kind === 'service' ? systemUserProblem(names, fix) : null;
  if (userProblem && !req.dryRun) throw new UsageError(userProblem);
  if (userProblem) run.refusals.push(userProblem);
  return kind;
}

/** 6. Synopsis: the description's first line, or ask, or a fallback that is said out loud. */
async function debianSynopsis(run: DebRun, m: MetadataReading['metadata'], kind: 'tool' | 'service', names: Names, mods: Rest): Promise<string> {
  const synopsis = mods.answers.synopsisFor(m, kind, [names.distName, names.debName, names.importName]);
  if (!synopsis.problem) return synopsis.description;
  if (run.asker)
    return run.asker.ask<string>({ kind: 'input', name: 'description', message: `One-line description for Debian (${synopsis.problem})`, initial: synopsis.description, validate: mods.validate.descriptionProblem });
  // deb has no --description (the validators' flag): the synopsis is changed in debian/control, or upstream
  run.notes.push(`${synopsis.problem.replace(/ \(--description\)|; give one with --description/g, '')}; the Debian synopsis is "${synopsis.description}" (debian/control's Description: edit it there, or the project's summary)`);
  return synopsis.description;
}

/**
 * 7. Answers: the same debian/ plan a generated service gets. A dry run that cannot make them for this kind still
 * shows the rest, with the service form standing in; commands that would take over a system command are refused.
 */
async function debianAnswers(
  run: DebRun,
  got: { meta: MetadataReading; m: MetadataReading['metadata']; readIndex: BuildIndex | null; names: Names; kind: 'tool' | 'service'; maintainer: Maintainer; description: string },
  mods: Rest,
  collisions: ArchiveLookup['c'],
) {
  const { req, flags } = run;
  const { meta, m, readIndex, names, kind, maintainer, description } = got;
  const backend = meta.backend.hook === 'setup() capture' ? undefined : { name: meta.backend.name, packages: meta.backend.packages };
  // A setuptools project's own build requirements (setuptools_scm, pbr, cython…): Build-Depends too
  const buildPackages = meta.backend.hook === 'setup() capture' ? meta.backend.packages : [];
  const { requirementsTxt, requirementsLock, wheelhouse } = projectFiles(flags.dir);
  const fromIndex = meta.backend.fromIndex && readIndex ? { requires: meta.backend.fromIndex.requires, shown: readIndex.shown } : undefined;
  // Only when the metadata names no license debian/copyright can use: licensecheck takes ~1.5 s
  const licenseFiles = mods.copyright.upstreamLicense(m) ? undefined : await (await import('./license-files.js')).checkLicenseFiles(flags.dir);
  const answersFor = (k: 'tool' | 'service') =>
    mods.answers.debAnswers({ meta: m, projectUrls: meta.projectUrls, name: names.distName, maintainer, distro: flags.distro, description, kind: k, serviceCommand: req.serviceCommand, extras: req.extras, backend, buildPackages, packagePythons: meta.backend.packagePythons, compiled: meta.backend.compiled, libraries: meta.backend.libraries, indexUrl: req.indexUrl, requirementsTxt, requirementsLock, wheelhouse, licenseFiles, fromIndex });
  let built;
  try {
    built = answersFor(kind);
  } catch (err) {
    if (!(err instanceof mods.answers.DebInputError)) throw err;
    run.refusals.push(err.message);
    if (!req.dryRun || kind === 'service') throw new UsageError(err.message);
    try {
      const standIn = answersFor('service');
      // Its note on the service default script is about a plan nobody asked for: a library's dry run said both
      // "refused: no console scripts" and "the unit runs a command named \"idna\""
      built = { ...standIn, notes: standIn.notes.filter((n) => !/generated-service default/.test(n)) };
    } catch (again) {
      throw again instanceof mods.answers.DebInputError ? new UsageError(again.message) : again;
    }
  }
  // A service with no console script would get the generated-service default: a unit and a /usr/bin link naming a
  // program its build never makes (the service restarts on 'No such file or directory' every 5 s)
  if (kind === 'service' && built.answers.consoleScripts.length === 0) {
    const refusal = mods.answers.serviceCommandRefusal(m, names.debName);
    run.refusals.push(refusal);
    if (!req.dryRun) throw new UsageError(refusal);
    built = { ...built, notes: built.notes.filter((n) => !/generated-service default/.test(n)) };
  }
  // A command that would take over a system command (a tool diverts the other file, a service's link replaces the
  // one dpkg knows only as /bin/NAME): /usr/bin/sh, ls or python3 from an upstream project's entry point
  const commands = built.answers.consoleScripts.map((c) => c.split('=')[0]!.trim());
  const owned = await collisions.commandOwners(commands, names.debName);
  const unowned = commands.filter((c) => !owned.some((o) => o.command === c)).map((command) => ({ command, system: collisions.systemCommand(command) ?? undefined }));
  for (const { command, system } of [...owned, ...unowned])
    if (system)
      run.refusals.push(
        `the project's command ${command} would take over /usr/bin/${command} (${system}) on every machine the package is installed on; ` +
          `a package made by pyservice deb never replaces a system command: rename that entry point upstream ([project.scripts] or console_scripts; every console script becomes a /usr/bin command)`,
      );
  return { ...built, owned, wheelhouse };
}

/** The debian/ plan: update's planner over an adoption limited to debian/ (and pip.conf), based on an earlier deb run's render. */
async function planDebian(run: DebRun, dir: string, answers: Answers, now: Date, templateVersion: string, only: (path: string) => boolean, mods: Rest) {
  const problems = mods.validate.answersProblems(answers);
  if (problems.length) throw new Error(`internal: deb answers failed validation: ${problems.join('; ')}`);
  const { planProject } = mods.filePlan;
  const disk = (path: string) => readOurs(dir, path);
  const found = disk(RECORD_FILE);
  const recordBytes = found.kind === 'file' ? found.content : null;
  const earlier = recordBytes && mods.plan.recordOrigin(recordBytes) === 'deb' ? parsedOrNull(recordBytes) : null;
  const created = (recordBytes && mods.plan.recordCreated(recordBytes)) ?? new Date(Math.floor(now.getTime() / 1000) * 1000).toISOString();
  const record = { tool: 'create-pyservice' as const, toolVersion: toolVersion(), templateVersion, created, origin: 'deb' as const, answers };
  const theirs = planProject(record, only);
  const warnings: string[] = [];
  const base = earlier ? mods.gather.loadBase(earlier, only, planProject, warnings, mods.templateSet.shippedSet, disk, null) : { entries: null, source: 'none' as const };
  const plan = mods.plan.planDeb({ theirs, answers, recordBytes, earlier, base: base.entries, baselineSource: base.source, warnings, disk });
  run.notes.push(...plan.warnings);
  // Never through a symlink, nor over a directory: a planned path that is not a regular file is refused.
  for (const a of plan.actions) {
    const st = disk(a.path);
    if (a.action === 'skip' && st.kind !== 'file' && st.kind !== 'missing')
      throw new UsageError(`${a.path} is ${st.kind === 'symlink' ? 'a symlink' : st.kind === 'blocked' ? `not writable (${st.reason})` : st.what}; pyservice deb never writes through it: replace it with a regular file or move it away, then rerun`);
  }
  return { plan, files: run.refusals.length ? [] : fileReports(plan, theirs, mods.merge.unifiedDiff) };
}

function divertedNote(command: string, owner: string, debName: string): string {
  return `/usr/bin/${command} is also in ${owner} (on this machine): while ${debName} is installed, that file is diverted to /usr/bin/${command}.distrib (dpkg-divert) and comes back when ${debName} is removed`;
}

/**
 * The index a read may take build requirements from: --index-url (checked first: it must hold no login), else an
 * index-url in the project's own pip.conf, which debian/pyservice.mk's build reads too; null without either.
 */
function buildIndexFor(dir: string, flag: string | undefined, problem: (url: string) => string | null): BuildIndex | null {
  if (flag !== undefined) {
    const p = problem(flag);
    if (p) throw new UsageError(p);
    return { url: flag, shown: shownValue(flag) };
  }
  const url = projectPipConfIndexUrl(dir);
  return url ? { pipConf: join(dir, 'pip.conf'), shown: `${shownValue(url)} (./pip.conf)` } : null;
}

/** The error's apt-get advice limited to what this machine's Debian archive has (the apt lists read meanwhile). */
async function checkedAgainstArchive(err: MetadataError, lookup: Promise<ArchiveLookup>): Promise<string> {
  const [{ c, names }, { checkedInstallAdvice }] = await Promise.all([lookup, import('./install-advice.js')]);
  if (typeof names.archive !== 'function') return err.message;
  const archive = names.archive;
  return checkedInstallAdvice(err.message, err.packages, (p) => c.inArchive(archive, p), (p) => c.archiveVersions(archive, p), err.wants);
}

/** An earlier deb run's record, or null when it cannot be read (then there is no base: merged as both added). */
function parsedOrNull(bytes: Buffer): ProjectRecord | null {
  try {
    return parseRecord(bytes.toString('utf8'), '.pyservice.json');
  } catch (err) {
    if (err instanceof RecordError) return null;
    throw err;
  }
}

/**
 * requirements.txt and requirements.lock and the wheels of wheelhouse/ (a real directory only), as the build sees
 * them: pip follows a symlinked requirements file, so this does too, through the one reader of project files (a
 * FIFO or a directory there is refused with its fix instead of hanging or being skipped unseen).
 */
function projectFiles(dir: string): { requirementsTxt?: string; requirementsLock?: string; wheelhouse?: string[] } {
  const out: { requirementsTxt?: string; requirementsLock?: string; wheelhouse?: string[] } = {};
  for (const [file, key] of [['requirements.txt', 'requirementsTxt'], ['requirements.lock', 'requirementsLock']] as const) {
    const text = readRegularText(join(dir, file), file);
    if (text !== null) out[key] = text;
  }
  try {
    if (lstatSync(join(dir, 'wheelhouse')).isDirectory()) out.wheelhouse = readdirSync(join(dir, 'wheelhouse'));
  } catch {
    /* none */
  }
  return out;
}


async function lookUpIdentity(dir: string, env: NodeJS.ProcessEnv, rest: Promise<Rest>): Promise<IdentityHint[]> {
  const { maintainer, validate } = await rest;
  const fromEnv = maintainer.debEnvIdentity(env);
  if (fromEnv.name && fromEnv.email && !validate.authorProblem(fromEnv.name) && !validate.emailProblem(fromEnv.email)) return [fromEnv];
  const { gitIdentity } = await import('../apply/git.js');
  const { name, email } = await gitIdentity(dir);
  return [fromEnv, { name, email, source: 'git config' }];
}

async function resolveMaintainer(hints: IdentityHint[], run: DebRun, mods: Rest): Promise<Maintainer> {
  const { asker } = run;
  const picked = mods.maintainer.pickMaintainer(hints);
  run.notes.push(...picked.unused);
  if (picked.name !== undefined && picked.email !== undefined) return { name: picked.name, email: picked.email };
  if (!asker)
    throw new UsageError(
      picked.unused[0] ??
        `no Debian maintainer: pass --maintainer "Full Name <email@example.com>" (or set DEBFULLNAME and DEBEMAIL, or git config user.name / user.email)`,
    );
  const name: string = picked.name ?? (await asker.ask<string>({ kind: 'input', name: 'name', message: 'Debian maintainer name', validate: mods.validate.authorProblem }));
  const email: string = picked.email ?? (await asker.ask<string>({ kind: 'input', name: 'email', message: 'Debian maintainer email', validate: mods.validate.emailProblem }));
  return { name, email };
}

/** The type and template version of a service or tool `create` made (its record says origin "create"), else null. */
function generatedDeb(record: ReturnType<typeof readOurs>): { type: string; version: string } | null {
  if (record.kind !== 'file') return null;
  try {
    const r = JSON.parse(record.content.toString('utf8')) as { tool?: unknown; origin?: unknown; templateVersion?: unknown; answers?: { type?: unknown } };
    const type = r.answers?.type;
    if (r.tool !== 'create-pyservice' || r.origin !== 'create' || (type !== 'service' && type !== 'tool')) return null;
    return { type, version: typeof r.templateVersion === 'string' ? r.templateVersion : '?' };
  } catch {
    return null; // a record deb cannot read is reported where the record is read
  }
}
