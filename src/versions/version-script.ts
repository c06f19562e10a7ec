import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { resolve } from 'node:path';
import { run, type RunResult } from '../exec/run.js';
import { entrySourceFile, latestTemplateVersion, loadManifest } from '../templates/manifest.js';

/**
 * The version logic lives in one program that ships inside generated projects (their CI has no Node);
 * `pyservice version` only finds that program and runs it. Templates 1.2.0-1.6.0 ship programs/pyservice_version.py
 * (Python, unit-tested in programs/tests), 1.7.0 on programs/pyservice_version2.py (adds `local`); projects made with 1.0.0 or 1.1.0 have the POSIX sh script of
 * templates/1.0.0/debian/pyservice-version.
 */
export const VERSION_SCRIPT = 'debian/pyservice-version';

/** The script's subcommands; any other first word is the project directory. */
export const SUBCOMMANDS: ReadonlySet<string> = new Set(['show', 'snapshot', 'release', 'convert', 'local']);

/** The project directory named by the script's positional arguments: `[show|snapshot] [dir]`, `release TAG [dir]`. */
export function projectDirOf(positionals: readonly string[]): string {
  const [first, ...rest] = positionals;
  if (first === undefined) return '.';
  if (!SUBCOMMANDS.has(first)) return first;
  if (first === 'convert') return '.';
  return (first === 'release' ? rest[1] : rest[0]) ?? '.';
}

/**
 * The project's own copy wins (it is the one its CI runs); a project without one gets the copy the latest
 * template version ships (found through its manifest, since a version may inherit the file from an older one).
 */
export function versionScriptPath(projectDir: string, cwd = process.cwd()): string {
  const own = resolve(cwd, projectDir, VERSION_SCRIPT);
  if (existsSync(own)) return own;
  const latest = latestTemplateVersion();
  const entry = loadManifest(latest).files.find((e) => e.path === VERSION_SCRIPT);
  if (!entry) throw new Error(`templates ${latest} ship no ${VERSION_SCRIPT}`);
  return entrySourceFile(entry, latest);
}

/** The interpreter its first line names: Debian's python3 for a Python program, else sh. */
export function scriptInterpreter(script: string): string {
  const head = Buffer.alloc(64);
  const fd = openSync(script, 'r');
  let n: number;
  try {
    n = readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  const first = head.subarray(0, n).toString('latin1').split('\n')[0]!;
  return first.startsWith('#!') && /python/.test(first) ? '/usr/bin/python3' : 'sh';
}

/**
 * Runs the script with its interpreter named explicitly (a checkout may have lost the executable bit) and the
 * arguments unchanged.
 */
export function runVersionScript(script: string, args: readonly string[], opts: { cwd?: string; env?: Record<string, string | undefined> } = {}): Promise<RunResult> {
  return run(scriptInterpreter(script), [script, ...args], { cwd: opts.cwd, env: opts.env, timeoutMs: 60_000 });
}
