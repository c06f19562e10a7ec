import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from '../helpers/generate.js';
import { cleanEnv, tempDir } from '../helpers/tmp.js';
import { toolTest } from '../helpers/tools.js';
import { spawnText } from '../helpers/spawn-text.js';

/**
 * Templates 1.7.0, with real make, dpkg-buildpackage and dh-virtualenv under a clean environment:
 * - every target `make help` lists runs in a folder whose name holds a blank, a `$(command)`, a `;` and a quote
 *   (1.6.0's debian/pyservice.mk spliced $(CURDIR) into its recipes: that folder ran `touch PWNd`, and the build
 *   failed), and the .deb holds the same files as one built in a plain folder;
 * - a developer's `make deb` of an UNRELEASED changelog sorts below every CI snapshot and release of that version
 *   (1.6.0 built the changelog's version itself, above the snapshots CI built later), and CI's snapshots after a
 *   release tag sort above the release (1.6.0's were 0.1.0~<time> after 0.1.0), by dpkg --compare-versions.
 */
const t = suite('generated project (templates 1.7.0): a hostile folder name, and local builds below CI builds');

const TOOLS = ['make', 'git', '/usr/bin/python3', 'dpkg-buildpackage', 'dh_virtualenv'];
const HOSTILE = ['a b', '$(touch PWNd)', 'x;y', "it's"];
const ident = { GIT_AUTHOR_NAME: 'T', GIT_AUTHOR_EMAIL: 't@example.org', GIT_COMMITTER_NAME: 'T', GIT_COMMITTER_EMAIL: 't@example.org' };

/** Every file (and folder) named PWNd below root. */
function pwned(root: string): string[] {
  return (readdirSync(root, { recursive: true }) as string[]).filter((f) => f.split('/').pop() === 'PWNd');
}

function debIn(dir: string): string {
  const debs = readdirSync(join(dir, 'debs')).filter((f) => f.endsWith('.deb'));
  assert.is(debs.length, 1, debs.join(' '));
  return join(dir, 'debs', debs[0]!);
}

const field = (deb: string, name: string) => execFileSync('dpkg-deb', ['-f', deb, name], { encoding: 'utf8' }).trim();
const newer = (a: string, b: string) => spawnSync('dpkg', ['--compare-versions', a, 'lt', b]).status === 0;

/** The .deb's files and their md5sums (DEBIAN/md5sums), but the changelog, which names the version. */
function contents(deb: string): string {
  const md5 = execFileSync('dpkg-deb', ['-I', deb, 'md5sums'], { encoding: 'utf8' });
  return md5.split('\n').filter((l) => l && !l.endsWith('/changelog.Debian.gz')).sort().join('\n');
}

