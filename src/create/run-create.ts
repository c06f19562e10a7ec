import { basename, dirname, relative, resolve } from 'node:path';
import { unreadPipelineWarning } from '../ci/providers.js';
import { findRepo, realPath } from '../update/worktree.js';
import type { Answers, CreateRequest, CreateResult, FilePlan, Output, ProjectRecord } from '../types.js';

export type { CreateRequest, CreateResult };
import { defaultAnswers, defaultDescription } from '../answers/defaults.js';
import { answerPairProblems, answersProblems } from '../answers/validate.js';
import { PROJECT_TYPES } from '../answers/types.js';
import { deriveNames, systemUserProblem } from '../answers/names.js';
import { consoleScripts } from '../templates/render.js';
import { systemCommandRefusal } from '../deb/system-commands.js';
import { askForCreate, VALIDATORS } from '../answers/questions.js';
import { latestTemplateVersion, loadManifest, manifestAnswerProblem, manifestTypes, providerOfVersionProblem } from '../templates/manifest.js';
import type { TemplateSet } from '../templates/template-set.js';
import { openSource } from '../template-sources/open.js';
import { parseSource, SHIPPED } from '../template-sources/spec.js';
import { versionOfTag } from '../template-sources/semver.js';
import { requireTrust } from '../template-sources/trust.js';
import { readDefaultsFile, teamAnswerDefaults } from '../template-sources/team-defaults.js';
import { renderProject, withToolFiles } from '../plan/file-plan.js';
import { checkTarget, interruptedMove, onlyGit, removeStaleStaging, TargetError, writeNewProject } from '../apply/new-project.js';
import { gitIdentity, gitInitialCommit } from '../apply/git.js';
import { toolVersion } from '../paths.js';
import { UsageError } from '../errors.js';
import { shown as shownValue } from '../secrets/redact.js';
import { credentialsForCreate, savePendingLogin, takeEnvPassword } from '../credentials/login-flow.js';



