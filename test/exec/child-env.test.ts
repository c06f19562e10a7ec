import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { INHERITED_GIT_VARIABLES } from '../../src/exec/child-env.js';
import { INDEX_PASSWORD_ENV } from '../../src/secrets/env.js';
import { create, pyservice } from '../helpers/cli.js';
import { generate } from '../helpers/generate.js';
import { cleanEnv, tempDir } from '../helpers/tmp.js';
import { toolTest } from '../helpers/tools.js';

/**
 * What a child inherits from the caller's environment. A git hook, `git rebase --exec` or a CI step runs us with
 * GIT_DIR, GIT_WORK_TREE and GIT_INDEX_FILE pointing at *its* repository; every git we start must still work on
 * the project's own repository, and no child (git hooks included) sees the index password.
 */
const t = suite('exec: a caller’s git variables and secrets never reach a child');

const SECRET = 'hunter2-child-env-Qx81';

function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8', env: cleanEnv(join(cwd, '..', 'home'), { GIT_AUTHOR_NAME: 'T', GIT_AUTHOR_EMAIL: 't@e.x', GIT_COMMITTER_NAME: 'T', GIT_COMMITTER_EMAIL: 't@e.x' }) });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** A caller's repository with one commit and one staged, uncommitted file (as a pre-commit hook sees it). */
function callerRepo(root: string): string {
  const outer = join(root, 'outer');
  mkdirSync(join(root, 'home'), { recursive: true });
  mkdirSync(outer);
  git(outer, 'init', '-q');
  git(outer, 'commit', '-q', '--allow-empty', '-m', 'outer');
  writeFileSync(join(outer, 'staged.txt'), 'the caller’s own work\n');
  git(outer, 'add', 'staged.txt');
  return outer;
}

const hookVars = (outer: string) => ({ GIT_DIR: join(outer, '.git'), GIT_WORK_TREE: outer, GIT_INDEX_FILE: join(outer, '.git', 'index'), GIT_PREFIX: '' });

t('the variables dropped include every repository-local one git itself lists (git rev-parse --local-env-vars), minus the user’s -c settings', () => {
  const r = spawnSync('git', ['rev-parse', '--local-env-vars'], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  const gits = r.stdout.split('\n').filter((v) => v && !v.startsWith('GIT_CONFIG'));
  assert.ok(gits.length > 5, r.stdout);
  for (const v of gits) assert.ok(INHERITED_GIT_VARIABLES.includes(v), `${v} is repository-local for git but would reach our children`);
});

toolTest(t, ['git'], 'create run from a hook of another repository (GIT_DIR, GIT_WORK_TREE, GIT_INDEX_FILE set): the project gets its own repository and the caller’s is untouched', () => {
  const root = tempDir();
  const outer = callerRepo(root);
  const head = git(outer, 'rev-parse', 'HEAD');
  const r = create([join(root, 'proj'), '--yes', '--name', 'proj'], { cwd: outer, env: { ...cleanEnv(join(root, 'home')), ...hookVars(outer) } });
  assert.is(r.code, 0, r.stderr);
  assert.is(git(outer, 'rev-parse', 'HEAD'), head, 'a commit landed in the caller’s repository');
  assert.is(git(outer, 'diff', '--cached', '--name-only'), 'staged.txt\n', 'the caller’s staged work is still staged, and only it');
  assert.ok(existsSync(join(root, 'proj', '.git')), 'the project has its own repository');
  assert.match(git(join(root, 'proj'), 'log', '--format=%s'), /^Initial commit from create-pyservice/);
  assert.ok(git(join(root, 'proj'), 'ls-files').includes('setup.py'));
});

toolTest(t, ['git'], 'update run with a caller’s GIT_INDEX_FILE: the project’s own index is the one updated', async () => {
  const root = tempDir();
  const outer = callerRepo(root);
  const dir = await generate({ name: 'upd', type: 'library' }, { git: true, templateVersion: '1.0.0', dir: join(root, 'upd') });
  const outerIndex = readFileSync(join(outer, '.git', 'index'));
  const r = pyservice(['update', dir], { cwd: dir, env: { ...cleanEnv(join(root, 'home')), ...hookVars(outer) } });
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  assert.equal(readFileSync(join(outer, '.git', 'index')), outerIndex, 'the caller’s index was written');
  assert.match(git(dir, 'diff', '--cached', '--name-only'), /\.pyservice\.json/, 'the update is staged in the project');
});

toolTest(t, ['git'], 'a fleet update --branch: a program git runs for the commit (the user’s signing program) sees neither the index password nor the caller’s GIT_DIR; the project’s hooks never run', async () => {
  const root = tempDir();
  const outer = callerRepo(root);
  const dir = await generate({ name: 'fleet-one', type: 'library' }, { git: true, templateVersion: '1.0.0', dir: join(root, 'fleet-one') });
  const seen = join(root, 'program-env');
  const hookRan = join(root, 'hook-ran');
  for (const hook of ['post-checkout', 'post-commit']) {
    writeFileSync(join(dir, '.git', 'hooks', hook), `#!/bin/sh\ntouch '${hookRan}'\n`);
    chmodSync(join(dir, '.git', 'hooks', hook), 0o755);
  }
  // The user's own configuration (~/.gitconfig) signs commits with a program of theirs, which git runs
  const signer = join(root, 'sign.sh');
  writeFileSync(signer, `#!/bin/sh\nenv >> '${seen}'\ncat >/dev/null\necho '[GNUPG:] SIG_CREATED D 1 8 00 0 X' >&2\nprintf -- '-----BEGIN PGP SIGNATURE-----\\n\\nx\\n-----END PGP SIGNATURE-----\\n'\n`);
  chmodSync(signer, 0o755);
  mkdirSync(join(root, 'home'), { recursive: true });
  writeFileSync(join(root, 'home', '.gitconfig'), `[commit]\n\tgpgSign = true\n[gpg]\n\tprogram = ${signer}\n`);
  writeFileSync(join(root, 'list'), `${dir}\n`);
  // The repository's own identity: fleet update --branch commits, and refuses (changing nothing) without one (373956a)
  git(dir, 'config', 'user.name', 'Fleet Test');
  git(dir, 'config', 'user.email', 'fleet@example.org');
  const r = pyservice(['update', '--from', join(root, 'list'), '--branch', 'templates-next', '--json'], {
    cwd: root,
    env: { ...cleanEnv(join(root, 'home')), [INDEX_PASSWORD_ENV]: SECRET, GIT_DIR: join(outer, '.git'), GIT_INDEX_FILE: join(outer, '.git', 'index') },
  });
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  assert.ok(existsSync(seen), `the signing program ran (${r.stdout})`);
  assert.not.ok(existsSync(hookRan), 'a hook of the repository ran (src/exec/git-guard.ts)');
  const env = readFileSync(seen, 'utf8');
  assert.not.ok(env.includes(SECRET), 'a program git ran saw the index password');
  assert.not.match(env, /GIT_INDEX_FILE=.*outer/);
  assert.is(git(outer, 'diff', '--cached', '--name-only'), 'staged.txt\n');
  assert.match(git(dir, 'symbolic-ref', '--short', 'HEAD'), /templates-next/);
});

t.run();
