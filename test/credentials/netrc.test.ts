import { execFileSync } from 'node:child_process';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mergeNetrcLogin, netrcWord, parseNetrc, readersMayDiffer } from '../../src/credentials/netrc.js';
import { planNetrcLogin, NetrcUnreadableError } from '../../src/credentials/netrc-file.js';
import { netrcHostForUrl } from '../../src/credentials/index-host.js';
import { pipConfIndexUrl } from '../../src/credentials/pip-conf.js';
import { toolTest } from '../helpers/tools.js';
import { NETRC_CASES } from './netrc-cases.js';

const merge = suite('netrc merge (pure)');

for (const c of NETRC_CASES) {
  merge(c.name, () => {
    const want = { host: c.host, login: c.login, password: c.password };
    if (c.error) {
      assert.throws(() => mergeNetrcLogin(c.before, want), (e: Error) => c.error!.test(e.message));
      return;
    }
    const r = mergeNetrcLogin(c.before, want);
    assert.is(r.text, c.after);
    assert.is(r.action, c.action);
    // The line reported is the line of the machine entry in the new text.
    const line = r.text.split('\n')[r.line - 1]!;
    assert.match(line, new RegExp(`^\\s*machine\\s+"?${c.host.replace(/\./g, '\\.')}`), `line ${r.line}: ${line}`);
  });
}

merge('merging twice is stable: the second merge changes nothing', () => {
  for (const c of NETRC_CASES.filter((x) => !x.error)) {
    const want = { host: c.host, login: c.login, password: c.password };
    const once = mergeNetrcLogin(c.before, want).text;
    const twice = mergeNetrcLogin(once, want);
    assert.is(twice.action, 'unchanged', c.name);
    assert.is(twice.text, once, c.name);
  }
});

merge('netrcWord: always bare; what Python 3.10 and 3.11+ would read differently is refused', () => {
  assert.is(netrcWord('abc-DEF_1.2@x'), 'abc-DEF_1.2@x');
  assert.is(netrcWord('a#b'), 'a#b');
  assert.is(netrcWord('a"b'), 'a"b');
  for (const v of ['a b', '"ab', '#ab', 'a\\b', 'ab\\', ' a']) assert.throws(() => netrcWord(v), /Python 3\.10/, v);
  assert.throws(() => netrcWord('a\tb'), /control/);
  assert.throws(() => netrcWord(''), /empty/);
});

merge.run();

const plan = suite('netrc merge checked by Python\'s own netrc module (the reader pip uses)');

/** Host → [login, account, password] as Python's netrc reads `text` (null when it raises). */
function pythonHosts(text: string): Record<string, string[]> | null {
  const r = pythonReads([text])[0]!;
  return 'hosts' in r ? r.hosts : null;
}

const rejects = async (p: Promise<unknown>, test: (e: Error) => boolean) => {
  try {
    await p;
  } catch (err) {
    assert.ok(test(err as Error), (err as Error).message);
    return;
  }
  assert.unreachable('no error');
};

toolTest(plan, ['/usr/bin/python3'], 'a commented-out entry after an empty line counts for Python: updating the real one would be ignored, so refuse', async () => {
  const before = 'machine pypi.example.com login old password old\n\n# machine pypi.example.com login older password older\n';
  // The plain merge would update line 1 in place ...
  assert.is(mergeNetrcLogin(before, { host: 'pypi.example.com', login: 'u', password: 'p' }).action, 'updated');
  // ... but Python's netrc reads the "comment" as a later entry for the host, which wins.
  assert.equal(pythonHosts(before)!['pypi.example.com'], ['older', '', 'older']);
  await rejects(planNetrcLogin(before, { host: 'pypi.example.com', login: 'u', password: 'p' }), (e) => e instanceof NetrcUnreadableError && /reads another one/.test(e.message));
});

toolTest(plan, ['/usr/bin/python3'], 'the same comment before the real entry is harmless: the new values win', async () => {
  const before = 'machine a.example login a password a\n\n# machine pypi.example.com login older password older\nmachine pypi.example.com login old password old\n';
  const r = await planNetrcLogin(before, { host: 'pypi.example.com', login: 'u', password: 'p' });
  assert.is(r.action, 'updated');
  assert.equal(pythonHosts(r.text)!['pypi.example.com'], ['u', '', 'p']);
});

