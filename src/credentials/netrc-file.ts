import { crypto } from '../lazy.js';
import { chownSync, existsSync, lstatSync, readdirSync, readFileSync, realpathSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { UsageError } from '../errors.js';
import { shown } from '../secrets/redact.js';
import { writeFileAtomic } from '../apply/atomic.js';
import { run } from '../exec/run.js';
import { acquireLock } from '../files/lock-file.js';
import { homeDir, packageRoot } from '../paths.js';
import { mergeNetrcLogin, readersMayDiffer, type NetrcAction, type NetrcLogin, type NetrcMerge } from './netrc.js';

/**
 * The file pip reads: requests honours $NETRC, else ~/.netrc. A relative NETRC or HOME is refused (exit 2): pip
 * resolves it against the folder it runs in, so the login would be written in one folder (the project, under
 * `pyservice login`) and looked for in another.
 */
export function netrcPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.NETRC) {
    if (!isAbsolute(env.NETRC)) throw new UsageError(`NETRC is ${shown(env.NETRC)}, not an absolute path: pip reads it from whatever folder it runs in; set NETRC to an absolute path, or unset it for ~/.netrc`);
    return env.NETRC;
  }
  if (env.HOME && !isAbsolute(env.HOME)) throw new UsageError(`HOME is ${shown(env.HOME)}, not an absolute path: pip would look for ~/.netrc in whatever folder it runs in; set HOME to your home folder`);
  return join(homeDir(env), '.netrc');
}

export class NetrcFileError extends Error {}

/** The merge is well-formed netrc, but pip (Python's netrc module) would not read it as intended. */
export class NetrcUnreadableError extends Error {}

/** The interpreter asked how pip reads the file: Debian's, as everywhere else in this tool. */
export const NETRC_PYTHON = '/usr/bin/python3';

type PythonVerdict =
  | { ok: true }
  | { ok: false; problem: 'before' | 'after'; reason: string; line: number }
  | { ok: false; problem: 'host' }
  | { ok: false; problem: 'other-host' | 'macro'; name: string };

/** Python's own netrc module reads the text before and after the merge (python-helpers/netrc_check.py). */
async function askPython(before: string, merged: NetrcMerge, want: NetrcLogin, python: string): Promise<PythonVerdict> {
  const helper = join(packageRoot(), 'python-helpers', 'netrc_check.py');
  // The password is compared by its sha256: the request names no secret field (the merged text still holds it).
  const passwordSha256 = crypto().createHash('sha256').update(want.password, 'utf8').digest('hex');
  const input = JSON.stringify({ before, after: merged.text, host: want.host, login: want.login, passwordSha256 });
  let r;
  try {
    // The texts hold passwords: they go on stdin, never in argv.
    r = await run(python, ['-I', '-B', helper], { input, cleanEnv: true, env: { PATH: '/usr/bin:/bin', LC_ALL: 'C.UTF-8' }, timeoutMs: 20_000 });
  } catch (err) {
    throw new NetrcUnreadableError(`the file uses comments, quotes, backslashes or macdef, which netrc readers treat differently, and ${python} cannot be run to check how pip reads it (${(err as Error).message}); install python3 and rerun`);
  }
  if (r.exitCode !== 0 || r.timedOut) throw new NetrcUnreadableError(`${python} could not check how pip reads the file: ${r.stderr.trim().split('\n').at(-1) ?? `exit ${r.exitCode}`}`);
  return JSON.parse(r.stdout) as PythonVerdict;
}

/**
 * The merge, checked against the reader that matters: after it, pip must find exactly `want` for the host, and
 * every other host and macro must read as before; throws instead of writing a file pip would misread. Where the
 * file uses none of the constructs netrc readers disagree on (comments, quotes, backslashes, macros), every
 * reader splits it into the same words, so Python's netrc module is asked only when it does.
 */