/** The create command as a library call: flags in, project out. All terminal I/O goes through `out`. */
export async function runCreate(req: CreateRequest, out: Output, now: Date = new Date()): Promise<CreateResult> {
  const envPassword = takeEnvPassword(); // first: no child process (git) may inherit PYSERVICE_INDEX_PASSWORD
  // git's identity (author default) is looked up in a child process while this one goes on.
  const identity = req.given.author !== undefined && req.given.email !== undefined ? Promise.resolve({ name: '', email: '' }) : gitIdentity();
  // 1. Template source (trusted before anything is fetched or rendered) and version
  const spec = req.template !== undefined ? parseSource(req.template, process.cwd()) : SHIPPED;
  requireTrust(spec, Boolean(req.trust));
  const set = openSource(spec);
  const available = set.versions(true);
  const templateVersion = req.templateVersion ?? (spec.ref ? versionOfTag(spec.ref) : latestTemplateVersion(set, Boolean(req.pre)));
  if (!available.includes(templateVersion))
    throw new UsageError(`template version ${templateVersion} is not ${set.source ? `a version of ${set.source}` : 'shipped'}; choose one of ${available.join(', ')} (--template-version)`);
  const manifest = loadManifest(templateVersion, set);
  if (set.source) {
    const commit = set.commit(templateVersion);
    out.info(`Rendering templates ${templateVersion} from ${set.source}${commit ? ` at commit ${commit.slice(0, 12)}` : ''}`);
  }

  // 2. Name and directory: each defaults to the other
  const given = { ...req.given };
  if (given.name === undefined && req.dir !== undefined) given.name = basename(resolve(req.dir));
  const asker = req.yes ? undefined : req.asker;
  const interactive = asker !== undefined;
  if (!interactive && !req.yes) {
    const missing: string[] = [];
    if (given.name === undefined) missing.push('--name NAME (or a directory)');
    if (given.type === undefined) missing.push(`--type ${PROJECT_TYPES.join('|')}`);
    if (missing.length) throw new UsageError(`missing ${missing.join(' and ')}; no terminal to ask on, so pass them, or --yes for defaults`);
  }

  // 3. Defaults, then the user's answers, then questions for the rest
  const id = await identity;
  const answers = defaultAnswers({ dirName: req.dir ? basename(resolve(req.dir)) : undefined, gitName: id.name, gitEmail: id.email });
  // Team defaults (the template's manifest, then the user's/CI's defaults file) sit between ours and the user's.
  Object.assign(answers, teamAnswerDefaults([manifest.defaults ?? {}, readDefaultsFile()], answers.email));
  // The default description follows the type (a tool is not a 'Long-running Python service')
  if (PROJECT_TYPES.some((type) => defaultDescription(type) === answers.description)) answers.description = defaultDescription(given.type ?? answers.type);
  Object.assign(answers, given);
  const types = manifestTypes(manifest);
  if (given.type !== undefined) refuseTypeOfVersion(answers.type, types, templateVersion, available, set);
  if (given.ci !== undefined) refuseProviderOfVersion(answers.ci, templateVersion, available, set);
  // A directory given is checked before any question, one named by the answer as it is typed
  const sweep = !req.dryRun;
  if (req.dir !== undefined) refuseTarget(resolve(req.dir), sweep);
  if (asker) await askForCreate(asker, answers, given, manifest.answers ?? {}, { types, targetProblem: req.dir === undefined ? (name) => targetProblem(resolve(name), sweep) : undefined });
  refuseTypeOfVersion(answers.type, types, templateVersion, available, set);
  refuseProviderOfVersion(answers.ci, templateVersion, available, set);
  for (const [key, q] of Object.entries(manifest.answers ?? {})) {
    const v = (answers as unknown as Record<string, unknown>)[key];
    const problem = typeof v === 'string' && !VALIDATORS[key as keyof Answers] ? manifestAnswerProblem(key, q, v) : null;
    if (problem) throw new UsageError(problem);
  }

  // 4. Validate everything before touching the disk
  // (pairs of values that are each valid: a value refused on its own is said once)
  const single = answersProblems(answers);
  const problems = single.length ? single : answerPairProblems(answers);
  if (problems.length) throw new UsageError(problems.join('\n'));
  // A tool's or service's commands are /usr/bin links: never over sh, ls, python3 or sudo (a tool's preinst diverts)
  if (answers.type !== 'library') {
    const names = deriveNames(answers.name);
    const userProblem = answers.type === 'service' ? systemUserProblem(names, 'choose another project name (--name)') : null;
    if (userProblem) throw new UsageError(userProblem);
    const refusal = await systemCommandRefusal(consoleScripts(answers).map((s) => s.name), names.debName, answers.consoleScripts.length ? 'rename it in consoleScripts' : 'choose another project name (--name), or give the command another name in consoleScripts (--answers)');
    if (refusal) throw new UsageError(refusal);
    // Its .deb is named after the project: never a package the distribution has (as pyservice deb refuses).
    // Measured: create-pyservice webhook --yes made a package 'webhook', which Debian's webhook 2.8 (a Go
    // program) replaces as an upgrade wherever both apt repositories are configured, and which replaces it on dpkg -i
    const { debianNames, nameUse } = await import('../deb/collisions.js');
    const use = nameUse(await debianNames(), names.debName);
    if (use.used) throw new UsageError(`the Debian package name ${shownValue(names.debName)} is taken: ${use.where}; the project's .deb would replace it, or be replaced by it as an upgrade: choose another project name (--name), e.g. with your team's prefix`);
  }
  const dir = resolve(req.dir ?? answers.name);
  refuseTarget(dir, sweep);
  // Consent, user and password for ~/.netrc are settled (and ~/.netrc checked) before anything is written.
  const login = await credentialsForCreate({ answers, consent: req.saveCredentials, asker, dryRun: req.dryRun, envPassword }, out);

  // 5. Plan
  const record: ProjectRecord = {
    tool: 'create-pyservice',
    toolVersion: toolVersion(),
    templateVersion,
    created: new Date(Math.floor(now.getTime() / 1000) * 1000).toISOString(),
    origin: 'create',
    ...(set.source ? { template: { source: set.source } } : {}),
    answers,
  };
  const rendered = renderProject(record);
  const shown = req.dir ?? answers.name;
  if (req.dryRun) return { dir, shown, plan: withToolFiles(rendered), record, written: false, loginSaved: false };

  // 6. Apply: write into a staging directory, commit there, then move into place. The rendered files are
  // written while the baseline that hashes them is computed (file-plan.ts withToolFiles), which then follows.
  // Inside an existing repository (a monorepo) the project becomes part of it: no nested repository.
  // An empty clone (only .git) is the project's own repository: filled, never given a repository of its own
  const clone = onlyGit(dir);
  const enclosing = req.git ? findRepo(clone ? dir : dirname(dir)) : null;
  const initGit = req.git && !enclosing;
  let plan: FilePlan | undefined;
  const toolFiles = () => {
    plan = withToolFiles(rendered);
    const written = new Set(rendered.files.map((f) => f.path));
    return plan.files.filter((f) => !written.has(f.path));
  };
  await writeNewProject({ files: rendered.files, more: toolFiles }, dir, async (staging) => {
    if (initGit) await gitInitialCommit(staging, { name: answers.author, email: answers.email }, `Initial commit from create-pyservice (templates ${templateVersion})`);
  });
  if (!plan) throw new Error('create: the tool files were never planned'); // writeNewProject calls `more` before it returns
  out.phase(`Wrote ${plan.files.length} files to ${shown} (${answers.type}, templates ${templateVersion})`);
  if (initGit) out.phase('Created a git repository with the first commit');
  else if (clone && enclosing?.root === realPath(dir)) out.phase(`Into the git repository ${shown} (an empty clone, its .git kept): git add -A and commit there`);
  else if (enclosing) {
    out.phase(`Inside the git repository at ${enclosing.root}: no nested repository created; git add and commit ${shown} there`);
    const unread = unreadPipelineWarning(answers.ci, relative(enclosing.root, realPath(dir)), (path) => plan!.files.some((f) => f.path === path));
    if (unread) out.warn(unread);
  }
  if (login) await savePendingLogin(login, out);
  return { dir, shown, plan, record, written: true, loginSaved: Boolean(login) };
}

