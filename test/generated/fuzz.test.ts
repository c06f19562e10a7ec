import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { parse as parseYaml } from 'yaml';
import { planProject, type ProjectRecord } from '../../src/plan/file-plan.js';
import { defaultAnswers } from '../../src/answers/defaults.js';
import { authorProblem, descriptionProblem } from '../../src/answers/validate.js';
import { latestTemplateVersion } from '../../src/templates/manifest.js';
import { packageRoot } from '../../src/paths.js';
import type { Answers } from '../../src/answers/types.js';
import { hostileString, prng, seedFromEnv } from '../helpers/random.js';
import { cleanEnv, tempDir } from '../helpers/tmp.js';
import { toolTest } from '../helpers/tools.js';

/**
 * ≥ 1,000 random strings per free-text answer (description, author): each is either rejected up front with a
 * one-line message, or every generated file still parses with its real tool and setup.py round-trips exactly.
 * Checked in batches (one Python and one Perl process for all cases). Replay with FUZZ_SEED=<seed>.
 */
const t = suite('fuzzed free-text answers');
const SEED = seedFromEnv();
const PER_FIELD = Number(process.env.FUZZ_CASES ?? 1000);
const CHECKERS = join(packageRoot(), 'test', 'generated', 'checkers');

interface Case {
  dir: string;
  answers: Answers;
}

function record(answers: Answers): ProjectRecord {
  return { tool: 'create-pyservice', toolVersion: '0.0.0-fuzz', templateVersion: latestTemplateVersion(), created: '2026-11-22T10:30:00.000Z', origin: 'create', answers };
}

toolTest(t, ['/usr/bin/python3', 'perl', 'systemd-analyze'], `every accepted string renders files that real parsers accept (seed ${SEED})`, () => {
  const rand = prng(SEED);
  const root = tempDir('fuzz-');
  const cases: Case[] = [];
  let rejected = 0;
  const yamlFailures: string[] = [];
  const accepted = { description: 0, author: 0 };
  for (let i = 0; accepted.description < PER_FIELD || accepted.author < PER_FIELD; i++) {
    assert.ok(i < PER_FIELD * 20, `seed ${SEED}: too few accepted strings; the generator is too narrow`);
    const field = accepted.description < PER_FIELD && (i % 2 === 0 || accepted.author >= PER_FIELD) ? 'description' : 'author';
    const value = hostileString(rand);
    const problem = field === 'description' ? descriptionProblem(value) : authorProblem(value);
    if (problem) {
      assert.ok(problem.length > 0 && !problem.includes('\n'), `seed ${SEED}: rejection of ${JSON.stringify(value)} must be one line`);
      rejected++;
      continue;
    }
    accepted[field]++;
    const type = i % 4 < 2 ? 'service' : 'library';
    const answers: Answers = { ...defaultAnswers({ dirName: 'fuzz-svc' }), type, author: 'Fuzz Author', email: 'fuzz@example.org', [field]: value };
    const dir = join(root, String(i));
    for (const f of planProject(record(answers)).files) {
      if (/\.ya?ml$/.test(f.path)) {
        try {
          parseYaml(f.content.toString('utf8'));
        } catch (e) {
          yamlFailures.push(`${f.path} for ${JSON.stringify(value)}: ${(e as Error).message}`);
        }
        continue;
      }
      const dest = join(dir, f.path);
      mkdirSync(dirname(dest), { recursive: true });
      writeFileSync(dest, f.content);
    }
    cases.push({ dir, answers });
  }
  assert.equal(yamlFailures, [], `seed ${SEED}`);

  // Python: ast.parse every .py, tomllib, RawConfigParser, and setup.py run by real setuptools
  const pyInput = cases.map((c) => ({ dir: c.dir, expect: { name: c.answers.name, version: c.answers.version, description: c.answers.description, author: c.answers.author, email: c.answers.email } }));
  const pyOut = execFileSync('/usr/bin/python3', [join(CHECKERS, 'check_python.py')], { input: JSON.stringify(pyInput), encoding: 'utf8', env: cleanEnv(root), maxBuffer: 64 << 20 });
  const pyFailures = JSON.parse(pyOut) as { dir: string; problems: string[] }[];
  assert.equal(pyFailures.slice(0, 5), [], `seed ${SEED}: ${pyFailures.length} Python failures`);

  // dpkg's parsers: control, copyright, changelog
  const services = cases.filter((c) => c.answers.type === 'service');
  const debInput = services.map((c) => ({ dir: c.dir, expect: { maintainer: `${c.answers.author} <${c.answers.email}>`, synopsis: c.answers.description } }));
  const plOut = execFileSync('perl', [join(CHECKERS, 'check_debian.pl')], { input: JSON.stringify(debInput), encoding: 'utf8', maxBuffer: 64 << 20 });
  const plFailures = JSON.parse(plOut) as { dir: string; problems: string[] }[];
  assert.equal(plFailures.slice(0, 5), [], `seed ${SEED}: ${plFailures.length} dpkg parser failures`);

  // systemd's own parser (one systemd-analyze call over 200 units): bad specifiers or escapes are errors
  const units = join(root, 'units');
  mkdirSync(units);
  const sample = services.slice(0, 200).map((c, k) => {
    const unit = readFileSync(join(c.dir, 'debian', 'fuzz-svc.service'), 'utf8').replace(/^ExecStart=.*$/m, 'ExecStart=/bin/true');
    writeFileSync(join(units, `fuzz${k}.service`), unit);
    return `fuzz${k}.service`;
  });
  const verify = execFileSync('sh', ['-c', 'systemd-analyze verify --man=no "$@" 2>&1 || true', 'sh', ...sample.map((u) => join(units, u))], { encoding: 'utf8', env: { ...process.env, SYSTEMD_LOG_LEVEL: 'warning' } });
  const unitErrors = verify.split('\n').filter((l) => /fuzz\d+\.service/.test(l) && !/not found|No such file|Unit .* not found|user|User|Group|DynamicUser/.test(l));
  assert.equal(unitErrors.slice(0, 5), [], `seed ${SEED}: systemd-analyze`);

  console.log(`  fuzz seed ${SEED}: ${cases.length} accepted (${services.length} services), ${rejected} rejected up front`);
});

t.run();
