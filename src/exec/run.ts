import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { childProcess } from '../lazy.js';
import { carriesCredentials } from '../secrets/redact.js';
import { childEnv } from './child-env.js';
import { guardedGitEnv } from './git-guard.js';
import { SecretArgumentError } from '../errors.js';

export { SecretArgumentError } from '../errors.js';

/**
 * The one place that starts child processes. Arguments never carry secrets, and the secret variables this tool
 * reads (secrets/env.ts) are removed from every child's environment here, whatever the caller passes; so are
 * the git variables a calling hook would point our git at its own repository with (child-env.ts).
 * Every child leads its own process group: when it exits (or its time is up, or this process is interrupted)
 * the whole group is killed, so nothing it started outlives it, and pipes a grandchild holds are not waited on.
 * A descendant that left the group (setsid, as a daemon does) is found at the deadline or an interruption by the
 * marker every child carries in its environment (PYSERVICE_RUN, Linux's /proc) and killed too.
 *
 * Built on node:child_process rather than execa: importing execa costs ~120 ms here, most of the
 * 150 ms budget of a whole `create-pyservice --yes` run, and we need only argv arrays, env, cwd,
 * stdin and a timeout.
 */
export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Set when the process was killed because it ran past `timeoutMs` (`stderr` is then what it printed before). */
  timedOut: boolean;
}

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** Replace the environment instead of extending it. */
  cleanEnv?: boolean;
  input?: string;
  /** A hard limit: the child's whole process group is killed (SIGKILL) when the time is up. */
  timeoutMs?: number;
  /** Aborting kills the child's whole process group, as the time limit does (a result nobody will read). */
  signal?: AbortSignal;
}

/** After the child exits, how long to wait for its pipes to drain before giving up on a grandchild holding them. */
const DRAIN_MS = 200;

export function run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  // Command lines are visible to every user of the machine (ps, /proc): refuse rather than pass one on.
  if (args.some((a) => carriesCredentials(a)))
    return Promise.reject(new SecretArgumentError(`refusing to run ${cmd}: an argument carries a credential (a URL with a password or token); credentials go to ~/.netrc`));
  return new Promise((resolvePromise, reject) => {
    const env = spawnEnv(cmd, opts);
    const marker = `${process.pid}.${++state.started}`;
    env[MARKER] = marker;
    // detached: the child leads its own process group, so a kill reaches everything it forked.
    const child = childProcess().spawn(cmd, [...args], { cwd: opts.cwd, env: env as NodeJS.ProcessEnv, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    const entry = { child, marker, done: new Promise<void>((r) => child.once('exit', () => r()).once('error', () => r())) };
    state.live.add(entry);
    watchExit();
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const killGroup = () => killTree(child, 'SIGKILL');
    // At the deadline (or an abort) the group gets SIGTERM first, so what handles it cleans up (the metadata helper
    // removes its temporary folder and what the backend left in the project; git removes its index.lock), and
    // SIGKILL STOP_GRACE_MS later, with whatever left the group, if the leader is still running then.
    let hardKill: ReturnType<typeof setTimeout> | undefined;
    // What the child printed before it was stopped: after SIGTERM its stderr is its cleanup's (a Python traceback
    // of the interruption), which a timeout message quoting "its last output" showed instead of the child's own
    let errBeforeStop: number | undefined;
    const stop = () => {
      if (hardKill) return;
      errBeforeStop = err.length;
      killTree(child, 'SIGTERM');
      hardKill = setTimeout(() => {
        killGroup();
        sweep(marker);
      }, STOP_GRACE_MS);
    };
    const timer =
      opts.timeoutMs !== undefined
        ? setTimeout(() => {
            timedOut = true;
            stop();
          }, Math.min(opts.timeoutMs, 2 ** 31 - 1)) // a longer delay fires at once (Node's TimeoutOverflowWarning)
        : undefined;
    const onAbort = () => stop();
    if (opts.signal?.aborted) onAbort();
    else opts.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    let settled = false;
    let drain: ReturnType<typeof setTimeout> | undefined;
    const settle = (code: number | null, signal: NodeJS.Signals | null) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      // A pending drain timer would keep this process alive 200 ms after its last child closed its pipes.
      if (drain) clearTimeout(drain);
      state.live.delete(entry);
      killGroup(); // the leader is gone; whatever it left in its group goes too
      if (hardKill) {
        clearTimeout(hardKill);
        sweep(marker); // stopped: what left the group goes as well
      }
      child.stdout.destroy();
      child.stderr.destroy();
      resolvePromise({
        exitCode: code ?? (signal ? 128 + (signalNumber(signal) ?? 0) : 1),
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(timedOut && errBeforeStop !== undefined ? err.slice(0, errBeforeStop) : err).toString('utf8'),
        timedOut,
      });
    };
    child.on('error', (e) => {
      if (timer) clearTimeout(timer);
      if (hardKill) clearTimeout(hardKill);
      opts.signal?.removeEventListener('abort', onAbort);
      state.live.delete(entry);
      settled = true;
      reject(new Error(`${cmd} could not be run: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found on PATH' : e.message}`));
    });
    child.on('close', settle);
    // A grandchild in another session may hold the pipes open forever: 'exit' plus a short drain is enough.
    child.on('exit', (code, signal) => {
      if (!settled) drain = setTimeout(() => settle(code, signal), DRAIN_MS);
    });
    child.stdin.on('error', () => {
      /* the child may exit without reading its input */
    });
    child.stdin.end(opts.input ?? '');
  });
}

