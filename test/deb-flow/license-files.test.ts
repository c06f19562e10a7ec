import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { licenseFileNames, licenseFromCheck } from '../../src/deb/license-files.js';
import { PYSERVICE_BIN } from '../helpers/cli.js';
import { origTarball, unpack } from '../helpers/corpus.js';
import { cleanEnv, tempDir } from '../helpers/tmp.js';
import { hasTool, isCI, toolTest } from '../helpers/tools.js';

const t = suite('deb flow: the license read from license files (licensecheck) when the metadata names none');

t('license files are found by the names projects give them', () => {
  assert.equal(licenseFileNames(['LICENSE', 'LICENSE.txt', 'LICENCE.md', 'COPYING', 'LICENSE-MIT', 'LICENSE.APACHE', 'license.rst', 'README.md', 'licenses', 'src', 'LICENSES_DIR_NOTE.md', 'LICENSES.txt']), [
    'COPYING',
    'LICENCE.md',
    'LICENSE',
    'LICENSE-MIT',
    'LICENSE.APACHE',
    'LICENSE.txt',
    'LICENSES.txt', // supervisor 4.2.5
    'license.rst',
  ]);
});

// licensecheck --machine output, as it prints it for real projects (click, packaging, an unknown text)
const CHECKS: [string, string, ReturnType<typeof licenseFromCheck>][] = [
  ['one file', 'LICENSE.txt\tBSD-3-clause\n', { dep5: 'BSD-3-clause', files: ['LICENSE.txt'] }],
  ['two files, one license; an unknown one ignored', 'COPYING\tGPL-3+\nLICENSE\tGPL-3+\nNOTICE.license\tUNKNOWN\n', { dep5: 'GPL-3+', files: ['COPYING', 'LICENSE'] }],
  ['several licenses (packaging)', 'LICENSE\tUNKNOWN\nLICENSE.APACHE\tApache-2.0\nLICENSE.BSD\tBSD-2-clause\n', { problem: 'its license files name several licenses (Apache-2.0 in LICENSE.APACHE, BSD-2-clause in LICENSE.BSD), combined in a way only the project can say' }],
  ['nothing recognised', 'LICENSE\tUNKNOWN\n', { problem: 'licensecheck recognises no license in its license files' }],
  ['a combination is no short name', 'LICENSE\tGPL-2+ and/or LGPL-2+\n', { problem: 'licensecheck names its license "GPL-2+ and/or LGPL-2+", not one DEP-5 short name' }],
];
for (const [name, output, want] of CHECKS) t(`licensecheck output: ${name}`, () => assert.equal(licenseFromCheck(output), want));

const BSD3 = `Copyright 2014 Pallets

Redistribution and use in source and binary forms, with or without modification, are permitted provided that the following conditions are met:

1. Redistributions of source code must retain the above copyright notice, this list of conditions and the following disclaimer.

2. Redistributions in binary form must reproduce the above copyright notice, this list of conditions and the following disclaimer in the documentation and/or other materials provided with the distribution.

3. Neither the name of the copyright holder nor the names of its contributors may be used to endorse or promote products derived from this software without specific prior written permission.

THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS" AND ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY, OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
`;

