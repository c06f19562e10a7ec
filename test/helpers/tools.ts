import { execFileSync } from 'node:child_process';
import type { Test } from 'uvu';

const found = new Map<string, boolean>();

/** Is an executable on PATH (or an absolute path that exists)? */
export function hasTool(tool: string): boolean {
  let ok = found.get(tool);
  if (ok === undefined) {
    try {
      execFileSync('sh', ['-c', `command -v "$1" >/dev/null 2>&1`, 'sh', tool], { stdio: 'ignore' });
      ok = true;
    } catch {
      ok = false;
    }
    found.set(tool, ok);
  }
  return ok;
}

export function isCI(): boolean {
  const ci = process.env.CI;
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}

/**
 * Registers a test that needs real tools. Missing tools: skipped with a printed reason locally,
 * but a failure under CI=true (a skip there would hide a missing install step in .ci/run).
 */
export function toolTest(suite: Test, tools: readonly string[], name: string, fn: () => unknown | Promise<unknown>): void {
  const missing = tools.filter((t) => !hasTool(t));
  if (missing.length === 0) {
    suite(name, fn as () => void);
    return;
  }
  const reason = `needs ${missing.join(', ')} (install with .ci/run's apt-get line)`;
  if (isCI()) {
    suite(name, () => {
      throw new Error(`${reason}; a skip is a failure under CI=true`);
    });
  } else {
    console.log(`  skip: ${name}: ${reason}`);
    suite.skip(name, fn as () => void);
  }
}
