import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { packageRoot, templatesRoot } from '../../src/paths.js';
import { compileStats, compileTemplate } from '../../src/templates/compile.js';

// The build's template functions (dist/templates.compiled.cjs) are real functions without ejs's line tracking;
// a render error recompiles the one template with ejs, so the message still names the file and line.
const TEMPLATE = join(templatesRoot(), '1.0.0', 'project', 'setup.py.ejs');

test('the build holds every template as a function, keyed by path and content hash', () => {
  const compiled = createRequire(import.meta.url)(join(packageRoot(), 'dist', 'templates.compiled.cjs')) as Record<string, { sha256: string; render: unknown }>;
  const entry = compiled['1.0.0/project/setup.py.ejs'];
  assert.ok(entry, 'no entry for 1.0.0/project/setup.py.ejs');
  assert.type(entry!.render, 'function');
  assert.match(entry!.sha256, /^[0-9a-f]{64}$/);
  assert.not.match(String(entry!.render), /__line/, 'the build compiled with line tracking');
});

test('a render error in a precompiled template names the template file and its line', () => {
  const render = compileTemplate(TEMPLATE); // possibly cached by an earlier suite in this process
  const before = { ...compileStats };
  let message = '';
  try {
    render({}); // no answers: the template's first use of `n` or `a` throws
  } catch (err) {
    message = (err as Error).message;
  }
  assert.ok(message, 'rendering without a context did not throw');
  const m = /setup\.py\.ejs:(\d+)\n/.exec(message);
  assert.ok(m, `the error does not name the file and line: ${message}`);
  const line = readFileSync(TEMPLATE, 'utf8').split('\n')[Number(m![1]) - 1] ?? '';
  assert.match(line, /<%/, `line ${m![1]} of the template has no ejs tag: ${line}`);
  // Only a function from the build is recompiled on error (one ejs compiles its own with line tracking).
  assert.is(compileStats.compiledByEjs, before.compiledByEjs + 1, 'the error was not located by recompiling with ejs');
});

test.run();
