import { UsageError } from '../errors.js';
import { shown } from '../secrets/redact.js';
import { carriesCredentials, redactText, secretParams } from '../secrets/redact.js';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * A template source as the user wrote it (`--template SOURCE[#ref]`), parsed without touching the disk or
 * the network. Kinds: the shipped set, a local directory, or a git URL (https://, ssh://, file://,
 * scp-like git@host:org/repo, and short forms gh:/gl:/bb:org/repo).
 *
 * Credentials never live in a source: a URL with userinfo (other than ssh's user name) is refused, because
 * the source is written to `.pyservice.json`, shown in output and passed to git on the command line.
 * Git's own credential helpers and ssh keys supply credentials instead.
 */
export type SourceKind = 'shipped' | 'local' | 'git';

export interface SourceSpec {
  kind: SourceKind;
  /** What the record stores and the trust list matches: a canonical URL or absolute path ('' for shipped). */
  canonical: string;
  /** What git is given (equal to `canonical` except that short forms are expanded). */
  fetchUrl: string;
  /** `#ref` (a version tag such as v2.1.0), if given. */
  ref: string | null;
}

/** A template source that cannot be used as given: bad input (exit 2). */
export class SourceError extends UsageError {}

export const SHIPPED: SourceSpec = { kind: 'shipped', canonical: '', fetchUrl: '', ref: null };

const SHORT_HOSTS: Record<string, string> = { gh: 'github.com', github: 'github.com', gl: 'gitlab.com', gitlab: 'gitlab.com', bb: 'bitbucket.org', bitbucket: 'bitbucket.org' };
const SCP_LIKE = /^([A-Za-z0-9._-]+@)?([A-Za-z0-9.-]+):(?!\/\/)(.+)$/;

/** Parses SOURCE[#ref]. `cwd` resolves relative local paths. */
export function parseSource(input: string, cwd: string = process.cwd()): SourceSpec {
  const text = input.trim();
  if (!text) throw new SourceError('--template needs a source: a directory, a git URL or gh:org/repo');
  if (/[\0\n\r]/.test(text)) throw new SourceError('template source contains control characters; pass a plain URL or path');
  const hash = text.lastIndexOf('#');
  const body = hash >= 0 ? text.slice(0, hash) : text;
  const ref = hash >= 0 ? text.slice(hash + 1) : null;
  // A fragment token (#access_token=…) is no tag either, and is not quoted back
  if (ref !== null && !/^[A-Za-z0-9][A-Za-z0-9._+-]*$/.test(ref))
    throw new SourceError(`template ref ${secretParams(ref).length ? `"${ref.slice(0, ref.indexOf('=') + 1)}***"` : shown(ref)} is not a tag name; use SOURCE#v1.2.0`);
  if (body === 'shipped' || body === 'builtin') return { ...SHIPPED, ref };
  // Whatever the form (URL, scp-like user:password@host:path, a query token): the redactor decides what is a credential.
  if (carriesCredentials(body)) throw new SourceError(CREDENTIALS(body));
  // git's "transport::address" runs a remote helper (ext:: runs any command): never from a template source.
  if (/^[A-Za-z][A-Za-z0-9+.-]*::/.test(body)) throw new SourceError(`template source ${redact(body)} uses a git remote helper (transport::address), which is not supported; use https://, ssh://, file:// or a directory`);

  const short = /^([a-z]+):([A-Za-z0-9_.-]+\/[A-Za-z0-9_.\/-]+?)(\.git)?$/.exec(body);
  if (short && SHORT_HOSTS[short[1]!]) {
    const url = `https://${SHORT_HOSTS[short[1]!]}/${short[2]}.git`;
    return { kind: 'git', canonical: url, fetchUrl: url, ref };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(body)) return { kind: 'git', ...urlForm(body), ref };
  const scp = SCP_LIKE.exec(body);
  if (scp && !isAbsolute(body) && !/^[A-Za-z]:[\\/]/.test(body)) {
    // git@host:org/repo — the user name is not a secret (it is ssh's login, usually "git"); a password cannot be written here.
    if (scp[3]!.includes('?')) throw new SourceError(`template source ${redact(body)} has a query string; tokens do not belong in the address (use git's credential helper or an ssh key)`);
    const canonical = `${scp[1] ?? ''}${scp[2]}:${scp[3]}`;
    return { kind: 'git', canonical, fetchUrl: canonical, ref };
  }
  const abs = resolve(cwd, body);
  return { kind: 'local', canonical: abs, fetchUrl: abs, ref };
}

const CREDENTIALS = (body: string) =>
  `template source ${redact(body)} carries credentials in the URL; remove them and let git supply them (git credential helper, ~/.netrc or an ssh key): they would be stored in .pyservice.json and shown in process lists`;

function urlForm(body: string): { canonical: string; fetchUrl: string } {
  let u: URL;
  try {
    u = new URL(body);
  } catch {
    throw new SourceError(`template source ${redact(body)} is not a valid URL`);
  }
  const scheme = u.protocol.replace(/:$/, '').toLowerCase();
  if (!['https', 'http', 'ssh', 'git', 'file', 'git+ssh', 'ssh+git'].includes(scheme))
    throw new SourceError(`template source scheme ${shown(scheme + ':')} is not supported; use https://, ssh://, file:// or a directory`);
  if (u.password || (u.username && scheme !== 'ssh' && scheme !== 'git+ssh' && scheme !== 'ssh+git'))
    throw new SourceError(CREDENTIALS(body));
  if (u.search) throw new SourceError(`template source ${redact(body)} has a query string; tokens do not belong in the URL (use git's credential helper)`);
  if (scheme === 'file') {
    const path = decodeURIComponent(u.pathname);
    const canonical = pathToFileURL(path).href;
    return { canonical, fetchUrl: canonical };
  }
  u.hash = '';
  const canonical = u.href.replace(/\/+$/, '');
  return { canonical, fetchUrl: canonical };
}

/** A URL with any userinfo replaced, for error messages. */
export function redact(text: string): string {
  return redactText(text).replace(/\/\/[^/@]*@/, '//***@').replace(/\?.*$/, '?***');
}

/** How a source is shown to users: the canonical form, or "the shipped templates". */
export function describeSource(s: SourceSpec): string {
  return s.kind === 'shipped' ? 'the shipped templates' : s.canonical;
}

/** The source string written to the record (no ref: update follows newer tags). */
export function recordedSource(s: SourceSpec): string | undefined {
  return s.kind === 'shipped' ? undefined : s.canonical;
}
