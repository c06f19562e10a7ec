import type { Answers } from '../../types.js';
import { DISTROS } from '../../answers/distros.js';
import { CI_PROVIDER_IDS } from '../../ci/providers.js';
import { PROJECT_TYPES } from '../../answers/types.js';
import { readAnswersFile as readAnswersFileData } from '../../answers/answers-file.js';
import { AnswersShapeError } from '../../answers/shape.js';
import type { CreateRequest } from '../../types.js';
import { parseFlags } from '../flags.js';
import { UsageError } from '../errors.js';

export const CREATE_HELP = `Usage: create-pyservice [dir] [options]
       npm create pyservice -- [dir] [options]

Scaffold a Python service, command-line tool or library that builds, tests and ships from a private repo.

Options:
  --type TYPE               ${PROJECT_TYPES.join('|')} (default: service; tool from templates 1.2.0)
  --name NAME               distribution name (default: the directory's name)
  --description TEXT        one-line summary, at most 80 characters
  --author NAME             author / Debian maintainer name (default: git config user.name)
  --email EMAIL             author email (default: git config user.email)
  --url URL                 project home page (optional)
  --ci PROVIDER             ${CI_PROVIDER_IDS.join('|')} (default: github)
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

function splitList(v: string): string[] {
  return v.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);
}

/** --answers FILE.json: read and shape-checked by answers/answers-file.ts (regular file, bounded, no secret keys). */
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
  // --json is the dry run's plan: alone it would create the project and print no JSON (measured: it did)
  if (values.json && !values['dry-run']) throw new UsageError('--json prints the plan of a dry run; add --dry-run (nothing is written then), or drop --json to create the project');
  if (values.trust && typeof values.template !== 'string') throw new UsageError('--trust marks a --template source as trusted, and there is none (the shipped templates need no trust); drop --trust, or add --template SOURCE');
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

