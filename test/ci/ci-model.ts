/**
 * Reads generated CI configurations into one shape the tests can check and run: for each job, its ordered
 * shell steps with the environment the CI system would give them (secrets included, from a test context).
 * Each reader follows its provider's documented semantics; where a provider's tool exists offline (gitlab-ci-local
 * expands `extends`, Groovy evaluates a Jenkinsfile) the reader works from that tool's output.
 */
import type { CiProvider } from '../../src/types.js';
import { CI_PROVIDER_IDS, CI_REGISTRY } from '../../src/ci/providers.js';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { parse } from 'yaml';
import { packageRoot } from '../../src/paths.js';

/** The secret names the generated CI files and README use (issue 5's credentials share them). */
export const INSTALL_SECRETS = ['PYPI_INSTALL_USER', 'PYPI_INSTALL_PASSWORD'] as const;
export const UPLOAD_SECRETS = ['PYPI_UPLOAD_USER', 'PYPI_UPLOAD_PASSWORD'] as const;
export const DEB_SECRETS = ['DEB_REPO_SSH_KEY', 'DEB_REPO_KNOWN_HOSTS'] as const;
export const ALL_SECRETS: readonly string[] = [...INSTALL_SECRETS, ...UPLOAD_SECRETS, ...DEB_SECRETS];

/** Every provider with a pipeline, from the registry: a provider added there without a model here fails to compile. */
export type Provider = Exclude<CiProvider, 'none'>;
export const PROVIDERS: readonly Provider[] = CI_PROVIDER_IDS.filter((p): p is Provider => CI_REGISTRY[p].file !== null);
export const CI_FILE = Object.fromEntries(PROVIDERS.map((p) => [p, CI_REGISTRY[p].file!])) as Record<Provider, string>;

/** What triggered the pipeline: a branch push or a tag push. */
export interface Ref {
  branch?: string;
  tag?: string;
}

export interface RunContext {
  ref: Ref;
  /** Secret values by name; a missing name is an unset secret. */
  secrets: Record<string, string>;
  /** Where a secret must be given as a file (Jenkins ssh key credentials), the test writes it here. */
  secretFile: (name: string, value: string) => string;
}

/** One shell step as the CI system runs it. */
export interface ShellStep {
  /** Where it came from, for messages: "job test, step 2". */
  where: string;
  script: string;
  env: Record<string, string>;
  /** Directory relative to the checkout (Jenkins `dir('src')` is the checkout itself). */
  cwd?: string;
  /** Run the script as an executable file (its shebang decides), as Jenkins does; else `sh -e -c`. */
  asFile?: boolean;
}

// ---------------------------------------------------------------- GitHub Actions

export type Yaml = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const GH_EXPR = /\$\{\{\s*(.*?)\s*\}\}/g;

/** Replaces the `${{ }}` expressions the generated workflows use in `env:`; anything else is a test error. */
export function githubExpand(value: unknown, ctx: RunContext): string {
  return String(value).replace(GH_EXPR, (_, expr: string) => {
    const secret = /^secrets\.([A-Z0-9_]+)$/.exec(expr);
    if (secret) return ctx.secrets[secret[1]!] ?? '';
    if (expr === 'github.ref_name') return ctx.ref.tag ?? ctx.ref.branch ?? '';
    if (expr.startsWith('hashFiles(')) return 'f'.repeat(64);
    throw new Error(`test model cannot evaluate \${{ ${expr} }}`);
  });
}

export function githubSteps(doc: Yaml, job: string, ctx: RunContext, checkout: string): ShellStep[] {
  const j = doc.jobs?.[job];
  if (!j) throw new Error(`no job ${job}`);
  const base = {
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: checkout,
    GITHUB_REF: ctx.ref.tag ? `refs/tags/${ctx.ref.tag}` : `refs/heads/${ctx.ref.branch}`,
    GITHUB_REF_NAME: ctx.ref.tag ?? ctx.ref.branch ?? '',
    GITHUB_REPOSITORY: 'Team/Demo',
  };
  const out: ShellStep[] = [];
  (j.steps as Yaml[]).forEach((s, i) => {
    if (s.run === undefined) return;
    const env: Record<string, string> = { ...base };
    for (const scope of [doc.env, j.env, s.env]) for (const [k, v] of Object.entries(scope ?? {})) env[k] = githubExpand(v, ctx);
    out.push({ where: `job ${job}, step ${i + 1} (${s.name ?? s.run})`, script: String(s.run), env });
  });
  return out;
}

