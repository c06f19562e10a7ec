import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, existsSync, mkdirSync, readdirSync, renameSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pyservice } from '../helpers/cli.js';
import { toolTest } from '../helpers/tools.js';
import { tempDir } from '../helpers/tmp.js';
import { overridesFrom } from '../../src/exec/git-guard.js';
import { commitAll, git, GIT_ENV, oldProject, read, snapshot } from './fixtures.js';

/**
 * A repository's own git configuration cannot make pyservice's git run a program. A checkout copied from
 * someone else (or unpacked, or handed over by CI) carries its .git/config and .git/hooks; git trusts them, so
 * every git this tool starts turns off hooks and the fsmonitor and takes back the repository's filter, diff,
 * merge and signing programs (src/exec/git-guard.ts).
 */
const t = suite('git config in the repository runs nothing');
const env = { NO_COLOR: '1', ...GIT_ENV };

/** Makes `dir`'s repository run a program at each place git would, each leaving a file named after it in `marks`. */
function plantPrograms(dir: string, marks: string): void {
  mkdirSync(marks, { recursive: true });
  const mark = (what: string) => `touch '${marks}/${what}'`;
  // committed first, with no filter configured, so the tree itself is clean
  writeFileSync(join(dir, '.gitattributes'), '* filter=evil diff=evil merge=evil\n');
  commitAll(dir, 'attributes');
  git(dir, 'config', 'core.fsmonitor', `${mark('fsmonitor')}; false`);
  git(dir, 'config', 'filter.evil.clean', `${mark('clean')}; cat`);
  git(dir, 'config', 'filter.evil.smudge', `${mark('smudge')}; cat`);
  git(dir, 'config', 'filter.evil.required', 'true');
  git(dir, 'config', 'diff.evil.textconv', `${mark('textconv')}; cat`);
  git(dir, 'config', 'merge.evil.driver', `${mark('merge')}; false`);
  git(dir, 'config', 'commit.gpgSign', 'true');
  git(dir, 'config', 'gpg.program', `${join(marks, 'gpg.sh')}`);
  writeFileSync(join(marks, 'gpg.sh'), `#!/bin/sh\n${mark('gpg')}\nexit 1\n`);
  chmodSync(join(marks, 'gpg.sh'), 0o755);
  // hooks where git looks by default, and where a core.hooksPath the repository sets points
  const hooks = join(marks, 'hooks');
  mkdirSync(hooks);
  for (const d of [hooks, join(dir, '.git', 'hooks')])
    for (const h of ['post-index-change', 'reference-transaction', 'post-commit', 'prepare-commit-msg', 'post-checkout', 'pre-auto-gc']) {
      writeFileSync(join(d, h), `#!/bin/sh\n${mark(`hook-${h}`)}\n`);
      chmodSync(join(d, h), 0o755);
    }
  git(dir, 'config', 'core.hooksPath', hooks);
  // every tracked file racy: git must look at its content, through the filter
  const future = new Date(Date.now() + 3_600_000);
  for (const f of ['setup.py', 'Makefile', 'README.md', '.pyservice.json', 'pyproject.toml']) if (existsSync(join(dir, f))) utimesSync(join(dir, f), future, future);
}

const ran = (marks: string) => readdirSync(marks).filter((f) => f !== 'hooks' && f !== 'gpg.sh');

toolTest(t, ['git'], 'update and check in a repository whose .git/config runs programs: none runs, the update is staged as without them', async () => {
  const dir = await oldProject({}, '1.3.0');
  const marks = tempDir('repo-config-marks-');
  plantPrograms(dir, marks);
  const c = pyservice(['check'], { cwd: dir, env });
  assert.is(c.code, 3, c.stderr);
  const u = pyservice(['update'], { cwd: dir, env });
  assert.is(u.code, 0, u.stderr);
  assert.equal(ran(marks), [], 'no program of the repository ran');
  // what was staged is the files' bytes (the filter never ran), and the index has nothing left to refresh
  assert.match(git(dir, 'diff', '--cached', '--name-only'), '.pyservice.json');
  assert.is(git(dir, 'show', ':.pyservice.json'), read(dir, '.pyservice.json'));
});

toolTest(t, ['git'], 'fleet update --branch commits without the repository\'s hooks or signing program; the user\'s own signing program signs', async () => {
  const dir = await oldProject({}, '1.3.0');
  const marks = tempDir('repo-config-marks-');
  plantPrograms(dir, marks);
  // the user's signing program (their global config), which the repository's commit.gpgSign asks for
  const user = tempDir('repo-config-user-');
  const signer = join(user, 'sign.sh');
  writeFileSync(signer, `#!/bin/sh\ntouch '${user}/signed'\ncat >/dev/null\necho '[GNUPG:] SIG_CREATED D 1 8 00 0 X' >&2\nprintf -- '-----BEGIN PGP SIGNATURE-----\\n\\nx\\n-----END PGP SIGNATURE-----\\n'\n`);
  chmodSync(signer, 0o755);
  writeFileSync(join(user, 'gitconfig'), `[gpg]\n\tprogram = ${signer}\n`);
  const u = pyservice(['update', '--branch', 'templates', dir], { cwd: dir, env: { ...env, GIT_CONFIG_GLOBAL: join(user, 'gitconfig') } });
  assert.is(u.code, 0, u.stdout + u.stderr);
  assert.equal(ran(marks), [], 'no program of the repository ran');
  assert.ok(existsSync(join(user, 'signed')), "the user's signing program signed the commit");
  assert.is(git(dir, 'symbolic-ref', '--short', 'HEAD').trim(), 'templates');
  assert.match(git(dir, 'log', '-1', '--format=%s'), 'update to templates');
});

