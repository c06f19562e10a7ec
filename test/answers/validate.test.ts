import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { answerPairProblems, answersProblems, authorProblem, consoleScriptsProblem, descriptionProblem, emailProblem, indexUrlProblem, urlProblem } from '../../src/answers/validate.js';
import { defaultAnswers } from '../../src/answers/defaults.js';
import type { Answers } from '../../src/types.js';

const t = suite('answer validation');

t('defaults are valid', () => {
  assert.equal(answersProblems(defaultAnswers({ dirName: 'demo' })), []);
});

t('description: one line, not blank, at most 80 characters', () => {
  assert.is(descriptionProblem('Does things, 100% "well" — naïvely'), null);
  assert.match(descriptionProblem('two\nlines')!, /one line/);
  assert.match(descriptionProblem('')!, /empty.*--description/);
  assert.match(descriptionProblem(' padded')!, /blanks/);
  assert.match(descriptionProblem('x'.repeat(81))!, /80/);
  assert.match(descriptionProblem('bell\u0007')!, /control/);
  // The unit's Description= line would continue onto the next setting
  assert.match(descriptionProblem('Runs \\')!, /ends with a backslash, which joins the next line of the systemd unit/);
  assert.is(descriptionProblem('Runs a \\ b'), null);
});

t('author: no <, > or comma (they break the Debian Maintainer field)', () => {
  assert.is(authorProblem("Zoë O'Brien-Smith"), null);
  assert.match(authorProblem('A <b>')!, /Maintainer/);
  assert.match(authorProblem('Doe, John')!, /comma/);
});

t('console scripts: "name = module:function" each, every name once', () => {
  assert.is(consoleScriptsProblem(['a = m.cli:main', 'b = m.cli:other']), null);
  // Two entries of one name were two /usr/bin links (and preinst diversions) to one path
  assert.match(consoleScriptsProblem(['a = m.cli:main', 'a = m.other:main'])!, /"a" is given twice/);
  assert.match(consoleScriptsProblem(['a = m.cli:main', 'a = m.cli:main'])!, /"a" is given twice/);
  assert.match(consoleScriptsProblem(['../x = m:f'])!, /not a console script entry/);
});

t('email must look like an address', () => {
  assert.is(emailProblem('dev@example.org'), null);
  for (const bad of ['', 'dev', 'dev@', '@x.org', 'a b@x.org', 'a@x..org']) assert.ok(emailProblem(bad), bad);
});

t('URLs: http(s) only, no credentials, no blanks', () => {
  assert.is(urlProblem('', '--url'), null);
  assert.is(urlProblem('https://git.example.com/team/svc', '--url'), null);
  assert.match(urlProblem('ftp://x', '--url')!, /https/);
  assert.match(urlProblem('https://u:p@x.org/', '--url')!, /credentials/);
  assert.match(urlProblem('https://x.org/a b', '--url')!, /blanks/);
  assert.match(urlProblem('not a url', '--url')!, /blanks|not a URL/);
});

t('index URL must be a PEP 503 /simple/ URL', () => {
  assert.is(indexUrlProblem('https://pypi.example.com/simple/'), null);
  assert.is(indexUrlProblem('https://gitlab.example.com/api/v4/projects/42/packages/pypi/simple'), null);
  assert.match(indexUrlProblem('https://pypi.example.com/')!, /simple/);
});

t('a full set of answers reports every problem, in question order', () => {
  const a = { ...defaultAnswers({ dirName: 'demo' }), name: 'Bad Name', ci: 'travis' as never, distro: 'sid' };
  const problems = answersProblems(a);
  assert.is(problems.length, 3);
  assert.match(problems[0]!, /spaces/);
  assert.match(problems[1]!, /CI provider/);
  assert.match(problems[2]!, /distro/);
});

t('answer pairs: an upload or a login without an index, a Python minimum the distribution lacks (a .deb only)', () => {
  const base: Answers = { ...defaultAnswers({ dirName: 'svc', gitName: 'A', gitEmail: 'a@example.org' }), type: 'service' };
  assert.equal(answerPairProblems(base), []);
  const cases: Array<[Partial<Answers>, RegExp | null]> = [
    [{ uploadUrl: 'https://p.example/legacy/' }, /^--upload-url is set but --index-url is not: .*installs come from PyPI.*; pass --index-url URL .* or drop --upload-url$/],
    [{ uploadUrl: 'https://p.example/legacy/', indexUrl: 'https://p.example/simple/' }, null],
    [{ indexUser: 'reader' }, /^--index-user names your login on the team's index, and there is no --index-url; pass --index-url URL too, or drop --index-user$/],
    [{ indexUser: 'reader', indexUrl: 'https://p.example/simple/' }, null],
    [{ pythonMinimum: '3.13', distro: 'bookworm' }, /^--python-minimum 3\.13 is newer than bookworm's Python 3\.11, .*: choose --distro trixie \(Python 3\.13\), or --python-minimum 3\.11 or lower$/],
    [{ pythonMinimum: '3.15', distro: 'noble' }, /no distribution it targets has it yet; choose --python-minimum 3\.12 or lower$/],
    [{ pythonMinimum: '3.13', distro: 'trixie' }, null],
    [{ pythonMinimum: '3.999', distro: 'bookworm' }, null], // not a version: said once, by answersProblems
    [{ pythonMinimum: '3.13', distro: 'bookworm', type: 'library' }, null],
    [{ pythonMinimum: '3.11', distro: 'bookworm', type: 'tool' }, null],
  ];
  for (const [over, want] of cases) {
    const got = answerPairProblems({ ...base, ...over });
    if (want === null) assert.equal(got, [], JSON.stringify(over));
    else {
      assert.is(got.length, 1, JSON.stringify(over));
      assert.match(got[0]!, want);
    }
  }
});

t.run();