export interface SyncOptions extends Omit<RunOptions, 'input'> {
  input?: string | Buffer;
  maxBuffer?: number;
}

export interface SyncResult {
  exitCode: number;
  stdout: Buffer;
  stderr: Buffer;
  /** Set when the command could not be started (not found) or ran past its time. */
  error?: Error;
}

/**
 * The synchronous form, for the few callers that cannot await (template fetches, template init, fleet git):
 * the same argument check and the same environment as run(). No process-group sweep: these children are git
 * and tar, with a timeout.
 */
export function runSync(cmd: string, args: readonly string[], opts: SyncOptions = {}): SyncResult {
  if (args.some((a) => carriesCredentials(a)))
    throw new SecretArgumentError(`refusing to run ${cmd}: an argument carries a credential (a URL with a password or token); credentials go to ~/.netrc`);
  const r = childProcess().spawnSync(cmd, [...args], { cwd: opts.cwd, env: spawnEnv(cmd, opts), input: opts.input, maxBuffer: opts.maxBuffer ?? 256 * 1024 * 1024, timeout: opts.timeoutMs });
  return { exitCode: r.status ?? (r.signal ? 128 + (signalNumber(r.signal) ?? 0) : 1), stdout: r.stdout ?? Buffer.alloc(0), stderr: r.stderr ?? Buffer.alloc(0), error: r.error };
}

/** A child's environment (child-env.ts); a git's also turns off what its repository could make it run (git-guard.ts). */
function spawnEnv(cmd: string, opts: Pick<RunOptions, 'cwd' | 'env' | 'cleanEnv'>): Record<string, string> {
  const env = childEnv(opts.env, opts.cleanEnv);
  return cmd === 'git' ? guardedGitEnv(opts.cwd, env) : env;
}

function killTree(child: ChildProcess, sig: NodeJS.Signals): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, sig);
  } catch {
    /* already gone */
  }
}

/** The variable that marks a child's descendants, wherever they moved (see sweep). */
export const MARKER = 'PYSERVICE_RUN';

/**
 * Kills every process of this user whose environment carries `marker`: what a child started and then moved out of
 * its process group (setsid, a double fork), which a group kill misses. Reads /proc (nothing elsewhere: the group
 * kill is all there is); repeated while it finds any, since one may fork while the first pass runs. Only at a
 * deadline or an interruption: a pass reads every process's environment (~5 ms for 90 processes here).
 */
export function sweep(marker: string): number {
  const needle = Buffer.from(`\0${MARKER}=${marker}\0`);
  let killed = 0;
  for (let pass = 0; pass < 5; pass++) {
    let names: string[];
    try {
      names = readdirSync('/proc');
    } catch {
      return killed;
    }
    let found = 0;
    for (const name of names) {
      if (!/^[0-9]+$/.test(name) || Number(name) === process.pid) continue;
      try {
        const environ = readFileSync(`/proc/${name}/environ`);
        // The first variable has no NUL before it; the last may have none after it.
        if (!Buffer.concat([NUL, environ, NUL]).includes(needle)) continue;
        process.kill(Number(name), 'SIGKILL');
        found++;
      } catch {
        /* gone, or not ours to read */
      }
    }
    killed += found;
    if (!found) break;
  }
  return killed;
}
const NUL = Buffer.from([0]);