toolTest(t, ['git'], 'deb --force in a repository whose .git/config runs programs: none runs while it stages debian/', async () => {
  const dir = join(tempDir('repo-config-deb-'), 'tool');
  mkdirSync(dir);
  writeFileSync(join(dir, 'pyproject.toml'), '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n\n[project]\nname = "evil-cfg-tool"\nversion = "1.0"\nlicense = {text = "MIT"}\n\n[project.scripts]\nevil-cfg-tool = "evil_cfg_tool:main"\n');
  mkdirSync(join(dir, 'evil_cfg_tool'));
  writeFileSync(join(dir, 'evil_cfg_tool', '__init__.py'), 'def main():\n    pass\n');
  git(dir, 'init', '-q', '-b', 'main');
  commitAll(dir, 'tool');
  const marks = tempDir('repo-config-marks-');
  plantPrograms(dir, marks);
  const r = pyservice(['deb', '--yes', '--kind', 'tool', '--maintainer', 'T <t@example.org>'], { cwd: dir, env });
  assert.is(r.code, 0, r.stderr);
  assert.ok(existsSync(join(dir, 'debian', 'control')));
  assert.equal(ran(marks), [], 'no program of the repository ran');
});

t('the repository\'s program settings go back to the user\'s, or to git\'s default; git-lfs and other keys stay', () => {
  const rec = (scope: string, key: string, value: string) => `${scope}\0${key}\n${value}\0`;
  const out = [
    rec('global', 'filter.lfs.process', 'git-lfs filter-process'),
    rec('global', 'gpg.program', '/usr/local/bin/gpg2'),
    rec('local', 'filter.lfs.process', 'git-lfs filter-process'),
    rec('local', 'filter.lfs.required', 'true'),
    rec('local', 'filter.a=b.clean', 'evil'),
    rec('local', 'filter.a=b.required', 'true'),
    rec('local', 'gpg.program', 'evil'),
    rec('worktree', 'gpg.ssh.program', 'evil'),
    rec('local', 'core.autocrlf', 'true'),
    rec('local', 'diff.x.textconv', 'evil'),
    rec('local', 'core.pager', 'evil'),
    rec('command', 'core.pager', 'less'),
  ].join('');
  assert.equal(overridesFrom(out), [
    ['filter.a=b.clean', ''],
    ['filter.a=b.required', 'false'],
    ['gpg.program', '/usr/local/bin/gpg2'],
    ['gpg.ssh.program', 'ssh-keygen'],
    ['diff.x.textconv', ''],
  ]);
});

toolTest(t, ['git'], "a core.worktree pointing elsewhere: update (even --allow-dirty) is exit 2 naming it, nothing written or staged; a dry run says it would refuse", async () => {
  const dir = await oldProject({}, '1.3.0');
  const elsewhere = tempDir('repo-config-worktree-');
  const index = git(dir, 'ls-files', '--stage');
  const files = snapshot(dir);
  git(dir, 'config', 'core.worktree', elsewhere);
  for (const args of [['update', '--allow-dirty'], ['update']]) {
    const u = pyservice(args, { cwd: dir, env });
    assert.is(u.code, 2, u.stdout + u.stderr);
    assert.match(u.stderr, `git's work tree for this repository is "${elsewhere}" (core.worktree in its config)`);
    assert.match(u.stderr, 'config --unset core.worktree');
    assert.is(u.stderr.trim().split('\n').length, 1, u.stderr);
  }
  const d = pyservice(['update', '--dry-run'], { cwd: dir, env });
  assert.match(d.stderr, "update would refuse: git's work tree for this repository is");
  git(dir, 'config', '--unset', 'core.worktree');
  assert.is(git(dir, 'ls-files', '--stage'), index, "git's index is as it was");
  assert.equal(snapshot(dir), files, 'no file was written');
  assert.is(git(dir, 'status', '--porcelain'), '');
  // a core.worktree that names the folder itself (relative to the git directory) is git's default: updated
  git(dir, 'config', 'core.worktree', '..');
  const ok = pyservice(['update'], { cwd: dir, env });
  assert.is(ok.code, 0, ok.stderr);
});

toolTest(t, ['git'], 'a .git file naming a git directory that is not there (a moved main repository): update, its dry run and deb are exit 2 in one line naming it, nothing written', async () => {
  const dir = await oldProject({}, '1.3.0');
  const moved = join(tempDir('repo-config-moved-'), 'gone.git');
  writeFileSync(join(dir, '.git.file'), `gitdir: ${moved}\n`);
  const files = snapshot(dir);
  // the repository itself set aside, .git now a file as a linked worktree's is
  renameSync(join(dir, '.git'), join(tempDir('repo-config-aside-'), 'git'));
  renameSync(join(dir, '.git.file'), join(dir, '.git'));
  for (const args of [['update'], ['update', '--dry-run'], ['deb', '--dry-run', '--yes']]) {
    const r = pyservice(args, { cwd: dir, env });
    assert.is(r.code, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
    assert.is(r.stderr.trim(), `error: "${join(dir, '.git')}" names the git directory "${moved}", which is not there (a worktree or submodule whose repository was moved or removed); repair it (git worktree repair, from the main repository) or run pyservice ${args[0]} in a working clone`);
  }
  const after = snapshot(dir);
  delete after['.git'];
  delete files['.git.file'];
  assert.equal(after, files, 'nothing written');
});

t.run();