toolTest(t, ['/usr/bin/python3', 'licensecheck'], 'a "BSD License" classifier and a BSD-3 LICENSE.txt (click, idna): debian/copyright says BSD-3-clause, not proprietary', () => {
  const dir = join(tempDir(), 'bsdproj');
  mkdirSync(join(dir, 'bsdproj'), { recursive: true });
  writeFileSync(join(dir, 'bsdproj', '__init__.py'), 'def main(): pass\n');
  writeFileSync(join(dir, 'LICENSE.txt'), BSD3);
  writeFileSync(
    join(dir, 'pyproject.toml'),
    '[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n[project]\nname = "bsdproj"\nversion = "1.0"\ndescription = "Has a BSD license file"\n' +
      'classifiers = ["License :: OSI Approved :: BSD License"]\n[project.scripts]\nbsdproj = "bsdproj:main"\n',
  );
  const r = spawnSync(process.execPath, [PYSERVICE_BIN, 'deb', dir, '--maintainer', 'T <t@example.org>', '--kind', 'tool'], { env: cleanEnv(tempDir(), { NO_COLOR: '1' }), encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /note: debian\/copyright names the license BSD-3-clause, read from LICENSE\.txt \(licensecheck\)/);
  const copyright = readFileSync(join(dir, 'debian', 'copyright'), 'utf8');
  assert.match(copyright, /^Files: \*\n(?:.*\n)*?License: BSD-3-clause$/m);
  assert.match(copyright, /^License: BSD-3-clause\n Redistribution and use/m, 'the stand-alone paragraph with the text');
  assert.not.match(copyright, /proprietary/);
});

const MIT = `Copyright (c) 2024 Someone

Permission is hereby granted, free of charge, to any person obtaining a copy of this software and associated documentation files (the "Software"), to deal in the Software without restriction, including without limitation the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of the Software, and to permit persons to whom the Software is furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
`;

toolTest(t, ['/usr/bin/python3', 'licensecheck'], 'REUSE license texts in LICENSES/ are read when there is no top-level license file: one names the license, several are listed', () => {
  // mkosi 25.3 and reuse 5.0.2 (trixie sources) keep theirs in LICENSES/<SPDX id>.txt and got the proprietary stanza with no word of them
  const dir = join(tempDir(), 'reuseproj');
  mkdirSync(join(dir, 'reuseproj'), { recursive: true });
  mkdirSync(join(dir, 'LICENSES'));
  writeFileSync(join(dir, 'reuseproj', '__init__.py'), 'def main(): pass\n');
  writeFileSync(join(dir, 'LICENSES', 'BSD-3-Clause.txt'), BSD3);
  writeFileSync(join(dir, 'pyproject.toml'), '[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n[project]\nname = "reuseproj"\nversion = "1.0"\ndescription = "Keeps REUSE license texts"\n[tool.setuptools]\npackages = ["reuseproj"]\n[project.scripts]\nreuseproj = "reuseproj:main"\n');
  const deb = () => spawnSync(process.execPath, [PYSERVICE_BIN, 'deb', dir, '--maintainer', 'T <t@example.org>', '--kind', 'tool', '--dry-run'], { env: cleanEnv(tempDir(), { NO_COLOR: '1' }), encoding: 'utf8' });
  const one = deb();
  assert.is(one.status, 0, one.stderr);
  assert.match(one.stdout, /note: debian\/copyright names the license BSD-3-clause, read from LICENSES\/BSD-3-Clause\.txt \(licensecheck\)/);
  writeFileSync(join(dir, 'LICENSES', 'MIT.txt'), MIT);
  const two = deb();
  assert.is(two.status, 0, two.stderr);
  assert.match(two.stdout, /note: the project declares no license debian\/copyright can name and its license files name several licenses \(BSD-3-clause in LICENSES\/BSD-3-Clause\.txt, Expat in LICENSES\/MIT\.txt\)/);
});

// Real projects (Debian source packages, the upstream tarball only) that got the proprietary stanza: supervisor 4.2.5
// keeps its license text in LICENSES.txt (License: "BSD-derived (http://www.repoze.org/LICENSE.txt)", no license
// classifier); pywebdav 0.11.0 says "LGPL v2" in setup.py, and its doc/LICENSE is the LGPL 2.0
const REAL: [string, RegExp, RegExp | null][] = [
  ['supervisor', /^License: BSD-3-Clause-Modification$/m, /note: debian\/copyright names the license BSD-3-Clause-Modification, read from LICENSES\.txt \(licensecheck\)/],
  ['pywebdav', /^License: LGPL-2$/m, null],
];
for (const [src, license, note] of REAL) {
  const name = `${src} (Debian source): debian/copyright names the license the project states, not proprietary`;
  if (!['tar', 'apt-get', 'licensecheck', '/usr/bin/python3'].every(hasTool)) {
    if (isCI()) t(name, () => assert.unreachable('needs tar, apt-get, licensecheck and /usr/bin/python3; a skip is a failure under CI=true'));
    else console.log(`  skip: ${name}: needs tar, apt-get, licensecheck and /usr/bin/python3`);
    continue;
  }
  t(name, async () => {
    const dir = await unpack(await origTarball(src, 'trixie'));
    const r = spawnSync(process.execPath, [PYSERVICE_BIN, 'deb', dir, '--maintainer', 'T <t@example.org>', '--kind', 'tool', '--prefix', 'acme', '--yes'], { env: cleanEnv(tempDir(), { NO_COLOR: '1' }), encoding: 'utf8' });
    assert.is(r.status, 0, r.stderr);
    if (note) assert.match(r.stdout, note);
    const copyright = readFileSync(join(dir, 'debian', 'copyright'), 'utf8');
    assert.match(copyright, /^Files: \*\n(?:.*\n)*?License: \S+$/m);
    assert.match(copyright.slice(copyright.indexOf('Files: *')), license);
    assert.not.match(copyright, /proprietary/);
  });
}

t.run();
