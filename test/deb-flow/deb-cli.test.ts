import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/paths.js';
import { runDeb } from '../../src/deb/run-deb.js';
import { PYSERVICE_BIN } from '../helpers/cli.js';
import { captureOutput, generate, TEST_NOW } from '../helpers/generate.js';
import { cleanEnv, tempDir } from '../helpers/tmp.js';
import { toolTest } from '../helpers/tools.js';
import { latestTemplateVersion } from '../../src/templates/manifest.js';

const t = suite('pyservice deb (CLI)');
const PY = '/usr/bin/python3';
const FIXTURES = join(packageRoot(), 'test', 'fixtures', 'projects');
const ME = 'Pat Doe <pat@example.org>';

/**
 * The CLI in a clean environment: no DEB* variables, no git identity unless the test's HOME has one. These tests
 * cover the service path (unchanged since before kinds existed), so `--kind service` unless a test picks a kind.
 */
function deb(args: string[], opts: { home?: string; env?: Record<string, string> } = {}) {
  const env = { ...cleanEnv(opts.home ?? tempDir()), NO_COLOR: '1', GIT_CONFIG_NOSYSTEM: '1', ...opts.env };
  const kind = args.includes('--help') || args.includes('--kind') ? [] : ['--kind', 'service'];
  const r = spawnSync(process.execPath, [PYSERVICE_BIN, 'deb', ...args, ...kind], { env, encoding: 'utf8', input: '' });
  return { code: r.status ?? 128, stdout: r.stdout, stderr: r.stderr };
}

function project(name = 'console-scripts'): string {
  const dir = join(tempDir(), name);
  cpSync(join(FIXTURES, name), dir, { recursive: true });
  return dir;
}

/** Every file under dir with its content and mtime, to see exactly what a run touched. */
function tree(dir: string, base = dir, acc: Record<string, { content: string; mtimeMs: number; mode: number }> = {}) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) tree(p, base, acc);
    else {
      const st = statSync(p);
      acc[p.slice(base.length + 1)] = { content: readFileSync(p, 'utf8'), mtimeMs: st.mtimeMs, mode: st.mode & 0o777 };
    }
  }
  return acc;
}

t('--help documents the flags and the exit codes', () => {
  const r = deb(['--help']);
  assert.is(r.code, 0);
  for (const flag of ['--maintainer', '--package', '--distro', '--python', '--yes', '--dry-run', '--force', '--json', '--timeout']) assert.ok(r.stdout.includes(flag), flag);
  assert.match(r.stdout, /Exit codes: 0 ok, 1 failure.*2 bad usage or bad input[\s\S]*130 cancelled/);
  // every file a run writes is named (--index-url writes ./pip.conf: measured, while the help said 'Only debian/*…')
  assert.match(r.stdout, /Only debian\/\*, \.pyservice\.json and \.pyservice\.baseline \(and \.\/pip\.conf with --index-url\) are written/);
  assert.match(r.stdout, /2: [\s\S]*a merge or rebase in progress/);
});

toolTest(t, [PY], 'a project given as a relative path (pyservice deb beets, pyservice deb ./x/y) is read and written where it is', () => {
  // The read started before the rest of deb loaded took the path as typed, and the helper, run inside the project,
  // looked for beets/beets ("No such file or directory")
  const dir = project();
  const parent = join(dir, '..');
  const name = dir.slice(parent.length + 1);
  for (const given of [name, `./${name}`, join('..', parent.split('/').pop()!, name)]) {
    const env = { ...cleanEnv(tempDir()), NO_COLOR: '1', GIT_CONFIG_NOSYSTEM: '1' };
    const r = spawnSync(process.execPath, [PYSERVICE_BIN, 'deb', given, '--maintainer', ME, '--kind', 'tool', '--dry-run', '--json'], { cwd: parent, env, encoding: 'utf8', input: '' });
    assert.is(r.status, 0, `${given}: ${r.stderr}`);
    assert.is(JSON.parse(r.stdout).dir, dir, given);
  }
  const env = { ...cleanEnv(tempDir()), NO_COLOR: '1', GIT_CONFIG_NOSYSTEM: '1' };
  const real = spawnSync(process.execPath, [PYSERVICE_BIN, 'deb', name, '--maintainer', ME, '--kind', 'tool', '--yes'], { cwd: parent, env, encoding: 'utf8', input: '' });
  assert.is(real.status, 0, real.stderr);
  assert.ok(existsSync(join(dir, 'debian', 'control')));
});