// ---------------------------------------------------------------- GitLab CI

/** gitlab-ci-local's command-line options, as its `handler` takes them (yargs' camel-cased names). */
export interface GitlabArgv {
  preview?: boolean;
  listJson?: boolean;
  validateDependencyChain?: boolean;
  jsonSchemaValidation?: boolean;
  variable?: string[];
  ignorePredefinedVars?: string;
}

type GitlabHandler = (argv: Record<string, unknown>, ws: unknown) => Promise<unknown>;
let gitlabModules: Promise<{ handler: GitlabHandler; WriteStreamsMock: new () => { stdoutLines: string[]; stderrLines: string[]; flush(): void } }> | undefined;

/**
 * Runs gitlab-ci-local in this process, through the entry its own test suite uses (`handler` with a
 * WriteStreamsMock): the same parser, schema validation and rules engine as its CLI, without a second of
 * Node start-up per call. `dir` is a git repository with an origin remote. A failed validation is code 1.
 */
export async function gitlabCiLocal(dir: string, argv: GitlabArgv, home: string): Promise<{ code: number; stdout: string; stderr: string }> {
  gitlabModules ??= (async () => {
    const base = 'gitlab-ci-local/src/';
    const [h, w] = await Promise.all([import(base + 'handler.js'), import(base + 'write-streams.js')]);
    return { handler: h.handler as GitlabHandler, WriteStreamsMock: w.WriteStreamsMock };
  })();
  const { handler, WriteStreamsMock } = await gitlabModules;
  const ws = new WriteStreamsMock();
  let code = 0;
  let error = '';
  try {
    // It insists on a --cwd relative to the process's working directory.
    await handler({ cwd: relative(process.cwd(), dir) || '.', home, ...argv }, ws);
  } catch (e) {
    code = 1;
    error = e instanceof AggregateError ? e.errors.map(String).join('\n') : String((e as Error)?.message ?? e);
  }
  ws.flush();
  return { code, stdout: ws.stdoutLines.join('\n') + '\n', stderr: ws.stderrLines.join('\n') + (error ? '\n' + error : '') };
}

/** Makes a generated project a git repository whose origin remote has a default branch (main), as gitlab-ci-local needs. */
export function gitlabGitInit(dir: string, home: string): void {
  const env = { ...process.env, HOME: home, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.org', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.org' };
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, env });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '--no-verify', '-m', 'generated');
  git('remote', 'add', 'origin', 'https://gitlab.example.org/team/demo-app.git');
  git('update-ref', 'refs/remotes/origin/main', 'HEAD');
  git('symbolic-ref', 'refs/remotes/origin/HEAD', 'refs/remotes/origin/main');
}

/**
 * The configuration as GitLab will run it (`extends` merged), from gitlab-ci-local's `--preview`, which
 * validates against GitLab's JSON schema first (a violation is an exception here).
 */
export async function gitlabPreview(dir: string, home: string): Promise<Yaml> {
  const r = await gitlabCiLocal(dir, { preview: true }, home);
  if (r.code !== 0) throw new Error(`gitlab-ci-local --preview: ${r.stdout}${r.stderr}`);
  if (!/json schema validated/.test(r.stderr)) throw new Error(`gitlab-ci-local did not validate the schema: ${r.stderr}`);
  return parse(r.stdout.slice(r.stdout.indexOf('---'))) as Yaml;
}

/** gitlab-ci-local's variables for a ref: what GitLab predefines for a branch or tag pipeline. */
export function gitlabRefVariables(ref: Ref & { mergeRequest?: boolean }): string[] {
  if (ref.mergeRequest) return ['CI_PIPELINE_SOURCE=merge_request_event', 'CI_COMMIT_BRANCH=', 'CI_COMMIT_TAG='];
  if (ref.tag) return [`CI_COMMIT_TAG=${ref.tag}`, 'CI_COMMIT_BRANCH=', `CI_COMMIT_REF_NAME=${ref.tag}`, 'CI_PIPELINE_SOURCE=push'];
  return [`CI_COMMIT_BRANCH=${ref.branch}`, 'CI_COMMIT_TAG=', `CI_COMMIT_REF_NAME=${ref.branch}`, 'CI_PIPELINE_SOURCE=push'];
}

