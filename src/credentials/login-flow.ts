import type { Answers, Asker, Output } from '../types.js';
import { indexUserProblem } from '../answers/validate.js';
import { CancelledError, FailureError, UsageError } from '../errors.js';
import { readRegularText } from '../files/read-regular.js';
import { domainToASCII } from 'node:url';
import { shown } from '../secrets/redact.js';
import { homeDir } from '../paths.js';
import { IndexHostError, netrcHostForUrl } from './index-host.js';
import { NetrcConflictError, NetrcSyntaxError, NetrcValueError, netrcWord, parseNetrc, type NetrcLogin } from './netrc.js';
import { describeSaved, NetrcFileError, netrcPath, NetrcUnreadableError, prepareNetrcLogin, saveNetrcLogin, type NetrcWrite } from './netrc-file.js';

/**
 * The login flow shared by `create-pyservice --save-credentials` and `pyservice login`: where the values come
 * from (flags, answers, environment, hidden prompt), the checks before anything is written, and the one line
 * that says what was written where. The password is never a flag, never printed, never passed to a process.
 */
export { INDEX_PASSWORD_ENV as PASSWORD_ENV } from '../secrets/env.js';
import { INDEX_PASSWORD_ENV as PASSWORD_ENV } from '../secrets/env.js';

/**
 * Reads the password from the environment and removes it there, so no child process (git and the user's git
 * hooks, python) inherits it. Empty counts as unset.
 */
export function takeEnvPassword(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env[PASSWORD_ENV];
  delete env[PASSWORD_ENV];
  return value ? value : undefined;
}

/** ~/… for paths under the home directory, as people write them. */
export function shownPath(path: string, env: NodeJS.ProcessEnv = process.env): string {
  const home = homeDir(env);
  return home && path.startsWith(home + '/') ? '~' + path.slice(home.length) : path;
}

export interface PendingLogin {
  want: NetrcLogin;
  path: string;
  /** The checked plan: saving uses it again when the file has not changed since. */
  planned: NetrcWrite;
}

function hostOf(indexUrl: string): string {
  try {
    return netrcHostForUrl(indexUrl);
  } catch (err) {
    if (err instanceof IndexHostError) throw new UsageError(err.message);
    throw err;
  }
}

/** Checks the values and the current netrc file; throws (before anything is written) what would make saving fail. */
export async function checkLogin(want: NetrcLogin, path: string): Promise<PendingLogin> {
  const userProblem = indexUserProblem(want.login);
  if (userProblem) throw new UsageError(userProblem);
  let planned: NetrcWrite;
  try {
    netrcWord(want.password, 'password');
    planned = await prepareNetrcLogin(want, path);
  } catch (err) {
    if (err instanceof NetrcValueError) throw new UsageError(`${err.message} (${PASSWORD_ENV} or the prompt)`);
    if (err instanceof NetrcSyntaxError || err instanceof NetrcConflictError || err instanceof NetrcUnreadableError)
      throw new FailureError(`cannot add the login to ${shownPath(path)}: ${err.message}`);
    if (err instanceof NetrcFileError) throw new FailureError(err.message);
    throw err;
  }
  return { want, path, planned };
}

async function askPassword(asker: Asker, host: string): Promise<string> {
  const pw = await asker.ask<string>({ kind: 'password', name: 'password', message: `Password or token for ${host} (hidden)` });
  if (!pw) throw new UsageError('no password given; nothing was saved');
  return pw;
}

/** Writes the login and says what was written where (host, user, file, mode), never the secret. */
export async function savePendingLogin(p: PendingLogin, out: Output): Promise<void> {
  try {
    out.phase(describeSaved(await saveNetrcLogin(p.want, p.path, p.planned), shownPath(p.path)));
  } catch (err) {
    if (err instanceof NetrcFileError || err instanceof NetrcUnreadableError || err instanceof NetrcSyntaxError || err instanceof NetrcConflictError)
      throw new FailureError(`the index login was not saved: ${err.message}; then run \`npx -p create-pyservice pyservice login\``);
    throw err;
  }
}

export interface CreateCredentials {
  answers: Answers;
  /** --save-credentials */
  consent: boolean;
  /** Present when a person can answer (a terminal): asks consent, user and password. */
  asker?: Asker;
  dryRun: boolean;
  /** takeEnvPassword(), called by create before it starts any process (git config runs early). */
  envPassword: string | undefined;
}

/**
 * create's part, run after the answers are validated and before anything is written: decides whether to save
 * a login (consent is --save-credentials or a yes at the prompt; --yes alone never saves), gathers the user
 * and password, and checks ~/.netrc. A username typed at the prompt becomes `answers.indexUser` (recorded; not
 * a secret). Returns what to save once the project is written, or null.
 */
