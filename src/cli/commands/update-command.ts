import type { Answers } from '../../types.js';
import type { UpdateRequest } from '../../update/run-update.js';
import type { FleetUpdateOptions } from '../../fleet/fleet.js';
import { EXIT, UsageError } from '../errors.js';
import type { Output } from '../output.js';
import { parseFlags } from '../flags.js';
import { terminalAsker } from '../prompts.js';

export const UPDATE_HELP = `Usage: pyservice update [dir] [options]
       pyservice update DIR DIR… | --from FILE [--branch NAME] [--json] [options]

Brings template improvements into this project: each file is merged three ways (the template's last render,
recorded in .pyservice.baseline; your file; the new render). Your changes are kept; real conflicts get
git-style markers and are left unmerged in git's index (git status lists them). Nothing is committed.
In a repository without .pyservice.json it adopts the project (answers from setup.py/setup.cfg/pyproject.toml
and git config; every existing file is merged as "both added", so nothing of yours is overwritten).

Many repositories: with several directories (or --from FILE, one a line) each is updated in turn and a table
is printed (--json: an array of {dir, status, from, to, branch, commit, conflicts, message}); status is
updated, up-to-date, conflicted or failed (e.g. a dirty tree), and one repository's failure does not stop the
others. --branch NAME puts each repository's change on a new branch NAME and commits it
("chore(templates): update to templates X"); nothing is pushed. A repository with nothing to do gets no
branch; one with conflicts is left on the branch, unmerged, for you. One already on NAME (an earlier run's)
is updated there, unless it has uncommitted changes. Exit 0 when all are updated or up to date, else 1.

Options:
  --from FILE              the repositories to update, one directory a line (# comments)
  --branch NAME            commit each repository's update on a new branch NAME (never pushed)
  --to VERSION             template version to update to (default: the latest; never older than the project's;
                           many repositories: one already at VERSION or past it is up to date)
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

Exit codes: 0 ok, 1 conflicts left unmerged in git's index (like git merge: resolve, git add, commit) or a
failure (e.g. a stale .git/index.lock), 2 bad usage, a dirty tree, a merge, rebase or bisect in progress, a
downgrade, or not a git repository, 130 cancelled.
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
  from: { type: 'string' },
  branch: { type: 'string' },
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
  const conflict = v.conflict ?? 'inline';
  if (conflict !== 'inline' && conflict !== 'rej') throw new UsageError(`--conflict takes inline or rej, not ${String(conflict)}`);
  if (positionals.length > 1 || typeof v.from === 'string' || typeof v.branch === 'string') {
    const single = ['dry-run', 'diff', 'ask', ...Object.keys(ANSWER_FLAGS)].filter((f) => v[f] !== undefined);
    if (single.length)
      throw new UsageError(
        `--${single[0]} works on one repository at a time (pyservice update --${single[0]} DIR); with several repositories, --branch or --from, update takes only --json, --branch, --from, --to, --pre, --trust, --allow-dirty and --conflict (pyservice check DIR… lists who is behind)`,
      );
    if (typeof v.branch === 'string' && !/^(?!-)(?!.*\.\.)[A-Za-z0-9._\/-]+$/.test(v.branch)) throw new UsageError(`--branch ${v.branch} is not a usable branch name; use letters, digits, . _ / -`);
    const opts: FleetUpdateOptions = { branch: typeof v.branch === 'string' ? v.branch : undefined, to: typeof v.to === 'string' ? v.to : undefined, pre: Boolean(v.pre), trust: Boolean(v.trust), allowDirty: Boolean(v['allow-dirty']), conflict };
    return (await import('./fleet-output.js')).updateFleet(positionals, typeof v.from === 'string' ? v.from : undefined, opts, Boolean(v.json), out);
  }
  const given: Partial<Answers> = {};
  for (const [flag, key] of Object.entries(ANSWER_FLAGS)) {
    const val = v[flag];
    if (typeof val !== 'string') continue;
    if (key === 'buildDeps') given.buildDeps = val.split(/[\s,]+/).filter(Boolean);
    else (given as Record<string, unknown>)[key] = val;
  }
  const request: UpdateRequest = {
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
    ask: Boolean(v.ask),
    // A getter: the terminal is looked at only when the update has something to ask (a no-op never opens stdin).
    get asker() {
      return terminalAsker();
    },
  };
  // A plain run with nothing to do is settled by the fast path's own small bundle, before the rest of update loads.
  const settled = (await import('../../update/fast-path.js')).settleNoOp(request, out);
  const result = settled ?? (await (await import('../../update/run-update.js')).runUpdate(request, out));
  // Like git merge: conflicts left in the index are a non-zero exit, so scripts and bots can tell.
  return result.conflicts.length ? EXIT.conflicts : EXIT.ok;
}
