import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PYSERVICE_BIN } from '../helpers/cli.js';
import { dpkg, exec } from '../helpers/corpus.js';
import { cleanEnv, tempDir } from '../helpers/tmp.js';
import { toolTest } from '../helpers/tools.js';

/**
 * A tool's /usr/bin commands across versions, with real dpkg: another package (built here with dpkg-deb) owns
 * /usr/bin/B; version 1.0 of the tool has commands A and B, version 2.0 only A (as borgmatic 1.9 no longer has
 * 1.7's upgrade-borgmatic-config, which Debian's borgmatic ships). The preinst diverts B while a version that has
 * it is installed. Templates up to 1.7.0 gave a diversion back only for the commands of the version being
 * removed: the upgrade to 2.0 left the other package's B renamed to B.distrib (its command gone from PATH), and
 * the purge left the diversion for good. One build per version, shared by every step.
 */
const t = suite('pyservice deb: a command a new version drops, or a rollback leaves, gives the other package\'s /usr/bin file back');
const PKG = `pst-dv${process.pid}`;
const A = PKG;
const B = `${PKG}-b`;
const OTHER = `pst-other${process.pid}`;
const PATH_ENV = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C' };

function toolProject(parent: string, version: string, commands: string[]): string {
  const dir = join(parent, `v${version}`, 'src');
  mkdirSync(join(dir, 'dv_tool'), { recursive: true });
  writeFileSync(join(dir, 'dv_tool', '__init__.py'), `import os, sys\n\ndef main():\n    print(os.path.basename(sys.argv[0]), "${version}")\n`);
  const scripts = commands.map((c) => `${c} = "dv_tool:main"\n`).join('');
  writeFileSync(join(dir, 'pyproject.toml'), `[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n[project]\nname = "${PKG}"\nversion = "${version}"\ndescription = "A tool that greets."\nlicense = "MIT"\nauthors = [{name = "Ada L", email = "ada@example.org"}]\n[project.scripts]\n${scripts}[tool.hatch.build.targets.wheel]\npackages = ["dv_tool"]\n`);
  return dir;
}

/** Another package that owns /usr/bin/B: a real .deb, as dpkg-deb builds it. */
async function otherPackage(parent: string): Promise<string> {
  const root = join(parent, 'other');
  mkdirSync(join(root, 'DEBIAN'), { recursive: true });
  mkdirSync(join(root, 'usr', 'bin'), { recursive: true });
  writeFileSync(join(root, 'DEBIAN', 'control'), `Package: ${OTHER}\nVersion: 1\nArchitecture: all\nMaintainer: Test <test@example.org>\nDescription: owns a command of the same name\n`);
  writeFileSync(join(root, 'usr', 'bin', B), '#!/bin/sh\necho "the other package"\n');
  chmodSync(join(root, 'usr', 'bin', B), 0o755);
  const deb = join(parent, `${OTHER}_1_all.deb`);
  const r = await exec('dpkg-deb', ['--root-owner-group', '--build', root, deb], { env: PATH_ENV });
  assert.is(r.code, 0, r.stderr);
  return deb;
}

async function build(dir: string, env: Record<string, string>): Promise<string> {
  const made = await exec(process.execPath, [PYSERVICE_BIN, 'deb', dir, '--kind', 'tool', '--yes', '--package', PKG, '--maintainer', 'Test <test@example.org>'], { env });
  assert.is(made.code, 0, made.stdout + made.stderr);
  const built = await exec('dpkg-buildpackage', ['-us', '-uc', '-b'], { cwd: dir, env });
  assert.is(built.code, 0, (built.stdout + built.stderr).slice(-3000));
  const parent = join(dir, '..');
  return join(parent, readdirSync(parent).find((f) => f.startsWith(`${PKG}_`) && f.endsWith('.deb'))!);
}

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
/** The diversions PKG holds, as dpkg-divert lists them. */
async function held(): Promise<string[]> {
  const list = (await exec('dpkg-divert', ['--list'], { env: PATH_ENV })).stdout;
  return list.split('\n').filter((l) => l.endsWith(` by ${PKG}`)).sort();
}
async function ok(...args: string[]) {
  const r = await dpkg(...args);
  assert.is(r.code, 0, `dpkg ${args.join(' ')}: ${r.stdout}${r.stderr}`);
}
/** What /usr/bin/COMMAND prints (env says so when there is none). */
const run = async (command: string) => {
  const r = await exec('env', [`/usr/bin/${command}`], { env: PATH_ENV });
  return r.stdout + r.stderr;
};

toolTest(t, ['/usr/bin/python3', 'dpkg-buildpackage', 'dh_virtualenv', 'dpkg-deb', 'flock'], 'install 1.0 (A, B), upgrade to 2.0 (A), roll back to 1.0, purge: B is the other package\'s whenever the tool has none, and no diversion is left', async () => {
  if (process.getuid?.() !== 0) return console.log('  skip: installing needs root');
  const parent = tempDir();
  const env = cleanEnv(tempDir());
  const other = await otherPackage(parent);
  const v1 = await build(toolProject(parent, '1.0', [A, B]), env);
  const v2 = await build(toolProject(parent, '2.0', [A]), env);
  const theirs = `diversion of /usr/bin/${B} to /usr/bin/${B}.distrib by ${PKG}`;
  const ours = `diversion of /usr/bin/${A} to /usr/bin/${A}.distrib by ${PKG}`;

  await ok('-i', other);
  const before = sha(`/usr/bin/${B}`);
  try {
    await ok('-i', v1);
    assert.is(await run(B), `${B} 1.0\n`, '1.0 has B: its link is in place');
    assert.equal(await held(), [ours, theirs]);
    assert.is(sha(`/usr/bin/${B}.distrib`), before, 'the other package\'s file is kept aside');

    await ok('-i', v2);
    assert.is(await run(A), `${A} 2.0\n`);
    assert.is(await run(B), 'the other package\n', '2.0 has no B: the other package\'s command is back');
    assert.equal(await held(), [ours], 'the upgrade gave back the diversion of the command 2.0 dropped');
    assert.not.ok(existsSync(`/usr/bin/${B}.distrib`));
    assert.match((await exec('dpkg-query', ['-S', `/usr/bin/${B}`], { env: PATH_ENV })).stdout, new RegExp(`^${OTHER}: /usr/bin/${B}$`, 'm'));

    await ok('-i', v1);
    assert.is(await run(B), `${B} 1.0\n`, 'the rollback to 1.0 diverts B again');
    assert.equal(await held(), [ours, theirs]);

    await ok('-i', v2);
    await ok('--purge', PKG);
    assert.equal(await held(), [], 'the purge left a diversion');
    assert.is(sha(`/usr/bin/${B}`), before, 'the other package\'s file is back byte for byte');
    assert.not.ok(existsSync(`/opt/venvs/${PKG}`), 'the purge left the venv');
    assert.not.ok(existsSync(`/usr/bin/${A}`), 'the purge left the link');
  } finally {
    await dpkg('--purge', PKG);
    // a failure leaves no diversion behind on the machine (the old templates' purge did)
    for (const line of await held()) {
      const [, path, divert] = line.match(/^diversion of (\S+) to (\S+) by /)!;
      await exec('flock', ['/tmp/pyservice-dpkg.lock', 'dpkg-divert', '--package', PKG, '--remove', '--rename', '--divert', divert!, path!], { env: PATH_ENV });
    }
    await dpkg('--purge', OTHER);
  }
  assert.not.ok(existsSync(`/usr/bin/${B}`), 'the other package was purged');
});

t.run();
