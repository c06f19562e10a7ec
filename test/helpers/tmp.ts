import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made: string[] = [];

/** A fresh temp directory, removed when the process exits (set KEEP_TMP=1 to keep it for debugging). */
export function tempDir(prefix = 'pyservice-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

process.on('exit', () => {
  if (process.env.KEEP_TMP) return;
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

/**
 * The environment of a user who has nothing but the generated files and Debian: no pyenv, no pip mirror,
 * no PIP_* variables. Use it for every test that claims "offline" or "with only the generated files".
 */
export function cleanEnv(home: string, extra: Record<string, string> = {}): Record<string, string> {
  return { HOME: home, PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8', PIP_CONFIG_FILE: '/dev/null', ...extra };
}
