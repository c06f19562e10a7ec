import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PYSERVICE_BIN } from '../helpers/cli.js';
import { cleanEnv, tempDir } from '../helpers/tmp.js';
import { toolTest } from '../helpers/tools.js';

/**
 * The metadata read leaves every file the project had as it was, not only without new ones: an sdist ships
 * NAME.egg-info/, which setuptools' egg_info rewrites in place (incremental 24.7.2's in-tree setuptools backend
 * rewrote src/incremental.egg-info/PKG-INFO during `pyservice deb --dry-run`, pyyaml 6.0.2's setup.py
 * lib/PyYAML.egg-info/SOURCES.txt), and a version file a setup.py regenerates is rewritten the same way.
 */
const t = suite('pyservice deb: the read puts back the project files its backend or setup.py changed');
const PY = '/usr/bin/python3';

function project(files: Record<string, string>): string {
  const dir = tempDir();
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

/** Every path with its bytes' hash and mode. */
function snapshot(dir: string, base = dir, acc: Record<string, string> = {}): Record<string, string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    const rel = p.slice(base.length + 1);
    if (e.isDirectory()) {
      acc[rel + '/'] = 'dir';
      snapshot(p, base, acc);
    } else acc[rel] = createHash('sha256').update(readFileSync(p)).digest('hex') + ':' + (statSync(p).mode & 0o777).toString(8);
  }
  return acc;
}

function dryRun(dir: string) {
  return spawnSync(process.execPath, [PYSERVICE_BIN, 'deb', dir, '--dry-run', '--json', '--maintainer', 'T <t@example.org>'], { env: cleanEnv(tempDir(), { NO_COLOR: '1' }), encoding: 'utf8' });
}

/** What both projects ship as an sdist does: an egg-info folder, a version file, a notes file, a script. */
const SHIPPED = {
  'src/x.egg-info/PKG-INFO': 'Metadata-Version: 2.1\nName: x\nVersion: 1.0\n',
  'src/x.egg-info/SOURCES.txt': 'setup.py\nsrc/x/__init__.py\n',
  'src/x/__init__.py': 'def main():\n    pass\n',
  'src/x/_version.py': '__version__ = "1.0"\n',
  'NOTES.txt': 'kept\n',
  'tools/run.sh': '#!/bin/sh\necho run\n',
};

/**
 * Python the backend (or setup.py) runs: rewrites PKG-INFO in place, replaces SOURCES.txt by a rename, truncates
 * NOTES.txt, deletes _version.py, replaces the executable run.sh through a temporary file, and makes and renames
 * a temporary file of its own (which must not come back).
 */
const MESS = [
  'import os',
  'open("src/x.egg-info/PKG-INFO", "w").write("Metadata-Version: 2.1\\nName: x\\nVersion: 9.9\\n")',
  'open("src/x.egg-info/SOURCES.txt.new", "w").write("changed\\n")',
  'os.replace("src/x.egg-info/SOURCES.txt.new", "src/x.egg-info/SOURCES.txt")',
  'os.truncate("NOTES.txt", 0)',
  'os.remove("src/x/_version.py")',
  'open("tools/run.tmp", "w").write("#!/bin/sh\\necho other\\n")',
  'os.rename("tools/run.tmp", "tools/run.sh")',
  'open("own.tmp", "w").write("mine")',
  'os.rename("own.tmp", "own2.tmp")',
  'os.remove("own2.tmp")',
].join('\n');

function prepared(files: Record<string, string>): string {
  const dir = project({ ...SHIPPED, ...files });
  chmodSync(join(dir, 'tools/run.sh'), 0o755);
  return dir;
}

