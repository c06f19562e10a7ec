import { basename, dirname, resolve } from 'node:path';
import { findRepo } from '../../update/worktree.js';
import type { Answers } from '../../answers/types.js';
import { CI_PROVIDERS, PROJECT_TYPES } from '../../answers/types.js';
import { DISTROS } from '../../answers/distros.js';
import { defaultAnswers, defaultDescription } from '../../answers/defaults.js';
import { readAnswersFile as readAnswersFileData } from '../../answers/answers-file.js';
import { AnswersShapeError } from '../../answers/shape.js';
import { answersProblems, pythonMinimumProblem, authorProblem, descriptionProblem, emailProblem, indexUrlProblem, uploadUrlProblem, urlProblem } from '../../answers/validate.js';
import { deriveNames, nameProblem } from '../../answers/names.js';
import { latestTemplateVersion, loadManifest, manifestAnswerProblem } from '../../templates/manifest.js';
import type { TemplateSet } from '../../templates/template-set.js';
import { openSource } from '../../template-sources/open.js';
import { parseSource, SHIPPED } from '../../template-sources/spec.js';
import { versionOfTag } from '../../template-sources/semver.js';
import { requireTrust } from '../../template-sources/trust.js';
import { DefaultsError, readDefaultsFile, teamAnswerDefaults } from '../../template-sources/team-defaults.js';
import { planProject, type FilePlan, type ProjectRecord } from '../../plan/file-plan.js';
import { checkTarget, InterruptedError, TargetError, writeNewProject } from '../../apply/new-project.js';
import { gitIdentity, gitInitialCommit } from '../../apply/git.js';
import { toolVersion } from '../../paths.js';
import { parseFlags } from '../flags.js';
import { CancelledError, UsageError } from '../errors.js';
import { ask, canPrompt } from '../prompts.js';
import { kleur, type Output } from '../output.js';
import { formatPlan } from '../plan-output.js';
import { nextSteps } from '../next-steps.js';
import { credentialsForCreate, savePendingLogin, takeEnvPassword } from '../../credentials/login-flow.js';

export const CREATE_HELP = `Usage: create-pyservice [dir] [options]
       npm create pyservice -- [dir] [options]

Scaffold a Python library or service that builds, tests and ships from a private repo.

Options:
  --type service|library    project type (default: service)
  --name NAME               distribution name (default: the directory's name)
  --description TEXT        one-line summary, at most 80 characters
  --author NAME             author / Debian maintainer name (default: git config user.name)
  --email EMAIL             author email (default: git config user.email)
  --url URL                 project home page (optional)
  --ci PROVIDER             github|gitlab|circleci|jenkins|none (default: github)
  --index-url URL           private package index, PEP 503 /simple/ URL (default: none configured)
  --upload-url URL          upload endpoint of the private index (twine)
  --index-user NAME         read-only installer username for the index
  --save-credentials        write the index credentials to ~/.netrc (mode 0600); the password is read from
                            a hidden prompt or PYSERVICE_INDEX_PASSWORD, never from a flag
  --distro NAME             ${Object.keys(DISTROS).join('|')} (default: bookworm)
  --build-deps LIST         comma-separated Debian build dependencies, e.g. python3-dev,libpq-dev
  --python-minimum X.Y      oldest Python the project supports, setup.py's python_requires (default: 3.9)
  --template SOURCE[#TAG]   your team's templates: a directory, a git URL (https://, ssh://, file://,
                            git@host:org/repo) or gh:/gl:org/repo; #TAG picks a version (default: the
                            latest release tag). Templates run code: a source is rendered only once trusted
  --trust                   trust the --template source (remembered per user) and render it
  --pre                     allow pre-release template versions (v2.0.0-rc.1) as the latest
  --template-version X      generate from an older template version
  --answers FILE.json       read answers from a JSON file (flags win)
  -y, --yes                 take defaults for everything not given; never prompt
  --no-git                  do not create a git repository
  --dry-run                 print the file plan (paths, sizes, modes) and write nothing
  --json                    with --dry-run: print the plan as JSON
  -h, --help                show this help
  -v, --version             show the version

Exit codes: 0 ok, 1 failure, 2 bad usage or bad input, 130 cancelled (Ctrl-C).
`;

