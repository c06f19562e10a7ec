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

/**
 * The most read from one such file. The files this reader serves are text people write (the largest real one
 * seen, a hash-pinned requirements.lock, is under 1 MB); a file past this is something else under that name (a
 * log, a dump, a sparse file), and was read whole: measured, `pyservice dependents` over a project with a 300 MB
 * requirements.txt took 4.4 s and 960 MB of memory, and said nothing about it (exit 0).
 */
export const MAX_READ_BYTES = 16 * 1024 * 1024;

/** A file larger than any of its kind: named with its size, never read (exit 2). */
export class TooLargeFileError extends UsageError {}

const megabytes = (n: number) => `${(n / 1024 / 1024).toFixed(n < 10 * 1024 * 1024 ? 1 : 0)} MB`;

function tooLarge(label: string, size: number, max: number): TooLargeFileError {
  return new TooLargeFileError(`${label} is ${megabytes(size)}, more than the ${megabytes(max)} pyservice reads from such a file: it is not the file its name says (a log or data file?); move it away or shorten it`);
}

/** The file's bytes; null when it does not exist. `label` names it in the message (default: the path). */
export function readRegularFile(path: string, label: string = path, maxBytes = MAX_READ_BYTES): Buffer | null {
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
    if (st.size > maxBytes) throw tooLarge(label, st.size, maxBytes);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      // (one more byte than allowed at most: a file that grows while it is read is cut off there too)
      const buf = Buffer.alloc(Math.min(Math.max(65536, st.size + 1), maxBytes + 1 - total));
      const n = buf.length === 0 ? 0 : readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      total += n;
      if (total > maxBytes) throw tooLarge(label, Math.max(total, fstatSync(fd).size), maxBytes);
      chunks.push(buf.subarray(0, n));
    }
    return Buffer.concat(chunks);
  } finally {
    closeSync(fd);
  }
}

/** readRegularFile as UTF-8 text. */
export function readRegularText(path: string, label?: string, maxBytes?: number): string | null {
  return readRegularFile(path, label, maxBytes)?.toString('utf8') ?? null;
}
