/**
 * The netrc merge table, shared by the TypeScript merge's tests and ci/netrc.sh's (the awk port must agree on
 * every row). `after` is the whole expected file; `error` a pattern of the refusal (the file then stays as is).
 */
export interface NetrcCase {
  name: string;
  before: string;
  host: string;
  login: string;
  password: string;
  after?: string;
  action?: 'added' | 'updated' | 'unchanged';
  error?: RegExp;
  /** What the frozen ci/netrc.sh of templates 1.0.0/1.1.0 writes where the TypeScript merge now refuses. */
  shippedScript?: string;
}

const H = 'pypi.example.com';
const base = { host: H, login: 'installer', password: 'tok3n' };
const NEW = `machine ${H} login installer password tok3n`;

export const NETRC_CASES: NetrcCase[] = [
  { name: 'no file yet: one entry', ...base, before: '', after: `${NEW}\n`, action: 'added' },
  {
    name: 'other machines, comments and odd spacing are kept byte for byte; the entry goes at the end',
    ...base,
    before: '# my machines\nmachine  git.example.org\tlogin me   password  x1 # work\n\n\tmachine ftp.example.net login anonymous password me@\n',
    after: `# my machines\nmachine  git.example.org\tlogin me   password  x1 # work\n\n\tmachine ftp.example.net login anonymous password me@\n${NEW}\n`,
    action: 'added',
  },
  {
    name: 'a last line without newline gets one before the new entry',
    ...base,
    before: 'machine a.example login u password p',
    after: `machine a.example login u password p\n${NEW}\n`,
    action: 'added',
  },
  {
    name: 'CRLF files stay CRLF',
    ...base,
    before: 'machine a.example login u password p\r\n',
    after: `machine a.example login u password p\r\n${NEW}\r\n`,
    action: 'added',
  },
  {
    name: 'the entry for the host is updated in place among several machines',
    ...base,
    before: `machine a.example login u password p\nmachine ${H} login old password oldpw # keep me\nmachine b.example login v password q\n`,
    after: `machine a.example login u password p\nmachine ${H} login installer password tok3n # keep me\nmachine b.example login v password q\n`,
    action: 'updated',
  },
  {
    name: 'tokens split across lines: only the two values change',
    ...base,
    before: `machine ${H}\n    login old\n    password\n        oldpw\n\nmachine z.example login z password z\n`,
    after: `machine ${H}\n    login installer\n    password\n        tok3n\n\nmachine z.example login z password z\n`,
    action: 'updated',
  },
  {
    name: '`user` is a synonym of login: the keyword stays',
    ...base,
    before: `machine ${H} user old password oldpw\n`,
    after: `machine ${H} user installer password tok3n\n`,
    action: 'updated',
  },
  {
    name: 'password before login, and an account, are kept in their order',
    ...base,
    before: `machine ${H} password oldpw account acct login old\n`,
    after: `machine ${H} password tok3n account acct login installer\n`,
    action: 'updated',
  },
  {
    name: 'an entry with a login but no password gets one after the login',
    ...base,
    before: `machine ${H} login installer\nmachine b.example login v password q\n`,
    after: `machine ${H} login installer password tok3n\nmachine b.example login v password q\n`,
    action: 'updated',
  },
  {
    name: 'an entry with only the host gets login and password after it',
    ...base,
    before: `machine ${H}\n`,
    after: `machine ${H} login installer password tok3n\n`,
    action: 'updated',
  },
  {
    name: 'an entry with a password but no login gets a login after the host',
    ...base,
    before: `machine ${H} password tok3n\n`,
    after: `machine ${H} login installer password tok3n\n`,
    action: 'updated',
  },
  {
    name: 'same login and password written quoted: rewritten bare (Python 3.10 would read the quotes as part of the login)',
    ...base,
    before: `machine ${H} login "installer" password tok3n\n`,
    after: `machine ${H} login installer password tok3n\n`,
    action: 'updated',
    shippedScript: `machine ${H} login "installer" password tok3n\n`,
  },
  {
    name: 'a default entry must stay last: the new entry goes before it, at the start of its line',
    ...base,
    before: 'machine a.example login u password p\n  default login anonymous password guest\n',
    after: `machine a.example login u password p\n${NEW}\n  default login anonymous password guest\n`,
    action: 'added',
  },
  {
    name: 'a default entry in the middle of a line: the new entry goes on its own line before it',
    ...base,
    before: 'machine a.example login u password p default login anonymous password guest\n',
    after: `machine a.example login u password p \n${NEW}\ndefault login anonymous password guest\n`,
    action: 'added',
  },
  {
    name: 'a macdef body is not parsed: a machine line inside it is text',
    ...base,
    before: `machine a.example login u password p\nmacdef init\nmachine ${H} login evil password evil\nbin\n\nmachine b.example login v password q\n`,
    after: `machine a.example login u password p\nmacdef init\nmachine ${H} login evil password evil\nbin\n\nmachine b.example login v password q\n${NEW}\n`,
    action: 'added',
  },
  {
    name: 'a file ending inside a macdef body gets the empty line that ends it, so the macro does not swallow the entry',
    ...base,
    before: 'machine a.example login u password p\nmacdef init\ncd /pub\n',
    after: `machine a.example login u password p\nmacdef init\ncd /pub\n\n${NEW}\n`,
    action: 'added',
  },
  {
    name: 'a macdef body without a final newline gets both',
    ...base,
    before: 'machine a.example login u password p\nmacdef init\ncd /pub',
    after: `machine a.example login u password p\nmacdef init\ncd /pub\n\n${NEW}\n`,
    action: 'added',
  },
  {
    name: 'a commented-out entry for the host is a comment, not an entry',
    ...base,
    before: `# machine ${H} login old password old\nmachine a.example login u password p\n`,
    after: `# machine ${H} login old password old\nmachine a.example login u password p\n${NEW}\n`,
    action: 'added',
  },
  {
    name: 'a quoted existing password is replaced whole',
    ...base,
    before: `machine ${H} login old password "old pw \\" x"\n`,
    after: `machine ${H} login installer password tok3n\n`,
    action: 'updated',
  },
  {
    name: 'a password with blanks, quotes and backslashes is refused (Python 3.10 and 3.11+ read every spelling differently)',
    host: H,
    login: 'installer',
    password: 'p w"\\x',
    before: '',
    error: /Python 3\.10/,
    shippedScript: `machine ${H} login installer password "p w\\"\\\\x"\n`,
  },
  {
    name: 'a password starting with # is refused (a comment to some readers; quoting it reads differently in 3.10)',
    host: H,
    login: 'installer',
    password: '#hash',
    before: '',
    error: /Python 3\.10/,
    shippedScript: `machine ${H} login installer password "#hash"\n`,
  },
  {
    name: 'a non-ASCII password is refused (Python 3.10 cannot read it and would ignore the whole file)',
    host: H,
    login: 'installer',
    password: 'pässwörd€',
    before: '# Zugänge für München\nmachine a.example login jürgen password grüße\n',
    error: /non-ASCII/,
    shippedScript: `# Zugänge für München\nmachine a.example login jürgen password grüße\nmachine ${H} login installer password pässwörd€\n`,
  },
  {
    name: 'non-ASCII text elsewhere is kept byte for byte',
    host: H,
    login: 'installer',
    password: 'tok3n',
    before: '# Zugänge für München\nmachine a.example login jürgen password grüße\n',
    after: `# Zugänge für München\nmachine a.example login jürgen password grüße\nmachine ${H} login installer password tok3n\n`,
    action: 'added',
  },
  {
    name: 'a machine name written quoted still matches, and is rewritten bare (Python 3.10 would not match it)',
    ...base,
    before: `machine "${H}" login old password old\n`,
    after: `machine ${H} login installer password tok3n\n`,
    action: 'updated',
    shippedScript: `machine "${H}" login installer password tok3n\n`,
  },
  {
    name: 'a host is matched exactly: a longer name is another machine',
    ...base,
    before: `machine ${H}.internal login u password p\nmachine mirror.${H} login u password p\n`,
    after: `machine ${H}.internal login u password p\nmachine mirror.${H} login u password p\n${NEW}\n`,
    action: 'added',
  },
  { name: 'two entries for the host: refused (clients disagree on which counts)', ...base, before: `machine ${H} login a password a\nmachine ${H} login b password b\n`, error: /2 entries/ },
  { name: 'an unknown keyword: refused', ...base, before: 'machine a.example login u port 22 password p\n', error: /line 1: a word other than login, password or account in the entry for a\.example/ },
  { name: 'machine without a host: refused', ...base, before: 'machine', error: /without a host/ },
  { name: 'an unterminated quote: refused', ...base, before: 'machine a.example login u password "abc\n', error: /no closing quote/ },
  { name: 'a password with a newline: refused', host: H, login: 'installer', password: 'a\nb', before: '', error: /line break or control character/ },
  { name: 'an empty password: refused', host: H, login: 'installer', password: '', before: '', error: /empty/ },
];
