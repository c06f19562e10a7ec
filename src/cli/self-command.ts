import { accessSync, constants, realpathSync } from 'node:fs';
import { delimiter, isAbsolute, join, sep } from 'node:path';
import { packageRoot } from '../paths.js';

/** What the messages tell a user to type when npx is the way to reach `pyservice`. */
export const NPX_PYSERVICE = 'npx -p create-pyservice pyservice';

/**
 * How the user reaches `pyservice` after this run: plain `pyservice` when the first `pyservice` on PATH is this
 * very package's (a global or project install), else through npx. A run by npx (or `npm create`) is npx's, even
 * though npx puts its temporary copy on PATH for the run: that copy is gone when the user types the next command.
 */
export function pyserviceCommand(path = process.env.PATH ?? '', root = packageRoot()): string {
  if (root.includes(`${sep}_npx${sep}`)) return NPX_PYSERVICE;
  const ours = realpathOr(join(root, 'dist', 'bin', 'pyservice.js'));
  for (const dir of path.split(delimiter)) {
    if (!isAbsolute(dir)) continue; // a relative entry depends on where the next command runs
    const candidate = join(dir, 'pyservice');
    try {
      accessSync(candidate, constants.X_OK);
    } catch {
      continue;
    }
    return realpathOr(candidate) === ours ? 'pyservice' : NPX_PYSERVICE; // the first one found is the one run
  }
  return NPX_PYSERVICE;
}

function realpathOr(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}
