import { EXIT, EXIT_FOR, PyserviceError } from './errors.js';
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
