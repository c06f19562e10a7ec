import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { appendFileSync, chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { PYSERVICE_BIN } from '../helpers/cli.js';
import { dpkg, exec, origTarball, unpack } from '../helpers/corpus.js';
import { cleanEnv, tempDir } from '../helpers/tmp.js';
import { toolTest } from '../helpers/tools.js';

/**
 * A real WSGI server as a team would ship it: gunicorn 23 (trixie's upstream tarball, PEP 621 setuptools; its one
 * runtime dependency, packaging, as a wheel in wheelhouse/ built from Debian's python-packaging source), made a
 * service by `pyservice deb --kind service --service-command gunicorn`, committed, and built offline twice as CI
 * does on the default branch: `pyservice version snapshot`, `dpkg-buildpackage`, one more commit, again. Then
 * lintian, `dpkg -i` of the newer build (unit, system user, conffile, the command in /usr/bin serving a WSGI app
 * as that user), a rollback by installing the older .deb (the team's settings kept), and a purge.
 *
 * systemd may not run where the tests do: the unit is checked as files and what the maintainer scripts did.
 * The system user outlives the purge by design (debian/*.sysusers: ids are never reused), so the test uses one
 * fixed name and removes the user itself at the end.
 */
const t = suite('pyservice deb: a real service (gunicorn) → two snapshot .debs: install, serve, roll back, purge');
const TEAM = 'pstsvc';
const PKG = `${TEAM}-gunicorn`;
const PATH_ENV = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C' };
const GIT = ['-c', 'user.name=Ops Team', '-c', 'user.email=ops@example.org', '-c', 'commit.gpgsign=false'];

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => done(port));
    });
    s.on('error', fail);
  });
}

