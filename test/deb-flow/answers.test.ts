import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { ProjectMetadata } from '../../src/python/metadata.js';
import { chosenExtras, consoleScriptsFor, DebInputError, requirementLines, toolchainFor, debAnswers, debianVersionFor, homepageFor, projectNameFor, requiresPythonProblem, synopsisFor, vcsVersionNote } from '../../src/deb/answers.js';
import { debEnvIdentity, parseMaintainer, pickMaintainer } from '../../src/deb/maintainer.js';
import { answersProblems, descriptionProblem } from '../../src/answers/validate.js';
import { upstreamPeople } from '../../src/deb/copyright.js';
import { deriveNames } from '../../src/answers/names.js';

const t = suite('deb flow: metadata → answers');

function meta(m: Partial<ProjectMetadata>): ProjectMetadata {
  return {
    name: 'demo', version: '1.0.0', description: 'Demo', long_description: null, author: null, author_email: null, maintainer: null,
    maintainer_email: null, url: null, license: null, license_expression: null, classifiers: [], requires_python: null,
    install_requires: [], extras: {}, console_scripts: [], ...m,
  };
}

const NAMES: [string, string][] = [
  ['demo', 'demo'],
  ['Demo_Thing', 'demo-thing'],
  ['My.Service', 'my.service'],
  ['flask_api', 'flask-api'],
];
for (const [py, deb] of NAMES) {
  t(`project name ${py} → Debian package ${deb}`, () => {
    const r = projectNameFor(meta({ name: py }));
    assert.ok('name' in r, JSON.stringify(r));
    if ('name' in r) assert.is(deriveNames(r.name).debName, deb);
  });
}

t('a name Debian cannot take is exit-2 material naming --package; --package wins and is validated', () => {
  for (const bad of ['9lives', 'a', 'has space']) {
    const r = projectNameFor(meta({ name: bad }));
    assert.ok('problem' in r && /--package/.test(r.problem), bad);
  }
  const none = projectNameFor(meta({ name: null }));
  assert.ok('problem' in none && /declares no name/.test(none.problem));
  const flag = projectNameFor(meta({ name: '9lives' }), 'nine-lives');
  assert.equal(flag, { name: 'nine-lives' });
  const badFlag = projectNameFor(meta({ name: 'ok' }), 'Bad_Name');
  assert.ok('problem' in badFlag && /package name.*\(--package\)/.test(badFlag.problem));
});

const VERSIONS: [string | null, string, boolean][] = [
  ['1.2.0', '1.2.0', false],
  ['2024.5', '2024.5', false],
  ['1.2.0rc1', '1.2.0', true],
  ['0.1.dev3+g1234abc', '0.1', true],
  ['1!2.0.post1', '2.0', true],
  ['v3.1', '3.1', true],
  ['1.2.3.4.5', '1.2.3.4', true],
];
for (const [py, deb, noted] of VERSIONS) {
  t(`version ${py} → changelog ${deb}${noted ? ' (with a note)' : ''}`, () => {
    const r = debianVersionFor(py);
    assert.ok('version' in r, JSON.stringify(r));
    assert.is(r.version, deb);
    assert.is(Boolean(r.note), noted);
  });
}

for (const py of ['0.0.0', '0', '0.0', '0.0.0.dev0', '0+unknown', 'v0.0.0', '0!0.0']) {
  t(`version ${py} is a placeholder (release 0), refused naming --upstream-version`, () => {
    const r = debianVersionFor(py);
    assert.ok('problem' in r, JSON.stringify(r));
    assert.match(r.problem, /placeholder \(release 0\)/);
    assert.match(r.problem, /--upstream-version X/);
  });
}
for (const [py, deb] of [['0.0.1', '0.0.1'], ['0.10.0', '0.10.0'], ['0.1.dev0', '0.1'], ['10.0.0', '10.0.0']] as const)
  t(`version ${py} has a release other than 0: changelog ${deb}`, () => {
    const r = debianVersionFor(py);
    assert.ok('version' in r, JSON.stringify(r));
    assert.is(r.version, deb);
  });

for (const py of [null, 'banana', '']) {
  t(`version ${JSON.stringify(py)} is never invented: a problem naming --upstream-version`, () => {
    const r = debianVersionFor(py);
    assert.ok('problem' in r, JSON.stringify(r));
    assert.match(r.problem, /--upstream-version X/);
    assert.match(r.problem, /SETUPTOOLS_SCM_PRETEND_VERSION/);
  });
}

