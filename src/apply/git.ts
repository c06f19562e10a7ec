import { readGitIdentity } from './git-identity.js';
import { oneLine, run, runOk } from '../exec/run.js';
import { FailureError } from '../errors.js';

/** `git config --get key` in `cwd`, or '' when git or the key is missing: the one git config reader. */
export async function gitConfig(key: string, cwd?: string): Promise<string> {
  try {
    const r = await run('git', ['config', '--get', key], { cwd });
    return r.exitCode === 0 ? r.stdout.trim() : '';
  } catch {
    return '';
  }
}

/** user.name and user.email: from git's files when they are plain, else from git itself (one spawn). */
export async function gitIdentity(cwd?: string): Promise<{ name: string; email: string }> {
  if (cwd === undefined) {
    const fromFiles = readGitIdentity();
    if (fromFiles) return fromFiles;
  }
  try {
    const r = await run('git', ['config', '--get-regexp', '^user\\.(name|email)$'], { cwd });
    const id = { name: '', email: '' };
    for (const line of r.stdout.split('\n')) {
      const m = /^user\.(name|email) (.*)$/.exec(line);
      if (m) id[m[1] as 'name' | 'email'] = m[2]!.trim();
    }
    return id;
  } catch {
    return { name: '', email: '' };
  }
}

/** init + add + first commit. Identity falls back to the project's author when git has none configured. */
export async function gitInitialCommit(dir: string, author: { name: string; email: string }, message: string): Promise<void> {
  await runOk('git', ['init', '-q', '-b', 'main'], { cwd: dir });
  await runOk('git', ['add', '-A'], { cwd: dir });
  const env: Record<string, string> = {};
  const id = await gitIdentity(dir);
  if (!id.name) env.GIT_AUTHOR_NAME = env.GIT_COMMITTER_NAME = author.name;
  if (!id.email) env.GIT_AUTHOR_EMAIL = env.GIT_COMMITTER_EMAIL = author.email;
  const r = await run('git', ['commit', '-q', '--no-verify', '-m', message], { cwd: dir, env });
  if (r.exitCode === 0) return;
  // The user's commit.gpgSign (global configuration: a project's own is never read here) makes git sign the first
  // commit too; a signer that cannot work without a terminal (pinentry) or is missing stopped create with git's two
  // lines. The fix is the user's: named, with the way round it.
  if (/\bsign/i.test(r.stderr) && /^true$/i.test(await gitConfig('commit.gpgsign', dir)))
    throw new FailureError(`git could not sign the first commit (commit.gpgSign is true in your git configuration: ${oneLine(r.stderr)}); make 'git commit -S' work in a terminal here (e.g. GPG_TTY=$(tty) for gpg's pinentry), or run again with --no-git and commit yourself`);
  throw new FailureError(`git commit failed (exit ${r.exitCode}): ${oneLine(r.stderr) || oneLine(r.stdout)}`);
}
