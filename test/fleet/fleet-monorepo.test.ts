import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { pyservice } from '../helpers/cli.js';
import { generate } from '../helpers/generate.js';
import { tempDir } from '../helpers/tmp.js';
import { toolTest } from '../helpers/tools.js';
import { GIT_ENV } from '../update/fixtures.js';

/**
 * A fleet update whose list names several projects of one monorepo (walk3, the installed package): `update --from
 * list --branch B` committed the team's staged work from elsewhere in the repository into each project's
 * "chore(templates)" commit, and the repository's second project failed ("a branch named 'B' already exists").
 */
const t = suite('fleet update over the projects of one monorepo');
const env = { ...process.env, ...GIT_ENV, NO_COLOR: '1' };
const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, env, encoding: 'utf8' });

async function monorepo(): Promise<{ top: string; alpha: string; beta: string }> {
  const top = tempDir('fleet-mono-');
  git(top, 'init', '-q', '-b', 'main');
  writeFileSync(join(top, 'README.md'), '# monorepo\n');
  mkdirSync(join(top, 'services'));
  const alpha = await generate({ name: 'svc-alpha' }, { dir: join(top, 'services', 'svc-alpha'), templateVersion: '1.0.0' });
  const beta = await generate({ name: 'svc-beta' }, { dir: join(top, 'services', 'svc-beta'), templateVersion: '1.0.0' });
  git(top, 'add', '-A');
  git(top, 'commit', '-qm', 'two services');
  return { top, alpha, beta };
}

toolTest(t, ['git'], '--branch: both projects committed on one branch, each commit holds only its project; work staged elsewhere stays staged', async () => {
  const { top, alpha, beta } = await monorepo();
  appendFileSync(join(top, 'README.md'), 'a draft the team staged\n');
  git(top, 'add', 'README.md');
  const r = pyservice(['update', alpha, beta, '--branch', 'templates-next', '--json'], { cwd: top, env: GIT_ENV });
  assert.is(r.code, 0, r.stdout + r.stderr);
  const rows = JSON.parse(r.stdout) as { dir: string; status: string; branch?: string; commit?: string; message?: string }[];
  assert.equal(rows.map((row) => [row.status, row.branch]), [['updated', 'templates-next'], ['updated', 'templates-next']], r.stdout);
  assert.is(git(top, 'symbolic-ref', '--short', 'HEAD').trim(), 'templates-next');
  const files = (rev: string) => git(top, 'show', '--name-only', '--format=', rev).trim().split('\n');
  const [a, b] = [files(rows[0]!.commit!), files(rows[1]!.commit!)];
  assert.ok(a.length > 5 && a.every((p) => p.startsWith('services/svc-alpha/')), a.join(' '));
  assert.ok(b.length > 5 && b.every((p) => p.startsWith('services/svc-beta/')), b.join(' '));
  assert.is(git(top, 'rev-parse', `${rows[1]!.commit!}^`).trim(), rows[0]!.commit!, "beta's commit follows alpha's on the branch");
  // the index: the draft still staged, nothing else; the working tree: the draft, nothing else
  assert.is(git(top, 'status', '--porcelain'), 'M  README.md\n');
  assert.is(git(top, 'diff', '--cached', 'HEAD', '--name-only'), 'README.md\n');
  assert.is(git(top, 'show', 'HEAD:README.md'), '# monorepo\n');
  // each project is at the latest templates, as git sees it
  assert.is(pyservice(['check'], { cwd: alpha, env: GIT_ENV }).code, 0);
  assert.is(pyservice(['check'], { cwd: beta, env: GIT_ENV }).code, 0);
});

toolTest(t, ['git'], '--branch: a project that conflicts leaves the branch to the team; the next project of that repository is failed, unchanged', async () => {
  const { top, alpha, beta } = await monorepo();
  // a conflict in alpha: the team and templates 1.1.0+ both change the end of .gitignore
  appendFileSync(join(alpha, '.gitignore'), 'local/\n');
  git(top, 'commit', '-qam', 'team edit');
  const r = pyservice(['update', alpha, beta, '--branch', 'templates-next', '--json'], { cwd: top, env: GIT_ENV });
  assert.is(r.code, 1, r.stdout + r.stderr);
  const rows = JSON.parse(r.stdout) as { status: string; message?: string }[];
  assert.is(rows[0]!.status, 'conflicted', r.stdout);
  assert.is(rows[1]!.status, 'failed', r.stdout);
  assert.match(rows[1]!.message!, /services\/svc-alpha left conflicts on templates-next in this repository \(services\/svc-alpha\/[^)]+\); resolve and commit them, then rerun for this project; nothing was changed/);
  assert.is(git(top, 'status', '--porcelain', '--', 'services/svc-beta'), '', 'beta untouched');
});

