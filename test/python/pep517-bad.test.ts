import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PYSERVICE_BIN } from '../helpers/cli.js';
import { cleanEnv, tempDir } from '../helpers/tmp.js';
import { origTarball, unpack } from '../helpers/corpus.js';
import { toolTest } from '../helpers/tools.js';

/** Bad PEP 517 input: one line on stderr, the documented exit code, nothing written, nothing left running. */
const t = suite('pyservice deb: broken pyproject.toml, unknown, failing and hanging backends');
const PY = '/usr/bin/python3';

function project(files: Record<string, string>): string {
  const dir = tempDir();
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

function deb(dir: string, extra: string[] = []) {
  const r = spawnSync(process.execPath, [PYSERVICE_BIN, 'deb', dir, '--maintainer', 'T <t@example.org>', ...extra], { env: cleanEnv(tempDir(), { NO_COLOR: '1' }), encoding: 'utf8' });
  return { code: r.status, stderr: r.stderr, files: readdirSync(dir).sort() };
}

const oneLine = (s: string) => s.trim().split('\n').length === 1;
const IN_TREE = (body: string) => ({
  'pyproject.toml': '[build-system]\nrequires = []\nbuild-backend = "backend"\nbackend-path = ["_build"]\n[project]\nname = "x"\nversion = "1.0"\n',
  '_build/backend.py': body,
});

toolTest(t, [PY], 'a broken pyproject.toml is exit 2 naming the file and the TOML error', () => {
  const dir = project({ 'pyproject.toml': '[build-system\nrequires = ["hatchling"]\n' });
  const r = deb(dir);
  assert.is(r.code, 2, r.stderr);
  assert.match(r.stderr, /^error: pyproject\.toml is not valid TOML: .*line 1/);
  assert.ok(oneLine(r.stderr), r.stderr);
  assert.equal(r.files, ['pyproject.toml']);
});

/**
 * A config file in another encoding than its reader's: each is refused by the wheel's build too, with a complaint about
 * its first character ('Invalid statement (at line 1, column 1)', 'File contains no section headers'): exit 2 naming
 * the encoding and how to save it. Bytes, since the point is what an editor wrote.
 */
const ENCODINGS: [string, string, Buffer, RegExp][] = [
  ['a UTF-8 BOM before pyproject.toml', 'pyproject.toml', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('[project]\nname = "bom"\nversion = "1.0"\n')]), /^error: pyproject\.toml cannot be read: it starts with a UTF-8 byte-order mark \(BOM\), which TOML readers \(tomllib, pip, build\) reject; save it as UTF-8 without a BOM \(sed -i '1s\/\^\\xEF\\xBB\\xBF\/\/' pyproject\.toml\)$/m],
  ['a UTF-16 pyproject.toml (as Windows tools save)', 'pyproject.toml', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('[project]\nname = "bom"\nversion = "1.0"\n', 'utf16le')]), /^error: pyproject\.toml cannot be read: it is UTF-16 text .* save it as UTF-8 \(iconv -f UTF-16 -t UTF-8\)$/m],
  ['a Latin-1 byte in pyproject.toml', 'pyproject.toml', Buffer.from('[project]\nname = "bom"\nversion = "1.0"\ndescription = "caf\xe9"\n', 'latin1'), /^error: pyproject\.toml cannot be read: it is not UTF-8 text \(byte 0xe9 on line 4\), and TOML is read as UTF-8; save it as UTF-8$/m],
  ['a UTF-8 BOM before setup.cfg', 'setup.cfg', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('[metadata]\nname = bom\nversion = 1.0\n')]), /^error: setup\.cfg cannot be read: it starts with a UTF-8 byte-order mark \(BOM\), which setuptools' setup\.cfg reader \(configparser; the wheel's build too\) rejects; save it as UTF-8 without a BOM/m],
];
for (const [what, file, bytes, message] of ENCODINGS)
  toolTest(t, [PY], `${what} is exit 2 naming the encoding and the fix, not the parser's complaint about line 1`, () => {
    const dir = project(file === 'setup.cfg' ? { 'setup.py': 'from setuptools import setup\nsetup()\n' } : {});
    writeFileSync(join(dir, file), bytes);
    const r = deb(dir, ['--dry-run']);
    assert.is(r.code, 2, r.stderr);
    assert.match(r.stderr, message);
    assert.ok(oneLine(r.stderr), r.stderr);
  });

/** Whether this machine's apt lists have a binary package of that name (the message depends on the release). */
const aptHas = (pkg: string) => spawnSync('apt-cache', ['show', '--no-all-versions', pkg], { encoding: 'utf8' }).status === 0;

