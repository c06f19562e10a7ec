/**
 * How Python's `netrc` module (3.10 and later; Debian bookworm, jammy and noble ship 3.10–3.12) reads a file.
 * pip looks up ~/.netrc through requests, which uses this module and silently ignores the whole file when it
 * raises. Its reader has quirks the netrc grammar does not: a `#` comment is skipped only when it sits on the
 * line where the previous token ended, so a commented-out `# machine …` after an empty line counts as an entry,
 * and a later entry for the same host wins. This is a line-by-line port of Lib/netrc.py, kept so the merge can
 * check that pip will really read what was written (test/credentials compares it with the real module).
 */

export interface PythonNetrc {
  /** host → [login, account, password], as `netrc.hosts`; 'default' for the default entry. */
  hosts: Map<string, [string, string, string]>;
  macros: Map<string, string[]>;
}

export class PythonNetrcError extends Error {
  constructor(readonly reason: string, readonly line: number) {
    super(`${reason} (line ${line})`);
  }
}

class PyLexer {
  lineno = 1;
  private pos = 0;
  private pushback: string[] = [];
  constructor(private readonly s: string) {}

  private readChar(): string {
    const ch = this.s[this.pos] ?? '';
    if (ch !== '') this.pos++;
    if (ch === '\n') this.lineno++;
    return ch;
  }

  /** instream.readline(): reads through the next newline without counting it (as Python does). */
  readline(): string {
    if (this.pos >= this.s.length) return '';
    const nl = this.s.indexOf('\n', this.pos);
    const end = nl < 0 ? this.s.length : nl + 1;
    const line = this.s.slice(this.pos, end);
    this.pos = end;
    return line;
  }

  getToken(): string {
    if (this.pushback.length) return this.pushback.shift()!;
    let token = '';
    for (let ch = this.readChar(); ch !== ''; ch = this.readChar()) {
      if (ch === '\n' || ch === '\t' || ch === '\r' || ch === ' ') continue;
      if (ch === '"') {
        for (ch = this.readChar(); ch !== ''; ch = this.readChar()) {
          if (ch === '"') return token;
          if (ch === '\\') ch = this.readChar();
          token += ch;
        }
      } else {
        if (ch === '\\') ch = this.readChar();
        token += ch;
        for (ch = this.readChar(); ch !== ''; ch = this.readChar()) {
          if (ch === '\n' || ch === '\t' || ch === '\r' || ch === ' ') return token;
          if (ch === '\\') ch = this.readChar();
          token += ch;
        }
      }
      return token;
    }
    return token;
  }

  pushToken(t: string): void {
    this.pushback.push(t);
  }
}

/** Parses like `netrc.netrc(file)`. Throws PythonNetrcError where Python raises NetrcParseError. */
export function readNetrcLikePython(text: string): PythonNetrc {
  // Python opens the file in text mode: universal newlines turn \r\n and \r into \n.
  const lexer = new PyLexer(text.replace(/\r\n?/g, '\n'));
  const hosts = new Map<string, [string, string, string]>();
  const macros = new Map<string, string[]>();
  for (;;) {
    const savedLineno = lexer.lineno;
    const tt = lexer.getToken();
    let entryname: string;
    if (!tt) break;
    else if (tt[0] === '#') {
      if (lexer.lineno === savedLineno && tt.length === 1) lexer.readline();
      continue;
    } else if (tt === 'machine') entryname = lexer.getToken();
    else if (tt === 'default') entryname = 'default';
    else if (tt === 'macdef') {
      entryname = lexer.getToken();
      const body: string[] = [];
      macros.set(entryname, body);
      for (;;) {
        const line = lexer.readline();
        if (!line) throw new PythonNetrcError('Macro definition missing null line terminator.', lexer.lineno);
        if (line === '\n') break;
        body.push(line);
      }
      continue;
    } else throw new PythonNetrcError(`bad toplevel token '${tt}'`, lexer.lineno);

    if (!entryname) throw new PythonNetrcError(`missing '${tt}' name`, lexer.lineno);
    let login = '';
    let account = '';
    let password = '';
    for (;;) {
      const prevLineno = lexer.lineno;
      const t = lexer.getToken();
      if (t.startsWith('#')) {
        if (lexer.lineno === prevLineno) lexer.readline();
        continue;
      }
      if (t === '' || t === 'machine' || t === 'default' || t === 'macdef') {
        hosts.set(entryname, [login, account, password]);
        lexer.pushToken(t);
        break;
      } else if (t === 'login' || t === 'user') login = lexer.getToken();
      else if (t === 'account') account = lexer.getToken();
      else if (t === 'password') password = lexer.getToken();
      else throw new PythonNetrcError(`bad follower token '${t}'`, lexer.lineno);
    }
  }
  return { hosts, macros };
}

/** `netrc.authenticators(host)`: the host's entry, else the default entry, else null. */
export function pythonAuthenticators(n: PythonNetrc, host: string): [string, string, string] | null {
  return n.hosts.get(host) ?? n.hosts.get('default') ?? null;
}
