import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/paths.js';
import { FROZEN_VERSIONS, casesFor, renderCase } from './golden-cases.js';

// Released template versions are frozen: every byte, path and mode they render for these answer sets must stay
// what it was when the version shipped (scripts/write-goldens.mjs wrote them then and refuses to rewrite them).
const goldenRoot = join(packageRoot(), 'test', 'templates', 'golden');

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