t('Requires-Python against the target release\'s Python, as packaging judged it: the interpreter\'s own version when it is that X.Y, else X.Y', () => {
  // Verdicts as the helper gives them (packaging's SpecifierSet, pip's own check): a project requiring >=3.12
  const newer = { '3.11.2': false, '3.10': false, '3.11': false, '3.12': true, '3.13': true };
  const p = requiresPythonProblem({ requires_python: '>=3.12', python_accepted: newer }, 'bookworm', '3.11.2');
  assert.is(p, 'the project requires Python ">=3.12" (Requires-Python) and bookworm\'s python3 is 3.11.2: pip would refuse to install it while the package builds; package it for --distro trixie (Python 3.13) or --distro noble (Python 3.12), built on that release, or relax requires-python upstream');
  assert.is(requiresPythonProblem({ requires_python: '>=3.12', python_accepted: newer }, 'trixie', '3.11.2'), null, 'trixie\'s 3.13 is accepted');
  // A patch level: bookworm's 3.11.2 is not ~=3.11.4, though "3.11" alone would not say so either way
  const patch = { '3.11.2': false, '3.11': false, '3.12': false, '3.13': false };
  assert.match(requiresPythonProblem({ requires_python: '~=3.11.4', python_accepted: patch }, 'bookworm', '3.11.2') ?? '', /bookworm's python3 is 3\.11\.2: .*; relax requires-python upstream$/);
  // Another release than the interpreter's: judged by that release's X.Y
  assert.match(requiresPythonProblem({ requires_python: '<3.11', python_accepted: { '3.11.2': false, '3.10': true, '3.12': false } }, 'noble', '3.11.2') ?? '', /noble's python3 is 3\.12: .*--distro jammy \(Python 3\.10\)/);
  // Accepted, no Requires-Python, or no verdict (no packaging, an unparsable specifier): no problem
  assert.is(requiresPythonProblem({ requires_python: '>=3.8', python_accepted: { '3.11.2': true, '3.11': true } }, 'bookworm', '3.11.2'), null);
  assert.is(requiresPythonProblem({ requires_python: null, python_accepted: {} }, 'bookworm', '3.11.2'), null);
  assert.is(requiresPythonProblem({ requires_python: '>=3.12', python_accepted: {} }, 'bookworm', '3.11.2'), null);
});

t('synopsis: the first line when valid; otherwise a fallback that passes the validator, with the reason', () => {
  assert.equal(synopsisFor(meta({ description: 'Serves things' })), { description: 'Serves things' });
  assert.equal(synopsisFor(meta({ description: '\n  Serves things  \nmore text' })).description, 'Serves things');
  const cases = [null, '   ', 'x'.repeat(200), 'A really quite long description that goes on and on about what the service does in detail'];
  for (const d of cases) {
    const r = synopsisFor(meta({ description: d }));
    assert.ok(r.problem, `no problem reported for ${d}`);
    assert.is(descriptionProblem(r.description), null, r.description);
  }
  const long = synopsisFor(meta({ description: 'A really quite long description that goes on and on about what the service does in detail' }));
  assert.ok(long.description.startsWith('Really quite long description'), long.description);
  assert.ok(long.description.endsWith('…'));
  assert.match(synopsisFor(meta({ description: 'tab\there' })).description, /^tab here$/);
});

t('console scripts: spacing normalised, a declared extra kept for install, invalid entries left out with a note', () => {
  const r = consoleScriptsFor(meta({ console_scripts: ['a = m.cli:main', 'b = m:f [Extra_One]', 'c = not a target', 'a = m.cli:main'], extras: { 'extra-one': ['aiohttp'] } }));
  assert.equal(r.scripts, ['a = m.cli:main', 'b = m:f']);
  assert.equal(r.extras, ['extra-one']);
  assert.ok(r.notes.some((n) => /"c = not a target"/.test(n)), r.notes.join('\n'));
  assert.ok(r.notes.some((n) => /installs the project with it/.test(n)), r.notes.join('\n'));
});

t('two entry points of one name: the first is the command, the other left out with a note (not an internal error)', () => {
  const r = consoleScriptsFor(meta({ console_scripts: ['a = m.cli:main', 'a = m.other:main', 'a = m.cli:main'] }));
  assert.equal(r.scripts, ['a = m.cli:main']);
  assert.match(r.notes.join('\n'), /"a = m\.other:main" is left out: the name a is already the command of an earlier entry/);
});

t('a console script whose extra the project does not declare is left out, with the reason', () => {
  const r = consoleScriptsFor(meta({ console_scripts: ['blackd = blackd:patched_main [d]', 'black = black:main'] }));
  assert.equal(r.scripts, ['black = black:main']);
  assert.equal(r.extras, []);
  assert.match(r.notes.join('\n'), /"blackd = blackd:patched_main \[d\]" is left out: it needs the extra d/);
});

t('an extra that is no valid name (an in-tree backend publishes anything): the script is left out, --extras refuses it; debAnswers never fails validation', () => {
  // Measured: Provides-Extra 'ex$(id)' and an entry point 'hostile = pkg:main [ex$(id)]' from an in-tree PEP 517
  // backend ended pyservice deb with 'internal: deb answers failed validation' (exit 1)
  const m = meta({ name: 'hostile', version: '1.0', console_scripts: ['hostile = pkg:main [ex$(id)]', 'hostile2 = pkg:main [good]', 'hostile3 = pkg:main [a b]'], extras: { 'ex$(id)': ['foo'], good: [], 'a b': [] } });
  const r = consoleScriptsFor(m, 'tool');
  assert.equal(r.scripts, ['hostile2 = pkg:main']);
  assert.equal(r.extras, ['good']);
  assert.match(r.notes.join('\n'), /"hostile = pkg:main \[ex\$\(id\)\]" is left out: its extra "ex\$\(id\)" is not a valid extra name/);
  assert.throws(() => chosenExtras(m, 'tool', ['ex$(id)'], []), (e: Error) => e instanceof DebInputError && /"ex\$\(id\)" is not a valid extra name \(--extras/.test(e.message));
  const built = debAnswers({ meta: m, name: 'hostile', maintainer: { name: 'P D', email: 'p@d.org' }, distro: 'bookworm', description: 'Tool', kind: 'tool' });
  assert.equal(built.answers.scriptExtras, ['good']);
  assert.equal(answersProblems(built.answers), []);
});

t('metadata of any length is read in linear time: summaries, entry points, people, requirements.txt lines', () => {
  // Measured before, each 50 kB: a summary of backslashes 4.2 s, of '[' 3.5 s, of commas 2.2 s; an entry point with a
  // run of blanks 7.9 s; 25,000 author names 2.8 s; a name field of blanks 4 s; a requirements.txt line of blanks 3.8 s
  const n = 100_000;
  const t0 = Date.now();
  for (const d of ['\\'.repeat(n) + 'y', ','.repeat(n) + 'y', '['.repeat(n), '[a]('.repeat(n / 4), 'Tool ' + 'x'.repeat(n)]) {
    const r = synopsisFor(meta({ name: 'x', description: d }), 'tool', ['x']);
    assert.ok([...r.description].length <= 80, r.description.slice(0, 100));
  }
  assert.match(synopsisFor(meta({ name: 'x', description: 'Tool ' + 'x'.repeat(n) })).problem!, new RegExp(`is ${n + 5} characters long`));
  const cs = consoleScriptsFor(meta({ console_scripts: ['a' + ' '.repeat(n) + 'b', 'ok = m:f [' + 'x'.repeat(n)], extras: {} }));
  assert.equal(cs.scripts, []);
  assert.ok(cs.notes.every((x) => x.length < 300), 'notes quote at most the start of a long entry');
  assert.ok(upstreamPeople('a,'.repeat(n / 2), '<'.repeat(n)).length > 0);
  assert.equal(upstreamPeople(' '.repeat(n) + 'x', ' '.repeat(n) + 'y@z.org'), ['x <y@z.org>']);
  assert.equal(requirementLines('a' + ' '.repeat(n) + 'b\nc>=1 --hash=sha256:0'), ['a' + ' '.repeat(n) + 'b', 'c>=1']);
  assert.ok(Date.now() - t0 < 3000, `${Date.now() - t0} ms`);
});

t('--maintainer problems name --maintainer, never create\'s --author or --email', () => {
  for (const [value, want] of [['<a@example.org>', /the author name is empty; give one with --maintainer$/], ['A, B <a@example.org>', /comma.*\(--maintainer\)$/], ['A B <not-an-address>', /not an address.*\(--maintainer\)$/]] as const) {
    const r = parseMaintainer(value);
    assert.type(r, 'string');
    assert.match(r as string, want);
    assert.not.match(r as string, /--author|--email/);
  }
});

const SYNOPSES: [string, string[], string][] = [
  ['A linter for YAML files.', ['yamllint'], 'Linter for YAML files'],
  ['yamllint: a linter for YAML files', ['yamllint'], 'Linter for YAML files'],
  ['Rich is a Python library for rich text', ['rich'], 'Python library for rich text'],
  ['The uncompromising code formatter.', ['black'], 'Uncompromising code formatter'],
  ['my_tool - does things...', ['my-tool'], 'Does things...'],
  ['Richer output', ['rich'], 'Richer output'],
  ['An', ['x1'], 'An'],
  // lintian's description-starts-with-package-name (an error) is any start with the name as a word
  ['Pexpect allows easy control of interactive console applications.', ['pexpect'], 'Allows easy control of interactive console applications'],
  ['Cleo allows you to create beautiful and testable command-line interfaces.', ['cleo'], 'Allows you to create beautiful and testable command-line interfaces'],
  ['multidict implementation', ['multidict'], 'Implementation of multidict'],
  ['pyflakes-like checker for sources', ['pyflakes'], 'Like checker for sources'],
  ['Pyflakesque checks', ['pyflakes'], 'Pyflakesque checks'],
  // myst-parser 4.0.1 as bookworm's flit_core publishes it: a Markdown link, cut at the line break after a comma
  ['An extended [CommonMark](https://spec.commonmark.org/) compliant parser,', ['myst-parser'], 'Extended CommonMark compliant parser'],
];
for (const [raw, names, want] of SYNOPSES) {
  t(`synopsis ${JSON.stringify(raw)} → ${JSON.stringify(want)} (lintian: no article, no package name, no full stop)`, () => {
    assert.is(synopsisFor(meta({ name: names[0]!, description: raw }), 'tool', names).description, want);
  });
}

t('a summary that is only the project name (flit: the module docstring\'s first line, click_default_group) is a problem: asked, or the fallback', () => {
  const names = ['click-default-group', 'click-default-group', 'click_default_group'];
  for (const raw of ['click_default_group', 'Click-Default-Group.', 'click default group']) {
    const r = synopsisFor(meta({ name: 'click-default-group', description: raw }), 'tool', names);
    assert.match(r.problem ?? '', /description is only its name/, raw);
    assert.is(descriptionProblem(r.description), null);
    assert.is.not(r.description.toLowerCase().replace(/[-_ ]/g, ''), 'clickdefaultgroup');
  }
  assert.is(synopsisFor(meta({ name: 'click-default-group', description: 'click_default_group extends click' }), 'tool', names).problem, undefined);
});

t('a library (no console or GUI scripts: idna, ptyprocess) is refused as a tool without advising a service that would run a script it lacks', () => {
  const input = { meta: meta({ name: 'idna' }), name: 'idna', maintainer: { name: 'P', email: 'p@example.org' }, distro: 'bookworm', description: 'Internationalized Domain Names in Applications (IDNA)', kind: 'tool' as const };
  assert.throws(() => debAnswers(input), (e: Error) => /no console or GUI scripts, so it is a library: it ships as a wheel to your package index/.test(e.message) && !/--kind service/.test(e.message));
  assert.throws(() => debAnswers({ ...input, meta: meta({ name: 'idna', console_scripts: ['idna = not a target'] }) }), (e: Error) => /none of the project's console scripts can be packaged/.test(e.message));
});

t('what the build compiles becomes Build-Depends: python3-dev for an extension module, cargo and rustc too for Rust, with the offline caveat', () => {
  assert.equal(toolchainFor([]), { packages: [], notes: [] });
  assert.equal(toolchainFor(['c']), { packages: ['python3-dev'], notes: [] });
  const rust = toolchainFor(['c', 'rust']);
  assert.equal(rust.packages, ['python3-dev', 'cargo', 'rustc']);
  assert.match(rust.notes.join('\n'), /compiles Rust .*cargo vendor/);
  const r = debAnswers({ meta: meta({ console_scripts: ['x = x:main'] }), name: 'x', maintainer: { name: 'P', email: 'p@example.org' }, distro: 'bookworm', description: 'X', kind: 'tool', buildPackages: ['python3-setuptools-rust'], compiled: ['c', 'rust'] });
  assert.equal(r.answers.buildDeps, ['python3-setuptools-rust', 'python3-dev', 'cargo', 'rustc']);
  // quisk 4.2: its extensions link asound, pulse and fftw3, whose headers python3-dev does not bring; the archive
  // names their packages (asound's is libasound2-dev), so the note says what to look up and adds no guess
  const linked = toolchainFor(['c'], ['asound', 'pulse', 'fftw3']);
  assert.equal(linked.packages, ['python3-dev']);
  assert.equal(linked.notes, [
    "the project's C extensions link asound, pulse, fftw3 (setup() Extension libraries=): add the development packages that ship libasound.so, libpulse.so, libfftw3.so and their headers to Build-Depends in debian/control (apt-file search libasound.so names one), or the build stops at the compiler",
  ]);
});

t('build requirements from the index: no Build-Depends for them (python3-tomli where Python < 3.11 reads pyproject.toml), buildFromIndex recorded, a note', () => {
  const input = { meta: meta({ console_scripts: ['docopt-ng = docopt:main'] }), name: 'docopt-ng', maintainer: { name: 'P', email: 'p@example.org' }, description: 'X', kind: 'tool' as const, backend: { name: 'pdm.backend', packages: ['python3-pdm-backend'] }, compiled: ['c' as const] };
  const plain = debAnswers({ ...input, distro: 'bookworm' });
  assert.equal(plain.answers.buildDeps, ['python3-pdm-backend', 'python3-dev']);
  assert.is(plain.answers.buildFromIndex, undefined);
  const fromIndex = { requires: ['pdm-backend'], shown: '"https://pypi.example.com/simple/"' };
  const bookworm = debAnswers({ ...input, distro: 'bookworm', fromIndex });
  assert.equal(bookworm.answers.buildDeps, ['python3-dev']);
  assert.is(bookworm.answers.buildFromIndex, true);
  assert.match(bookworm.notes.join('\n'), /build-system\.requires \(pdm-backend\) came from "https:\/\/pypi\.example\.com\/simple\/" for the read, .*into debian\/\.pyservice\/build-env/);
  assert.equal(debAnswers({ ...input, distro: 'jammy', fromIndex }).answers.buildDeps, ['python3-tomli', 'python3-dev']);
  assert.equal(debAnswers({ ...input, distro: 'trixie', fromIndex }).answers.buildDeps, ['python3-dev']);
  assert.equal(answersProblems({ ...bookworm.answers, buildFromIndex: 'yes' as unknown as boolean }), ['buildFromIndex is true or false']);
});

t('a project without console scripts gets a note saying debian/ names a script it lacks', () => {
  const r = debAnswers({ meta: meta({}), name: 'demo', maintainer: { name: 'P', email: 'p@example.org' }, distro: 'bookworm', description: 'Demo' });
  assert.ok(r.notes.some((n) => /declares no console_scripts: the unit runs a command named "demo" \(the generated-service default\), which this project does not install/.test(n)), r.notes.join('\n'));
});

t('requirements whose marker is false for the target python3 are neither "from an index" nor missing from wheelhouse/', () => {
  const m = meta({ install_requires: ['requests>=2', 'colorama; sys_platform == "win32"', 'tomli>=1; python_version < "3.11"'], not_here: ['colorama; sys_platform == "win32"', 'tomli>=1; python_version < "3.11"'] });
  const base = { meta: m, name: 'demo', maintainer: { name: 'P', email: 'p@example.org' }, distro: 'bookworm', description: 'Demo', kind: 'service' as const };
  const index = debAnswers(base).notes.find((n) => n.includes('from an index'));
  assert.match(index ?? '', /needs 1 package from an index \(requests>=2\)/);
  const housed = debAnswers({ ...base, wheelhouse: ['requests-2.31.0-py3-none-any.whl'] }).notes;
  assert.not.ok(housed.some((n) => n.includes('wheelhouse/ has no wheel')), housed.join('\n'));
  const missing = debAnswers({ ...base, wheelhouse: [] }).notes.find((n) => n.includes('wheelhouse/ has no wheel'));
  assert.match(missing ?? '', /has no wheel for requests>=2:/);
});

t('a requirement a wheel of Debian\'s python-wheels satisfies (supervisor: setuptools) needs no index and no wheelhouse/ entry', () => {
  const m = meta({ install_requires: ['setuptools', 'requests>=2'], debian_wheels: ['setuptools'], console_scripts: ['sv = sv:main'] });
  const base = { meta: m, name: 'sv', maintainer: { name: 'P', email: 'p@example.org' }, distro: 'bookworm', description: 'Demo', kind: 'tool' as const };
  assert.match(debAnswers(base).notes.find((n) => n.includes('from an index')) ?? '', /needs 1 package from an index \(requests>=2\)/);
  assert.match(debAnswers({ ...base, wheelhouse: [] }).notes.find((n) => n.includes('wheelhouse/ has no wheel')) ?? '', /no wheel for requests>=2:/);
  const only = debAnswers({ ...base, meta: { ...m, install_requires: ['setuptools'] } }).notes;
  assert.not.ok(only.some((n) => /from an index|wheelhouse/.test(n)), only.join('\n'));
});

t('a pinned requirements.txt is what the build installs: its pins count as needed, before the wheel\'s own dependencies; requirements.lock alone when present', () => {
  const m = meta({ install_requires: ['click', 'rich>=12'], console_scripts: ['rq = rq:main'] });
  const base = { meta: m, name: 'rq', maintainer: { name: 'P', email: 'p@example.org' }, distro: 'bookworm', description: 'Demo', kind: 'tool' as const };
  const txt = 'click==8.1.8 \\\n    --hash=sha256:abc\nmarkdown-it-py==3.0.0  # via rich\n-r more.txt\n';
  const pinned = debAnswers({ ...base, requirementsTxt: txt });
  assert.match(pinned.notes.join('\n'), /needs 3 packages from an index \(click==8\.1\.8, markdown-it-py==3\.0\.0, rich>=12\)/);
  assert.is(pinned.answers.ignoreRequirementsTxt, undefined);
  const housed = debAnswers({ ...base, requirementsTxt: txt, wheelhouse: ['click-8.1.8-py3-none-any.whl', 'rich-13.3.1-py3-none-any.whl'] });
  assert.match(housed.notes.join('\n'), /wheelhouse\/ has no wheel for markdown-it-py==3\.0\.0:/);
  // A development list is not installed: only the wheel's own dependencies count
  const dev = debAnswers({ ...base, requirementsTxt: 'tox ~= 4.4\n' });
  assert.match(dev.notes.join('\n'), /needs 2 packages from an index \(click, rich>=12\)/);
  // requirements.lock wins and is installed --no-deps: the wheel's own requirements are not installed separately
  const locked = debAnswers({ ...base, requirementsTxt: 'tox ~= 4.4\n', requirementsLock: 'click==8.1.8 --hash=sha256:abc\n' });
  assert.match(locked.notes.join('\n'), /needs 1 package from an index \(click==8\.1\.8\)/);
  assert.not.match(locked.notes.join('\n'), /requirements\.txt is not a pinned deploy set/);
});

t('a project that requires pip gets no note: templates 1.3.0 install every requirement with --ignore-installed', () => {
  // pipdeptree 2.2.0: install_requires pip>=6.0.0; under templates 1.2.0 its .deb had no pip (the build's own pip
  // counted as installed) and /usr/bin/pipdeptree failed; debian/pyservice.mk now passes --ignore-installed
  const m = meta({ name: 'pipdeptree', install_requires: ['pip>=6.0.0'], debian_wheels: ['pip>=6.0.0'], console_scripts: ['pipdeptree = pipdeptree:main'] });
  const base = { meta: m, name: 'pipdeptree', maintainer: { name: 'P', email: 'p@example.org' }, distro: 'bookworm', description: 'Demo', kind: 'tool' as const };
  assert.not.match(debAnswers(base).notes.join('\n'), /requires pip|PIP_IGNORE_INSTALLED/);
  assert.not.match(debAnswers(base).notes.join('\n'), /from an index/, 'Debian\'s pip wheel is the source');
});

t('setup.py scripts= files are named as what they are: not a library when they are the only commands, and not linked beside entry points', () => {
  // unidiff 0.7.5: scripts=['bin/unidiff'] and no entry point
  const base = { name: 'unidiff', maintainer: { name: 'P', email: 'p@example.org' }, distro: 'bookworm', description: 'Demo', kind: 'tool' as const };
  assert.throws(() => debAnswers({ ...base, meta: meta({ name: 'unidiff', scripts: ['unidiff'] }) }), /commands are setup\.py scripts= files \(unidiff\), not entry points/);
  assert.throws(() => debAnswers({ ...base, meta: meta({ name: 'unidiff' }) }), /so it is a library/);
  const both = debAnswers({ ...base, meta: meta({ console_scripts: ['ud = unidiff:main'], scripts: ['unidiff', 'ud'] }) });
  assert.match(both.notes.join('\n'), /not linked into \/usr\/bin \(only entry points are\): unidiff;/);
});

t('--extras: the .deb installs the named extras, their requirements count as needed; an undeclared one is refused', () => {
  // python-dotenv 1.0.1: `dotenv = dotenv.__main__:cli` names no extra, yet exits without click (extra "cli")
  const m = meta({ name: 'python-dotenv', extras: { cli: ['click>=5.0'], Dev_Tools: ['black'] }, console_scripts: ['dotenv = dotenv.__main__:cli'] });
  const base = { meta: m, name: 'python-dotenv', maintainer: { name: 'P', email: 'p@example.org' }, distro: 'bookworm', description: 'Demo', kind: 'tool' as const };
  const plain = debAnswers(base);
  assert.is(plain.answers.scriptExtras, undefined);
  assert.match(plain.notes.join('\n'), /declares the extra cli, which its commands may need .*pass --extras cli$/m);
  assert.not.match(plain.notes.join('\n'), /from an index/, 'an extra left out needs nothing');
  const cli = debAnswers({ ...base, extras: ['CLI', 'dev.tools'] });
  assert.equal(cli.answers.scriptExtras, ['cli', 'dev-tools'], 'PEP 685 names, as pip compares them');
  assert.equal(answersProblems(cli.answers), []);
  assert.match(cli.notes.join('\n'), /needs 2 packages from an index \(click>=5\.0, black\)/);
  assert.not.match(cli.notes.join('\n'), /pass --extras/);
  assert.not.ok(debAnswers({ ...base, extras: ['cli'], wheelhouse: ['click-8.1.8-py3-none-any.whl', 'black-24.1.0-py3-none-any.whl'] }).notes.some((n) => /no wheel for/.test(n)));
  assert.throws(() => debAnswers({ ...base, extras: ['gui'] }), /declares no extra "gui" \(--extras\); it declares: cli, Dev_Tools/);
  // An extra the entry point names is installed without the flag, and is not advised again
  const named = debAnswers({ ...base, meta: { ...m, console_scripts: ['dotenv = dotenv.__main__:cli [cli]'] } });
  assert.equal(named.answers.scriptExtras, ['cli']);
  assert.not.match(named.notes.join('\n'), /pass --extras/);
});

t('a version from git (setuptools_scm, hatch-vcs, pbr) in a git checkout: the note says the build asks git again, and how to pin a release', () => {
  const tagged = vcsVersionNote(['setuptools>=61.2.0', 'wheel', 'setuptools_scm[toml]>=3.4.3'], true, '0.9.0', '0.9.0');
  assert.match(tagged ?? '', /comes from git \(setuptools_scm\).*SETUPTOOLS_SCM_PRETEND_VERSION=0\.9\.0 dpkg-buildpackage -us -uc -b$/);
  assert.match(vcsVersionNote(['hatchling', 'hatch-vcs'], true, '1.2.0', '1.2.0') ?? '', /SETUPTOOLS_SCM_PRETEND_VERSION=1\.2\.0/);
  assert.match(vcsVersionNote(['pbr>=2.0.0', 'setuptools'], true, '5.1', '5.1') ?? '', /\(pbr\).*PBR_VERSION=5\.1 /);
  // Read off no tag: nothing to pin, the version read is already a development one
  const dev = vcsVersionNote(['setuptools_scm'], true, '0.9.1.dev0+gd924550.d20261129', '0.9.1');
  assert.match(dev ?? '', /0\.9\.1\.dev0\+gd924550\.d20261129 now, a development version/);
  assert.not.match(dev ?? '', /PRETEND/);
  assert.is(vcsVersionNote(['setuptools_scm'], false, '0.9.0', '0.9.0'), null, 'not in git: the tarball\'s PKG-INFO answers');
  // gitlint's bare tarball (hatch-vcs, no PKG-INFO, no .git) read with --upstream-version 0.19.1: the build has no version either
  // Templates 1.3.0: debian/pyservice.mk gives such a build debian/changelog's version itself
  assert.match(vcsVersionNote(['hatchling', 'hatch-vcs'], false, '0.19.1', '0.19.1', true) ?? '', /no git history: --upstream-version gave it to the read, and debian\/rules gives the build debian\/changelog's version \(0\.19\.1\) as SETUPTOOLS_SCM_PRETEND_VERSION$/);
  assert.match(vcsVersionNote(['pbr>=2.0.0'], false, '1.7.10', '1.7.10', true) ?? '', /\(pbr\).*\(1\.7\.10\) as PBR_VERSION$/);
  assert.match(vcsVersionNote(['setuptools_scm'], false, '2.0rc1', '2.0', true) ?? '', /\(2\.0\) as SETUPTOOLS_SCM_PRETEND_VERSION, so the wheel is 2\.0, not 2\.0rc1$/);
  assert.is(vcsVersionNote(['hatchling'], true, '1.0', '1.0'), null);
});

t('homepage: url first, else a Homepage entry of project_urls, else the source repository', () => {
  assert.is(homepageFor(meta({ url: 'https://a.example' }), { Homepage: 'https://b.example' }), 'https://a.example');
  assert.is(homepageFor(meta({}), { Source: 'https://s.example', 'Home-page': 'https://b.example' }), 'https://b.example');
  assert.is(homepageFor(meta({}), { source: 'https://s.example', homepage: 'https://h.example' }), 'https://h.example', 'lowercase labels (python-build)');
  // click, idna, pathspec: no home page entry, only the repository (and docs, a tracker)
  assert.is(homepageFor(meta({}), { Documentation: 'https://d.example', 'Source Code': 'https://s.example' }), 'https://s.example');
  assert.is(homepageFor(meta({}), { 'Issue tracker': 'https://i.example', GitHub: 'https://g.example' }), 'https://g.example');
  assert.is(homepageFor(meta({}), { Documentation: 'https://d.example', Changelog: 'https://c.example' }), null, 'documentation is no home page');
});

t('answers are a valid service with the maintainer as author and ci none; a bad url is dropped with a note', () => {
  const r = debAnswers({
    meta: meta({ version: '2.0rc1', url: 'ftp://old.example', console_scripts: ['demo = demo.main:run'] }),
    name: 'demo', maintainer: { name: 'Pat Doe', email: 'pat@example.org' }, distro: 'bookworm', description: 'Demo',
  });
  assert.equal(answersProblems(r.answers), []);
  assert.is(r.answers.type, 'service');
  assert.is(r.answers.author, 'Pat Doe');
  assert.is(r.answers.email, 'pat@example.org');
  assert.is(r.answers.ci, 'none');
  assert.is(r.answers.url, '');
  assert.is(r.answers.version, '2.0');
  assert.equal(r.answers.consoleScripts, ['demo = demo.main:run']);
  assert.ok(r.notes.some((n) => /ftp:\/\/old.example/.test(n)));
});

const MAINTAINERS: [string, { name: string; email: string } | RegExp][] = [
  ['Pat Doe <pat@example.org>', { name: 'Pat Doe', email: 'pat@example.org' }],
  ['  Zoë Ünïcode   <z@example.org> ', { name: 'Zoë Ünïcode', email: 'z@example.org' }],
  ['pat@example.org', /Full Name <email/],
  ['Pat <not-an-email>', /not an address.*--maintainer/],
  ['Doe, Pat <pat@example.org>', /comma.*--maintainer/],
];
for (const [input, want] of MAINTAINERS) {
  t(`--maintainer ${JSON.stringify(input)}`, () => {
    const r = parseMaintainer(input);
    if (want instanceof RegExp) assert.match(String(r), want);
    else assert.equal(r, want);
  });
}

t('DEBFULLNAME/DEBEMAIL, including DEBEMAIL="Name <email>"', () => {
  assert.equal(debEnvIdentity({ DEBFULLNAME: 'A B', DEBEMAIL: 'a@b.org' }), { name: 'A B', email: 'a@b.org', source: 'DEBFULLNAME/DEBEMAIL' });
  assert.equal(debEnvIdentity({ DEBEMAIL: 'C D <c@d.org>' }), { name: 'C D', email: 'c@d.org', source: 'DEBFULLNAME/DEBEMAIL' });
  assert.equal(debEnvIdentity({ DEBFULLNAME: 'Wins', DEBEMAIL: 'C D <c@d.org>' }).name, 'Wins');
  assert.equal(debEnvIdentity({}), { name: '', email: '', source: 'DEBFULLNAME/DEBEMAIL' });
});

t('each field comes from the first source with a valid value', () => {
  const r = pickMaintainer([
    { name: 'Env Name', email: '', source: 'env' },
    { name: 'Git Name', email: 'git@example.org', source: 'git' },
  ]);
  assert.equal(r, { name: 'Env Name', email: 'git@example.org', sources: ['env', 'git'], unused: [] });
  const missing = pickMaintainer([{ name: '', email: 'bad', source: 'env' }]);
  assert.is(missing.name, undefined);
  assert.is(missing.email, undefined);
});

t('a DEBFULLNAME or DEBEMAIL that cannot be used is said in one line each, and the next source is taken', () => {
  const r = pickMaintainer([
    { name: 'Pat\nDoe', email: 'pat@exa\u0007mple.org', source: 'DEBFULLNAME/DEBEMAIL' },
    { name: 'Git Name', email: 'git@example.org', source: 'git config' },
  ]);
  assert.is(r.name, 'Git Name');
  assert.is(r.email, 'git@example.org');
  assert.equal(r.unused, [
    'the maintainer name from DEBFULLNAME/DEBEMAIL ("Pat\\nDoe") is not used: it holds a line break; fix it there, or pass --maintainer "Full Name <email@example.com>"',
    'the maintainer email from DEBFULLNAME/DEBEMAIL ("pat@exa\\u0007mple.org") is not used: it holds a control or invisible character; fix it there, or pass --maintainer "Full Name <email@example.com>"',
  ]);
  const odd = pickMaintainer([{ name: 'Doe, Pat', email: 'not-an-address', source: 'git config' }]);
  assert.match(odd.unused[0]!, 'the maintainer name from git config ("Doe, Pat") is not used: the author name "Doe, Pat" contains < > or a comma, which break the Debian Maintainer field; fix it there');
  assert.match(odd.unused[1]!, 'the maintainer email from git config ("not-an-address") is not used: the email "not-an-address" is not an address like name@example.com; fix it there');
  for (const line of [...r.unused, ...odd.unused]) assert.not.match(line, /--author|--email|\n/);
});

t.run();
