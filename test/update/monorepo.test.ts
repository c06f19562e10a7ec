import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { appendFileSync, cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync, spawn } from 'node:child_process';
import { packageRoot } from '../../src/paths.js';
import { gitPlace, modifiedTrackedFiles, setConflictStages, stagePaths, trackedAmong, hashBlobs } from '../../src/update/git-ops.js';
import { PYSERVICE_BIN, create, pyservice } from '../helpers/cli.js';
import { generate } from '../helpers/generate.js';
import { tempDir } from '../helpers/tmp.js';
import { toolTest } from '../helpers/tools.js';
import { GIT_ENV } from './fixtures.js';

/**
 * A project in a subdirectory of its git repository (a monorepo). git's index speaks in top-relative paths;
 * every index or pathspec operation must translate, or the repository root's own file of the same name gets
 * the conflict stages. Tested op by op (a table over every git index operation, at the top and in nested
 * subdirectories, one with a blank in its name), then through the commands: create, update, deb, check.
 */
const t = suite('monorepo: a project in a subdirectory of its repository');

const env = { ...process.env, ...GIT_ENV, NO_COLOR: '1' };
/** `git ls-files -u` line → "path stage". */
const stageLine = (l: string) => `${l.split('\t')[1]} ${l.split('\t')[0]!.split(' ')[2]}`;
const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, env, encoding: 'utf8' });

function repoWith(prefix: string): { top: string; dir: string } {
  const top = tempDir('mono-');
  git(top, 'init', '-q', '-b', 'main');
  writeFileSync(join(top, 'Makefile'), 'root:\n\techo the root makefile\n');
  const dir = prefix ? join(top, prefix) : top;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'Makefile'), 'all:\n\techo project\n');
  writeFileSync(join(dir, 'keep.txt'), 'keep\n');
  git(top, 'add', '-A');
  git(top, 'commit', '-qm', 'init');
  return { top, dir };
}

for (const prefix of ['', 'svc', 'services/a b']) {
  toolTest(t, ['git'], `every git index operation speaks project paths, at ${JSON.stringify(prefix || '(top)')}`, async () => {
    const { top, dir } = repoWith(prefix);
    const p = prefix ? `${prefix}/` : '';
    assert.equal(gitPlace(dir), { top, prefix: p });
    // status: the project's modified files, as project paths; the root's own changes are not the project's
    writeFileSync(join(dir, 'Makefile'), 'changed\n');
    if (prefix) writeFileSync(join(top, 'Makefile'), 'root changed too\n');
    assert.equal(await modifiedTrackedFiles(dir), ['Makefile']);
    // ls-files
    assert.equal([...(await trackedAmong(dir, ['Makefile', 'keep.txt', 'absent.txt'])).tracked].sort(), ['Makefile', 'keep.txt']);
    // update-index --stdin (add, remove)
    writeFileSync(join(dir, 'new.txt'), 'new\n');
    execFileSync('rm', [join(dir, 'keep.txt')]);
    await stagePaths(dir, ['new.txt', 'keep.txt', 'Makefile']);
    const cached = git(top, 'diff', '--cached', '--name-status').trim().split('\n').sort();
    assert.equal(cached, [`A\t${p}new.txt`, `D\t${p}keep.txt`, `M\t${p}Makefile`].sort());
    // update-index --index-info: conflict stages on the project's file, never the root's
    const blobs = [join(tempDir(), 'b1'), join(tempDir(), 'b2'), join(tempDir(), 'b3')];
    blobs.forEach((b, i) => writeFileSync(b, `stage ${i + 1}\n`));
    const ids = await hashBlobs(dir, blobs);
    await setConflictStages(dir, [{ path: 'Makefile', stages: ids.map((oid, i) => ({ stage: (i + 1) as 1 | 2 | 3, mode: '100644', oid })) }]);
    const unmerged = git(top, 'ls-files', '-u').trim().split('\n').map(stageLine);
    assert.equal(unmerged, [`${p}Makefile 1`, `${p}Makefile 2`, `${p}Makefile 3`]);
    if (prefix) assert.is(git(top, 'ls-files', '-s', 'Makefile').split(' ')[2]?.split('\t')[0], '0', 'the root Makefile keeps its single stage-0 entry');
  });
}