toolTest(t, [PY, 'apt-cache'], 'an unknown backend is exit 1 naming the module, and that Debian has no package for it', () => {
  const dir = project({ 'pyproject.toml': '[build-system]\nrequires = ["frobnicate-build>=2"]\nbuild-backend = "frobnicate.build"\n[project]\nname = "x"\nversion = "1"\n' });
  const r = deb(dir);
  assert.is(r.code, 1, r.stderr);
  assert.match(r.stderr, /build backend frobnicate\.build cannot be imported by \/usr\/bin\/python3 \(no module frobnicate\): /);
  // No "apt-get install python3-frobnicate-build": the archive has no such package
  assert.match(r.stderr, /: python3-frobnicate-build is not in this machine's Debian archive \(and no other Debian package is known to provide it\); pass --python/);
  assert.not.match(r.stderr, /apt-get install/);
  assert.ok(oneLine(r.stderr), r.stderr);
  assert.equal(r.files, ['pyproject.toml']);
});

toolTest(t, [PY, 'apt-cache'], 'a missing backend with a build requirement that is installed but too old: only the missing one is to install, the old one is said with its version', () => {
  // pymediainfo 7.0.1: requires pdm-backend (not in bookworm) and wheel>=0.42 (bookworm has 0.38.4); it was told 'apt-get install python3-wheel'
  const dir = project({ 'pyproject.toml': '[build-system]\nrequires = ["zzz-pyservice-backend", "setuptools>=9999"]\nbuild-backend = "zzz_pyservice_backend.api"\n[project]\nname = "x"\nversion = "1"\n' });
  const r = deb(dir);
  assert.is(r.code, 1, r.stderr);
  assert.not.match(r.stderr, /apt-get install[^;]*python3-setuptools/);
  assert.match(r.stderr.trim(), /; also unmet: setuptools>=9999 \([0-9.]+ is installed; Debian: python3-setuptools\); or take (?:it|them) from the team's package index: pyservice deb --index-url URL \(or an index-url in \.\/pip\.conf\)$/);
  assert.ok(oneLine(r.stderr), r.stderr);
});

toolTest(t, [PY, 'apt-cache'], 'a known but missing backend names its Debian package, or the release that has it', () => {
  // A module name Debian's python3 cannot import, mapped like a real backend's would be (poetry's own name).
  const dir = project({ 'pyproject.toml': '[build-system]\nrequires = ["hatch-fancy-pypi-readme"]\nbuild-backend = "hatch_fancy_pypi_readme_missing.build"\n' });
  const r = deb(dir);
  assert.is(r.code, 1, r.stderr);
  if (aptHas('python3-hatch-fancy-pypi-readme')) assert.match(r.stderr, /apt-get install python3-hatch-fancy-pypi-readme \(or pass --python/);
  else assert.match(r.stderr, /python3-hatch-fancy-pypi-readme is not in this machine's Debian archive \(Debian has it from trixie on\); pass --python/);
  assert.ok(oneLine(r.stderr), r.stderr);
});

toolTest(t, [PY, 'apt-cache'], 'a backend plugin that is not installed (hatchling metadata hook) is named as the missing build requirement', () => {
  const dir = project({
    'pyproject.toml': '[build-system]\nrequires = ["hatchling", "hatch-frobnicate-readme"]\nbuild-backend = "hatchling.build"\n[project]\nname = "plugged"\nversion = "1.0"\ndynamic = ["readme"]\n[tool.hatch.metadata.hooks.frobnicate-readme]\n',
  });
  const r = deb(dir);
  assert.is(r.code, 1, r.stderr);
  assert.match(r.stderr, /^error: the project's build requirement hatch-frobnicate-readme is not installed for \/usr\/bin\/python3 \(hatchling\.build: \w+: .*frobnicate-readme.*\): python3-hatch-frobnicate-readme is not in this machine's Debian archive/);
  assert.ok(oneLine(r.stderr), r.stderr);
  assert.equal(r.files, ['pyproject.toml']);
});

toolTest(t, [PY], 'a backend that raises is exit 1 with its exception in one line', () => {
  const dir = project(IN_TREE('def prepare_metadata_for_build_wheel(d, c=None):\n    raise ValueError("no\\nway")\n'));
  const r = deb(dir);
  assert.is(r.code, 1, r.stderr);
  assert.match(r.stderr, /the build backend backend \(the project's own, from backend-path _build\) failed to prepare the metadata: ValueError: no \/ way/);
  assert.ok(oneLine(r.stderr), r.stderr);
  assert.not.ok(r.files.includes('debian'));
});

toolTest(t, [PY], 'a backend that exits (mesonpy: SystemExit after meson failed) is exit 1 with the error line it printed, not the log it points to', () => {
  // meson ends with 'A full log can be found at …/.mesonpy-*/build/…', a folder the read removes
  const dir = project(IN_TREE('import sys\ndef prepare_metadata_for_build_wheel(d, c=None):\n    print("+ meson setup")\n    print("../../meson.build:1:0: ERROR: Meson version is 1.0.1 but project requires >= 1.2.0")\n    print()\n    print("A full log can be found at /tmp/p/.mesonpy-s4/build/meson-logs/meson-log.txt")\n    raise SystemExit(1)\n'));
  const r = deb(dir);
  assert.is(r.code, 1, r.stderr);
  assert.match(r.stderr, /^error: the build backend backend \(the project's own, from backend-path _build\) failed to prepare the metadata: RuntimeError: exited with status 1 \(it printed last: \.\.\/\.\.\/meson\.build:1:0: ERROR: Meson version is 1\.0\.1 but project requires >= 1\.2\.0\)$/m);
  assert.ok(oneLine(r.stderr), r.stderr);
});

toolTest(t, [PY], 'a failure in the project\'s own code that the backend ran names its file and line (flit importing arrow for its version)', () => {
  // arrow 1.3.0 under flit_core 3.8: 'No module named arrow' came from arrow/api.py importing itself by name while
  // flit imported arrow/__init__.py from its file; the message did not say where
  const dir = project({
    'pyproject.toml': '[build-system]\nrequires = ["flit_core>=3.2,<4"]\nbuild-backend = "flit_core.buildapi"\n[project]\nname = "selfimport"\ndynamic = ["version", "description"]\n[project.scripts]\nselfimport = "selfimport:main"\n',
    // not a literal: flit has to import the module to know it
    'selfimport/__init__.py': '"""Imports itself."""\nfrom .api import main\n__version__ = "1." + "0"\n',
    'selfimport/api.py': 'import selfimport.helpers\ndef main(): pass\n',
    'selfimport/helpers.py': '',
  });
  const r = deb(dir, ['--dry-run']);
  assert.is(r.code, 1, r.stderr);
  assert.match(r.stderr, /failed to prepare the metadata: ModuleNotFoundError: No module named 'selfimport' \(in the project's selfimport\/api\.py line 1\)/);
  assert.ok(oneLine(r.stderr), r.stderr);
});

toolTest(t, [PY], 'a failing in-tree backend (backend-path) is named as the project\'s own, and what its get_requires_for_build_wheel asks is judged too', () => {
  // hatchling's own sources build themselves (hatchling.ouroboros, backend-path src) and list their dependencies only
  // in get_requires_for_build_wheel: on bookworm it failed as 'hatchling.ouroboros 1.12.2' (the installed hatchling,
  // not the one that ran) with 'No module named packaging.licenses' and no word of packaging>=24.2
  const dir = project(IN_TREE('def get_requires_for_build_wheel(c=None):\n    return ["setuptools>=9999"]\ndef prepare_metadata_for_build_wheel(d, c=None):\n    import setuptools.no_such_module\n'));
  const r = deb(dir);
  assert.is(r.code, 1, r.stderr);
  assert.match(r.stderr, /^error: the build backend backend \(the project's own, from backend-path _build\) failed to prepare the metadata: ModuleNotFoundError: No module named 'setuptools\.no_such_module'; unmet build requirements: setuptools>=9999 \(\S+ is installed; the backend asks for it; Debian: python3-setuptools\)$/m);
  assert.ok(oneLine(r.stderr), r.stderr);
});

toolTest(t, [PY, 'apt-cache'], 'pdm-backend and pdm-pep517 share the pdm module: a missing pdm.backend names pdm-backend', () => {
  const dir = project({ 'pyproject.toml': '[build-system]\nrequires = []\nbuild-backend = "pdm.backend"\n[project]\nname = "pdmx"\nversion = "1"\n' });
  const r = deb(dir);
  assert.is(r.code, 1, r.stderr);
  if (aptHas('python3-pdm-backend')) assert.match(r.stderr, /apt-get install python3-pdm-backend/);
  else assert.match(r.stderr, /python3-pdm-backend is not in this machine's Debian archive \(Debian has it from trixie on\)/);
});

toolTest(t, [PY, 'apt-cache'], "poetry's old backend poetry.masonry.api is poetry's own, not poetry-core's: the message names python3-poetry only", () => {
  // Projects from before poetry-core (requires = ["poetry>=0.12"]) were told 'apt-get install python3-poetry
  // python3-poetry-core', the second installed already and of no use: poetry-core has poetry.core.masonry, not poetry.masonry
  const dir = project({ 'pyproject.toml': '[tool.poetry]\nname = "pox"\nversion = "0.1.0"\ndescription = "x"\nauthors = ["A <a@example.org>"]\n[build-system]\nrequires = ["poetry>=0.12"]\nbuild-backend = "poetry.masonry.api"\n' });
  const r = deb(dir);
  if (r.code === 0) return; // python3-poetry is installed here: the backend ran
  assert.is(r.code, 1, r.stderr);
  assert.not.match(r.stderr, /python3-poetry-core/);
  if (aptHas('python3-poetry')) assert.match(r.stderr, /apt-get install python3-poetry \(or pass --python/);
  assert.ok(oneLine(r.stderr), r.stderr);
});

toolTest(t, [PY], 'a backend without a version is exit 2 naming --upstream-version; with it the read succeeds', () => {
  const body = [
    'import os',
    'def prepare_metadata_for_build_wheel(d, c=None):',
    '    v = os.environ.get("SETUPTOOLS_SCM_PRETEND_VERSION")',
    '    if not v: raise LookupError("setuptools-scm was unable to detect version for /x")',
    '    os.mkdir(os.path.join(d, "x-1.dist-info"))',
    '    open(os.path.join(d, "x-1.dist-info", "METADATA"), "w").write("Metadata-Version: 2.1\\nName: xy\\nVersion: %s\\n" % v)',
    '    os.mkdir("build")  # a backend that litters the project',
    '    return "x-1.dist-info"',
    '',
  ].join('\n');
  const dir = project(IN_TREE(body));
  const r = deb(dir, ['--dry-run']);
  assert.is(r.code, 2, r.stderr);
  assert.match(r.stderr, /cannot determine the version .*--upstream-version X/);
  const ok = spawnSync(process.execPath, [PYSERVICE_BIN, 'deb', dir, '--maintainer', 'T <t@example.org>', '--dry-run', '--json', '--upstream-version', '3.1.4'], { env: cleanEnv(tempDir()), encoding: 'utf8' });
  assert.is(ok.status, 0, ok.stderr);
  const report = JSON.parse(ok.stdout);
  assert.is(report.metadata.version, '3.1.4');
  assert.is(report.version, '3.1.4');
  assert.equal(report.backend.removed, ['build']);
  assert.not.ok(readdirSync(dir).includes('build'), 'the backend\'s build/ was left in the project');
});

toolTest(t, [PY], 'setuptools + setuptools_scm outside a checkout (a bare tarball): exit 2 naming --upstream-version, as under other backends', () => {
  const dir = project({
    'pyproject.toml': '[build-system]\nrequires = ["setuptools>=61", "setuptools_scm"]\nbuild-backend = "setuptools.build_meta"\n[project]\nname = "scm-bare"\ndynamic = ["version"]\n[project.scripts]\nscm-bare = "scm_bare:main"\n[tool.setuptools_scm]\n',
    'scm_bare/__init__.py': 'def main(): pass\n',
  });
  const r = deb(dir, ['--dry-run']);
  assert.is(r.code, 2, r.stderr);
  assert.match(r.stderr, /^error: setuptools_scm cannot determine the version \(setuptools-scm was unable to detect version for [^)]*\): pass --upstream-version X/);
  assert.not.match(r.stderr, /setup\.py/, 'there is no setup.py');
  assert.ok(oneLine(r.stderr), r.stderr);
  const ok = spawnSync(process.execPath, [PYSERVICE_BIN, 'deb', dir, '--maintainer', 'T <t@example.org>', '--dry-run', '--json', '--upstream-version', '2.5.0'], { env: cleanEnv(tempDir()), encoding: 'utf8' });
  assert.is(ok.status, 0, ok.stderr);
  assert.is(JSON.parse(ok.stdout).metadata.version, '2.5.0', 'setuptools_scm got SETUPTOOLS_SCM_PRETEND_VERSION');
});

toolTest(t, [PY], "poetry-dynamic-versioning's 0.0.0 under plain poetry-core is a placeholder: exit 2 naming its own backend and --upstream-version", () => {
  // The plugin replaces the version only under poetry's CLI or its own backend; poetry.core.masonry.api publishes
  // 0.0.0 for every release (a git checkout on tag v1.4.0 changes nothing)
  const dir = project({
    'pyproject.toml':
      '[tool.poetry]\nname = "pdvtool"\nversion = "0.0.0"\ndescription = "A tool"\nauthors = ["A B <a@example.org>"]\n[tool.poetry.dependencies]\npython = "^3.9"\n' +
      '[tool.poetry.scripts]\npdvtool = "pdvtool:main"\n[tool.poetry-dynamic-versioning]\nenable = true\n' +
      '[build-system]\nrequires = ["poetry-core>=1.0.0", "poetry-dynamic-versioning>=1.0.0,<2.0.0"]\nbuild-backend = "poetry.core.masonry.api"\n',
    'pdvtool/__init__.py': 'def main(): pass\n',
  });
  const r = deb(dir, ['--dry-run', '--kind', 'tool']);
  assert.is(r.code, 2, r.stderr);
  assert.match(r.stderr, /^error: the project's version reads 0\.0\.0, a placeholder \(release 0\): every release would build as 0\.0\.0, and no \.deb could be told from the one before it; poetry-dynamic-versioning sets the version only under poetry's plugin or its own backend: build-backend = "poetry_dynamic_versioning\.backend" \(Debian's python3-poetry-dynamic-versioning, trixie on\), else --upstream-version$/m, r.stderr);
  assert.ok(oneLine(r.stderr), r.stderr);
  const ok = spawnSync(process.execPath, [PYSERVICE_BIN, 'deb', dir, '--maintainer', 'T <t@example.org>', '--dry-run', '--json', '--kind', 'tool', '--upstream-version', '1.4.0'], { env: cleanEnv(tempDir()), encoding: 'utf8' });
  assert.is(ok.status, 0, ok.stderr);
  assert.is(JSON.parse(ok.stdout).version, '1.4.0');
});

toolTest(t, [PY], 'pbr outside a checkout and without PKG-INFO (a bare upstream tarball, as bandit\'s): exit 2 naming --upstream-version, which pbr gets as PBR_VERSION', () => {
  // pbr's own message ('Versioning for this project requires either an sdist tarball, or access to an upstream
  // git repository') reached the user as exit 1 inside "error in setup command: Error parsing …/setup.cfg"
  const dir = project({
    'setup.py': 'import setuptools\nsetuptools.setup(setup_requires=["pbr"], pbr=True)\n',
    'setup.cfg': '[metadata]\nname = pbr-bare\nsummary = Checks code\n[entry_points]\nconsole_scripts =\n    pbr-bare = pbr_bare:main\n',
    'pbr_bare/__init__.py': 'def main(): pass\n',
  });
  const r = deb(dir, ['--dry-run']);
  assert.is(r.code, 2, r.stderr);
  assert.match(r.stderr, /^error: pbr cannot determine the version \(Versioning for this project requires either an sdist tarball, or access to an upstream git repository\): pass --upstream-version X/);
  assert.ok(oneLine(r.stderr), r.stderr);
  const ok = spawnSync(process.execPath, [PYSERVICE_BIN, 'deb', dir, '--maintainer', 'T <t@example.org>', '--dry-run', '--json', '--upstream-version', '1.7.10'], { env: cleanEnv(tempDir()), encoding: 'utf8' });
  assert.is(ok.status, 0, ok.stderr);
  const report = JSON.parse(ok.stdout);
  assert.is(report.metadata.version, '1.7.10', 'pbr got PBR_VERSION');
  assert.equal(report.metadata.console_scripts, ['pbr-bare = pbr_bare:main']);
});

toolTest(t, [PY], 'a setuptools project that needs a newer setuptools than Debian\'s python3 has says so first (ijson\'s PEP 639 license string on bookworm\'s setuptools 66 was only a schema error)', () => {
  const have = spawnSync(PY, ['-c', 'import setuptools; print(setuptools.__version__)'], { encoding: 'utf8' }).stdout.trim();
  const dir = project({
    'pyproject.toml': '[build-system]\nrequires = ["setuptools>=9999"]\nbuild-backend = "setuptools.build_meta"\n[project]\nname = "new-setuptools"\nversion = "1.0"\nlicense = 42\n',
    'setup.py': 'import setuptools\nsetuptools.setup()\n',
  });
  const r = deb(dir, ['--dry-run']);
  assert.is(r.code, 1, r.stderr);
  assert.match(r.stderr, new RegExp(`^error: the project needs setuptools>=9999 and /usr/bin/python3 has ${have.replace(/\./g, '\\.')} \\(python3-setuptools; or pass --python for an interpreter with a newer one\\): `));
  assert.ok(oneLine(r.stderr), r.stderr);
});

/**
 * [project] forms a backend older than them rejects with a complaint that does not say so (PEP 639's license string and
 * license-files list; PEP 621's [project] itself, which poetry-core reads since 2.0: 1.4 said only "The Poetry
 * configuration is invalid: 'name' is a required property"). pytest-testinfra 10.2
 * (trixie source: hatchling, `license-files = ["LICENSE"]`, requires plain "hatchling") read on bookworm's hatchling
 * 1.12.2 was only 'Field `project.license-files` must be a table'. Each case: the backend's installed version decides
 * what is expected (older: exit 1 naming the form, the version that reads it and the two ways out; new enough: it reads).
 */
const FORMAT_CASES: { backend: string; dist: string; need: string; form: string; pyproject: string; files: Record<string, string> }[] = [
  {
    backend: 'hatchling.build', dist: 'hatchling', need: '1.27', form: 'PEP 639 license-files list',
    pyproject: '[project]\nname = "lf"\nversion = "1.0"\nlicense-files = ["LICENSE"]\n[project.scripts]\nlf = "lf:main"\n',
    files: { 'lf/__init__.py': 'def main():\n    pass\n', LICENSE: 'MIT\n' },
  },
  {
    backend: 'flit_core.buildapi', dist: 'flit-core', need: '3.12', form: 'PEP 639 license = "SPDX expression" string',
    pyproject: '[project]\nname = "lf"\nversion = "1.0"\ndescription = "x"\nlicense = "MIT OR Apache-2.0"\n[project.scripts]\nlf = "lf:main"\n',
    files: { 'lf/__init__.py': 'def main():\n    pass\n' },
  },
  {
    backend: 'setuptools.build_meta', dist: 'setuptools', need: '77.0', form: 'PEP 639 license = "SPDX expression" string and a PEP 639 license-files list',
    pyproject: '[project]\nname = "lf"\nversion = "1.0"\nlicense = "MIT"\nlicense-files = ["LICENSE"]\n[project.scripts]\nlf = "lf:main"\n',
    files: { 'lf/__init__.py': 'def main():\n    pass\n', LICENSE: 'MIT\n' },
  },
  {
    backend: 'poetry.core.masonry.api', dist: 'poetry-core', need: '2.0', form: 'PEP 621 [project] table',
    pyproject: '[project]\nname = "lf"\nversion = "1.0"\ndescription = "x"\nauthors = [{name = "A B", email = "a@example.org"}]\n[project.scripts]\nlf = "lf:main"\n[tool.poetry]\npackages = [{ include = "lf" }]\n',
    files: { 'lf/__init__.py': 'def main():\n    pass\n' },
  },
];
for (const c of FORMAT_CASES) {
  toolTest(t, [PY], `a ${c.form} under a ${c.dist} older than it (and not asked for) is exit 1 naming the form, ${c.dist}>=${c.need} and the two ways out`, () => {
    const module = c.dist === 'flit-core' ? 'flit_core' : c.dist;
    const have = spawnSync(PY, ['-c', `import importlib.metadata as m; print(m.version("${module}"))`], { encoding: 'utf8' }).stdout.trim();
    const older = spawnSync(PY, ['-c', `from packaging.version import Version as V; print(V("${have}") < V("${c.need}"))`], { encoding: 'utf8' }).stdout.trim() === 'True';
    const dir = project({ 'pyproject.toml': `[build-system]\nrequires = ["${module}"]\nbuild-backend = "${c.backend}"\n${c.pyproject}`, ...c.files });
    const before = readdirSync(dir).sort();
    const r = deb(dir, ['--dry-run']);
    if (!older) {
      assert.is(r.code, 0, `${c.dist} ${have} reads PEP 639: ${r.stderr}`);
      return;
    }
    assert.is(r.code, 1, r.stderr);
    const esc = (x: string) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    assert.match(
      r.stderr,
      new RegExp(`^error: the project's pyproject\\.toml has a ${esc(c.form)}, which ${esc(c.dist)} ${esc(have)} predates \\(${esc(c.dist)}>=${esc(c.need)} reads it\\): declare "${esc(c.dist)}>=${esc(c.need)}" in its \\[build-system\\] requires and take it from the team's package index \\(pyservice deb --index-url URL\\), or pass --python for an interpreter with a newer ${esc(c.dist)}: `),
    );
    assert.ok(oneLine(r.stderr), r.stderr);
    assert.equal(r.files, before, 'nothing written');
    // Declared as told, the read takes the documented path for a backend older than the project asks
    writeFileSync(join(dir, 'pyproject.toml'), `[build-system]\nrequires = ["${module}>=${c.need}"]\nbuild-backend = "${c.backend}"\n${c.pyproject}`);
    const again = deb(dir, ['--dry-run']);
    assert.is(again.code, 1, again.stderr);
    assert.match(again.stderr, new RegExp(`the project needs ${esc(module)}>=${esc(c.need)} and /usr/bin/python3 has ${esc(have)}.*--index-url`));
    assert.not.match(again.stderr, /PEP 6(39|21)/);
  });
}

/**
 * contourpy 1.3.1 (trixie source; mesonpy, build-system.requires meson >= 1.2.0, meson-python >= 0.13.1, pybind11 >=
 * 2.13.2) read on bookworm, which has meson 1.0.1, python3-mesonpy 0.12.0 and python3-pybind11 2.10.3: it was told
 * 'apt-get install meson python3-mesonpy python3-pybind11', after which the read fails again. Whatever the archive
 * has: a package advised is one whose archive version meets the requirement (apt-cache and packaging judge it here),
 * and one that does not is named with its version.
 */
toolTest(t, [PY, 'apt-cache', 'tar', 'apt-get'], 'a real mesonpy project: apt-get install is advised only for packages whose archive version meets what it asks', async () => {
  const dir = await unpack(await origTarball('contourpy', 'trixie'));
  const r = deb(dir, ['--dry-run']);
  assert.is(r.code, 1, r.stderr);
  assert.ok(oneLine(r.stderr), r.stderr);
  const wants: Record<string, string> = { meson: 'meson >= 1.2.0', 'python3-mesonpy': 'meson-python >= 0.13.1', 'python3-pybind11': 'pybind11 >= 2.13.2, != 2.13.3' };
  const shown = spawnSync('apt-cache', ['show', '--no-all-versions', ...Object.keys(wants)], { encoding: 'utf8' }).stdout;
  const advised = /apt-get install ([^;(]+)/.exec(r.stderr)?.[1]?.trim().split(/\s+/) ?? [];
  for (const [pkg, requirement] of Object.entries(wants)) {
    const version = new RegExp(`^Package: ${pkg}\n(?:.+\n)*?Version: (.+)$`, 'm').exec(shown)?.[1];
    if (!version) continue; // not in this archive: said so, as before
    const upstream = version.replace(/^\d+:/, '').replace(/-[^-]*$/, '').replace(/[+~].*$/, '');
    const meets = spawnSync(PY, ['-c', 'import sys; from packaging.requirements import Requirement as R; print(R(sys.argv[1]).specifier.contains(sys.argv[2]))', requirement, upstream], { encoding: 'utf8' }).stdout.trim() === 'True';
    if (meets) assert.ok(advised.includes(pkg), `${pkg} ${version} meets ${requirement}: ${r.stderr}`);
    else {
      assert.not.ok(advised.includes(pkg), `${pkg} ${version} does not meet ${requirement}: ${r.stderr}`);
      assert.match(r.stderr, `${pkg} ${version}`);
      assert.match(r.stderr, requirement);
    }
  }
});

toolTest(t, [PY], 'a classifier newer than the installed hatchling (pylast and plumbum declare Python :: 3.13; bookworm has hatchling 1.12.2) is exit 1 naming the classifier and the two ways out', () => {
  const dir = project({
    'pyproject.toml': '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n[project]\nname = "clf"\nversion = "1.0"\nclassifiers = ["Programming Language :: Python :: 3", "Programming Language :: Python :: 9.99"]\n[project.scripts]\nclf = "clf:main"\n',
    'clf/__init__.py': 'def main():\n    pass\n',
  });
  const r = deb(dir);
  assert.is(r.code, 1, r.stderr);
  assert.match(r.stderr, /Unknown classifier .*Programming Language :: Python :: 9\.99; hatchling [0-9][0-9.]* knows only the classifiers of its release: remove that one from pyproject\.toml's \[project\] classifiers .* or pass --python for an interpreter with a newer hatchling$/m);
  assert.ok(oneLine(r.stderr), r.stderr);
  assert.equal(r.files, ['clf', 'pyproject.toml']);
});

toolTest(t, [PY], 'a repository whose Python project is in a folder (hypothesis-python/, pytz\'s src/) is exit 2 naming that folder, not "no version"', () => {
  // hypothesis' top pyproject.toml holds only [tool.ruff] and [tool.mypy]; setuptools would read it as UNKNOWN 0.0.0
  const mono = project({
    'pyproject.toml': '[tool.ruff]\nline-length = 88\n',
    'hypothesis-python/setup.py': 'from setuptools import setup\nsetup(name="h", version="1")\n',
    'tooling/pyproject.toml': '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n',
    'docs/setup.py': 'raise SystemExit("not a project")\n',
    'website/pyproject.toml': '[tool.black]\n',
  });
  const r = deb(mono);
  assert.is(r.code, 2, r.stderr);
  assert.is(
    r.stderr.trim(),
    `error: no setup.py or setup.cfg in ${mono}, and its pyproject.toml declares no [project] (tool settings only); the Python projects are in hypothesis-python/ (setup.py), tooling/ (pyproject.toml): pyservice deb ${join(mono, 'hypothesis-python')}`,
  );
  assert.equal(r.files, ['docs', 'hypothesis-python', 'pyproject.toml', 'tooling', 'website']);
  // pytz's upstream tarball: a Makefile at the top, the project in src/
  const tz = project({ Makefile: 'all:\n', 'src/setup.py': 'from setuptools import setup\nsetup(name="tz", version="1")\n' });
  const r2 = deb(tz);
  assert.is(r2.code, 2, r2.stderr);
  assert.is(r2.stderr.trim(), `error: no setup.py, setup.cfg or pyproject.toml in ${tz}; the Python project is in src/ (setup.py): pyservice deb ${join(tz, 'src')}`);
  // nothing anywhere: the general advice
  const none = project({ 'README.md': 'hi\n' });
  assert.match(deb(none).stderr, /^error: no setup\.py, setup\.cfg or pyproject\.toml in \S+; run pyservice deb in the folder that holds the project's setup\.py or pyproject\.toml\n$/);
});

toolTest(t, [PY, 'apt-cache'], 'a setup.py importing a declared build requirement that is not installed (versioneer[toml] since 0.28) names it as the build requirement, with the other unmet ones', () => {
  // constantly 23.10.4, partd 1.4.2, donfig 0.8.1: build-system.requires versioneer[toml]==0.29, `import versioneer` in setup.py
  const dir = project({
    'pyproject.toml': '[build-system]\nrequires = ["setuptools>=9999", "zzz-pyservice-versioner[toml]==0.29"]\nbuild-backend = "setuptools.build_meta"\n',
    'setup.py': 'from setuptools import setup\nimport zzz_pyservice_versioner\nsetup(name="v", version=zzz_pyservice_versioner.get_version())\n',
  });
  const r = deb(dir);
  assert.is(r.code, 1, r.stderr);
  assert.match(
    r.stderr.trim(),
    /^error: the project's build requirement zzz-pyservice-versioner\[toml\]==0\.29 is not installed for \/usr\/bin\/python3 \(setup\.py line 2 imports zzz_pyservice_versioner\): python3-zzz-pyservice-versioner is not in this machine's Debian archive .*; also unmet: setuptools>=9999 \([0-9.]+ is installed; Debian: python3-setuptools\); or take (?:it|them) from the team's package index: pyservice deb --index-url URL \(or an index-url in \.\/pip\.conf\)$/,
  );
  assert.ok(oneLine(r.stderr), r.stderr);
  assert.equal(r.files, ['pyproject.toml', 'setup.py']);
});

toolTest(t, [PY], 'a setup() without packages= whose flat layout setuptools cannot resolve is exit 1 at the read, not in dpkg-buildpackage', () => {
  // isrcsubmit 2.1.0: setup.py lists no packages, and pkg/ and test_data/ sit beside isrcsubmit.py
  const dir = project({
    'setup.py': 'from setuptools import setup\nsetup(name="flat", version="1.0", entry_points={"console_scripts": ["flat = flat:main"]})\n',
    'flat.py': 'def main():\n    pass\n',
    'pkg/__init__.py': '',
    'test_data/__init__.py': '',
  });
  const r = deb(dir);
  assert.is(r.code, 1, r.stderr);
  assert.match(r.stderr.trim(), /^error: setuptools cannot tell which packages the wheel holds \(Multiple top-level packages discovered in a flat-layout: \['pkg', 'test_data'\]\), so building the package would fail: list them with packages= or py_modules= in setup\(\)/);
  assert.ok(oneLine(r.stderr), r.stderr);
  assert.equal(r.files, ['flat.py', 'pkg', 'setup.py', 'test_data']);
  // Listed: read as before
  writeFileSync(join(dir, 'setup.py'), 'from setuptools import setup\nsetup(name="flat", version="1.0", py_modules=["flat"], entry_points={"console_scripts": ["flat = flat:main"]})\n');
  const ok = spawnSync(process.execPath, [PYSERVICE_BIN, 'deb', dir, '--maintainer', 'T <t@example.org>', '--dry-run', '--json'], { env: cleanEnv(tempDir(), { NO_COLOR: '1' }), encoding: 'utf8' });
  assert.is(ok.status, 0, ok.stderr);
});

toolTest(t, [PY], "a setup.py that imports the project's own module under pyproject.toml's setuptools.build_meta is exit 1 at the read, as its wheel build fails; the fix it names reads, and so does a project that names no backend", () => {
  // laniakea-spark 0.1.1 (trixie source): 'from spark import __version__' in setup.py, build-backend = "setuptools.build_meta".
  // The read put the project first on sys.path (as python3 setup.py does) and succeeded; pip and build run
  // setuptools.build_meta without it, and the wheel build stopped at "No module named 'spark'"
  const files = (setup: string, backend = '\nbuild-backend = "setuptools.build_meta"') => ({
    'pyproject.toml': `[build-system]\nrequires = ["setuptools"]${backend}\n`,
    'setup.py': `${setup}from setuptools import setup\nfrom ownmod import __version__\nsetup(name="ownmod", version=__version__, packages=["ownmod"], entry_points={"console_scripts": ["ownmod = ownmod:main"]})\n`,
    'ownmod/__init__.py': '__version__ = "2.0"\ndef main():\n    pass\n',
  });
  const dir = project(files(''));
  const r = deb(dir);
  assert.is(r.code, 1, r.stderr);
  assert.ok(oneLine(r.stderr), r.stderr);
  assert.match(
    r.stderr.trim(),
    /^error: setup\.py imports ownmod, the project's own module \(setup\.py line 2\), but the backend pyproject\.toml names, setuptools\.build_meta, does not put the project folder on sys\.path .* add sys\.path\.insert\(0, os\.path\.dirname\(os\.path\.abspath\(__file__\)\)\) to setup\.py before that import, or make setup\.py not import ownmod$/,
  );
  assert.equal(r.files, ['ownmod', 'pyproject.toml', 'setup.py']);
  // The claim, measured with the real frontend: the wheel build fails the same way
  const build = (d: string) => spawnSync(PY, ['-m', 'build', '--wheel', '--no-isolation', '--skip-dependency-check', '--outdir', tempDir(), d], { env: cleanEnv(tempDir()), encoding: 'utf8' });
  assert.match(build(project(files(''))).stdout + build(project(files(''))).stderr, /No module named 'ownmod'/);
  const read = (d: string) => spawnSync(process.execPath, [PYSERVICE_BIN, 'deb', d, '--maintainer', 'T <t@example.org>', '--dry-run', '--json'], { env: cleanEnv(tempDir(), { NO_COLOR: '1' }), encoding: 'utf8' });
  // The fix the message names: the read and the build both succeed
  const fixed = project(files('import os, sys\nsys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))\n'));
  assert.is(build(fixed).status, 0);
  const ok = read(fixed);
  assert.is(ok.status, 0, ok.stderr);
  assert.is(JSON.parse(ok.stdout).metadata.version, '2.0');
  // No build-backend (pip's implicit setuptools.build_meta:__legacy__ puts the folder first): read as before
  const legacy = read(project(files('', '')));
  assert.is(legacy.status, 0, legacy.stderr);
  assert.is(JSON.parse(legacy.stdout).metadata.version, '2.0');
});

toolTest(t, [PY], "a setup.py importing a helper whose Debian package is named after its distribution (build_manpages: python3-argparse-manpage) names that package", () => {
  // psutils 3.3 (trixie source) was told 'Debian usually packages it as python3-build-manpages', which no release has
  const importable = spawnSync(PY, ['-c', 'import build_manpages'], { env: cleanEnv(tempDir()) }).status === 0;
  const dir = project({ 'setup.py': 'from setuptools import setup\nfrom build_manpages import build_manpages\nsetup(name="bm", version="1.0")\n' });
  const r = deb(dir);
  // Where python3-argparse-manpage is installed the import works and setup.py reads to its setup() (a library: exit 2)
  if (importable) return assert.match(r.stderr, /no console or GUI scripts/);
  assert.is(r.code, 1, r.stderr);
  assert.match(r.stderr.trim(), /^error: setup\.py imports build_manpages, which \/usr\/bin\/python3 cannot import: apt-get install python3-argparse-manpage/);
  assert.not.match(r.stderr, /python3-build-manpages/);
  assert.ok(oneLine(r.stderr), r.stderr);
});

toolTest(t, [PY, '/usr/lib/python3/dist-packages/setuptools_scm/__init__.py', '/usr/lib/python3/dist-packages/hatch_vcs/__init__.py'], "a setuptools_scm option newer than the installed setuptools-scm (version_file) is named with the two ways out, under setuptools and under hatch-vcs", () => {
  // lesana 0.10.1 and gcalcli 4.5 (trixie sources: [tool.setuptools_scm] version_file, setuptools-scm 8's name for
  // write_to) got only "Configuration.__init__() got an unexpected keyword argument 'version_file'" on bookworm's 7.1.0
  const scm = spawnSync(PY, ['-c', 'import importlib.metadata as m; print(m.version("setuptools-scm"))'], { encoding: 'utf8' }).stdout.trim();
  const setuptoolsProject = (key: string) => ({
    'pyproject.toml': `[build-system]\nrequires = ["setuptools", "setuptools-scm"]\nbuild-backend = "setuptools.build_meta"\n[project]\nname = "sv"\ndynamic = ["version"]\n[project.scripts]\nsv = "sv:main"\n[tool.setuptools]\npackages = ["sv"]\n[tool.setuptools_scm]\n${key} = "sv/_version.py"\n`,
    'sv/__init__.py': 'def main():\n    pass\n',
  });
  const hatchProject = (key: string) => ({
    'pyproject.toml': `[build-system]\nrequires = ["hatchling", "hatch-vcs"]\nbuild-backend = "hatchling.build"\n[project]\nname = "hv"\ndynamic = ["version"]\n[project.scripts]\nhv = "hv:main"\n[tool.hatch.version]\nsource = "vcs"\n[tool.hatch.version.raw-options]\n${key} = "hv/_version.py"\n`,
    'hv/__init__.py': 'def main():\n    pass\n',
  });
  for (const make of [setuptoolsProject, hatchProject]) {
    const r = deb(project(make('version_file')), ['--upstream-version', '1.2.3', '--dry-run']);
    if (Number(scm.split('.')[0]) >= 8) {
      assert.is(r.code, 0, r.stderr); // a setuptools-scm that knows the option reads it
      continue;
    }
    assert.is(r.code, 1, r.stderr);
    assert.ok(oneLine(r.stderr), r.stderr);
    assert.match(r.stderr.trim(), new RegExp(`unexpected keyword argument 'version_file'.*; the project's setuptools_scm configuration sets version_file, which setuptools-scm ${scm.replace(/\./g, '\\.')} does not know: it needs a newer setuptools-scm \\(Debian trixie has 8\\.2; or pass --python for an interpreter with one\\); or name it write_to, setuptools-scm 7's name for it$`));
    // The second way out reads, with the version given as outside a checkout
    const fixed = deb(project(make('write_to')), ['--upstream-version', '1.2.3', '--dry-run', '--json']);
    assert.is(fixed.code, 0, fixed.stderr);
  }
});

toolTest(t, [PY], 'a setup.py that exits before setup() is exit 1 with the line it printed last (what it wants)', () => {
  // fiona 1.10.1 (trixie source) without gdal-config was only 'setup.py exited (status 1) before calling setup()'
  const dir = project({
    'setup.py': 'import logging, sys\nlogging.warning("Failed to get options via gdal-config")\nlogging.critical("A GDAL API version must be specified. Provide a path to gdal-config using a GDAL_CONFIG environment variable")\nsys.exit(1)\n',
  });
  const r = deb(dir);
  assert.is(r.code, 1, r.stderr);
  assert.ok(oneLine(r.stderr), r.stderr);
  assert.match(r.stderr.trim(), /^error: setup\.py exited \(status 1\) before calling setup\(\) \(it printed last: CRITICAL:root:A GDAL API version must be specified\. Provide a path to gdal-config using a GDAL_CONFIG environment variable\)$/);
  assert.equal(r.files, ['setup.py']);
});

toolTest(t, [PY], 'a setup.cfg version = file: naming a file the project does not have is exit 1 naming the file; written, it reads', () => {
  // receptor 1.5.5 (trixie source; its Makefile writes .VERSION) got "Version loaded from file: .VERSION does not comply with PEP 440: "
  const dir = project({
    'setup.cfg': '[metadata]\nname = vf\nversion = file: .VERSION\n[options]\npy_modules = vf\n[options.entry_points]\nconsole_scripts =\n    vf = vf:main\n',
    'vf.py': 'def main():\n    pass\n',
  });
  const r = deb(dir);
  assert.is(r.code, 1, r.stderr);
  assert.ok(oneLine(r.stderr), r.stderr);
  assert.match(r.stderr.trim(), /^error: setuptools reading setup\.cfg failed: its version = file: \.VERSION names a file the project does not have .*: write the version into \.VERSION \(echo 1\.2\.3 > \.VERSION\) and read it again$/);
  assert.equal(r.files, ['setup.cfg', 'vf.py']);
  writeFileSync(join(dir, '.VERSION'), '1.2.3\n');
  const ok = deb(dir, ['--dry-run']);
  assert.is(ok.code, 0, ok.stderr);
});

toolTest(t, [PY], 'a version attr: whose module imports what is not installed names the two ways out, neither about a setup.py it does not have', () => {
  // setuptools reads attr: from the module's source when the value is a literal, and imports the module otherwise
  const files = (init: string) => ({
    'pyproject.toml': '[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n[project]\nname = "atpkg"\ndynamic = ["version"]\n[project.scripts]\natpkg = "atpkg:main"\n[tool.setuptools.dynamic]\nversion = {attr = "atpkg.__version__"}\n',
    'src/atpkg/__init__.py': init,
  });
  const dir = project(files('import zzz_pyservice_absent_dep\n__version__ = zzz_pyservice_absent_dep.version\ndef main():\n    pass\n'));
  const r = deb(dir);
  assert.is(r.code, 1, r.stderr);
  assert.match(r.stderr.trim(), /^error: setuptools reading pyproject\.toml failed: no module named 'zzz_pyservice_absent_dep' for \/usr\/bin\/python3 \(src\/atpkg\/__init__\.py line 1\); install it .* or give the attr: value a literal assignment \(__version__ = "1\.2\.3"\), which setuptools reads without importing the module$/);
  assert.not.match(r.stderr, /setup\.py/);
  // What the message says works: a literal, the same failing import above it
  const fixed = project(files('import zzz_pyservice_absent_dep\n__version__ = "1.2.3"\ndef main():\n    pass\n'));
  const ok = spawnSync(process.execPath, [PYSERVICE_BIN, 'deb', fixed, '--maintainer', 'T <t@example.org>', '--dry-run', '--json'], { env: cleanEnv(tempDir(), { NO_COLOR: '1' }), encoding: 'utf8' });
  assert.is(ok.status, 0, ok.stderr);
  assert.is(JSON.parse(ok.stdout).metadata.version, '1.2.3');
});

toolTest(t, [PY], 'a [tool.poetry] project without [build-system] is exit 2 naming the table to add, not "no version"', () => {
  const dir = project({ 'pyproject.toml': '[tool.poetry]\nname = "po"\nversion = "1.0"\ndescription = "x"\nauthors = ["A <a@example.org>"]\n' });
  const r = deb(dir);
  assert.is(r.code, 2, r.stderr);
  assert.is(r.stderr.trim(), 'error: pyproject.toml has [tool.poetry] but no [build-system], so no backend reads it; add [build-system] requires = ["poetry-core"] and build-backend = "poetry.core.masonry.api" (python3-poetry-core)');
});

toolTest(t, [PY], 'a poetry application (package-mode = false) is exit 2 saying poetry builds no package from it, with or without [build-system]', () => {
  const poetry = '[tool.poetry]\nname = "app"\nversion = "0.1.0"\ndescription = "x"\nauthors = ["A <a@example.org>"]\npackage-mode = false\n[tool.poetry.dependencies]\npython = "^3.11"\n';
  for (const buildSystem of ['', '[build-system]\nrequires = ["poetry-core"]\nbuild-backend = "poetry.core.masonry.api"\n']) {
    const dir = project({ 'pyproject.toml': poetry + buildSystem });
    const r = deb(dir, ['--dry-run']);
    assert.is(r.code, 2, r.stderr);
    assert.match(r.stderr, /^error: pyproject\.toml sets \[tool\.poetry\] package-mode = false: poetry builds no package from this project, .*remove package-mode = false/);
    assert.ok(oneLine(r.stderr), r.stderr);
  }
});

toolTest(t, [PY], 'an application without packaging metadata (app.py + requirements.txt) is exit 2 saying what to add', () => {
  const dir = project({ 'app.py': 'print("hi")\n', 'requirements.txt': 'flask\n' });
  const r = deb(dir, ['--dry-run']);
  assert.is(r.code, 2, r.stderr);
  assert.match(r.stderr, /app\.py, requirements\.txt here are an application without packaging metadata: .*add a pyproject\.toml \(\[build-system\], and \[project\] with name, version/);
  assert.ok(oneLine(r.stderr), r.stderr);
});

toolTest(t, [PY], 'the before/after walk of the project lists .git, node_modules and virtualenvs but does not walk into them', () => {
  const log = join(tempDir(), 'scandir.log');
  // The backend logs every directory Python lists from the moment its hook runs: the walk after the hook is in it
  const body = [
    'import os, sys',
    'def prepare_metadata_for_build_wheel(d, c=None):',
    `    out = open(${JSON.stringify(log)}, "a")`,
    '    sys.addaudithook(lambda ev, args: ev == "os.scandir" and (out.write(str(args[0]) + "\\n"), out.flush()))',
    '    os.mkdir(os.path.join(d, "x-1.dist-info"))',
    '    open(os.path.join(d, "x-1.dist-info", "METADATA"), "w").write("Metadata-Version: 2.1\\nName: walked\\nVersion: 1.0\\n")',
    '    os.mkdir(".venv")  # new: still seen, and removed',
    '    return "x-1.dist-info"',
    '',
  ].join('\n');
  const files: Record<string, string> = { ...IN_TREE(body), 'pkg/sub/mod.py': '', '.git/objects/ab/cdef': 'x', 'node_modules/left-pad/index.js': '', 'myenv/pyvenv.cfg': 'home = /usr/bin\n', 'myenv/lib/site.py': '' };
  const dir = project(files);
  const ok = spawnSync(process.execPath, [PYSERVICE_BIN, 'deb', dir, '--maintainer', 'T <t@example.org>', '--dry-run', '--json', '--kind', 'service'], { env: cleanEnv(tempDir()), encoding: 'utf8' });
  assert.is(ok.status, 0, ok.stderr);
  assert.equal(JSON.parse(ok.stdout).backend.removed, ['.venv']);
  const listed = readFileSync(log, 'utf8').trim().split('\n').map((p) => p.slice(dir.length + 1));
  assert.ok(listed.includes('pkg/sub'), `the project was walked after the hook: ${listed.join(', ')}`);
  for (const skipped of ['.git', '.git/objects', 'node_modules', 'node_modules/left-pad', 'myenv', 'myenv/lib', '.venv']) assert.not.ok(listed.includes(skipped), `${skipped} was walked`);
});

toolTest(t, [PY], 'a backend that forks a child and hangs: the whole group is killed at --timeout, exit 1', () => {
  const body = [
    'import os, subprocess, time',
    'def prepare_metadata_for_build_wheel(d, c=None):',
    '    p = subprocess.Popen(["sleep", "300"])  # holds our pipes open',
    '    open(os.environ["PIDFILE"], "w").write(str(p.pid))',
    '    time.sleep(300)',
    '',
  ].join('\n');
  const dir = project(IN_TREE(body));
  const pidFile = join(tempDir(), 'pid');
  const started = Date.now();
  const r = spawnSync(process.execPath, [PYSERVICE_BIN, 'deb', dir, '--maintainer', 'T <t@example.org>', '--timeout', '1'], { env: cleanEnv(tempDir(), { PIDFILE: pidFile }), encoding: 'utf8' });
  assert.ok(Date.now() - started < 10_000, `took ${Date.now() - started} ms`);
  assert.is(r.status, 1, r.stderr);
  assert.match(r.stderr, /the build backend did not finish within 1 s and was stopped/);
  const pid = Number(readFileSync(pidFile, 'utf8'));
  // Killed, or a zombie waiting for init to reap it (its parent was killed too): not running either way.
  let state = '';
  try {
    state = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '')[0]!;
  } catch {
    state = 'gone';
  }
  assert.ok(state === 'gone' || state === 'Z', `the backend's child ${pid} is still running (state ${state})`);
  assert.not.ok(readdirSync(dir).includes('debian'));
});

toolTest(t, [PY], 'a backend without prepare_metadata_for_build_wheel that runs past --timeout is said to be building its wheel, with the flag that gives it longer', () => {
  // bookworm's meson-python 0.12 has no such hook: its metadata comes from compiling the project
  const dir = project(IN_TREE('import time\ndef build_wheel(d, c=None, m=None):\n    time.sleep(300)\n'));
  // 4 s, not 1: the message needs the helper to have reached build_wheel (it says so on stderr first), and under
  // load (a CI run beside four package builds) Python's start and the backend's import took longer than 1 s
  const r = spawnSync(process.execPath, [PYSERVICE_BIN, 'deb', dir, '--maintainer', 'T <t@example.org>', '--timeout', '4'], { env: cleanEnv(tempDir()), encoding: 'utf8' });
  assert.is(r.status, 1, r.stderr);
  assert.match(r.stderr, /^error: the build backend has no prepare_metadata_for_build_wheel hook, so its metadata comes from building the whole wheel \(compiling included\), which did not finish within 4 s and was stopped; give it longer with --timeout SECONDS$/m);
  assert.ok(oneLine(r.stderr), r.stderr);
});

toolTest(t, [PY], 'a backend that daemonizes a child (double fork, setsid) and hangs: the daemon is killed at --timeout too', async () => {
  const body = [
    'import os, time',
    'def prepare_metadata_for_build_wheel(d, c=None):',
    '    if os.fork() == 0:',
    '        os.setsid()',
    '        if os.fork() == 0:',
    '            open(os.environ["PIDFILE"], "w").write(str(os.getpid()))',
    '            time.sleep(300)',
    '        os._exit(0)',
    '    time.sleep(300)',
    '',
  ].join('\n');
  const dir = project(IN_TREE(body));
  const pidFile = join(tempDir(), 'pid');
  const r = spawnSync(process.execPath, [PYSERVICE_BIN, 'deb', dir, '--maintainer', 'T <t@example.org>', '--timeout', '1'], { env: cleanEnv(tempDir(), { PIDFILE: pidFile }), encoding: 'utf8' });
  assert.is(r.status, 1, r.stderr);
  assert.match(r.stderr, /did not finish within 1 s/);
  const pid = Number(readFileSync(pidFile, 'utf8'));
  const running = () => {
    try {
      return readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '')[0] !== 'Z';
    } catch {
      return false;
    }
  };
  for (let i = 0; i < 40 && running(); i++) await new Promise((res) => setTimeout(res, 50));
  assert.not.ok(running(), `the backend's daemon ${pid} outlived the deadline`);
  assert.not.ok(readdirSync(dir).includes('debian'));
});

/**
 * deb starts the metadata read as soon as its flags are parsed, before the rest of the command loads
 * (read-metadata.ts startReading): the read it starts is the one it uses, and a run that fails before it needs the
 * read stops it rather than waiting for it.
 */
toolTest(t, [PY], 'the read deb starts early is the one it uses: the backend runs once', () => {
  const calls = join(tempDir(), 'calls');
  const body = [
    'import os',
    'def prepare_metadata_for_build_wheel(d, c=None):',
    '    open(os.environ["CALLS"], "a").write("called\\n")',
    '    os.mkdir(os.path.join(d, "x-1.0.dist-info"))',
    '    open(os.path.join(d, "x-1.0.dist-info", "METADATA"), "w").write("Metadata-Version: 2.1\\nName: xcount\\nVersion: 1.0\\nSummary: Counts its calls\\n")',
    '    open(os.path.join(d, "x-1.0.dist-info", "entry_points.txt"), "w").write("[console_scripts]\\nxcount = xcount:main\\n")',
    '    return "x-1.0.dist-info"',
    '',
  ].join('\n');
  const dir = project(IN_TREE(body));
  for (const extra of [['--dry-run'], ['--dry-run', '--timeout', '20', '--python', PY], []]) {
    writeFileSync(calls, '');
    const r = spawnSync(process.execPath, [PYSERVICE_BIN, 'deb', dir, '--maintainer', 'T <t@example.org>', '--kind', 'tool', ...extra], { env: cleanEnv(tempDir(), { CALLS: calls }), encoding: 'utf8' });
    assert.is(r.status, 0, r.stderr);
    assert.is(readFileSync(calls, 'utf8'), 'called\n', `deb ${extra.join(' ')}: the backend ran more than once`);
  }
  assert.ok(readdirSync(dir).includes('debian'));
});

toolTest(t, [PY], 'a run refused before it needs the metadata stops the read it started: a hanging backend neither delays the exit nor outlives it', () => {
  const body = [
    'import os, time',
    'def prepare_metadata_for_build_wheel(d, c=None):',
    '    open(os.environ["PIDFILE"], "w").write(str(os.getpid()))',
    '    time.sleep(300)',
    '',
  ].join('\n');
  const dir = project({ ...IN_TREE(body), 'debian/control': 'Source: theirs\n' });
  const pidFile = join(tempDir(), 'pid');
  const started = Date.now();
  // A dry run starts the read first; debian/ exists and there is no --force: exit 2, whatever the backend does
  // (the default --timeout is 30 s)
  const r = spawnSync(process.execPath, [PYSERVICE_BIN, 'deb', dir, '--maintainer', 'T <t@example.org>', '--dry-run'], { env: cleanEnv(tempDir(), { PIDFILE: pidFile }), encoding: 'utf8', timeout: 60_000 });
  assert.is(r.status, 2, r.stderr);
  assert.match(r.stderr, /debian\/ already exists/);
  assert.ok(Date.now() - started < 20_000, `took ${Date.now() - started} ms: waited for the backend`);
  if (existsSync(pidFile)) {
    const pid = Number(readFileSync(pidFile, 'utf8'));
    let state = 'gone';
    try {
      state = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '')[0]!;
    } catch {
      /* gone */
    }
    assert.ok(state === 'gone' || state === 'Z', `the backend ${pid} is still running (state ${state})`);
  }
  assert.equal(readFileSync(join(dir, 'debian', 'control'), 'utf8'), 'Source: theirs\n');
});

toolTest(t, [PY, 'strace'], 'a real run starts the metadata read only once it holds its lock (a dry run starts it first)', () => {
  // The helper removes whatever appears in the project while it runs (a backend's leftovers): a read started
  // before the lock was taken could remove the lock file, and one beside a resumed journal the files it writes.
  // strace -f orders the lock's creation and the helper's execve across both processes.
  const body = [
    'import os',
    'def prepare_metadata_for_build_wheel(d, c=None):',
    '    os.mkdir(os.path.join(d, "x-1.0.dist-info"))',
    '    open(os.path.join(d, "x-1.0.dist-info", "METADATA"), "w").write("Metadata-Version: 2.1\\nName: xlock\\nVersion: 1.0\\nSummary: Looks around\\n")',
    '    open(os.path.join(d, "x-1.0.dist-info", "entry_points.txt"), "w").write("[console_scripts]\\nxlock = xlock:main\\n")',
    '    return "x-1.0.dist-info"',
    '',
  ].join('\n');
  const order = (dryRun: boolean) => {
    const dir = project(IN_TREE(body));
    const log = join(tempDir(), 'strace');
    const args = ['-f', '-qq', '-s', '512', '-e', 'trace=execve,openat', '-o', log, process.execPath, PYSERVICE_BIN, 'deb', dir, '--maintainer', 'T <t@example.org>', '--kind', 'tool', ...(dryRun ? ['--dry-run'] : [])];
    const r = spawnSync('strace', args, { env: cleanEnv(tempDir()), encoding: 'utf8' });
    assert.is(r.status, 0, r.stderr);
    const lines = readFileSync(log, 'utf8').split('\n');
    return {
      lock: lines.findIndex((l) => l.includes('.pyservice-update.lock') && l.includes('O_CREAT')),
      python: lines.findIndex((l) => /execve\("\/usr\/bin\/python3", \[[^\]]*run_cached\.py/.test(l)),
    };
  };
  const real = order(false);
  assert.ok(real.lock >= 0 && real.python >= 0, JSON.stringify(real));
  assert.ok(real.lock < real.python, 'the helper started before the lock was taken');
  const dry = order(true);
  assert.is(dry.lock, -1, 'a dry run takes no lock');
  assert.ok(dry.python >= 0);
});

t.run();