toolTest(plan, ['/usr/bin/python3'], 'a file pip cannot read as it is (unterminated macdef) is refused with Python\'s line and reason, not rewritten', async () => {
  await rejects(planNetrcLogin('macdef init\ncd /pub\n', { host: 'h.example', login: 'u', password: 'p' }), (e) => e instanceof NetrcUnreadableError && /as it is cannot be read by pip.*line \d+ \(Macro definition missing null line terminator\.\)/.test(e.message));
});

toolTest(plan, ['/usr/bin/python3'], 'ordinary merges pass the check, with or without asking Python', async () => {
  let asked = 0;
  for (const c of NETRC_CASES.filter((x) => !x.error && !x.name.includes('macdef body without') && !x.name.includes('ending inside a macdef'))) {
    if (readersMayDiffer(c.before)) asked++;
    const r = await planNetrcLogin(c.before, { host: c.host, login: c.login, password: c.password });
    assert.is(r.text, c.after, c.name);
  }
  assert.ok(asked > 3, `${asked} cases asked Python`);
});

plan('a file needing Python\'s verdict is refused when no Python can be run, and nothing about it is guessed', async () => {
  const before = 'machine a.example login a password a # note\n';
  await rejects(planNetrcLogin(before, { host: 'h.example', login: 'u', password: 'p' }, '/nonexistent/python3'), (e) => e instanceof NetrcUnreadableError && /cannot be run/.test(e.message));
  // Without those constructs Python is not needed: the same interpreter path is never started.
  const r = await planNetrcLogin('machine a.example login a password a\n', { host: 'h.example', login: 'u', password: 'p' }, '/nonexistent/python3');
  assert.is(r.action, 'added');
});

plan.run();

const hosts = suite('netrc host of an index URL (what requests looks up)');
const HOSTS: [string, string | RegExp][] = [
  ['https://pypi.example.com/simple/', 'pypi.example.com'],
  ['http://127.0.0.1:8080/simple/', '127.0.0.1'],
  ['https://Pypi.Example.COM:443/root/+simple/', 'Pypi.Example.COM'],
  ['https://gitlab.example.com/api/v4/groups/7/-/packages/pypi/simple', 'gitlab.example.com'],
  ['https://nexus.example.com?x=1', 'nexus.example.com'],
  ['https://u:p@pypi.example.com/simple/', /credentials/],
  ['http://[::1]:8080/simple/', /IPv6/],
  ['pypi.example.com/simple/', /not an http/],
];
for (const [url, want] of HOSTS) {
  hosts(url, () => {
    if (typeof want === 'string') assert.is(netrcHostForUrl(url), want);
    else assert.throws(() => netrcHostForUrl(url), (e: Error) => want.test(e.message));
  });
}
hosts.run();

const pipconf = suite('index-url from pip.conf, as pip install reads it');
const CONFS: [string, string, string | null][] = [
  ['global', '[global]\nindex-url = https://a.example/simple/\n', 'https://a.example/simple/'],
  ['install wins over global', '[global]\nindex-url = https://a.example/simple/\n[install]\nindex_url=https://b.example/simple/\n', 'https://b.example/simple/'],
  ['underscore and case', '[GLOBAL]\nIndex_URL: https://c.example/simple/\n', 'https://c.example/simple/'],
  ['commented out', '[global]\n# index-url = https://a.example/simple/\n', null],
  ['other sections ignored', '[download]\nindex-url = https://d.example/simple/\n', null],
  ['extra-index-url is not the index', '[global]\nextra-index-url = https://e.example/simple/\n', null],
  ['CRLF', '[global]\r\nindex-url = https://f.example/simple/\r\n', 'https://f.example/simple/'],
];
for (const [name, text, want] of CONFS) pipconf(name, () => assert.is(pipConfIndexUrl(text), want));
pipconf.run();

