/**
 * ~/.netrc as data: a lexer that keeps every token's place in the text, and a merge that adds or updates one
 * `machine` entry while every other byte of the file stays as it was. Pure: text in, text out.
 *
 * The grammar is the one curl, ftp and Python's netrc module share: whitespace-separated tokens, `"quoted"`
 * tokens with backslash escapes, `#` comments to the end of the line, `machine NAME` / `default` entries with
 * `login`/`user`, `password` and `account` followers, and `macdef NAME` macros whose body runs to the next
 * empty line. Python's own (quirkier) reading is not ported: netrc-file.ts asks Python's netrc module itself
 * whenever `readersMayDiffer`.
 *
 * ci/netrc.sh in the frozen templates 1.0.0 and 1.1.0 ports this merge to awk; test/credentials compares the two
 * on the same table.
 */

export interface NetrcToken {
  /** The token's value after unquoting and unescaping. */
  value: string;
  /** Offsets in the text: text.slice(start, end) is the token as written (with its quotes). */
  start: number;
  end: number;
}

export interface NetrcEntry {
  kind: 'machine' | 'default' | 'macdef';
  /** The machine's host or the macro's name; '' for `default`. */
  name: string;
  keyword: NetrcToken;
  nameToken?: NetrcToken;
  /** Value tokens of the followers (`login` also when written `user`). */
  login?: NetrcToken;
  password?: NetrcToken;
  account?: NetrcToken;
  /** A macdef whose body runs to the end of the file without the empty line that ends it. */
  open?: boolean;
}


/**
 * Why a syntax error never quotes the word it stopped at: in a netrc, an unquoted password with a blank in it
 * splits into words, and the stray one is the password's second half.
 */
const UNSHOWN = 'not shown, as it may be part of a password: a password with blanks must be in double quotes';

/** The file cannot be read as a netrc: the message names the line and the problem. */
export class NetrcSyntaxError extends Error {
  constructor(message: string, readonly line: number) {
    super(`line ${line}: ${message}`);
  }
}

/** The file is valid but the merge would have to guess (e.g. two entries for the host). */
export class NetrcConflictError extends Error {}

/** A login or password that a netrc cannot hold (empty, or with a line break or control character). */
export class NetrcValueError extends Error {}

const WS = new Set([' ', '\t', '\r', '\n']);
const KEYWORDS = new Set(['machine', 'default', 'macdef']);

/**
 * Whether netrc readers may split the text into different entries: Python's module (3.10 with shlex, 3.11+ with
 * its own lexer), curl and this parser agree on whitespace-separated words, and differ only on comments (Python
 * skips a `#` comment only where it follows a token on the same line), quotes and backslashes (3.10 keeps them
 * in the value) and macro bodies. test/credentials/netrc.test.ts checks the agreement against Python.
 */
export function readersMayDiffer(text: string): boolean {
  return /[#"\\]|macdef/.test(text);
}

/** 1-based line number of an offset. */
export function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text[i] === '\n') line++;
  return line;
}

class Lexer {
  pos = 0;
  constructor(readonly text: string) {}

  /** The next token, or null at the end. Comments are skipped only where `comments` is set (keyword places). */
  next(comments: boolean): NetrcToken | null {
    const t = this.text;
    for (;;) {
      while (this.pos < t.length && WS.has(t[this.pos]!)) this.pos++;
      if (this.pos >= t.length) return null;
      if (comments && t[this.pos] === '#') {
        const nl = t.indexOf('\n', this.pos);
        this.pos = nl < 0 ? t.length : nl + 1;
        continue;
      }
      return t[this.pos] === '"' ? this.quoted() : this.bare();
    }
  }

  private quoted(): NetrcToken {
    const t = this.text;
    const start = this.pos;
    let value = '';
    let i = start + 1;
    while (i < t.length) {
      const c = t[i]!;
      if (c === '"') {
        this.pos = i + 1;
        return { value, start, end: i + 1 };
      }
      if (c === '\\' && i + 1 < t.length) {
        value += t[i + 1];
        i += 2;
        continue;
      }
      value += c;
      i++;
    }
    throw new NetrcSyntaxError('a quoted token has no closing quote', lineOf(t, start));
  }

