import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parse as parseYaml } from 'yaml';
import { execFileSync } from 'node:child_process';
import {
  changelogLine, debDescription, debField, dockerString, EscapeError, groovyString, iniValue, makeValue, pyString,
  shellWord, systemdValue, tomlString, yamlString,
} from '../../src/escape/escapers.js';
import { hasTool, toolTest } from '../helpers/tools.js';

const t = suite('escapers');
const isEscapeError = (e: Error) => e instanceof EscapeError;

const HOSTILE = ['plain', `it's "quoted"`, 'back\\slash', 'dollar $HOME $(id) `id`', 'hash # not a comment', '100% %n %i', '<% ejs %>', 'naïve café 日本語 🚀', ' lead and trail ', '', 'tab\there', 'new\nline', 'cr\rreturn', 'nul\u0000byte', 'del\u007f', 'ls\u2028ps\u2029nel\u0085'];

t('pyString: Python reads every hostile string back exactly', () => {
  const program = `import ast, json, sys\nvals = [${HOSTILE.map(pyString).join(', ')}]\nsys.stdout.write(json.dumps(vals))`;
  const out = execFileSync('/usr/bin/python3', ['-c', program], { encoding: 'utf8' });
  assert.equal(JSON.parse(out), HOSTILE);
});

t('yamlString: a YAML parser reads every hostile string back exactly', () => {
  for (const v of HOSTILE) assert.equal(parseYaml(`key: ${yamlString(v)}\n`).key, v, JSON.stringify(v));
});

toolTest(t, ['/usr/bin/python3'], 'tomlString: tomllib reads every hostile string back exactly', () => {
  const doc = HOSTILE.map((v, i) => `k${i} = ${tomlString(v)}`).join('\n');
  const out = execFileSync('/usr/bin/python3', ['-c', 'import json,sys,tomllib; d=tomllib.loads(sys.stdin.read()); print(json.dumps([d["k%d" % i] for i in range(len(d))]))'], { input: doc, encoding: 'utf8' });
  assert.equal(JSON.parse(out), HOSTILE);
});

t('shellWord: sh receives every string (without NUL) as one argument, unchanged', () => {
  const values = HOSTILE.filter((v) => !v.includes('\u0000'));
  const script = `for a in ${values.map(shellWord).join(' ')}; do printf '%s\\0' "$a"; done`;
  const out = execFileSync('sh', ['-c', script], { encoding: 'utf8' });
  assert.equal(out.split('\u0000').slice(0, -1), values);
});

t('shellWord: leaves safe words bare and quotes the rest', () => {
  assert.is(shellWord('my-service'), 'my-service');
  assert.is(shellWord('a b'), "'a b'");
  assert.is(shellWord(''), "''");
  assert.is(shellWord("it's"), "'it'\\''s'");
});

t('makeValue: $ and # are escaped; line breaks and trailing backslash are refused', () => {
  assert.is(makeValue('a$b#c'), 'a$$b\\#c');
  assert.throws(() => makeValue('a\nb'), isEscapeError);
  assert.throws(() => makeValue('a\\'), isEscapeError);
});

toolTest(t, ['make'], 'makeValue: make expands the escaped value back to the original', () => {
  const values = ['a$b', 'x # y', '100%', `q'"`, 'naïve'];
  const mk = values.map((v, i) => `V${i} := ${makeValue(v)}`).join('\n') + `\nall:\n${values.map((_, i) => `\t@printf '%s\\0' '$(subst ','"'"',$(V${i}))'`).join('\n')}\n`;
  const out = execFileSync('make', ['-s', '-f', '-'], { input: mk, encoding: 'utf8' });
  assert.equal(out.split('\u0000').slice(0, -1), values);
});

t('debField and debDescription fold long descriptions the deb822 way', () => {
  assert.is(debField('  My tool  '), 'My tool');
  assert.throws(() => debField('two\nlines'), isEscapeError);
  assert.throws(() => debField('   '), isEscapeError);
  assert.is(debDescription('Synopsis', 'First para.\n\nSecond para.\n.dot start'), 'Synopsis\n First para.\n .\n Second para.\n  .dot start');
});

t('systemdValue doubles % (a specifier) and refuses line breaks', () => {
  assert.is(systemdValue('100% %n'), '100%% %%n');
  assert.throws(() => systemdValue('a\nb'), isEscapeError);
  // systemd joins a line that ends in a backslash with the next one
  assert.throws(() => systemdValue('Runs \\'), isEscapeError);
  assert.throws(() => systemdValue('Runs \\  '), isEscapeError);
  assert.is(systemdValue('a \\ b'), 'a \\ b');
});

t('iniValue refuses blanks at the ends and line breaks (RawConfigParser would drop or split them)', () => {
  assert.is(iniValue('https://x/simple/'), 'https://x/simple/');
  assert.throws(() => iniValue(' x'), isEscapeError);
  assert.throws(() => iniValue('x\ny'), isEscapeError);
});

t('dockerString escapes quote, backslash and $ (LABEL/ENV substitution)', () => {
  assert.is(dockerString('a "b" \\ $HOME'), '"a \\"b\\" \\\\ \\$HOME"');
  assert.throws(() => dockerString('a\nb'), isEscapeError);
});

t('changelogLine trims and refuses line breaks', () => {
  assert.is(changelogLine(' x '), 'x');
  assert.throws(() => changelogLine('a\nb'), isEscapeError);
});

t('groovyString: single-quoted Groovy with \\ and \' escaped (no $ interpolation)', () => {
  assert.is(groovyString(`it's $x \\`), `'it\\'s $x \\\\'`);
});

if (!hasTool('/usr/bin/python3')) console.log('  note: /usr/bin/python3 missing; pyString test will fail');
t.run();