export async function credentialsForCreate(c: CreateCredentials, out: Output): Promise<PendingLogin | null> {
  const { envPassword, asker } = c;
  const a = c.answers;
  if (a.indexUrl === '') {
    if (c.consent) throw new UsageError('--save-credentials needs --index-url: there is no private index to save a login for');
    return null;
  }
  const host = hostOf(a.indexUrl);
  const path = netrcPath();
  let consent = c.consent;
  if (!consent && asker && !c.dryRun)
    consent = await asker.ask<boolean>({ kind: 'confirm', name: 'saveCredentials', message: `Save your read-only login for ${host} in ${shownPath(path)} (mode 0600; other entries kept)?`, initial: false });
  if (!consent) {
    if (envPassword && !c.dryRun) out.info(`${PASSWORD_ENV} is set but no login was saved: pass --save-credentials to save it in ${shownPath(path)}.`);
    return null;
  }
  if (a.indexUser === '') {
    if (!asker) throw new UsageError('--save-credentials needs --index-user NAME (the read-only installer login)');
    if (c.dryRun) return null;
    a.indexUser = await asker.ask<string>({ kind: 'input', name: 'indexUser', message: `Read-only username for ${host}`, validate: (v) => (v === '' ? 'give the username' : indexUserProblem(v)) });
  }
  if (c.dryRun) return null;
  let password = envPassword;
  if (password === undefined) {
    if (!asker) throw new UsageError(`--save-credentials needs the password: set ${PASSWORD_ENV} (there is no terminal to ask on, and no flag on purpose)`);
    password = await askPassword(asker, host);
  }
  return checkLogin({ host, login: a.indexUser, password }, path);
}

export interface LoginInput {
  indexUrl: string;
  indexUser: string;
  /** Present when a person can answer (a terminal). */
  asker?: Asker;
  /** takeEnvPassword(), called first thing by the command. */
  envPassword: string | undefined;
  /**
   * The project file the index URL was read from (pip.conf, .pyservice.json), when no --index-url named it: a
   * cloned repository chooses that host, not the person typing the password.
   */
  urlFrom?: string;
}

/** Whether the logins file already has an entry for `host` (the user logs in there already); false when unreadable. */
function netrcHasHost(host: string, path: string): boolean {
  try {
    // (a FIFO or a device there is named by the save, never waited on here)
    return parseNetrc(readRegularText(path) ?? '').some((e) => e.kind === 'machine' && e.name === host);
  } catch {
    return false;
  }
}

/**
 * A host that a project file named, and that the logins file has no entry for yet, is confirmed before the
 * password is asked: a hostile repository's pip.conf would otherwise have the login sent to its own host (pip
 * sends the ~/.netrc entry to whatever host it is for). Without a terminal it is refused: --index-url confirms it.
 */
async function confirmProjectHost(l: LoginInput, host: string, path: string): Promise<void> {
  if (!l.urlFrom || netrcHasHost(host, path)) return;
  // A look-alike host (Cyrillic letters for Latin ones) is shown as DNS sees it too
  const named = /[^\x00-\x7f]/.test(host) ? `${shown(host)} (${domainToASCII(host) || 'not a valid host name'})` : shown(host);
  if (!l.asker)
    throw new UsageError(
      `the index host ${named} comes from ${shown(l.urlFrom)}, a file of the project, and ${shownPath(path)} has no login for it yet; pass --index-url ${shown(l.indexUrl)} to confirm it is your team's index (there is no terminal to ask on)`,
    );
  const yes = await l.asker.ask<boolean>({
    kind: 'confirm',
    name: 'confirmHost',
    message: `${shownPath(l.urlFrom)} names the index host ${named}, which ${shownPath(path)} has no login for yet. Save your login for it?`,
    initial: false,
  });
  if (!yes) throw new CancelledError(`not confirmed; nothing was saved (pass --index-url URL to name your team's index yourself)`);
}

/** `pyservice login`'s part: the command itself is the consent. */
export async function loginFromInput(l: LoginInput): Promise<PendingLogin> {
  const { envPassword, asker } = l;
  const host = hostOf(l.indexUrl);
  const path = netrcPath();
  await confirmProjectHost(l, host, path);
  let login = l.indexUser;
  if (login === '') {
    if (!asker) throw new UsageError('no username: pass --index-user NAME (or record indexUser in .pyservice.json)');
    login = await asker.ask<string>({ kind: 'input', name: 'indexUser', message: `Read-only username for ${host}`, validate: (v) => (v === '' ? 'give the username' : indexUserProblem(v)) });
  }
  let password = envPassword;
  if (password === undefined) {
    if (!asker) throw new UsageError(`no password: set ${PASSWORD_ENV} (there is no terminal to ask on, and no flag on purpose)`);
    password = await askPassword(asker, host);
  }
  return checkLogin({ host, login, password }, path);
}
