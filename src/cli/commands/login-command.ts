import { NotRegularFileError, readRegularText } from '../../files/read-regular.js';
import { join, resolve } from 'node:path';
import { indexLocationProblem } from '../../answers/validate.js';
import { projectPipConfIndexUrl } from '../../credentials/pip-conf.js';
import { loginFromInput, PASSWORD_ENV, savePendingLogin, takeEnvPassword } from '../../credentials/login-flow.js';
import { RECORD_FILE } from '../../plan/file-plan.js';
import { EXIT, UsageError } from '../errors.js';
import { parseFlags } from '../flags.js';
import type { Output } from '../output.js';
import { terminalAsker } from '../prompts.js';

export const LOGIN_HELP = `Usage: pyservice login [--index-url URL] [--index-user NAME] [--dir DIR]

Saves your read-only installer login for the project's private package index in ~/.netrc ($NETRC when set),
which pip reads whatever pip configuration is in use. The file is merged (other entries and their formatting
kept byte for byte, an existing entry for the host updated in place), written atomically with mode 0600.
A file git would commit (inside a work tree that does not ignore it, e.g. ~/.netrc linked into a project) is
refused (exit 1). A host that the project's files name and ~/.netrc has no login for yet is confirmed first
(a cloned repository chooses it, not you); without a terminal, --index-url confirms it (else exit 2).

Options:
  --index-url URL     the index (default: index-url in DIR/pip.conf, else indexUrl in DIR/${RECORD_FILE})
  --index-user NAME   the username (default: indexUser in DIR/${RECORD_FILE}; asked on a terminal)
  --dir DIR           the project directory (default: the current directory)
  -h, --help          show this help

The password or token comes from ${PASSWORD_ENV} or a hidden prompt, never from a flag.
Exit codes: 0 ok, 1 failure (e.g. ~/.netrc cannot be merged safely), 2 bad usage, 130 cancelled.
`;

function readText(path: string): string | null {
  try {
    return readRegularText(path);
  } catch (err) {
    if (err instanceof NotRegularFileError) throw err; // a FIFO or a directory there is named, not skipped
    return null;
  }
}

/** The index URL and user the project records: pip.conf is what pip uses, .pyservice.json what was answered. */
export function projectIndex(dir: string): { indexUrl: string; indexUser: string; urlFrom: string } {
  let recorded: { indexUrl?: unknown; indexUser?: unknown } = {};
  const record = readText(join(dir, RECORD_FILE));
  if (record !== null) {
    try {
      recorded = (JSON.parse(record) as { answers?: typeof recorded }).answers ?? {};
    } catch {
      throw new UsageError(`${join(dir, RECORD_FILE)} is not valid JSON; fix it or pass --index-url and --index-user`);
    }
  }
  const fromPip = projectPipConfIndexUrl(dir);
  return {
    indexUrl: fromPip ?? (typeof recorded.indexUrl === 'string' ? recorded.indexUrl : ''),
    indexUser: typeof recorded.indexUser === 'string' ? recorded.indexUser : '',
    urlFrom: join(dir, fromPip ? 'pip.conf' : RECORD_FILE),
  };
}

const LOGIN_FLAGS = {
  'index-url': { type: 'string' },
  'index-user': { type: 'string' },
  dir: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function loginCommand(argv: string[], out: Output): Promise<number> {
  // First, before anything else can start a process that would inherit it.
  const envPassword = takeEnvPassword();
  const { values, positionals } = parseFlags(argv, LOGIN_FLAGS, 'pyservice login');
  if (values.help) {
    out.raw(LOGIN_HELP);
    return EXIT.ok;
  }
  // Not echoed: a stray argument may well be a password typed in the wrong place.
  if (positionals.length) throw new UsageError(`pyservice login takes no arguments (got ${positionals.length}); the password is never an argument: use ${PASSWORD_ENV} or the prompt`);
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const flagUrl = str(values['index-url']);
  const flagUser = str(values['index-user']);
  const dir = resolve(str(values.dir) ?? '.');
  const project = flagUrl !== undefined && flagUser !== undefined ? { indexUrl: '', indexUser: '', urlFrom: '' } : projectIndex(dir);
  const indexUrl = flagUrl ?? project.indexUrl;
  if (indexUrl === '') throw new UsageError(`no index URL: pass --index-url URL, or run in a project whose pip.conf sets index-url (looked in ${dir})`);
  const problem = indexLocationProblem(indexUrl, '--index-url', false);
  if (problem) throw new UsageError(problem);
  const urlFrom = flagUrl === undefined ? project.urlFrom : undefined;
  const pending = await loginFromInput({ indexUrl, indexUser: flagUser ?? project.indexUser, asker: terminalAsker(), envPassword, urlFrom });
  await savePendingLogin(pending, out);
  return EXIT.ok;
}
