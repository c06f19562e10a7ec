import { readGitIdentity } from './git-identity.js';
import { run, runOk } from '../exec/run.js';

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
  await runOk('git', ['commit', '-q', '--no-verify', '-m', message], { cwd: dir, env });
}
