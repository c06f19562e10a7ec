import { crypto } from '../lazy.js';
import { childEnv } from '../exec/child-env.js';
import { runSync } from '../exec/run.js';
import { existsSync, lstatSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withLock } from '../files/lock-file.js';
import { processAlive } from '../exec/process-alive.js';
import { privateDirProblem } from '../files/private-dir.js';
import { redact } from './spec.js';
import { FailureError } from '../errors.js';
import { cacheRoot, makeCacheDir } from '../paths.js';

/**
 * Template repositories fetched with git itself, cached per user under $XDG_CACHE_HOME/create-pyservice/templates/.
 * Per source: a bare repository (`repo.git`) holding only the tags asked for, fetched shallow (depth 1), and one
 * exported tree per tag commit (`trees/<commit>/`, immutable once written). A lock file serialises runs.
 *
 * Credentials come from git's own machinery (credential helpers, ~/.netrc, ssh keys): we pass nothing but the
 * URL, which holds no credentials (see spec.ts). Without a terminal, or under CI, git may not prompt.
 */
/** git could not list, fetch or read a template source: a failure, exit 1. */
export class FetchError extends FailureError {}

export function cacheHome(env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheRoot(env), 'templates');
}

export function sourceCacheDir(canonical: string, env: NodeJS.ProcessEnv = process.env): string {
  const tail = canonical.replace(/\.git$/, '').split(/[/:]/).filter(Boolean).slice(-2).join('-').replace(/[^A-Za-z0-9._-]/g, '_');
  return join(cacheHome(env), `${tail || 'source'}-${crypto().createHash('sha256').update(canonical).digest('hex').slice(0, 12)}`);
}

/**
 * git's environment: the user's (so helpers and ssh agents work), without the secret variables and the ones
 * that would point git at another repository (exec/child-env.ts); never a prompt under CI or without a terminal.
 */
export function gitEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return childEnv(env.CI || !process.stdin.isTTY ? { GIT_TERMINAL_PROMPT: '0' } : {}, false, env);
}

function git(args: string[], opts: { cwd?: string; input?: Buffer; maxBuffer?: number } = {}) {
  // ext:: runs an arbitrary command: never, whatever the user's config says.
  const r = runSync('git', ['-c', 'protocol.ext.allow=never', ...args], { cwd: opts.cwd, env: gitEnv(), cleanEnv: true, input: opts.input, maxBuffer: opts.maxBuffer, timeoutMs: 300_000 });
  if (r.error) throw new FetchError(`git could not be run: ${(r.error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found on PATH; install git' : r.error.message}`);
  return { code: r.exitCode, stdout: r.stdout, stderr: r.stderr.toString('utf8') };
}

/** Tag name → commit (annotated tags peeled), straight from the remote: `git ls-remote --tags`. */
export function remoteTags(url: string): Map<string, string> {
  if (url.startsWith('-')) throw new FetchError(`template source ${url} starts with "-"`);
  const r = git(['ls-remote', '--tags', url]);
  if (r.code !== 0) throw new FetchError(`cannot list the tags of ${redact(url)}: ${firstLine(r.stderr) || `git exit ${r.code}`}; check the URL and your git credentials (git ls-remote ${redact(url)})`);
  const tags = new Map<string, string>();
  for (const line of r.stdout.toString('utf8').split('\n')) {
    const m = /^([0-9a-f]{40,64})\trefs\/tags\/(.+?)(\^\{\})?$/.exec(line);
    if (!m) continue;
    if (m[3] || !tags.has(m[2]!)) tags.set(m[2]!, m[1]!);
  }
  return tags;
}

/**
 * The tree of `tag` (at `commit`) as a directory: fetched shallow into the cache if it is not there yet.
 * Refuses symlinks in the tree: a template must not read files outside itself.
 */