toolTest(t, ['git'], '--branch: a repository on a detached HEAD with nothing to do is left detached where it was, with no new branch', async () => {
  // walk3: `pyservice update . ../ok-one --branch tnext` left the detached, up-to-date repository on a new branch
  // tnext (its row said no branch); a repository on a branch was already given back its branch
  const top = tempDir('fleet-detached-');
  const dir = await generate({ name: 'svc-gamma' }, { dir: join(top, 'svc-gamma') });
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'one');
  git(dir, 'commit', '-q', '--allow-empty', '-m', 'two');
  git(dir, 'checkout', '-q', '--detach', 'HEAD~1');
  const at = git(dir, 'rev-parse', 'HEAD');
  const r = pyservice(['update', dir, dir + '/', '--branch', 'tnext', '--json'], { cwd: top, env: GIT_ENV });
  assert.is(r.code, 0, r.stdout + r.stderr);
  assert.ok((JSON.parse(r.stdout) as { status: string }[]).every((row) => row.status === 'up-to-date'), r.stdout);
  assert.is(git(dir, 'rev-parse', 'HEAD'), at);
  assert.is(git(dir, 'rev-parse', '--abbrev-ref', 'HEAD'), 'HEAD\n', 'still detached');
  assert.is(git(dir, 'branch', '--list', 'tnext'), '', 'no branch left behind');
});

toolTest(t, ['git'], '--branch run again (a CI retry, a run killed part way): repositories already on the branch go on there; one whose update is staged but not committed is named, unchanged', async () => {
  // attack8: rerunning a finished 'update A B C --branch tnext' failed every row with "cannot create branch tnext: a
  // branch named 'tnext' already exists" (exit 1), so a CI retry of the job never passed
  const repos: string[] = [];
  for (const name of ['svc-one', 'svc-two', 'svc-three']) {
    const dir = await generate({ name }, { templateVersion: '1.4.0' });
    git(dir, 'init', '-q', '-b', 'main');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'init');
    repos.push(dir);
  }
  const [one, two, three] = repos as [string, string, string];
  const first = pyservice(['update', one, two, '--branch', 'tnext', '--json'], { env: GIT_ENV });
  assert.is(first.code, 0, first.stdout + first.stderr);
  const heads = [one, two].map((d) => git(d, 'rev-parse', 'HEAD'));
  // three: a run killed after its update was applied, before its commit
  git(three, 'switch', '-q', '-c', 'tnext');
  const applied = pyservice(['update', '--yes'], { cwd: three, env: GIT_ENV });
  assert.is(applied.code, 0, applied.stderr);
  const staged = git(three, 'status', '--porcelain');
  assert.ok(staged.trim(), 'the update is staged on tnext');

  const again = pyservice(['update', one, two, three, '--branch', 'tnext', '--json'], { env: GIT_ENV });
  assert.is(again.code, 1, again.stdout + again.stderr);
  const rows = JSON.parse(again.stdout) as { status: string; message?: string }[];
  assert.equal(rows.map((row) => row.status), ['up-to-date', 'up-to-date', 'failed'], again.stdout);
  assert.is(rows[2]!.message, 'HEAD is already on tnext, where this project has changes not committed (an interrupted run of this command?); review them (git status), commit or drop them, then rerun; nothing was changed');
  assert.equal([one, two].map((d) => git(d, 'rev-parse', 'HEAD')), heads, 'no new commit');
  assert.equal([one, two, three].map((d) => git(d, 'symbolic-ref', '--short', 'HEAD').trim()), ['tnext', 'tnext', 'tnext'], 'each stays on the branch');
  assert.is(git(three, 'status', '--porcelain'), staged, 'nothing changed in the staged one');

  git(three, 'commit', '-qm', 'the interrupted update, reviewed');
  const last = pyservice(['update', one, two, three, '--branch', 'tnext'], { env: GIT_ENV });
  assert.is(last.code, 0, last.stdout + last.stderr);
  assert.match(last.stdout, /3 repositories: 3 up-to-date/);
});

t.run();
