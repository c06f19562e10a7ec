import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/** The package root (where package.json and templates/ live), found from this file whether run from src or dist. */
export function packageRoot(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pj = join(dir, 'package.json');
    if (existsSync(pj) && JSON.parse(readFileSync(pj, 'utf8')).name === 'create-pyservice') return (cached = dir);
    const up = dirname(dir);
    if (up === dir) throw new Error('create-pyservice: cannot find the package root');
    dir = up;
  }
}

export function templatesRoot(): string {
  return join(packageRoot(), 'templates');
}

let version: string | undefined;

/** This package's version (read once: a run asks for it several times). */
export function toolVersion(): string {
  return (version ??= JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')).version as string);
}
