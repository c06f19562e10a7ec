import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { run } from '../exec/run.js';
import { cacheRoot, homeExists, packageRoot } from '../paths.js';
import { MetadataError, parseHelperOutput, tail, type MetadataReading } from './metadata.js';

// Those who catch the read's errors take the class from here: with this module, metadata.ts is a bundle of its own
// (python-read.js, scripts/bundle.mjs), and a class must have one copy in a process.
export { MetadataError };

/** The interpreter that builds the .deb (dh-virtualenv's --python), not whatever python3 is first on PATH. */
export const DEFAULT_PYTHON = '/usr/bin/python3';
export const DEFAULT_TIMEOUT_MS = 30_000;
/** A read through the team's index first downloads and installs the backend: a slow index needs more than 30 s. */
export const INDEX_TIMEOUT_MS = 300_000;
/** What the helper prints on stderr before it builds a whole wheel for the metadata (python-helpers/pep517_metadata.py). */
const BUILDS_WHEEL = 'pyservice: the backend has no prepare_metadata_for_build_wheel hook; building the wheel to read its metadata';

export function metadataHelperPath(): string {
  return join(packageRoot(), 'python-helpers', 'pyservice_metadata.py');
}

/**
 * The helper runs through run_cached.py (as `python3 -m pyservice_metadata` would run it), which keeps the
 * helpers' own bytecode under the user's cache folder, checked against their sources' hash: compiling them was
 * ~10 ms of every read. Nothing of the project's is cached.
 */
function helperArgv(dir: string): string[] {
  return ['-B', join(packageRoot(), 'python-helpers', 'run_cached.py'), 'pyservice_metadata', dir];
}

const PROXY_VARS = ['http_proxy', 'https_proxy', 'ftp_proxy', 'all_proxy', 'HTTP_PROXY', 'HTTPS_PROXY', 'FTP_PROXY', 'ALL_PROXY'];

/**
 * The helper's environment: the user's, minus what would reach the network or swap the interpreter's
 * library path (a pyenv PYTHONHOME/PYTHONPATH breaks Debian's python3), plus no bytecode written into the project.
 */
export function helperEnv(env: NodeJS.ProcessEnv = process.env, index?: BuildIndex): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const k of Object.keys(env)) if (k.startsWith('PIP_') || (!index && PROXY_VARS.includes(k))) out[k] = undefined;
  const python = { PYTHONPATH: undefined, PYTHONHOME: undefined, PYTHONSTARTUP: undefined, PYTHONDONTWRITEBYTECODE: '1', PYTHONIOENCODING: 'utf-8', PYSERVICE_BUILD_ENV: undefined, PYSERVICE_BUILD_INDEX_SHOWN: undefined };
  if (!index) return { ...out, ...python, PIP_NO_INDEX: '1', PIP_CONFIG_FILE: '/dev/null' };
  // Through the index: pip is configured exactly as debian/pyservice.mk configures it for the build (the project's
  // pip.conf, or the --index-url given; none of the caller's PIP_* settings; the login from ~/.netrc) and reaches
  // it through the caller's proxy, as the build does.
  return { ...out, ...python, PIP_CONFIG_FILE: index.pipConf ?? '/dev/null', ...(index.url !== undefined ? { PIP_INDEX_URL: index.url } : {}), PYSERVICE_BUILD_INDEX_SHOWN: index.shown };
}

/**
 * The team's package index, for a read whose build requirements Debian's python3 does not meet: pip installs
 * build-system.requires from it into a private folder first (python-helpers/index_build_env.py). `url` is
 * --index-url's (never holding a login); `pipConf` the project's own pip.conf; `shown` what messages print.
 */
export interface BuildIndex {
  url?: string;
  pipConf?: string;
  shown: string;
}

export interface ReadOptions {
  python?: string;
  timeoutMs?: number;
  /** The version to package when the backend derives one from VCS (--upstream-version): given to setuptools_scm. */
  pretendVersion?: string;
  /** Install build-system.requires from this index for the read (see BuildIndex). */
  index?: BuildIndex;
}