/** Expands $VAR and ${VAR} the way GitLab expands variables in `variables:` values. */
function gitlabExpand(value: string, vars: Record<string, string>): string {
  return value.replace(/\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g, (_, a: string, b: string) => vars[a ?? b] ?? '');
}

/** Shell steps of a job of the expanded (`--preview`) configuration: before_script + script, one shell. */
export function gitlabSteps(preview: Yaml, job: string, ctx: RunContext): ShellStep[] {
  const j = preview[job];
  if (!j) throw new Error(`no job ${job}`);
  const predefined: Record<string, string> = {
    CI: 'true',
    GITLAB_CI: 'true',
    CI_DEFAULT_BRANCH: 'main',
    CI_REGISTRY_IMAGE: 'registry.example.org/team/demo',
    ...(ctx.ref.tag ? { CI_COMMIT_TAG: ctx.ref.tag, CI_COMMIT_REF_NAME: ctx.ref.tag } : { CI_COMMIT_BRANCH: ctx.ref.branch!, CI_COMMIT_REF_NAME: ctx.ref.branch! }),
  };
  const env: Record<string, string> = { ...predefined, ...ctx.secrets };
  for (const scope of [preview.variables, j.variables]) {
    for (const [k, v] of Object.entries(scope ?? {})) env[k] = gitlabExpand(String(typeof v === 'object' && v ? (v as Yaml).value : v), env);
  }
  const lines = [...(j.before_script ?? []), ...(j.script ?? [])].map(String);
  return [{ where: `job ${job}`, script: lines.join('\n'), env }];
}

// ---------------------------------------------------------------- CircleCI

const PARAM = /<<\s*parameters\.([A-Za-z0-9_-]+)\s*>>/g;

function substitute<T>(value: T, params: Record<string, unknown>): T {
  if (typeof value === 'string') {
    return value.replace(PARAM, (_, name: string) => {
      if (!(name in params)) throw new Error(`<< parameters.${name} >> is not a declared parameter`);
      return String(params[name]);
    }) as T;
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, params)) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, params)])) as T;
  return value;
}

/** A job's steps with reusable commands expanded (parameters substituted as CircleCI does, defaults applied). */
export function circleciExpandSteps(doc: Yaml, steps: unknown[], depth = 0): Yaml[] {
  if (depth > 5) throw new Error('reusable commands nest too deep');
  const out: Yaml[] = [];
  for (const step of steps) {
    const name = typeof step === 'string' ? step : Object.keys(step as Yaml)[0]!;
    const args = typeof step === 'string' ? {} : ((step as Yaml)[name] ?? {});
    const command = doc.commands?.[name];
    if (!command) {
      out.push({ [name]: args });
      continue;
    }
    const declared: Yaml = command.parameters ?? {};
    for (const k of Object.keys(args)) if (!(k in declared)) throw new Error(`command ${name} has no parameter ${k}`);
    const params: Record<string, unknown> = {};
    for (const [k, p] of Object.entries(declared)) {
      if (k in args) params[k] = args[k];
      else if ('default' in (p as Yaml)) params[k] = (p as Yaml).default;
      else throw new Error(`command ${name} needs parameter ${k}`);
    }
    out.push(...circleciExpandSteps(doc, substitute(command.steps as unknown[], params), depth + 1));
  }
  return out;
}

export function circleciSteps(doc: Yaml, job: string, ctx: RunContext): ShellStep[] {
  const j = doc.jobs?.[job];
  if (!j) throw new Error(`no job ${job}`);
  // Project environment variables reach every job; CircleCI adds CIRCLE_TAG / CIRCLE_BRANCH.
  const base: Record<string, string> = { CI: 'true', CIRCLECI: 'true', ...ctx.secrets, ...(ctx.ref.tag ? { CIRCLE_TAG: ctx.ref.tag } : { CIRCLE_BRANCH: ctx.ref.branch! }) };
  return circleciExpandSteps(doc, j.steps)
    .filter((s) => 'run' in s)
    .map((s, i) => {
      const run = typeof s.run === 'string' ? { command: s.run } : s.run;
      const env = { ...base };
      for (const [k, v] of Object.entries(run.environment ?? {})) env[k] = String(v);
      return { where: `job ${job}, run ${i + 1} (${run.name ?? run.command})`, script: String(run.command), env };
    });
}