  private bare(): NetrcToken {
    const t = this.text;
    const start = this.pos;
    let value = '';
    let i = start;
    while (i < t.length && !WS.has(t[i]!)) {
      if (t[i] === '\\' && i + 1 < t.length) {
        value += t[i + 1];
        i += 2;
      } else value += t[i++];
    }
    this.pos = i;
    return { value, start, end: i };
  }

  /** A macro body: whole lines after the macdef line up to and including the first empty line. */
  macroBody(nameToken: NetrcToken): { open: boolean } {
    const t = this.text;
    // The name's terminating blank is part of the macdef line (curl and Python both read on from after it).
    let i = nameToken.end;
    if (i < t.length && t[nameToken.start] !== '"' && WS.has(t[i]!)) i++;
    for (;;) {
      if (i >= t.length) {
        this.pos = t.length;
        return { open: true };
      }
      const nl = t.indexOf('\n', i);
      const lineEnd = nl < 0 ? t.length : nl;
      const line = t.slice(i, lineEnd);
      if (nl >= 0 && (line === '' || line === '\r')) {
        this.pos = nl + 1;
        return { open: false };
      }
      if (nl < 0) {
        this.pos = t.length;
        return { open: true };
      }
      i = nl + 1;
    }
  }
}

/** All entries of a netrc text, in file order. Throws NetrcSyntaxError on what no netrc reader accepts. */
export function parseNetrc(text: string): NetrcEntry[] {
  const lx = new Lexer(text);
  const entries: NetrcEntry[] = [];
  let tok = lx.next(true);
  while (tok) {
    const kw = tok.value;
    if (kw === 'macdef') {
      const name = lx.next(false);
      if (!name) throw new NetrcSyntaxError('macdef without a name', lineOf(text, tok.start));
      const { open } = lx.macroBody(name);
      entries.push({ kind: 'macdef', name: name.value, keyword: tok, nameToken: name, open });
      tok = lx.next(true);
      continue;
    }
    if (kw !== 'machine' && kw !== 'default')
      throw new NetrcSyntaxError(`a word that is not machine, default or macdef where an entry should start (${UNSHOWN})`, lineOf(text, tok.start));
    const entry: NetrcEntry = { kind: kw, name: '', keyword: tok };
    if (kw === 'machine') {
      const name = lx.next(false);
      if (!name) throw new NetrcSyntaxError('machine without a host name', lineOf(text, tok.start));
      entry.name = name.value;
      entry.nameToken = name;
    }
    for (;;) {
      tok = lx.next(true);
      if (!tok || KEYWORDS.has(tok.value)) break;
      const key = tok.value;
      if (key !== 'login' && key !== 'user' && key !== 'password' && key !== 'account')
        throw new NetrcSyntaxError(`a word other than login, password or account in the entry for ${entry.name || 'default'} (${UNSHOWN})`, lineOf(text, tok.start));
      const value = lx.next(false);
      if (!value) throw new NetrcSyntaxError(`${key} without a value`, lineOf(text, tok.start));
      if (key === 'password') entry.password = value;
      else if (key === 'account') entry.account = value;
      else entry.login = value;
    }
    entries.push(entry);
  }
  return entries;
}

/**
 * A value written as a netrc token. Always bare: CPython 3.10's netrc (Ubuntu jammy's pip) splits on blanks and
 * keeps quotes and backslashes as part of the value, while 3.11+ reads `"…"` and `\` as quoting, so no quoted
 * form reads the same in both. A value that cannot be written bare is refused (test/credentials/netrc-pythons).
 */
export function netrcWord(value: string, what = 'value'): string {
  if (value === '') throw new NetrcValueError(`the ${what} is empty`);
  if (/[\u0000-\u001f\u007f]/.test(value)) throw new NetrcValueError(`the ${what} contains a line break or control character, which a netrc cannot hold`);
  if (/[^\x00-\x7f]/.test(value))
    throw new NetrcValueError(`the ${what} contains non-ASCII characters, which Python 3.10's netrc (Ubuntu jammy's pip) cannot read (it then ignores the whole file); use an ASCII token`);
  if (/\s/.test(value) || value.includes('\\') || value.startsWith('"') || value.startsWith('#'))
    throw new NetrcValueError(
      `the ${what} contains a blank or a backslash, or starts with " or #: Python 3.10's netrc (Ubuntu jammy's pip) and 3.11+ would read it differently; use a token without them`,
    );
  return value;
}

