import { closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync, type Stats } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import vm from 'node:vm';
import { cacheRoot, makeCacheDir } from './paths.js';
import { privateDirProblem } from './files/private-dir.js';
import { fnv1a } from './files/fnv1a.js';

/**
 * Loads a CommonJS file (the bundled bins, the precompiled templates) with V8's code cache, so a run skips
 * parsing and compiling what an earlier run of the same build already compiled: about a third of a no-op
 * `pyservice update`'s own time was V8 compiling the 190–330 KB bundle, and `create` compiled every template
 * function it rendered. Node 22 offers this as module.enableCompileCache(); Node 20, which we support, does not,
 * so this is the same idea with vm.Script's documented cachedData.
 *
 * The cache lives in ~/.cache/create-pyservice/v8 (XDG_CACHE_HOME honoured), one file per loaded file, written
 * once (temp file + rename) when the process exits after a run that had none or had one V8 refused. A cache file
 * is compiled code, so it is only read when it and its directory belong to this user and no one else can write
 * them, and only when its first line names
 * exactly this file, its size, its change time and inode (a reinstall or rebuild changes them) and this Node
 * (V8 itself also checks its version and flags, and falls back to compiling when they differ).
 * PYSERVICE_NO_CODE_CACHE=1 (or Node's NODE_DISABLE_COMPILE_CACHE) turns it off: plain require.
 * PYSERVICE_TRACE_CODE_CACHE=1 prints at exit how many files loaded from the cache, how many V8 refused, how
 * many had none, and how many caches were written.
 */
export function requireCached(file: string): unknown {
  const done = loaded.get(file);
  if (done) return done.exports;
  const dir = codeCacheDir();
  if (!dir) return createRequire(file)(file);
  const st = statSync(file);
  const key = `pyservice-code-cache 1 ${process.version} ${process.arch} ${st.size} ${st.ino} ${st.mtimeMs} ${st.ctimeMs} ${file}\n`;
  // One cache file per loaded file and Node: a rebuild or reinstall in place replaces it.
  const cacheFile = join(dir, `${basename(file)}-${fnv1a(`${file} ${process.version} ${process.arch}`)}.v8`);
  const cached = readCache(cacheFile, key);
  if (!cached) trace.missing++;
  const source = readFileSync(file, 'utf8');
  const script = new vm.Script(`${WRAPPER}${source.startsWith('#!') ? '//' + source : source}\n})`, {
    filename: file,
    cachedData: cached,
    // Dynamic imports in the file resolve as in a required one (Node ≥ 20.12; for older Nodes the bundles are
    // built with none: scripts/bundle.mjs turns them into require and checks).
    ...(vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER ? { importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER } : {}),
  });
  const mod = new Module(file);
  mod.filename = file;
  loaded.set(file, mod);
  // The bundles require each other by relative path (a command's bundle, the shared errors module): those load
  // through the cache too, once per process; everything else (node:*, npm packages) is Node's own require.
  const plain = createRequire(file);
  const require = Object.assign((id: string) => (id.startsWith('./') ? requireCached(join(dirname(file), id)) : plain(id)), plain);
  const wrapper = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: Module, filename: string, dirname: string) => void;
  wrapper.call(mod.exports, mod.exports, require, mod, file, dirname(file));
  mod.loaded = true;
  if (cached) trace[script.cachedDataRejected ? 'rejected' : 'used']++;
  // Written at exit, so the functions this run compiled (the command's, the templates it rendered) are in it.
  if (!cached || script.cachedDataRejected) pending.push(() => writeCache(dir, cacheFile, key, script.createCachedData()));
  return mod.exports;
}

/** CommonJS's module wrapper, as Node's own loader applies it. */
const WRAPPER = '(function (exports, require, module, __filename, __dirname) { ';
const loaded = new Map<string, Module>();
const trace = { used: 0, rejected: 0, missing: 0, written: 0 };
const pending: (() => void)[] = [];
process.once('exit', () => {
  for (const write of pending) write();
  if (pending.length) pruneOld();
  if (process.env.PYSERVICE_TRACE_CODE_CACHE)
    process.stderr.write(`pyservice code cache: ${trace.used} used, ${trace.rejected} rejected, ${trace.missing} missing, ${trace.written} written\n`);
});

/** The cache directory, or null when the cache is off or there is no home to keep it in. */
export function codeCacheDir(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.PYSERVICE_NO_CODE_CACHE || env.NODE_DISABLE_COMPILE_CACHE) return null;
  const root = cacheRoot(env);
  return root ? join(root, 'v8') : null;
}

/**
 * The cache's bytes after its key line, when the key matches and nobody but this user could have written it: a
 * cache is code V8 runs, so one planted in a shared or loosely permitted directory (XDG_CACHE_HOME=/tmp/…) is
 * ignored. The file and its directory must belong to this user and be writable by no one else.
 */
function readCache(cacheFile: string, key: string): Buffer | undefined {
  let bytes: Buffer;
  try {
    if (!ownedAndPrivate(dirname(cacheFile))) return undefined;
    const fd = openSync(cacheFile, constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      const st = fstatSync(fd);
      if (!st.isFile() || !ownedAndPrivate(st)) return undefined;
      bytes = readFileSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
  const head = Buffer.from(key, 'utf8');
  return bytes.length > head.length && bytes.subarray(0, head.length).equals(head) ? bytes.subarray(head.length) : undefined;
}

function ownedAndPrivate(what: string | Stats): boolean {
  const st = typeof what === 'string' ? lstatSync(what) : what;
  const uid = process.getuid?.();
  return (uid === undefined || st.uid === uid) && (st.mode & 0o022) === 0;
}

/**
 * Best effort: a cache that cannot be written (read-only home, full disk) costs the next run a compile, nothing more.
 * Written only into a folder no one else could have written (files/private-dir.ts: this user's down from the cache
 * root, its parents as ssh's StrictModes wants them), and never through a name someone made first: measured, with
 * XDG_CACHE_HOME in a shared folder whose create-pyservice/v8 another user owned (mode 0777), a symlink they
 * planted at the predictable `NAME.v8.PID.tmp` made the run overwrite the file it pointed to (any file of the
 * user's) with cache bytes. The temporary file is created exclusively (O_EXCL: a symlink there is refused).
 */
function writeCache(dir: string, cacheFile: string, key: string, data: Buffer): void {
  const tmp = `${cacheFile}.${process.pid}.tmp`;
  let made = false;
  try {
    makeCacheDir(dir);
    if (privateDirProblem(dir, dirname(dir)) !== null) return;
    writeFileSync(tmp, Buffer.concat([Buffer.from(key, 'utf8'), data]), { mode: 0o600, flag: 'wx' });
    made = true;
    renameSync(tmp, cacheFile);
    trace.written++;
  } catch {
    if (made)
      try {
        unlinkSync(tmp);
      } catch {
        /* gone */
      }
  }
}

/** Removes caches not written for 30 days (of installs since removed: npx's, other prefixes, old Nodes). */
function pruneOld(): void {
  const dir = codeCacheDir();
  if (!dir) return;
  try {
    if (privateDirProblem(dir, dirname(dir)) !== null) return; // not ours to clean
  } catch {
    return;
  }
  const before = Date.now() - 30 * 24 * 3600 * 1000;
  try {
    for (const name of readdirSync(dir)) {
      if (!name.endsWith('.v8')) continue;
      const path = join(dir, name);
      if (statSync(path).mtimeMs < before) unlinkSync(path);
    }
  } catch {
    /* best effort */
  }
}

/** A short, stable name (the key itself is checked in full on read). */
