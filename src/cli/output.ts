import kleur from 'kleur';
import type { Output } from '../types.js';

export type { Output } from '../types.js';

/** All terminal output goes through here: one line per phase, colours per kleur (honours NO_COLOR / FORCE_COLOR). */
export function terminalOutput(stream: NodeJS.WriteStream = process.stdout, errStream: NodeJS.WriteStream = process.stderr): Output {
  return {
    phase: (msg) => stream.write(`${kleur.green('✔')} ${msg}\n`),
    info: (msg) => stream.write(`${msg}\n`),
    warn: (msg) => errStream.write(`${kleur.yellow('warning:')} ${msg}\n`),
    error: (msg) => errStream.write(`${kleur.red('error:')} ${msg}\n`),
    raw: (text) => stream.write(text),
  };
}

export { kleur };