export async function planNetrcLogin(text: string, want: NetrcLogin, python = NETRC_PYTHON): Promise<NetrcMerge> {
  const merged = mergeNetrcLogin(text, want);
  if (!readersMayDiffer(text)) return merged;
  const v = await askPython(text, merged, want, python);
  if (v.ok) return merged;
  switch (v.problem) {
    case 'before':
    case 'after':
      throw new NetrcUnreadableError(
        `${v.problem === 'before' ? 'the file as it is cannot be read by pip' : 'the merged file would not be readable by pip'}: Python's netrc module, which pip uses, stops at line ${v.line} (${v.reason}), and pip then ignores the whole file; fix that line and rerun`,
      );
    case 'host':
      throw new NetrcUnreadableError(
        `pip would not use the entry for ${want.host}: Python's netrc module reads another one (for example a "# machine ${want.host}" line after an empty line, which it counts as an entry; the last entry wins); remove the other entry and rerun`,
      );
    case 'other-host':
      throw new NetrcUnreadableError(`the merge would change how pip reads the entry for ${v.name}; please report this`);
    case 'macro':
      throw new NetrcUnreadableError(`the merge would change the macro ${v.name}; please report this`);
  }
}

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

/**
 * The logins file must be this user's: one that belongs to another user holds that user's logins (and rewriting
 * it would hand it to this one, whom the other's pip cannot read as). Root may write any, and gives what it writes
 * to the owner of what was there (atomic.ts; a new file: the folder's owner, see ownerOfNew): measured,
 * `sudo pyservice login` with the user's HOME made the user's ~/.netrc root's, mode 0600, so the user's pip read
 * none of its logins any more. A file not yet there is judged by the folder it would be made in.
 */
function refuseOthers(target: string): void {
  const uid = process.getuid?.();
  if (uid === undefined || uid === 0) return;
  for (const [what, p] of [['', target], [' (the folder it would be created in)', dirname(target)]] as const) {
    let st;
    try {
      st = statSync(p);
    } catch {
      continue;
    }
    if (st.uid !== uid)
      throw new NetrcFileError(
        `${p}${what} belongs to another user (uid ${st.uid}), not to you (uid ${uid}): the logins there are theirs; run pyservice login as that user, or set NETRC to a file of your own`,
      );
    return;
  }
}

/** Root creating the file in another user's folder (sudo with that user's HOME): the folder's owner gets it. */
function ownerOfNew(target: string): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  try {
    const st = statSync(dirname(target));
    return st.uid !== 0 ? { uid: st.uid, gid: st.gid } : null;
  } catch {
    return null;
  }
}

/**
 * A file holding a password must not be one git would commit: ~/.netrc symlinked (or NETRC pointed) into a
 * project or any work tree that does not ignore it would put the password in the next `git add -A`. Git itself
 * decides (`git check-ignore`, which also answers "not ignored" for a tracked file); outside a work tree, or
 * without git, there is nothing to commit it.
 */
async function refuseCommittable(target: string): Promise<void> {
  let parent = dirname(target);
  while (!existsSync(parent) && dirname(parent) !== parent) parent = dirname(parent);
  const r = await run('git', ['check-ignore', '-q', '--', target], { cwd: parent, timeoutMs: 20_000 }).catch(() => null);
  if (r?.exitCode === 1)
    throw new NetrcFileError(`${target} is inside a git work tree and git does not ignore it: the password would be committed with the next git add; add it to that repository's .gitignore, or point NETRC (or the ~/.netrc symlink) outside the work tree`);
}

/** What saving would do, computed without writing: the merge is checked so a refusal comes before any other work. */
export interface NetrcWrite {
  result: NetrcSaved;
  text: string;
  /** The file's text the merge was planned on. */
  before: string;
  want: NetrcLogin;
}

/**
 * Plans the write. `earlier` is a plan made before (create checks before it writes the project, then saves):
 * when the file still holds the same text, that plan (and Python's verdict on it) is used again.
 */
export async function prepareNetrcLogin(want: NetrcLogin, path: string = netrcPath(), earlier?: NetrcWrite): Promise<NetrcWrite> {
  const target = resolveTarget(path);
  refuseOthers(target);
  const before = snapshot(target);
  await refuseCommittable(target);
  const same = earlier && earlier.result.target === target && earlier.before === before.text && earlier.result.created === (before.bytes === null) && sameLogin(earlier.want, want);
  const merged = same ? { action: earlier.result.action, line: earlier.result.line, text: earlier.text } : await planNetrcLogin(before.text, want);
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
  return { result, text: merged.text, before: before.text, want };
}

const sameLogin = (a: NetrcLogin, b: NetrcLogin) => a.host === b.host && a.login === b.login && a.password === b.password;

/**
 * Merges one login into the netrc file: other entries and formatting kept byte for byte, mode 0600, written
 * atomically (temp file beside it, fsync, then rename), so a crash leaves the old file or the new one.
 */
