import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/paths.js';

// What a run loads (dist/bin's bundles, the precompiled templates) is pure ASCII, so V8 keeps each source a
// one-byte string instead of decoding it to two bytes a character on every run (scripts/ascii-source.mjs).
const loaded = () => [
  ...readdirSync(join(packageRoot(), 'dist', 'bin')).filter((f) => f.endsWith('.js')).map((f) => join('dist', 'bin', f)),
  ...readdirSync(join(packageRoot(), 'dist', 'templates.compiled')).filter((f) => f.endsWith('.cjs')).map((f) => join('dist', 'templates.compiled', f)),
];

test('every bundle and precompiled template module is pure ASCII', () => {
  const files = loaded();
  assert.ok(files.length > 5, `found ${files.length} files`);
  for (const f of files) {
    const bytes = readFileSync(join(packageRoot(), f));
    const at = bytes.findIndex((b) => b > 0x7f);
    assert.is(at, -1, `${f} has a non-ASCII byte at ${at}`);
  }
});

// That the escapes keep the text is what test/templates/golden checks: its renders (through these modules) hold
// …, → and × byte for byte as released.

test.run();
