import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { checkedInstallAdvice, releaseMeets, upstreamRelease } from '../../src/deb/install-advice.js';

const t = suite('deb flow: apt-get advice checked against the machine\'s Debian archive');

const BOOKWORM = new Set(['python3-cffi', 'python3-mesonpy', 'meson', 'python3-setuptools-rust']);
const has = (p: string) => BOOKWORM.has(p);
const MATURIN = "the project's build backend maturin cannot be imported by /usr/bin/python3 (no module maturin): apt-get install python3-cffi python3-maturin (or pass --python for an interpreter that has it)";

t('every package in the archive: the message is unchanged', () => {
  const m = "… (no module mesonpy): apt-get install meson python3-mesonpy (or pass --python for an interpreter that has it)";
  assert.is(checkedInstallAdvice(m, ['meson', 'python3-mesonpy'], has), m);
});

t('a package of a later release: installed what exists, the rest named with the release that has it', () => {
  assert.is(
    checkedInstallAdvice(MATURIN, ['python3-cffi', 'python3-maturin'], has),
    "the project's build backend maturin cannot be imported by /usr/bin/python3 (no module maturin): apt-get install python3-cffi; python3-maturin is not in this machine's Debian archive (Debian has it from trixie on); or pass --python for an interpreter that has it",
  );
});

t('nothing installable: no apt-get at all; a guessed name is said to have no Debian package', () => {
  const m = "… (no module frobnicate): apt-get install python3-frobnicate-build (or pass --python for an interpreter that has it)";
  assert.is(checkedInstallAdvice(m, ['python3-frobnicate-build'], has), "… (no module frobnicate): python3-frobnicate-build is not in this machine's Debian archive (and no other Debian package is known to provide it); pass --python for an interpreter that has it");
});

t('several absent packages are named once per reason', () => {
  const m = '…: apt-get install python3-a python3-b python3-maturin (or pass --python for an interpreter that has it)';
  assert.is(
    checkedInstallAdvice(m, ['python3-a', 'python3-b', 'python3-maturin'], has),
    "…: python3-a, python3-b are not in this machine's Debian archive (and no other Debian package is known to provide them); python3-maturin is not in this machine's Debian archive (Debian has it from trixie on); pass --python for an interpreter that has it",
  );
});

t('a plugin Debian has from trixie on (mkdocs-material\'s hatch-nodejs-version), and a backend it dropped after bookworm (pdm-pep517)', () => {
  const m = "the project's build requirements hatch-requirements-txt, hatch-nodejs-version>=0.3.0 are not installed for /usr/bin/python3 (hatchling.build: UnknownPluginError: Unknown metadata hook: nodejs): apt-get install python3-hatch-requirements-txt python3-hatch-nodejs-version (or pass --python for an interpreter that has it)";
  assert.is(
    checkedInstallAdvice(m, ['python3-hatch-requirements-txt', 'python3-hatch-nodejs-version'], (p) => p === 'python3-hatch-requirements-txt'),
    "the project's build requirements hatch-requirements-txt, hatch-nodejs-version>=0.3.0 are not installed for /usr/bin/python3 (hatchling.build: UnknownPluginError: Unknown metadata hook: nodejs): apt-get install python3-hatch-requirements-txt; python3-hatch-nodejs-version is not in this machine's Debian archive (Debian has it from trixie on); or pass --python for an interpreter that has it",
  );
  const pdm = "the project's build backend pdm.pep517.api cannot be imported by /usr/bin/python3 (no module pdm): apt-get install python3-pdm-pep517 (or pass --python for an interpreter that has it)";
  assert.is(
    checkedInstallAdvice(pdm, ['python3-pdm-pep517'], () => false),
    "the project's build backend pdm.pep517.api cannot be imported by /usr/bin/python3 (no module pdm): python3-pdm-pep517 is not in this machine's Debian archive (Debian had it up to bookworm; the project can move to pdm-backend, build-backend = \"pdm.backend\"); pass --python for an interpreter that has it",
  );
});

t('without apt lists, or a message without the advice, nothing changes', () => {
  assert.is(checkedInstallAdvice(MATURIN, ['python3-cffi', 'python3-maturin'], null), MATURIN);
  assert.is(checkedInstallAdvice('other text', ['python3-maturin'], has), 'other text');
});