/** Does a CircleCI filter (`/regex/` or exact string, or a list of them) match? */
function filterMatches(pattern: unknown, value: string): boolean {
  const list = Array.isArray(pattern) ? pattern : [pattern];
  return list.some((p) => {
    const s = String(p);
    if (s.length > 1 && s.startsWith('/') && s.endsWith('/')) return new RegExp(`^(?:${s.slice(1, -1)})$`).test(value);
    return s === value;
  });
}

/**
 * The jobs of a workflow that run for a ref, by CircleCI's documented filter rules: a job runs for a branch
 * unless `branches` filters exclude it; it runs for a tag only if it has a `tags` filter that admits the tag;
 * a job whose required job does not run does not run either.
 */
export function circleciJobsFor(doc: Yaml, workflow: string, ref: Ref): string[] {
  const entries = (doc.workflows[workflow].jobs as unknown[]).map((e) => {
    const job = typeof e === 'string' ? e : Object.keys(e as Yaml)[0]!;
    const conf: Yaml = typeof e === 'string' ? {} : ((e as Yaml)[job] ?? {});
    return { name: (conf.name as string) ?? job, job, requires: (conf.requires ?? []) as string[], filters: (conf.filters ?? {}) as Yaml };
  });
  const admits = (f: Yaml): boolean => {
    if (ref.tag !== undefined) {
      const t = f.tags;
      if (!t) return false;
      if (t.only !== undefined && !filterMatches(t.only, ref.tag)) return false;
      if (t.ignore !== undefined && filterMatches(t.ignore, ref.tag)) return false;
      return true;
    }
    const b = f.branches ?? {};
    if (b.only !== undefined && !filterMatches(b.only, ref.branch!)) return false;
    if (b.ignore !== undefined && filterMatches(b.ignore, ref.branch!)) return false;
    return true;
  };
  const runs = new Map<string, boolean>();
  const decide = (name: string, seen: string[] = []): boolean => {
    if (runs.has(name)) return runs.get(name)!;
    if (seen.includes(name)) throw new Error(`requires cycle at ${name}`);
    const e = entries.find((x) => x.name === name);
    if (!e) throw new Error(`workflow ${workflow} requires unknown job ${name}`);
    const ok = admits(e.filters) && e.requires.every((r) => decide(r, [...seen, name]));
    runs.set(name, ok);
    return ok;
  };
  return entries.filter((e) => decide(e.name)).map((e) => e.name);
}

// ---------------------------------------------------------------- Jenkins

/** A call in a Jenkinsfile as the Groovy recorder saw it (test/ci/jenkins-declarative.groovy). */
export interface GroovyCall {
  name: string;
  args: unknown[];
  named: Record<string, unknown>;
  children: GroovyCall[];
  props: Record<string, unknown>;
  interpolated: boolean;
}

export const JENKINS_RECORDER = join(packageRoot(), 'test', 'ci', 'jenkins-declarative.groovy');

/** JAVA_HOME for Debian's groovy launcher, from the java on PATH (default-java may be absent). */
export function javaHome(): string {
  const java = execFileSync('sh', ['-c', 'command -v java'], { encoding: 'utf8' }).trim();
  return dirname(dirname(realpathSync(java)));
}

