import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { planProject, prepareRender, type ProjectRecord } from '../../src/plan/file-plan.js';
import { defaultAnswers } from '../../src/answers/defaults.js';
import { latestTemplateVersion, loadManifest, manifestProviders, shippedTemplateVersions } from '../../src/templates/manifest.js';
import { CI_PROVIDER_IDS, CI_REGISTRY } from '../../src/ci/providers.js';
import type { Answers } from '../../src/answers/types.js';

const t = suite('file plan');

function record(a: Partial<Answers>): ProjectRecord {
  return {
    tool: 'create-pyservice',
    toolVersion: '0.0.0-test',
    templateVersion: latestTemplateVersion(),
    created: '2026-11-22T10:30:00.000Z',
    origin: 'create',
    answers: { ...defaultAnswers({ dirName: 'demo' }), author: 'A', email: 'a@example.org', ...a },
  };
}
const paths = (a: Partial<Answers>) => planProject(record(a)).files.map((f) => f.path);

t('a service gets setup.py, its package, tests, debian/ and the answers record', () => {
  const p = paths({ type: 'service', name: 'my-svc' });
  for (const want of ['setup.py', 'pyproject.toml', 'Makefile', 'Dockerfile', 'pip.conf', '.pypirc', '.gitignore', 'README.md', 'requirements.txt',
    'src/my_svc/__init__.py', 'src/my_svc/service.py', 'tests/test_service.py', 'debian/control', 'debian/rules', 'debian/changelog',
    'debian/my-svc.service', '.pyservice.json'])
    assert.ok(p.includes(want), `missing ${want}`);
});

t('a library gets no debian/ and no service code', () => {
  const p = paths({ type: 'library', name: 'my-lib' });
  assert.ok(p.includes('src/my_lib/__init__.py'));
  assert.ok(p.includes('tests/test_library.py'));
  assert.not.ok(p.some((x) => x.startsWith('debian/')), 'library has debian/');
  assert.not.ok(p.includes('src/my_lib/service.py'));
});

t('exactly one CI configuration, the chosen one (none for "none")', () => {
  const ciFiles: string[] = CI_PROVIDER_IDS.flatMap((id) => CI_REGISTRY[id].file ?? []);
  assert.ok(ciFiles.length >= 4, ciFiles.join(' '));
  for (const ci of CI_PROVIDER_IDS) {
    const file = CI_REGISTRY[ci].file;
    const present = paths({ ci }).filter((p) => ciFiles.includes(p));
    assert.equal(present, file ? [file] : [], ci);
  }
});

t('programs (a #! first line: debian/rules, scripts) are executable; other files are 0644', () => {
  for (const f of planProject(record({ type: 'service' })).files) {
    // maintainer scripts are installed with their modes by debhelper, whatever the source's
    const want = f.content.subarray(0, 2).toString() === '#!' && !/\.(postrm|postinst|preinst|prerm)$/.test(f.path) ? 0o755 : 0o644;
    assert.is(f.mode, want, f.path);
  }
});

t('the record holds the answers and versions but never a password', () => {
  const plan = planProject(record({ indexUrl: 'https://pypi.example.com/simple/', indexUser: 'installer' }));
  const rec = JSON.parse(plan.files.find((f) => f.path === '.pyservice.json')!.content.toString());
  assert.is(rec.templateVersion, latestTemplateVersion());
  assert.is(rec.answers.indexUser, 'installer');
  assert.not.match(JSON.stringify(rec), /password/i);
});

t('planning is deterministic: the same record renders byte-identical files', () => {
  const a = planProject(record({ name: 'x-y' }));
  const b = planProject(record({ name: 'x-y' }));
  assert.equal(a.files.map((f) => [f.path, f.content.toString('base64')]), b.files.map((f) => [f.path, f.content.toString('base64')]));
});

t('a plan restricted by `only` is the full plan\'s files under that restriction, byte for byte (the baseline of those files)', () => {
  for (const type of ['service', 'tool'] as const) {
    const full = planProject(record({ type, name: 'x-y' }));
    const debianOnly = planProject(record({ type, name: 'x-y' }), (p) => p.startsWith('debian/'));
    const kept = full.files.filter((f) => f.path.startsWith('debian/'));
    assert.ok(kept.length > 5, `${type}: no debian/ files in the full plan`);
    assert.equal(debianOnly.files.filter((f) => f.path.startsWith('debian/')), kept);
    assert.equal(debianOnly.files.map((f) => f.path).filter((p) => !p.startsWith('debian/')), ['.pyservice.baseline', '.pyservice.json']);
  }
});

t('prepareRender compiles without rendering: the plan after it is the same', () => {
  const before = planProject(record({ type: 'tool', name: 'x-y' }), (p) => p.startsWith('debian/'));
  prepareRender(latestTemplateVersion(), (p) => p.startsWith('debian/'));
  assert.equal(planProject(record({ type: 'tool', name: 'x-y' }), (p) => p.startsWith('debian/')), before);
});

t('no template uses ejs HTML escaping (<%=): every value goes through an explicit escaper', () => {
  // renderTemplate refuses <%= at render time; this checks that every shipped version renders for every type/ci.
  for (const v of shippedTemplateVersions()) {
    loadManifest(v);
    for (const type of ['service', 'library'] as const)
      for (const ci of CI_PROVIDER_IDS.filter((id) => CI_REGISTRY[id].file === null || (manifestProviders(loadManifest(v)) ?? []).includes(id)))
        planProject({ ...record({ type, ci, description: '<b>&amp;</b>' }), templateVersion: v });
  }
});

t('hostile descriptions are not HTML-escaped in setup.py', () => {
  const plan = planProject(record({ description: 'Fish & <chips> "quoted"' }));
  const setup = plan.files.find((f) => f.path === 'setup.py')!.content.toString();
  assert.ok(setup.includes('description="Fish & <chips> \\"quoted\\""'), setup);
});

t.run();