toolTest(t, [PY], 'writes only debian/*, .pyservice.json and .pyservice.baseline, and shows the metadata and the Debian name', () => {
  const dir = project();
  const before = tree(dir);
  const r = deb([dir, '--maintainer', ME]);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /Read cs-svc 1\.0\.0 from setup\.py with \/usr\/bin\/python3/);
  assert.match(r.stdout, /Debian package: cs-svc 1\.0\.0 \(service\), maintainer Pat Doe <pat@example\.org>/);
  const after = tree(dir);
  for (const [p, f] of Object.entries(before)) assert.equal(after[p], f, `${p} changed`);
  const added = Object.keys(after).filter((p) => !(p in before));
  assert.ok(added.includes('debian/control') && added.includes('debian/rules') && added.includes('.pyservice.json'), added.join(' '));
  for (const p of added) assert.ok(p.startsWith('debian/') || p === '.pyservice.json' || p === '.pyservice.baseline', `unexpected ${p}`);
  assert.is(after['debian/rules']!.mode, 0o755);
  const record = JSON.parse(after['.pyservice.json']!.content);
  assert.is(record.origin, 'deb');
  assert.equal(record.answers.consoleScripts, ['cs-svc = cs_svc.cli:main', 'cs-admin = cs_svc.cli:admin']);
  assert.match(after['debian/control']!.content, /^Maintainer: Pat Doe <pat@example\.org>$/m);
});

/**
 * A pre-, post- or development release: debian/changelog starts at the Debian form the project's own
 * debian/pyservice-version gives that tag, so its release build accepts the tag (the release part, 1.0.0, was higher
 * than 1.0.0~rc1: "lower than the changelog", exit 2) and dpkg orders the versions as PEP 440 does.
 */
toolTest(t, [PY, 'dpkg-parsechangelog', 'git'], 'a pre-release or post-release version starts debian/changelog at its Debian form, which the release build of its tag accepts', () => {
  for (const [python, debian] of [['1.0.0rc1', '1.0.0~rc1'], ['2.1.post2', '2.1.0+post2'], ['1!3.0b1', '1:3.0.0~b1']] as const) {
    const dir = project();
    writeFileSync(join(dir, 'setup.py'), readFileSync(join(dir, 'setup.py'), 'utf8').replace('version="1.0.0"', `version="${python}"`));
    const r = deb([dir, '--maintainer', ME, '--kind', 'tool']);
    assert.is(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`note: debian/changelog starts at ${debian.replace(/[.+]/g, '\\$&')}, the Debian form of the Python version ${python.replace(/[.+]/g, '\\$&')}`));
    const changelog = readFileSync(join(dir, 'debian', 'changelog'), 'utf8');
    assert.is(changelog.split('\n')[0], `cs-svc (${debian}) UNRELEASED; urgency=medium`);
    assert.is(JSON.parse(readFileSync(join(dir, '.pyservice.json'), 'utf8')).answers.debianVersion, debian);
    // The project's own program takes the tag of that version as its release (not lower than the changelog)
    const env = { ...cleanEnv(tempDir()), DEBEMAIL: 'Pat Doe <pat@example.org>', PYSERVICE_NOW: '1764417600' };
    const release = spawnSync(join(dir, 'debian', 'pyservice-version'), ['release', `v${python}`, '--print-version', dir], { env, encoding: 'utf8' });
    assert.is(release.status, 0, release.stderr);
    assert.is(release.stdout.trim(), debian);
  }
});

toolTest(t, [PY], 'one code path: the debian/ files are byte for byte those of a generated service with the same answers', async () => {
  const dir = project();
  const res = await runDeb({ dir, maintainer: ME, yes: true, dryRun: false, force: false, json: false }, captureOutput(), TEST_NOW);
  const generated = await generate(res.answers!);
  const ours = tree(join(dir, 'debian'));
  const theirs = tree(join(generated, 'debian'));
  assert.equal(Object.keys(ours).sort(), Object.keys(theirs).sort());
  for (const p of Object.keys(theirs)) assert.is(ours[p]!.content, theirs[p]!.content, p);
});

toolTest(t, [PY, 'git'], 'a service or tool from create (templates debian/, kept by update) is exit 2 naming pyservice update, even with --force; nothing changes', async () => {
  // Measured before: pyservice deb --force --kind service on a generated service whose team had only added a
  // Depends marked 5 debian/ files as conflicts (unit, env file, copyright, overrides, control): exit 1
  for (const type of ['service', 'tool'] as const) {
    const dir = await generate({ name: `gen-${type}`, type }, { git: true });
    const before = tree(dir);
    for (const extra of [[], ['--force'], ['--force', '--dry-run']]) {
      const r = deb([dir, '--maintainer', ME, '--kind', type, ...extra]);
      assert.is(r.code, 2, r.stderr);
      assert.is(r.stderr.trim(), `error: this project follows create-pyservice's templates (a ${type}, templates ${latestTemplateVersion()}, per .pyservice.json): its debian/ is the templates' and pyservice update keeps it current; pyservice deb is for projects without such a record`);
    }
    assert.equal(tree(dir), before);
  }
});

