import { lstatSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../apply/atomic.js';
import type { NetrcAction, NetrcLogin } from './netrc.js';
import { planNetrcLogin } from './netrc-plan.js';

/** The file pip reads: requests honours $NETRC, else ~/.netrc. */
export function netrcPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.NETRC) return env.NETRC;
  return join(env.HOME || homedir(), '.netrc');
}

export class NetrcFileError extends Error {}

export interface NetrcSaved {
  /** The file named to the user (~/.netrc or $NETRC). */
  path: string;
  /** Where the bytes went: differs from `path` when it is a symlink (dotfile managers), which is kept. */
  target: string;
  host: string;
  login: string;
  action: NetrcAction;
  /** Line of the entry in the file. */
  line: number;
  created: boolean;
  /** Permission bits before (null when the file was created) and after (always 0600). */
  modeBefore: number | null;
  mode: number;
}

interface Snapshot {
  text: string;
  bytes: Buffer | null;
  mode: number | null;
}

/** Kinds of file a netrc must not be: reading a FIFO blocks, replacing a device or a directory destroys it. */
function notRegular(st: import('node:fs').Stats): string | null {
  if (st.isFile()) return null;
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

function snapshot(file: string): Snapshot {
  // Checked before opening: open() of a FIFO blocks, and a device or directory must never be replaced.
  let st;
  try {
    st = statSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { text: '', bytes: null, mode: null };
    throw new NetrcFileError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const kind = notRegular(st);
  if (kind) throw new NetrcFileError(`${file} is ${kind}, not a regular file; pip cannot read logins from it and it will not be replaced: point NETRC at a regular file (or unset it for ~/.netrc)`);
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { text: '', bytes: null, mode: null };
    throw new NetrcFileError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let text: string;
  try {
    // Python reads ~/.netrc as UTF-8; a BOM stays part of the text so it is written back untouched.
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new NetrcFileError(`${file} is not UTF-8 text, so pip cannot read it; fix its encoding and rerun`);
  }
  return { text, bytes, mode: statSync(file).mode & 0o7777 };
}

/** The file that really holds the bytes: a symlinked ~/.netrc is updated where it points, the link is kept. */
function resolveTarget(file: string): string {
  try {
    if (!lstatSync(file).isSymbolicLink()) return file;
  } catch {
    return file;
  }
  try {
    return realpathSync(file);
  } catch {
    throw new NetrcFileError(`${file} is a symlink to a missing file; fix or remove the link and rerun`);
  }
}

/** What saving would do, computed without writing: the merge is checked so a refusal comes before any other work. */
export interface NetrcWrite {
  result: NetrcSaved;
  text: string;
}

export function prepareNetrcLogin(want: NetrcLogin, path: string = netrcPath()): NetrcWrite {
  const target = resolveTarget(path);
  const before = snapshot(target);
  const merged = planNetrcLogin(before.text, want);
  const result: NetrcSaved = {
    path,
    target,
    host: want.host,
    login: want.login,
    action: merged.action,
    line: merged.line,
    created: before.bytes === null,
    modeBefore: before.mode,
    mode: 0o600,
  };
  return { result, text: merged.text };
}

/**
 * Merges one login into the netrc file: other entries and formatting kept byte for byte, mode 0600, written
 * atomically (temp file beside it, fsync, then rename), so a crash leaves the old file or the new one.
 */
export function saveNetrcLogin(want: NetrcLogin, path: string = netrcPath()): NetrcSaved {
  const { result, text } = prepareNetrcLogin(want, path);
  if (result.action === 'unchanged' && result.modeBefore === 0o600) return result;
  try {
    writeFileAtomic(result.target, text, 0o600);
  } catch (err) {
    throw new NetrcFileError(`cannot write ${result.target}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return result;
}

/** One line saying what was written where, never the secret. */
export function describeSaved(s: NetrcSaved, shown: string = s.path): string {
  const where = s.target === s.path ? shown : `${shown} (→ ${s.target})`;
  const what =
    s.action === 'added'
      ? s.created
        ? `created ${where} with a machine entry for ${s.host}`
        : `added a machine entry for ${s.host} to ${where} at line ${s.line}; other entries kept as they were`
      : s.action === 'updated'
        ? `updated the machine entry for ${s.host} in ${where} (line ${s.line}) in place; other entries kept as they were`
        : `${where} already holds this login for ${s.host} (line ${s.line})`;
  const mode = s.modeBefore !== null && s.modeBefore !== 0o600 ? `; mode ${s.modeBefore.toString(8).padStart(4, '0')} → 0600` : '; mode 0600';
  return `Index login for ${s.host} (user ${s.login}): ${what}${mode}. pip reads it for ${s.host} on any port.`;
}
