import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from '../errors.js';

/** The project directories of a fleet command: positionals, plus `--from FILE` (one per line, # comments, relative to the file). */
export class RepoListError extends UsageError {}

export function repoList(positionals: readonly string[], from: string | undefined, cwd = process.cwd()): string[] {
  const dirs = positionals.map((p) => resolve(cwd, p));
  if (from !== undefined) {
    let text: string;
    try {
      text = readFileSync(from === '-' ? 0 : from, 'utf8');
    } catch (err) {
      throw new RepoListError(`cannot read the repository list ${from}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}; check the path (--from)`);
    }
    const base = from === '-' ? cwd : dirname(resolve(cwd, from));
    for (const line of text.split(/\r?\n/)) {
      const l = line.replace(/(^|\s)#.*$/, '').trim();
      if (l) dirs.push(resolve(base, l));
    }
  }
  return [...new Set(dirs)];
}
