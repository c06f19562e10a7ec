#!/usr/bin/env node
// Writes the golden renders of a template version (test/templates/golden/<version>/<case>/): run once, when a
// version is released (frozen). Refuses to overwrite existing goldens: a frozen version's output never changes,
// so a golden that no longer matches is a bug in the change, not in the golden.
// Usage (after `npm run build`): node scripts/write-goldens.mjs <version>
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { casesFor, renderCase } from '../dist/test/templates/golden-cases.js';
import { answersProblems } from '../dist/src/answers/validate.js';

const version = process.argv[2];
if (!version) {
  console.error('usage: node scripts/write-goldens.mjs <version>');
  process.exit(2);
}
const root = join('test', 'templates', 'golden', version);
if (existsSync(root)) {
  console.error(`${root} exists; goldens of a released version are never rewritten`);
  process.exit(1);
}
for (const [name, answers] of Object.entries(casesFor(version))) {
  const problems = answersProblems(answers);
  if (problems.length) throw new Error(`golden case ${name}: ${problems.join('; ')}`);
}
for (const [name, answers] of Object.entries(casesFor(version))) {
  const files = renderCase(version, answers);
  const index = files.map((f) => `${f.mode} ${f.path}`).join('\n') + '\n';
  for (const f of files) {
    const out = join(root, name, 'files', f.path);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, f.content);
  }
  writeFileSync(join(root, name, 'INDEX'), index);
  console.log(`${root}/${name}: ${files.length} files`);
}
