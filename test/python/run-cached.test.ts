import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/paths.js';
import { cleanEnv, tempDir } from '../helpers/tmp.js';
import { toolTest } from '../helpers/tools.js';

/**
 * python-helpers/run_cached.py: the metadata helper runs with its own bytecode cached under the user's cache
 * folder (checked-hash .pyc), never anything of the project's, and an upgraded helper is never run from stale
 * bytecode, even when npm gives the new file the same size and the same 1985 mtime as the old one.
 */
const t = suite('python helpers: bytecode cached outside the project, checked against the source');
const PY = '/usr/bin/python3';
const NPM_MTIME = new Date('1985-10-26T08:15:00Z');

function helpersCopy(): string {
  const dir = join(tempDir(), 'python-helpers');
  cpSync(join(packageRoot(), 'python-helpers'), dir, { recursive: true, filter: (src) => !src.includes('__pycache__') });
  for (const f of readdirSync(dir)) utimesSync(join(dir, f), NPM_MTIME, NPM_MTIME);
  return dir;
}

function project(): string {
  const dir = tempDir();
  mkdirSync(join(dir, '_build'));
  writeFileSync(
    join(dir, '_build', 'backend.py'),
    [
      'import os',
      'import helper_mod  # a module of the project, imported while the backend runs',
      'def prepare_metadata_for_build_wheel(d, c=None):',
      '    os.mkdir(os.path.join(d, "x-1.0.dist-info"))',
      '    open(os.path.join(d, "x-1.0.dist-info", "METADATA"), "w").write("Metadata-Version: 2.1\\nName: x\\nVersion: 1.0\\n")',
      '    open(os.path.join(d, "x-1.0.dist-info", "entry_points.txt"), "w").write("")',
      '    return "x-1.0.dist-info"',
      '',
    ].join('\n'),
  );
  writeFileSync(join(dir, '_build', 'helper_mod.py'), 'VALUE = 1\n');
  writeFileSync(join(dir, 'pyproject.toml'), '[build-system]\nrequires = []\nbuild-backend = "backend"\nbackend-path = ["_build"]\n');
  return dir;
}

function read(helpers: string, dir: string, cache: string): Record<string, unknown> {
  const r = spawnSync(PY, ['-B', join(helpers, 'run_cached.py'), 'pyservice_metadata', dir], {
    cwd: dir,
    env: cleanEnv(tempDir(), { PYSERVICE_PYCACHE: cache, PYTHONDONTWRITEBYTECODE: '1' }),
    encoding: 'utf8',
  });
  assert.is(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

function files(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath ?? (e as unknown as { path: string }).path, e.name));
}

