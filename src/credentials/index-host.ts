/**
 * The netrc `machine` name that pip looks up for an index URL. pip asks requests, which takes
 * `urlparse(url).netloc.split(':')[0]`: the host as written (case kept), without the port. So one netrc
 * entry covers every port of a host, and `machine` must never carry a port.
 */
import { shown } from '../secrets/redact.js';

export class IndexHostError extends Error {}

export function netrcHostForUrl(url: string): string {
  const m = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)/.exec(url);
  if (!m) throw new IndexHostError(`${shown(url)} is not an http(s) URL with a host`);
  const netloc = m[1]!;
  if (netloc.includes('@')) throw new IndexHostError(`the URL ${shown(url)} contains credentials; remove them: the login goes to ~/.netrc`);
  if (netloc.startsWith('['))
    throw new IndexHostError(`the URL ${shown(url)} names an IPv6 address, which pip's netrc lookup cannot match (it cuts the host at the first ':'); use a host name`);
  const host = netloc.split(':')[0]!;
  if (host === '') throw new IndexHostError(`the URL ${shown(url)} has no host`);
  return host;
}
