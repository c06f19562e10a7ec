import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PYSERVICE_BIN } from '../helpers/cli.js';
import { exec, origTarball, unpack } from '../helpers/corpus.js';
import { cleanEnv, tempDir } from '../helpers/tmp.js';
import { hasTool, isCI } from '../helpers/tools.js';
import { upstreamAuthors } from '../../src/deb/copyright.js';

/**
 * Real modern projects, taken from Debian source packages (the upstream .orig tarball only, fetched with
 * `apt-get source --download-only` into a cache), read two ways:
 *   ours: `pyservice deb --dry-run --json`
 *   real: `python3 -m build --wheel --no-isolation -x` (the project's own backend builds the wheel), then the
 *         wheel's METADATA and entry_points.txt, parsed here.
 * Every field pyservice deb uses must be what the backend publishes. Nothing here is hard-coded per project.
 */
const t = suite('python metadata: real PEP 517 projects from Debian source packages vs their own backends');

const PY = '/usr/bin/python3';
/**
 * Debian source package → the backend it was picked for (checked in its pyproject.toml below). A suite names
 * another release's source (fetched through a private apt list, see helpers/corpus.ts). `vcs`: the tarball is a
 * bare export (no PKG-INFO, no .git), so the version exists only as the tarball's: without it pyservice deb must
 * refuse (exit 2, naming --upstream-version); with `--upstream-version X` both readers get it the documented way
 * (SETUPTOOLS_SCM_PRETEND_VERSION and PBR_VERSION for the backend), X taken from the tarball's name as a packager would.
 */
