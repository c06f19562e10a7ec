/**
 * The one place that starts child processes. Arguments never carry secrets: callers pass those
 * through the environment or stdin.
 */
export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** Replace the environment instead of extending it. */
  cleanEnv?: boolean;
  input?: string;
  timeoutMs?: number;
}

export async function run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const { execa } = await import('execa');
  const r = await execa(cmd, args, {
    cwd: opts.cwd,
    env: opts.env,
    extendEnv: !opts.cleanEnv,
    input: opts.input,
    timeout: opts.timeoutMs,
    reject: false,
    stripFinalNewline: false,
  });
  if (r.failed && r.exitCode === undefined) {
    throw new Error(`${cmd} could not be run: ${r.shortMessage ?? r.message}`);
  }
  return { exitCode: r.exitCode ?? 1, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
}

/** Run and throw with the command's stderr when it fails. */
export async function runOk(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const r = await run(cmd, args, opts);
  if (r.exitCode !== 0) throw new Error(`${cmd} ${args[0] ?? ''} failed (exit ${r.exitCode}): ${r.stderr.trim() || r.stdout.trim()}`);
  return r;
}
