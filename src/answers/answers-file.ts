import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import type { Answers } from './types.js';
import { AnswersShapeError, answersFromJson } from './shape.js';
import { parseJson } from '../files/json.js';

/** An answers file is a few hundred bytes; anything near this is a mistake (`--answers /dev/zero`). */
export const ANSWERS_FILE_MAX = 256 * 1024;

/**
 * Reads a small regular file (or a symlink to one), at most `max` bytes. Opened non-blocking so a FIFO cannot
 * hang the run, refused unless fstat says regular file, and read in bounded chunks so a file that grows while
 * it is read still stops at `max`.
 */
export function readSmallRegularFile(path: string, max: number, what: string, flag: string): Buffer {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (err) {
    throw new AnswersShapeError(`cannot read ${what} ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}; check the path (${flag})`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new AnswersShapeError(`${what} ${path} is not a regular file (${st.isDirectory() ? 'a directory' : st.isFIFO() ? 'a pipe' : st.isCharacterDevice() ? 'a device' : 'a special file'}); give a JSON file (${flag})`);
    if (st.size > max) throw new AnswersShapeError(`${what} ${path} is ${st.size} bytes; an answers file is at most ${max} bytes (${flag})`);
    const buf = Buffer.alloc(max + 1);
    let len = 0;
    for (;;) {
      const n = readSync(fd, buf, len, buf.length - len, null);
      if (n === 0) break;
      len += n;
      if (len > max) throw new AnswersShapeError(`${what} ${path} is more than ${max} bytes; an answers file is at most ${max} bytes (${flag})`);
    }
    return buf.subarray(0, len);
  } finally {
    closeSync(fd);
  }
}

/** Reads an answers JSON file: an object with answer keys (or a `.pyservice.json` with an `answers` object). */
export function readAnswersFile(path: string): Partial<Answers> {
  const text = readSmallRegularFile(path, ANSWERS_FILE_MAX, 'answers file', '--answers').toString('utf8');
  let data: unknown;
  try {
    data = parseJson(text);
  } catch (err) {
    throw new AnswersShapeError(`answers file ${path} is not valid JSON: ${(err as Error).message}`);
  }
  if (data && typeof data === 'object' && 'answers' in data && typeof (data as { answers: unknown }).answers === 'object') data = (data as { answers: unknown }).answers;
  return answersFromJson(data, `answers file ${path}`, 'refuse', 'fix the file (--answers)');
}
