import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { appendFileSync, chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { FailureError, UsageError } from '../../src/errors.js';
import { planProject, type FilePlan, type ProjectRecord } from '../../src/plan/file-plan.js';
import { BASELINE_FILE, parseBaseline, serializeBaseline } from '../../src/update/baseline.js';
import { tempDir } from '../helpers/tmp.js';
import { pyservice } from '../helpers/cli.js';
import { toolTest } from '../helpers/tools.js';
import { commitAll, freshProject as freshLatest, git, oldProject, read, rejection, snapshot, update as updateLatest } from './fixtures.js';
import { latestTemplateVersion, shippedTemplateVersions } from '../../src/templates/manifest.js';

const t = suite('pyservice update with real git: 1.0.0 → 1.1.0 and each case');

// The cases below are about the 1.0.0 → 1.1.0 transition (its rename, removal, new question, Makefile change):
// they pin it, so later template versions do not change what they test.
const TO = '1.1.0';
const update: typeof updateLatest = (dir, over = {}, hooks = {}) => updateLatest(dir, { to: TO, ...over }, hooks);
const freshProject: typeof freshLatest = (answers = {}, v = TO) => freshLatest(answers, v);

const unmerged = (dir: string) =>
  git(dir, 'ls-files', '-u').trim().split('\n').filter(Boolean).map((l) => {
    const [meta, path] = l.split('\t');
    return `${path} ${meta!.split(' ')[2]}`;
  });
const createdOnce = (dir: string) =>
  [...parseBaseline(readFileSync(join(dir, BASELINE_FILE))).entries.values()].filter((e) => e.policy === 'create-once').map((e) => e.path);
const status = (dir: string) => git(dir, 'status', '--porcelain').trim().split('\n').filter(Boolean);

/** A template change no shipped version makes, for the cases that need one (binary files, exec bits, debian/). */
function tweakTheirs(edit: (files: FilePlan['files']) => void) {
  return (record: ProjectRecord, only?: (p: string) => boolean): FilePlan => {
    const plan = planProject(record, only);
    edit(plan.files);
    // keep the new baseline consistent with the tweaked render, as planProject would
    const files = plan.files.filter((f) => f.path !== BASELINE_FILE && f.path !== '.pyservice.json');
    const b = plan.files.find((f) => f.path === BASELINE_FILE)!;
    b.content = serializeBaseline(record.templateVersion, files);
    return plan;
  };
}

toolTest(t, ['git'], 'without user edits the update equals a fresh 1.1.0 project byte for byte, all staged, nothing unmerged', async () => {
  for (const answers of [{ type: 'service' as const }, { type: 'library' as const, name: 'demo-lib' }]) {
    const dir = await oldProject(answers);
    const created = snapshot(dir);
    const { result } = await update(dir);
    assert.is(result.status, 'updated');
    const fresh = snapshot(await freshProject(answers));
    const updated = snapshot(dir);
    // Files created once are the team's from day one: they stay as 1.0.0 wrote them (README, changelog name
    // the template version they were made with). Every other file equals a fresh 1.1.0 render.
    for (const p of createdOnce(dir)) {
      assert.equal(updated[p], created[p], p);
      delete updated[p];
      delete fresh[p];
    }
    assert.equal(updated, fresh, `${answers.type}: updated project differs from a fresh render`);
    assert.equal(unmerged(dir), []);
    assert.is(git(dir, 'diff').trim(), '', 'the working tree equals the index');
    assert.ok(status(dir).includes('A  .editorconfig'));
    assert.ok(status(dir).includes('D  .flake8'));
  }
});

toolTest(t, ['git'], 'every consecutive pair of shipped versions, and every version to the latest: an unedited project updates to a fresh render, nothing unmerged', async () => {
  const versions = shippedTemplateVersions();
  const latest = latestTemplateVersion();
  const pairs = versions.slice(1).map((to, i) => [versions[i]!, to] as const);
  for (const from of versions.slice(0, -2)) pairs.push([from, latest]);
  for (const [from, to] of pairs) {
    for (const answers of [{ type: 'service' as const, name: 'pair-svc' }, { type: 'library' as const, name: 'pair-lib' }]) {
      const dir = await oldProject(answers, from);
      const created = snapshot(dir);
      const once = createdOnce(dir);
      const { result } = await updateLatest(dir, { to });
      assert.is(result.status, 'updated', `${from} → ${to}`);
      const fresh = snapshot(await freshLatest(answers, to));
      const updated = snapshot(dir);
      for (const p of once) {
        // A file created once stays as the old version wrote it (a Makefile handed over to the team carries its edits).
        assert.equal(updated[p], created[p] ?? fresh[p], `${from} → ${to}: ${p} is created once`);
        delete updated[p];
        delete fresh[p];
      }
      assert.equal(updated, fresh, `${from} → ${to} (${answers.type}) differs from a fresh ${to} render`);
      assert.equal(unmerged(dir), [], `${from} → ${to}`);
    }
  }
});

toolTest(t, ['git'], 'user edits are kept: clean merges, a conflict left unmerged (stages 1/2/3), a rename that carries the edits, a kept removal', async () => {
  const dir = await oldProject();
  writeFileSync(join(dir, '.gitignore'), '# team: keep local notes out\nnotes/\n' + read(dir, '.gitignore'));
  appendFileSync(join(dir, 'Makefile'), '\nlint:\n\tflake8 src\n');
  writeFileSync(join(dir, 'CONTRIBUTING.md'), read(dir, 'CONTRIBUTING.md').replace('## Every day', '## Every day\n\nAsk #team-payments before merging.'));
  appendFileSync(join(dir, '.flake8'), 'max-complexity = 10\n');
  const baseMakefile = read(dir, 'Makefile').replace('\nlint:\n\tflake8 src\n', '');
  const oursMakefile = read(dir, 'Makefile');
  commitAll(dir);

  const { result, text } = await update(dir);
  const by = (p: string) => result.actions.find((a) => a.path === p)!;
  assert.is(by('.gitignore').action, 'merge');
  assert.match(read(dir, '.gitignore'), /^# team: keep local notes out\nnotes\/\n[\s\S]*\.mypy_cache\//);
  assert.is(by('Makefile').action, 'conflict');
  assert.match(read(dir, 'Makefile'), /<<<<<<< yours\nlint:\n\tflake8 src\n=======\n[\s\S]*LINT \?=[\s\S]*>>>>>>> templates 1\.1\.0\n/);
  assert.is(by('docs/CONTRIBUTING.md').action, 'rename');
  assert.match(read(dir, 'docs/CONTRIBUTING.md'), /Ask #team-payments before merging\.[\s\S]*## Checks/);
  assert.not.ok(existsSync(join(dir, 'CONTRIBUTING.md')));
  assert.is(by('.flake8').action, 'skip');
  assert.match(read(dir, '.flake8'), /max-complexity = 10/);
  assert.match(text, /conflicted\s+Makefile/);
  assert.match(text, /Summary: 1 updated, 1 merged, 1 conflicted, 1 added, 0 removed, 1 renamed, 1 skipped/);

  // git sees the conflict like a merge's: stages 1, 2, 3 with base, yours, the template's
  assert.equal(unmerged(dir), ['Makefile 1', 'Makefile 2', 'Makefile 3']);
  assert.is(git(dir, 'show', ':1:Makefile'), baseMakefile);
  assert.is(git(dir, 'show', ':2:Makefile'), oursMakefile);
  assert.match(git(dir, 'show', ':3:Makefile'), /\nlint: venv ## Check the sources/);
  assert.ok(status(dir).includes('UU Makefile'));
  assert.throws(() => git(dir, 'commit', '-q', '-m', 'too early'), 'git commit must refuse while Makefile is unmerged');
  // resolving is plain git: take theirs, add, commit
  git(dir, 'checkout', '--theirs', 'Makefile');
  git(dir, 'add', 'Makefile');
  git(dir, 'commit', '-q', '-m', 'templates 1.1.0');
  const again = await update(dir);
  assert.is(again.result.status, 'up-to-date');
  assert.match(again.text, /Already up to date/);
});

toolTest(t, ['git'], 'a new question gets its default; an answer flag changes the render (pythonMinimum → python_requires)', async () => {
  const dir = await oldProject();
  assert.not.match(read(dir, '.pyservice.json'), /pythonMinimum/);
  await update(dir, { given: { pythonMinimum: '3.11' } });
  assert.match(read(dir, 'setup.py'), /python_requires=">=3\.11"/);
  assert.is(JSON.parse(read(dir, '.pyservice.json')).answers.pythonMinimum, '3.11');
  const dflt = await oldProject({ name: 'other-svc' });
  await update(dflt);
  assert.is(JSON.parse(read(dflt, '.pyservice.json')).answers.pythonMinimum, '3.9');
});

toolTest(t, ['git'], 'switching the CI provider replaces the CI file: an unmodified old one is removed, a modified one kept', async () => {
  const dir = await oldProject();
  const { result } = await update(dir, { given: { ci: 'gitlab' } });
  assert.not.ok(existsSync(join(dir, '.github/workflows/ci.yml')));
  assert.not.ok(existsSync(join(dir, '.github')), 'the emptied directories go too');
  assert.ok(existsSync(join(dir, '.gitlab-ci.yml')));
  assert.is(result.actions.find((a) => a.path === '.github/workflows/ci.yml')!.action, 'remove');

  const kept = await oldProject({ name: 'kept-ci' });
  appendFileSync(join(kept, '.github/workflows/ci.yml'), '# our own step\n');
  commitAll(kept);
  const r2 = await update(kept, { given: { ci: 'gitlab' } });
  assert.ok(existsSync(join(kept, '.github/workflows/ci.yml')));
  assert.is(r2.result.actions.find((a) => a.path === '.github/workflows/ci.yml')!.action, 'skip');
});

toolTest(t, ['git'], 'in a bare repository: exit 2 saying it has no working tree and to run in a clone (not git init)', async () => {
  // Measured before: 'is not inside a git repository; pyservice update needs one (git init && git add -A && git commit)'
  const dir = await oldProject();
  const bare = join(tempDir(), 'svc.git');
  execFileSync('git', ['clone', '-q', '--bare', dir, bare]);
  const r = pyservice(['update'], { cwd: bare });
  assert.is(r.code, 2, r.stderr);
  assert.is(r.stderr.trim(), `error: ${bare} is a bare git repository (no working tree to update); run pyservice update in a clone of it (git clone ${bare} DIR)`);
});

toolTest(t, ['git'], 'refuses a dirty tree: modified tracked files and untracked files in the way; other untracked files are fine; --allow-dirty overrides', async () => {
  const dir = await oldProject();
  appendFileSync(join(dir, 'README.md'), 'uncommitted\n');
  const before = snapshot(dir);
  let err: unknown;
  try {
    await update(dir);
  } catch (e) {
    err = e;
  }
  assert.instance(err, UsageError);
  assert.match((err as Error).message, /README\.md \(modified\)/);
  assert.equal(snapshot(dir), before, 'nothing written');
  git(dir, 'checkout', 'README.md');

  writeFileSync(join(dir, 'scratch.txt'), 'unrelated untracked file\n');
  writeFileSync(join(dir, '.editorconfig'), 'my_setting = 1\n');
  err = undefined;
  try {
    await update(dir);
  } catch (e) {
    err = e;
  }
  assert.match((err as Error).message, /\.editorconfig \(untracked; the update would write it\)/);
  assert.not.match((err as Error).message, /scratch\.txt/);

  const { result } = await update(dir, { allowDirty: true });
  assert.is(result.actions.find((a) => a.path === '.editorconfig')!.action, 'conflict', 'add/add: yours and the template\'s');
  assert.match(read(dir, '.editorconfig'), /^<<<<<<< yours\nmy_setting = 1\n=======\n# Editor settings/);
  assert.is(read(dir, 'scratch.txt'), 'unrelated untracked file\n');
});

toolTest(t, ['git'], 'refuses a downgrade, an unknown version, and a directory outside git', async () => {
  const dir = await freshProject();
  {
    const e = await rejection(update(dir));
    assert.ok(e instanceof UsageError && /not inside a git repository/.test((e as Error).message), e.message);
  }
  const repo = await oldProject({}, '1.1.0');
  {
    const e = await rejection(update(repo, { to: '1.0.0' }));
    assert.ok(e instanceof UsageError && /refusing to downgrade templates 1\.1\.0 to 1\.0\.0/.test((e as Error).message), e.message);
  }
  {
    const e = await rejection(update(repo, { to: '9.9.9' }));
    assert.ok(e instanceof UsageError && /9\.9\.9 is not shipped/.test((e as Error).message), e.message);
  }  const rec = JSON.parse(read(repo, '.pyservice.json'));
  writeFileSync(join(repo, '.pyservice.json'), JSON.stringify({ ...rec, templateVersion: '9.0.0' }));
  commitAll(repo);
  {
    const e = await rejection(updateLatest(repo));
    assert.ok(e instanceof UsageError && /templates 9\.0\.0, newer than this create-pyservice knows/.test(e.message), e.message);
  }

});

toolTest(t, ['git'], '--dry-run, --diff and --json write nothing; --json is a stable plan', async () => {
  const dir = await oldProject();
  appendFileSync(join(dir, 'Makefile'), '\nlint:\n\ttrue\n');
  commitAll(dir);
  const before = snapshot(dir);
  const idx = git(dir, 'ls-files', '-s');
  const dry = await update(dir, { dryRun: true });
  assert.match(dry.text, /conflicted\s+Makefile\s+1 conflict/);
  assert.match(dry.text, /added\s+\.editorconfig\s+new in templates 1\.1\.0/);
  const diff = await update(dir, { diff: true });
  assert.match(diff.text, /--- \/dev\/null\n\+\+\+ b\/\.editorconfig/);
  assert.match(diff.text, /\+<<<<<<< yours/);
  const json = await update(dir, { json: true });
  const plan = JSON.parse(json.text);
  assert.equal(Object.keys(plan), ['from', 'to', 'origin', 'adopting', 'upToDate', 'baseline', 'answers', 'files', 'recordFiles', 'summary', 'dirty', 'warnings']);
  assert.is(plan.from, '1.0.0');
  assert.is(plan.to, '1.1.0');
  assert.is(plan.baseline, 'recorded');
  assert.equal(plan.answers.added, { pythonMinimum: '3.9' });
  assert.equal(plan.files.find((f: { path: string }) => f.path === 'Makefile'), { path: 'Makefile', action: 'conflict', reason: '1 conflict(s) marked in the file', mode: '644', conflicts: 1 });
  assert.equal(plan.files.find((f: { path: string }) => f.path === 'docs/CONTRIBUTING.md').from, 'CONTRIBUTING.md');
  assert.is(plan.summary.conflicted, 1);
  assert.equal(snapshot(dir), before);
  assert.is(git(dir, 'ls-files', '-s'), idx);
});

toolTest(t, ['git'], 'a file the user turned into a symlink is never written through; nor is a file under a symlinked directory', async () => {
  const dir = await oldProject();
  const outside = join(tempDir(), 'outside-Makefile');
  writeFileSync(outside, 'not yours to touch\n');
  unlinkSync(join(dir, 'Makefile'));
  symlinkSync(outside, join(dir, 'Makefile'));
  const elsewhere = join(tempDir(), 'debian-elsewhere');
  renameSync(join(dir, 'debian'), elsewhere);
  symlinkSync(elsewhere, join(dir, 'debian'));
  const controlBefore = readFileSync(join(elsewhere, 'control'), 'utf8');
  commitAll(dir);
  const { result } = await update(dir, {}, { plan: tweakTheirs((files) => {
    const control = files.find((f) => f.path === 'debian/control')!;
    control.content = Buffer.concat([control.content, Buffer.from('# changed by the template\n')]);
  }) });
  assert.is(readFileSync(outside, 'utf8'), 'not yours to touch\n');
  assert.is(result.actions.find((a) => a.path === 'Makefile')!.action, 'skip');
  assert.match(result.actions.find((a) => a.path === 'Makefile')!.reason, /symlink; never written through/);
  assert.is(readFileSync(join(elsewhere, 'control'), 'utf8'), controlBefore);
  assert.match(result.actions.find((a) => a.path === 'debian/control')!.reason, /parent debian is a symlink/);
});

toolTest(t, ['git'], 'executable bits and binary files reach the disk and the index (whole-file rules for binaries)', async () => {
  const dir = await oldProject({}, '1.1.0');
  // a binary file the (hypothetical) template shipped, changed by the team since
  const bin = (n: number) => Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, n]);
  const baseline = parseBaseline(readFileSync(join(dir, BASELINE_FILE)));
  const files = [...baseline.entries.values()].map((e) => ({ path: e.path, content: e.content ?? Buffer.from('x'), mode: e.mode, policy: e.policy }));
  files.push({ path: 'assets/logo.png', content: bin(1), mode: 0o644, policy: 'merge' });
  writeFileSync(join(dir, BASELINE_FILE), serializeBaseline('1.1.0', files));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'assets/logo.png'), bin(2));
  commitAll(dir);
  const { result } = await update(dir, { to: '1.1.0' }, { plan: tweakTheirs((fs) => {
    fs.push({ path: 'assets/logo.png', content: bin(3), mode: 0o644, policy: 'merge', template: 'x' });
    fs.find((f) => f.path === 'Makefile')!.mode = 0o755;
  }) });
  const logo = result.actions.find((a) => a.path === 'assets/logo.png')!;
  assert.is(logo.action, 'conflict');
  assert.ok(readFileSync(join(dir, 'assets/logo.png')).equals(bin(2)), 'the working file stays the team\'s, byte for byte');
  assert.equal(unmerged(dir), ['assets/logo.png 1', 'assets/logo.png 2', 'assets/logo.png 3']);
  const stage3 = execFileSync('git', ['show', ':3:assets/logo.png'], { cwd: dir });
  assert.ok(stage3.equals(bin(3)), 'git checkout --theirs gets the template\'s bytes');
  assert.is(result.actions.find((a) => a.path === 'Makefile')!.action, 'update');
  assert.ok((readFileSync(join(dir, 'Makefile')) && (execFileSync('stat', ['-c', '%a', join(dir, 'Makefile')], { encoding: 'utf8' }).trim() === '755')));
  assert.match(git(dir, 'ls-files', '-s', 'Makefile'), /^100755 /);
});

toolTest(t, ['git'], 'the user deleted a template file: it stays deleted even though the template changed it', async () => {
  const dir = await oldProject();
  git(dir, 'rm', '-q', '.gitignore');
  commitAll(dir);
  const { result, text } = await update(dir);
  assert.not.ok(existsSync(join(dir, '.gitignore')));
  assert.is(result.actions.find((a) => a.path === '.gitignore')!.action, 'skip');
  assert.match(text, /skipped\s+\.gitignore\s+you deleted it/);
});

toolTest(t, ['git'], 'the baseline works in a fresh shallow clone (no old templates needed); without it, a re-render fallback is announced', async () => {
  const dir = await oldProject();
  appendFileSync(join(dir, '.gitignore'), 'local/\n');
  commitAll(dir);
  const clone = join(tempDir(), 'clone');
  execFileSync('git', ['clone', '-q', '--depth', '1', `file://${dir}`, clone]);
  const a = await update(dir);
  const b = await update(clone);
  assert.equal(snapshot(clone), snapshot(dir));
  assert.equal(b.result.plan!.warnings, []);
  assert.is(a.result.plan!.baseline, 'recorded');

  const lost = await oldProject({ name: 'lost-baseline' });
  git(lost, 'rm', '-q', BASELINE_FILE);
  commitAll(lost);
  const c = await update(lost);
  assert.is(c.result.plan!.baseline, 're-rendered');
  assert.match(c.text, /re-rendered templates 1\.0\.0 as the merge base instead/);
});

toolTest(t, ['git'], 'a project from `pyservice deb` is updated only in debian/', async () => {
  const dir = await oldProject();
  // what the deb flow leaves: debian/ plus the record (origin "deb") and a baseline of debian/ only
  const rec = JSON.parse(read(dir, '.pyservice.json'));
  rec.origin = 'deb';
  writeFileSync(join(dir, '.pyservice.json'), JSON.stringify(rec, null, 2) + '\n');
  const b = parseBaseline(readFileSync(join(dir, BASELINE_FILE)));
  const debianFiles = [...b.entries.values()].filter((e) => e.path.startsWith('debian/')).map((e) => ({ path: e.path, content: e.content ?? Buffer.alloc(0), mode: e.mode, policy: e.policy }));
  writeFileSync(join(dir, BASELINE_FILE), serializeBaseline('1.0.0', debianFiles));
  for (const f of ['Makefile', '.gitignore', 'CONTRIBUTING.md', '.flake8']) rmSync(join(dir, f));
  commitAll(dir);
  const { result } = await update(dir, {}, { plan: tweakTheirs((files) => {
    const rules = files.find((f) => f.path === 'debian/rules');
    if (rules) rules.content = Buffer.concat([rules.content, Buffer.from('# template fix\n')]);
  }) });
  assert.ok(result.actions.every((a) => a.path.startsWith('debian/')), JSON.stringify(result.actions.map((a) => a.path)));
  for (const f of ['Makefile', '.gitignore', '.editorconfig', 'docs/CONTRIBUTING.md']) assert.not.ok(existsSync(join(dir, f)), `${f} added to a deb-flow project`);
  assert.match(read(dir, 'debian/rules'), /# template fix\n$/);
  assert.is(JSON.parse(read(dir, '.pyservice.json')).origin, 'deb');
});

toolTest(t, ['git'], 'a .git/index.lock held when the update starts is reported before anything is written, and not deleted; once it is gone the update runs', async () => {
  // Before: every file was written and the journal left, then the run stopped at git's index (exit 1)
  const dir = await oldProject();
  writeFileSync(join(dir, '.git/index.lock'), '');
  const before = snapshot(dir);
  {
    const e = await rejection(update(dir));
    assert.ok(e instanceof FailureError && /index\.lock exists\): another git command is running.*rerun `pyservice update`; nothing was written$/.test((e as Error).message), e.message);
  }
  assert.ok(existsSync(join(dir, '.git/index.lock')), 'the lock is left for the user');
  assert.not.ok(existsSync(join(dir, '.git/pyservice-update')), 'no journal');
  assert.equal(snapshot(dir), before, 'no file written');
  rmSync(join(dir, '.git/index.lock'));
  const { result } = await update(dir);
  assert.is(result.status, 'updated');
  assert.not.ok(existsSync(join(dir, '.git/pyservice-update')));
  const fresh = snapshot(await freshProject());
  const updated = snapshot(dir);
  for (const p of createdOnce(dir)) delete fresh[p], delete updated[p];
  assert.equal(updated, fresh);
  assert.ok(status(dir).includes('A  .editorconfig'));
});

toolTest(t, ['git'], 'pyservice deb: a held .git/index.lock and a live run\'s lock name pyservice deb in their fix', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'setup.py'), 'from setuptools import setup\nsetup(name="locked-tool", version="1.0", description="Waits", py_modules=["locked_tool"], entry_points={"console_scripts": ["locked-tool = locked_tool:main"]})\n');
  writeFileSync(join(dir, 'locked_tool.py'), 'def main():\n    return 0\n');
  git(dir, 'init', '-q');
  commitAll(dir);
  const args = ['deb', dir, '--yes', '--kind', 'tool', '--maintainer', 'T <t@example.org>'];
  writeFileSync(join(dir, '.git/index.lock'), '');
  const r = await pyservice(args);
  assert.is(r.code, 1, r.stderr);
  assert.match(r.stderr, /rerun `pyservice deb`; nothing was written/);
  assert.is(status(dir).join('\n'), '', 'nothing written');
  rmSync(join(dir, '.git/index.lock'));
  // A live pyservice deb holds the repository's lock (this test's own pid is alive)
  writeFileSync(join(dir, '.git/pyservice-update.lock'), JSON.stringify({ pid: process.pid, host: (await import('node:os')).hostname(), started: 'now', command: 'deb' }) + '\n');
  const held = await pyservice(args);
  assert.is(held.code, 1, held.stderr);
  assert.match(held.stderr, /another pyservice deb is running in this repository .*then run pyservice deb again/);
  rmSync(join(dir, '.git/pyservice-update.lock'));
  const ok = await pyservice(args);
  assert.is(ok.code, 0, ok.stderr);
});

