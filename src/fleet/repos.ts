import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { readRegularText } from '../files/read-regular.js';
import { shown } from '../secrets/redact.js';

/** The project directories of a fleet command: positionals, plus `--from FILE` (one per line, # comments, relative to the file). */
export class RepoListError extends UsageError {}

export function repoList(positionals: readonly string[], from: string | undefined, cwd = process.cwd()): string[] {
  const dirs = positionals.map((p) => resolve(cwd, p));
  if (from !== undefined) {
    let text: string | null;
    let problem = 'ENOENT';
    try {
      // A named list is read as every project file is (a FIFO there hung the fleet run; a 100 MB file was read
      // whole); '-' is standard input, a pipe by design
      text = from === '-' ? readFileSync(0, 'utf8') : readRegularText(from, `the repository list ${shown(from)}`);
    } catch (err) {
      if (err instanceof UsageError) throw new RepoListError(`${err.message} (--from)`);
      text = null;
      problem = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    }
    if (text === null) throw new RepoListError(`cannot read the repository list ${shown(from)}: ${problem}; check the path (--from)`);
    const base = from === '-' ? cwd : dirname(resolve(cwd, from));
    text.split(/\r?\n/).forEach((line, i) => {
      const l = line.replace(/(^|\s)#.*$/, '').trim();
      // A NUL or another control character is no folder name anyone wrote (a binary file given as the list)
      if (/[\u0000-\u001f\u007f]/.test(l)) throw new RepoListError(`line ${i + 1} of the repository list ${shown(from)} holds a control character, so it is no list of folders: give a text file with one directory per line (--from)`);
      if (l) dirs.push(resolve(base, l));
    });
  }
  return [...new Set(dirs)];
}