/** Compiles and evaluates Jenkinsfiles in one JVM; each result is a tree or the Groovy error. */
export function readJenkinsfiles(files: string[]): ({ tree: GroovyCall } | { error: string })[] {
  const r = spawnSync('groovy', [JENKINS_RECORDER, ...files], {
    encoding: 'utf8',
    env: { ...process.env, JAVA_HOME: javaHome() },
    timeout: 120_000,
  });
  if (r.status !== 0) throw new Error(`groovy failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as ({ tree: GroovyCall } | { error: string })[];
}

export function child(c: GroovyCall, name: string): GroovyCall | undefined {
  return c.children.find((x) => x.name === name);
}

export function childrenNamed(c: GroovyCall, name: string): GroovyCall[] {
  return c.children.filter((x) => x.name === name);
}

/** Every stage in the pipeline, depth first, with its chain of ancestor stages. */
export function jenkinsStages(pipeline: GroovyCall): { stage: GroovyCall; path: GroovyCall[] }[] {
  const out: { stage: GroovyCall; path: GroovyCall[] }[] = [];
  const walk = (container: GroovyCall | undefined, path: GroovyCall[]) => {
    if (!container) return;
    for (const s of childrenNamed(container, 'stage')) {
      out.push({ stage: s, path });
      walk(child(s, 'stages'), [...path, s]);
      walk(child(s, 'parallel'), [...path, s]);
    }
  };
  walk(child(pipeline, 'stages'), []);
  return out;
}

export function stageName(s: GroovyCall): string {
  return String(s.args[0]);
}

/** The shell steps of a stage, with credentials bound as Jenkins binds them. */
export function jenkinsSteps(pipeline: GroovyCall, stage: string, ctx: RunContext): ShellStep[] {
  const found = jenkinsStages(pipeline).find((s) => stageName(s.stage) === stage);
  if (!found) throw new Error(`no stage ${stage}`);
  const env: Record<string, string> = { CI: 'true', JENKINS_URL: 'https://jenkins.example.org/' };
  for (const e of [child(pipeline, 'environment'), ...found.path.map((p) => child(p, 'environment')), child(found.stage, 'environment')]) {
    for (const [k, v] of Object.entries(e?.props ?? {})) env[k] = String(v);
  }
  if (ctx.ref.tag) env.TAG_NAME = ctx.ref.tag;
  env.BRANCH_NAME = ctx.ref.tag ?? ctx.ref.branch!;
  const out: ShellStep[] = [];
  const walk = (calls: GroovyCall[], env: Record<string, string>, cwd: string) => {
    for (const c of calls) {
      if (c.name === 'sh') {
        const script = String(c.args[0] ?? c.named.script);
        out.push({ where: `stage ${stage}, sh ${out.length + 1}`, script, env, cwd, asFile: true });
      } else if (c.name === 'dir') {
        walk(c.children, env, cwd === '' ? String(c.args[0]) : `${cwd}/${c.args[0]}`);
      } else if (c.name === 'withCredentials') {
        const bound = { ...env };
        for (const b of c.args[0] as GroovyCall[]) {
          const id = String(b.named.credentialsId);
          const value = ctx.secrets[id];
          if (value === undefined) throw new Error(`Jenkins credential ${id} is not defined in the test context`);
          if (b.name === 'string') bound[String(b.named.variable)] = value;
          else if (b.name === 'sshUserPrivateKey') bound[String(b.named.keyFileVariable)] = ctx.secretFile(id, value);
          else throw new Error(`test model does not bind ${b.name}`);
        }
        walk(c.children, bound, cwd);
      } else {
        walk(c.children, env, cwd);
      }
    }
  };
  walk(child(found.stage, 'steps')?.children ?? [], env, '');
  return out;
}

/** Parses a generated YAML CI file. */
export function readYaml(file: string): Yaml {
  return parse(readFileSync(file, 'utf8')) as Yaml;
}

// ---------------------------------------------------------------- the models, one per provider

/**
 * A provider's test model: the job each event runs (per project type) and how a job's shell steps are read from
 * the configuration ci-jobs prepared (parsed YAML; GitLab's `--preview`; Jenkins' Groovy tree). Keyed by
 * Provider, which is the registry's: a provider added to src/ci/providers.ts without its model here does not
 * compile, and ci-jobs runs every provider's jobs from this table (a hand-written list skipped a new provider).
 */
export interface CiModel {
  jobs: Record<'service' | 'library', { test: string; main: string; tag: string }>;
  steps: (config: any, job: string, ctx: RunContext, checkout: string) => ShellStep[]; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export const CI_MODELS: Record<Provider, CiModel> = {
  github: {
    jobs: { service: { test: 'test', main: 'snapshot', tag: 'release' }, library: { test: 'test', main: 'upload', tag: 'release' } },
    steps: (config: Yaml, job, ctx, checkout) => githubSteps(config, job, ctx, checkout),
  },
  gitlab: {
    jobs: { service: { test: 'test', main: 'snapshot', tag: 'release' }, library: { test: 'test', main: 'upload', tag: 'release' } },
    steps: (config: Yaml, job, ctx) => gitlabSteps(config, job, ctx),
  },
  circleci: {
    jobs: { service: { test: 'test', main: 'snapshot', tag: 'release' }, library: { test: 'test', main: 'upload', tag: 'upload' } },
    // the image cache writes the executor's /tmp
    steps: (config: Yaml, job, ctx) => circleciSteps(config, job, ctx).filter((s) => !s.script.includes('/tmp/builder-image')),
  },
  jenkins: {
    jobs: { service: { test: 'Test', main: 'Snapshot', tag: 'Release' }, library: { test: 'Test', main: 'Upload', tag: 'Upload' } },
    steps: (config: GroovyCall, job, ctx) => jenkinsSteps(config, job, ctx),
  },
};
