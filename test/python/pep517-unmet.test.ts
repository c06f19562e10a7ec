import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PYSERVICE_BIN } from '../helpers/cli.js';
import { cleanEnv, tempDir } from '../helpers/tmp.js';
import { toolTest } from '../helpers/tools.js';

/**
 * build-system.requires that Debian's python3 does not meet, as `pyservice deb --dry-run` reports them. The helper
 * imports packaging's markers and specifiers only for a requirement that has one (packaging.markers alone is
 * ~10-30 ms of a read): every kind of requirement must still be judged by packaging and importlib.metadata, the
 * reference implementations. Expected versions come from importlib.metadata here, not from this file.
 */
const t = suite('pyservice deb: unmet build requirements (markers, specifiers, names) as packaging judges them');
const PY = '/usr/bin/python3';

const BACKEND = [
  'import os',
  'def prepare_metadata_for_build_wheel(d, c=None):',
  '    if os.environ.get("FAIL_HOOK"): raise ValueError("no way")',
  '    os.mkdir(os.path.join(d, "x-1.0.dist-info"))',
  '    open(os.path.join(d, "x-1.0.dist-info", "METADATA"), "w").write("Metadata-Version: 2.1\\nName: x-tool\\nVersion: 1.0\\nSummary: Reads requirements\\n")',
  '    open(os.path.join(d, "x-1.0.dist-info", "entry_points.txt"), "w").write("[console_scripts]\\nx-tool = x:main\\n")',
  '    return "x-1.0.dist-info"',
  '',
].join('\n');

function project(requires: string[]): string {
  const dir = tempDir();
  mkdirSync(join(dir, '_build'));
  writeFileSync(join(dir, '_build', 'backend.py'), BACKEND);
  writeFileSync(join(dir, 'pyproject.toml'), `[build-system]\nrequires = ${JSON.stringify(requires)}\nbuild-backend = "backend"\nbackend-path = ["_build"]\n`);
  return dir;
}

function deb(dir: string, env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [PYSERVICE_BIN, 'deb', dir, '--maintainer', 'T <t@example.org>', '--kind', 'tool', '--dry-run', '--json'], { env: cleanEnv(tempDir(), env), encoding: 'utf8' });
}

const installed = (dist: string) => execFileSync(PY, ['-c', `import importlib.metadata as m; print(m.version(${JSON.stringify(dist)}))`], { encoding: 'utf8' }).trim();

toolTest(t, [PY], 'markers, specifiers and names: each requirement is judged as packaging and importlib.metadata judge it', () => {
  const setuptools = installed('setuptools');
  const requires = [
    'setuptools', // installed, no specifier
    'setuptools>=1', // met
    'setuptools>=9999', // installed, too old
    'SetupTools (<1)', // another spelling of the name, a parenthesised specifier
    'zzz-pyservice-absent>=1', // not installed
    "zzz-pyservice-absent-py2; python_version < '3'", // marker false: not needed here
    "zzz-pyservice-absent-py3; python_version >= '3'", // marker true: needed, not installed
    "setuptools>=9999; os_name == 'no-such-os'", // marker false: not needed even though unmet
    "setuptools>=9999; os_name == 'posix' and python_version >= '3'", // marker true: too old
    'setuptools ==', // a specifier packaging cannot parse: not judged
    'zzz-pyservice-absent-bad-marker; python_version ~~ 3', // a marker packaging cannot parse: treated as applying
    'zzz-pyservice-absent-extra[cli]>=2', // an extra: the distribution is what counts
    'Python_ZZZ-pyservice-absent', // Debian names it after the module: python-dateutil is python3-dateutil
  ];
  const r = deb(project(requires));
  assert.is(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  const tooOld = `${setuptools} is installed`;
  assert.equal(report.backend.unmet, [
    { requirement: 'setuptools>=9999', why: tooOld, package: 'python3-setuptools' },
    { requirement: 'SetupTools (<1)', why: tooOld, package: 'python3-setuptools' },
    { requirement: 'zzz-pyservice-absent>=1', why: 'not installed', package: 'python3-zzz-pyservice-absent' },
    { requirement: "zzz-pyservice-absent-py3; python_version >= '3'", why: 'not installed', package: 'python3-zzz-pyservice-absent-py3' },
    { requirement: "setuptools>=9999; os_name == 'posix' and python_version >= '3'", why: tooOld, package: 'python3-setuptools' },
    { requirement: 'zzz-pyservice-absent-bad-marker; python_version ~~ 3', why: 'not installed', package: 'python3-zzz-pyservice-absent-bad-marker' },
    { requirement: 'zzz-pyservice-absent-extra[cli]>=2', why: 'not installed', package: 'python3-zzz-pyservice-absent-extra' },
    { requirement: 'Python_ZZZ-pyservice-absent', why: 'not installed', package: 'python3-zzz-pyservice-absent' },
  ]);
  assert.ok(
    report.notes.some((n: string) => n.startsWith("build requirements Debian's python3 does not meet: setuptools>=9999 (") && n.includes('zzz-pyservice-absent-py3')),
    report.notes.join('\n'),
  );
});

toolTest(t, [PY], 'requirements without markers or specifiers: only what is missing is unmet', () => {
  const r = deb(project(['setuptools', 'zzz-pyservice-absent']));
  assert.is(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).backend.unmet, [{ requirement: 'zzz-pyservice-absent', why: 'not installed', package: 'python3-zzz-pyservice-absent' }]);
});