/**
 * The children this process started, and the counter their markers come from. One per process, kept on globalThis:
 * this module is bundled into python-read.js and into the command bundles (scripts/bundle.mjs), and a deb run loads
 * both, so two copies must share one registry (stopChildren sees every child) and one counter (no two children
 * carry the same marker).
 */
const state: { live: Set<{ child: ChildProcess; marker: string; done: Promise<void> }>; started: number; watching: boolean } = ((globalThis as Record<symbol, unknown>)[
  Symbol.for('create-pyservice.exec.run')
] ??= { live: new Set(), started: 0, watching: false }) as never;

/**
 * When this process exits (an error, process.exit) or is stopped by SIGINT, SIGTERM or SIGHUP, no child group it
 * started is left running: Ctrl-C reaches only the terminal's foreground group, and each child leads a group of
 * its own, so `pyservice deb` interrupted during a setup.py that waits for the network left that setup.py running
 * (and what its backend had written into the project, and its temporary folder, behind). Each group gets SIGTERM
 * and up to STOP_GRACE_MS to exit (the metadata helper cleans up on it), then SIGKILL; then the signal takes its
 * default course (exit status 128+n, as before). A command that handles a signal itself (create's staging) is
 * left to do so.
 */
function watchExit(): void {
  if (state.watching) return;
  state.watching = true;
  process.once('exit', () => stopNow());
  const onSignal = (sig: NodeJS.Signals) => {
    // someone else handles it (and calls stopChildren); a passive listener (a lock's release) only cleans up
    if (process.listeners(sig).some((l) => l !== onSignal && !(l as { passive?: boolean }).passive)) return;
    for (const s of STOP_SIGNALS) process.removeListener(s, onSignal);
    stopNow();
    process.kill(process.pid, sig);
  };
  for (const s of STOP_SIGNALS) process.on(s, onSignal);
}
const STOP_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** How long a stopped child has between SIGTERM and SIGKILL. */
export const STOP_GRACE_MS = 2000;

/** Synchronously: SIGTERM to every live child group, a wait of up to STOP_GRACE_MS for their leaders, then SIGKILL. */
function stopNow(): void {
  const live = [...state.live];
  if (!live.length) return;
  for (const { child } of live) killTree(child, 'SIGTERM');
  const pause = new Int32Array(new SharedArrayBuffer(4));
  const end = Date.now() + STOP_GRACE_MS;
  while (Date.now() < end && live.some(({ child }) => child.pid !== undefined && running(child.pid))) Atomics.wait(pause, 0, 0, 20);
  for (const { child } of live) killTree(child, 'SIGKILL');
  for (const { marker } of live) sweep(marker);
}

/** Whether a child of ours is still running (not yet reaped, it shows as a zombie once it has exited). */
function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) [ZX]/s.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/**
 * Stops every child still running (its whole process group: SIGTERM, then SIGKILL after `graceMs`) and resolves
 * once they have exited. An interrupted command calls this before it cleans up, so nothing still writes into what
 * it removes.
 */
export async function stopChildren(graceMs = 2000): Promise<void> {
  const running = [...state.live];
  for (const { child } of running) killTree(child, 'SIGTERM');
  const timer = setTimeout(() => {
    for (const { child } of running) killTree(child, 'SIGKILL');
  }, graceMs);
  await Promise.all(running.map((e) => e.done));
  clearTimeout(timer);
  for (const { marker } of running) sweep(marker);
}

function signalNumber(signal: NodeJS.Signals): number | undefined {
  return ({ SIGINT: 2, SIGKILL: 9, SIGTERM: 15, SIGHUP: 1 } as Record<string, number>)[signal];
}

/** Run and throw with the command's stderr when it fails. */
export async function runOk(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const r = await run(cmd, args, opts);
  if (r.exitCode !== 0) throw new Error(`${cmd} ${args[0] ?? ''} failed (exit ${r.exitCode}): ${oneLine(r.stderr) || oneLine(r.stdout)}`);
  return r;
}

/**
 * A child's output in one line of a message: its lines joined with ' / ' (git's 'error: …' and 'fatal: …' lines
 * became lines of their own under the CLI's 'error: ', one of them 'error: fatal: failed to write commit object').
 */
export function oneLine(text: string): string {
  return text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean).join(' / ');
}
