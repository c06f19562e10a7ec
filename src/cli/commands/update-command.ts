import type { Answers } from '../../answers/types.js';
import { CI_PROVIDERS, PROJECT_TYPES } from '../../answers/types.js';
import { DISTROS } from '../../answers/distros.js';
import { authorProblem, descriptionProblem, emailProblem, indexUrlProblem, indexUserProblem, pythonMinimumProblem, uploadUrlProblem, urlProblem } from '../../answers/validate.js';
import { nameProblem } from '../../answers/names.js';
import { EXIT, UsageError } from '../errors.js';
import type { Output } from '../output.js';
import { parseFlags } from '../flags.js';
import { ask, canPrompt } from '../prompts.js';
import type { AskContext } from '../../update/run-update.js';

export const UPDATE_HELP = `Usage: pyservice update [dir] [options]

Brings template improvements into this project: each file is merged three ways (the template's last render,
recorded in .pyservice.baseline; your file; the new render). Your changes are kept; real conflicts get
git-style markers and are left unmerged in git's index (git status lists them). Nothing is committed.
In a repository without .pyservice.json it adopts the project (answers from setup.py/setup.cfg/pyproject.toml
and git config; every existing file is merged as "both added", so nothing of yours is overwritten).

Options:
  --to VERSION             template version to update to (default: the latest; never older than the project's)
  --dry-run                print the plan (per file: action and reason); write nothing
  --diff                   print the plan with unified diffs; write nothing
  --json                   print the plan as JSON (stable, for bots); write nothing
  --ask                    ask new questions and let you change answers (switching --ci replaces the CI file)
  --conflict inline|rej    conflicts as markers in the file (default), or your side in the file and the
                           template's hunks in <file>.rej; either way the file stays unmerged in git's index
  --allow-dirty            update even with uncommitted changes or untracked files in the way
  --trust                  trust the project's template source (a team repository; remembered per user)
  --pre                    allow pre-release versions of a team's template source as the latest
  -y, --yes                adopting: take defaults for answers that cannot be read from the project
  --name, --type, --description, --author, --email, --url, --ci, --index-url, --upload-url, --index-user,
  --distro, --build-deps, --python-minimum
                           change (or, adopting, give) an answer
  -h, --help               show this help

Exit codes: 0 ok (conflicts, if any, are listed and left for you), 1 failure (e.g. a stale .git/index.lock),
2 bad usage, a dirty tree, a downgrade, or not a git repository.
`;

const ANSWER_FLAGS: Record<string, keyof Answers> = {
  name: 'name', type: 'type', description: 'description', author: 'author', email: 'email', url: 'url', ci: 'ci',
  'index-url': 'indexUrl', 'upload-url': 'uploadUrl', 'index-user': 'indexUser', distro: 'distro', 'build-deps': 'buildDeps', 'python-minimum': 'pythonMinimum',
};

const OPTIONS = {
  to: { type: 'string' },
  'dry-run': { type: 'boolean' },
  diff: { type: 'boolean' },
  json: { type: 'boolean' },
  ask: { type: 'boolean' },
  conflict: { type: 'string' },
  'allow-dirty': { type: 'boolean' },
  trust: { type: 'boolean' },
  pre: { type: 'boolean' },
  yes: { type: 'boolean', short: 'y' },
  help: { type: 'boolean', short: 'h' },
  ...Object.fromEntries(Object.keys(ANSWER_FLAGS).map((f) => [f, { type: 'string' }])),
} as const;

