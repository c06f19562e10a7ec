import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PYSERVICE_BIN } from '../helpers/cli.js';
import { cleanEnv, tempDir } from '../helpers/tmp.js';
import { toolTest } from '../helpers/tools.js';

/**
 * debian/copyright of a project whose license has an exception (pygit2: GPL-2.0-only WITH GCC-exception-2.0)
 * names a stand-alone License paragraph for every license the Files paragraphs write, exception included, as
 * lintian reads DEP-5. Templates 1.3.0-1.7.0 named the paragraph without the exception ("GPL-2+"), and lintian
 * warned missing-license-paragraph-in-dep5-copyright "gpl-2+ with classpath exception" (corpus7).
 */
const t = suite('pyservice deb: DEP-5 license paragraphs lintian accepts, exceptions included');
const PY = '/usr/bin/python3';
const ME = 'Pat Doe <pat@example.org>';

function projectWithLicense(expression: string): string {
  const dir = join(tempDir(), 'exc-tool');
  mkdirSync(join(dir, 'exc_tool'), { recursive: true });
  writeFileSync(join(dir, 'exc_tool', '__init__.py'), 'def main():\n    print("hi")\n');
  writeFileSync(
    join(dir, 'pyproject.toml'),
    `[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n\n[project]\nname = "exc-tool"\nversion = "1.0.0"\n` +
      `description = "Prints a greeting for tests"\nlicense = {text = "${expression}"}\nauthors = [{name = "Ex Ample", email = "ex@example.org"}]\n\n` +
      `[project.scripts]\nexc-tool = "exc_tool:main"\n`,
  );
  return dir;
}

/** DEP-5: the License names the Files paragraphs use (split at or/and), and the stand-alone paragraphs' names. */
function licenseParagraphs(copyright: string): { used: string[]; standAlone: string[] } {
  const used = new Set<string>();
  const standAlone: string[] = [];
  for (const para of copyright.split(/\n\n+/)) {
    const license = /^License: (.*)$/m.exec(para)?.[1];
    if (license === undefined) continue;
    if (/^Files:/m.test(para)) for (const name of license.replace(/[()]/g, ' ').split(/\s+(?:or|and)\s+/)) used.add(name.trim());
    else if (para.startsWith('License:')) standAlone.push(license);
  }
  return { used: [...used], standAlone };
}

const CASES: [string, string[]][] = [
  ['GPL-2.0-or-later WITH Classpath-exception-2.0 OR MIT', ['GPL-2+ with Classpath exception', 'Expat']],
  ['Apache-2.0 WITH LLVM-exception AND BSD-3-Clause', ['Apache-2.0 with LLVM exception', 'BSD-3-clause']],
  ['GPL-2.0-only WITH GCC-exception-2.0', ['GPL-2 with GCC exception']],
];
for (const [expression, names] of CASES) {
  toolTest(t, [PY], `${expression}: a stand-alone paragraph for each of ${names.join(', ')}`, () => {
    const dir = projectWithLicense(expression);
    const r = spawnSync(process.execPath, [PYSERVICE_BIN, 'deb', dir, '--yes', '--kind', 'tool', '--maintainer', ME], { env: { ...cleanEnv(tempDir()), NO_COLOR: '1' }, encoding: 'utf8', input: '' });
    assert.is(r.status, 0, r.stderr);
    const copyright = readFileSync(join(dir, 'debian', 'copyright'), 'utf8');
    const { used, standAlone } = licenseParagraphs(copyright);
    assert.equal(used.sort(), [...names].sort(), copyright);
    assert.equal(standAlone.sort(), [...names].sort(), copyright);
    for (const name of names.filter((n) => / with /.test(n))) {
      const para = copyright.split(/\n\n+/).find((p) => p.startsWith(`License: ${name}\n`))!;
      assert.match(para, /The text of the exception is in the project's source/);
    }
  });
}

toolTest(t, [PY, 'dpkg-source', 'lintian'], "lintian finds a License paragraph for every name, the exception's included", () => {
  const dir = projectWithLicense(CASES[0]![0]);
  const r = spawnSync(process.execPath, [PYSERVICE_BIN, 'deb', dir, '--yes', '--kind', 'tool', '--maintainer', ME], { env: { ...cleanEnv(tempDir()), NO_COLOR: '1' }, encoding: 'utf8', input: '' });
  assert.is(r.status, 0, r.stderr);
  const parent = join(dir, '..');
  const source = spawnSync('dpkg-source', ['-b', 'exc-tool'], { cwd: parent, encoding: 'utf8' });
  assert.is(source.status, 0, source.stderr);
  const lint = spawnSync('lintian', ['--tag-display-limit', '0', 'exc-tool_1.0.0.dsc'], { cwd: parent, encoding: 'utf8' });
  const tags = `${lint.stdout}${lint.stderr}`.split('\n').filter((l) => /^[EW]: /.test(l));
  assert.equal(tags.filter((l) => /dep5|license/i.test(l)), [], tags.join('\n'));
});

t.run();