toolTest(t, ['git'], 'a sparse checkout that keeps template files off the disk is refused (even with --allow-dirty), nothing written; widened, the update runs', async () => {
  // Before: the files outside the cone read as deleted by the user ('you deleted it; … not restored'), and the
  // record and baseline moved on to the new version: widening the checkout later brought the old files back, the
  // templates' change to them lost for good
  const dir = await oldProject();
  git(dir, 'sparse-checkout', 'set', '--no-cone', '/.pyservice.*', '/setup.py');
  assert.not.ok(existsSync(join(dir, 'Makefile')), 'sparse');
  const before = snapshot(dir);
  for (const over of [{}, { allowDirty: true }]) {
    const e = await rejection(update(dir, over));
    assert.ok(e instanceof UsageError, String(e));
    assert.match(e.message, /^\S+(, \S+)*( and \d+ more)? (is|are) outside this sparse checkout \(git sparse-checkout\): .*run `git sparse-checkout disable` .*and rerun pyservice update; nothing was written$/);
  }
  assert.equal(snapshot(dir), before, 'nothing written');
  assert.is(git(dir, 'status', '--porcelain'), '');
  git(dir, 'sparse-checkout', 'disable');
  const { result } = await update(dir);
  assert.is(result.status, 'updated');
  assert.is(JSON.parse(read(dir, '.pyservice.json')).templateVersion, TO);
  const fresh = snapshot(await freshProject());
  const updated = snapshot(dir);
  for (const p of createdOnce(dir)) delete fresh[p], delete updated[p];
  assert.equal(updated, fresh);
});

