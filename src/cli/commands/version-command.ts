import { EXIT, UsageError } from '../errors.js';
import { carriesCredentials, INVISIBLE, shown } from '../../secrets/redact.js';
import type { Output } from '../output.js';
import { parseFlags } from '../flags.js';
import { resolve } from 'node:path';
import { unsafePathReason } from '../../update/worktree.js';
import { projectDirOf, runVersionScript, SUBCOMMANDS, versionScriptPath } from '../../versions/version-script.js';
import { existsSync } from 'node:fs';

const FLAGS = {
  'dry-run': { type: 'boolean' },
  'print-version': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/**
 * `pyservice version [show|snapshot|release TAG|local|convert TAG...] [--dry-run|--print-version] [dir]`: checks the flags,
 * then hands the arguments unchanged to the project's debian/pyservice-version, so that a developer's machine and
 * CI (which runs the script directly) compute the same version. The help text is the script's own.
 */
export async function versionCommand(argv: string[], out: Output): Promise<number> {
  const { values, positionals } = parseFlags(argv, FLAGS, 'pyservice version');
  // The arguments go to the script's command line: a URL with a password there is visible to every user (ps).
  if (argv.some((a) => carriesCredentials(a))) throw new UsageError('an argument carries a credential (a URL with a password or token); pyservice version takes a tag and a directory, never a URL with a login');
  // A tag or directory with a line break or control character: the script quotes it back raw, so its one-line error
  // became several (measured: release $'v1.0.0\n  * injected' printed a second 'error:' line of the caller's text)
  const odd = argv.find((a) => new RegExp(INVISIBLE.source).test(a));
  if (odd !== undefined) throw new UsageError(`the argument ${shown(odd)} contains a line break, control or invisible character; pass a tag like v1.2.0 and a plain directory`);
  // A first word that is no subcommand is the project directory: a mistyped command ('relase') was looked for as
  // one (measured: 'unexpected argument "v1"; see pyservice-version --help', or 'no relase/debian/changelog', exit 1)
  const first = positionals[0];
  if (!values.help && first !== undefined && !SUBCOMMANDS.has(first) && !existsSync(resolve(first)))
    throw new UsageError(`${shown(first)} is neither a command (${[...SUBCOMMANDS].join(', ')}) nor a directory; see pyservice version --help`);
  const writes = (positionals[0] === 'snapshot' || positionals[0] === 'release') && !values['dry-run'] && !values['print-version'] && !values.help;
  // The script rewrites debian/changelog: never through a symlinked debian/ (update's rule, for every writer).
  const unsafe = writes ? unsafePathReason(resolve(projectDirOf(positionals)), 'debian/changelog') : null;
  if (unsafe) throw new UsageError(`debian/changelog cannot be written: ${unsafe}; make debian/ a real directory in the project first`);
  const script = versionScriptPath(projectDirOf(positionals));
  const r = await runVersionScript(script, values.help ? ['--help'] : argv);
  if (values.help) {
    out.raw(r.stdout.replaceAll('pyservice-version', 'pyservice version') + `\nRuns ${script}.\n`);
    return r.exitCode;
  }
  if (r.stdout) out.raw(r.stdout);
  for (const line of r.stderr.split('\n')) {
    // the script names itself; here it is run as pyservice version
    if (line.trim()) out.error(line.replace(/^pyservice-version: (error: )?/, '').replaceAll('pyservice-version --help', 'pyservice version --help'));
  }
  return r.timedOut ? EXIT.failure : r.exitCode;
}
