#!/usr/bin/env node
// Bundles the two bins (our own modules only; npm dependencies stay external) so a run loads 2–3 files
// instead of ~30: module loading was a large share of `create-pyservice --yes`'s 150 ms budget.
// Input: tsc's output in dist/src. Output: dist/bin/*.js, the files package.json's "bin" names.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';

rmSync('dist/bin', { recursive: true, force: true });
await build({
  entryPoints: ['dist/src/cli/bin/create-pyservice.js', 'dist/src/cli/bin/pyservice.js'],
  outdir: 'dist/bin',
  bundle: true,
  splitting: false,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
});