/**
 * A project type the template version makes no file for is refused before anything is asked or written: measured,
 * `--type tool --template-version 1.1.0` wrote 17 files (no src/, tests/ or debian/) and exited 0.
 */
function refuseTypeOfVersion(type: string, types: readonly string[] | null, version: string, available: readonly string[], set: TemplateSet): void {
  if (!types || types.includes(type)) return;
  const since = available.find((v) => manifestTypes(loadManifest(v, set))?.includes(type));
  throw new UsageError(
    `templates ${version} make no ${type} project (only ${types.join(', ')}); ` +
      (since ? `use --template-version ${since} or later, or another --type` : `choose --type ${types.join(' or ')}`),
  );
}

/** A CI provider the template version has no pipeline for (one added in a later version) is refused likewise. */
function refuseProviderOfVersion(ci: string, version: string, available: readonly string[], set: TemplateSet): void {
  const problem = providerOfVersionProblem(ci, version, available, set);
  if (problem) throw new UsageError(problem);
}

/**
 * Why the project cannot be created at `dir` (not empty, a symlink, a mount point, an unwritable parent), or null.
 * With `sweep`, a killed run's staging directory for `dir` goes first, and an empty clone it was filling when it
 * was killed is put back as it was (holding only its .git), so the rerun of the same command works. Measured: a
 * SIGKILL during the move into an empty clone (9 of 100 kills at random moments of create-pyservice) left part of
 * the project in the clone, the rest in the staging directory for good, and every rerun said 'is not empty'.
 */
function targetProblem(dir: string, sweep: boolean): string | null {
  if (sweep) removeStaleStaging(dir);
  try {
    checkTarget(dir);
    return null;
  } catch (err) {
    if (!(err instanceof TargetError)) throw err;
    const killed = sweep ? null : interruptedMove(dir);
    return killed ? `${err.message.replace(/; choose .*$/, '')}: ${killed.moved} of its ${killed.of} entries were moved in by a create-pyservice that was killed; run without --dry-run to put the clone back as it was` : err.message;
  }
}

function refuseTarget(dir: string, sweep: boolean): void {
  const problem = targetProblem(dir, sweep);
  if (problem) throw new UsageError(problem);
}