export interface NetrcLogin {
  host: string;
  login: string;
  password: string;
}

export type NetrcAction = 'added' | 'updated' | 'unchanged';

export interface NetrcMerge {
  text: string;
  action: NetrcAction;
  /** Line of the machine entry in the new text. */
  line: number;
}

interface Edit {
  at: number;
  del: number;
  ins: string;
}

function applyEdits(text: string, edits: Edit[]): string {
  let out = text;
  for (const e of [...edits].sort((x, y) => y.at - x.at)) out = out.slice(0, e.at) + e.ins + out.slice(e.at + e.del);
  return out;
}

/**
 * Adds or updates the `machine` entry for `want.host`. Every byte outside the entry's login and password values
 * is kept; a new entry goes before a `default` entry (which must come last) or at the end, in the file's own
 * line-ending style, after an empty line when the file ends inside a macdef body (which would swallow it).
 */
export function mergeNetrcLogin(text: string, want: NetrcLogin): NetrcMerge {
  const host = netrcWord(want.host, 'host');
  const login = netrcWord(want.login, 'login');
  const password = netrcWord(want.password, 'password');
  const entries = parseNetrc(text);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const mine = entries.filter((e) => e.kind === 'machine' && e.name === want.host);

  if (mine.length > 1) {
    const lines = mine.map((e) => lineOf(text, e.keyword.start)).join(' and ');
    throw new NetrcConflictError(`there are ${mine.length} entries for ${want.host} (lines ${lines}); clients disagree on which one counts, so remove all but one and rerun`);
  }

  if (mine.length === 1) {
    const e = mine[0]!;
    const edits: Edit[] = [];
    // A token is rewritten when its value differs, or when it is spelled otherwise than bare (quoted, escaped):
    // Python 3.10 reads quotes and backslashes as part of the value, so only the bare spelling reads alike.
    const rewrite = (tok: NetrcToken, ins: string) => {
      if (text.slice(tok.start, tok.end) !== ins) edits.push({ at: tok.start, del: tok.end - tok.start, ins });
    };
    rewrite(e.nameToken!, host);
    if (e.login) rewrite(e.login, login);
    if (e.password) rewrite(e.password, password);
    const afterName = e.nameToken!.end;
    if (!e.login && !e.password) edits.push({ at: afterName, del: 0, ins: ` login ${login} password ${password}` });
    else if (!e.login) edits.push({ at: afterName, del: 0, ins: ` login ${login}` });
    else if (!e.password) edits.push({ at: e.login.end, del: 0, ins: ` password ${password}` });
    if (edits.length === 0) return { text, action: 'unchanged', line: lineOf(text, e.keyword.start) };
    return { text: applyEdits(text, edits), action: 'updated', line: lineOf(text, e.keyword.start) };
  }

  const entry = `machine ${host} login ${login} password ${password}`;
  const dflt = entries.find((e) => e.kind === 'default');
  if (dflt) {
    const lineStart = text.lastIndexOf('\n', dflt.keyword.start - 1) + 1;
    const before = text.slice(lineStart, dflt.keyword.start);
    if (/^[ \t]*$/.test(before)) {
      const out = applyEdits(text, [{ at: lineStart, del: 0, ins: entry + eol }]);
      return { text: out, action: 'added', line: lineOf(out, lineStart) };
    }
    const out = applyEdits(text, [{ at: dflt.keyword.start, del: 0, ins: eol + entry + eol }]);
    return { text: out, action: 'added', line: lineOf(out, dflt.keyword.start) + 1 };
  }
  let prefix = text !== '' && !text.endsWith('\n') ? eol : '';
  if (entries.at(-1)?.open) prefix += eol;
  const out = text + prefix + entry + eol;
  return { text: out, action: 'added', line: lineOf(out, text.length + prefix.length) };
}