const CORPUS: [string, RegExp, { suite?: string; vcs?: true; placeholder?: string; license?: string; homepage?: string; crlf?: true }?][] = [
  ['python-colorama', /^hatchling\.build$/], // hatchling, PEP 639 license expression, readme
  ['mdurl', /^flit_core\.buildapi$/], // flit_core, static [project]
  ['crashtest', /^poetry\.core\.masonry\.api$/], // poetry-core, [tool.poetry] metadata
  ['rich', /^poetry\.core\.masonry\.api$/], // poetry-core with markers and an extra
  ['yamllint', /^setuptools\.build_meta$/], // setup.cfg + setup.py, a console script
  ['gitlint', /^hatchling\.build$/, { suite: 'trixie', vcs: true }], // hatchling + hatch-vcs (no version without a checkout), dependencies and urls from a hatch_build.py hook
  ['python-tabulate', /^setuptools\.build_meta$/, { suite: 'trixie' }], // PEP 621 [project] + setuptools_scm (PKG-INFO), a console script, an extra
  ['python-build', /^flit_core\.buildapi$/, { suite: 'trixie', homepage: 'https://build.pypa.io' }], // flit_core: four authors in Author-email, non-ASCII names, lowercase 'homepage' url, a console script
  // flit_core with license = {file = "LICENSE.txt"} and only the ambiguous "BSD License" classifier: the license is
  // the one its LICENSE.txt states (BSD 3-clause, read there by a person); no home page entry, a Source url
  ['python-click', /^flit_core\.buildapi$/, { suite: 'trixie', license: 'BSD-3-clause', homepage: 'https://github.com/pallets/click/' }],
  ['python-jaraco.functools', /^setuptools\.build_meta$/, { suite: 'trixie', vcs: true }], // PEP 621 + setuptools_scm outside a checkout, a namespace package (jaraco.)
  ['python-email-validator', /^setuptools\.build_meta$/, { suite: 'trixie', license: 'Unlicense' }], // setup.cfg: an underscore name (published with '-'), entry points in setup.cfg
  // setup.py whose win32-only dependency is an extras_require key with no extra (':sys_platform=="win32"'): setuptools
  // publishes it as Requires-Dist with that marker, so it is a requirement, not an extra
  ['python-colorlog', /^setuptools\.build_meta$/, { suite: 'trixie' }],
  // pbr (setup.cfg metadata, several console scripts) from a bare tarball: no version without PKG-INFO or a checkout;
  // --upstream-version reaches pbr as PBR_VERSION
  ['bandit', /^setuptools\.build_meta$/, { suite: 'trixie', vcs: true }],
  ['myst-parser', /^flit_core\.buildapi$/, { suite: 'trixie' }], // flit_core: eight console scripts, a Markdown summary cut at its line break
  // a dotted name (ruamel.yaml), a setup.py that computes every argument, a CPython-only requirement given as an extras_require ':marker' key
  ['ruamel.yaml', /^setuptools\.build_meta$/, { suite: 'trixie' }],
  ['python-qtconsole', /^setuptools\.build_meta$/, { suite: 'trixie', license: 'BSD-3-clause' }], // setup.py gui_scripts (a Qt application's launcher), License: BSD
  ['markupsafe', /^setuptools\.build_meta$/, { suite: 'trixie' }], // setup.py ext_modules (a C extension): Build-Depends python3-dev
  // poetry-core: a requirement several extras share is one Requires-Dist line ('pillow ; extra == "aura" or extra == "fetchart"…'), a console script
  ['beets', /^poetry\.core\.masonry\.api$/, { suite: 'trixie' }],
  // hatchling + hatch-requirements-txt: dependencies read from requirements.txt by a metadata hook; an emoji summary
  ['domdf-python-tools', /^hatchling\.build$/, { suite: 'trixie' }],
  // setup.py imports versioneer, a build requirement (versioneer[toml]==0.29, not vendored): the version from the git-archive keywords
  ['partd', /^setuptools\.build_meta$/, { suite: 'trixie' }],
  // setup.py extras_require with a capitalised key ("Apprise"): the wheel publishes it as setuptools names it, "apprise"
  ['borgmatic', /^setuptools\.build_meta$/, { suite: 'trixie' }],
  // setup.py extras without requirements ("csv": [], "dbc": [] … beside real ones): each is an extra the wheel provides
  // Its versioneer finds no git-archive keywords in the tarball, so the wheel is 0+unknown: a placeholder pyservice deb
  // refuses (exit 2, naming --upstream-version), then packages the tarball's version while the wheel stays 0+unknown
  ['python-canmatrix', /^setuptools\.build_meta$/, { suite: 'trixie', placeholder: '0+unknown' }],
  // pdm-pep517 (bookworm's pdm backend), a src layout, the version read from a file; its WHEEL says "Root-Is-Purelib: True"
  ['resfinder', /^pdm\.pep517\.api$/, { suite: 'trixie' }],
  // setup.cfg gui_scripts (a GTK presentation program), no console scripts
  ['pympress', /^setuptools\.build_meta$/, { suite: 'trixie' }],
  // hatchling, its pyproject.toml rewritten with CRLF line ends (as a Windows checkout has them) for both readers; a
  // copy with a UTF-8 BOM is refused by its own build and by pyservice deb (exit 2, naming the BOM)
  ['python-nox', /^hatchling\.build$/, { suite: 'trixie', crlf: true }],
  // pbr from a bare tarball: requirements.txt gives one requirement twice under opposite markers ("stevedore>=1.17.1,<2;
  // python_version < '3.0'", "stevedore>=1.17.1; python_version >= '3.0'"); pbr keeps both markers for a wheel
  ['jenkins-job-builder', /^setuptools\.build_meta$/, { suite: 'trixie', vcs: true }],
  // poetry-core with a build script ([tool.poetry.build] script = "_build.py"): poetry-core tags the wheel for the
  // platform (not purelib), so the build may compile and gets python3-dev; a PEP 639-style AND of four licenses
  ['reuse', /^poetry\.core\.masonry\.api$/, { suite: 'trixie', license: 'Apache-2.0 and CC0-1.0 and CC-BY-SA-4.0 and GPL-3+' }],
  // setup.py of the distutils era: imports distutils.extension and distutils.util, falls back to distutils.core's
  // setup(); no pyproject.toml, no console script (a library: the dry run lists the refusal and still reads it all)
  ['pyinotify', /^setuptools\.build_meta$/, { suite: 'trixie' }],
  // setup.py + setup.cfg with a PKG-INFO (an sdist), a library
  ['musicbrainzngs', /^setuptools\.build_meta$/, { suite: 'trixie' }],
  // setup.py: the console script (dotenv) needs the 'cli' extra that no entry point names
  ['python-dotenv', /^setuptools\.build_meta$/, { suite: 'trixie' }],
  // poetry-core [tool.poetry]: a dependency only for python < 3.8 (poetry's python = "<3.8" becomes a marker),
  // license = "MIT" in [tool.poetry], a console script
  ['python-dunamai', /^poetry\.core\.masonry\.api$/, { suite: 'trixie' }],
  // setuptools.build_meta with setup.py only (no [project]): six console scripts, License "GPL-2.0-or-later" (an SPDX
  // id in the License field)
  ['mutagen', /^setuptools\.build_meta$/, { suite: 'trixie' }],
  // setup.py (PKG-INFO): License "BSD" names no license, so its LICENSE.txt does (BSD 3-clause); two console scripts
  ['pyserial', /^setuptools\.build_meta$/, { suite: 'trixie', license: 'BSD-3-clause' }],
  // setup.py with a vendored versioneer.py (the version from the git-archive keywords in _version.py), requirements
  // with python_version markers, a C extension: python3-dev
  ['python-msgspec', /^setuptools\.build_meta$/, { suite: 'trixie' }],
  // setup.py use_scm_version (setuptools_scm through setup_requires) from a bare tarball: no version without a checkout
  ['pyusb', /^setuptools\.build_meta$/, { suite: 'trixie', vcs: true }],
  // pbr (setup.cfg metadata) from an sdist: the version from PKG-INFO, no checkout needed
  ['python-lockfile', /^setuptools\.build_meta$/, { suite: 'trixie' }],
  // metadata in setup.cfg only (no setup.py) under a pyproject.toml [build-system] of setuptools
  ['python-gnupg', /^setuptools\.build_meta$/, { suite: 'trixie' }],
  // sdists that ship NAME.egg-info/, which egg_info rewrites in place: the read must put each file back, not only
  // remove new ones. incremental: an in-tree backend (_build_meta.py) over setuptools; pyyaml: an in-tree backend
  // (packaging/_pyyaml_pep517.py) and a setup.py whose C extension needs Cython, which is not installed: a pure wheel
  ['incremental', /^_build_meta:build_meta$/, { suite: 'trixie' }],
  ['pyyaml', /^_pyyaml_pep517$/, { suite: 'trixie' }],
  // PEP 621 setuptools with license = {file = "LICENSE"} (setuptools_scm, bare tarball): the License field is the file's
  // text, which setuptools' own PKG-INFO writer folds with eight blanks per line; the read reports that field as the
  // wheel holds it (it reported the file's text unfolded, from the attribute)
  ['automat', /^setuptools\.build_meta$/, { suite: 'trixie', vcs: true }],
  // poetry-core whose README (the long description) holds an all-contributors table: HTML links with
  // "commits?author=…\"" inside the JSON string; the --json report must stay valid JSON after redaction
  ['python-chacha20poly1305-reuseable', /^poetry\.core\.masonry\.api$/, { suite: 'trixie' }],
];
const MAINTAINER = ['--maintainer', 'Corpus Tester <corpus@example.org>'];

