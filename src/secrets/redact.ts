/**
 * The one place that decides how a value that may carry a credential is shown: URLs with userinfo
 * (`https://alice:***@host/…`), query-string and fragment parameters whose names look like secrets
 * (`?token=***`), and any text holding such URLs (a requirement `pkg @ git+https://tok@host/…`, a diff, a
 * pip.conf line). Every message, report and JSON document the tool prints goes through here (see
 * cli/output.ts), so a check that refuses a credential can never print it.
 *
 * It errs on the side of hiding: a user-only userinfo (`https://TOKEN@host`) is hidden whole, because tokens
 * ride as user names (GitHub, GitLab); only `git@` (ssh's fixed user) is kept.
 */

/**
 * Parameter names that carry secrets in query strings and fragments (OAuth, S3/Azure/GCS signatures, GitLab, API keys).
 * Parts of names, so `apikey` and `X-Amz-Signature` count; but `author` and `keywords` are no credentials (every
 * all-contributors link is `commits?author=NAME`: corpus8 saw chacha20poly1305-reuseable's README shown as author=***).
 */
const SECRET_PARAM = /token|key(?!word)|secret|pass|pwd|auth(?!or)|sig|credential|session|code|jwt|bearer/i;

export function isSecretParam(name: string): boolean {
  let decoded = name;
  try {
    decoded = decodeURIComponent(name);
  } catch {
    /* keep the raw name */
  }
  return SECRET_PARAM.test(decoded);
}

