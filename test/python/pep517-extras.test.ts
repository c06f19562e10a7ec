import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PYSERVICE_BIN } from '../helpers/cli.js';
import { cleanEnv, tempDir } from '../helpers/tmp.js';
import { toolTest } from '../helpers/tools.js';

/**
 * Extras as the backend publishes them in Requires-Dist. poetry-core writes a requirement that several extras share
 * as one line, `pillow (>=9) ; extra == "art" or extra == "web"` (beets 2.2 has a dozen such): it belongs to each
 * of those extras, so `--extras web` installs pillow and the index/wheelhouse notes count it.
 */
const t = suite('pyservice deb: a requirement that several extras share (poetry-core\'s `extra == "a" or extra == "b"`)');
const PY = '/usr/bin/python3';

function poetryProject(): string {
  const dir = tempDir();
  mkdirSync(join(dir, 'pe'));
  writeFileSync(join(dir, 'pe', '__init__.py'), 'def main():\n    pass\n');
  writeFileSync(
    join(dir, 'pyproject.toml'),
    [
      '[build-system]',
      'requires = ["poetry-core"]',
      'build-backend = "poetry.core.masonry.api"',
      '[tool.poetry]',
      'name = "pe"',
      'version = "1.0"',
      'description = "Shares requirements between extras"',
      'authors = ["A <a@example.org>"]',
      'license = "MIT"',
      '[tool.poetry.dependencies]',
      'python = ">=3.8"',
      'pillow = {version = ">=9", optional = true}',
      'requests = {version = "*", optional = true, python = ">=3.8"}',
      '[tool.poetry.extras]',
      'art = ["pillow"]',
      'web = ["pillow", "requests"]',
      'all = ["requests"]',
      '[tool.poetry.scripts]',
      'pe = "pe:main"',
      '',
    ].join('\n'),
  );
  return dir;
}

toolTest(t, [PY], 'each extra of an `or` gets the requirement, with the rest of its marker kept', () => {
  const dir = poetryProject();
  const r = spawnSync(process.execPath, [PYSERVICE_BIN, 'deb', dir, '--dry-run', '--json', '--kind', 'tool', '--extras', 'web', '--maintainer', 'T <t@example.org>'], { env: cleanEnv(tempDir(), { NO_COLOR: '1' }), encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.is(report.backend.name, 'poetry.core.masonry.api');
  const extras = report.metadata.extras as Record<string, string[]>;
  const spelled = (list: string[]) => list.map((x) => x.replace(/\s+/g, '')).sort();
  assert.equal(spelled(extras.art!), ['pillow(>=9)']);
  assert.equal(spelled(extras.web!), ['pillow(>=9)', 'requests;(python_version>="3.8")']);
  assert.equal(spelled(extras.all!), ['requests;(python_version>="3.8")']);
  assert.equal(report.metadata.install_requires, []);
  // --extras web: both of web's requirements are what pip will be asked for from an index
  const indexNote = (report.notes as string[]).find((n) => n.includes('packages from an index')) ?? '';
  assert.match(indexNote, /pillow/);
  assert.match(indexNote, /requests/);
});

toolTest(t, [PY], "a setup.py's extras are the wheel's: named as setuptools publishes them, an extra without requirements included", () => {
  // borgmatic 1.9 ("Apprise" published as "apprise") and fontmake 3.9 ("lxml": [] and "mutatormath": [], kept so that
  // fontmake[lxml] installs: --extras lxml was refused as not declared)
  const dir = tempDir();
  writeFileSync(join(dir, 'sx.py'), 'def main():\n    pass\n');
  writeFileSync(
    join(dir, 'setup.py'),
    'from setuptools import setup\nsetup(name="sx", version="1.0", py_modules=["sx"], entry_points={"console_scripts": ["sx = sx:main"]},\n' +
      '      extras_require={"Apprise": ["zzz-apprise>=1"], "Empty_One": [], "Lxml": [], "win:sys_platform == \'win32\'": ["zzz-win"], ":python_version < \'3\'": ["zzz-old"]})\n',
  );
  const env = cleanEnv(tempDir(), { NO_COLOR: '1' });
  const r = spawnSync(process.execPath, [PYSERVICE_BIN, 'deb', dir, '--dry-run', '--json', '--kind', 'tool', '--extras', 'lxml', '--maintainer', 'T <t@example.org>'], { env, encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  const extras = JSON.parse(r.stdout).metadata.extras as Record<string, string[]>;
  // The reference: the wheel setuptools builds, its Provides-Extra
  const out = tempDir();
  const built = spawnSync(PY, ['-m', 'build', '--wheel', '--no-isolation', '--skip-dependency-check', '--outdir', out, dir], { env, encoding: 'utf8' });
  assert.is(built.status, 0, built.stderr);
  const provided = spawnSync(PY, ['-c', 'import sys, zipfile, glob; z = zipfile.ZipFile(glob.glob(sys.argv[1] + "/*.whl")[0]); m = [n for n in z.namelist() if n.endswith(".dist-info/METADATA")][0]; print("\\n".join(l[len("Provides-Extra: "):] for l in z.read(m).decode().splitlines() if l.startswith("Provides-Extra: ")))', out], { env, encoding: 'utf8' });
  assert.equal(Object.keys(extras).sort(), provided.stdout.trim().split('\n').sort());
  assert.equal(extras.apprise, ['zzz-apprise>=1']);
  assert.equal(extras.lxml, []);
});

t.run();
