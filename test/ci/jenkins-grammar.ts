/**
 * The structure rules of Jenkins' declarative pipeline (pipeline-model-definition), checked on the tree the
 * Groovy recorder produced. Jenkins applies these when it loads a Jenkinsfile ("WorkflowScript: … Unknown
 * stage section", "Missing required section 'agent'", …); without a Jenkins server here, this is the
 * offline stand-in for them. Sections, conditions and steps are listed by name; a name not listed is an error,
 * so a typo (`step {}` for `steps {}`) fails the test. Steps are limited to those the template uses plus
 * common core steps: extend the list when the template uses another.
 */
import { child, type GroovyCall } from './ci-model.js';

const PIPELINE_SECTIONS = ['agent', 'stages', 'options', 'environment', 'post', 'parameters', 'triggers', 'tools', 'libraries'];
const STAGE_SECTIONS = ['agent', 'environment', 'options', 'when', 'tools', 'input', 'post', 'steps', 'stages', 'parallel', 'matrix', 'failFast'];
const AGENTS = ['none', 'any', 'label', 'node', 'docker', 'dockerfile', 'kubernetes'];
const DOCKER_AGENT = ['image', 'args', 'label', 'registryUrl', 'registryCredentialsId', 'reuseNode', 'alwaysPull', 'customWorkspace'];
const DOCKERFILE_AGENT = ['filename', 'dir', 'additionalBuildArgs', 'args', 'label', 'reuseNode', 'customWorkspace'];
const CONDITIONS = ['branch', 'buildingTag', 'changelog', 'changeset', 'changeRequest', 'environment', 'equals', 'expression', 'tag', 'not', 'allOf', 'anyOf', 'triggeredBy', 'beforeAgent', 'beforeInput', 'beforeOptions'];
const POST = ['always', 'changed', 'fixed', 'regression', 'aborted', 'failure', 'success', 'unstable', 'unsuccessful', 'cleanup', 'notBuilt'];
const OPTIONS = ['buildDiscarder', 'checkoutToSubdirectory', 'disableConcurrentBuilds', 'disableResume', 'newContainerPerStage', 'overrideIndexTriggers', 'parallelsAlwaysFailFast', 'preserveStashes', 'quietPeriod', 'retry', 'skipDefaultCheckout', 'skipStagesAfterUnstable', 'timeout', 'timestamps', 'ansiColor'];
const STEPS = ['sh', 'dir', 'withCredentials', 'withEnv', 'catchError', 'warnError', 'archiveArtifacts', 'echo', 'script', 'error', 'unstable', 'timeout', 'retry', 'stash', 'unstash', 'deleteDir', 'junit'];
const CREDENTIAL_BINDINGS: Record<string, string[]> = {
  string: ['credentialsId', 'variable'],
  sshUserPrivateKey: ['credentialsId', 'keyFileVariable', 'usernameVariable', 'passphraseVariable'],
  usernamePassword: ['credentialsId', 'usernameVariable', 'passwordVariable'],
  file: ['credentialsId', 'variable'],
};