/**
 * Reads a project's metadata with the given interpreter in one subprocess: setup.py (if any) runs as setuptools
 * would run it, and setuptools itself applies setup.cfg and pyproject.toml; any other build backend is asked through
 * PEP 517. See python-helpers/pyservice_metadata.py. The time limit covers everything the backend forks.
 */
export function readMetadata(dir: string, opts: ReadOptions = {}): Promise<MetadataReading> {
  if (started?.key === keyOf(dir, opts)) {
    const { reading } = started;
    started = undefined;
    return reading;
  }
  return readNow(dir, opts);
}

/**
 * A read started before the code that uses it has loaded: `pyservice deb` starts it as soon as its flags are
 * parsed, so Python runs on the other core while Node loads the rest of the command (~250 KB of bundle, ~15 ms
 * here). The next readMetadata with the same arguments takes it; dropStarted() stops one nobody took (the command
 * failed first: its process group is killed, so a hanging backend does not keep this process alive).
 */
let started: { key: string; reading: Promise<MetadataReading>; abort: AbortController } | undefined;

export function startReading(dir: string, opts: ReadOptions = {}): void {
  dropStarted();
  const abort = new AbortController();
  const reading = readNow(dir, opts, abort.signal);
  reading.catch(() => undefined); // handled by whoever takes it
  started = { key: keyOf(dir, opts), reading, abort };
}

export function dropStarted(): void {
  started?.abort.abort();
  started = undefined;
}

const keyOf = (dir: string, opts: ReadOptions) => JSON.stringify([resolve(dir), opts.python ?? DEFAULT_PYTHON, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, opts.pretendVersion ?? null, opts.index ?? null]);

async function readNow(relative: string, opts: ReadOptions, signal?: AbortSignal): Promise<MetadataReading> {
  // The helper runs in the project (cwd) and is given its path: a relative one would be read from inside itself
  // (`pyservice deb beets` looked for beets/beets once deb-command started the read with the flag as typed)
  const dir = resolve(relative);
  const python = opts.python ?? DEFAULT_PYTHON;
  const timeoutMs = opts.timeoutMs ?? (opts.index ? INDEX_TIMEOUT_MS : DEFAULT_TIMEOUT_MS);
  let r;
  try {
    const pretend = opts.pretendVersion ? { SETUPTOOLS_SCM_PRETEND_VERSION: opts.pretendVersion, PBR_VERSION: opts.pretendVersion } : {};
    const env = { ...helperEnv(process.env, opts.index), PYSERVICE_PYCACHE: homeExists() ? join(cacheRoot(), 'python') : '', ...pretend, ...(opts.index ? { PYSERVICE_BUILD_ENV: '1' } : {}) };
    r = await run(python, helperArgv(dir), { cwd: dir, env, timeoutMs, signal });
  } catch (err) {
    const hint = python === DEFAULT_PYTHON ? 'install Debian\'s python3 (apt-get install python3 python3-setuptools)' : 'check --python';
    throw new MetadataError('no-python', `cannot run ${python}: ${(err as Error).message.replace(/^.*could not be run: /, '')}; ${hint}`);
  }
  if (r.timedOut) {
    // A backend without prepare_metadata_for_build_wheel builds the whole wheel, compiling included (bookworm's
    // meson-python): it is not stuck, it needs the time (the helper says so on stderr before it starts)
    if (r.stderr.includes(BUILDS_WHEEL))
      throw new MetadataError(
        'timeout',
        `the build backend has no prepare_metadata_for_build_wheel hook, so its metadata comes from building the whole wheel (compiling included), which did not finish within ${(timeoutMs / 1000).toFixed(timeoutMs < 1000 ? 1 : 0)} s and was stopped; give it longer with --timeout SECONDS`,
        r.stderr,
      );
    const who = existsSync(join(dir, 'setup.py')) ? 'setup.py' : 'the build backend';
    const printed = tail(r.stderr, 3).replace(/\s*\n\s*/g, ' / ');
    throw new MetadataError(
      'timeout',
      `${who} did not finish within ${(timeoutMs / 1000).toFixed(timeoutMs < 1000 ? 1 : 0)} s and was stopped (does it wait for input or the network?)${printed ? `; its last output: ${printed}` : ''}`,
      r.stderr,
    );
  }
  return parseHelperOutput(r.stdout, r.stderr, r.exitCode);
}