toolTest(t, ['git'], 'update in a subdirectory: the conflict is staged on the project file, the root file of the same name is untouched', async () => {
  const top = tempDir('mono-');
  git(top, 'init', '-q', '-b', 'main');
  writeFileSync(join(top, 'Makefile'), 'root:\n\techo the root makefile\n');
  mkdirSync(join(top, 'services'));
  const dir = await generate({ name: 'demo-svc' }, { dir: join(top, 'services', 'demo-svc'), templateVersion: '1.0.0' });
  appendFileSync(join(dir, 'Makefile'), '\nlint:\n\tflake8 src\n');
  git(top, 'add', '-A');
  git(top, 'commit', '-qm', 'monorepo');
  const rootMakefile = readFileSync(join(top, 'Makefile'), 'utf8');
  const r = pyservice(['update', '--to', '1.1.0'], { cwd: join(dir, 'src'), env: GIT_ENV });
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  const unmerged = git(top, 'ls-files', '-u').trim().split('\n').map(stageLine);
  assert.equal(unmerged, ['services/demo-svc/Makefile 1', 'services/demo-svc/Makefile 2', 'services/demo-svc/Makefile 3']);
  assert.is(readFileSync(join(top, 'Makefile'), 'utf8'), rootMakefile);
  assert.is(git(top, 'diff', 'HEAD', '--', 'Makefile'), '', 'the root Makefile is neither changed nor staged');
  const staged = git(top, 'diff', '--cached', '--name-only').trim().split('\n');
  assert.ok(staged.length > 3 && staged.every((p) => p.startsWith('services/demo-svc/')), staged.join(' '));
  assert.match(readFileSync(join(dir, 'Makefile'), 'utf8'), /<<<<<<< yours/);
  // resolving is plain git, from anywhere in the repository
  git(dir, 'checkout', '--theirs', 'Makefile');
  assert.not.match(readFileSync(join(dir, 'Makefile'), 'utf8'), /<<<<<<</);
  assert.is(readFileSync(join(top, 'Makefile'), 'utf8'), rootMakefile);
  // the dirty check sees the project's own changes only
  writeFileSync(join(top, 'Makefile'), 'root edited\n');
  git(dir, 'add', 'Makefile');
  git(top, 'commit', '-qm', 'templates 1.1.0', '--', 'services');
  const check = pyservice(['check'], { cwd: dir, env: GIT_ENV });
  assert.ok(check.code === 0 || check.code === 3, check.stderr);
  assert.match(check.stdout, /templates 1\.1\.0/);
});

toolTest(t, ['git'], 'create in a subdirectory of a repository adds no nested repository; update and check work there', () => {
  const top = tempDir('mono-');
  git(top, 'init', '-q', '-b', 'main');
  writeFileSync(join(top, 'README.md'), '# monorepo\n');
  git(top, 'add', '-A');
  git(top, 'commit', '-qm', 'init');
  mkdirSync(join(top, 'libs'));
  const r = create(['lib-one', '--type', 'library', '--yes', '--author', 'A B', '--email', 'a@example.org'], { cwd: join(top, 'libs'), env: GIT_ENV });
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /no nested repository/);
  // its pipeline file is written, and said to be unread where it is (GitHub reads only the top .github/workflows/)
  assert.ok(existsSync(join(top, 'libs', 'lib-one', '.github', 'workflows', 'ci.yml')));
  assert.match(r.stderr, /libs\/lib-one\/\.github\/workflows\/ci\.yml will not run as it is: GitHub runs workflows only from the repository's top/);
  assert.not.ok(existsSync(join(top, 'libs', 'lib-one', '.git')));
  git(top, 'add', '-A');
  git(top, 'commit', '-qm', 'lib-one');
  const dry = pyservice(['update', '--dry-run'], { cwd: join(top, 'libs', 'lib-one'), env: GIT_ENV });
  assert.is(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, /up to date/);
  const check = pyservice(['check'], { cwd: join(top, 'libs', 'lib-one', 'src'), env: GIT_ENV });
  assert.is(check.code, 0, check.stderr);
});