export function declarativeProblems(pipeline: GroovyCall): string[] {
  const problems: string[] = [];
  const bad = (where: string, msg: string) => problems.push(`${where}: ${msg}`);
  const once = (c: GroovyCall, where: string) => {
    const seen = new Set<string>();
    for (const x of c.children) {
      if (seen.has(x.name)) bad(where, `section ${x.name} appears twice`);
      seen.add(x.name);
    }
  };
  const only = (c: GroovyCall, allowed: string[], where: string, what: string) => {
    for (const x of c.children) if (!allowed.includes(x.name)) bad(where, `unknown ${what} ${x.name}`);
  };

  const checkAgent = (agent: GroovyCall, where: string) => {
    const kinds = [...agent.args.map(String), ...agent.children.map((c) => c.name)];
    if (kinds.length !== 1 || !AGENTS.includes(kinds[0]!)) return bad(where, `agent must be one of ${AGENTS.join(', ')}, got ${kinds.join(', ') || 'nothing'}`);
    const spec = agent.children[0];
    if (spec?.name === 'docker') {
      only(spec, DOCKER_AGENT, where, 'docker agent option');
      if (!spec.args.length && !child(spec, 'image')) bad(where, 'docker agent needs an image');
    }
    if (spec?.name === 'dockerfile') {
      if (spec.args.length && spec.args[0] !== true) bad(where, 'dockerfile agent takes true or a block');
      only(spec, DOCKERFILE_AGENT, where, 'dockerfile agent option');
    }
  };
  const checkConditions = (c: GroovyCall, where: string) => {
    for (const x of c.children) {
      if (!CONDITIONS.includes(x.name)) bad(where, `unknown when condition ${x.name}`);
      if (['not', 'allOf', 'anyOf'].includes(x.name)) {
        if (!x.children.length) bad(where, `${x.name} needs conditions`);
        checkConditions(x, where);
      }
      if (['branch', 'tag'].includes(x.name) && !x.args.length && x.named.pattern === undefined) bad(where, `${x.name} needs a pattern`);
    }
  };
  const checkSteps = (calls: GroovyCall[], where: string) => {
    for (const s of calls) {
      if (!STEPS.includes(s.name)) bad(where, `unknown step ${s.name}`);
      if (s.name === 'sh') {
        const script = s.args[0] ?? s.named.script;
        if (typeof script !== 'string') bad(where, 'sh needs a script string');
        if (s.interpolated) bad(where, 'sh script is a GString: Groovy interpolates it before the shell sees it');
      }
      if (s.name === 'withCredentials') {
        const list = s.args[0];
        if (!Array.isArray(list) || !list.length) bad(where, 'withCredentials needs a list of bindings');
        for (const b of (list ?? []) as GroovyCall[]) {
          const fields = CREDENTIAL_BINDINGS[b.name];
          if (!fields) bad(where, `unknown credentials binding ${b.name}`);
          else for (const k of Object.keys(b.named)) if (!fields.includes(k)) bad(where, `${b.name} has no parameter ${k}`);
          if (b.named.credentialsId === undefined) bad(where, `${b.name} needs credentialsId`);
        }
      }
      if (s.name === 'catchError') {
        for (const k of ['buildResult', 'stageResult']) {
          const v = s.named[k];
          if (v !== undefined && !['SUCCESS', 'UNSTABLE', 'FAILURE', 'NOT_BUILT', 'ABORTED'].includes(String(v))) bad(where, `catchError ${k} ${v}`);
        }
      }
      checkSteps(s.children, where);
    }
  };
  const checkPost = (post: GroovyCall, where: string) => {
    only(post, POST, where, 'post condition');
    for (const p of post.children) checkSteps(p.children, `${where} post ${p.name}`);
  };

  const names = new Set<string>();
  const checkStage = (stage: GroovyCall, hasAgent: boolean, inParallel: boolean) => {
    const name = String(stage.args[0] ?? '');
    const where = `stage '${name}'`;
    if (typeof stage.args[0] !== 'string' || !name) bad('stage', 'a stage needs a name');
    if (names.has(name)) bad(where, 'stage names must be unique');
    names.add(name);
    once(stage, where);
    only(stage, STAGE_SECTIONS, where, 'stage section');
    const bodies = ['steps', 'stages', 'parallel', 'matrix'].filter((k) => child(stage, k));
    if (bodies.length !== 1) bad(where, `needs exactly one of steps, stages, parallel, matrix (has ${bodies.join(', ') || 'none'})`);
    if (inParallel && child(stage, 'parallel')) bad(where, 'parallel stages cannot contain parallel');
    const agent = child(stage, 'agent');
    if (agent) checkAgent(agent, where);
    const when = child(stage, 'when');
    if (when) checkConditions(when, where);
    const post = child(stage, 'post');
    if (post) checkPost(post, where);
    const steps = child(stage, 'steps');
    if (steps) {
      if (!hasAgent && !agent) bad(where, 'steps run without an agent (agent none above, none here)');
      checkSteps(steps.children, where);
    }
    const nested = child(stage, 'stages') ?? child(stage, 'parallel');
    if (nested) {
      only(nested, ['stage'], where, 'entry');
      for (const s of nested.children) checkStage(s, hasAgent || !!agent, !!child(stage, 'parallel'));
    }
  };

  once(pipeline, 'pipeline');
  only(pipeline, PIPELINE_SECTIONS, 'pipeline', 'section');
  const agent = child(pipeline, 'agent');
  if (!agent) bad('pipeline', "missing required section 'agent'");
  else checkAgent(agent, 'pipeline');
  const stages = child(pipeline, 'stages');
  if (!stages || !stages.children.length) bad('pipeline', "missing required section 'stages' (with at least one stage)");
  const options = child(pipeline, 'options');
  if (options) only(options, OPTIONS, 'pipeline options', 'option');
  const post = child(pipeline, 'post');
  if (post) checkPost(post, 'pipeline');
  const topAgent = !!agent && !agent.args.includes('none');
  if (stages) {
    only(stages, ['stage'], 'stages', 'entry');
    for (const s of stages.children) checkStage(s, topAgent, false);
  }
  return problems;
}
