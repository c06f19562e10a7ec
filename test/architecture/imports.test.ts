import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { packageRoot } from '../../src/paths.js';

/**
 * The layering rules, checked on the sources: the CLI (src/cli) is a thin layer over the library, so nothing
 * outside it imports it; and no module imports itself back through others (no cycles, type-only imports included).
 */
const srcRoot = join(packageRoot(), 'src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? sources(join(dir, d.name)) : d.name.endsWith('.ts') ? [join(dir, d.name)] : []));
}

/** Relative imports of a module (static, re-exports, dynamic), as absolute .ts paths. */
export function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const specs = [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"](\.[^'"]+)['"]/gm)].map((m) => m[1]!);
  return specs.map((s) => resolve(dirname(file), s.replace(/\.js$/, '.ts')));
}

const files = sources(srcRoot);
const graph = new Map(files.map((f) => [f, importsOf(f)]));
const rel = (f: string) => relative(srcRoot, f);

test('the import scanner sees static, type-only and dynamic imports', () => {
  const main = graph.get(join(srcRoot, 'cli', 'main.ts'))!.map(rel);
  assert.ok(main.includes('cli/errors.ts'), main.join(' '));
  assert.ok(main.includes('cli/commands/update-command.ts'), 'dynamic import() of a command');
  const types = graph.get(join(srcRoot, 'answers', 'types.ts'))!.map(rel);
  assert.ok(types.includes('types.ts'), 'type-only re-export');
});

test('every relative import resolves to a source file', () => {
  const missing = [...graph].flatMap(([f, deps]) => deps.filter((d) => !graph.has(d)).map((d) => `${rel(f)} → ${rel(d)}`));
  assert.equal(missing, []);
});

test('no module outside src/cli imports from src/cli', () => {
  const cli = join(srcRoot, 'cli') + '/';
  const bad = [...graph].flatMap(([f, deps]) => (f.startsWith(cli) ? [] : deps.filter((d) => d.startsWith(cli)).map((d) => `${rel(f)} → ${rel(d)}`)));
  assert.equal(bad, []);
});

test('only src/exec starts child processes (so every child gets its environment from exec/child-env.ts)', () => {
  const exec = join(srcRoot, 'exec') + '/';
  const starts = /\bchildProcess\(\)|['"]node:child_process['"]/;
  const bad = files.filter((f) => !f.startsWith(exec) && f !== join(srcRoot, 'lazy.ts') && starts.test(readFileSync(f, 'utf8').replace(/^\s*(?:\*|\/\/).*$/gm, '')));
  assert.equal(bad.map(rel), []);
});

test('an error message shows a value through shown() (quoted, escaped, redacted), never as a raw "${…}"', () => {
  const raw = /Error\(`[^`]*"\$\{/;
  const bad = files.filter((f) => readFileSync(f, 'utf8').split('\n').some((l) => raw.test(l)));
  assert.equal(bad.map(rel), []);
});

test('no import cycles', () => {
  const state = new Map<string, 'open' | 'done'>();
  const cycles: string[] = [];
  const visit = (f: string, path: string[]) => {
    if (state.get(f) === 'done') return;
    if (state.get(f) === 'open') {
      cycles.push([...path.slice(path.indexOf(f)), f].map(rel).join(' → '));
      return;
    }
    state.set(f, 'open');
    for (const d of graph.get(f) ?? []) visit(d, [...path, f]);
    state.set(f, 'done');
  };
  for (const f of files) visit(f, []);
  assert.equal(cycles, []);
});

test.run();
