import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from '../helpers/generate.js';
import { cleanEnv, tempDir } from '../helpers/tmp.js';
import { toolTest } from '../helpers/tools.js';
import { planProject } from '../../src/plan/file-plan.js';
import { defaultAnswers } from '../../src/answers/defaults.js';
import { DISTROS } from '../../src/answers/distros.js';
import { CI_PROVIDER_IDS } from '../../src/ci/providers.js';
import { latestTemplateVersion } from '../../src/templates/manifest.js';

/** `python3 setup.py --name --version …` prints exactly the answers, for each type and CI provider, hostile strings included. */
const t = suite('setup.py round trip');

const HOSTILE = [
  { description: `It's "quoted" and back\\slashed`, author: "Zoë O'Brien" },
  { description: 'Costs $HOME $(id) `id` # not a comment', author: 'Jean-Luc Picard' },
  { description: '100% %n %i <% ejs %> <%= x %>', author: 'Dr. Who?' },
  { description: '日本語のサービス 🚀 naïve café', author: '山田 太郎' },
  { description: '"""triple""" and \'\'\'single\'\'\' ; & | *', author: 'A "Quoted" Name' },
];

let i = 0;
for (const type of ['service', 'library', 'tool'] as const)
  for (const ci of CI_PROVIDER_IDS) {
    const h = HOSTILE[i++ % HOSTILE.length]!;
    toolTest(t, ['/usr/bin/python3'], `${type} with ${ci} CI: setup.py prints exactly ${JSON.stringify(h.description).slice(0, 40)}…`, async () => {
      const dir = await generate({ type, ci, name: `rt-${type}-${ci}`, email: 'dev+tag@example.org', ...h });
      const r = spawnSync('/usr/bin/python3', ['setup.py', '--name', '--version', '--description', '--author', '--author-email'], { cwd: dir, env: cleanEnv(tempDir()), encoding: 'utf8' });
      assert.is(r.status, 0, r.stderr);
      assert.equal(r.stdout.split('\n').slice(0, 5), [`rt-${type}-${ci}`, '0.1.0', h.description, h.author, 'dev+tag@example.org']);
      const record = JSON.parse(readFileSync(join(dir, '.pyservice.json'), 'utf8'));
      assert.is(record.answers.description, h.description);
    });
  }

for (const [codename, d] of Object.entries(DISTROS)) {
  t(`--distro ${codename} renders its own base image and Python ${d.python}`, () => {
    const answers = { ...defaultAnswers({ dirName: 'distro-svc' }), author: 'A', email: 'a@example.org', distro: codename };
    const plan = planProject({ tool: 'create-pyservice', toolVersion: '0', templateVersion: latestTemplateVersion(), created: '2026-11-22T10:30:00.000Z', origin: 'create', answers });
    const file = (p: string) => plan.files.find((f) => f.path === p)!.content.toString();
    assert.match(file('Dockerfile'), new RegExp(`^FROM ${d.image.replace('.', '\\.')}$`, 'm'));
    assert.match(file('debian/control'), new RegExp(`python${d.python.replace('.', '\\.')}\\b`));
    assert.match(file('pyservice.mk'), new RegExp(`^DISTRO := ${codename}$`, 'm'));
  });
}

t.run();
