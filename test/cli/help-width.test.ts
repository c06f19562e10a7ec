import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { create, pyservice } from '../helpers/cli.js';

/** Every --help as a terminal shows it: no line wider than the README's own (116 columns), so none wraps mid-word. */
const t = suite('--help of every command');
const COMMANDS = ['create', 'templates', 'login', 'version', 'deb', 'update', 'check', 'template', 'dependents'];

t('every --help fits 116 columns', () => {
  // Measured: check's exit-code line was 121 columns, deb's --prefix line 117
  const helps: [string, string][] = [['create-pyservice', create(['--help']).stdout], ['pyservice', pyservice(['--help']).stdout]];
  for (const c of COMMANDS) helps.push([`pyservice ${c}`, pyservice([c, '--help']).stdout]);
  for (const [name, text] of helps) {
    assert.ok(text.length > 100, `${name} --help printed nothing`);
    for (const line of text.split('\n')) assert.ok([...line].length <= 116, `${name} --help: a line of ${[...line].length} columns: ${line}`);
  }
});

t.run();
