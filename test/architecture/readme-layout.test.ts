import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/paths.js';

// The README's "How it is built" table is how a newcomer finds their way: every folder and top-level module of
// src/, and every folder of the package's own code beside it, is named there, so a new one cannot land unlisted.

const readme = readFileSync(join(packageRoot(), 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('## How it is built'), readme.indexOf('\n## ', readme.indexOf('## How it is built') + 1));
const table = section.split('\n').filter((l) => l.startsWith('| `')).map((l) => l.split(' | ')[0]!).join('\n');

test('the table names every folder and top-level module of src/', () => {
  assert.ok(table.length > 0, 'no "How it is built" table in README.md');
  const entries = readdirSync(join(packageRoot(), 'src'), { withFileTypes: true }).map((e) => (e.isDirectory() ? `\`src/${e.name}/` : `\`src/${e.name}\``));
  const missing = entries.filter((e) => !table.includes(e));
  assert.equal(missing, [], `README.md "How it is built" does not name ${missing.join(', ')}`);
});

test('the table names the Python and the templates shipped beside src/', () => {
  for (const dir of ['programs/', 'python-helpers/', 'templates/']) assert.ok(table.includes(`\`${dir}`), `README.md "How it is built" does not name ${dir}`);
});

test('every path the table names exists', () => {
  for (const m of table.matchAll(/`((?:src|programs|python-helpers|scripts)\/[^`<]*)`/g)) {
    const path = m[1]!.replace(/\/$/, '');
    assert.ok(readdirSync(join(packageRoot(), path, '..')).includes(path.split('/').pop()!), `README.md names ${m[1]}, which does not exist`);
  }
});

test.run();