toolTest(t, ['git'], '--conflict rej: your side stays in the file, the template hunks go to <file>.rej, the file stays unmerged', async () => {
  const dir = await oldProject();
  appendFileSync(join(dir, 'Makefile'), '\nlint:\n\ttrue\n');
  commitAll(dir);
  await update(dir, { conflict: 'rej' });
  assert.not.match(read(dir, 'Makefile'), /<<<<<<</);
  assert.match(read(dir, 'Makefile'), /\nlint:\n\ttrue\n$/);
  assert.match(read(dir, 'Makefile.rej'), /^--- a\/Makefile\n\+\+\+ b\/Makefile\n@@[\s\S]*\+LINT \?=/);
  assert.equal(unmerged(dir), ['Makefile 1', 'Makefile 2', 'Makefile 3']);
});

toolTest(t, ['git', '/usr/bin/python3'], 'adopting a repository without the answers file: answers from setup.py and git config, every existing file add/add', async () => {
  const dir = join(tempDir(), 'legacy');
  mkdirSync(dir);
  writeFileSync(join(dir, 'setup.py'), 'from setuptools import setup\nsetup(name="legacy-tool", version="2.3.0", description="An old tool", author="Old Team", author_email="old@example.org")\n');
  const teamMakefile = 'all:\n\techo our own build\n';
  writeFileSync(join(dir, 'Makefile'), teamMakefile);
  git(dir, 'init', '-q', '-b', 'main');
  commitAll(dir, 'legacy');
  {
    const e = await rejection(update(dir));
    assert.ok(e instanceof UsageError && /--type/.test((e as Error).message), e.message);
  }
  const { result } = await update(dir, { given: { type: 'library' } });
  const rec = JSON.parse(read(dir, '.pyservice.json'));
  assert.is(rec.answers.name, 'legacy-tool');
  assert.is(rec.answers.description, 'An old tool');
  assert.is(rec.answers.author, 'Old Team');
  assert.is(rec.answers.version, '2.3.0');
  assert.is(result.plan!.adopting, true);
  const mk = read(dir, 'Makefile');
  for (const line of teamMakefile.split('\n').filter(Boolean)) assert.ok(mk.includes(line), `lost "${line}"`);
  assert.match(mk, /<<<<<<< yours/);
  assert.equal(unmerged(dir).filter((l) => l.startsWith('Makefile')), ['Makefile 2', 'Makefile 3'], 'add/add: no base stage');
  assert.ok(existsSync(join(dir, '.editorconfig')));
  assert.ok(existsSync(join(dir, BASELINE_FILE)));
});