toolTest(t, [PY], "the helpers' .pyc files go to the cache folder, hash-checked; the project and the helpers' folder get none", () => {
  const helpers = helpersCopy();
  const dir = project();
  const cache = join(tempDir(), 'cache');
  const first = read(helpers, dir, cache);
  assert.is(first.ok, true);
  const pycs = files(cache).filter((p) => p.endsWith('.pyc'));
  assert.equal(pycs.map((p) => p.replace(/^.*\//, '').replace(/\.cpython-\d+\.pyc$/, '')).sort(), ['pep517_metadata', 'pyservice_metadata', 'verdict_memo']);
  for (const p of pycs) assert.is(readFileSync(p).readUInt32LE(4), 3, `${p}: not a checked-hash .pyc (PEP 552 flags)`);
  assert.equal(files(dir).filter((p) => p.includes('__pycache__')), [], 'bytecode written into the project');
  assert.equal(files(helpers).filter((p) => p.includes('__pycache__')), [], "bytecode written next to the helpers");
  assert.equal(read(helpers, dir, cache), first, 'the cached run answers differently');
});

toolTest(t, [PY], 'a helper changed in place (same size, same mtime, as npm installs it) is compiled afresh', () => {
  const helpers = helpersCopy();
  const dir = project();
  const cache = join(tempDir(), 'cache');
  assert.is(read(helpers, dir, cache).setuptools, '');
  const file = join(helpers, 'pep517_metadata.py');
  const before = readFileSync(file, 'utf8');
  const after = before.replace('"setuptools": "",', '"setuptools":"Z",');
  assert.is.not(after, before, 'the line to edit is gone from pep517_metadata.py');
  assert.is(Buffer.byteLength(after), Buffer.byteLength(before));
  writeFileSync(file, after);
  utimesSync(file, NPM_MTIME, NPM_MTIME);
  assert.is(read(helpers, dir, cache).setuptools, 'Z');
  assert.is(read(helpers, dir, cache).setuptools, 'Z', 'the recompiled bytecode was not kept');
});

toolTest(t, [PY], 'a cache folder that cannot be made: the read works from source and writes nothing', () => {
  const helpers = helpersCopy();
  const dir = project();
  const blocker = join(tempDir(), 'a-file');
  writeFileSync(blocker, '');
  const r = read(helpers, dir, join(blocker, 'cache')); // under a regular file: not even root can create it
  assert.is(r.ok, true);
  assert.equal(files(dir).filter((p) => p.includes('__pycache__')), []);
  assert.equal(files(helpers).filter((p) => p.includes('__pycache__')), []);
});

/** A .pyc that runs edited code yet records the hash of the real source: what someone who can write the cache could plant. */
function plant(helpers: string, cache: string): void {
  const script = [
    'import importlib.util, os, py_compile, sys',
    'helpers, cache = sys.argv[1], sys.argv[2]',
    'src = os.path.join(helpers, "pep517_metadata.py")',
    'sys.pycache_prefix = cache',
    'pyc = importlib.util.cache_from_source(src)',
    'real = open(src, "rb").read()',
    'edited = os.path.join(os.path.dirname(cache), "edited.py")',
    'open(edited, "wb").write(real.replace(b\'"setuptools": "",\', b\'"setuptools":"P",\'))',
    'py_compile.compile(edited, cfile=pyc, doraise=True, invalidation_mode=py_compile.PycInvalidationMode.CHECKED_HASH)',
    'data = bytearray(open(pyc, "rb").read())',
    'data[8:16] = importlib.util.source_hash(real)',
    'open(pyc, "wb").write(bytes(data))',
  ].join('\n');
  const r = spawnSync(PY, ['-c', script, helpers, cache], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
}

toolTest(t, [PY], 'a cache folder others can write to is not used: bytecode planted there does not run', () => {
  const helpers = helpersCopy();
  const dir = project();
  const shared = join(tempDir(), 'shared');
  mkdirSync(shared);
  plant(helpers, shared);
  chmodSync(shared, 0o777);
  assert.is(read(helpers, dir, shared).setuptools, '', 'the planted bytecode ran from a world-writable cache');
  // The same bytecode in a private cache is what the check keeps out (so this test can fail)
  chmodSync(shared, 0o700);
  for (const f of files(shared)) chmodSync(f, 0o600);
  for (let d = join(files(shared)[0]!, '..'); d.startsWith(shared); d = join(d, '..')) chmodSync(d, 0o700);
  assert.is(read(helpers, dir, shared).setuptools, 'P');
});

toolTest(t, [PY], "Requires-Python and markers are packaging's verdicts, remembered: the second read imports no packaging", () => {
  const helpers = helpersCopy();
  const dir = project();
  const backend = join(dir, '_build', 'backend.py');
  writeFileSync(backend, readFileSync(backend, 'utf8').replace('Version: 1.0\\n', 'Version: 1.0\\nRequires-Python: >=3.9,!=3.10.*\\nRequires-Dist: colorama; sys_platform == \\"win32\\"\\nRequires-Dist: click\\n'));
  const cache = join(tempDir(), 'cache');
  const traced = () => {
    const r = spawnSync(PY, ['-B', '-X', 'importtime', join(helpers, 'run_cached.py'), 'pyservice_metadata', dir], { cwd: dir, env: cleanEnv(tempDir(), { PYSERVICE_PYCACHE: cache, PYTHONDONTWRITEBYTECODE: '1' }), encoding: 'utf8' });
    assert.is(r.status, 0, r.stderr);
    const md = (JSON.parse(r.stdout) as { metadata: { python_accepted: Record<string, boolean>; not_here: string[] } }).metadata;
    return { md, packaging: /\| +packaging\.(specifiers|markers)$/m.test(r.stderr) };
  };
  const first = traced();
  assert.equal([first.md.python_accepted['3.8'], first.md.python_accepted['3.9'], first.md.python_accepted['3.10'], first.md.python_accepted['3.11']], [false, true, false, true]);
  assert.equal(first.md.not_here, ['colorama; sys_platform == "win32"']);
  assert.ok(first.packaging, 'the first read asks packaging');
  const second = traced();
  assert.equal(second.md, first.md);
  assert.not.ok(second.packaging, 'the second read imported packaging for verdicts it had');
});

t.run();
