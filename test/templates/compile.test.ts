import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { packageRoot, templatesRoot } from '../../src/paths.js';
import { shippedTemplateVersions } from '../../src/templates/manifest.js';
import { compileStats, compileTemplate } from '../../src/templates/compile.js';

// The build's template functions (dist/templates.compiled/VERSION.cjs) are real functions without ejs's line tracking;
// a render error recompiles the one template with ejs, so the message still names the file and line.
const TEMPLATE = join(templatesRoot(), '1.0.0', 'project', 'setup.py.ejs');

test('the build holds every template as a function, keyed by path and content hash', () => {
  const compiled = createRequire(import.meta.url)(join(packageRoot(), 'dist', 'templates.compiled', '1.0.0.cjs')) as Record<string, { sha256: string; render: unknown }>;
  const entry = compiled['1.0.0/project/setup.py.ejs'];
  assert.ok(entry, 'no entry for 1.0.0/project/setup.py.ejs');
  assert.type(entry!.render, 'function');
  assert.match(entry!.sha256, /^[0-9a-f]{64}$/);
  assert.not.match(String(entry!.render), /__line/, 'the build compiled with line tracking');
});

test('one module per template version; together they hold every template', () => {
  const dir = join(packageRoot(), 'dist', 'templates.compiled');
  const modules = readdirSync(dir).filter((f) => f.endsWith('.cjs')).sort();
  const versions = readdirSync(templatesRoot(), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => `${e.name}.cjs`).sort();
  assert.equal(modules, versions);
  const keys = new Set<string>();
  for (const m of modules) for (const k of Object.keys(createRequire(import.meta.url)(join(dir, m)) as object)) keys.add(k);
  const ejsFiles = (readdirSync(templatesRoot(), { recursive: true }) as string[]).filter((f) => f.endsWith('.ejs')).sort();
  assert.equal([...keys].sort(), ejsFiles);
});

test('rendering a version loads only that version\'s module, though its manifest and includes reach older ones', () => {
  // A fresh process per version: the modules a process loaded are asked first
  for (const version of shippedTemplateVersions()) {
    const script = `
      const { planProject } = await import(${JSON.stringify(pathToFileURL(join(packageRoot(), 'dist', 'src', 'plan', 'file-plan.js')).href)});
      const { defaultAnswers } = await import(${JSON.stringify(pathToFileURL(join(packageRoot(), 'dist', 'src', 'answers', 'defaults.js')).href)});
      const { compileStats } = await import(${JSON.stringify(pathToFileURL(join(packageRoot(), 'dist', 'src', 'templates', 'compile.js')).href)});
      let files = 0;
      for (const type of ['service', 'library', 'tool']) {
        const answers = { ...defaultAnswers({ dirName: 'demo' }), author: 'A', email: 'a@example.org', type };
        try { files += planProject({ tool: 'create-pyservice', toolVersion: '0', templateVersion: ${JSON.stringify(version)}, created: '2026-11-22T10:30:00.000Z', origin: 'create', answers }).files.length; } catch { /* a type this version does not have */ }
      }
      console.log(JSON.stringify({ files, ...compileStats }));`;
    const r = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, PYSERVICE_DEV_TEMPLATES: '' } })) as { files: number; precompiled: number; compiledByEjs: number; modules: string[] };
    assert.ok(r.files > 20, `${version}: rendered ${r.files} files`);
    assert.is(r.compiledByEjs, 0, `${version}: ${r.compiledByEjs} templates compiled by ejs`);
    assert.equal(r.modules, [version], `${version} loaded ${r.modules.join(', ')}`);
  }
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