t('backends and plugins found only in trixie by reading trixie sources on bookworm (whey, cmake-build-extension) are said to be there', () => {
  // python-coincidence, python-sdjson and five more whey projects were told python3-whey is a package "no other Debian package is known to provide"
  for (const pkg of ['python3-whey', 'python3-cmake-build-extension']) {
    const m = `… (no module x): apt-get install ${pkg} (or pass --python for an interpreter that has it)`;
    assert.is(checkedInstallAdvice(m, [pkg], has), `… (no module x): ${pkg} is not in this machine's Debian archive (Debian has it from trixie on); pass --python for an interpreter that has it`);
  }
});

t.run();

// contourpy 1.3.1 (trixie source) on bookworm: every package it was told to install is older there than it asks
const VERSIONS: Record<string, string[]> = { meson: ['1.0.1-5'], 'python3-mesonpy': ['0.12.0-2'], 'python3-pybind11': ['2.10.3-1'], 'python3-cffi': ['1.15.1-5'], 'python3-setuptools-rust': ['1.5.2-2', '1:9.0-1~bpo'] };
const versions = (p: string) => VERSIONS[p] ?? [];
const MESON = "the project's build backend mesonpy cannot be imported by /usr/bin/python3 (no module mesonpy): apt-get install meson python3-mesonpy python3-pybind11 (or pass --python for an interpreter that has it)";

t('packages the archive has only older than the project asks are not advised: their versions and the requirements are said', () => {
  const wants = { meson: 'meson >= 1.2.0', 'python3-mesonpy': 'meson-python >= 0.13.1', 'python3-pybind11': 'pybind11 >= 2.13.2, != 2.13.3' };
  assert.is(
    checkedInstallAdvice(MESON, ['meson', 'python3-mesonpy', 'python3-pybind11'], (p) => p in VERSIONS, versions, wants),
    "the project's build backend mesonpy cannot be imported by /usr/bin/python3 (no module mesonpy): meson 1.0.1-5, python3-mesonpy 0.12.0-2, python3-pybind11 2.10.3-1 in this machine's Debian archive are older than the project asks (meson >= 1.2.0; meson-python >= 0.13.1; pybind11 >= 2.13.2, != 2.13.3); pass --python for an interpreter that has it",
  );
  // one of them new enough: it is still advised, the others said
  assert.is(
    checkedInstallAdvice(MESON, ['meson', 'python3-mesonpy', 'python3-pybind11'], (p) => p in VERSIONS, versions, { ...wants, meson: 'meson>=0.63.3' }),
    "the project's build backend mesonpy cannot be imported by /usr/bin/python3 (no module mesonpy): apt-get install meson; python3-mesonpy 0.12.0-2, python3-pybind11 2.10.3-1 in this machine's Debian archive are older than the project asks (meson-python >= 0.13.1; pybind11 >= 2.13.2, != 2.13.3); or pass --python for an interpreter that has it",
  );
  // a version the archive has in any list (an epoch, a backport) that meets it keeps the advice; so does no requirement
  assert.is(checkedInstallAdvice(MATURIN.replace('python3-maturin', 'python3-setuptools-rust'), ['python3-cffi', 'python3-setuptools-rust'], has, versions, { 'python3-setuptools-rust': 'setuptools-rust>=1.7' }), MATURIN.replace('python3-maturin', 'python3-setuptools-rust'));
  assert.is(checkedInstallAdvice(MESON, ['meson', 'python3-mesonpy', 'python3-pybind11'], (p) => p in VERSIONS, versions, {}), MESON);
});

t('a requirement is judged on release numbers; a clause it cannot read counts as met', () => {
  const cases: [string, string, boolean][] = [
    ['0.12.0-2', 'meson-python >= 0.13.1', false],
    ['0.13.1-1', 'meson-python>=0.13.1', true],
    ['1:2.10.3-1', 'pybind11>=2.10', true],
    ['2.13.3-1', 'pybind11 >= 2.13.2, != 2.13.3', false],
    ['1.6.1+dfsg1-1', 'x ~= 1.6', true],
    ['2.0-1', 'x ~= 1.6', false],
    ['1.4.0-4', 'poetry-core (>=2.0,<3)', false],
    ['3.8.0-1', 'flit_core >=3.2,<4', true],
    ['1.0-1', 'x >= 2.0.dev1', true], // a pre-release bound: not judged
    ['1.0-1', 'x[extra] >= 2; python_version < "3.12"', false],
  ];
  for (const [version, requirement, meets] of cases) assert.is(releaseMeets(upstreamRelease(version)!, requirement), meets, `${version} vs ${requirement}`);
  assert.is(upstreamRelease('git20240101-1'), null);
});
