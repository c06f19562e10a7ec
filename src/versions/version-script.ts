import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { run, type RunResult } from '../exec/run.js';
import { latestTemplateVersion, loadManifest, templateVersionDir } from '../templates/manifest.js';

/**
 * The version logic lives in one POSIX sh script that ships inside generated projects (their CI has no Node);
 * `pyservice version` only finds that script and runs it. See templates/<version>/debian/pyservice-version.
 */
export const VERSION_SCRIPT = 'debian/pyservice-version';

/** The script's subcommands; any other first word is the project directory. */
const SUBCOMMANDS = new Set(['show', 'snapshot', 'release', 'convert']);

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
  return join(templateVersionDir(entry.from ?? latest), entry.template);
}

/** Runs the script with `sh` (a checkout may have lost the executable bit) and the arguments unchanged. */
export function runVersionScript(script: string, args: readonly string[], opts: { cwd?: string; env?: Record<string, string | undefined> } = {}): Promise<RunResult> {
  return run('sh', [script, ...args], { cwd: opts.cwd, env: opts.env, timeoutMs: 60_000 });
}
