import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { create, pyservice } from '../helpers/cli.js';
import { packageRoot } from '../../src/paths.js';

/** The README and --help agree: every flag a command's --help offers is named in the README. */
const t = suite('README names every flag of every --help');
const COMMANDS = ['templates', 'login', 'version', 'deb', 'update', 'check', 'template', 'dependents'];

t('each --help flag appears in README.md', () => {
  // Measured: create's --url, --save-credentials, --build-deps, --python-minimum, login's --dir, version's
  // --print-version and template check's --max and --write-goldens were in --help only
  const readme = readFileSync(join(packageRoot(), 'README.md'), 'utf8');
  const helps: [string, string][] = [['create-pyservice', create(['--help']).stdout]];
  for (const c of COMMANDS) helps.push([`pyservice ${c}`, pyservice([c, '--help']).stdout]);
  const missing: string[] = [];
  for (const [name, text] of helps) {
    assert.ok(text.length > 100, `${name} --help printed nothing`);
    for (const flag of new Set(text.match(/--[a-z][a-z-]+/g) ?? []))
      if (!new RegExp(`${flag}(?![a-z-])`).test(readme)) missing.push(`${name} ${flag}`);
  }
  assert.equal(missing, []);
});

t.run();
