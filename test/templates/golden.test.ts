import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/paths.js';
import { shippedTemplateVersions } from '../../src/templates/manifest.js';
import { compareVersions } from '../../src/templates/template-set.js';
import { FROZEN_VERSIONS, casesFor, renderCase } from './golden-cases.js';

// Released template versions are frozen: every byte, path and mode they render for these answer sets must stay
// what it was when the version shipped (scripts/write-goldens.mjs wrote them then and refuses to rewrite them).
const goldenRoot = join(packageRoot(), 'test', 'templates', 'golden');

// Only the newest version can be unreleased (work goes into it alone): every older one must be frozen, with its
// goldens, and FROZEN_VERSIONS must name exactly the versions that have goldens (a hand-kept list could leave a
// released version unchecked while every test passed).
test('every shipped version but the newest is frozen, and FROZEN_VERSIONS names exactly the versions with goldens', () => {
  const shipped = shippedTemplateVersions();
  assert.equal(shipped.slice(0, -1).filter((v) => !FROZEN_VERSIONS.includes(v)), [], 'released but not frozen: run node scripts/write-goldens.mjs VERSION and add it to FROZEN_VERSIONS');
  const withGoldens = readdirSync(goldenRoot).filter((v) => /^\d+\.\d+\.\d+$/.test(v)).sort(compareVersions);
  assert.equal([...FROZEN_VERSIONS].sort(compareVersions), withGoldens);
  for (const v of FROZEN_VERSIONS) assert.ok(shipped.includes(v), `frozen ${v} is not shipped`);
});

for (const version of FROZEN_VERSIONS) {
  test(`templates ${version}: golden cases exist for every answer set`, () => {
    assert.equal(readdirSync(join(goldenRoot, version)).sort(), Object.keys(casesFor(version)).sort());
  });
  for (const [name, answers] of Object.entries(casesFor(version))) {
    test(`templates ${version} renders ${name} byte for byte as released`, () => {
      const dir = join(goldenRoot, version, name);
      const files = renderCase(version, answers);
      assert.fixture(files.map((f) => `${f.mode} ${f.path}`).join('\n') + '\n', readFileSync(join(dir, 'INDEX'), 'utf8'), 'paths and modes');
      for (const f of files) {
        const want = readFileSync(join(dir, 'files', f.path));
        if (!want.equals(f.content)) assert.fixture(f.content.toString('utf8'), want.toString('utf8'), `${version}/${name}: ${f.path}`);
        assert.ok(want.equals(f.content), `${version}/${name}: ${f.path} differs in bytes`);
      }
    });
  }
}

test.run();