export async function saveNetrcLogin(want: NetrcLogin, path: string = netrcPath(), earlier?: NetrcWrite): Promise<NetrcSaved> {
  // Read, merge and write under a lock beside the file, and only over the text the merge was made from: measured,
  // eight `pyservice login`s for eight hosts started at once left one entry (each read the file before any had
  // written, and each said it saved its login). Another writer (an editor, a tool without the lock) that changes
  // the file meanwhile makes the merge start again from its text.
  const target = resolveTarget(path);
  const release = lockBeside(target);
  try {
    if (release !== NO_LOCK) removeLeftTemps(target);
    for (let attempt = 0; ; attempt++) {
      const { result, text, before } = await prepareNetrcLogin(want, path, attempt === 0 ? earlier : undefined);
      if (result.action === 'unchanged' && result.modeBefore === 0o600) return result;
      const giveTo = result.created ? ownerOfNew(result.target) : null;
      try {
        writeFileAtomic(result.target, text, 0o600, () => {
          if (currentText(result.target) !== (result.created ? null : before)) throw new ChangedMeanwhile();
        });
        if (giveTo) chownSync(result.target, giveTo.uid, giveTo.gid);
      } catch (err) {
        if (err instanceof ChangedMeanwhile) {
          if (attempt < 3) continue;
          throw new NetrcFileError(`${result.target} kept changing while the login was being saved (another program writes it); rerun when it is done`);
        }
        throw new NetrcFileError(`cannot write ${result.target}: ${writeProblem(err as NodeJS.ErrnoException, result.target)}`);
      }
      return result;
    }
  } finally {
    release();
  }
}

class ChangedMeanwhile extends Error {}

/** The file's text now (null: not there), to compare with the text a merge was made from. */
function currentText(file: string): string | null {
  try {
    return readFileSync(file).toString('utf8');
  } catch {
    return null;
  }
}

/**
 * The lock of a logins file: `FILE.pyservice-lock` beside it, held while it is read, merged and replaced (a lock of
 * a dead process is taken over). Where none can be made (a folder that does not exist, or not writable) nothing
 * can be written either: the write says why, in its own words.
 */
function lockBeside(target: string): () => void {
  const lock = `${target}.pyservice-lock`;
  try {
    return acquireLock(lock, { timeoutMs: 60_000, staleMs: 5 * 60_000, busy: `another pyservice is saving a login in ${target} (lock ${lock}); wait for it, or remove the lock file if none is running` });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code) return NO_LOCK; // ENOENT, EACCES, EROFS…: the write reports it
    throw new NetrcFileError((err as Error).message);
  }
}
const NO_LOCK = () => {};

/**
 * The temporary files a killed save left beside the logins file (writeFileAtomic's `.NAME.pyservice-XXXXXXXX.tmp`,
 * mode 0600): each holds every password of the file, under a name a dotfiles repository's ignore rule for the file
 * does not cover. With the lock held no other save is writing one, so any there is a leftover.
 */
function removeLeftTemps(target: string): void {
  const name = basename(target);
  let entries: string[];
  try {
    entries = readdirSync(dirname(target));
  } catch {
    return;
  }
  for (const e of entries)
    if (e.startsWith(`.${name}.pyservice-`) && /^[0-9a-f]{8}\.tmp$/.test(e.slice(name.length + 12)))
      try {
        if (lstatSync(join(dirname(target), e)).isFile()) rmSync(join(dirname(target), e));
      } catch {
        /* gone meanwhile */
      }
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

/**
 * What a failed write of the netrc file means for the user, and the fix: measured, NETRC in a folder that does not
 * exist said only 'cannot write …/x: ENOENT'.
 */
function writeProblem(err: NodeJS.ErrnoException, target: string): string {
  const dir = dirname(target);
  switch (err.code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return `its folder ${dir} does not exist; create it, or point NETRC at a file in a folder that does`;
    case 'EACCES':
    case 'EPERM':
      return `permission denied in ${dir}; write it as the user who owns that folder, or point NETRC elsewhere`;
    case 'EROFS':
      return `${dir} is on a read-only file system; point NETRC at a writable place`;
    case 'ENOSPC':
    case 'EDQUOT':
      return 'no space left on the device; free some space';
    default:
      return err.code ?? err.message;
  }
}