/** Core metadata (RFC 822 headers + body), parsed here independently of the helper. */
function parseCoreMetadata(text: string): { headers: Map<string, string[]>; body: string } {
  const headers = new Map<string, string[]>();
  const cut = text.search(/\r?\n\r?\n/);
  const head = cut < 0 ? text : text.slice(0, cut);
  const body = cut < 0 ? '' : text.slice(cut).replace(/^\r?\n\r?\n/, '');
  let last: [string, number] | null = null;
  for (const line of head.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && last) {
      const list = headers.get(last[0])!;
      list[last[1]] += '\n' + line;
      continue;
    }
    const m = /^([A-Za-z0-9-]+):[ \t]?(.*)$/.exec(line);
    if (!m) continue;
    const key = m[1]!.toLowerCase();
    const list = headers.get(key) ?? [];
    list.push(m[2]!);
    headers.set(key, list);
    last = [key, list.length - 1];
  }
  return { headers, body };
}

function consoleScripts(entryPoints: string, group = 'console_scripts'): string[] {
  const out: string[] = [];
  let section = '';
  for (const line of entryPoints.split(/\r?\n/)) {
    const h = /^\s*\[(.+)\]\s*$/.exec(line);
    if (h) section = h[1]!.trim();
    else if (section === group && line.includes('=')) {
      const [name, target] = [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)];
      out.push(`${name.trim()} = ${target.trim().replace(/\s+/g, ' ')}`);
    }
  }
  return out.sort();
}