toolTest(t, TOOLS, "service: every target make help lists runs in a folder named a b/$(touch PWNd)/x;y/it's (and with DEB_CFLAGS_APPEND='$(touch PWNd)'), nothing runs them, the .deb is the one a plain folder builds", async () => {
  const root = tempDir();
  const parent = join(root, ...HOSTILE);
  mkdirSync(parent, { recursive: true });
  const dir = await generate({ type: 'service', name: 'odd-folder' }, { dir: join(parent, 'svc'), git: true });
  // The caller's build flags reach dh_virtualenv's environment; 1.6.0 spliced dpkg-buildflags' output into the shell.
  const env = { ...cleanEnv(tempDir()), ...ident, PYSERVICE_NOW: '1795343400', DEB_CFLAGS_APPEND: '-O2 $(touch PWNd)' };
  const help = spawnSync('make', ['help'], { cwd: dir, env, encoding: 'utf8' });
  assert.is(help.status, 0, help.stderr);
  const fleet = [...readFileSync(join(dir, 'deploy/deploy.mk'), 'utf8').matchAll(/^([a-z][\w-]*):.*## /gm)].map((m) => m[1]!);
  const targets = [...help.stdout.matchAll(/^ {2}(\S+)\s/gm)].map((m) => m[1]!).filter((x) => !fleet.includes(x) && x !== 'image' && x !== 'docker-%');
  for (const needed of ['test', 'lint', 'dist', 'lock', 'wheelhouse', 'deb', 'deb-snapshot', 'deb-release', 'clean']) assert.ok(targets.includes(needed), `${needed} in ${targets.join(' ')}`);
  execFileSync('git', ['tag', 'v0.1.0'], { cwd: dir });
  let built = '';
  for (const target of targets) {
    const r = await spawnText('make', [target], dir, env);
    assert.is(r.code, 0, `make ${target}: ${r.out.slice(-4000)}`);
    assert.equal(pwned(root), [], `make ${target} ran the folder's name`);
    if (target === 'deb-snapshot') {
      built = join(tempDir(), 'snapshot.deb');
      copyFileSync(debIn(dir), built);
    }
  }
  // The build path is nowhere in the package (pyvenv.cfg's command line lost it).
  const x = join(tempDir(), 'x');
  execFileSync('dpkg-deb', ['-x', built, x]);
  assert.match(readFileSync(join(x, 'opt/venvs/odd-folder/pyvenv.cfg'), 'utf8'), /^command = .* \/opt\/venvs\/odd-folder$/m);
  assert.is(spawnSync('grep', ['-rlF', parent, x]).status, 1, 'the build folder is named inside the package');
  // pip wrote the console script as a /bin/sh exec wrapper (a blank in its path), which dh_virtualenv's rewrite
  // broke with a stray quote: it starts with the venv's python, as from a plain folder.
  assert.is(readFileSync(join(x, 'opt/venvs/odd-folder/bin/odd-folder'), 'utf8').split('\n')[0], '#!/opt/venvs/odd-folder/bin/python');
  // The same commit's snapshot from a plain folder: the same files, byte for byte.
  const plain = join(tempDir(), 'plain');
  execFileSync('git', ['clone', '-q', dir, plain]);
  const r = await spawnText('make', ['deb-snapshot'], plain, env);
  assert.is(r.code, 0, r.out.slice(-4000));
  assert.is(contents(debIn(plain)), contents(built));
  assert.is(field(debIn(plain), 'Version'), field(built, 'Version'));
});

toolTest(t, TOOLS, 'service: make deb of an UNRELEASED changelog is a local version below every snapshot and release of it, and the snapshots after a release tag sort above it (dpkg --compare-versions)', async () => {
  const dir = await generate({ type: 'service', name: 'local-builds' }, { git: true });
  const env = { ...cleanEnv(tempDir()), ...ident };
  const versions: Record<string, string> = {};
  const build = async (name: string, args: string[], now: number) => {
    const r = await spawnText('make', args, dir, { ...env, PYSERVICE_NOW: String(now) });
    assert.is(r.code, 0, `make ${args.join(' ')}: ${r.out.slice(-4000)}`);
    versions[name] = field(debIn(dir), 'Version');
    return r.out;
  };
  const head = () => execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: dir, encoding: 'utf8' }).trim();
  const sha = head();
  // A developer's build, then CI's snapshot of the same commit and its release (one checkout plays both here).
  const out = await build('local', ['deb'], 1795343400);
  assert.is(versions.local, `0.1.0~~local20261122103000+git${sha}`);
  assert.match(out, 'is UNRELEASED: a local build, version 0.1.0~~local20261122103000');
  // The .changes keeps the changelog's (source) version in its name; it lists the local .deb.
  const changes = readdirSync(join(dir, 'debs')).filter((f) => f.endsWith('.changes'));
  assert.equal(changes.length, 1, changes.join(' '));
  assert.match(changes[0]!, /^local-builds_0\.1\.0_[a-z0-9]+\.changes$/);
  assert.match(readFileSync(join(dir, 'debs', changes[0]!), 'utf8'), `local-builds_0.1.0~~local20261122103000+git${sha}_`);
  await build('snapshot', ['deb-snapshot'], 1795343500);
  assert.is(versions.snapshot, `0.1.0~20261122103140+git${sha}`);
  // The commit is tagged: a developer's build of it sorts below its release, and CI releases it.
  execFileSync('git', ['tag', 'v0.1.0'], { cwd: dir });
  execFileSync('git', ['checkout', '-q', 'debian/changelog'], { cwd: dir });
  await build('atTag', ['deb'], 1795343550);
  assert.is(versions.atTag, `0.1.0~~local20261122103230+git${sha}`);
  await build('release', ['deb-release', 'TAG=v0.1.0'], 1795343600);
  assert.is(versions.release, '0.1.0');
  // The next commit on the default branch: CI's checkout has the committed changelog (0.1.0 UNRELEASED, CI never
  // commits its stamp), and the tag says 0.1.0 was released.
  execFileSync('git', ['checkout', '-q', 'debian/changelog'], { cwd: dir });
  execFileSync('git', ['commit', '-q', '--allow-empty', '-m', 'next'], { cwd: dir, env: { ...process.env, ...ident } });
  const next = head();
  await build('nextSnapshot', ['deb-snapshot'], 1795343700);
  assert.is(versions.nextSnapshot, `0.1.0+0~20261122103500+git${next}`);
  // A developer builds that commit after all of them.
  execFileSync('git', ['checkout', '-q', 'debian/changelog'], { cwd: dir });
  await build('laterLocal', ['deb'], 1795343800);
  assert.is(versions.laterLocal, `0.1.0+0~~local20261122103640+git${next}`);
  assert.ok(newer(versions.atTag!, versions.release!), `${versions.atTag} < ${versions.release}`);
  const order = ['local', 'snapshot', 'release', 'laterLocal', 'nextSnapshot'];
  for (let i = 0; i + 1 < order.length; i++) {
    const [a, b] = [versions[order[i]!]!, versions[order[i + 1]!]!];
    assert.ok(newer(a, b), `${order[i]} ${a} < ${order[i + 1]} ${b}`);
  }
  // laterLocal was built after nextSnapshot, of the same commit, and still sorts below it (checked above).
});

t.run();