toolTest(t, [PY], 'a PEP 517 backend that rewrites, replaces, truncates and deletes project files: each is put back, byte for byte and mode', () => {
  const dir = prepared({
    'pyproject.toml': '[build-system]\nrequires = []\nbuild-backend = "backend"\nbackend-path = ["_build"]\n[project]\nname = "xtool"\nversion = "1.0"\n[project.scripts]\nx = "x:main"\n',
    '_build/backend.py': [
      'import os',
      'def prepare_metadata_for_build_wheel(d, config_settings=None):',
      ...MESS.split('\n').map((l) => '    ' + l),
      '    info = os.path.join(d, "xtool-1.0.dist-info")',
      '    os.mkdir(info)',
      '    open(os.path.join(info, "METADATA"), "w").write("Metadata-Version: 2.1\\nName: xtool\\nVersion: 1.0\\n")',
      '    open(os.path.join(info, "entry_points.txt"), "w").write("[console_scripts]\\nx = x:main\\n")',
      '    return "xtool-1.0.dist-info"',
      '',
    ].join('\n'),
  });
  const before = snapshot(dir);
  const r = dryRun(dir);
  assert.is(r.status, 0, r.stderr);
  assert.is(JSON.parse(r.stdout).metadata.version, '1.0');
  assert.equal(snapshot(dir), before);
});

toolTest(t, [PY], 'a setup.py that rewrites, replaces, truncates and deletes project files before setup(): each is put back', () => {
  const dir = prepared({
    'setup.py': `${MESS}\nfrom setuptools import setup\nsetup(name="xtool", version="1.0", package_dir={"": "src"}, packages=["x"], entry_points={"console_scripts": ["x = x:main"]})\n`,
  });
  const before = snapshot(dir);
  const r = dryRun(dir);
  assert.is(r.status, 0, r.stderr);
  assert.is(JSON.parse(r.stdout).metadata.version, '1.0');
  assert.equal(snapshot(dir), before);
});

toolTest(t, [PY], 'a setup.py whose forked worker processes make files and change project files (Cython\'s cythonize(nthreads=2)): the project is as it was, and nothing is named as someone else\'s', () => {
  // wheezy.template 3.2.1's setup.py runs cythonize at import; its multiprocessing workers wrote 14 .c files into
  // src/ that `pyservice deb --dry-run` left there, naming them as files that "appeared in the project"
  const worker = ['def work(n):', ...MESS.split('\n').map((l) => '    ' + l), '    open(f"src/x/gen{n}.c", "w").write("/* generated */\\n")', ''].join('\n');
  const dir = prepared({
    'setup.py': [
      worker,
      'import multiprocessing, os',
      'p = multiprocessing.get_context("fork").Process(target=work, args=(1,))',
      'p.start()',
      'p.join()',
      'pid = os.fork()',
      'if pid == 0:',
      '    open("src/x/gen2.c", "w").write("/* forked */\\n")',
      '    os._exit(0)',
      'os.waitpid(pid, 0)',
      'from setuptools import setup',
      'setup(name="xtool", version="1.0", package_dir={"": "src"}, packages=["x"], entry_points={"console_scripts": ["x = x:main"]})',
      '',
    ].join('\n'),
  });
  const before = snapshot(dir);
  const r = dryRun(dir);
  assert.is(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.is(report.metadata.version, '1.0');
  assert.not.match(JSON.stringify(report), /appeared in the project/, 'the workers\' files are the read\'s own');
  assert.equal(snapshot(dir), before);
});

toolTest(t, [PY], 'a backend that fails after changing a project file: the file is put back and the failure is exit 1', () => {
  const dir = prepared({
    'pyproject.toml': '[build-system]\nrequires = []\nbuild-backend = "backend"\nbackend-path = ["_build"]\n[project]\nname = "xtool"\nversion = "1.0"\n',
    '_build/backend.py': ['import os', 'def prepare_metadata_for_build_wheel(d, config_settings=None):', ...MESS.split('\n').map((l) => '    ' + l), '    raise RuntimeError("boom")', ''].join('\n'),
  });
  const before = snapshot(dir);
  const r = dryRun(dir);
  assert.is(r.status, 1, r.stderr);
  assert.match(r.stderr, /RuntimeError: boom/);
  assert.equal(snapshot(dir), before);
});

t.run();
