import { spawnSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/paths.js';

/** The bins as package.json names them (the bundled files that ship), so tests run what users run. */
const BINS = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')).bin as Record<string, string>;
export const CREATE_BIN = join(packageRoot(), BINS['create-pyservice']!);
export const PYSERVICE_BIN = join(packageRoot(), BINS.pyservice!);

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a bin of this package as a real child process, without a TTY. */
export function cli(bin: string, args: string[], opts: { cwd?: string; env?: Record<string, string | undefined>; input?: string } = {}): CliResult {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', ...opts.env };
  delete env.FORCE_COLOR;
  if (opts.env && 'FORCE_COLOR' in opts.env) env.FORCE_COLOR = opts.env.FORCE_COLOR;
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: opts.cwd, env: env as NodeJS.ProcessEnv, encoding: 'utf8', input: opts.input ?? '' });
  return { code: r.status ?? 128, stdout: r.stdout, stderr: r.stderr };
}

export const create = (args: string[], opts?: Parameters<typeof cli>[2]) => cli(CREATE_BIN, args, opts);
export const pyservice = (args: string[], opts?: Parameters<typeof cli>[2]) => cli(PYSERVICE_BIN, args, opts);

/** Starts a bin without waiting, for signal tests. */
export function startCli(bin: string, args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}) {
  return spawn(process.execPath, [bin, ...args], { cwd: opts.cwd, env: { ...process.env, NO_COLOR: '1', ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
}