/**
 * A requirement in one spelling: no spaces, no parentheses around the specifier, double quotes, and the name as
 * PEP 503 normalises it (setuptools' wheel writes more_itertools as more-itertools: the same requirement).
 */
const normalReq = (r: string) =>
  r
    .replace(/\s+/g, '')
    .replace(/\(([^()]*)\)(;|$)/, '$1$2')
    // pbr's requirements reach setuptools as ':marker' extras keys, published as '; (platform_system=="Windows")'
    .replace(/;\(([^()]*)\)$/, ';$1')
    .replace(/'/g, '"')
    .replace(/^[A-Za-z0-9][A-Za-z0-9._-]*/, (name) => name.toLowerCase().replace(/[-_.]+/g, '-'));

/** Requires-Dist → "req|extra" pairs (extra '' when unconditional), the extra's marker clause removed. */
function requirementPairs(list: string[]): string[] {
  return list
    .flatMap((r) => {
      const [req, marker = ''] = r.split(/;(.*)/s, 2) as [string, string?];
      // poetry-core writes a requirement several extras share as one line: 'pillow ; extra == "a" or extra == "b"',
      // maybe beside other markers ('(python_version >= "3.8") and (extra == "a" or extra == "b")'): one pair per extra
      const group = /\(?\s*extra\s*==\s*["'][^"']+["'](?:\s+or\s+extra\s*==\s*["'][^"']+["'])+\s*\)?/.exec(marker);
      if (group) {
        const rest = marker.replace(group[0], '').replace(/^\s*and\s+|\s+and\s*$/g, '').trim().replace(/^\(([^()]*)\)$/, '$1');
        return [...group[0].matchAll(/extra\s*==\s*["']([^"']+)["']/g)].map((e) => `${normalReq(rest ? `${req};${rest}` : req)}|${e[1]}`);
      }
      const m = /^(.*?)(?:\s*\band\b\s*)?\(?\s*extra\s*==\s*["']([^"']+)["']\s*\)?(?:\s*\band\b\s*)?(.*)$/.exec(marker.trim());
      if (!m) return `${normalReq(r)}|`;
      // setuptools writes `(sys_platform != "cygwin") and extra == "check"`: the parentheses only group the rest
      const rest = [m[1], m[3]].map((x) => (x ?? '').trim().replace(/^\(([^()]*)\)$/, '$1')).filter(Boolean).join(' and ');
      return `${normalReq(rest ? `${req};${rest}` : req)}|${m[2]}`;
    })
    .sort();
}

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

const READ_WHEEL = `
import json, sys, zipfile
w = zipfile.ZipFile(sys.argv[1])
info = [n for n in w.namelist() if n.endswith('.dist-info/METADATA') and n.count('/') == 1][0][:-len('METADATA')]
ep = info + 'entry_points.txt'
meta = w.read(info + 'METADATA').decode()
# The people, as Python's own address parser reads the Author/Maintainer fields (the reference for "Name <email>, …")
from email.parser import Parser
from email.utils import getaddresses
msg = Parser().parsestr(meta)
people = []
for name_key, mail_key in (('Author', 'Author-email'), ('Maintainer', 'Maintainer-email')):
    pairs = getaddresses([msg[mail_key]]) if msg[mail_key] else []
    names = [n.strip() for n in (msg[name_key] or '').split(',') if n.strip() and msg[name_key] != 'UNKNOWN']
    if len(names) == len(pairs) and all(not n for n, _ in pairs):
        pairs = [(n, e) for n, (_, e) in zip(names, pairs)]
    else:
        people += [n for n in names if not any(p[0] == n for p in pairs)]
    people += [f'{n} <{e}>' if n else e for n, e in pairs]
# WHEEL's Root-Is-Purelib: false when the wheel holds compiled code
# (the value's case varies: pdm-pep517 writes True, and pip compares it lowercased)
purelib = 'root-is-purelib: true' in w.read(info + 'WHEEL').decode().lower()
print(json.dumps({'metadata': meta, 'entry_points': w.read(ep).decode() if ep in w.namelist() else '', 'people': people, 'purelib': purelib}))
`;

const ready = ['tar', 'apt-get', 'licensecheck', PY].every(hasTool);
for (const [src, backendPattern, how = {}] of CORPUS) {
  const name = `${src}: pyservice deb reads what the backend publishes in its wheel; the read wrote nothing`;
  if (!ready) {
    if (isCI()) t(name, () => assert.unreachable('needs tar, apt-get, licensecheck and /usr/bin/python3; a skip is a failure under CI=true'));
    else console.log(`  skip: ${name}: needs tar, apt-get and ${PY}`);
    continue;
  }
  t(name, async () => {
    const tarball = await origTarball(src, how.suite);
    const home = tempDir();
    const env = cleanEnv(home, { NO_COLOR: '1' });
    const [oursDir, realDir] = await Promise.all([unpack(tarball), unpack(tarball)]);
    if (how.crlf) {
      for (const dir of [oursDir, realDir]) writeFileSync(join(dir, 'pyproject.toml'), readFileSync(join(dir, 'pyproject.toml'), 'utf8').replace(/\r?\n/g, '\r\n'));
      const bom = await unpack(tarball);
      writeFileSync(join(bom, 'pyproject.toml'), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), readFileSync(join(bom, 'pyproject.toml'))]));
      const refused = await exec(process.execPath, [PYSERVICE_BIN, 'deb', bom, '--dry-run', '--json', ...MAINTAINER], { env });
      assert.is(refused.code, 2, refused.stderr);
      assert.match(refused.stderr, /^error: pyproject\.toml cannot be read: it starts with a UTF-8 byte-order mark \(BOM\)/);
      const theirs = await exec(PY, ['-m', 'build', '--wheel', '--no-isolation', '--skip-dependency-check', '--outdir', tempDir(), bom], { env });
      assert.is.not(theirs.code, 0, 'the backend\'s own build refuses the BOM too');
    }
    const before = snapshot(oursDir);
    const args = [PYSERVICE_BIN, 'deb', oursDir, '--dry-run', '--json', ...MAINTAINER];
    let realEnv = env;
    if (how.vcs) {
      const refused = await exec(process.execPath, args, { env });
      assert.is(refused.code, 2, `no version without a checkout must be exit 2: ${refused.stdout}${refused.stderr}`);
      assert.match(refused.stderr, /cannot determine the version.*--upstream-version/);
      const upstream = /_([^_]+?)(?:\+(?:dfsg|ds|repack)\d*)?\.orig\./.exec(tarball)![1]!;
      args.push('--upstream-version', upstream);
      realEnv = { ...env, SETUPTOOLS_SCM_PRETEND_VERSION: upstream, PBR_VERSION: upstream };
    }
    if (how.placeholder) {
      const refused = await exec(process.execPath, args, { env });
      assert.is(refused.code, 2, `a placeholder version must be exit 2: ${refused.stdout}${refused.stderr}`);
      assert.match(refused.stderr, new RegExp(`^error: the project's version reads ${how.placeholder.replace(/[+.]/g, '\\$&')}, a placeholder \\(release 0\\).*--upstream-version X`));
      // the tarball's version without Debian's ~suffix (canmatrix: 1.2~github), as a packager would give it
      args.push('--upstream-version', /_([^_]+?)(?:\+(?:dfsg|ds|repack)\d*)?\.orig\./.exec(tarball)![1]!.replace(/~.*/, ''));
    }
    const ours = await exec(process.execPath, args, { env });
    assert.equal(snapshot(oursDir), before, 'the dry run changed files in the project');
    assert.is(ours.code, 0, ours.stderr);
    const out = tempDir();
    const built = await exec(PY, ['-m', 'build', '--wheel', '--no-isolation', '--skip-dependency-check', '--outdir', out, realDir], { env: realEnv });
    assert.is(built.code, 0, built.stderr.slice(-2000));
    const wheel = readdirSync(out).find((f) => f.endsWith('.whl'))!;
    const realFiles = JSON.parse((await exec(PY, ['-c', READ_WHEEL, join(out, wheel)], { env })).stdout) as { metadata: string; entry_points: string; people: string[]; purelib: boolean };
    const real = parseCoreMetadata(realFiles.metadata);
    const one = (k: string) => real.headers.get(k)?.[0] ?? null;
    const all = (k: string) => real.headers.get(k) ?? [];
    const report = JSON.parse(ours.stdout);
    const m = report.metadata;
    assert.match(report.backend.name, backendPattern, 'the corpus entry was picked for another backend');
    const missingToNull = (v: string | null) => (v === null || v === 'UNKNOWN' ? null : v);
    assert.is(m.name, one('name'), 'name');
    if (how.placeholder) {
      assert.is(one('version'), how.placeholder, 'the wheel\'s own version is the placeholder');
      assert.is(m.version, how.placeholder, 'read as published');
      assert.is(report.version, args[args.indexOf('--upstream-version') + 1], 'the version given');
    } else assert.is(m.version, one('version'), 'version');
    assert.is(m.description, missingToNull(one('summary')), 'summary');
    assert.is(m.author, missingToNull(one('author')), 'author');
    assert.is(m.author_email, missingToNull(one('author-email')), 'author-email');
    assert.is(m.maintainer, missingToNull(one('maintainer')), 'maintainer');
    assert.is(m.maintainer_email, missingToNull(one('maintainer-email')), 'maintainer-email');
    assert.is(m.url, missingToNull(one('home-page')), 'home-page');
    assert.is(m.license, missingToNull(one('license')), 'license');
    assert.is(m.license_expression, one('license-expression'), 'license-expression');
    assert.is(m.requires_python, one('requires-python'), 'requires-python');
    assert.equal([...m.classifiers].sort(), [...all('classifier')].sort(), 'classifiers');
    const urls = Object.fromEntries(all('project-url').map((u) => [u.slice(0, u.indexOf(',')).trim(), u.slice(u.indexOf(',') + 1).trim()]));
    assert.equal(report.projectUrls, urls, 'project urls');
    const oursPairs = [
      ...m.install_requires.map((r: string) => `${normalReq(r)}|`),
      ...Object.entries(m.extras as Record<string, string[]>).flatMap(([extra, reqs]) => reqs.map((r) => `${normalReq(r)}|${extra}`)),
    ].sort();
    assert.equal(oursPairs, requirementPairs(all('requires-dist')), 'requirements (Requires-Dist, extras included)');
    // Every extra the wheel provides, those without requirements too (--extras takes only a declared one)
    assert.equal(Object.keys(m.extras).sort(), [...all('provides-extra')].sort(), 'extras (Provides-Extra)');
    assert.equal([...m.console_scripts].sort(), consoleScripts(realFiles.entry_points), 'console scripts');
    assert.equal([...m.gui_scripts].sort(), consoleScripts(realFiles.entry_points, 'gui_scripts'), 'gui scripts');
    // debian/copyright's upstream people: the wheel's fields as Python's email.utils reads them
    const people = upstreamAuthors({ author: missingToNull(one('author')), author_email: one('author-email'), maintainer: missingToNull(one('maintainer')), maintainer_email: one('maintainer-email') });
    assert.equal([...people].sort(), [...new Set(realFiles.people)].sort(), 'upstream people (debian/copyright)');
    if (report.answers.upstreamAuthors) assert.equal(report.answers.upstreamAuthors, people);
    // A wheel with compiled code (not Root-Is-Purelib) is built with Python's headers: python3-dev in Build-Depends
    assert.is(report.backend.compiled.length > 0, !realFiles.purelib, `compiled: ${JSON.stringify(report.backend.compiled)}, the wheel is ${realFiles.purelib ? '' : 'not '}purelib`);
    assert.is(report.answers.buildDeps.includes('python3-dev'), !realFiles.purelib, `Build-Depends: ${report.answers.buildDeps.join(', ')}`);
    // Facts a packager reads in the project's own files (its LICENSE, its urls), where the metadata alone is not enough
    if (how.license) assert.is(report.answers.license, how.license, 'debian/copyright License');
    if (how.homepage) assert.is(report.answers.url, how.homepage, 'debian/control Homepage');
  });
}

t.run();