const FLAG_OPTIONS = {
  type: { type: 'string' },
  name: { type: 'string' },
  description: { type: 'string' },
  author: { type: 'string' },
  email: { type: 'string' },
  url: { type: 'string' },
  ci: { type: 'string' },
  'index-url': { type: 'string' },
  'upload-url': { type: 'string' },
  'index-user': { type: 'string' },
  'save-credentials': { type: 'boolean' },
  distro: { type: 'string' },
  'build-deps': { type: 'string' },
  'python-minimum': { type: 'string' },
  'template-version': { type: 'string' },
  template: { type: 'string' },
  trust: { type: 'boolean' },
  pre: { type: 'boolean' },
  answers: { type: 'string' },
  yes: { type: 'boolean', short: 'y' },
  'no-git': { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

const FLAG_TO_KEY: Record<string, keyof Answers> = {
  type: 'type', name: 'name', description: 'description', author: 'author', email: 'email', url: 'url', ci: 'ci',
  'index-url': 'indexUrl', 'upload-url': 'uploadUrl', 'index-user': 'indexUser', distro: 'distro', 'build-deps': 'buildDeps', 'python-minimum': 'pythonMinimum',
};

export interface CreateRequest {
  dir?: string;
  given: Partial<Answers>;
  yes: boolean;
  git: boolean;
  dryRun: boolean;
  json: boolean;
  saveCredentials: boolean;
  templateVersion?: string;
  /** --template SOURCE[#tag]; absent: the shipped templates. */
  template?: string;
  trust?: boolean;
  pre?: boolean;
}

function splitList(v: string): string[] {
  return v.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);
}

/** --answers FILE.json (see answers/answers-file.ts); a bad file is bad input. */
export function readAnswersFile(path: string): Partial<Answers> {
  try {
    return readAnswersFileData(path);
  } catch (err) {
    if (err instanceof AnswersShapeError) throw new UsageError(err.message);
    throw err;
  }
}

export function parseCreateArgs(argv: readonly string[]): CreateRequest | 'help' | 'version' {
  const { values, positionals } = parseFlags(argv, FLAG_OPTIONS, 'create-pyservice');
  if (values.help) return 'help';
  if (values.version) return 'version';
  // The extra words are not echoed: one of them might be a password typed in the wrong place.
  if (positionals.length > 1) throw new UsageError(`expected at most one directory, got ${positionals.length} words; quote a directory name that has spaces`);
  const given: Partial<Answers> = typeof values.answers === 'string' ? readAnswersFile(values.answers) : {};
  for (const [flag, key] of Object.entries(FLAG_TO_KEY)) {
    const v = (values as Record<string, unknown>)[flag];
    if (typeof v !== 'string') continue;
    if (key === 'buildDeps') given.buildDeps = splitList(v);
    else (given as Record<string, unknown>)[key] = v;
  }
  return {
    dir: positionals[0],
    given,
    yes: Boolean(values.yes),
    git: !values['no-git'],
    dryRun: Boolean(values['dry-run']),
    json: Boolean(values.json),
    saveCredentials: Boolean(values['save-credentials']),
    templateVersion: typeof values['template-version'] === 'string' ? values['template-version'] : undefined,
    template: typeof values.template === 'string' ? values.template : undefined,
    trust: Boolean(values.trust),
    pre: Boolean(values.pre),
  };
}

/** Questions asked interactively for answers not given, in order. */
/** Validators of answers that template versions added, by key. */
const ADDED_ANSWER_CHECKS: Record<string, (v: string) => string | null> = { pythonMinimum: pythonMinimumProblem };

async function askMissing(a: Answers, given: Partial<Answers>, templateVersion: string, set: TemplateSet): Promise<void> {
  const showNames = (v: string) => {
    if (nameProblem(v)) return '';
    const n = deriveNames(v);
    return kleur.dim(`distribution: ${n.distName}   import: ${n.importName}   Debian package: ${n.debName}`);
  };
  if (given.name === undefined)
    a.name = await ask({ kind: 'input', name: 'name', message: 'Project name', initial: a.name, validate: nameProblem, hint: showNames });
  if (given.type === undefined) a.type = await ask({ kind: 'select', name: 'type', message: 'Project type', choices: PROJECT_TYPES, initial: a.type });
  if (given.description === undefined)
    a.description = await ask({ kind: 'input', name: 'description', message: 'One-line description', initial: defaultDescription(a.type), validate: descriptionProblem });
  if (given.author === undefined) a.author = await ask({ kind: 'input', name: 'author', message: 'Author', initial: a.author, validate: authorProblem });
  if (given.email === undefined) a.email = await ask({ kind: 'input', name: 'email', message: 'Email', initial: a.email, validate: emailProblem });
  if (given.ci === undefined) a.ci = await ask({ kind: 'select', name: 'ci', message: 'CI provider', choices: CI_PROVIDERS, initial: a.ci });
  if (given.distro === undefined) a.distro = await ask({ kind: 'select', name: 'distro', message: 'Target distribution', choices: Object.keys(DISTROS), initial: a.distro });
  if (given.indexUrl === undefined)
    a.indexUrl = await ask({ kind: 'input', name: 'indexUrl', message: 'Private index URL (PEP 503 /simple/, empty for none)', initial: '', validate: indexUrlProblem });
  if (given.uploadUrl === undefined && a.indexUrl !== '')
    a.uploadUrl = await ask({ kind: 'input', name: 'uploadUrl', message: 'Upload URL for twine (empty for none)', initial: '', validate: uploadUrlProblem });
  if (given.url === undefined) a.url = await ask({ kind: 'input', name: 'url', message: 'Home page URL (optional)', initial: '', validate: (v) => urlProblem(v, '--url') });
  // Questions a template version added (manifest "answers"), e.g. pythonMinimum since 1.1.0.
  for (const [key, q] of Object.entries(loadManifest(templateVersion, set).answers ?? {})) {
    if ((given as Record<string, unknown>)[key] !== undefined) continue;
    const check = ADDED_ANSWER_CHECKS[key] ?? ((v: string) => manifestAnswerProblem(key, q, v));
    (a as unknown as Record<string, string>)[key] = q.choices?.length
      ? await ask({ kind: 'select', name: key, message: q.message, choices: q.choices, initial: q.default })
      : await ask({ kind: 'input', name: key, message: q.message, initial: q.default, validate: check });
  }
}

export interface CreateResult {
  dir: string;
  plan: FilePlan;
  record: ProjectRecord;
  written: boolean;
}

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
  const interactive = !req.yes && canPrompt();
  if (!interactive && !req.yes) {
    const missing: string[] = [];
    if (given.name === undefined) missing.push('--name NAME (or a directory)');
    if (given.type === undefined) missing.push('--type service|library');
    if (missing.length) throw new UsageError(`missing ${missing.join(' and ')}; no terminal to ask on, so pass them, or --yes for defaults`);
  }

  // 3. Defaults, then the user's answers, then questions for the rest
  const id = await identity;
  const answers = defaultAnswers({ dirName: req.dir ? basename(resolve(req.dir)) : undefined, gitName: id.name, gitEmail: id.email });
  // Team defaults (the template's manifest, then the user's/CI's defaults file) sit between ours and the user's.
  let team;
  try {
    team = teamAnswerDefaults([manifest.defaults ?? {}, readDefaultsFile()], answers.email);
  } catch (err) {
    if (err instanceof DefaultsError) throw new UsageError(err.message);
    throw err;
  }
  Object.assign(answers, team);
  if ((given.type ?? answers.type) === 'library') answers.description = defaultDescription('library');
  Object.assign(answers, given);
  if (interactive) await askMissing(answers, given, templateVersion, set);
  for (const [key, q] of Object.entries(manifest.answers ?? {})) {
    const v = (answers as unknown as Record<string, unknown>)[key];
    const problem = typeof v === 'string' && !ADDED_ANSWER_CHECKS[key] ? manifestAnswerProblem(key, q, v) : null;
    if (problem) throw new UsageError(problem);
  }

  // 4. Validate everything before touching the disk
  const problems = answersProblems(answers);
  if (problems.length) throw new UsageError(problems.join('\n'));
  const dir = resolve(req.dir ?? answers.name);
  try {
    checkTarget(dir);
  } catch (err) {
    if (err instanceof TargetError) throw new UsageError(err.message);
    throw err;
  }
  // Consent, user and password for ~/.netrc are settled (and ~/.netrc checked) before anything is written.
  const login = await credentialsForCreate({ answers, consent: req.saveCredentials, interactive, dryRun: req.dryRun, envPassword }, out);

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
  const plan = planProject(record);
  const shown = req.dir ?? answers.name;
  if (req.dryRun) {
    out.raw(req.json ? JSON.stringify({ dir, templateVersion, files: plan.files.map((f) => ({ path: f.path, size: f.content.length, mode: f.mode.toString(8), policy: f.policy })) }, null, 2) + '\n' : formatPlan(plan, shown));
    return { dir, plan, record, written: false };
  }

  // 6. Apply: render into a staging directory, commit there, then move into place
  // Inside an existing repository (a monorepo) the project becomes part of it: no nested repository.
  const enclosing = req.git ? findRepo(dirname(dir)) : null;
  const initGit = req.git && !enclosing;
  try {
    await writeNewProject(plan, dir, async (staging) => {
      if (initGit) await gitInitialCommit(staging, { name: answers.author, email: answers.email }, `Initial commit from create-pyservice (templates ${templateVersion})`);
    });
  } catch (err) {
    if (err instanceof InterruptedError) throw new CancelledError(err.message);
    throw err;
  }
  out.phase(`Wrote ${plan.files.length} files to ${shown} (${answers.type}, templates ${templateVersion})`);
  if (initGit) out.phase('Created a git repository with the first commit');
  else if (enclosing) out.phase(`Inside the git repository at ${enclosing.root}: no nested repository created; git add and commit ${shown} there`);
  if (login) savePendingLogin(login, out);
  out.raw(nextSteps(answers, shown, { loginSaved: Boolean(login) }));
  return { dir, plan, record, written: true };
}
