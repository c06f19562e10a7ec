#!/usr/bin/env node
// `npm run bench`: runs every benchmark module in scripts/bench/ (each exports `async function bench()`
// that prints its own figures). Benchmarks print numbers; they never fail on a target.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'bench');
const only = process.argv[2];
for (const file of readdirSync(dir).filter((f) => f.endsWith('.mjs')).sort()) {
  if (only && !file.includes(only)) continue;
  console.log(`\n== ${file}`);
  const mod = await import(pathToFileURL(join(dir, file)).href);
  await mod.bench();
}