/** Real Python's netrc module on many texts at once (one process): hosts and macros, or the error. */
function pythonReads(texts: string[]): ({ hosts: Record<string, string[]>; macros: Record<string, string[]> } | { error: string; line: number })[] {
  const prog = `
import json, netrc, os, sys, tempfile
out = []
d = tempfile.mkdtemp()
for i, text in enumerate(json.load(sys.stdin)):
    p = os.path.join(d, str(i))
    with open(p, 'w', encoding='utf-8', newline='') as f:
        f.write(text)
    try:
        n = netrc.netrc(p)
        out.append({'hosts': {h: list(v) for h, v in n.hosts.items()}, 'macros': n.macros})
    except netrc.NetrcParseError as e:
        out.append({'error': e.msg, 'line': e.lineno})
print(json.dumps(out))
`;
  return JSON.parse(execFileSync('/usr/bin/python3', ['-c', prog], { input: JSON.stringify(texts), encoding: 'utf8' }));
}

const python = suite('against the real Python netrc module');

const QUIRKS = [
  'machine a login b password c\n\n# comment here\nmachine d login e password f\n',
  '\n\n# top comment\nmachine a login b password c\n',
  'machine a login b password c # trailing\n',
  'machine a login b password c #trailing x\n',
  '#machine a login b\n',
  'machine a login b\nmacdef init \ncd /\n\nmachine d login e password f\n',
  'machine a login b password c\r\nmacdef m\r\nx\r\n\r\nmachine d login e\r\n',
  'machine a login b password "p\\"q r"\n',
  'machine a login \\"x password y\n',
  'default login x password y\nmachine a login b password c\n',
  'machine a login b password c\nmachine a login d password e\n',
  'machine\n',
  'machine a port 22\n',
  'macdef x\nno end',
  '',
];

toolTest(python, ['/usr/bin/python3'], 'where readersMayDiffer says no, this parser and Python read the same hosts (so Python need not be asked)', () => {
  const plain = [
    ...new Set([...NETRC_CASES.flatMap((c) => [c.before, ...(c.after ? [c.after] : [])]), ...QUIRKS]),
    'machine a login b password c\r\nmachine d login e password f',
    'machine a\tlogin b\n\n\n  password c\rmachine d user e account x password f\n',
    'default login x password y\n',
  ].filter((t) => !readersMayDiffer(t));
  assert.ok(plain.length > 10, `${plain.length} texts`);
  const real = pythonReads(plain);
  let compared = 0;
  plain.forEach((text, i) => {
    const r = real[i]!;
    let mine: Record<string, string[]> | null;
    try {
      mine = {};
      for (const e of parseNetrc(text)) if (e.kind !== 'macdef') mine[e.kind === 'default' ? 'default' : e.name] = [e.login?.value ?? '', e.account?.value ?? '', e.password?.value ?? ''];
    } catch {
      mine = null; // this parser refuses: nothing is written, whatever Python would read
    }
    if (mine === null) return;
    compared++;
    assert.ok('hosts' in r, `Python cannot read what this parser accepts: ${JSON.stringify(text)}`);
    if ('hosts' in r) assert.equal(mine, r.hosts, JSON.stringify(text));
  });
  assert.ok(compared > 10, `${compared} compared`);
});

toolTest(python, ['/usr/bin/python3'], 'after every merge Python finds the new login for the host and every other host as before', () => {
  const ok = NETRC_CASES.filter((c) => !c.error);
  const real = pythonReads(ok.flatMap((c) => [c.before, c.after!]));
  ok.forEach((c, i) => {
    const before = real[2 * i]!;
    const after = real[2 * i + 1]!;
    assert.ok('hosts' in after, `${c.name}: Python cannot read the result: ${JSON.stringify(after)}`);
    if (!('hosts' in after)) return;
    const got = after.hosts[c.host]!;
    assert.equal([got[0], got[2]], [c.login, c.password], c.name);
    if ('hosts' in before) {
      for (const [h, v] of Object.entries(before.hosts)) if (h !== c.host) assert.equal(after.hosts[h], v, `${c.name}: ${h}`);
      assert.equal(after.macros, before.macros, c.name);
    }
  });
});

python.run();
