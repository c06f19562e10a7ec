import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/** The package root (where package.json and templates/ live), found from this file whether run from src or dist. */
export function packageRoot(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pj = join(dir, 'package.json');
    if (existsSync(pj) && JSON.parse(readFileSync(pj, 'utf8')).name === 'create-pyservice') return (cached = dir);
    const up = dirname(dir);
    if (up === dir) throw new Error('create-pyservice: cannot find the package root');
    dir = up;
  }
}

let templates: string | undefined;

/** The shipped templates' folder (asked for every file a plan renders, so computed once). */
export function templatesRoot(): string {
  return (templates ??= join(packageRoot(), 'templates'));
}

let version: string | undefined;

/** This package's version (read once: a run asks for it several times). */
export function toolVersion(): string {
  return (version ??= JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')).version as string);
}

/**
 * The user's home folder: $HOME when it is an absolute path, else the account's own (passwd). A relative HOME
 * (`HOME=relhome`, an empty one in some CI images) was joined as it was: measured, create wrote its caches under
 * ./relhome/.cache in the folder it ran in, beside the new project.
 */
export function homeDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.HOME && isAbsolute(env.HOME)) return env.HOME;
  try {
    const own = userInfo().homedir;
    if (own && isAbsolute(own)) return own;
  } catch {
    /* no passwd entry (a container's random uid) */
  }
  return homedir();
}

/**
 * This tool's user-level cache (~/.cache/create-pyservice, or under XDG_CACHE_HOME when that is an absolute
 * path): team template clones (template-sources/git-cache.ts), V8's code cache (code-cache.ts), Debian's package
 * names (deb/collisions.ts) and the Python helpers' bytecode (python-helpers/run_cached.py).
 */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME && env.XDG_CACHE_HOME.startsWith('/') ? env.XDG_CACHE_HOME : join(homeDir(env), '.cache');
  return join(base, 'create-pyservice');
}

/**
 * Makes a folder under the cache (recursively, mode 0700), but never the home folder it lives in: measured, `HOME=/nonexistent create-pyservice …` as root (nobody's home, as runuser and some CI images set
 * it) made /nonexistent/.cache, after which every program of that account found a home that should not exist. A
 * missing base is ENOENT, which each cache takes as "no cache".
 */
export function makeCacheDir(dir: string, env: NodeJS.ProcessEnv = process.env): void {
  if (!homeExists(env)) throw Object.assign(new Error(`ENOENT: the home folder ${homeDir(env)} does not exist`), { code: 'ENOENT', path: homeDir(env) });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
}

/**
 * Whether a cache may be made: under an absolute XDG_CACHE_HOME always (the XDG spec has a missing one made,
 * 0700), under the home folder only when that exists.
 */
export function homeExists(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.XDG_CACHE_HOME && env.XDG_CACHE_HOME.startsWith('/')) return true;
  try {
    return statSync(homeDir(env)).isDirectory();
  } catch {
    return false;
  }
}

let checkout: boolean | undefined;

/**
 * True when this is a development checkout (the TypeScript sources are beside the build), where templates and
 * programs may be edited without a rebuild; false in a package installed from npm, whose files only change
 * with the package (and so with its version and its build's files).
 */
export function isCheckout(): boolean {
  return (checkout ??= existsSync(join(packageRoot(), 'src', 'paths.ts')));
}
