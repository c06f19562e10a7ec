import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { PYSERVICE_BIN } from '../helpers/cli.js';
import { dpkg, exec, origTarball, unpack } from '../helpers/corpus.js';
import { cleanEnv, tempDir } from '../helpers/tmp.js';
import { toolTest } from '../helpers/tools.js';
import { startIndexServer, type IndexServer } from '../fixtures/index-server/server.js';
import { compareVersions } from '../../src/templates/template-set.js';

/**
 * Build backends Debian's python3 does not have (or has too old) come from the team's index: pypdf 5.4 (a real
 * project, trixie's upstream tarball) needs flit_core>=3.9, bookworm has 3.8. The index is the local fixture,
 * behind basic auth, serving Debian's wheels and a flit_core 3.12 wheel built here from trixie's flit tarball
 * (flit_core builds itself), the login in ~/.netrc only. One .deb is built end to end from a small tool that needs
 * flit_core>=3.11 (PEP 639 `license = "MIT"`): templates 1.4.0's debian/pyservice.mk installs the backend from the
 * index in ./pip.conf before the wheel's build.
 */
const t = suite('pyservice deb: build requirements Debian lacks, from the team\'s index (read and .deb build)');
const TOOLS = ['/usr/bin/python3', 'tar', 'apt-get'];
const PASSWORD = 'idx-only-S3cr3t-7e1a';
const MAINTAINER = ['--maintainer', 'Ops Team <ops@example.org>'];

let index: IndexServer | undefined;
let home = '';
let pypdf = '';
let flitWheel = '';

/** The fixture index with flit_core 3.12 (built from trixie's flit tarball) and Debian's own wheels, and a HOME whose ~/.netrc logs in. */
async function setUp(): Promise<void> {
  if (index) return;
  const work = tempDir();
  home = join(work, 'home');
  mkdirSync(home);
  const flit = await unpack(await origTarball('flit', 'trixie'));
  const wheels = join(work, 'wheels');
  const built = await exec('/usr/bin/python3', ['-m', 'build', '--wheel', '--no-isolation', '--outdir', wheels, join(flit, 'flit_core')], { env: cleanEnv(home) });
  assert.is(built.code, 0, built.stderr);
  flitWheel = join(wheels, readdirSync(wheels).find((f) => f.startsWith('flit_core-'))!);
  index = await startIndexServer({ users: { installer: { password: PASSWORD, upload: false } }, wheelDirs: ['/usr/share/python-wheels', wheels] });
  writeFileSync(join(home, '.netrc'), `machine 127.0.0.1 login installer password ${PASSWORD}\n`);
  chmodSync(join(home, '.netrc'), 0o600);
  pypdf = await unpack(await origTarball('pypdf', 'trixie'));
}

t.after(async () => {
  await index?.close();
});

const deb = (cwd: string, args: string[], env: Record<string, string>) => exec(process.execPath, [PYSERVICE_BIN, 'deb', ...args], { cwd, env });

toolTest(t, TOOLS, 'without an index: exit 1, naming the unmet requirement and --index-url; nothing written', async () => {
  await setUp();
  const r = await deb(pypdf, ['--yes', '--kind', 'tool', ...MAINTAINER], cleanEnv(home));
  assert.is(r.code, 1, r.stderr);
  assert.match(r.stderr, /flit_core >=3\.9,<4 and \/usr\/bin\/python3 has 3\.8/);
  assert.match(r.stderr, /or take it from the team's package index: pyservice deb --index-url URL \(or an index-url in \.\/pip\.conf\)/);
  assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.not.ok(existsSync(join(pypdf, 'debian')));
});

toolTest(t, TOOLS, 'pypdf reads through --index-url as flit_core 3.12 publishes it; the login comes from ~/.netrc only', async () => {
  await setUp();
  const before = index!.requests.length;
  const r = await deb(pypdf, ['--dry-run', '--json', '--yes', '--kind', 'tool', ...MAINTAINER, '--index-url', index!.simpleUrl], cleanEnv(home));
  assert.is(r.code, 0, r.stderr);
  const reading = JSON.parse(r.stdout);
  assert.is(reading.backend.version, '3.12.0');
  assert.equal(reading.backend.fromIndex, { requires: ['flit_core >=3.9,<4'], installed: ['flit_core 3.12.0'] });
  assert.equal(reading.backend.unmet, []);
  const asked = index!.requests.slice(before);
  assert.ok(asked.some((q) => q.user === 'installer' && /\/flit_core-3\.12\.0-py3-none-any\.whl$/.test(q.path)), 'pip fetched flit_core from the index, logged in');
  assert.ok(asked.every((q) => q.user === 'installer' || q.status === 401), JSON.stringify(asked));
  assert.not.match(r.stdout + r.stderr, PASSWORD);
  assert.not.ok(existsSync(join(pypdf, 'debian')));
  // What flit_core 3.12 itself writes into the wheel's METADATA (a copy built with that wheel on sys.path)
  const copy = tempDir();
  cpSync(pypdf, copy, { recursive: true });
  const dist = tempDir();
  const built = await exec('/usr/bin/python3', ['-m', 'build', '--wheel', '--no-isolation', '--skip-dependency-check', '--outdir', dist, copy], { env: cleanEnv(home, { PYTHONPATH: flitWheel }) });
  assert.is(built.code, 0, built.stderr);
  const whl = join(dist, readdirSync(dist).find((f) => f.endsWith('.whl'))!);
  const read = 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); print(z.read([n for n in z.namelist() if n.endswith(".dist-info/METADATA")][0]).decode())';
  const metadata = (await exec('/usr/bin/python3', ['-c', read, whl], { env: cleanEnv(home) })).stdout;
  const field = (name: string) => metadata.match(new RegExp(`^${name}: (.*)$`, 'm'))?.[1] ?? null;
  assert.is(reading.metadata.name, field('Name'));
  assert.is(reading.metadata.version, field('Version'));
  assert.is(reading.metadata.description, field('Summary'));
  assert.is(reading.metadata.requires_python, field('Requires-Python'));
  const required = [...metadata.matchAll(/^Requires-Dist: (.*)$/gm)].map((m) => m[1]!).filter((d) => !/extra ==/.test(d));
  assert.equal(reading.metadata.install_requires.map((d: string) => d.replace(/\s+/g, '')), required.map((d) => d.replace(/\s+/g, '')));
});

