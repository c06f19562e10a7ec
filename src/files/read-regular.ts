import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { UsageError } from '../errors.js';

/**
 * The one reader of files a project or a user hands us (the record, pip.conf, requirements.txt, setup.py,
 * setup.cfg, pyproject.toml, defaults and trust lists). open() of a FIFO blocks until a writer comes, so a FIFO
 * where a file belongs would hang a command, a CI job or a whole fleet run: the file is opened non-blocking,
 * and only what fstat calls a regular file (a symlink to one included) is read.
 */
export class NotRegularFileError extends UsageError {}

export function specialKind(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** The file's bytes; null when it does not exist. `label` names it in the message (default: the path). */
export function readRegularFile(path: string, label: string = path): Buffer | null {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    if (code === 'EISDIR') throw new NotRegularFileError(`${label} is a directory, not a regular file; pyservice reads it only as a file: replace it with one`);
    throw err;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new NotRegularFileError(`${label} is ${specialKind(st)}, not a regular file; pyservice reads it only as a file: replace it with one`);
    const chunks: Buffer[] = [];
    for (;;) {
      const buf = Buffer.alloc(Math.max(65536, st.size + 1));
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      chunks.push(buf.subarray(0, n));
    }
    return Buffer.concat(chunks);
  } finally {
    closeSync(fd);
  }
}

/** readRegularFile as UTF-8 text. */
export function readRegularText(path: string, label?: string): string | null {
  return readRegularFile(path, label)?.toString('utf8') ?? null;
}
