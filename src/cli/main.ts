import { EXIT, UsageError, CancelledError, ExitError } from './errors.js';
import { terminalOutput, type Output } from './output.js';
import { toolVersion } from '../paths.js';
import { SourceError } from '../template-sources/spec.js';
import { UntrustedSourceError } from '../template-sources/trust.js';

/** A subcommand of `pyservice`: parses its own argv and returns an exit code. */
export type Command = (argv: string[], out: Output) => Promise<number>;

/** Registry of pyservice subcommands; each lives in its own module and is loaded only when used. */
const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  create: { summary: 'scaffold a new library or service (same as create-pyservice)', load: async () => (await import('./commands/create-command.js')).createCommand },
  templates: { summary: 'list the shipped template versions', load: async () => (await import('./commands/templates-command.js')).templatesCommand },
};

/** Lets later modules add subcommands without editing the dispatcher's logic. */
export function registerCommand(name: string, summary: string, load: () => Promise<Command>): void {
  COMMANDS[name] = { summary, load };
}

export function pyserviceHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((k) => k.length));
  return `Usage: pyservice <command> [options]
       npx -p create-pyservice pyservice <command> [options]   (without a global install)

Commands:
${Object.entries(COMMANDS)
  .map(([k, v]) => `  ${k.padEnd(width)}  ${v.summary}`)
  .join('\n')}

Run \`pyservice <command> --help\` for a command's options.
Exit codes: 0 ok, 1 failure, 2 bad usage or bad input, 3 behind (check), 130 cancelled.
`;
}

/** Runs a command and maps errors to exit codes; the only place that decides how errors look. */
export async function runCommand(cmd: Command, argv: string[], out: Output = terminalOutput()): Promise<number> {
  try {
    return await cmd(argv, out);
  } catch (err) {
    if (err instanceof UsageError) {
      for (const line of err.message.split('\n')) out.error(line);
      return EXIT.usage;
    }
    if (err instanceof CancelledError) {
      out.error('cancelled; nothing was written');
      return EXIT.cancelled;
    }
    if (err instanceof SourceError || err instanceof UntrustedSourceError) {
      out.error(err.message);
      return EXIT.usage;
    }
    if (err instanceof ExitError) {
      out.error(err.message);
      return err.code;
    }
    out.error((err as Error).message ?? String(err));
    if (process.env.PYSERVICE_DEBUG) console.error(err);
    return EXIT.failure;
  }
}

export async function pyserviceMain(argv: string[]): Promise<number> {
  const out = terminalOutput();
  const [name, ...rest] = argv;
  await loadExtensions();
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

/** Subcommands added by feature modules register themselves here (see src/cli/commands/index.ts). */
async function loadExtensions(): Promise<void> {
  await import('./commands/index.js');
}
