import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseRequirement, projectRequirements } from '../../src/fleet/requirements.js';
import { tempDir } from '../helpers/tmp.js';
import { toolTest } from '../helpers/tools.js';

/**
 * The static reader against Python's own: packaging.requirements (PEP 508) and packaging.utils.canonicalize_name
 * for requirement strings; tomllib and setuptools' setup.cfg reader and requirement parser for real upstream projects (the Debian
 * source tarballs the PEP 517 corpus test caches). Names and pins must agree exactly.
 */
const t = suite('dependents: static requirement reading vs packaging / tomllib / setuptools');
const PY = '/usr/bin/python3';

const HOSTILE = [
  'Acme.Common==1.4.2',
  'acme_common [ async , http ] == 1.4.2 ; python_version < "3.12"',
  'acme-common (==1.4.2)',
  'acme-common==1.4.*',
  'acme-common===1.0+local',
  'acme-common>=1,!=1.3,<2',
  'acme-common ~= 1.4.2',
  'acme-common@ https://example.test/acme_common-1.0-py3-none-any.whl',
  'acme-common @ file:///srv/wheels/acme.whl ; sys_platform == "linux"',
  'acme-common==1.4.2;python_version>"3"',
  'A',
  'a.b-c_d==0',
  'acme-common[]==2',
  'ACME---common__x..y<3',
];

const PY_REQ = `
import sys, json
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
def one(s):
    r = Requirement(s); spec = list(r.specifier)
    pin = spec[0].version if len(spec) == 1 and spec[0].operator in ('==', '===') and '*' not in spec[0].version else None
    return [canonicalize_name(r.name), pin]
print(json.dumps([one(s) for s in json.load(sys.stdin)]))
`;

const PY_PROJECT = `
import sys, os, json, tomllib
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
root = sys.argv[1]; out = []
def add(s, f):
    r = Requirement(s); spec = list(r.specifier)
    pin = spec[0].version if len(spec) == 1 and spec[0].operator in ('==', '===') and '*' not in spec[0].version else None
    out.append(f"{f}:{canonicalize_name(r.name)}:{pin or '-'}")
p = os.path.join(root, 'pyproject.toml')
if os.path.exists(p):
    d = tomllib.load(open(p, 'rb'))
    for s in d.get('project', {}).get('dependencies', []): add(s, 'pyproject.toml')
    # Poetry's own constraint parser says what a [tool.poetry.dependencies] value pins ("1.16.0" is exactly 1.16.0)
    try:
        from poetry.core.constraints.version import Version, parse_constraint
    except ImportError:  # poetry-core < 1.5 (bookworm's 1.4)
        import warnings; warnings.simplefilter('ignore')
        from poetry.core.semver.helpers import parse_constraint
        from poetry.core.semver.version import Version
    for k, v in d.get('tool', {}).get('poetry', {}).get('dependencies', {}).items():
        if k == 'python': continue
        text = v if isinstance(v, str) else v.get('version') if isinstance(v, dict) else None
        c = parse_constraint(text) if isinstance(text, str) else None
        out.append(f"pyproject.toml:{canonicalize_name(k)}:{c.text if isinstance(c, Version) else '-'}")
c = os.path.join(root, 'setup.cfg')
if os.path.exists(c):
    from setuptools.config.setupcfg import read_configuration
    # setuptools reads setup.cfg requirements through its own parser, which drops ' # comment' tails
    # (python-email-validator: 'dnspython>=2.0.0 # optional if…'); packaging alone would reject them.
    from setuptools._reqs import parse
    for r in parse(read_configuration(c, ignore_option_errors=True).get('options', {}).get('install_requires', []) or []): add(str(r), 'setup.cfg')
print(json.dumps(out))
`;

toolTest(t, [PY], 'hostile requirement strings: the same normalised name and pin as packaging', () => {
  const ref = JSON.parse(execFileSync(PY, ['-c', PY_REQ], { input: JSON.stringify(HOSTILE), encoding: 'utf8', env: { PATH: '/usr/bin:/bin' } })) as [string, string | null][];
  HOSTILE.forEach((s, i) => {
    const r = parseRequirement(s, 'f');
    assert.equal(r ? [r.name, r.pinned] : null, ref[i], s);
  });
});

toolTest(t, [PY, 'tar'], 'real upstream projects (Debian source tarballs): pyproject.toml and setup.cfg read as Python reads them', () => {
  const cache = process.env.PYSERVICE_CORPUS_CACHE ?? '/var/tmp/pyservice-corpus';
  const tarballs = existsSync(cache) ? readdirSync(cache).filter((f) => /\.orig\.tar\.(gz|xz|bz2)$/.test(f)) : [];
  if (!tarballs.length) {
    console.log(`  (no upstream tarballs in ${cache} yet: the PEP 517 corpus test fetches them; only the hostile strings were compared)`);
    return;
  }
  const work = tempDir();
  let compared = 0;
  for (const tb of tarballs) {
    const dir = join(work, tb);
    mkdirSync(dir);
    execFileSync('tar', ['-x', '-f', join(cache, tb), '-C', dir, '--strip-components=1']);
    const ref = JSON.parse(execFileSync(PY, ['-c', PY_PROJECT, dir], { encoding: 'utf8', env: { PATH: '/usr/bin:/bin' } })) as string[];
    const ours = projectRequirements(dir).filter((r) => r.file === 'pyproject.toml' || r.file === 'setup.cfg').map((r) => `${r.file}:${r.name}:${r.pinned ?? '-'}`);
    assert.equal(ours, ref, tb);
    compared += ref.length;
  }
  assert.ok(compared > 0, 'the corpus declares some dependencies');
});

t.run();