toolTest(t, [PY], 'an existing debian/ without --force is exit 2 naming --force; nothing changes', () => {
  const dir = project();
  mkdirSync(join(dir, 'debian'));
  writeFileSync(join(dir, 'debian', 'control'), 'Source: ours\n');
  const before = tree(dir);
  const r = deb([dir, '--maintainer', ME]);
  assert.is(r.code, 2);
  assert.match(r.stderr, /debian\/ already exists; pyservice deb --force merges into it/);
  assert.equal(tree(dir), before);
});

toolTest(t, [PY], '--force on a debian/ no deb run wrote: identical files untouched, missing added, differing ones keep the team\'s lines with conflicts marked (exit 1, like git merge)', () => {
  const dir = project();
  assert.is(deb([dir, '--maintainer', ME]).code, 0);
  // a debian/ of the team's own: no record or baseline of an earlier deb run, so nothing to merge three ways
  rmSync(join(dir, '.pyservice.json'));
  rmSync(join(dir, '.pyservice.baseline'));
  // the team edits control, deletes rules, adds a file of its own
  const control = join(dir, 'debian', 'control');
  const original = readFileSync(control, 'utf8');
  writeFileSync(control, original.replace(/^Section: .*$/m, 'Section: team-section') + 'X-Team-Field: kept\n');
  rmSync(join(dir, 'debian', 'rules'));
  writeFileSync(join(dir, 'debian', 'team-notes'), 'ours\n');
  const before = tree(dir);

  const preview = deb([dir, '--maintainer', ME, '--force', '--dry-run']);
  assert.is(preview.code, 0, preview.stderr);
  assert.match(preview.stdout, /^--- debian\/control \(yours\)$/m);
  assert.match(preview.stdout, /^-Section: team-section$/m);
  assert.match(preview.stdout, /would merge\s+debian\/control \(2 conflicts marked\)/);
  assert.match(preview.stdout, /would create\s+debian\/rules/);
  assert.equal(tree(dir), before, '--dry-run wrote something');

  const r = deb([dir, '--maintainer', ME, '--force']);
  assert.is(r.code, 1, r.stderr);
  assert.match(r.stdout, /Resolve the conflict markers .* in debian\/control/);
  const after = tree(dir);
  const merged = after['debian/control']!.content;
  assert.match(merged, /^<<<<<<< debian\/control \(yours\)\nSection: team-section\n=======\nSection: misc\n>>>>>>> debian\/control \(pyservice deb, templates [\d.]+\)$/m);
  assert.match(merged, /X-Team-Field: kept/);
  assert.ok(existsSync(join(dir, 'debian', 'rules')));
  assert.is(after['debian/rules']!.mode, 0o755);
  assert.equal(after['debian/team-notes'], before['debian/team-notes']);
  for (const p of ['debian/changelog', 'debian/copyright', 'debian/source/format', 'setup.py', 'cs_svc/cli.py'])
    assert.equal(after[p], before[p], `${p} was rewritten`);
});

toolTest(t, [PY], 'no maintainer and no terminal: exit 2 naming --maintainer; nothing written', () => {
  const dir = project();
  const before = tree(dir);
  const r = deb([dir]);
  assert.is(r.code, 2, r.stderr);
  assert.match(r.stderr, /no Debian maintainer: pass --maintainer "Full Name <email@example.com>"/);
  assert.equal(tree(dir), before);
});

toolTest(t, [PY], 'maintainer from DEBFULLNAME/DEBEMAIL, else from git config', () => {
  const dir = project();
  const r = deb([dir, '--dry-run', '--json'], { env: { DEBFULLNAME: 'Deb Env', DEBEMAIL: 'deb@example.org' } });
  assert.is(r.code, 0, r.stderr);
  assert.is(JSON.parse(r.stdout).maintainer, 'Deb Env <deb@example.org>');
  const home = tempDir();
  writeFileSync(join(home, '.gitconfig'), '[user]\n\tname = Git Person\n\temail = git@example.org\n');
  const g = deb([dir, '--dry-run', '--json'], { home });
  assert.is(g.code, 0, g.stderr);
  assert.is(JSON.parse(g.stdout).maintainer, 'Git Person <git@example.org>');
  const both = deb([dir, '--dry-run', '--json'], { home, env: { DEBEMAIL: 'Env Only <env@example.org>' } });
  assert.is(JSON.parse(both.stdout).maintainer, 'Env Only <env@example.org>');
});

