import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jsonProblem, parseJson } from '../../src/files/json.js';
import { create, pyservice } from '../helpers/cli.js';
import { generate } from '../helpers/generate.js';
import { prng, seedFromEnv } from '../helpers/random.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * A JSON file people write (answers, .pyservice.json, team defaults, manifests) that is not JSON: the error names
 * the line, the column and what was expected, and quotes nothing of the file, which may hold a password
 * (V8's own message quotes up to ten characters around the error).
 */
const t = suite('JSON errors: where and why, never the text');

t('the place and the reason, for each kind of mistake', () => {
  const cases: [string, string][] = [
    ['{"a": 1,}', 'line 1, column 9: a property name in double quotes was expected'],
    ['{"a": 1 "b": 2}', "line 1, column 9: ',' or '}' was expected after the value (a missing comma or quote?)"],
    ["{'a': 1}", 'line 1, column 2: a property name in double quotes was expected'],
    ['{"a": \'x\'}', 'line 1, column 7: strings take double quotes, not single'],
    ['{\n  "a": "x\n"}', 'line 2, column 10: a control character (a line break?) inside a string: escape it'],
    ['{"a": "C:\\path"}', 'line 1, column 11: a backslash that starts no JSON escape (write \\\\ for one backslash)'],
    ['{"a": tru}', 'line 1, column 10: unexpected character'],
    ['[1, 2', 'line 1, column 6: the text ends inside a list'],
    ['', 'line 1, column 1: the text ends where a value was expected'],
    ['{} {}', 'line 1, column 4: more text after the JSON value'],
    ['{"a": 01}', "line 1, column 8: ',' or '}' was expected after the value (a missing comma or quote?)"],
  ];
  for (const [text, want] of cases) {
    assert.throws(() => JSON.parse(text), undefined, text);
    assert.is(jsonProblem(text), want, text);
  }
  assert.equal(parseJson('{"a": [1, "x", null, true, -2.5e3]}'), { a: [1, 'x', null, true, -2500] });
});

t('a property given twice in one object is refused at the second, for every file people write; values never quoted', async () => {
  // Measured before: an answers file with "name" twice made the project of the second name and said nothing
  // (JSON.parse keeps the last; Python's json too, other readers and people the first).
  assert.is(jsonProblem('{"name": "a",\n "type": "tool",\n "name": "b"}'), 'line 3, column 2: the property "name" is given twice in this object (readers keep one or the other); keep one');
  assert.is(jsonProblem('{"a": {"x": 1, "y": {"x": 2}}, "b": [{"x": 1}, {"x": 2}], "\\u0078": 1, "x": 2}'), 'line 1, column 72: the property "x" is given twice in this object (readers keep one or the other); keep one');
  assert.equal(parseJson('{"a": {"x": 1}, "b": {"x": 2}, "l": [{"x": 1}, {"x": 1}]}'), { a: { x: 1 }, b: { x: 2 }, l: [{ x: 1 }, { x: 1 }] }, 'the same name in different objects is fine');
  assert.throws(() => parseJson('{"https://u:PW@h/": 1, "https://u:PW@h/": 2}'), (err: Error) => !err.message.includes('PW') && err.message.includes('given twice'));
  // parseJson skips the full scan when the text's `":` places match the parsed properties; a string value that holds
  // `":` (one more place) must not hide a repeat, nor make a file without one refused
  const dup = (text: string) => assert.throws(() => parseJson(text), (err: Error) => err.message.includes('given twice'), text);
  dup('{"a": 1, "a": 2}');
  dup('{"note": "say \\":\\" here", "a": 1, "a": 2}');
  dup('{"__proto__": 1, "__proto__": 2}');
  dup('[{"k" \n :1, "k"\t: 2}]');
  assert.equal(parseJson('{"note": "say \\":\\" and \\" :", "a": {"b": [1, {"c": null}]}, "__proto__": 0}'), JSON.parse('{"note": "say \\":\\" and \\" :", "a": {"b": [1, {"c": null}]}, "__proto__": 0}'));

  const root = tempDir('json-dup-');
  writeFileSync(join(root, 'answers.json'), '{"name": "svc-one", "type": "tool", "name": "svc-two"}');
  const a = create([join(root, 'svc'), '--answers', join(root, 'answers.json'), '--yes', '--no-git', '--dry-run'], { cwd: root });
  assert.is(a.code, 2, a.stderr);
  assert.is(a.stderr, `error: answers file ${join(root, 'answers.json')} is not valid JSON: line 1, column 37: the property "name" is given twice in this object (readers keep one or the other); keep one\n`);

  const dir = await generate({ name: 'json-dup', type: 'library' });
  const rec = readFileSync(join(dir, '.pyservice.json'), 'utf8');
  writeFileSync(join(dir, '.pyservice.json'), rec.replace('"answers": {', '"answers": {\n    "indexUrl": "https://pypi.example.org/simple/",'));
  const c = pyservice(['check'], { cwd: dir });
  assert.is(c.code, 2, c.stderr);
  assert.match(c.stderr, /is not valid JSON \(line \d+, column 5: the property "indexUrl" is given twice in this object/);
});

t(`property: a broken JSON text's error quotes none of it, and its place is where V8 stops (seed printed)`, () => {
  const seed = seedFromEnv();
  console.log(`  json seed ${seed} (replay with FUZZ_SEED=${seed})`);
  const rand = prng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  const secret = 'Qx7secretPASSWORDvalue9Z';
  for (let i = 0; i < 2000; i++) {
    const doc = { name: 'svc', indexUser: 'installer', password: secret, list: [1, 'two', null], nested: { url: `https://u:${secret}@h/simple/` } };
    let text = JSON.stringify(doc, null, pick([0, 2]));
    // one mistake people make: a quote, comma or brace dropped, a character inserted
    const at = Math.floor(rand() * text.length);
    text = pick([() => text.slice(0, at) + text.slice(at + 1), () => text.slice(0, at) + pick(['x', "'", ',', '}', ']', '\\', '\n', ':']) + text.slice(at)])();
    let v8: string;
    try {
      JSON.parse(text);
      continue;
    } catch (err) {
      v8 = (err as Error).message;
    }
    const problem = jsonProblem(text);
    for (const run of secret.match(/[A-Za-z0-9]{4,}/g)!) assert.not.ok(problem.includes(run), `seed ${seed} case ${i}: ${problem}`);
    // where V8 names a position, both name the same place
    const pos = /at position (\d+)/.exec(v8);
    if (pos) {
      const before = text.slice(0, Number(pos[1]));
      assert.ok(problem.startsWith(`line ${before.split('\n').length}, column ${Number(pos[1]) - before.lastIndexOf('\n')}:`), `seed ${seed} case ${i}: ${JSON.stringify(text)}: ${problem} vs V8 ${v8}`);
    }
  }
});

t('create --answers, check and create with team defaults: a broken file with a password in it is named, the password never shown', async () => {
  const secret = 'PLACEHOLDERforAPasswordValue'; // a stand-in: no real credential is ever written into a test
  const root = tempDir('json-leak-');
  // a password written without its quotes: V8's message quoted the text around it, its first characters included
  writeFileSync(join(root, 'answers.json'), `{"name": "svc-one", "password": ${secret}}`);
  const a = create([join(root, 'svc'), '--answers', join(root, 'answers.json'), '--yes', '--no-git'], { cwd: root });
  assert.is(a.code, 2, a.stderr);
  assert.match(a.stderr, `answers file ${join(root, 'answers.json')} is not valid JSON: line 1, column 33: unexpected character (a string without its double quotes?)`);
  assert.not.ok(a.stderr.includes(secret.slice(0, 7)), a.stderr);

  const dir = await generate({ name: 'json-rec', type: 'library' });
  writeFileSync(join(dir, '.pyservice.json'), `{"tool": "create-pyservice", "answers": {"indexUrl": "https://u:${secret}@h/simple/" "x": 1}}`);
  const c = pyservice(['check'], { cwd: dir });
  assert.is(c.code, 2, c.stderr);
  assert.match(c.stderr, 'is not valid JSON (line 1, column ');
  assert.not.ok(c.stderr.includes(secret.slice(0, 7)), c.stderr);

  const conf = join(root, 'conf');
  mkdirSync(conf, { mode: 0o700 });
  writeFileSync(join(conf, 'defaults.json'), `{"indexUrl": "https://u:${secret}@h/simple/", "indexUser": ${secret}}`, { mode: 0o600 });
  const d = create([join(root, 'svc2'), '--yes', '--no-git'], { cwd: root, env: { PYSERVICE_DEFAULTS: join(conf, 'defaults.json') } });
  assert.is(d.code, 2, d.stderr);
  assert.match(d.stderr, 'is not valid JSON (line 1, column ');
  assert.not.ok(d.stderr.includes(secret.slice(0, 7)), d.stderr);
});

t.run();
