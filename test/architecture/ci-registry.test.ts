import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CI_PROVIDER_IDS, CI_REGISTRY, unreadPipelineWarning } from '../../src/ci/providers.js';
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

test('every provider with a pipeline says how a project below the top gets it run; none and the top say nothing', () => {
  for (const id of CI_PROVIDER_IDS) {
    const file = CI_REGISTRY[id].file;
    const w = unreadPipelineWarning(id, 'svc/a b', () => true);
    if (file === null) assert.is(w, null, id);
    else {
      assert.ok(w?.startsWith(`svc/a b/${file} will not run as it is: `), `${id}: ${w}`);
      assert.ok(w!.slice(`svc/a b/${file}`.length).includes('svc/a b'), `${id} names where its steps run: ${w}`);
      assert.is(unreadPipelineWarning(id, '', () => true), null, `${id} at the top`);
      assert.is(unreadPipelineWarning(id, 'svc', () => false), null, `${id} without its file written`);
    }
  }
});

test.run();