toolTest(t, [PY], 'a failing backend names the unmet requirements, markers and specifiers judged the same way', () => {
  // Only installed-but-unmet ones: the backend's own failure comes first
  const r = deb(project(["setuptools>=9999; python_version < '3'", 'setuptools<1']), { FAIL_HOOK: '1' });
  assert.is(r.status, 1, r.stderr);
  assert.match(r.stderr, /failed to prepare the metadata: ValueError: no way; unmet build requirements: setuptools<1 \(\S+ is installed; Debian: python3-setuptools\); or take (?:it|them) from the team's package index: pyservice deb --index-url URL \(or an index-url in \.\/pip\.conf\)$/m);
  // One that is not installed at all is the likely cause: named first, with what to install (here: nothing has it)
  const missing = deb(project(["zzz-pyservice-absent; python_version >= '3'", "setuptools>=9999; python_version < '3'", 'setuptools<1']), { FAIL_HOOK: '1' });
  assert.is(missing.status, 1, missing.stderr);
  assert.match(
    missing.stderr,
    /^error: the project's build requirement zzz-pyservice-absent; python_version >= '3' is not installed for \/usr\/bin\/python3 \(\S+: ValueError: no way\): python3-zzz-pyservice-absent is not in this machine's Debian archive \(and no other Debian package is known to provide it\); pass --python for an interpreter that has it; also unmet: setuptools<1 \(\S+ is installed; Debian: python3-setuptools\); or take (?:it|them) from the team's package index: pyservice deb --index-url URL \(or an index-url in \.\/pip\.conf\)$/m,
  );
});

toolTest(t, [PY], 'a backend older than the project asks (poetry-core 1 for a poetry 2 [project]) is said first, its own complaint after', () => {
  const dir = tempDir();
  writeFileSync(
    join(dir, 'pyproject.toml'),
    '[build-system]\nrequires = ["hatchling>=999"]\nbuild-backend = "hatchling.build"\n[project]\nname = "too-new"\nversion = "1.0"\nclassifiers = ["Frobnicate :: Not A Classifier"]\n',
  );
  const r = spawnSync(process.execPath, [PYSERVICE_BIN, 'deb', dir, '--maintainer', 'T <t@example.org>', '--dry-run'], { env: cleanEnv(tempDir()), encoding: 'utf8' });
  assert.is(r.status, 1, r.stderr);
  assert.match(r.stderr, /^error: the project needs hatchling>=999 and \/usr\/bin\/python3 has \d[^ ]* \(python3-hatchling; or pass --python for an interpreter with a newer one\): the build backend hatchling\.build \d[^ ]* failed to prepare the metadata: \w+: .*Frobnicate/);
  assert.not.match(r.stderr, /unmet build requirements/, 'said once, first');
});

toolTest(t, [PY], 'install requirements whose marker is false here are reported as not_here (packaging judges them, as pip does)', () => {
  const dir = tempDir();
  writeFileSync(
    join(dir, 'pyproject.toml'),
    '[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n[project]\nname = "markers"\nversion = "1.0"\n' +
      'dependencies = ["requests>=2", "colorama; sys_platform == \'win32\'", "futures; python_version < \'3\'", "uvloop; sys_platform == \'linux\'"]\n',
  );
  const r = spawnSync(process.execPath, [PYSERVICE_BIN, 'deb', dir, '--maintainer', 'T <t@example.org>', '--dry-run', '--json', '--kind', 'service'], { env: cleanEnv(tempDir()), encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.equal(report.metadata.not_here.map((x: string) => x.split(';')[0]), ['colorama', 'futures']);
  assert.match(report.notes.join('\n'), /needs 2 packages from an index \(requests>=2, uvloop; sys_platform == "linux"\)/);
});

toolTest(t, [PY], 'a setuptools project\'s build requirements (pyproject.toml build-system.requires, setup_requires) become Build-Depends', () => {
  // tabulate 0.9.0 builds with setuptools_scm: without python3-setuptools-scm in Build-Depends a clean builder failed
  const dir = tempDir();
  writeFileSync(
    join(dir, 'pyproject.toml'),
    '[build-system]\nrequires = ["setuptools>=61", "wheel", "setuptools_scm[toml]>=3.4"]\nbuild-backend = "setuptools.build_meta"\n[project]\nname = "scmtool"\nversion = "1.0"\n[project.scripts]\nscmtool = "scmtool:main"\n',
  );
  writeFileSync(join(dir, 'setup.cfg'), '[options]\nsetup_requires =\n    Cython>=0.29\n    setuptools\n');
  const r = spawnSync(process.execPath, [PYSERVICE_BIN, 'deb', dir, '--maintainer', 'T <t@example.org>', '--dry-run', '--json', '--kind', 'tool'], { env: cleanEnv(tempDir()), encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.is(report.backend.hook, 'setup() capture');
  assert.equal(report.backend.requires, ['setuptools>=61', 'wheel', 'setuptools_scm[toml]>=3.4', 'Cython>=0.29', 'setuptools']);
  assert.equal(report.answers.buildDeps, ['python3-setuptools-scm', 'cython3'], 'setuptools and wheel are always in Build-Depends');
  // Judged as on the PEP 517 path (cutadapt 4.7's Cython was not, and its wheel build stopped at the compiler)
  const cython = spawnSync(PY, ['-c', 'import importlib.metadata as m; print(m.version("Cython"))'], { encoding: 'utf8' });
  if (cython.status === 0) assert.equal(report.backend.unmet.filter((u: { requirement: string }) => u.requirement.startsWith('Cython')), []);
  else {
    assert.equal(report.backend.unmet.filter((u: { requirement: string }) => u.requirement.startsWith('Cython')), [{ requirement: 'Cython>=0.29', why: 'not installed', package: 'cython3' }]);
    assert.match(report.notes.join('\n'), /build requirements Debian's python3 does not meet: .*Cython>=0\.29 \(not installed; Debian: cython3\)/);
  }
  // Nothing beyond setuptools and wheel: nothing added (and pep517_metadata is not imported for it)
  writeFileSync(join(dir, 'pyproject.toml'), '[build-system]\nrequires = ["setuptools>=61", "wheel"]\nbuild-backend = "setuptools.build_meta"\n[project]\nname = "plain"\nversion = "1.0"\n[project.scripts]\nplain = "plain:main"\n');
  writeFileSync(join(dir, 'setup.cfg'), '');
  const plain = JSON.parse(spawnSync(process.execPath, [PYSERVICE_BIN, 'deb', dir, '--maintainer', 'T <t@example.org>', '--dry-run', '--json', '--kind', 'tool'], { env: cleanEnv(tempDir()), encoding: 'utf8' }).stdout);
  assert.equal(plain.answers.buildDeps, []);
});

toolTest(t, [PY], 'a build requirement whose marker excludes the target release\'s Python is no Build-Depends there (PEP 517 and setuptools paths)', () => {
  // "backports.zoneinfo; python_version < '3.9'" gave python3-backports-zoneinfo, which no Debian or Ubuntu release
  // has: dpkg-buildpackage stopped at 'Unmet build dependencies'. tomli for Python < 3.11 is one on jammy (3.10) only.
  const requires = ['flit_core', "backports.zoneinfo; python_version < '3.9'", "tomli>=1; python_version < '3.11'", "setuptools_scm>=6; python_version >= '3.8'", 'colorama; sys_platform == "win32"'];
  const pep517 = project(requires);
  const setuptools = tempDir();
  writeFileSync(join(setuptools, 'pyproject.toml'), `[build-system]\nrequires = ${JSON.stringify(['setuptools', ...requires.slice(1)])}\nbuild-backend = "setuptools.build_meta"\n[project]\nname = "marked"\nversion = "1.0"\n[project.scripts]\nmarked = "marked:main"\n`);
  const expected: Record<string, string[]> = {
    bookworm: ['python3-setuptools-scm'],
    trixie: ['python3-setuptools-scm'],
    noble: ['python3-setuptools-scm'],
    jammy: ['python3-tomli', 'python3-setuptools-scm'],
  };
  for (const [dir, first] of [[pep517, ['flit']], [setuptools, []]] as const)
    for (const [distro, packages] of Object.entries(expected)) {
      const r = spawnSync(process.execPath, [PYSERVICE_BIN, 'deb', dir, '--maintainer', 'T <t@example.org>', '--kind', 'tool', '--dry-run', '--json', '--distro', distro], { env: cleanEnv(tempDir()), encoding: 'utf8' });
      assert.is(r.status, 0, r.stderr);
      assert.equal(JSON.parse(r.stdout).answers.buildDeps, [...first, ...packages], `${dir === pep517 ? 'PEP 517' : 'setuptools'} on ${distro}`);
    }
});

toolTest(t, [PY], 'requirements a wheel in Debian\'s /usr/share/python-wheels satisfies are reported as debian_wheels (name and version)', () => {
  const wheels = readdirSync('/usr/share/python-wheels').filter((f) => f.startsWith('setuptools-') && f.endsWith('.whl'));
  if (!wheels.length) throw new Error('no setuptools wheel in /usr/share/python-wheels: install python3-setuptools-whl');
  const have = wheels[0]!.split('-')[1]!;
  const dir = tempDir();
  writeFileSync(
    join(dir, 'pyproject.toml'),
    '[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n[project]\nname = "wheels"\nversion = "1.0"\n' +
      `dependencies = ["setuptools>=${have}", "setuptools>9999", "requests"]\n[project.optional-dependencies]\nbuild = ["Setuptools"]\n`,
  );
  const r = spawnSync(process.execPath, [PYSERVICE_BIN, 'deb', dir, '--maintainer', 'T <t@example.org>', '--dry-run', '--json', '--kind', 'service'], { env: cleanEnv(tempDir()), encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.equal(report.metadata.debian_wheels, [`setuptools>=${have}`, 'Setuptools']);
  assert.match(report.notes.join('\n'), /needs 2 packages from an index \(setuptools>9999, requests\)/);
});

toolTest(t, [PY], 'a backend or build requirement that compiles (maturin, pybind11) puts its toolchain in Build-Depends, judged from the declaration alone', () => {
  // maturin is not installed here (bookworm): the in-tree backend reads anyway, and the .deb's build needs cargo and rustc
  const rust = deb(project(['maturin>=1,<2']));
  assert.is(rust.status, 0, rust.stderr);
  const r = JSON.parse(rust.stdout);
  assert.equal(r.backend.compiled, ['c', 'rust']);
  assert.ok(['python3-maturin', 'python3-dev', 'cargo', 'rustc'].every((p) => r.answers.buildDeps.includes(p)), r.answers.buildDeps.join(', '));
  assert.match(r.notes.join('\n'), /compiles Rust/);
  const cpp = JSON.parse(deb(project(['pybind11>=2.10'])).stdout);
  assert.equal(cpp.backend.compiled, ['c']);
  assert.ok(cpp.answers.buildDeps.includes('python3-dev') && !cpp.answers.buildDeps.includes('cargo'), cpp.answers.buildDeps.join(', '));
  const pure = JSON.parse(deb(project(['setuptools'])).stdout);
  assert.equal(pure.backend.compiled, []);
  assert.not.ok(pure.answers.buildDeps.includes('python3-dev'), pure.answers.buildDeps.join(', '));
});

/**
 * python-helpers/verdict_memo.py keeps packaging's and importlib.metadata's answers in the user's cache between runs
 * (importing them was ~30 % of a flit_core read). Same HOME for every run here, so the second run reads what the
 * first remembered.
 */
toolTest(t, [PY], 'remembered answers: the same report from memory, read only from a private file, and asked again once sys.path changes', () => {
  const home = tempDir();
  const memo = join(home, '.cache', 'create-pyservice', 'python', 'verdicts.json');
  const requires = ['setuptools>=9999', 'setuptools>=1', "zzz-pyservice-absent; python_version >= '3'", 'zzz-pyservice-fake>=2'];
  const run = (python?: string) => {
    const r = spawnSync(process.execPath, [PYSERVICE_BIN, 'deb', dir, '--maintainer', 'T <t@example.org>', '--kind', 'tool', '--dry-run', '--json', ...(python ? ['--python', python] : [])], { env: cleanEnv(home), encoding: 'utf8' });
    assert.is(r.status, 0, r.stderr);
    return JSON.parse(r.stdout).backend.unmet as { requirement: string; why: string }[];
  };
  const dir = project(requires);
  const first = run();
  assert.equal(first.map((u) => u.requirement), ['setuptools>=9999', "zzz-pyservice-absent; python_version >= '3'", 'zzz-pyservice-fake>=2']);
  assert.is((statSync(memo).mode & 0o777).toString(8), '600');
  assert.equal(run(), first, 'the same answers from memory');

  // The memory is used: an answer flipped in it (the file still private) changes the report…
  const flipped = (text: string) => text.replace(/("specifier\\u0000>=1\\u0000[^"]*": )false/, '$1true');
  const original = readFileSync(memo, 'utf8');
  assert.is.not(flipped(original), original, 'the memo holds setuptools>=1');
  writeFileSync(memo, flipped(original), { mode: 0o600 });
  assert.ok(run().some((u) => u.requirement === 'setuptools>=1'), 'read from the memo');
  // …but not from a file someone else could have written
  writeFileSync(memo, flipped(original));
  chmodSync(memo, 0o666);
  assert.equal(run(), first, 'a group- or world-writable memo is ignored');

  // Installing a distribution changes a sys.path folder: the remembered "not installed" is asked again
  const venv = join(tempDir(), 'venv');
  execFileSync(PY, ['-m', 'venv', '--without-pip', '--system-site-packages', venv]); // packaging from Debian's python3
  const vpy = join(venv, 'bin', 'python3');
  const site = execFileSync(vpy, ['-c', 'import sysconfig; print(sysconfig.get_paths()["purelib"])'], { encoding: 'utf8' }).trim();
  const fake = (version: string) => {
    for (const old of readdirSync(site).filter((f) => f.startsWith('zzz_pyservice_fake-'))) rmSync(join(site, old), { recursive: true });
    mkdirSync(join(site, `zzz_pyservice_fake-${version}.dist-info`));
    writeFileSync(join(site, `zzz_pyservice_fake-${version}.dist-info`, 'METADATA'), `Metadata-Version: 2.1\nName: zzz-pyservice-fake\nVersion: ${version}\n`);
  };
  const fakeIn = (unmet: { requirement: string; why: string }[]) => unmet.find((u) => u.requirement === 'zzz-pyservice-fake>=2')?.why;
  assert.is(fakeIn(run(vpy)), 'not installed');
  fake('1.0');
  assert.is(fakeIn(run(vpy)), '1.0 is installed');
  fake('2.1');
  assert.is(fakeIn(run(vpy)), undefined, 'an upgrade meets it');
});

toolTest(t, [PY], 'setup(cffi_modules=…) compiles C whether or not cffi (whose plugin reads that keyword) is installed: python3-dev in Build-Depends', () => {
  // PyNaCl 1.5.0: setup_requires cffi, cffi_modules=["src/bindings/build.py:ffi"]; without cffi installed setuptools
  // drops the unknown keyword and the read saw no compiled code
  const dir = tempDir();
  writeFileSync(join(dir, 'build_ffi.py'), 'from cffi import FFI\nffi = FFI()\nffi.cdef("int x(void);")\nffi.set_source("_ffix", "int x(void) { return 1; }")\n');
  writeFileSync(
    join(dir, 'setup.py'),
    'from setuptools import setup\nsetup(name="ffix", version="1.0", setup_requires=["cffi>=1.4.1"], install_requires=["cffi>=1.4.1"], cffi_modules=["build_ffi.py:ffi"], py_modules=["ffix"], entry_points={"console_scripts": ["ffix = ffix:main"]})\n',
  );
  const r = spawnSync(process.execPath, [PYSERVICE_BIN, 'deb', dir, '--maintainer', 'T <t@example.org>', '--dry-run', '--json', '--kind', 'tool'], { env: cleanEnv(tempDir()), encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.equal(report.backend.compiled, ['c']);
  assert.ok(['python3-cffi', 'python3-dev'].every((p) => report.answers.buildDeps.includes(p)), report.answers.buildDeps.join(', '));
});

toolTest(t, [PY], 'a setup.py that lists its extensions only for a build command is read with the argv of the wheel build (bdist_wheel): compiled C, python3-dev in Build-Depends', () => {
  // ruamel.yaml.clib 0.2.12 (trixie source): its ext_modules property returns None when '--version' is in sys.argv;
  // the read ran setup.py as 'setup.py --name --version', saw no extension and left python3-dev out, while the wheel
  // its own build makes holds _ruamel_yaml.cpython-311-x86_64-linux-gnu.so
  const dir = tempDir();
  writeFileSync(join(dir, 'argvx.py'), 'def main():\n    pass\n');
  writeFileSync(join(dir, 'speed.c'), 'int speed(void) { return 1; }\n');
  writeFileSync(
    join(dir, 'setup.py'),
    'import sys\nfrom setuptools import setup, Extension\n' +
      'ext = None if "--version" in sys.argv or "--name" in sys.argv else [Extension("_argvx", ["speed.c"])]\n' +
      'setup(name="argvx", version="1.0", py_modules=["argvx"], ext_modules=ext, entry_points={"console_scripts": ["argvx = argvx:main"]})\n',
  );
  const r = spawnSync(process.execPath, [PYSERVICE_BIN, 'deb', dir, '--maintainer', 'T <t@example.org>', '--dry-run', '--json', '--kind', 'tool'], { env: cleanEnv(tempDir()), encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.equal(report.backend.compiled, ['c']);
  assert.ok(report.answers.buildDeps.includes('python3-dev'), report.answers.buildDeps.join(', '));
});

toolTest(t, [PY], 'the system libraries setup()\'s extensions link are reported, without the toolchain\'s own or those the project builds itself', () => {
  // quisk 4.2: Extension(libraries=['asound', 'pulse', 'fftw3', 'm']); PyNaCl-style build_clib libraries are the project's
  const dir = tempDir();
  writeFileSync(
    join(dir, 'setup.py'),
    'from setuptools import setup, Extension\n' +
      'setup(name="linked", version="1.0", py_modules=["linked"], libraries=[("ownlib", {"sources": ["own.c"]})],\n' +
      '      ext_modules=[Extension("linked._a", ["a.c"], libraries=["zzzaudio", "m", "ownlib"]), Extension("linked._b", ["b.c"], libraries=["zzzfft", "zzzaudio", "pthread"])],\n' +
      '      entry_points={"console_scripts": ["linked = linked:main"]})\n',
  );
  const r = spawnSync(process.execPath, [PYSERVICE_BIN, 'deb', dir, '--maintainer', 'T <t@example.org>', '--dry-run', '--json', '--kind', 'tool'], { env: cleanEnv(tempDir()), encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.equal(report.backend.libraries, ['zzzaudio', 'zzzfft']);
  assert.match(report.notes.join('\n'), /C extensions link zzzaudio, zzzfft \(setup\(\) Extension libraries=\)/);
  assert.ok(report.answers.buildDeps.includes('python3-dev'));
});

toolTest(t, [PY, '/usr/lib/python3/dist-packages/hatchling/__init__.py'], "what the backend asks beyond build-system.requires (a hatch build hook's dependencies) is judged too and becomes Build-Depends", () => {
  // jupyter-server 2.15 (trixie source): [tool.hatch.build.hooks.jupyter-builder] dependencies = ["hatch-jupyter-builder>=0.8.1"].
  // hatchling runs build hooks only when it builds, so the metadata read succeeded with no word of it, and the .deb's
  // build stopped at 'Unknown build hook: jupyter-builder'. hatchling's get_requires_for_build_wheel lists them.
  const dir = tempDir();
  mkdirSync(join(dir, 'x_hook'));
  writeFileSync(join(dir, 'x_hook', '__init__.py'), 'def main():\n    return 0\n');
  writeFileSync(
    join(dir, 'pyproject.toml'),
    [
      '[build-system]',
      'requires = ["hatchling"]',
      'build-backend = "hatchling.build"',
      '[project]',
      'name = "x-hook"',
      'version = "1.0"',
      '[project.scripts]',
      'x-hook = "x_hook:main"',
      '[tool.hatch.build.hooks.zzz-builder]',
      'dependencies = ["zzz-pyservice-absent-hook>=1", "hatchling"]',
      '',
    ].join('\n'),
  );
  const r = deb(dir);
  assert.is(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.equal(report.backend.unmet, [{ requirement: 'zzz-pyservice-absent-hook>=1', why: 'not installed; the backend asks for it', package: 'python3-zzz-pyservice-absent-hook' }]);
  assert.equal(report.answers.buildDeps.filter((p: string) => p.startsWith('python3-hatch') || p.includes('zzz')), ['python3-hatchling', 'python3-zzz-pyservice-absent-hook']);
  assert.match(report.notes.join('\n'), /build requirements Debian's python3 does not meet: zzz-pyservice-absent-hook>=1 \(not installed; the backend asks for it; Debian: python3-zzz-pyservice-absent-hook\)/);
});

toolTest(t, [PY], 'a build requirement whose Debian package is named after its module gets that name (pyqt-builder is python3-pyqtbuild)', () => {
  // pyqt-qwt and python-poppler-qt5 (trixie sources: requires PyQt-builder) were told python3-pyqt-builder, which no release has
  const r = deb(project(['PyQt-builder>=1.10', 'argparse-manpage[setuptools]']));
  assert.is(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.equal(report.backend.packages, ['python3-pyqtbuild', 'python3-argparse-manpage']);
  for (const p of ['python3-pyqtbuild', 'python3-argparse-manpage']) assert.ok(report.answers.buildDeps.includes(p), report.answers.buildDeps.join(', '));
});

t.run();
