import { spawn } from 'node:child_process';

/**
 * Runs a program without blocking this process (a test's index server answers from it), stdout and stderr
 * together as text. `env` is the whole environment.
 */
export function spawnText(cmd: string, args: string[], cwd: string, env: Record<string, string>): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 128, out }));
  });
}
