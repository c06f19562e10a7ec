import { mkdirSync, readdirSync, renameSync, rmSync, rmdirSync, statSync, writeFileSync, chmodSync, accessSync, constants } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { FilePlan } from '../plan/file-plan.js';
import { siblingTempPath } from './atomic.js';

export class TargetError extends Error {}

/** Checks the target before any work: it must be absent or an empty directory, and its parent writable. */
export function checkTarget(target: string): void {
  const abs = resolve(target);
  let st;
  try {
    st = statSync(abs);
  } catch {
    st = undefined;
  }
  if (st) {
    if (!st.isDirectory()) throw new TargetError(`${target} exists and is not a directory; choose another directory`);
    const entries = readdirSync(abs);
    if (entries.length > 0) throw new TargetError(`${target} is not empty (${entries.length} entries); choose a new or empty directory`);
  }
  const parent = dirname(abs);
  try {
    accessSync(parent, constants.W_OK);
  } catch {
    throw new TargetError(`cannot write in ${parent}: it is missing or not writable; choose another location`);
  }
}

/**
 * Writes the plan into a temp directory beside the target, lets `finish` act on it (git init), and only then
 * renames it into place. A failure or interruption before the rename leaves nothing at the target.
 */
export async function writeNewProject(plan: FilePlan, target: string, finish?: (dir: string) => Promise<void>): Promise<string> {
  const abs = resolve(target);
  const staging = siblingTempPath(abs);
  const cleanup = () => rmSync(staging, { recursive: true, force: true });
  const onSignal = () => {
    cleanup();
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    mkdirSync(staging, { mode: 0o755 });
    for (const f of plan.files) {
      const dest = join(staging, f.path);
      mkdirSync(dirname(dest), { recursive: true });
      writeFileSync(dest, f.content, { mode: f.mode });
      chmodSync(dest, f.mode);
    }
    if (finish) await finish(staging);
    try {
      rmdirSync(abs); // an empty target directory may exist; a non-empty one was refused earlier
    } catch {
      /* absent */
    }
    renameSync(staging, abs);
    return abs;
  } catch (err) {
    cleanup();
    throw err;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}
