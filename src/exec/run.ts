import { spawn } from 'node:child_process';

/**
 * The one place that starts child processes. Arguments never carry secrets: callers pass those
 * through the environment or stdin.
 *
 * Built on node:child_process rather than execa: importing execa costs ~120 ms here, most of the
 * 150 ms budget of a whole `create-pyservice --yes` run, and we need only argv arrays, env, cwd,
 * stdin and a timeout.
 */
export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Set when the process was killed because it ran past `timeoutMs`. */
  timedOut: boolean;
}

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** Replace the environment instead of extending it. */
  cleanEnv?: boolean;
  input?: string;
  /**
   * A hard limit: the child runs in its own process group and the whole group is killed (SIGKILL) when the time
   * is up, or when this process exits first; a grandchild that keeps our pipes open is not waited for.
   */
  timeoutMs?: number;
}

/** After the child exits, how long to wait for its pipes to drain before giving up on a grandchild holding them. */
const DRAIN_MS = 200;

export function run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const env = opts.cleanEnv ? { ...opts.env } : { ...process.env, ...opts.env };
    for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
    // With a time limit the child leads its own process group, so the limit reaches everything it forked.
    const group = opts.timeoutMs !== undefined;
    const child = spawn(cmd, [...args], { cwd: opts.cwd, env: env as NodeJS.ProcessEnv, stdio: ['pipe', 'pipe', 'pipe'], detached: group });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const killGroup = () => {
      try {
        if (child.pid !== undefined) process.kill(group ? -child.pid : child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    };
    if (group) process.once('exit', killGroup); // Ctrl-C or an error in this process: no orphans left running
    const timer =
      opts.timeoutMs !== undefined
        ? setTimeout(() => {
            timedOut = true;
            killGroup();
          }, opts.timeoutMs)
        : undefined;
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    let settled = false;
    const settle = (code: number | null, signal: NodeJS.Signals | null) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      if (group) {
        process.removeListener('exit', killGroup);
        killGroup(); // the leader is gone; whatever it left in its group goes too
      }
      child.stdout.destroy();
      child.stderr.destroy();
      resolvePromise({
        exitCode: code ?? (signal ? 128 + (signalNumber(signal) ?? 0) : 1),
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        timedOut,
      });
    };
    child.on('error', (e) => {
      if (timer) clearTimeout(timer);
      if (group) process.removeListener('exit', killGroup);
      settled = true;
      reject(new Error(`${cmd} could not be run: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found on PATH' : e.message}`));
    });
    child.on('close', settle);
    // A grandchild in another session may hold the pipes open forever: 'exit' plus a short drain is enough.
    child.on('exit', (code, signal) => setTimeout(() => settle(code, signal), DRAIN_MS));
    child.stdin.on('error', () => {
      /* the child may exit without reading its input */
    });
    child.stdin.end(opts.input ?? '');
  });
}

function signalNumber(signal: NodeJS.Signals): number | undefined {
  return ({ SIGINT: 2, SIGKILL: 9, SIGTERM: 15, SIGHUP: 1 } as Record<string, number>)[signal];
}

/** Run and throw with the command's stderr when it fails. */
export async function runOk(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const r = await run(cmd, args, opts);
  if (r.exitCode !== 0) throw new Error(`${cmd} ${args[0] ?? ''} failed (exit ${r.exitCode}): ${r.stderr.trim() || r.stdout.trim()}`);
  return r;
}