/** gunicorn from /usr/bin, run as the package's system user, serving app.py from `dir`: what one GET returns. */
async function serveOnce(dir: string): Promise<string> {
  const port = await freePort();
  const child = spawn('runuser', ['-u', PKG, '--', '/usr/bin/gunicorn', '--chdir', dir, '--bind', `127.0.0.1:${port}`, '--workers', '1', 'app:app'], {
    env: PATH_ENV,
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr!.on('data', (b) => (log += b));
  try {
    for (let i = 0; i < 100; i++) {
      try {
        return await (await fetch(`http://127.0.0.1:${port}/`)).text();
      } catch {
        if (child.exitCode !== null) break;
        await new Promise((done) => setTimeout(done, 100));
      }
    }
    throw new Error(`gunicorn did not answer on ${port}: ${log.slice(-1500)}`);
  } finally {
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      /* already gone */
    }
  }
}

const title = 'gunicorn: offline snapshot builds, lintian 0 errors 0 warnings, unit + user + conffile, serves as its user, rollback to the older .deb keeps settings, purge';
toolTest(t, ['/usr/bin/python3', 'dpkg-buildpackage', 'dh_virtualenv', 'lintian', 'flock', 'apt-get', 'tar', 'git', 'runuser', 'getent'], title, async () => {
  if (process.getuid?.() !== 0) return console.log(`  skip: ${title}: installing needs root`);
  assert.is((await exec('dpkg-query', ['-W', PKG], { env: PATH_ENV })).code, 1, `${PKG} is installed already (an earlier run's leftover): dpkg --purge ${PKG}`);
  const project = await unpack(await origTarball('gunicorn', 'trixie'));
  const parent = dirname(project);
  const env = cleanEnv(tempDir(), { DEBEMAIL: 'Ops Team <ops@example.org>' });
  const git = async (...args: string[]) => {
    const r = await exec('git', [...GIT, ...args], { cwd: project, env });
    assert.is(r.code, 0, `git ${args.join(' ')}: ${r.stderr}`);
  };

  // 1. The runtime dependency as a wheel, the project in git as a team keeps it, debian/ from pyservice deb
  const dep = await unpack(await origTarball('python-packaging', 'trixie'));
  const wheel = await exec('/usr/bin/python3', ['-m', 'build', '--wheel', '--no-isolation', '--outdir', join(project, 'wheelhouse'), dep], { env });
  assert.is(wheel.code, 0, wheel.stderr.slice(-2000));
  // dpkg-buildpackage's own output in debian/ is not the team's source
  appendFileSync(join(project, '.gitignore'), '\ndebian/*/\ndebian/.debhelper/\ndebian/*.debhelper*\ndebian/*.substvars\ndebian/files\ndebian/debhelper-build-stamp\n');
  await git('init', '-q');
  await git('add', '-A');
  await git('commit', '-qm', 'gunicorn 23.0.0');
  const made = await exec(process.execPath, [PYSERVICE_BIN, 'deb', '--kind', 'service', '--service-command', 'gunicorn', '--yes', '--prefix', TEAM, '--maintainer', 'Ops Team <ops@example.org>'], { cwd: project, env });
  assert.is(made.code, 0, made.stdout + made.stderr);
  assert.match(made.stdout, new RegExp(`^Debian package: ${PKG} 23\\.0\\.0 \\(service\\)`, 'm'));
  assert.not.match(made.stdout, /from an index|no wheel for/, 'wheelhouse/ holds the one runtime dependency');
  await git('commit', '-qm', 'debian/ from pyservice deb');

  // 2. Two default-branch builds, one commit apart, each stamped by `pyservice version snapshot`
  const debs: string[] = [];
  for (const [i, when] of [[1, 1796000000], [2, 1796003600]] as const) {
    if (i === 2) {
      appendFileSync(join(project, 'gunicorn', '__init__.py'), '# the later commit\n');
      await git('commit', '-qam', 'a later commit');
    }
    const stamped = await exec(process.execPath, [PYSERVICE_BIN, 'version', 'snapshot'], { cwd: project, env: { ...env, PYSERVICE_NOW: String(when) } });
    assert.is(stamped.code, 0, stamped.stderr);
    const built = await exec('nice', ['-n', '19', 'dpkg-buildpackage', '-us', '-uc', '-b'], { cwd: project, env });
    assert.is(built.code, 0, (built.stdout + built.stderr).slice(-3000));
    const deb = readdirSync(parent).find((f) => f.startsWith(`${PKG}_`) && f.endsWith('.deb') && !debs.includes(join(parent, f)));
    assert.ok(deb, readdirSync(parent).join(' '));
    debs.push(join(parent, deb));
    await git('checkout', '-q', 'debian/changelog');
  }
  const [older, newer] = debs as [string, string];
  const versionOf = async (deb: string) => (await exec('dpkg-deb', ['-f', deb, 'Version'], { env })).stdout.trim();
  const [oldV, newV] = [await versionOf(older), await versionOf(newer)];
  assert.match(oldV, /^23\.0\.0~\d{14}\+git[0-9a-f]+$/);
  assert.is((await exec('dpkg', ['--compare-versions', oldV, 'lt', newV], { env: PATH_ENV })).code, 0, `${oldV} < ${newV}`);

  const lint = await exec('lintian', ['--tag-display-limit', '0', newer], { env });
  assert.not.match(lint.stdout, /^[EW]: /m, lint.stdout);
  const contents = (await exec('dpkg-deb', ['-c', newer], { env })).stdout;
  for (const path of [`./lib/systemd/system/${PKG}.service`, `./usr/lib/sysusers.d/${PKG}.conf`, `./etc/${PKG}/${PKG}.env`])
    assert.match(contents, new RegExp(`^-rw-r--r-- root/root .* ${path.replace(/\./g, '\\.')}$`, 'm'), path);
  assert.match(contents, new RegExp(`\\./usr/bin/gunicorn -> /opt/venvs/${PKG}/bin/gunicorn$`, 'm'));
  assert.not.match(contents, /\/man1\//, 'no generated man page for someone else\'s program');
  assert.match(readFileSync(join(project, 'debian', 'copyright'), 'utf8'), /^Upstream-Name: gunicorn$/m);

  const before = existsSync('/usr/bin/gunicorn');
  const env_file = `/etc/${PKG}/${PKG}.env`;
  const later = `/opt/venvs/${PKG}/lib/python3.11/site-packages/gunicorn/__init__.py`;
  try {
    // 3. The newer build: its unit, its user, its settings as a conffile, its command serving as that user
    const inst = await dpkg('-i', newer);
    assert.is(inst.code, 0, inst.stdout + inst.stderr);
    const user = await exec('getent', ['passwd', PKG], { env: PATH_ENV });
    assert.match(user.stdout, new RegExp(`^${PKG}:x:\\d+:\\d+:[^:]*:/var/lib/${PKG}:/usr/sbin/nologin$`, 'm'), 'a system user without a login');
    const unit = readFileSync(`/lib/systemd/system/${PKG}.service`, 'utf8');
    // Templates 1.3.0: the daemon's arguments come from the env file, which ships DAEMON_ARGS and nothing of a generated service
    assert.match(unit, new RegExp(`^ExecStart=/opt/venvs/${PKG}/bin/gunicorn \\$DAEMON_ARGS$`, 'm'));
    assert.equal(readFileSync(env_file, 'utf8').match(/^[A-Z_]+(?==)/gm), ['DAEMON_ARGS']);
    assert.match(unit, new RegExp(`^User=${PKG}$`, 'm'));
    assert.match(unit, new RegExp(`^EnvironmentFile=${env_file}$`, 'm'));
    assert.ok(existsSync(`/etc/systemd/system/multi-user.target.wants/${PKG}.service`), 'the postinst enabled the unit');
    const conffiles = (await exec('dpkg-query', ['-W', '-f', '${Conffiles}', PKG], { env: PATH_ENV })).stdout;
    assert.match(conffiles, new RegExp(`^ ${env_file} [0-9a-f]{32}$`, 'm'), conffiles);
    const version = await exec('/usr/bin/gunicorn', ['--version'], { env });
    assert.is(version.stdout.trim(), 'gunicorn (version 23.0.0)', version.stdout + version.stderr);
    assert.match(readFileSync(later, 'utf8'), /# the later commit\n$/);
    const app = tempDir();
    chmodSync(app, 0o755);
    writeFileSync(join(app, 'app.py'), 'def app(environ, start_response):\n    start_response("200 OK", [("Content-Type", "text/plain")])\n    return [b"served by " + __import__("pwd").getpwuid(__import__("os").getuid()).pw_name.encode()]\n');
    assert.is(await serveOnce(app), `served by ${PKG}`);

    // 4. Rollback: the previous .deb installed over it; the team's edit of the settings stays
    appendFileSync(env_file, 'GUNICORN_CMD_ARGS=--workers 2\n');
    const back = await dpkg('-i', older);
    assert.is(back.code, 0, back.stdout + back.stderr);
    assert.is((await exec('dpkg-query', ['-W', '-f', '${Version}', PKG], { env: PATH_ENV })).stdout, oldV);
    assert.not.match(readFileSync(later, 'utf8'), /# the later commit/, 'the venv is the older build\'s');
    assert.match(readFileSync(env_file, 'utf8'), /^GUNICORN_CMD_ARGS=--workers 2$/m, 'a rollback keeps the settings');
    assert.is((await exec('getent', ['passwd', PKG], { env: PATH_ENV })).code, 0);
    assert.is((await exec('/usr/bin/gunicorn', ['--version'], { env })).code, 0);
  } finally {
    const purge = await dpkg('--purge', PKG);
    assert.is(purge.code, 0, purge.stdout + purge.stderr);
  }
  // 5. Purged: venv, unit, its enablement, settings and state gone; the command as it was; the user kept (by design)
  for (const path of [`/opt/venvs/${PKG}`, `/lib/systemd/system/${PKG}.service`, `/etc/systemd/system/multi-user.target.wants/${PKG}.service`, `/etc/${PKG}`, `/var/lib/${PKG}`])
    assert.not.ok(existsSync(path), `purge left ${path}`);
  assert.is(existsSync('/usr/bin/gunicorn'), before);
  assert.is((await exec('dpkg-query', ['-W', PKG], { env: PATH_ENV })).code, 1, 'dpkg still knows the package');
  assert.is((await exec('getent', ['passwd', PKG], { env: PATH_ENV })).code, 0, 'the system user is kept (its ids are never reused)');
  await exec('userdel', [PKG], { env: PATH_ENV });
  await exec('groupdel', [PKG], { env: PATH_ENV });
});

t.run();
