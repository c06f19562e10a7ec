#!/usr/bin/env node
// Bundles the two bins (our own modules only; npm dependencies stay external) so a run loads 2–3 files
// instead of ~30: module loading was a large share of `create-pyservice --yes`'s start-up.
// The bundles are CommonJS (dist/bin/package.json says so): Node runs a CommonJS main without starting its ESM
// loader, and `require('node:fs')` does not build fs's ESM namespace, whose `promises` getter loads
// fs/promises, readline and the stream stack (together ~20% of a bare `node -e 0`'s instructions).
// Input: tsc's output in dist/src. Output: dist/bin/*.js, the files package.json's "bin" names.
import { build } from 'esbuild';
import { rmSync, writeFileSync } from 'node:fs';

rmSync('dist/bin', { recursive: true, force: true });
await build({
  entryPoints: ['dist/src/cli/bin/create-pyservice.js', 'dist/src/cli/bin/pyservice.js'],
  outdir: 'dist/bin',
  bundle: true,
  splitting: false,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  // import.meta.url (paths.ts finds the package root from it) is this bundle's own URL.
  define: { 'import.meta.url': '__bundleUrl' },
  banner: { js: '"use strict";\nconst __bundleUrl = require("node:url").pathToFileURL(__filename).href;' },
  logLevel: 'warning',
});
writeFileSync('dist/bin/package.json', '{ "type": "commonjs" }\n');
