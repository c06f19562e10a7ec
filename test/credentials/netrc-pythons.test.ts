import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { mergeNetrcLogin, NetrcValueError } from '../../src/credentials/netrc.js';
import { PYSERVICE_BIN } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { toolTest } from '../helpers/tools.js';
import { NETRC_CASES } from './netrc-cases.js';

/**
 * What pip reads is what Python's own netrc module reads, in every Python a user's pip may run on: Debian's
 * /usr/bin/python3 and each CPython 3.10+ pyenv has here (3.10 is Ubuntu jammy's, whose netrc reads quotes and
 * backslashes literally where 3.11+ treats them as quoting). No port: each file is read by the real module.
 */
const t = suite('netrc files as every Python reads them');

function pythons(): string[] {
  const root = process.env.PYENV_ROOT ?? join(homedir(), '.pyenv');
  const found = existsSync(join(root, 'versions'))
    ? readdirSync(join(root, 'versions'))
        .filter((v) => /^3\.(1\d)\.\d+$/.test(v))
        .map((v) => join(root, 'versions', v, 'bin', 'python3'))
        .filter((p) => existsSync(p))
    : [];
  return ['/usr/bin/python3', ...found];
}

const READ = `import json, netrc, sys
out = []
for path, host in zip(sys.argv[1::2], sys.argv[2::2]):
    try:
        a = netrc.netrc(path).authenticators(host)
        out.append([a[0], a[2]] if a else None)
    except Exception as e:
        out.append('error: %s' % type(e).__name__)
print(json.dumps(out))`;

/** [login, password] each Python reads for each (file, host). */
function readAll(python: string, files: [string, string][]): unknown[] {
  return JSON.parse(execFileSync(python, ['-c', READ, ...files.flat()], { encoding: 'utf8' })) as unknown[];
}

const HOSTILE = [
  'plain', 'p w', 'a"b', '"ab', 'ab"', "a'b", 'a\\b', 'ab\\', '#ab', 'a#b', 'a;b', 'a$b`c', 'x=y&z', '%20', 'é日本', 'a\u00a0b', 'machine', 'default', 'macdef', 'password',
];

toolTest(t, ['/usr/bin/python3'], 'every login the merge writes reads back exactly in every Python; what cannot is refused', () => {
  const dir = tempDir('netrc-py-');
  const files: [string, string][] = [];
  const befores: [string, string][] = [];
  const want: [string, string][] = [];
  let refused = 0;
  const cases = [
    ...NETRC_CASES.filter((c) => !c.error).map((c) => ({ name: c.name, before: c.before, host: c.host, login: c.login, password: c.password })),
    ...HOSTILE.map((p) => ({ name: `password ${JSON.stringify(p)}`, before: 'machine other.example login o password o\n', host: 'pypi.example.com', login: 'installer', password: p })),
  ];
  for (const c of cases) {
    let text: string;
    try {
      text = mergeNetrcLogin(c.before, c).text;
    } catch (err) {
      assert.instance(err, NetrcValueError, c.name);
      refused++;
      continue;
    }
    const file = join(dir, `n${files.length}`);
    writeFileSync(file, text, { mode: 0o600 });
    writeFileSync(file + '.before', c.before, { mode: 0o600 });
    files.push([file, c.host]);
    befores.push([file + '.before', c.host]);
    want.push([c.login, c.password]);
  }
  const used = pythons();
  for (const py of used) {
    // A file some Python could not read before the merge (e.g. non-ASCII text, which 3.10 rejects) is not the
    // merge's doing: only files it could read must read as wanted.
    const before = readAll(py, befores);
    const got = readAll(py, files).map((g, i) => (String(before[i]).startsWith('error') ? want[i] : g));
    assert.equal(got, want, `${py} reads another login or password`);
  }
  assert.ok(refused >= 5 && refused < HOSTILE.length, `${refused} refused`);
  console.log(`  netrc: ${files.length} files read identically by ${used.join(', ')}; ${refused} values refused`);
});

const LOGIN_ENV = (netrc: string, home: string) => ({ PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, NETRC: netrc, PYSERVICE_INDEX_PASSWORD: 's3cret-pw', NO_COLOR: '1' });

toolTest(t, ['mkfifo'], 'a NETRC that is a FIFO, a directory or a device is refused: not read (no hang), not replaced', () => {
  const dir = tempDir('netrc-kind-');
  const kinds: [string, (p: string) => void, (p: string) => boolean][] = [
    ['FIFO', (p) => execFileSync('mkfifo', [p]), (p) => statSync(p).isFIFO()],
    ['directory', (p) => mkdirSync(p), (p) => statSync(p).isDirectory()],
  ];
  // A character device of its own (never /dev/null): needs root for mknod.
  if (process.getuid?.() === 0) kinds.push(['character device', (p) => execFileSync('mknod', [p, 'c', '1', '3']), (p) => statSync(p).isCharacterDevice()]);
  else console.log('  (not root: the character-device case needs mknod and is left out)');
  for (const [kind, make, still] of kinds) {
    const target = join(dir, kind.replace(/ /g, '-'));
    make(target);
    for (const path of [target, join(dir, `link-to-${kind.replace(/ /g, '-')}`)]) {
      if (path !== target) execFileSync('ln', ['-s', target, path]);
      const r = spawnSync(process.execPath, [PYSERVICE_BIN, 'login', '--index-url', 'https://pypi.example.com/simple/', '--index-user', 'installer'], {
        env: LOGIN_ENV(path, dir),
        encoding: 'utf8',
        timeout: 20_000,
      });
      assert.is(r.error, undefined, `${kind}: login hung`);
      assert.is(r.status, 1, `${kind} (${path}): ${r.stderr}`);
      assert.match(r.stderr, `is ${kind === 'FIFO' ? 'a FIFO' : `a ${kind}`}`, r.stderr);
      assert.match(r.stderr, /not a regular file/);
      assert.not.match(r.stderr + r.stdout, /s3cret-pw/);
      assert.ok(still(target), `${kind} was replaced`);
    }
  }
});

t.run();