export function exportTag(canonical: string, url: string, tag: string, commit: string): string {
  const dir = sourceCacheDir(canonical);
  const tree = join(dir, 'trees', commit);
  try {
    makeCacheDir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new FetchError(`${(err as Error).message.replace(/^ENOENT: /, '')}, and team templates are fetched into a cache there; set HOME to your home folder (or XDG_CACHE_HOME to a private folder)`);
    throw err;
  }
  // A cached tree is code the render runs: used only from folders no one else could have written.
  const unsafe = privateDirProblem(tree, cacheRoot());
  if (unsafe)
    throw new FetchError(`the template cache is not private (${unsafe}): templates are code, so a cached tree there is not run; make it yours and chmod 700 (or set XDG_CACHE_HOME to a private folder)`);
  if (existsSync(join(tree, '.complete'))) return tree;
  return withLock(join(dir, 'lock'), () => {
    if (existsSync(join(tree, '.complete'))) return tree;
    const bare = join(dir, 'repo.git');
    if (!existsSync(join(bare, 'HEAD'))) {
      rmSync(bare, { recursive: true, force: true });
      const init = git(['init', '--bare', '-q', bare]);
      if (init.code !== 0) throw new FetchError(`cannot create the template cache at ${bare}: ${firstLine(init.stderr)}`);
      writeFileSync(join(dir, 'source'), canonical + '\n');
    }
    if (git(['--git-dir', bare, 'cat-file', '-e', `${commit}^{commit}`]).code !== 0) {
      const f = git(['--git-dir', bare, 'fetch', '-q', '--depth=1', '--no-tags', url, `+refs/tags/${tag}:refs/tags/${tag}`]);
      if (f.code !== 0) throw new FetchError(`cannot fetch tag ${tag} of ${redact(url)}: ${firstLine(f.stderr) || `git exit ${f.code}`}`);
    }
    const ar = git(['--git-dir', bare, 'archive', '--format=tar', commit]);
    if (ar.code !== 0) throw new FetchError(`cannot read tag ${tag} of ${redact(url)} from the cache: ${firstLine(ar.stderr)}`);
    const tmp = `${tree}.tmp-${process.pid}`;
    removeDeadUnpacks(join(dir, 'trees'));
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    try {
      const tar = runSync('tar', ['-x', '-f', '-', '-C', tmp, '--no-same-owner', '--no-same-permissions'], { input: ar.stdout });
      if (tar.exitCode !== 0) throw new FetchError(`cannot unpack tag ${tag}: ${firstLine(String(tar.stderr))}`);
      const link = findSymlink(tmp, '');
      if (link) throw new FetchError(`template ${redact(url)} at ${tag} contains a symlink (${link}); template files must be regular files`);
      writeFileSync(join(tmp, '.complete'), commit + '\n');
      rmSync(tree, { recursive: true, force: true });
      mkdirSync(join(dir, 'trees'), { recursive: true });
      renameSync(tmp, tree);
    } catch (err) {
      // A failed unpack (a full disk, a symlink) leaves no half tree behind
      rmSync(tmp, { recursive: true, force: true });
      throw err;
    }
    return tree;
  });
}

/** Half-unpacked trees of runs that died (killed, or a full disk) while they unpacked: named after their pid. */
function removeDeadUnpacks(trees: string): void {
  let names: string[];
  try {
    names = readdirSync(trees);
  } catch {
    return;
  }
  for (const name of names) {
    const m = /\.tmp-([0-9]+)$/.exec(name);
    if (m && !processAlive(Number(m[1]))) rmSync(join(trees, name), { recursive: true, force: true });
  }
}

export function findSymlink(root: string, rel: string): string | null {
  for (const e of readdirSync(join(root, rel), { withFileTypes: true })) {
    if (e.name === '.git' && e.isDirectory()) continue;
    const p = rel ? `${rel}/${e.name}` : e.name;
    if (e.isSymbolicLink() || lstatSync(join(root, p)).isSymbolicLink()) return p;
    if (e.isDirectory()) {
      const found = findSymlink(root, p);
      if (found) return found;
    }
  }
  return null;
}

function firstLine(s: string): string {
  return s.trim().split('\n').filter((l) => !/^(hint|warning):/.test(l))[0]?.replace(/^fatal:\s*/, '') ?? '';
}
