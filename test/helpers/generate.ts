import { join } from 'node:path';
import type { Answers } from '../../src/answers/types.js';
import { runCreate } from '../../src/create/run-create.js';
import type { Output } from '../../src/cli/output.js';
import { tempDir } from './tmp.js';

/** Output that records instead of printing. */
export function captureOutput(): Output & { text(): string } {
  const lines: string[] = [];
  return {
    phase: (m) => lines.push(m),
    info: (m) => lines.push(m),
    warn: (m) => lines.push('warning: ' + m),
    error: (m) => lines.push('error: ' + m),
    raw: (t) => lines.push(t),
    text: () => lines.join('\n'),
  };
}

export const TEST_NOW = new Date('2026-11-22T10:30:00Z');

/** Generates a project through the library API (no child process), returns its directory. */
export async function generate(answers: Partial<Answers>, opts: { git?: boolean; dir?: string; templateVersion?: string } = {}): Promise<string> {
  const dir = opts.dir ?? join(tempDir(), answers.name ?? 'demo');
  await runCreate(
    { dir, given: { author: 'Test Author', email: 'test@example.org', ...answers }, yes: true, git: opts.git ?? false, dryRun: false, json: false, saveCredentials: false, templateVersion: opts.templateVersion },
    captureOutput(),
    TEST_NOW,
  );
  return dir;
}