toolTest(t, TOOLS, "the project's own pip.conf index-url serves as well; pip.conf is left as it is", async () => {
  await setUp();
  const copy = tempDir();
  cpSync(pypdf, copy, { recursive: true });
  const conf = `[global]\nindex-url = ${index!.simpleUrl}\n`;
  writeFileSync(join(copy, 'pip.conf'), conf);
  const r = await deb(copy, ['--dry-run', '--yes', '--kind', 'tool', ...MAINTAINER], cleanEnv(home));
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Read pypdf 5\.4\.0 from pyproject\.toml with \/usr\/bin\/python3 \(Python [0-9.]+, flit_core\.buildapi 3\.12\.0,/m);
  assert.match(r.stdout, /installing build-system\.requires from "http:\/\/127\.0\.0\.1:\d+\/simple\/" \(\.\/pip\.conf\) for the read/);
  assert.is(readFileSync(join(copy, 'pip.conf'), 'utf8'), conf);
});

toolTest(t, TOOLS, "an index pyproject.toml names for uv or poetry (which pip never reads) is offered as the --index-url to pass, its login hidden", async () => {
  await setUp();
  const copy = tempDir();
  cpSync(pypdf, copy, { recursive: true });
  const url = index!.simpleUrl.replace('http://', 'http://installer:tok-S3cr3t@');
  writeFileSync(join(copy, 'pyproject.toml'), `${readFileSync(join(copy, 'pyproject.toml'), 'utf8')}\n[[tool.uv.index]]\nname = "corp"\nurl = "${url}"\n`);
  const r = await deb(copy, ['--dry-run', '--yes', '--kind', 'tool', ...MAINTAINER], cleanEnv(home));
  assert.is(r.code, 1, r.stderr);
  assert.match(r.stderr, /; or take it from the team's package index: pyservice deb --index-url "http:\/\/installer:\*\*\*@127\.0\.0\.1:\d+\/simple\/" \(the index pyproject\.toml names for uv, poetry or pdm, which pip does not read\)$/m);
  assert.not.match(r.stderr, /tok-S3cr3t/);
});

toolTest(t, TOOLS, 'a wrong login: exit 1, one line naming the requirement, the index and the fix; the password is never shown', async () => {
  await setUp();
  const other = tempDir();
  writeFileSync(join(other, '.netrc'), `machine 127.0.0.1 login installer password wrong-${PASSWORD}\n`);
  chmodSync(join(other, '.netrc'), 0o600);
  const r = await deb(pypdf, ['--dry-run', '--yes', '--kind', 'tool', ...MAINTAINER, '--index-url', index!.simpleUrl], cleanEnv(other));
  assert.is(r.code, 1, r.stderr);
  const error = r.stderr.trim().split('\n').filter((l) => l.startsWith('error:'));
  assert.is(error.length, 1, r.stderr);
  assert.match(error[0]!, /^error: pip could not install the build requirements flit_core >=3\.9,<4 from "http:\/\/127\.0\.0\.1:\d+\/simple\/": .+; check that the index has them and that ~\/\.netrc holds its login \(pyservice login\)$/);
  assert.not.match(r.stdout + r.stderr, PASSWORD);
});

toolTest(t, TOOLS, 'an index nobody listens on: exit 1, one line saying pip could not reach it and why', async () => {
  await setUp();
  const closed: Server = createServer();
  await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
  const port = (closed.address() as { port: number }).port;
  await new Promise<void>((done) => closed.close(() => done()));
  const r = await deb(pypdf, ['--dry-run', '--yes', '--kind', 'tool', ...MAINTAINER, '--index-url', `http://127.0.0.1:${port}/simple/`], cleanEnv(home));
  assert.is(r.code, 1, r.stderr);
  assert.match(r.stderr, new RegExp(`^error: pip could not reach "http://127\\.0\\.0\\.1:${port}/simple/" to install the build requirements flit_core >=3\\.9,<4: Connection refused; check the URL, the network and any proxy`, 'm'));
});

toolTest(t, TOOLS, 'an index that never answers: the time limit stops the whole read and its private build folder is removed', async () => {
  await setUp();
  const silent: Server = createServer(() => undefined);
  await new Promise<void>((done) => silent.listen(0, '127.0.0.1', done));
  const port = (silent.address() as { port: number }).port;
  const tmp = tempDir();
  try {
    const r = await deb(pypdf, ['--dry-run', '--yes', '--kind', 'tool', ...MAINTAINER, '--timeout', '3', '--index-url', `http://127.0.0.1:${port}/simple/`], cleanEnv(home, { TMPDIR: tmp }));
    assert.is(r.code, 1, r.stderr);
    assert.match(r.stderr, /did not finish within 3 s and was stopped/);
    assert.equal(readdirSync(tmp).filter((f) => f.startsWith('pyservice-')), [], 'the read\'s folder (and the build env in it) is removed');
  } finally {
    silent.close();
  }
});

/** A small tool whose backend bookworm's python3 has too old (flit_core 3.8 has no PEP 639 `license = "MIT"`). */
function helloProject(): string {
  const dir = join(tempDir(), 'hello-idx');
  mkdirSync(join(dir, 'hello_idx'), { recursive: true });
  writeFileSync(
    join(dir, 'pyproject.toml'),
    [
      '[build-system]',
      'requires = ["flit_core >=3.11,<4"]',
      'build-backend = "flit_core.buildapi"',
      '',
      '[project]',
      `name = "hello-idx-${process.pid}"`,
      'version = "0.3.1"',
      'description = "Greets from a build backend Debian\'s python3 lacks"',
      'license = "MIT"',
      'authors = [{name = "Ada Example", email = "ada@example.org"}]',
      '',
      '[project.scripts]',
      `hello-idx-${process.pid} = "hello_idx:main"`,
      '',
      '[tool.flit.module]',
      'name = "hello_idx"',
      '',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'hello_idx', '__init__.py'), '"""Says hello."""\n\n\ndef main():\n    print("hello from an index-built backend")\n');
  return dir;
}

toolTest(t, [...TOOLS, 'dpkg-buildpackage', 'dh_virtualenv', 'lintian', 'flock'], 'a tool whose backend only the index has: offline-index .deb build, lintian clean, installs, runs, purges', async () => {
  await setUp();
  const project = helloProject();
  const debName = `hello-idx-${process.pid}`;
  const env = cleanEnv(home);
  const made = await deb(project, ['--yes', '--kind', 'tool', ...MAINTAINER, '--index-url', index!.simpleUrl], env);
  assert.is(made.code, 0, made.stderr);
  assert.match(made.stdout, /build-system\.requires \(flit_core >=3\.11,<4\) came from "http:\/\/127\.0\.0\.1:\d+\/simple\/" for the read/);
  const record = JSON.parse(readFileSync(join(project, '.pyservice.json'), 'utf8'));
  assert.is(record.answers.buildFromIndex, true);
  assert.ok(compareVersions(record.templateVersion, '1.4.0') >= 0, `templates ${record.templateVersion}: buildFromIndex is rendered from 1.4.0 on`);
  assert.match(readFileSync(join(project, 'debian', 'pyservice.mk'), 'utf8'), /pip install --target \$\(BUILD_ENV\)/);
  const control = readFileSync(join(project, 'debian', 'control'), 'utf8');
  assert.not.match(control, /^\s*flit\b/m, 'flit_core comes from the index, not Build-Depends');
  const built = await exec('dpkg-buildpackage', ['-us', '-uc', '-b'], { cwd: project, env });
  assert.is(built.code, 0, built.stdout.slice(-3000) + built.stderr.slice(-3000));
  assert.match(built.stdout + built.stderr, /Successfully installed flit_core-3\.12\.0/);
  assert.not.match(built.stdout + built.stderr, PASSWORD);
  const file = join(project, '..', readdirSync(join(project, '..')).find((f) => f.startsWith(`${debName}_`) && f.endsWith('.deb'))!);
  const lint = await exec('lintian', ['--tag-display-limit', '0', file], { env });
  assert.not.match(lint.stdout, /^[EW]: /m, lint.stdout);
  const contents = (await exec('dpkg-deb', ['-c', file], { env })).stdout;
  assert.not.match(contents, /flit_core/, 'the build backend stays out of the package');
  assert.match(contents, /\/site-packages\/hello_idx\/__init__\.py$/m);
  const inst = await dpkg('-i', file);
  assert.is(inst.code, 0, inst.stderr);
  try {
    const ran = await exec(`/usr/bin/${debName}`, [], { env });
    assert.is(ran.stdout, 'hello from an index-built backend\n', ran.stderr);
  } finally {
    const purge = await dpkg('--purge', debName);
    assert.is(purge.code, 0, purge.stderr);
  }
  assert.not.ok(existsSync(`/opt/venvs/${debName}`));
});

t.run();