toolTest(t, ['git'], 'a project at the top is not warned; one below it that update gives a pipeline file is', () => {
  const top = tempDir('mono-');
  const atTop = create(['top-lib', '--type', 'library', '--yes', '--ci', 'gitlab', '--author', 'A B', '--email', 'a@example.org'], { cwd: top, env: GIT_ENV });
  assert.is(atTop.code, 0, atTop.stderr);
  assert.not.match(atTop.stderr, /will not run/);
  const repo = join(top, 'top-lib');
  mkdirSync(join(repo, 'libs'));
  const below = create(['lib-two', '--type', 'library', '--yes', '--ci', 'none', '--author', 'A B', '--email', 'a@example.org'], { cwd: join(repo, 'libs'), env: GIT_ENV });
  assert.is(below.code, 0, below.stderr);
  assert.not.match(below.stderr, /will not run/, 'no pipeline file, nothing unread');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-qm', 'lib-two');
  const r = pyservice(['update', '--ci', 'gitlab'], { cwd: join(repo, 'libs', 'lib-two'), env: GIT_ENV });
  assert.is(r.code, 0, r.stderr);
  assert.ok(existsSync(join(repo, 'libs', 'lib-two', '.gitlab-ci.yml')));
  assert.match(r.stderr, /libs\/lib-two\/\.gitlab-ci\.yml will not run as it is: GitLab reads only the top \.gitlab-ci\.yml: include it from there \(include: local: libs\/lib-two\/\.gitlab-ci\.yml\)/);
});

toolTest(t, ['git', '/usr/bin/python3'], 'deb in a subdirectory writes only under the project; its conflicts, if staged, are staged there', () => {
  const top = tempDir('mono-');
  git(top, 'init', '-q', '-b', 'main');
  mkdirSync(join(top, 'debian'));
  writeFileSync(join(top, 'debian', 'control'), 'Source: the-root-package\n');
  const dir = join(top, 'py', 'literal');
  mkdirSync(join(top, 'py'));
  cpSync(join(packageRoot(), 'test', 'fixtures', 'projects', 'literal'), dir, { recursive: true });
  mkdirSync(join(dir, 'debian'));
  writeFileSync(join(dir, 'debian', 'control'), 'Source: literal-svc\nMaintainer: Someone <s@example.org>\n');
  git(top, 'add', '-A');
  git(top, 'commit', '-qm', 'init');
  const r = pyservice(['deb', '--force', '--maintainer', 'A B <a@example.org>'], { cwd: dir, env: GIT_ENV });
  assert.is(r.code === 0 || r.code === 1, true, r.stderr);
  assert.is(readFileSync(join(top, 'debian', 'control'), 'utf8'), 'Source: the-root-package\n');
  const changed = git(top, 'status', '--porcelain').split('\n').filter(Boolean).map((l) => l.slice(3));
  assert.ok(changed.every((p) => p.startsWith('py/literal/')), changed.join(' '));
  const unmerged = git(top, 'ls-files', '-u').trim();
  for (const line of unmerged ? unmerged.split('\n') : []) assert.ok(line.split('\t')[1]!.startsWith('py/literal/debian/'), line);
});

/** Starts `pyservice update` in `dir` with each write slowed, and SIGKILLs its process group once its journal exists. */
async function killAfterJournal(dir: string, gitDir: string): Promise<void> {
  const child = spawn(process.execPath, [PYSERVICE_BIN, 'update'], {
    cwd: dir,
    detached: true,
    env: { ...process.env, ...GIT_ENV, NO_COLOR: '1', PYSERVICE_TEST_WRITE_DELAY_MS: '400' },
    stdio: 'ignore',
  });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const journal = join(gitDir, 'pyservice-update', 'journal.json');
  for (let i = 0; i < 600 && !existsSync(journal); i++) await new Promise((r) => setTimeout(r, 50));
  assert.ok(existsSync(journal), 'the update wrote its journal');
  await new Promise((r) => setTimeout(r, 900)); // a few writes done, most not
  process.kill(-child.pid!, 'SIGKILL');
  await exited;
}