/** The parameter names of a query string or fragment (`a=1&b=2`, `;` also separates) that look like secrets. */
export function secretParams(query: string): string[] {
  return query
    .replace(/^[?#]/, '')
    .split(/[&;]/)
    .map((kv) => kv.split('=')[0]!)
    .filter((k) => k !== '' && isSecretParam(k));
}

function redactParams(part: string): string {
  // part starts with ? or #; values of secret-looking names become ***; a bare fragment token (#abc…) too.
  const lead = part[0]!;
  const body = part.slice(1);
  if (lead === '#' && body !== '' && !body.includes('=')) return /^[A-Za-z0-9_-]{20,}$/.test(body) ? '#***' : part;
  // Each name=value between & and ; (split, not a regex retried at every position of a long value without '=')
  return lead + body.split(/([&;])/).map((kv) => {
    const eq = kv.indexOf('=');
    return eq >= 0 && eq < kv.length - 1 && isSecretParam(kv.slice(0, eq)) ? `${kv.slice(0, eq)}=***` : kv;
  }).join('');
}

function redactUserinfo(userinfo: string): string {
  const colon = userinfo.indexOf(':');
  if (colon < 0) return userinfo === 'git' ? userinfo : '***';
  return `${userinfo.slice(0, colon)}:***`;
}

/**
 * Where a URL's authority starts: a scheme and its slashes, which WHATWG parsers (Node's URL, browsers, curl's
 * newer releases) take in any number and mixed with backslashes (`https:/u:pw@host`, `https:///…`, `https:\\…`
 * all name user u, password pw), or a scheme-relative `//` at the start of a word or after a quote, bracket or =.
 */
const SCHEME = /\b[A-Za-z][A-Za-z0-9+.-]*:[/\\]+|(?:^|(?<=["'=(,<[]))[/\\]{2,}/;
/** What may follow a host: a port, then the path, query or fragment, a closing quote or bracket, or the end. */
const HOST_AT = /^(?:\[[^\]\s]+\]|[A-Za-z0-9._~%-]+)(?::[0-9]*)?(?=[/?#"'<>`),;\]]|$)/;

/**
 * Where the userinfo of the URL text `rest` (after `scheme://`, up to a blank) ends, or -1. A parser takes the
 * last `@` before the first / ? #; a password typed with an unencoded / ? # or @ in it moves that `@` further
 * on. So: the last `@` followed by something host-like, when what precedes it is a plain authority or starts
 * `user:` with something other than a port number after the colon.
 */
function userinfoEnd(rest: string): number {
  // With an @ in the authority, a later @ after a / counts only when a host and a path follow it: pip's
  // `repo.git@v1.0` names a revision (a `repo.git@feature/x` revision is hidden with the password: more, not less).
  const authorityHasAt = /^[^/?#]*@/.test(rest);
  for (let at = rest.lastIndexOf('@'); at >= 0; at = rest.lastIndexOf('@', at - 1)) {
    const before = rest.slice(0, at);
    if (!HOST_AT.test(rest.slice(at + 1))) continue;
    if (!/[/?#]/.test(before)) return at;
    if (authorityHasAt && before.includes('/') && !/^(?:\[[^\]\s]+\]|[A-Za-z0-9._~%-]+)(?::[0-9]+)?\//.test(rest.slice(at + 1))) continue;
    if (!before.startsWith('[') && /^[^/?#]*:(?![0-9]*(?:[/?#]|$))/.test(before)) return at;
  }
  return -1;
}

function redactQueryAndFragment(afterHost: string): string {
  return afterHost.replace(/([?#])([^?#]*)/g, (_all, lead: string, body: string) => redactParams(lead + body));
}

/** Redacts one URL's text (scheme included, up to the next blank). */
function redactUrl(url: string, schemeLength: number): string {
  const scheme = url.slice(0, schemeLength);
  const rest = url.slice(schemeLength);
  const end = userinfoEnd(rest);
  if (end >= 0) return `${scheme}${redactUserinfo(rest.slice(0, end))}@${afterAuthority(rest.slice(end + 1))}`;
  // "host:port" with a port that is no number and no @ anywhere: a password cut short; hide what follows the colon.
  const authority = /^[^/?#]*/.exec(rest)![0];
  if (!authority.startsWith('[') && /:(?![0-9]*$)/.test(authority)) return `${scheme}${authority.slice(0, authority.indexOf(':'))}:***`;
  return scheme + authority + afterAuthority(rest.slice(authority.length));
}

/** A later scheme in the same word: a second URL (a Markdown link whose text is a URL, a redirect parameter). */
const LATER_SCHEME = /\b[A-Za-z][A-Za-z0-9+.-]*:[/\\]+|(?<=["'=(,<[])[/\\]{2,}/;

/**
 * What follows a URL's authority: its path, query and fragment up to the next URL in the word, which is redacted
 * as a URL of its own (the first one's rules never reached it: `[https://a/](https://u:pw@h/)` showed pw).
 */
function afterAuthority(tail: string): string {
  const m = LATER_SCHEME.exec(tail);
  if (!m) return redactQueryAndFragment(tail);
  return redactQueryAndFragment(tail.slice(0, m.index)) + redactUrl(tail.slice(m.index), m[0].length);
}

/**
 * A password written before a host without a scheme: scp-like git addresses (`alice:tok@github.com:org/repo.git`)
 * and a URL typed without its `https://` (`alice:tok@pypi.example.org/simple/`, which the URL checks refuse for the
 * missing scheme, quoting it, and git would take as an ssh address). A password holds no blank, `/`, `@` or quote
 * here, so a scheme's `//` never matches.
 */
const SCP_WITH_PASSWORD = new RegExp(
  [
    /(^|[\s"'=(,<])/.source, // 1: what precedes the address: the start, a blank, a quote, an = or an opening bracket
    /([A-Za-z0-9._~%+-]+)/.source, // 2: the user name
    ':',
    /([^\s@/"'<>]+)/.source, // 3: the secret: no blank, @, / or quote
    '@',
    /(\[[^\]\s]+\]|[A-Za-z0-9.-]+)/.source, // 4: the host, a name or a bracketed IPv6 address
    /(?=[:/?#\s"'<>),;\]]|$)/.source, // followed by a port or path, a query, the end or a closing character
  ].join(''),
  'g',
);

/**
 * Free text with URLs in it. A URL runs from its scheme to the next blank: a password with a blank in it is
 * only recognised by `shown()`, which knows where the value ends. Every rule looks at one word (a run without
 * blanks) at a time, so the text is taken word by word (see redactWord).
 */
export function redactText(input: string): string {
  const text = redactHeadersAndNetrc(input);
  // the common case, fast: nothing a credential needs (a fragment matters only in a URL)
  if (!text.includes('://') && !text.includes('@') && !text.includes('?') && !(text.includes('#') && /:[/\\]|[/\\]{2}/.test(text))) return text;
  return text.replace(/\S+/g, redactWord);
}

/**
 * Credentials that are no URL and span words, so no word rule sees them: an HTTP authorization header as curl,
 * pip's debug log or a CI configuration writes it (`Authorization: Bearer X`, `"Authorization": "token X"`,
 * GitLab's `PRIVATE-TOKEN: X`), and a netrc's `password` and `account` values (a ~/.netrc line quoted in a
 * message, or a diff of one). A netrc value is hidden only in text that reads as a netrc (`machine HOST` or
 * `default` followed by `login`, `password` or `account`), so prose about passwords keeps its words; a header's value without a scheme word
 * only when it looks like a token (8 or more token characters), so `**Authorization:** see below` stays as written.
 */
const HEADER = /\b((?:proxy-)?authorization|private-token|job-token|x-api-key|x-auth-token|api-key)(["']?[ \t]*[:=][ \t]*["']?)(?:(basic|bearer|token|digest|negotiate|bot)([ \t]+)[^\s"',;]+|[A-Za-z0-9._~+/=-]{8,}(?![^\s"',;]))/gi;
const NETRC_ENTRY = /(?:^|\s)(?:machine\s+\S+|default)\s+(?:login|password|account)\s/;
const NETRC_SECRET = /(^|\s)(password|account)(\s+)("(?:[^"\\\n]|\\.)*"?|\S+)/g;
function redactHeadersAndNetrc(text: string): string {
  let out = text;
  if (/authorization|-token|api-key/i.test(out)) out = out.replace(HEADER, (_all, name: string, sep: string, scheme: string | undefined, gap: string | undefined) => `${name}${sep}${scheme ? scheme + gap : ''}***`);
  // an entry as netrc writes it: `machine HOST` (or `default`) followed by one of its keywords
  if ((out.includes('machine') || out.includes('default')) && NETRC_ENTRY.test(out))
    out = out.replace(NETRC_SECRET, (_all, lead: string, key: string, gap: string) => `${lead}${key}${gap}***`);
  return out;
}

/**
 * One word. The rules are regexes, and a regex engine retries a failed match at every position of a word: their
 * cost grows with the square of the word's length. Measured on the whole text: 80 kB of 'a?' (or 'a:b@',
 * 'https://a@…') took 6-16 s, and a 60 kB word of '\\' and '[' 21 s (the query rule scanning a word with no '?'),
 * so a project summary or README of a few hundred kB, which pyservice deb's report and --json show, held the
 * command for minutes. Here a word none of whose rules can apply costs three substring searches, and a word longer
 * than LONG_WORD that could hold a credential (it has '://', '@' or '?') is not shown at all: hiding errs on the
 * safe side, and no URL, address or requirement people write is that long without a blank.
 */
const LONG_WORD = 512;

/**
 * Whether a word could hold anything the rules below hide, in one linear pass each: a query or fragment ('?', '#'),
 * an '@' with a ':' or a '//' (userinfo, user:password@host), or a URL with a ':' that is neither its scheme's nor
 * a port's (host:password cut short). A long word that cannot is shown as it is: hiding every long word with an '@'
 * made the checks that ask carriesCredentials see a credential. Measured: a 628-character project folder under
 * Jenkins' 'job@2' stopped pyservice version with 'refusing to run /usr/bin/python3: an argument carries a
 * credential', and a 2000-character --url without a login was refused as one that 'contains credentials'.
 */
function mayHoldCredential(word: string): boolean {
  if (word.includes('?') || word.includes('#')) return true;
  const slashes = /[/\\]{2}|:[/\\]/.test(word);
  if (word.includes('@')) return slashes || word.includes(':');
  return slashes && /:(?![/\\]|[0-9]*(?:[/\\?#]|$))/.test(word);
}
// A quote may come escaped (\" in JSON text: `pyservice deb --json` of a README whose HTML links hold a query, as
// all-contributors tables' "commits?author=…" do): the backslash belongs to the quote, not to the value
const CLOSING_TAIL = /(?:\\?["']|[)\]>`])(?:\\?["']|[)\]>`.,;:!?*_~])*$/;
const OPENER: Record<string, string> = { ')': '(', ']': '[', '>': '<', '"': '"', "'": "'", '`': '`' };
function redactWord(word: string): string {
  // A scheme's '://', or (holding what a credential needs: an '@', a query or a fragment) another spelling SCHEME names
  const url = word.includes('://') || (/[@?#]/.test(word) && (word.includes(':/') || word.includes(':\\') || /(?:^|["'=(,<[])[/\\]{2}/.test(word)));
  const at = word.includes('@');
  const query = word.includes('?');
  if (!url && !at && !query) return word;
  if (word.length > LONG_WORD) return mayHoldCredential(word) ? `[${word.length} characters not shown]` : word;
  // A URL or query in brackets or quotes ends where they close: the closers and punctuation after it are text
  // (`[API](https://h/?token=…).` hid the ')' and the '.'; so did `…`, "…" and <…>). Only a tail of such
  // characters alone, closing an opener earlier in the word: a tail with letters, digits or an '@' may be the
  // rest of a password that holds the closer, and stays with the URL (hidden).
  const tail = CLOSING_TAIL.exec(word);
  if (tail && tail.index > 0 && word.lastIndexOf(OPENER[tail[0].replace(/^\\/, '')[0]!]!, tail.index - 1) >= 0) return redactWord(word.slice(0, tail.index)) + tail[0];
  let out = word;
  // The first scheme starts the URL, which runs to the end of the word (a later one in it: see redactUrl)
  const m = url ? SCHEME.exec(word) : null;
  if (m) out = word.slice(0, m.index) + redactUrl(word.slice(m.index), m[0].length);
  if (at) out = out.replace(SCP_WITH_PASSWORD, (_all, lead: string, user: string, _pw: string, host: string) => `${lead}${user}:***@${host}`);
  if (query) out = queryOutsideUrl(out);
  return out;
}

/**
 * A word with a query string that is no scheme:// URL: an scp-like git address (`git@host:org/r?token=…`), a path.
 * From the first character that is not '?' to the end of the word, when a '?' follows it and an '=' that '?'
 * (what the regex [^\s?]+\?[^\s]*=[^\s]* matched, found with indexOf in one pass).
 */
function queryOutsideUrl(word: string): string {
  const start = word.search(/[^?]/);
  if (start < 0) return word;
  const q = word.indexOf('?', start);
  if (q < 0 || word.indexOf('=', q) < 0) return word;
  const w = word.slice(start);
  return word.slice(0, start) + (w.includes('://') ? w : w.slice(0, w.indexOf('?')) + redactQueryAndFragment(w.slice(w.indexOf('?'))));
}

/** Every string inside a JSON-able value, redacted (keys too); for --json reports built from a project's metadata. */
export function redactDeep<T>(value: T): T {
  if (typeof value === 'string') return redactText(value) as T;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[redactText(k)] = redactDeep(v);
    return out as T;
  }
  return value;
}

/** Does a URL (or any text) carry something redactText would hide? */
export function carriesCredentials(text: string): boolean {
  return redactText(text) !== text;
}

/**
 * A value shown inside a one-line message: redacted, quoted, control characters, line breaks and invisible
 * format characters (bidi overrides, zero-width) escaped, so it can neither leak a secret, split the message
 * over two lines, nor drive the terminal (an ESC that retitles the window).
 */
export function shown(value: string): string {
  // A URL with a blank in its password would be cut at the blank: percent-encode blanks first (display only).
  const whole = /^(?:[A-Za-z][A-Za-z0-9+.-]*:[/\\]|[/\\]{2})/.test(value) ? value.replace(/[ \u00a0]/g, (c) => encodeURIComponent(c)) : value;
  return `"${escapeControls(redactText(whole)).replace(/"/g, '\\"')}"`;
}

/** C0/C1 controls, DEL, line/paragraph separators and Unicode format characters that hide or reorder text. */
export const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u115f\u1160\u180e\u200b-\u200f\u202a-\u202e\u2028\u2029\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb]|\udb40[\udc01-\udc7f]/g;

export function escapeControls(text: string): string {
  return text.replace(INVISIBLE, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    return [...c].map((u) => `\\u${u.codePointAt(0)!.toString(16).padStart(4, '0')}`).join('');
  });
}

/**
 * What may reach a terminal from the tool's own output: everything but raw control bytes. Line breaks and
 * tabs stay (reports are multi-line), CR only before LF (a CRLF file's diff); an ESC only as the start of one of
 * the SGR sequences the CLI's own colours write (colours.ts: bold, dim, red, green, yellow and their resets).
 * Any other SGR came from a value: an upstream summary's ESC[8m (conceal) or ESC[30;40m hid the rest of the
 * report, the notes included, on a terminal.
 */
export function terminalSafe(text: string): string {
  return text.replace(/\u001b(?!\[(?:1|2|22|31|32|33|39)m)|\r(?!\n)|[\u0000-\u0008\u000b\u000c\u000e-\u001a\u001c-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
