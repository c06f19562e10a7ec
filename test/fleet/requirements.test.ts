import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { normalizeName, parseRequirement, projectRequirements } from '../../src/fleet/requirements.js';
import { tempDir } from '../helpers/tmp.js';

const t = suite('static requirement reading: PEP 508 strings, requirements files, setup.cfg, setup.py, pyproject');

t('PEP 503 names, pins, ranges, extras, markers, direct references', () => {
  assert.is(normalizeName('Acme.Common__x'), 'acme-common-x');
  const r = (s: string) => parseRequirement(s, 'f');
  assert.equal([r('Acme_Common[async] == 1.4.2 ; python_version < "3.12"')!.name, r('Acme_Common[async] == 1.4.2 ; python_version < "3.12"')!.pinned], ['acme-common', '1.4.2']);
  assert.is(r('acme-common>=1,<2')!.pinned, null);
  assert.is(r('acme-common==1.*')!.pinned, null, 'a wildcard is not a pin');
  assert.is(r('acme-common===1.0+local')!.pinned, '1.0+local');
  assert.is(r('acme-common @ https://example.test/a.whl')!.name, 'acme-common');
  assert.is(r('--index-url https://x'), null);
});

t('a project: requirements with includes and hashes, setup.cfg, setup.py variable, pyproject and Poetry', () => {
  const dir = tempDir();
  mkdirSync(join(dir, 'req'));
  writeFileSync(join(dir, 'requirements.txt'), '--index-url https://pypi.example.test/simple/\n-r req/base.txt\nfoo==1.0 \\\n    --hash=sha256:abc\n-e git+https://example.test/bar.git#egg=Bar_Lib\n# baz==1\n');
  writeFileSync(join(dir, 'req', 'base.txt'), 'qux ~= 2.0\n-r ../../outside.txt\n');
  writeFileSync(join(dir, 'setup.cfg'), '[metadata]\nname = x\n\n[options]\ninstall_requires =\n    cfg-dep>=1\n    cfg.pinned==0.3  # pinned\npython_requires = >=3.9\n');
  writeFileSync(join(dir, 'setup.py'), 'REQS = [\n    "py-dep==4.5",  # comment with "quotes" and a ] bracket\n    \'other\',\n]\nsetup(name="x", install_requires=REQS)\n');
  writeFileSync(join(dir, 'pyproject.toml'), '[project]\nname = "x"\ndependencies = [\n  "pep621-dep==7",\n]\n[tool.poetry.dependencies]\npython = "^3.9"\npoetry-dep = "1.2.3"\nranged = { version = "^2.0" }\n"backports.zoneinfo" = { version = "0.2.1", markers = "python_version < \'3.9\'" }\n\'single.quoted\' = "*"\n');
  const got = projectRequirements(dir).map((r) => `${r.file}:${r.name}:${r.pinned ?? '-'}`);
  assert.equal(got, [
    'req/base.txt:qux:-',
    'requirements.txt:foo:1.0',
    'requirements.txt:bar-lib:-',
    'setup.cfg:cfg-dep:-',
    'setup.cfg:cfg-pinned:0.3',
    'setup.py:py-dep:4.5',
    'setup.py:other:-',
    'pyproject.toml:pep621-dep:7',
    'pyproject.toml:poetry-dep:1.2.3',
    'pyproject.toml:ranged:-',
    // quoted keys, as a dotted name must be written (astral)
    'pyproject.toml:backports-zoneinfo:0.2.1',
    'pyproject.toml:single-quoted:-',
  ]);
});

t.run();
