import { fstatSync } from 'node:fs';

/**
 * The CLI's few colours (✔, warning:, error:, hints, "Next steps:"), on when kleur turned them on: neither
 * NO_COLOR nor NODE_DISABLE_COLORS set, TERM not "dumb", and FORCE_COLOR (not "0") or a terminal on stdout.
 * Whether stdout is a terminal is asked of process.stdout, which builds a stream (tty, net, the stream stack)
 * just to answer, only when file descriptor 1 is a character device that could be one: a pipe, a socket, a file
 * or /dev/null never is.
 */
let enabled: boolean | undefined;

/**
 * Whether file descriptor `fd` could be a terminal, from fstat alone: a pipe, a socket, a file or a closed fd never
 * is, nor are Linux's memory devices (major 1: /dev/null, /dev/zero, /dev/full…). /dev/null is where scripts and
 * benchmarks send output and take input from; asking process.stdout.isTTY there built a stream (~1.5% of create's
 * instructions) and node:tty loads net (~5 ms). Only a true answer needs asking further.
 */
export function mightBeTerminal(fd: number): boolean {
  try {
    const st = fstatSync(fd);
    return st.isCharacterDevice() && !(process.platform === 'linux' && ((st.rdev >> 8) & 0xfff) === 1);
  } catch {
    return false;
  }
}

function stdoutIsTerminal(): boolean {
  return mightBeTerminal(1) && Boolean(process.stdout.isTTY);
}

export function coloursOn(env: NodeJS.ProcessEnv = process.env): boolean {
  const { FORCE_COLOR, NODE_DISABLE_COLORS, NO_COLOR, TERM } = env;
  return !NODE_DISABLE_COLORS && NO_COLOR === undefined && TERM !== 'dumb' && ((FORCE_COLOR !== undefined && FORCE_COLOR !== '0') || stdoutIsTerminal());
}

const paint = (open: number, close: number) => (text: string) => ((enabled ??= coloursOn()) ? `\u001b[${open}m${text}\u001b[${close}m` : text);

export const colours = { bold: paint(1, 22), dim: paint(2, 22), red: paint(31, 39), green: paint(32, 39), yellow: paint(33, 39) };