export async function updateCommand(argv: string[], out: Output): Promise<number> {
  const { values, positionals } = parseFlags(argv, OPTIONS, 'pyservice update');
  const v = values as Record<string, string | boolean | undefined>;
  if (v.help) {
    out.raw(UPDATE_HELP);
    return EXIT.ok;
  }
  if (positionals.length > 1) throw new UsageError(`expected at most one directory, got ${positionals.length}`);
  const conflict = v.conflict ?? 'inline';
  if (conflict !== 'inline' && conflict !== 'rej') throw new UsageError(`--conflict takes inline or rej, not ${String(conflict)}`);
  const given: Partial<Answers> = {};
  for (const [flag, key] of Object.entries(ANSWER_FLAGS)) {
    const val = v[flag];
    if (typeof val !== 'string') continue;
    if (key === 'buildDeps') given.buildDeps = val.split(/[\s,]+/).filter(Boolean);
    else (given as Record<string, unknown>)[key] = val;
  }
  if (v.ask && !canPrompt()) throw new UsageError('--ask needs a terminal; pass answers as flags instead (e.g. --ci gitlab)');
  const { runUpdate } = await import('../../update/run-update.js');
  await runUpdate(
    {
      dir: positionals[0],
      to: typeof v.to === 'string' ? v.to : undefined,
      dryRun: Boolean(v['dry-run']),
      diff: Boolean(v.diff),
      json: Boolean(v.json),
      conflict,
      allowDirty: Boolean(v['allow-dirty']),
      trust: Boolean(v.trust),
      pre: Boolean(v.pre),
      yes: Boolean(v.yes),
      given,
      ask: v.ask ? (ctx) => askAnswers(ctx, given) : undefined,
      askMissing: canPrompt() ? (ctx) => askAdoption(ctx) : undefined,
    },
    out,
  );
  return EXIT.ok;
}

/** Adopting with a terminal and no --ask: only what could not be read from the project. */
async function askAdoption(ctx: AskContext): Promise<Answers> {
  const a = { ...ctx.answers };
  if (ctx.missing.includes('name')) a.name = await ask({ kind: 'input', name: 'name', message: 'Project name', initial: a.name, validate: nameProblem });
  if (ctx.missing.includes('type')) a.type = await ask({ kind: 'select', name: 'type', message: 'Project type', choices: PROJECT_TYPES, initial: a.type });
  return a;
}

/** --ask: new questions first (with their defaults), then every answer an update may change, current value first. */
async function askAnswers(ctx: AskContext, given: Partial<Answers>): Promise<Answers> {
  const a = { ...ctx.answers };
  const rec = a as unknown as Record<string, unknown>;
  const input = async (key: keyof Answers, message: string, validate: (x: string) => string | null) => {
    if (given[key] !== undefined) return;
    rec[key] = await ask({ kind: 'input', name: key, message, initial: String(rec[key] ?? ''), validate });
  };
  const select = async (key: keyof Answers, message: string, choices: readonly string[]) => {
    if (given[key] !== undefined) return;
    rec[key] = await ask({ kind: 'select', name: key, message, choices, initial: String(rec[key]) });
  };
  if (ctx.adopting) {
    await input('name', 'Project name', nameProblem);
    await select('type', 'Project type', PROJECT_TYPES);
  }
  for (const [key, q] of Object.entries(ctx.newQuestions)) {
    if (key === 'pythonMinimum') await input('pythonMinimum', `${q.message} (new)`, pythonMinimumProblem);
  }
  await input('description', 'One-line description', descriptionProblem);
  await input('author', 'Author', authorProblem);
  await input('email', 'Email', emailProblem);
  await input('url', 'Home page URL (optional)', (x) => urlProblem(x, '--url'));
  await select('ci', 'CI provider (switching replaces the CI file; an unmodified old one is removed)', CI_PROVIDERS);
  await select('distro', 'Target distribution', Object.keys(DISTROS));
  await input('indexUrl', 'Private index URL (empty for none)', indexUrlProblem);
  await input('uploadUrl', 'Upload URL for twine (empty for none)', uploadUrlProblem);
  await input('indexUser', 'Read-only index username (empty for none)', indexUserProblem);
  if (!ctx.newQuestions.pythonMinimum) await input('pythonMinimum', 'Oldest Python version the project supports', pythonMinimumProblem);
  return a;
}
