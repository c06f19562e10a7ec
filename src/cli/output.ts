import { writeSync } from 'node:fs';
import { colours } from './colours.js';
import { redactText, terminalSafe } from '../secrets/redact.js';
import type { Output } from '../types.js';

export type { Output } from '../types.js';

/**
 * All terminal output goes through here: one line per phase, colours per colours.ts (honours NO_COLOR / FORCE_COLOR).
 * Every message and report is redacted (a URL's password, a token in a query string: src/secrets/redact.ts) and
 * stripped of raw control bytes on its way out, so no code path can print a credential or drive the terminal.
 */
const clean = (text: string) => terminalSafe(redactText(text));

/**
 * Writes straight to file descriptor 1 or 2. Touching process.stdout builds a stream (for a pipe: net, the
 * stream stack and a pipe handle; ~10% of a bare `node -e 0`'s work) only to write a few lines. A descriptor
 * someone left non-blocking (EAGAIN) hands the rest to the process's stream, which waits; a reader that went
 * away (EPIPE) ends the output, as it would a shell tool's.
 */
function fdWriter(fd: 1 | 2): (text: string) => void {
  let closed = false;
  let stream: NodeJS.WriteStream | undefined;
  return (text) => {
    if (closed) return;
    if (stream) {
      stream.write(text);
      return;
    }
    const buf = Buffer.from(text, 'utf8');
    let off = 0;
    try {
      while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') closed = true;
      else if (code === 'EAGAIN') (stream = fd === 1 ? process.stdout : process.stderr).write(buf.subarray(off));
      else throw err;
    }
  };
}

export function terminalOutput(): Output {
  const out = fdWriter(1);
  const err = fdWriter(2);
  return {
    phase: (msg) => out(`${colours.green('✔')} ${clean(msg)}\n`),
    info: (msg) => out(`${clean(msg)}\n`),
    warn: (msg) => err(`${colours.yellow('warning:')} ${clean(msg)}\n`),
    error: (msg) => err(`${colours.red('error:')} ${clean(msg)}\n`),
    raw: (text) => out(clean(text)),
  };
}