toolTest(t, ['git'], 'pyservice check and templates: exit 3 when behind, 0 when up to date, 2 outside a project; JSON shapes', async () => {
  const dir = await oldProject();
  const behind = pyservice(['check', '--json'], { cwd: dir });
  assert.is(behind.code, 3);
  const latest = latestTemplateVersion();
  assert.equal(JSON.parse(behind.stdout), { current: '1.0.0', latest, upToDate: false });
  assert.ok(pyservice(['check'], { cwd: join(dir, 'src') }).stdout.includes(`1.0.0 → ${latest}`));
  const upd = pyservice(['update'], { cwd: dir });
  assert.is(upd.code, 0, upd.stderr);
  const ok = pyservice(['check', '--json'], { cwd: dir });
  assert.is(ok.code, 0);
  assert.equal(JSON.parse(ok.stdout), { current: latest, latest, upToDate: true });
  assert.is(pyservice(['check'], { cwd: tempDir() }).code, 2);
  const versions = JSON.parse(pyservice(['templates', '--json']).stdout);
  assert.ok(versions.indexOf('1.0.0') >= 0 && versions.indexOf('1.0.0') < versions.indexOf('1.1.0'));
  const down = pyservice(['update', '--to', '1.0.0'], { cwd: dir });
  assert.is(down.code, 2);
  assert.match(down.stderr, /refusing to downgrade/);
});

t.run();