toolTest(t, [PY], 'an unusable description takes a fallback that is said; --package sets the Debian name', () => {
  const dir = join(tempDir(), 'Long_Desc');
  mkdirSync(dir);
  const long = 'Processes incoming events from the message bus and stores aggregated results in the warehouse nightly';
  // a service needs a console script to run (a service without one is refused, kinds.test.ts)
  writeFileSync(join(dir, 'setup.py'), `from setuptools import setup\nsetup(name="Long_Desc", version="0.2", description=${JSON.stringify(long)}, py_modules=["long_desc"], entry_points={"console_scripts": ["long-desc = long_desc:main"]})\n`);
  writeFileSync(join(dir, 'long_desc.py'), 'def main():\n    pass\n');
  const r = deb([dir, '--maintainer', ME, '--yes', '--dry-run', '--json']);
  assert.is(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.is(j.debName, 'long-desc');
  assert.is(j.metadata.description, long);
  assert.ok(j.answers.description.length <= 80 && long.startsWith(j.answers.description.replace(/…$/, '')), j.answers.description);
  assert.ok(j.notes.some((n: string) => /characters long/.test(n)), j.notes.join('\n'));
  const p = deb([dir, '--maintainer', ME, '--yes', '--package', 'events-worker']);
  assert.is(p.code, 0, p.stderr);
  assert.match(readFileSync(join(dir, 'debian', 'control'), 'utf8'), /^Source: events-worker$/m);
  assert.ok(existsSync(join(dir, 'debian', 'events-worker.service')));
});

toolTest(t, [PY, 'python3'], 'in a terminal: asks for the maintainer and for a usable description, and uses the answers', () => {
  const dir = join(tempDir(), 'asks');
  mkdirSync(dir);
  writeFileSync(join(dir, 'setup.py'), 'from setuptools import setup\nsetup(name="asks", version="1.0", description="", py_modules=["asks"], entry_points={"console_scripts": ["asks = asks:main"]})\n');
  writeFileSync(join(dir, 'asks.py'), 'def main():\n    pass\n');
  const driver = join(packageRoot(), 'test', 'cli', 'drivers', 'pty_drive.py');
  const steps = [
    ['Debian maintainer name', 'Ida Prompt\r'],
    ['Debian maintainer email', 'not-an-email\r'],
    ['not an address', '\u007f'.repeat(12) + 'ida@example.org\r'],
    ['One-line description for Debian', 'Answers questions\r'],
  ];
  const env = Object.entries({ ...cleanEnv(tempDir()), NO_COLOR: '1', CI: '', GIT_CONFIG_NOSYSTEM: '1' }).map(([k, v]) => `${k}=${v}`);
  const out = spawnSync('python3', [driver, JSON.stringify(steps), '--', 'env', '-i', ...env, process.execPath, PYSERVICE_BIN, 'deb', dir, '--kind', 'service'], { encoding: 'utf8' });
  const r = JSON.parse(out.stdout) as { code: number | null; screen: string; timeout?: string };
  assert.is(r.timeout, undefined, r.screen);
  assert.is(r.code, 0, r.screen);
  const control = readFileSync(join(dir, 'debian', 'control'), 'utf8');
  assert.match(control, /^Maintainer: Ida Prompt <ida@example\.org>$/m);
  assert.match(control, /^Description: Answers questions$/m);
});

toolTest(t, [PY], 'the text report shows PEP 621 people, the homepage and the license as debian/ gets them (no "<A <a@x>>")', () => {
  const r = deb([project('pyproject-only'), '--maintainer', ME, '--dry-run']);
  assert.is(r.code, 0, r.stderr);
  // Author-email is "Katherine Johnson <kj@example.org>" under PEP 621: shown once, not wrapped in <> again
  assert.match(r.stdout, /^ {2}author {11}Katherine Johnson <kj@example\.org>$/m);
  assert.match(r.stdout, /^ {2}maintainer {7}SRE$/m);
  assert.match(r.stdout, /^ {2}homepage {9}https:\/\/pep621\.example\.org$/m, 'from [project.urls] Homepage');
  assert.match(r.stdout, /^ {2}license {10}MPL-2\.0 \(DEP-5, from License\)$/m);
  assert.not.match(r.stdout, /<[^<>\n]*</);
});

t('bad flags are exit 2 before anything runs', () => {
  const dir = tempDir();
  for (const [args, want] of [
    [['--distro', 'woody'], /--distro/],
    [['--maintainer', 'nobody'], /Full Name <email/],
    [['--timeout', 'soon'], /--timeout takes a number/],
    // Past Node's 2^31-1 ms a timer fires at once: the backend was killed immediately ('did not finish within 1000000000 s')
    [['--timeout', '1e9'], /--timeout takes at most 86400 seconds/],
    [['--timeout', '86401'], /--timeout takes at most 86400 seconds/],
    [['a', 'b'], /at most one directory/],
    [[join(dir, 'missing')], /is not a directory/],
  ] as [string[], RegExp][]) {
    const r = deb(args[0]?.startsWith('--') ? [dir, ...args] : args);
    assert.is(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, want);
  }
});

t.run();
