import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { basename, join } from 'node:path';
import { distroFor } from '../../src/answers/distros.js';
import { run } from '../../src/exec/run.js';
import { startIndexServer, type LoggedRequest } from '../fixtures/index-server/server.js';
import { generate } from '../helpers/generate.js';
import { writePrivateWheel } from '../helpers/private-wheel.js';
import { cleanEnv, tempDir } from '../helpers/tmp.js';
import { isCI, toolTest } from '../helpers/tools.js';

/**
 * End to end: a generated service becomes a .deb with `make deb` (dpkg-buildpackage + dh-virtualenv), twice —
 * 0.1.0 offline from Debian's wheels, 0.2.0 from a private index with a private dependency — and the two
 * packages go through lintian, install, upgrade, rollback, remove and purge with the real dpkg. The builds
 * run once and every test below shares them (about 10 s each here).
 */
const t = suite('service .deb: make deb, lintian, install, upgrade, rollback, remove');

const NAME = 'acme-pinger';
const PKG = NAME;
const IMPORT = 'acme_pinger';
const PREFIX = 'ACME_PINGER_';
// Hostile for every escaper on the way: quotes, %, $, backticks, a backslash, ejs's own markers, non-ASCII.
const DESCRIPTION = `Pings "hosts" 100% of the time: $HOME \`id\` a\\b <%= x %> 'café' naïve`;
const PYTHON = `python${distroFor('bookworm').python}`;
const VENV = `/opt/venvs/${PKG}`;
const CONFFILE = `/etc/${PKG}/${PKG}.env`;
const SECRETS = `/etc/${PKG}/secrets.env`;
const PASSWORD = 'netrc-only-S3cr3t-9f2c';
const TOOLS = ['make', 'dpkg-buildpackage', 'dh_virtualenv', 'dpkg', 'dpkg-deb', 'dpkg-query', 'lintian', 'systemd-analyze', 'unshare', 'flock', 'git', 'getent', '/usr/bin/python3'];

interface Build {
  code: number;
  log: string;
  seconds: number;
  deb: string;
}

interface Built {
  dir: string;
  v1: Build;
  v2: Build;
  /** After the first build: paths pip's in-tree build would leave, and `git status` of the project. */
  leftovers: string[];
  gitStatus: string;
  indexRequests: LoggedRequest[];
  indexUrl: string;
}

function sh(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): { code: number; out: string; stdout: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...opts });
  return { code: r.status ?? 1, out: `${r.stdout}\n${r.stderr}`, stdout: r.stdout };
}

/** `make deb` in a clean environment. Asynchronous: the private index server answers from this process. */
async function makeDeb(dir: string, env: Record<string, string>, version: string): Promise<Build> {
  const start = Date.now();
  const r = await run('make', ['deb'], { cwd: dir, env, cleanEnv: true, timeoutMs: 600_000 });
  const arch = sh('dpkg', ['--print-architecture']).stdout.trim();
  // make deb empties debs/ first: keep each build's package. A developer's build of an UNRELEASED changelog is
  // V~~local<UTC time>+git<sha> (templates 1.7.0): below every CI snapshot and release of V.
  const name = r.exitCode === 0 ? readdirSync(join(dir, 'debs')).find((f) => f.startsWith(`${PKG}_${version}~~local`) && f.endsWith(`_${arch}.deb`)) : undefined;
  if (r.exitCode === 0 && !name) throw new Error(`make deb (${version}) made no ${PKG}_${version}~~local…_${arch}.deb: ${readdirSync(join(dir, 'debs')).join(' ')}`);
  const built = join(dir, 'debs', name ?? `${PKG}_${version}_${arch}.deb`);
  const deb = join(tempDir('debs-'), basename(built));
  if (r.exitCode === 0) copyFileSync(built, deb);
  return { code: r.exitCode, log: r.stdout + r.stderr, seconds: (Date.now() - start) / 1000, deb };
}

