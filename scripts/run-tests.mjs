#!/usr/bin/env node
// Runs the compiled uvu suites (dist/test/**/*.test.js) and ends with the plain summary line
// "N passed, N failed, N skipped" that CI reads. Usage: node scripts/run-tests.mjs [file-pattern]
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const uvuBin = join(dirname(fileURLToPath(import.meta.url)), '..', 'node_modules', 'uvu', 'bin.js');
const userPattern = process.argv[2];
const pattern = userPattern ? `${userPattern}.*\\.test\\.js$` : '\\.test\\.js$';

const child = spawn(process.execPath, [uvuBin, 'dist/test', pattern, '--no-color'], { stdio: ['ignore', 'pipe', 'inherit'] });
let output = '';
child.stdout.on('data', (chunk) => {
  output += chunk;
  process.stdout.write(chunk);
});
child.on('close', (code) => {
  const num = (label) => Number((output.match(new RegExp(`${label}:\\s+(\\d+)`)) ?? [])[1] ?? NaN);
  const total = num('Total');
  const passed = num('Passed');
  const skipped = num('Skipped');
  if (Number.isNaN(total)) {
    console.log(`0 passed, 1 failed, 0 skipped`);
    console.error('the test run ended without a summary (a suite crashed before finishing)');
    process.exit(code || 1);
  }
  const failed = total - passed - skipped;
  console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
  process.exit(code !== 0 ? code : failed > 0 ? 1 : 0);
});
