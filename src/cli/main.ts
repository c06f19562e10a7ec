import { readFileSync, readlinkSync } from 'node:fs';
import { EXIT, EXIT_FOR, PyserviceError, UsageError } from './errors.js';
import { terminalOutput, type Output } from './output.js';
import { toolVersion } from '../paths.js';

/** A subcommand of `pyservice`: parses its own argv and returns an exit code. */
export type Command = (argv: string[], out: Output) => Promise<number>;

/** pyservice's subcommands, each in its own module, loaded only when used. Adding one is one line here. */
const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  create: { summary: 'scaffold a new service, tool or library (same as create-pyservice)', load: async () => (await import('./commands/create-command.js')).createCommand },
  templates: { summary: 'list the shipped template versions', load: async () => (await import('./commands/templates-command.js')).templatesCommand },
  login: { summary: 'save your read-only index login in ~/.netrc (mode 0600, merged)', load: async () => (await import('./commands/login-command.js')).loginCommand },
  version: {
    summary: 'stamp debian/changelog with a snapshot or release version (runs debian/pyservice-version)',
    load: async () => (await import('./commands/version-command.js')).versionCommand,
  },
  deb: { summary: 'add a debian/ directory (dh-virtualenv) to an existing Python project', load: async () => (await import('./commands/deb-command.js')).debCommand },
  update: { summary: 'bring template improvements into this project (three-way merge, your changes kept)', load: async () => (await import('./commands/update-command.js')).updateCommand },
  check: { summary: 'tell whether the project uses the latest templates (exit 3 when behind)', load: async () => (await import('./commands/check-command.js')).checkCommand },
  template: { summary: "start (init) or validate (check) your team's own templates", load: async () => (await import('./commands/template-command.js')).templateCommand },
  dependents: { summary: 'list the projects that depend on a library, with their pinned versions', load: async () => (await import('./commands/dependents-command.js')).dependentsCommand },
};

export function pyserviceHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((k) => k.length));
  return `Usage: pyservice <command> [options]
       npx -p create-pyservice pyservice <command> [options]   (without a global install)

Commands:
${Object.entries(COMMANDS)
  .map(([k, v]) => `  ${k.padEnd(width)}  ${v.summary}`)
  .join('\n')}

Run \`pyservice <command> --help\` for a command's options.
Exit codes: 0 ok, 1 failure (update: conflicts left to resolve, like git merge), 2 bad usage or bad input,
3 behind (check), 130 cancelled.
`;
}

/** Runs a command and maps errors to exit codes; the only place that decides how errors look. */
export async function runCommand(cmd: Command, argv: string[], out: Output = terminalOutput()): Promise<number> {
  try {
    refuseNotUtf8(argv);
    return await cmd(argv, out);
  } catch (err) {
    if (err instanceof PyserviceError) {
      if (err.kind === 'cancelled') out.error('cancelled; nothing was written');
      else for (const line of err.message.split('\n')) out.error(line);
      return EXIT_FOR[err.kind];
    }
    for (const line of systemErrorMessage(err as NodeJS.ErrnoException).split('\n')) if (line.trim()) out.error(line);
    if (process.env.PYSERVICE_DEBUG) console.error(err);
    return EXIT.failure;
  }
}

/**
 * Node decodes its arguments and the current folder's path as UTF-8, turning bytes that are not into U+FFFD: a
 * folder named in Latin-1 (or its parent) then cannot be opened under the name Node has for it, and a
 * `--description` typed on a Latin-1 terminal was written into the project with U+FFFD in it. Measured: create in
 * /tmp/d\xff said 'cannot write in /tmp/d\ufffd: it is missing or not writable', deb there '. is not a directory'.
 * Only when a U+FFFD is seen are the raw bytes (Linux's /proc) asked, so a run without one costs nothing.
 */
function refuseNotUtf8(argv: string[]): void {
  const strict = new TextDecoder('utf-8', { fatal: true });
  const valid = (b: Buffer) => {
    try {
      strict.decode(b);
      return true;
    } catch {
      return false;
    }
  };
  if (argv.some((a) => a.includes('\ufffd'))) {
    let raw: Buffer[] = [];
    try {
      const all = readFileSync('/proc/self/cmdline');
      for (let at = 0; at < all.length; ) {
        const end = all.indexOf(0, at);
        raw.push(all.subarray(at, end < 0 ? all.length : end));
        at = end < 0 ? all.length : end + 1;
      }
    } catch {
      raw = [];
    }
    const bad = raw.find((b) => !valid(b) && argv.includes(b.toString('utf8')));
    if (bad)
      throw new UsageError(
        `the argument ${JSON.stringify(bad.toString('utf8'))} is not UTF-8 text (its other bytes are shown as \ufffd): give it in UTF-8 (a folder whose name is not UTF-8: rename it)`,
      );
  }
  let cwd: string;
  try {
    cwd = process.cwd();
  } catch {
    return; // removed under us: the command says so where it needs it
  }
  if (!cwd.includes('\ufffd')) return;
  try {
    if (valid(readlinkSync('/proc/self/cwd', { encoding: 'buffer' }))) return;
  } catch {
    return;
  }
  throw new UsageError(`the current folder's path ${JSON.stringify(cwd)} is not UTF-8 (its other bytes are shown as \ufffd), so its files cannot be opened by name; run from a folder whose path is UTF-8 (rename the folder)`);
}

/** What the system said, and what to do about it, for the errors a full disk or a locked-down folder gives. */
const SYSTEM_FIX: Record<string, string> = {
  ENOSPC: 'no space left on the device; free some space and run the command again (an interrupted update or deb is finished by the next run)',
  EDQUOT: 'disk quota exceeded; free some space and run the command again (an interrupted update or deb is finished by the next run)',
  EROFS: 'the file system is read-only; run the command where it can write',
  EACCES: 'permission denied; check the owner and mode of the folder, or run as the user who owns it',
  EPERM: 'operation not permitted; check the owner, mode and attributes (chattr) of the folder',
};

function systemErrorMessage(err: NodeJS.ErrnoException): string {
  const fix = err.code ? SYSTEM_FIX[err.code] : undefined;
  if (!fix || !err.syscall) return err.message ?? String(err);
  return `${err.path ? `${err.syscall} ${JSON.stringify(err.path)}: ` : ''}${fix}`;
}

export async function pyserviceMain(argv: string[]): Promise<number> {
  const out = terminalOutput();
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    out.raw(pyserviceHelp());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '--version' || name === '-v') {
    out.raw(toolVersion() + '\n');
    return EXIT.ok;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    out.error(`unknown command "${name}"; commands: ${Object.keys(COMMANDS).join(', ')}`);
    return EXIT.usage;
  }
  return runCommand(await entry.load(), rest, out);
}
