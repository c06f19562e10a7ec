import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CI_PROVIDER_IDS, CI_REGISTRY, unreadPipelineWarning, type CiProvider } from '../../src/ci/providers.js';
import { CI_PROVIDERS } from '../../src/answers/types.js';
import { loadManifest, manifestProviders, providerOfVersionProblem, shippedTemplateVersions } from '../../src/templates/manifest.js';
import { staticSet } from '../../src/templates/template-set.js';
import { planProject } from '../../src/plan/file-plan.js';
import { defaultAnswers } from '../../src/answers/defaults.js';
import { tempDir } from '../helpers/tmp.js';
import { CREATE_HELP } from '../../src/cli/commands/create.js';

// Every place that lists CI providers derives from the registry; the templates' manifests agree with it.

test('validation, prompts and --help list exactly the registry', () => {
  assert.equal([...CI_PROVIDERS], CI_PROVIDER_IDS);
  assert.match(CREATE_HELP, `--ci PROVIDER             ${CI_PROVIDER_IDS.join('|')}`);
});

const VERSIONS = shippedTemplateVersions();

/** The providers a version writes a pipeline for (its manifest's `when: { ci }` entries). */
const providersOf = (version: string) => manifestProviders(loadManifest(version)) ?? [];

for (const version of VERSIONS) {
  test(`templates ${version}: each provider's pipeline at the registry's path, no unknown provider, none dropped from the version before`, () => {
    const m = loadManifest(version);
    for (const id of providersOf(version)) {
      assert.ok((CI_PROVIDER_IDS as string[]).includes(id), `${version}: names unknown provider ${id}`);
      const file = CI_REGISTRY[id as CiProvider].file;
      assert.ok(file !== null, `${version}: a pipeline for ${id}, which has none`);
      assert.ok(m.files.some((e) => e.when?.ci === id && e.path === file), `${version}: no manifest entry writes ${file} for ci=${id}`);
    }
    // A provider is added in some version and kept from then on: an update never takes a project's CI file away.
    const before = VERSIONS[VERSIONS.indexOf(version) - 1];
    if (before) for (const id of providersOf(before)) assert.ok(providersOf(version).includes(id), `${version} dropped ${id}, which ${before} has`);
  });
}

test('the latest templates have a pipeline for every provider in the registry (a provider without its template fails here)', () => {
  const latest = VERSIONS[VERSIONS.length - 1]!;
  const want = CI_PROVIDER_IDS.filter((id) => CI_REGISTRY[id].file !== null);
  assert.equal(want.filter((id) => !providersOf(latest).includes(id)), [], `templates ${latest}`);
});

/**
 * The generated README's CI section is template text (frozen with its version); it must describe the chosen
 * provider. Measured on a trial provider added as the contributor steps say: 1.5.0's README (which later versions
 * inherit) named its pipeline `` and gave Jenkins' instructions (its last `else`), and every test passed.
 */
for (const version of VERSIONS) {
  test(`templates ${version}: the generated README's CI section names the chosen provider's pipeline and no other provider`, () => {
    const word = (id: CiProvider) => CI_REGISTRY[id].label.split(/[ (]/)[0]!.toLowerCase();
    for (const ci of [...providersOf(version), 'none'] as CiProvider[]) {
      for (const type of ['service', 'library'] as const) {
        const answers = { ...defaultAnswers({ dirName: 'demo' }), author: 'A', email: 'a@example.org', type, ci, indexUrl: 'https://pypi.example.com/simple/' };
        const plan = planProject({ tool: 'create-pyservice', toolVersion: '0.0.0-test', templateVersion: version, created: '2026-11-22T10:30:00.000Z', origin: 'create', answers });
        const readme = plan.files.find((f) => f.path === 'README.md')?.content.toString() ?? '';
        const at = readme.indexOf('\n## CI\n');
        assert.ok(at >= 0, `${version} ${type}/${ci}: no "## CI" section`);
        const section = readme.slice(at, readme.indexOf('\n## ', at + 1) >>> 0).toLowerCase();
        const file = CI_REGISTRY[ci].file;
        if (file !== null) assert.ok(section.includes(`\`${file.toLowerCase()}\``), `${version} ${type}/${ci}: the CI section does not name \`${file}\``);
        for (const other of CI_PROVIDER_IDS) {
          const otherFile = CI_REGISTRY[other].file;
          if (other === ci || otherFile === null) continue;
          assert.not.ok(section.includes(otherFile.toLowerCase()) || section.includes(word(other)), `${version} ${type}/${ci}: the CI section speaks of ${other}`);
        }
      }
    }
  });
}

/**
 * The helper scripts a pipeline runs (`sh ci/index-login.sh`, `ci/deb-repo-ssh.sh`) are manifest entries with
 * their own `when: { ci: [...] }` lists: a provider left out of them got a pipeline calling scripts the project
 * does not have (the trial provider's project had no ci/ folder at all).
 */
for (const version of VERSIONS) {
  test(`templates ${version}: every helper script a pipeline runs is in the project`, () => {
    for (const ci of providersOf(version) as CiProvider[]) {
      for (const type of ['service', 'library'] as const) {
        const answers = { ...defaultAnswers({ dirName: 'demo' }), author: 'A', email: 'a@example.org', type, ci, indexUrl: 'https://pypi.example.com/simple/' };
        const plan = planProject({ tool: 'create-pyservice', toolVersion: '0.0.0-test', templateVersion: version, created: '2026-11-22T10:30:00.000Z', origin: 'create', answers });
        const pipeline = plan.files.find((f) => f.path === CI_REGISTRY[ci].file)!.content.toString();
        const called = [...new Set([...pipeline.matchAll(/\bci\/[\w.-]+\.sh\b/g)].map((m) => m[0]))];
        assert.ok(called.length > 0, `${version} ${type}/${ci}: the pipeline runs no ci/*.sh`);
        for (const script of called) assert.ok(plan.files.some((f) => f.path === script), `${version} ${type}/${ci}: the pipeline runs ${script}, which the project does not have`);
      }
    }
  });
}

test('a provider a version has no pipeline for is refused with the first version that has one', () => {
  const root = tempDir();
  const dirs: Record<string, string> = {};
  for (const [v, ids, ext] of [['1.0.0', ['github'], null], ['2.0.0', ['github', 'gitlab'], '1.0.0']] as const) {
    dirs[v] = join(root, v);
    mkdirSync(dirs[v]!, { recursive: true });
    const files = ids.filter((id) => v === '1.0.0' || id === 'gitlab').map((id) => ({ template: `${id}.ejs`, path: CI_REGISTRY[id].file, when: { ci: id } }));
    writeFileSync(join(dirs[v]!, 'manifest.json'), JSON.stringify({ version: v, ...(ext ? { extends: ext } : {}), files }));
  }
  const set = staticSet('team', dirs);
  assert.is(providerOfVersionProblem('gitlab', '1.0.0', set.versions(), set), 'templates 1.0.0 have no gitlab pipeline (only github); use --template-version 2.0.0 or later, or another --ci');
  assert.is(providerOfVersionProblem('circleci', '2.0.0', set.versions(), set), 'templates 2.0.0 have no circleci pipeline (only github, gitlab); choose --ci github, gitlab, none');
  assert.is(providerOfVersionProblem('gitlab', '2.0.0', set.versions(), set), null);
  assert.is(providerOfVersionProblem('none', '1.0.0', set.versions(), set), null);
  for (const v of VERSIONS) for (const id of providersOf(v)) assert.is(providerOfVersionProblem(id, v, VERSIONS), null, `${v} ${id}`);
});

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