/**
 * The caller's pip settings the build must ignore: a user-level pip.conf and PIP_* variables that point at an
 * index that refuses connections. A build that used any of them would fail (or hang in retries).
 */
function hostileEnv(home: string): Record<string, string> {
  const dead = 'http://127.0.0.1:9/simple/';
  mkdirSync(join(home, '.config', 'pip'), { recursive: true });
  writeFileSync(join(home, '.config', 'pip', 'pip.conf'), `[global]\nindex-url = ${dead}\nfind-links = /nonexistent\n`);
  const env = cleanEnv(home, { PIP_INDEX_URL: dead, PIP_EXTRA_INDEX_URL: dead, PIP_FIND_LINKS: '/nonexistent', PYTHONPATH: '/nonexistent' });
  delete env.PIP_CONFIG_FILE; // so that only debian/rules keeps the user-level pip.conf out
  return env;
}

async function buildBoth(): Promise<Built> {
  sh('flock', ['/tmp/pyservice-dpkg.lock', 'dpkg', '--purge', PKG]); // a previous run that died half-way
  const dir = await generate({ type: 'service', name: NAME, description: DESCRIPTION }, { git: true });
  const home = tempDir();
  const env = hostileEnv(home);

  const v1 = await makeDeb(dir, env, '0.1.0');
  if (v1.code !== 0) throw new Error(`make deb (0.1.0) failed:\n${v1.log.slice(-6000)}`);
  const leftovers = ['build', `src/${IMPORT}.egg-info`, `${IMPORT}.egg-info`].filter((p) => existsSync(join(dir, p)));
  const gitStatus = sh('git', ['status', '--porcelain'], { cwd: dir }).stdout;

  // 0.2.0: the team configures its private index in pip.conf and pins a private dependency. pip gets the
  // login from ~/.netrc; the password must never show up in the build output.
  const wheels = tempDir();
  writePrivateWheel(wheels);
  const index = await startIndexServer({ users: { installer: { password: PASSWORD, upload: false } }, wheelDirs: ['/usr/share/python-wheels', wheels] });
  try {
    writeFileSync(join(home, '.netrc'), `machine 127.0.0.1 login installer password ${PASSWORD}\n`);
    chmodSync(join(home, '.netrc'), 0o600);
    const pipConf = join(dir, 'pip.conf');
    const conf = readFileSync(pipConf, 'utf8');
    assert.match(conf, /^# index-url = /m, 'the generated pip.conf should show a commented index-url');
    writeFileSync(pipConf, conf.replace(/^# index-url = .*$/m, `index-url = ${index.simpleUrl}`));
    writeFileSync(join(dir, 'requirements.txt'), readFileSync(join(dir, 'requirements.txt'), 'utf8') + 'acme-private-dep==1.0\n');
    const init = join(dir, 'src', IMPORT, '__init__.py');
    writeFileSync(init, readFileSync(init, 'utf8').replace(/__version__ = "0\.1\.0"/, '__version__ = "0.2.0"'));
    const changelog = join(dir, 'debian', 'changelog');
    writeFileSync(changelog, `${PKG} (0.2.0) UNRELEASED; urgency=medium\n\n  * Private dependency from the team's index.\n\n -- Test Author <test@example.org>  Tue, 24 Nov 2026 09:00:00 +0000\n\n` + readFileSync(changelog, 'utf8'));
    const v2 = await makeDeb(dir, env, '0.2.0');
    if (v2.code !== 0) throw new Error(`make deb (0.2.0, private index) failed:\n${v2.log.slice(-6000)}`);
    console.log(`  make deb: ${v1.seconds.toFixed(1)} s offline, ${v2.seconds.toFixed(1)} s with the private index`);
    return { dir, v1, v2, leftovers, gitStatus, indexRequests: [...index.requests], indexUrl: index.simpleUrl };
  } finally {
    await index.close();
  }
}

let building: Promise<Built> | undefined;
const built = () => (building ??= buildBoth());

/** dpkg-deb -c as path → { mode, link target }. */
function contents(deb: string): Map<string, { mode: string; target?: string }> {
  const r = sh('dpkg-deb', ['-c', deb]);
  assert.is(r.code, 0, r.out);
  const files = new Map<string, { mode: string; target?: string }>();
  for (const line of r.stdout.split('\n').filter(Boolean)) {
    const m = /^(\S+)\s+\S+\s+\d+\s+\S+\s+\S+\s+\.(\/.*?)(?: -> (.*))?$/.exec(line);
    assert.ok(m, `unparsed dpkg-deb -c line: ${line}`);
    files.set(m[2]!.replace(/\/$/, '') || '/', { mode: m[1]!, target: m[3] });
  }
  return files;
}

function field(deb: string, name: string): string {
  return sh('dpkg-deb', ['-f', deb, name]).stdout.replace(/\n$/, '');
}

let fakeSystemd: { bin: string; log: string } | undefined;

/**
 * Runs dpkg as if systemd were the init system, which this machine lacks: in a private mount namespace with a
 * tmpfs /run holding /run/systemd/system (the test the maintainer scripts make), and with systemctl and
 * deb-systemd-invoke replaced by scripts that log their arguments (unit-file commands still reach the real
 * systemctl, in its offline mode). Returns what the maintainer scripts asked of
 * systemd, so upgrade and rollback can be shown to restart the service.
 */
function dpkg(args: string[]): { code: number; out: string; systemd: string[] } {
  if (!fakeSystemd) {
    const dir = tempDir();
    fakeSystemd = { bin: join(dir, 'bin'), log: join(dir, 'systemd.log') };
    mkdirSync(fakeSystemd.bin);
    const log = (tool: string) => `#!/bin/sh\necho "${tool} $*" >> '${fakeSystemd!.log}'\n`;
    writeFileSync(join(fakeSystemd.bin, 'deb-systemd-invoke'), log('deb-systemd-invoke'), { mode: 0o755 });
    // Unit-file commands (preset enables the unit on first install) go to the real systemctl, offline.
    const unitFileCommands = 'preset|enable|disable|reenable|is-enabled|mask|unmask';
    writeFileSync(
      join(fakeSystemd.bin, 'systemctl'),
      log('systemctl') + `for a in "$@"; do case "$a" in ${unitFileCommands}) SYSTEMD_OFFLINE=1 PATH=/usr/sbin:/usr/bin:/sbin:/bin exec systemctl "$@";; esac; done\n`,
      { mode: 0o755 },
    );
  }
  writeFileSync(fakeSystemd.log, '');
  const script = 'mount -t tmpfs tmpfs /run && mkdir -p /run/systemd/system && exec dpkg "$@"';
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive', PATH: `${fakeSystemd.bin}:/usr/sbin:/usr/bin:/sbin:/bin` };
  // under the lock every dpkg call of the suite takes, so that another test's dpkg never meets this one's
  const r = sh('flock', ['/tmp/pyservice-dpkg.lock', 'unshare', '--mount', '--propagation', 'private', 'sh', '-c', script, 'sh', ...args], { env });
  return { ...r, systemd: readFileSync(fakeSystemd.log, 'utf8').split('\n').filter(Boolean) };
}

function version(bin: string): string {
  return sh(bin, ['--version']).out.trim();
}

/** The service user's uid/gid from the passwd database. */
function serviceUser(): { uid: number; gid: number; home: string; shell: string } {
  const r = sh('getent', ['passwd', PKG]);
  assert.is(r.code, 0, `no user ${PKG}: ${r.out}`);
  const [, , uid, gid, , home, shell] = r.stdout.trim().split(':');
  return { uid: Number(uid), gid: Number(gid), home: home!, shell: shell! };
}

/** What systemd's EnvironmentFile= makes of a file: NAME=value lines, comments and blanks skipped. */
function environmentFile(path: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (m) env[m[1]!] = m[2]!.trim();
  }
  return env;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

function httpGet(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

/**
 * Runs the installed service the way its unit does (as its system user, with the unit's environment files),
 * waits for its health check, stops it with SIGTERM and returns its exit code and log.
 */
async function runService(): Promise<{ code: number | null; health: string; log: string }> {
  const user = serviceUser();
  const env = { ...environmentFile(CONFFILE), ...(existsSync(SECRETS) ? environmentFile(SECRETS) : {}) };
  const port = Number(env[`${PREFIX}HEALTH_PORT`]);
  assert.ok(port > 0, `${CONFFILE} should enable the health port for this test`);
  const child = spawn(`${VENV}/bin/${NAME}`, [], { cwd: '/', env, uid: user.uid, gid: user.gid, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (c) => (log += c));
  child.stderr.on('data', (c) => (log += c));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let health = '';
  try {
    for (let i = 0; i < 100 && !health; i++) {
      try {
        const r = await httpGet(`http://127.0.0.1:${port}/healthz`);
        if (r.status === 200) health = r.body.trim();
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } finally {
    child.kill('SIGTERM');
  }
  return { code: await exited, health, log };
}

function setConf(name: string, value: string): void {
  const text = readFileSync(CONFFILE, 'utf8');
  const re = new RegExp(`^${name}=.*$`, 'm');
  assert.match(text, re, `${CONFFILE} has no ${name}`);
  writeFileSync(CONFFILE, text.replace(re, `${name}=${value}`));
}

/** Tests that install packages need root; like a missing tool, that skips locally and fails under CI=true. */
function debTest(name: string, fn: () => Promise<void>): void {
  if (process.getuid?.() === 0) return toolTest(t, TOOLS, name, fn);
  if (isCI()) return void t(name, () => assert.unreachable('needs root (dpkg -i); a skip is a failure under CI=true'));
  console.log(`  skip: ${name}: needs root (dpkg -i)`);
  t.skip(name, fn);
}

t.after(() => {
  if (building && process.getuid?.() === 0) sh('flock', ['/tmp/pyservice-dpkg.lock', 'dpkg', '--purge', PKG]);
});

debTest('make deb builds offline in a clean environment, ignores the caller\'s pip settings, leaves the tree clean', async () => {
  const b = await built();
  assert.match(b.v1.log, /no index-url in \.\/pip\.conf: installing from \/usr\/share\/python-wheels only \(offline\)/);
  assert.not.match(b.v1.log, /Looking in indexes/, 'an index was consulted');
  assert.not.match(b.v1.log, /127\.0\.0\.1:9|nonexistent/, 'the caller\'s pip settings leaked into the build');
  assert.equal(b.leftovers, [], 'pip\'s build products were left in the tree');
  assert.is(b.gitStatus, '', 'the build left files that git sees');
});

debTest('the .deb holds the venv under /opt/venvs, /usr/bin links, the unit, the conffile and the sysusers file; no pip, no build path', async () => {
  const b = await built();
  const files = contents(b.v1.deb);
  const has = (p: string) => assert.ok(files.has(p), `${p} is not in the package`);
  assert.match(files.get(`${VENV}/bin/${NAME}`)?.mode ?? '', /^-rwxr-xr-x$/);
  assert.is(files.get(`/usr/bin/${NAME}`)?.target, `${VENV}/bin/${NAME}`);
  assert.is(files.get(`${VENV}/bin/${PYTHON}`)?.target, `/usr/bin/${PYTHON}`);
  for (const p of [`/lib/systemd/system/${PKG}.service`, CONFFILE, `/usr/lib/sysusers.d/${PKG}.conf`, `/usr/share/doc/${PKG}/copyright`, `/usr/share/man/man1/${PKG}.1.gz`])
    has(p);
  const site = `${VENV}/lib/${PYTHON}/site-packages`;
  has(`${site}/${IMPORT}/service.py`);
  has(`${site}/${IMPORT}/__pycache__/service.cpython-${PYTHON.replace(/\D/g, '')}.pyc`);
  const tools = [...files.keys()].filter((p) => /\/site-packages\/(pip|setuptools|wheel|_distutils_hack|pkg_resources)(\/|-)/.test(p));
  assert.equal(tools, [], 'the runtime venv ships packaging tools');

  assert.is(field(b.v1.deb, 'Package'), PKG);
  assert.match(field(b.v1.deb, 'Version'), /^0\.1\.0~~local[0-9]{14}\+git[0-9a-f]{7,}$/);
  assert.match(field(b.v1.deb, 'Depends'), new RegExp(`(^|, )${PYTHON.replace('.', '\\.')}(,|$)`));
  assert.is(field(b.v1.deb, 'Description').split('\n')[0], DESCRIPTION);
  assert.is(field(b.v1.deb, 'Maintainer'), 'Test Author <test@example.org>');
  assert.is(sh('dpkg-deb', ['-I', b.v1.deb, 'conffiles']).stdout.trim(), CONFFILE);

  const root = tempDir();
  assert.is(sh('dpkg-deb', ['-x', b.v1.deb, root]).code, 0);
  const unit = readFileSync(join(root, `lib/systemd/system/${PKG}.service`), 'utf8');
  assert.ok(unit.includes(`\nDescription=${NAME}: ${DESCRIPTION.replace(/%/g, '%%')}\n`), unit);
  assert.match(unit, new RegExp(`^ExecStart=${VENV}/bin/${NAME}$`, 'm'));
  assert.match(unit, new RegExp(`^User=${PKG}$`, 'm'));
  assert.match(unit, new RegExp(`^EnvironmentFile=${CONFFILE}$`, 'm'));
  assert.match(unit, new RegExp(`^EnvironmentFile=-${SECRETS}$`, 'm'));
  const leak = sh('grep', ['-rlF', b.dir, root]);
  assert.is(leak.code, 1, `the build directory's path is in: ${leak.stdout}`);
  // Every RECORD row names a packaged file with that file's hash and size (the console scripts' too, whose #! line
  // dh_virtualenv rewrote after pip recorded them): what pip would verify, and what makes the .deb independent of
  // the build directory.
  const verify = `import base64, csv, glob, hashlib, os, sys
bad = []
for record in glob.glob(os.path.join(sys.argv[1], "lib", "python3*", "site-packages", "*.dist-info", "RECORD")):
    site = os.path.dirname(os.path.dirname(record))
    for row in csv.reader(open(record, newline="")):
        path = os.path.normpath(os.path.join(site, row[0]))
        if not os.path.lexists(path):
            bad.append("missing " + row[0])
        elif row[1]:
            data = open(path, "rb").read()
            h = "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            if [h, str(len(data))] != row[1:3]:
                bad.append("differs " + row[0])
print("\\n".join(bad))`;
  const rec = sh('/usr/bin/python3', ['-I', '-c', verify, join(root, VENV)]);
  assert.is(rec.code, 0, rec.out);
  assert.is(rec.stdout.trim(), '', rec.stdout);
  const packagedSite = join(root, VENV, 'lib', PYTHON, 'site-packages');
  const distInfo = readdirSync(packagedSite).find((d) => d.endsWith('-0.1.0.dist-info') && d.replace(/_/g, '-').startsWith(`${NAME}-`));
  assert.ok(distInfo, readdirSync(packagedSite).join(' '));
  const record = readFileSync(join(packagedSite, distInfo, 'RECORD'), 'utf8');
  assert.match(record, new RegExp(`^\\.\\./\\.\\./\\.\\./bin/${NAME},sha256=`, 'm'));
});

debTest('lintian --profile debian: no errors, no warnings, no info tags (so no unused or mismatched overrides)', async () => {
  const b = await built();
  // --show-overrides would make --fail-on count overridden tags too; an override that matches nothing shows up
  // as unused-override (info) or mismatched-override (warning), which this test refuses.
  const r = sh('lintian', ['--profile', 'debian', '--pedantic', '--display-info', '--fail-on', 'error,warning', b.v1.deb, b.v2.deb]);
  const tags = r.stdout.split('\n').filter((l) => /^[EWI]: /.test(l));
  assert.equal(tags, [], r.out);
  assert.is(r.code, 0, r.out);
  assert.ok(contents(b.v1.deb).has(`/usr/share/lintian/overrides/${PKG}`), 'the overrides are not installed');
});

debTest('with an index-url in pip.conf the build uses that index, with the login from ~/.netrc only', async () => {
  const b = await built();
  assert.ok(b.v2.log.includes(`Looking in indexes: ${b.indexUrl}`), b.v2.log.slice(-3000));
  assert.not.match(b.v2.log, /only \(offline\)/);
  assert.not.ok(b.v2.log.includes(PASSWORD), 'the password is in the build output');
  assert.not.match(b.v2.log, /--index-url/, 'an index URL was passed on a command line');
  const got = b.indexRequests.filter((r) => r.path.startsWith('/files/acme-private-dep/') && r.status === 200);
  assert.is(got.length, 1, JSON.stringify(b.indexRequests));
  assert.is(got[0]!.user, 'installer');
  assert.ok(contents(b.v2.deb).has(`${VENV}/lib/${PYTHON}/site-packages/acme_private_dep/__init__.py`));
});

debTest('dpkg -i installs and starts it: system user, entry point from /opt/venvs, a unit systemd accepts, hardened', async () => {
  const b = await built();
  const r = dpkg(['-i', b.v1.deb]);
  assert.is(r.code, 0, r.out);
  assert.ok(r.systemd.includes(`deb-systemd-invoke start ${PKG}.service`), r.systemd.join('\n'));
  const user = serviceUser();
  assert.ok(user.uid > 0 && user.uid < 1000, `uid ${user.uid} is not a system uid`);
  assert.is(user.home, `/var/lib/${PKG}`);
  assert.is(user.shell, '/usr/sbin/nologin');
  assert.is(version(`${VENV}/bin/${NAME}`), `${NAME} 0.1.0`);
  assert.is(version(`/usr/bin/${NAME}`), `${NAME} 0.1.0`);
  const unit = `/lib/systemd/system/${PKG}.service`;
  const verify = sh('systemd-analyze', ['verify', unit]);
  assert.is(verify.code, 0, verify.out);
  // Exposure 0 (locked down) … 10 (unsafe); the threshold is in tenths: fail above 2.0.
  const security = sh('systemd-analyze', ['security', '--offline=yes', '--threshold=20', '--no-pager', unit]);
  assert.is(security.code, 0, security.out);
  assert.ok(lstatSync(`/etc/systemd/system/multi-user.target.wants/${PKG}.service`).isSymbolicLink(), 'the unit is not enabled');
});

debTest('the service runs as its user with the conffile\'s settings, stops with 0 on SIGTERM, imports the shipped .pyc', async () => {
  await built();
  // Local edits, as an admin would make them: the health port, a log level and a secret.
  setConf(`${PREFIX}HEALTH_PORT`, String(await freePort()));
  setConf(`${PREFIX}LOG_LEVEL`, 'DEBUG');
  writeFileSync(SECRETS, `${PREFIX}TOKEN=local-secret\n`, { mode: 0o600 });
  const s = await runService();
  assert.is(s.health, 'ok', s.log);
  assert.is(s.code, 0, s.log);
  assert.match(s.log, /DEBUG/, 'LOG_LEVEL from the conffile was not applied');
  const user = serviceUser();
  const imp = spawnSync(`${VENV}/bin/python`, ['-v', '-c', `import ${IMPORT}.service`], { encoding: 'utf8', cwd: '/', uid: user.uid, gid: user.gid, env: {} });
  assert.match(imp.stderr, new RegExp(`__pycache__/service\\.cpython-\\d+\\.pyc matches ${VENV}/lib/`), imp.stderr.slice(-2000));
});

debTest('upgrade to 0.2.0 restarts the service, keeps the edited conffile and secrets.env, brings the private dependency', async () => {
  const b = await built();
  const conf = readFileSync(CONFFILE, 'utf8');
  const r = dpkg(['-i', b.v2.deb]);
  assert.is(r.code, 0, r.out);
  assert.ok(r.systemd.includes(`deb-systemd-invoke restart ${PKG}.service`), r.systemd.join('\n'));
  assert.is(version(`/usr/bin/${NAME}`), `${NAME} 0.2.0`);
  assert.is(readFileSync(CONFFILE, 'utf8'), conf);
  assert.is(readFileSync(SECRETS, 'utf8'), `${PREFIX}TOKEN=local-secret\n`);
  assert.is(sh(`${VENV}/bin/python`, ['-c', 'import acme_private_dep as m; print(m.VALUE)']).stdout.trim(), 'private');
  const s = await runService();
  assert.is(s.health, 'ok', s.log);
  assert.is(s.code, 0, s.log);
});

debTest('rollback: installing 0.1.0 over 0.2.0 restarts the service, keeps the configuration, drops what 0.1.0 does not ship', async () => {
  const b = await built();
  const conf = readFileSync(CONFFILE, 'utf8');
  const r = dpkg(['-i', b.v1.deb]);
  assert.is(r.code, 0, r.out);
  assert.match(r.out, /downgrading/);
  assert.ok(r.systemd.includes(`deb-systemd-invoke restart ${PKG}.service`), r.systemd.join('\n'));
  assert.is(version(`/usr/bin/${NAME}`), `${NAME} 0.1.0`);
  assert.is(readFileSync(CONFFILE, 'utf8'), conf);
  assert.is(readFileSync(SECRETS, 'utf8'), `${PREFIX}TOKEN=local-secret\n`);
  assert.not.ok(existsSync(`${VENV}/lib/${PYTHON}/site-packages/acme_private_dep`), '0.2.0\'s dependency is left behind');
  const s = await runService();
  assert.is(s.health, 'ok', s.log);
  assert.is(s.code, 0, s.log);
});

debTest('dpkg -r stops the service and removes the program, keeps the configuration; dpkg -P removes the rest', async () => {
  await built();
  const user = serviceUser();
  mkdirSync(`/var/lib/${PKG}`, { recursive: true }); // StateDirectory=, as systemd would have created it
  spawnSync('chown', [`${user.uid}:${user.gid}`, `/var/lib/${PKG}`]);
  const r = dpkg(['-r', PKG]);
  assert.is(r.code, 0, r.out);
  assert.ok(r.systemd.includes(`deb-systemd-invoke stop ${PKG}.service`), r.systemd.join('\n'));
  for (const p of [VENV, `/usr/bin/${NAME}`, `/lib/systemd/system/${PKG}.service`]) assert.not.ok(existsSync(p), `${p} is still there after dpkg -r`);
  assert.ok(existsSync(CONFFILE), 'dpkg -r removed the conffile');
  assert.is(sh('dpkg-query', ['-W', '-f', '${db:Status-Abbrev}', PKG]).stdout.trim(), 'rc');
  const p = dpkg(['-P', PKG]);
  assert.is(p.code, 0, p.out);
  for (const path of [`/etc/${PKG}`, `/var/lib/${PKG}`, `/etc/systemd/system/multi-user.target.wants/${PKG}.service`])
    assert.not.ok(existsSync(path), `${path} is still there after dpkg -P`);
  assert.is.not(sh('dpkg-query', ['-W', PKG]).code, 0, 'dpkg still knows the package');
});

t.run();
