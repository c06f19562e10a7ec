import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/paths.js';

// The README's "How it is built" table is how a newcomer finds their way: every folder and top-level module of
// src/, and every folder of the package's own code beside it, is named there, so a new one cannot land unlisted.

const readme = readFileSync(join(packageRoot(), 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('## How it is built'), readme.indexOf('\n## ', readme.indexOf('## How it is built') + 1));
const rows = section.split('\n').filter((l) => l.startsWith('| `'));
const table = rows.map((l) => l.split(' | ')[0]!).join('\n');

test('the table names every folder and top-level module of src/', () => {
  assert.ok(table.length > 0, 'no "How it is built" table in README.md');
  const entries = readdirSync(join(packageRoot(), 'src'), { withFileTypes: true }).map((e) => (e.isDirectory() ? `\`src/${e.name}/` : `\`src/${e.name}\``));
  const missing = entries.filter((e) => !table.includes(e));
  assert.equal(missing, [], `README.md "How it is built" does not name ${missing.join(', ')}`);
});

test('the table names the Python and the templates shipped beside src/', () => {
  for (const dir of ['programs/', 'python-helpers/', 'templates/']) assert.ok(table.includes(`\`${dir}`), `README.md "How it is built" does not name ${dir}`);
});

test('every program in programs/ and every helper in python-helpers/ is named in the table', () => {
  for (const dir of ['programs', 'python-helpers']) {
    const row = rows.find((l) => l.startsWith(`| \`${dir}/\``)) ?? '';
    const missing = readdirSync(join(packageRoot(), dir)).filter((f) => f.endsWith('.py') && !row.includes(`\`${f}\``) && !rows.join('\n').includes(`\`${dir}/${f}\``));
    assert.equal(missing, [], `README.md "How it is built" does not name ${dir}/${missing.join(', ')}`);
  }
});

/**
 * A row names files relative to its folders (`gather.ts` in the `src/update/` row) or to src/ (`deb/plan.ts`): each
 * must be a file there, so a rename or a move cannot leave the table pointing a newcomer at nothing.
 */
test('every file a row names is in one of the folders the row names', () => {
  const wrong: string[] = [];
  for (const row of rows) {
    const [first = ''] = row.split(' | ');
    const folders = [...first.matchAll(/`([^`]+\/)`/g)].map((m) => m[1]!);
    for (const m of row.matchAll(/`([\w./-]+\.(?:ts|py|mjs))`/g)) {
      const name = m[1]!;
      const candidates = /^(?:src|programs|python-helpers|scripts|test)\//.test(name) ? [name] : [...folders.map((f) => f + name), 'src/' + name];
      if (!candidates.some((c) => existsSync(join(packageRoot(), c)))) wrong.push(`${name} (looked in ${candidates.join(', ')})`);
    }
  }
  assert.ok(rows.length >= 15, `${rows.length} rows`);
  assert.equal(wrong, [], `README.md "How it is built" names files that are not there: ${wrong.join('; ')}`);
});

test('every path the table names exists', () => {
  for (const m of table.matchAll(/`((?:src|programs|python-helpers|scripts)\/[^`<]*)`/g)) {
    const path = m[1]!.replace(/\/$/, '');
    assert.ok(readdirSync(join(packageRoot(), path, '..')).includes(path.split('/').pop()!), `README.md names ${m[1]}, which does not exist`);
  }
});

test.run();
