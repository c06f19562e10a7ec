import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CI_PROVIDER_IDS, CI_REGISTRY } from '../../src/ci/providers.js';
import { CI_PROVIDERS } from '../../src/answers/types.js';
import { loadManifest, shippedTemplateVersions } from '../../src/templates/manifest.js';
import { CREATE_HELP } from '../../src/cli/commands/create.js';

// Every place that lists CI providers derives from the registry; the templates' manifests agree with it.

test('validation, prompts and --help list exactly the registry', () => {
  assert.equal([...CI_PROVIDERS], CI_PROVIDER_IDS);
  assert.match(CREATE_HELP, `--ci PROVIDER             ${CI_PROVIDER_IDS.join('|')}`);
});

for (const version of shippedTemplateVersions()) {
  test(`templates ${version}: one pipeline file per provider, at the registry's path, and no unknown provider`, () => {
    const m = loadManifest(version);
    for (const id of CI_PROVIDER_IDS) {
      const file = CI_REGISTRY[id].file;
      const own = m.files.filter((e) => e.when?.ci === id);
      if (file === null) assert.equal(own, [], `${id} has no pipeline file`);
      else assert.ok(own.some((e) => e.path === file), `${version}: no manifest entry writes ${file} for ci=${id}`);
    }
    for (const e of m.files) {
      const ci = e.when?.ci;
      for (const id of ci === undefined ? [] : Array.isArray(ci) ? ci : [ci]) assert.ok((CI_PROVIDER_IDS as string[]).includes(id), `${version}: ${e.path} names unknown provider ${id}`);
    }
  });
}

test.run();
