import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pyservice } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { toolTest } from '../helpers/tools.js';
import { git, oldProject } from '../update/fixtures.js';

/**
 * A fleet run as a user starts it: a list with a path that is not there, and a machine where git has no
 * identity. Each row names its own problem and the fix; a repository that cannot be committed is left as it was.
 */
const t = suite('fleet check/update: paths that are not there, a git without identity');

/** git without an identity: a HOME whose config refuses guessed ones, and none of git's identity variables. */
function noIdentityEnv(): Record<string, string | undefined> {
  const home = tempDir();
  writeFileSync(join(home, '.gitconfig'), '[user]\n\tuseConfigOnly = true\n');
  return { HOME: home, XDG_CONFIG_HOME: join(home, '.config'), GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: undefined, GIT_AUTHOR_EMAIL: undefined, GIT_COMMITTER_NAME: undefined, GIT_COMMITTER_EMAIL: undefined, EMAIL: undefined };
}

toolTest(t, ['git'], 'a listed path that does not exist is "no such directory", not "not a pyservice project"', async () => {
  // Measured before: /nonexistent in a --from list was 'not a pyservice project (no .pyservice.json); adopt it
  // with pyservice update in that directory'
  const dir = await oldProject({}, '1.2.0');
  const list = join(tempDir(), 'fleet.txt');
  writeFileSync(list, `${dir}\n../no-such-repo\n${join(dir, 'setup.py')}\n`);
  for (const cmd of ['check', 'update']) {
    const r = pyservice([cmd, '--from', list], { cwd: dir });
    assert.is(r.code, 1, r.stderr);
    assert.match(r.stdout, /no-such-repo\s+failed.*no such directory; fix the path \(a --from list's paths are relative to the list file\)/);
    assert.match(r.stdout, /setup\.py\s+failed.*not a directory/);
    assert.not.match(r.stdout, /no-such-repo.*pyservice project/);
  }
});

toolTest(t, ['git'], 'update --branch where git has no identity: failed, naming user.name/user.email; no branch, nothing staged', async () => {
  // Measured before: each repository was switched to the new branch, the update staged there, then 'git commit
  // failed: Author identity unknown'; the team was left on the branch with a staged update in every repository.
  const dir = await oldProject({}, '1.2.0');
  const head = git(dir, 'symbolic-ref', '--short', 'HEAD').trim();
  const r = pyservice(['update', dir, '--branch', 'templates-next', '--json'], { cwd: dir, env: noIdentityEnv() });
  assert.is(r.code, 1, r.stderr);
  const [row] = JSON.parse(r.stdout) as { status: string; message: string }[];
  assert.is(row!.status, 'failed');
  assert.match(row!.message, /^git has no identity to commit with here \(.+\); set user\.name and user\.email \(git config --global\), then rerun; nothing was changed$/);
  assert.is(git(dir, 'symbolic-ref', '--short', 'HEAD').trim(), head);
  assert.is(git(dir, 'branch', '--list', 'templates-next').trim(), '');
  assert.is(git(dir, 'status', '--porcelain').trim(), '');
  // with an identity the same run commits
  const ok = pyservice(['update', dir, '--branch', 'templates-next', '--json'], { cwd: dir, env: { ...noIdentityEnv(), GIT_AUTHOR_NAME: 'T', GIT_AUTHOR_EMAIL: 't@example.org', GIT_COMMITTER_NAME: 'T', GIT_COMMITTER_EMAIL: 't@example.org' } });
  assert.is(ok.code, 0, ok.stdout + ok.stderr);
  assert.is((JSON.parse(ok.stdout) as { status: string }[])[0]!.status, 'updated');
});

toolTest(t, ['git'], 'update --to moves a fleet one template version at a time; a repository at or past it is up to date', async () => {
  // Measured before (a team lead's walk, 1.0.0 → 1.5.0 one version a step): `update --from fleet.txt --to 1.1.0
  // --branch templates-1.1.0` was exit 2, "update takes only --json, --branch, …; check first with pyservice check
  // DIR…", so a fleet could only jump to the latest.
  const ids = { GIT_AUTHOR_NAME: 'T', GIT_AUTHOR_EMAIL: 't@example.org', GIT_COMMITTER_NAME: 'T', GIT_COMMITTER_EMAIL: 't@example.org' };
  const dirs = [await oldProject({ name: 'fleet-to-a' }, '1.0.0'), await oldProject({ name: 'fleet-to-b' }, '1.1.0'), await oldProject({ name: 'fleet-to-c', type: 'library' }, '1.2.0')];
  const r = pyservice(['update', ...dirs, '--to', '1.1.0', '--branch', 'templates-1.1.0', '--json'], { cwd: dirs[0], env: ids });
  assert.is(r.code, 0, r.stdout + r.stderr);
  const rows = JSON.parse(r.stdout) as { status: string; from: string; to: string; message?: string }[];
  assert.equal(rows.map((x) => [x.status, x.from, x.to]), [['updated', '1.0.0', '1.1.0'], ['up-to-date', '1.1.0', '1.1.0'], ['up-to-date', '1.2.0', '1.2.0']]);
  assert.is(rows[2]!.message, 'already past 1.1.0');
  assert.is(JSON.parse(git(dirs[0]!, 'show', 'templates-1.1.0:.pyservice.json')).templateVersion, '1.1.0');
  assert.is(git(dirs[1]!, 'branch', '--list', 'templates-1.1.0').trim(), '', 'nothing to do: no branch');
  // Flags that only make sense for one repository name themselves and the one-repository form.
  const dry = pyservice(['update', ...dirs, '--dry-run'], { cwd: dirs[0], env: ids });
  assert.is(dry.code, 2);
  assert.match(dry.stderr, /^error: --dry-run works on one repository at a time \(pyservice update --dry-run DIR\); with several repositories, --branch or --from, update takes only --json, --branch, --from, --to, /);
});

toolTest(t, ['git'], 'a dirty repository\'s row names the files in the way, not a message cut at its colon', async () => {
  // Measured before: 'the working tree has changes the update could mix with its own; commit or stash them first,
  // or pass --allow-dirty:' and nothing after it (the paths were on the next lines of the error, which the table dropped).
  const dir = await oldProject({ name: 'fleet-dirty' }, '1.1.0');
  writeFileSync(join(dir, 'setup.py'), '# work in progress\n', { flag: 'a' });
  writeFileSync(join(dir, 'Makefile'), '# work in progress\n', { flag: 'a' });
  const list = join(tempDir(), 'fleet.txt');
  writeFileSync(list, `${dir}\n`);
  const r = pyservice(['update', '--from', list, '--json'], { cwd: dir });
  assert.is(r.code, 1, r.stderr);
  const [row] = JSON.parse(r.stdout) as { status: string; message: string }[];
  assert.is(row!.status, 'failed');
  assert.match(row!.message, /or pass --allow-dirty: (Makefile \(modified\), setup\.py \(modified\)|setup\.py \(modified\), Makefile \(modified\))$/);
});

t.run();