toolTest(t, ['git'], "an update killed in one project is never replayed into another project of the repository", async () => {
  // Measured with the installed package: svc-alpha's update killed mid-way, then `pyservice update` in svc-beta
  // "finished" alpha's journal there: beta got debian/svc-alpha.preinst and alpha's new files, lost its .flake8,
  // and alpha was left half-updated with no journal.
  const top = tempDir('mono-');
  git(top, 'init', '-q', '-b', 'main');
  writeFileSync(join(top, 'README.md'), '# monorepo\n');
  mkdirSync(join(top, 'services'));
  const alpha = await generate({ name: 'svc-alpha' }, { dir: join(top, 'services', 'svc-alpha'), templateVersion: '1.0.0' });
  const beta = await generate({ name: 'svc-beta' }, { dir: join(top, 'services', 'svc-beta'), templateVersion: '1.0.0' });
  git(top, 'add', '-A');
  git(top, 'commit', '-qm', 'two services');
  await killAfterJournal(alpha, join(top, '.git'));
  const alphaStatus = git(top, 'status', '--porcelain', '--', 'services/svc-alpha');
  assert.ok(alphaStatus.trim() !== '', 'the kill left alpha half-written');

  // in beta: refused (exit 2, one line naming alpha's folder and the command that finishes it); beta untouched
  const dry = pyservice(['update', '--dry-run'], { cwd: beta, env: GIT_ENV });
  assert.is(dry.code, 0, dry.stderr);
  assert.match(dry.stderr, /interrupted pyservice update of another project in this repository is pending \(.*services\/svc-alpha/);
  const r = pyservice(['update'], { cwd: beta, env: GIT_ENV });
  assert.is(r.code, 2, r.stdout + r.stderr);
  assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, /services\/svc-alpha: templates 1\.0\.0 → .*finish it first: cd \S+services\/svc-alpha && pyservice update, then rerun here; nothing was written/);
  assert.is(git(top, 'status', '--porcelain', '--', 'services/svc-beta'), '', 'nothing of beta changed or staged');
  assert.not.ok(existsSync(join(beta, 'debian', 'svc-alpha.preinst')));
  assert.is(git(top, 'status', '--porcelain', '--', 'services/svc-alpha'), alphaStatus, 'alpha is left for its own run');
  // pyservice deb in a third, plain project of the repository: the same refusal, before its metadata is read
  const tool = join(top, 'py', 'literal');
  cpSync(join(packageRoot(), 'test', 'fixtures', 'projects', 'literal'), tool, { recursive: true });
  const deb = pyservice(['deb', '--maintainer', 'A B <a@example.org>'], { cwd: tool, env: GIT_ENV });
  assert.is(deb.code, 2, deb.stdout + deb.stderr);
  assert.match(deb.stderr, /another project in this repository is pending \(\S+services\/svc-alpha: templates/);
  assert.not.ok(existsSync(join(tool, 'debian')));

  // alpha's own run finishes it; then beta updates by itself, each staged under its own folder
  const finish = pyservice(['update'], { cwd: alpha, env: GIT_ENV });
  assert.is(finish.code, 0, finish.stderr);
  assert.match(finish.stdout + finish.stderr, /Finishing the interrupted update/);
  assert.not.ok(existsSync(join(top, '.git', 'pyservice-update')));
  const after = pyservice(['update'], { cwd: beta, env: GIT_ENV });
  assert.is(after.code, 0, after.stderr);
  assert.ok(existsSync(join(beta, 'debian', 'svc-beta.preinst')));
  assert.not.ok(existsSync(join(beta, 'debian', 'svc-alpha.preinst')));
  assert.not.ok(existsSync(join(alpha, 'debian', 'svc-beta.preinst')));
  const staged = git(top, 'diff', '--cached', '--name-only').trim().split('\n');
  assert.ok(staged.some((p) => p === 'services/svc-alpha/debian/svc-alpha.preinst') && staged.some((p) => p === 'services/svc-beta/debian/svc-beta.preinst'), staged.join(' '));
});

toolTest(t, ['git'], "at a monorepo's top (or a folder above its projects), check and update name the projects, never advise adopting the top", async () => {
  // walk3: at the top of a repository holding services/svc-alpha and services/svc-beta, `pyservice check` said
  // "adopt it with pyservice update", which makes the monorepo's top a project (setup.py, Makefile, debian/ there).
  const top = tempDir('mono-');
  git(top, 'init', '-q', '-b', 'main');
  writeFileSync(join(top, 'pyproject.toml'), '[project]\nname = "top"\nversion = "0.1"\n');
  mkdirSync(join(top, 'services'));
  await generate({ name: 'svc-alpha' }, { dir: join(top, 'services', 'svc-alpha'), templateVersion: '1.5.0' });
  await generate({ name: 'svc-beta' }, { dir: join(top, 'services', 'svc-beta'), templateVersion: '1.5.0' });
  git(top, 'add', '-A');
  git(top, 'commit', '-qm', 'monorepo');
  const check = pyservice(['check'], { cwd: top, env: GIT_ENV });
  assert.is(check.code, 2, check.stderr);
  assert.match(check.stderr, /not a pyservice project .*; its projects are below it \(services\/svc-alpha, services\/svc-beta\): run (npx -p create-pyservice )?pyservice check services\/svc-alpha services\/svc-beta\n$/);
  assert.not.match(check.stderr, /adopt/);
  const between = pyservice(['check'], { cwd: join(top, 'services'), env: GIT_ENV });
  assert.match(between.stderr, /run (npx -p create-pyservice )?pyservice check svc-alpha svc-beta\n$/);
  // the command it names works: both projects checked, behind (exit 3)
  const named = pyservice(['check', 'svc-alpha', 'svc-beta'], { cwd: join(top, 'services'), env: GIT_ENV });
  assert.is(named.code, 3, named.stdout + named.stderr);
  const update = pyservice(['update'], { cwd: top, env: GIT_ENV });
  assert.is(update.code, 2, update.stderr);
  assert.match(update.stderr, /has no \.pyservice\.json, and adopting it would make it a project of its own; its projects are below it \(services\/svc-alpha, services\/svc-beta\): run pyservice update services\/svc-alpha services\/svc-beta; to adopt it anyway, pass --type or --yes\n$/);
  assert.is(git(top, 'status', '--porcelain'), '', 'nothing written');
  const fleet = pyservice(['check', top, join(top, 'services', 'svc-alpha'), '--json'], { cwd: top, env: GIT_ENV });
  const rows = JSON.parse(fleet.stdout) as { status: string; message?: string }[];
  assert.is(rows[0]!.status, 'failed');
  assert.match(rows[0]!.message!, /a folder above projects; list them instead: \S+services\/svc-alpha, \S+services\/svc-beta$/);
  // a plain folder without projects below keeps the adoption advice
  const plain = tempDir('plain-');
  git(plain, 'init', '-q', '-b', 'main');
  assert.match(pyservice(['check'], { cwd: plain, env: GIT_ENV }).stderr, /adopt it with (npx -p create-pyservice )?pyservice update\n$/);
});

toolTest(t, ['git'], "a rerun with the update's conflicts unresolved: update exit 1 and check exit 3 naming them, until they are resolved", async () => {
  // walk3: after `pyservice update` left debian/control unmerged, a rerun said "Already up to date; nothing to do"
  // (exit 0) and `pyservice check` "up to date" (exit 0), while the fleet's check of the same project said
  // "conflicted" (exit 3)
  const top = tempDir('mono-');
  git(top, 'init', '-q', '-b', 'main');
  mkdirSync(join(top, 'services'));
  const dir = await generate({ name: 'svc-alpha' }, { dir: join(top, 'services', 'svc-alpha'), templateVersion: '1.0.0' });
  appendFileSync(join(dir, '.gitignore'), 'local/\n'); // the templates change the end of .gitignore too
  git(top, 'add', '-A');
  git(top, 'commit', '-qm', 'one service');
  const first = pyservice(['update'], { cwd: dir, env: GIT_ENV });
  assert.is(first.code, 1, first.stderr);
  for (let i = 0; i < 2; i++) {
    const again = pyservice(['update'], { cwd: dir, env: GIT_ENV });
    assert.is(again.code, 1, again.stdout + again.stderr);
    assert.match(again.stderr, /1 file\(s\) still have unresolved conflicts in git's index \(\.gitignore\): resolve each \(look for <<<<<<< markers\), then git add it and commit/);
  }
  const check = pyservice(['check'], { cwd: dir, env: GIT_ENV });
  assert.is(check.code, 3, check.stdout + check.stderr);
  assert.match(check.stdout, /unresolved conflicts in git's index \(\.gitignore\)/);
  const json = pyservice(['check', '--json'], { cwd: dir, env: GIT_ENV });
  assert.is(json.code, 3);
  assert.equal(JSON.parse(json.stdout).conflicts, ['.gitignore']);
  const fleet = pyservice(['update', dir, dir, '--json'], { cwd: top, env: GIT_ENV });
  assert.is(fleet.code, 1);
  assert.equal((JSON.parse(fleet.stdout) as { status: string }[]).map((r) => r.status), ['conflicted'], 'the fleet row (the same folder listed twice is one row)');
  // resolved: back to exit 0, and nothing to do
  git(dir, 'checkout', '--theirs', '.gitignore');
  git(dir, 'add', '.gitignore');
  git(top, 'commit', '-qm', 'templates');
  const done = pyservice(['update'], { cwd: dir, env: GIT_ENV });
  assert.is(done.code, 0, done.stderr);
  assert.match(done.stdout, /nothing to do/);
  assert.is(pyservice(['check'], { cwd: dir, env: GIT_ENV }).code, 0);
});

t.run();
