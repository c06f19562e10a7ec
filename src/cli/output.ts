import kleur from 'kleur';
import { redactText, terminalSafe } from '../secrets/redact.js';
import type { Output } from '../types.js';

export type { Output } from '../types.js';

/**
 * All terminal output goes through here: one line per phase, colours per kleur (honours NO_COLOR / FORCE_COLOR).
 * Every message and report is redacted (a URL's password, a token in a query string: src/secrets/redact.ts) and
 * stripped of raw control bytes on its way out, so no code path can print a credential or drive the terminal.
 */
const clean = (text: string) => terminalSafe(redactText(text));

export function terminalOutput(stream: NodeJS.WriteStream = process.stdout, errStream: NodeJS.WriteStream = process.stderr): Output {
  return {
    phase: (msg) => stream.write(`${kleur.green('✔')} ${clean(msg)}\n`),
    info: (msg) => stream.write(`${clean(msg)}\n`),
    warn: (msg) => errStream.write(`${kleur.yellow('warning:')} ${clean(msg)}\n`),
    error: (msg) => errStream.write(`${kleur.red('error:')} ${clean(msg)}\n`),
    raw: (text) => stream.write(clean(text)),
  };
}

export { kleur };
