/**
 * Runs the generated CI jobs' shell steps for real, as each CI system would hand them to a shell — with
 * the job's environment and secrets, the project's own ci/netrc.sh and ci/deb-repo-ssh.sh, real git, awk,
 * sed, grep… — and stand-ins only for what cannot run here: make's targets (the e2e suites build the real
 * .deb and dists), dput (no repository), docker (CircleCI's `docker run` is replaced by a stand-in that keeps
 * only the --env names, as a container would) and npx. Every process start is recorded with strace.
 *
 * Proves, per provider and type: the steps run in order and succeed; the installer login is in ~/.netrc
 * before make runs; the snapshot goes to `development` on the default branch and the release to `staging`
 * on a tag; twine gets the upload login in its environment; the ssh key is in place (0600) before dput; the
 * .deb/dists are copied where the artifact step picks them up; and no secret value appears on any command
 * line (execve argv), in the output, or is evaluated by a shell.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from '../helpers/generate.js';
import { tempDir } from '../helpers/tmp.js';
import { toolTest } from '../helpers/tools.js';
import {
  CI_FILE, CI_MODELS, PROVIDERS, gitlabGitInit, gitlabPreview, readJenkinsfiles, readYaml,
  type GroovyCall, type Provider, type Ref, type RunContext, type ShellStep, type Yaml,
} from './ci-model.js';

const t = suite('generated CI jobs, run with stand-ins for make, dput, docker');

type Type = 'service' | 'library';
const TOOLS = ['strace', 'git', 'groovy', 'java'];

const HOSTS_LINE = 'repo.example.org ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPublicHostKeyForTestsOnly';
/** Values that must never show up on a command line or in output. Shell metacharacters catch an eval. */
function secrets(home: string): Record<string, string> {
  return {
    PYPI_INSTALL_USER: 'installer-SENTINEL-u1',
    // No blank, backslash or leading quote: ci/index-login.sh refuses what Python 3.10 and 3.11+ read differently.
    PYPI_INSTALL_PASSWORD: `pw-SENTINEL-i2"'$(touch\${IFS}${home}/injected)`,
    PYPI_UPLOAD_USER: 'uploader-SENTINEL-u3',
    PYPI_UPLOAD_PASSWORD: `pw-SENTINEL-u4;$(touch ${home}/injected)\`id\``,
    DEB_REPO_SSH_KEY: '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA-SENTINEL-k5\n-----END OPENSSH PRIVATE KEY-----',
    DEB_REPO_KNOWN_HOSTS: HOSTS_LINE,
  };
}
const SENTINELS = ['SENTINEL-u1', 'SENTINEL-i2', 'SENTINEL-u3', 'SENTINEL-u4', 'SENTINEL-k5'];

const projects = new Map<string, { dir: string; config: Yaml | GroovyCall }>();
const key = (p: Provider, type: Type) => `${p}/${type}`;

t.before(async () => {
  const jenkinsFiles: [Type, string][] = [];
  for (const provider of PROVIDERS) {
    for (const type of ['service', 'library'] as Type[]) {
      const dir = await generate({ type, ci: provider, name: 'demo-app', indexUrl: 'https://pypi.example.org/simple/', uploadUrl: 'https://pypi.example.org/' });
      if (provider === 'jenkins') jenkinsFiles.push([type, dir]);
      else if (provider === 'gitlab') {
        gitlabGitInit(dir, tempDir());
        projects.set(key(provider, type), { dir, config: await gitlabPreview(dir, tempDir()) });
      } else projects.set(key(provider, type), { dir, config: readYaml(join(dir, CI_FILE[provider])) });
    }
  }
  if (TOOLS.every((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0)) {
    const trees = readJenkinsfiles(jenkinsFiles.map(([, dir]) => join(dir, 'Jenkinsfile')));
    jenkinsFiles.forEach(([type, dir], i) => {
      const r = trees[i]!;
      if ('tree' in r) projects.set(key('jenkins', type), { dir, config: r.tree });
    });
  }
});

/** Stand-ins, each logging what it was asked to do and what it found (never a secret's value). */
function stubs(root: string): { bin: string; log: string; npxExit: string } {
  const bin = join(root, 'stubs');
  mkdirSync(bin);
  const log = join(root, 'stubs.log');
  const expect = join(root, 'expect');
  mkdirSync(expect);
  const s = secrets('');
  writeFileSync(join(expect, 'user'), s.PYPI_UPLOAD_USER!);
  const npxExit = join(root, 'npx-exit');
  writeFileSync(npxExit, '0');
  const write = (name: string, body: string) => {
    writeFileSync(join(bin, name), `#!/bin/sh\nlog='${log}'\n${body}`);
    chmodSync(join(bin, name), 0o755);
  };
  write('make', `netrc=no; [ -f "$HOME/.netrc" ] && netrc=yes
twine=none
if [ -n "\${TWINE_USERNAME:-}\${TWINE_PASSWORD:-}" ]; then
  case $TWINE_PASSWORD in pw-SENTINEL-u4*) pw=ok ;; *) pw=bad ;; esac
  if [ "$TWINE_USERNAME" = "$(cat '${expect}/user')" ] && [ "$pw" = ok ]; then twine=ok; else twine=wrong; fi
fi
printf 'make %s netrc=%s twine=%s\\n' "$*" "$netrc" "$twine" >> "$log"
printf 'env of make: NO_COLOR=%s\\n' "\${NO_COLOR-unset}" >> "$log"
case $1 in
  deb|deb-snapshot|deb-release) rm -rf debs; mkdir debs; for f in demo-app_1.0_all.deb demo-app_1.0_amd64.changes demo-app_1.0_amd64.buildinfo; do : > "debs/$f"; done ;;
  dist|upload) mkdir -p dist && : > dist/demo_app-1.0.tar.gz ;;
esac
`);
  write('dput', `k=missing; [ -f "$HOME/.ssh/deb-repo-key" ] && k=$(stat -c %a "$HOME/.ssh/deb-repo-key")
h=no; grep -q '^repo.example.org ' "$HOME/.ssh/known_hosts" 2>/dev/null && h=yes
printf 'dput %s key=%s hosts=%s\\n' "$*" "$k" "$h" >> "$log"
for a; do case $a in *.changes) [ -f "$a" ] || { echo "dput: no such file $a" >&2; exit 9; } ;; esac; done
`);
  write('npx', `printf 'npx %s\\n' "$*" >> "$log"
exit "$(cat '${npxExit}')"
`);
  // docker run … builder sh -ec SCRIPT: run SCRIPT here with only the --env names (and PATH, HOME) set.
  write('docker', `case $1 in
  load|save) printf 'docker %s\\n' "$1" >> "$log"; exit 0 ;;
  run) shift ;;
  *) echo "docker stand-in: $1 is not modelled" >&2; exit 2 ;;
esac
keep=' PATH HOME '
while [ $# -gt 0 ]; do
  case $1 in
    --rm) shift ;;
    --env) keep="$keep$2 "; shift 2 ;;
    --volume) [ "\${2%%:*}" = "$PWD" ] || { echo "docker stand-in: the volume is not the checkout" >&2; exit 2; }; shift 2 ;;
    --workdir) shift 2 ;;
    *) break ;;
  esac
done
[ "$1" = builder ] || { echo "docker stand-in: unexpected image $1" >&2; exit 2; }
shift
printf 'docker run env:%s\\n' "$keep" >> "$log"
for name in $(env | sed -n 's/^\\([A-Za-z_][A-Za-z0-9_]*\\)=.*/\\1/p'); do
  case $keep in *" $name "*) ;; *) unset "$name" 2>/dev/null || true ;; esac
done
exec "$@"
`);
  return { bin, log, npxExit };
}

interface JobRun {
  ok: boolean;
  failed?: string;
  output: string;
  log: string[];
  argv: string[];
  home: string;
  checkout: string;
}

/** Runs one job's shell steps in a fresh copy of the project with a fresh HOME, each under strace. */
function runJob(provider: Provider, type: Type, job: string, ref: Ref, opts: { secrets?: Record<string, string>; npxExit?: number } = {}): JobRun {
  const p = projects.get(key(provider, type));
  if (!p) throw new Error(`${provider}/${type} was not prepared (a tool is missing)`);
  const root = tempDir('pyservice-job-');
  const home = join(root, 'home');
  mkdirSync(home);
  // Jenkins checks out to src/ (checkoutToSubdirectory); elsewhere the job starts in the checkout.
  const workspace = join(root, 'ws');
  mkdirSync(workspace);
  const checkout = provider === 'jenkins' ? join(workspace, 'src') : join(workspace, 'demo-app');
  execFileSync('cp', ['-a', p.dir, checkout]);
  const base = provider === 'jenkins' ? workspace : checkout;
  const st = stubs(root);
  if (opts.npxExit !== undefined) writeFileSync(st.npxExit, String(opts.npxExit));
  const ctx: RunContext = {
    ref,
    secrets: opts.secrets ?? secrets(home),
    secretFile: (name, value) => {
      const f = join(root, `${name}.secret`);
      writeFileSync(f, value + '\n', { mode: 0o600 });
      return f;
    },
  };
  const steps: ShellStep[] = CI_MODELS[provider].steps(p.config, job, ctx, checkout);
  assert.ok(steps.length > 0, `${provider}/${type} ${job}: no shell steps`);
  let output = '';
  const argv: string[] = [];
  let failed: string | undefined;
  steps.forEach((step, i) => {
    if (failed) return;
    const trace = join(root, `trace-${i}`);
    let cmd = ['sh', '-e', '-c', step.script];
    if (step.asFile) {
      const file = join(root, `step-${i}.sh`);
      writeFileSync(file, step.script, { mode: 0o755 });
      cmd = [file];
    }
    const env = { LANG: 'C.UTF-8', ...step.env, PATH: `${st.bin}:/usr/sbin:/usr/bin:/sbin:/bin`, HOME: home };
    const r = spawnSync('strace', ['-f', '-qq', '-e', 'trace=execve', '-s', '65536', '-o', trace, ...cmd], { cwd: join(base, step.cwd ?? ''), env, encoding: 'utf8', timeout: 60_000 });
    output += r.stdout + r.stderr;
    for (const line of readFileSync(trace, 'utf8').split('\n')) if (line.includes('execve(')) argv.push(line);
    if (r.status !== 0) failed = `${step.where} exited ${r.status}:\n${r.stdout}${r.stderr}`;
  });
  const log = existsSync(st.log) ? readFileSync(st.log, 'utf8').trim().split('\n') : [];
  return { ok: !failed, failed, output, log, argv, home, checkout };
}

function assertNoLeak(run: JobRun, where: string): void {
  for (const s of SENTINELS) {
    assert.not.ok(run.output.includes(s), `${where}: ${s} in the output`);
    assert.not.ok(run.log.some((l) => l.includes(s)), `${where}: ${s} in a logged command`);
    const line = run.argv.find((l) => l.includes(s));
    assert.not.ok(line, `${where}: ${s} on a command line: ${line}`);
  }
  assert.not.ok(existsSync(join(run.home, 'injected')), `${where}: a secret was evaluated by a shell`);
}

function mode(file: string): string {
  return (statSync(file).mode & 0o777).toString(8);
}

const JOBS: Record<Provider, Record<Type, { test: string; main: string; tag: string }>> = Object.fromEntries(PROVIDERS.map((p) => [p, CI_MODELS[p].jobs])) as Record<Provider, Record<Type, { test: string; main: string; tag: string }>>;
const MAIN: Ref = { branch: 'main' };
const TAG: Ref = { tag: 'v1.2.3' };

for (const provider of PROVIDERS) {
  const names = JOBS[provider];

  toolTest(t, TOOLS, `${provider}: the test job writes the installer login to ~/.netrc (0600), then runs make test; no secret leaks`, () => {
    for (const type of ['service', 'library'] as Type[]) {
      const run = runJob(provider, type, names[type].test, { branch: 'feature/x' });
      assert.ok(run.ok, run.failed);
      assert.equal(run.log.filter((l) => l.startsWith('make')), ['make test netrc=yes twine=none'], `${type}: ${run.log.join('\n')}`);
      const netrc = join(run.home, '.netrc');
      assert.is(mode(netrc), '600');
      assert.match(readFileSync(netrc, 'utf8'), /^machine pypi\.example\.org login installer-SENTINEL-u1 password pw-SENTINEL-i2"'\$\(touch\$\{IFS\}/m);
      assertNoLeak(run, `${provider}/${type} test`);
    }
  });

  toolTest(t, TOOLS, `${provider}: service snapshot on the default branch: make deb-snapshot, .deb kept in debs/, ssh key (0600) before dput to development`, () => {
    const run = runJob(provider, 'service', names.service.main, MAIN);
    assert.ok(run.ok, run.failed);
    const make = run.log.filter((l) => l.startsWith('make'));
    assert.equal(make, ['make deb-snapshot netrc=yes twine=none']);
    const dput = run.log.filter((l) => l.startsWith('dput'));
    assert.equal(dput, ['dput -c dput.cf development debs/demo-app_1.0_amd64.changes key=600 hosts=yes']);
    assert.ok(run.log.indexOf(make[0]!) < run.log.indexOf(dput[0]!), 'built before uploaded');
    const debs = provider === 'jenkins' ? join(run.checkout, 'debs') : join(run.checkout, 'debs');
    assert.equal(readdirSync(debs).sort(), ['demo-app_1.0_all.deb', 'demo-app_1.0_amd64.buildinfo', 'demo-app_1.0_amd64.changes']);
    assert.match(readFileSync(join(run.home, '.ssh/deb-repo-key'), 'utf8'), /SENTINEL-k5/);
    assert.is(mode(join(run.home, '.ssh')), '700');
    assertNoLeak(run, `${provider} snapshot`);
  });

  toolTest(t, TOOLS, `${provider}: service release on a v* tag: make deb-release TAG=<tag>, dput to staging; a tag with shell characters stops the job`, () => {
    const run = runJob(provider, 'service', names.service.tag, TAG);
    assert.ok(run.ok, run.failed);
    assert.equal(run.log.filter((l) => l.startsWith('make')), ['make deb-release TAG=v1.2.3 netrc=yes twine=none']);
    assert.equal(run.log.filter((l) => l.startsWith('dput')), ['dput -c dput.cf staging debs/demo-app_1.0_amd64.changes key=600 hosts=yes']);
    assertNoLeak(run, `${provider} release`);
    const hostile = runJob(provider, 'service', names.service.tag, { tag: 'v1.0;touch${IFS}pwned' });
    assert.not.ok(hostile.ok, 'a hostile tag is refused');
    assert.match(hostile.output, /release tags look like v1\.2\.0/);
    assert.equal(hostile.log.filter((l) => l.startsWith('make') || l.startsWith('dput')), []);
  });

  toolTest(t, TOOLS, `${provider}: library upload on the default branch and on a tag: twine gets the upload login in its environment; dists kept in dist/`, () => {
    for (const [job, ref] of [[names.library.main, MAIN], [names.library.tag, TAG]] as const) {
      const run = runJob(provider, 'library', job, ref);
      assert.ok(run.ok, run.failed);
      const make = run.log.filter((l) => l.startsWith('make'));
      // a tag uploads the tag's release; the default branch a development version (TAG= : none)
      assert.ok(make.includes(`make upload TAG=${ref === TAG ? TAG.tag : ''} netrc=yes twine=ok`), make.join('\n'));
      assert.not.ok(make.some((l) => l.includes('twine=wrong')), make.join('\n'));
      assert.ok(existsSync(join(run.checkout, 'dist/demo_app-1.0.tar.gz')));
      assert.equal(run.log.filter((l) => l.startsWith('dput')), []);
      assertNoLeak(run, `${provider} library ${job} ${JSON.stringify(ref)}`);
    }
  });
}

toolTest(t, TOOLS, 'every job that runs make gives it NO_COLOR=1, inside the builder container too (plain logs: templates 1.7.0)', () => {
  let makes = 0;
  for (const provider of PROVIDERS)
    for (const type of ['service', 'library'] as Type[])
      for (const [job, ref] of [[JOBS[provider][type].test, { branch: 'feature/x' }], [JOBS[provider][type].main, MAIN], [JOBS[provider][type].tag, TAG]] as const) {
        const run = runJob(provider, type, job, ref);
        assert.ok(run.ok, run.failed);
        const env = run.log.filter((l) => l.startsWith('env of make: '));
        assert.ok(env.length > 0, `${provider}/${type} ${job}: make did not run`);
        assert.equal([...new Set(env)], ['env of make: NO_COLOR=1'], `${provider}/${type} ${job}`);
        makes += env.length;
      }
  assert.ok(makes >= 24, String(makes));
});

toolTest(t, TOOLS, 'without installer secrets, ci/index-login.sh does nothing and the test job still runs', () => {
  // Jenkins is left out: its withCredentials fails a build whose credential ID is not defined (the README says to define them)
  for (const provider of PROVIDERS.filter((p) => p !== 'jenkins')) {
    const run = runJob(provider, 'service', JOBS[provider].service.test, { branch: 'main' }, { secrets: {} });
    assert.ok(run.ok, run.failed);
    assert.equal(run.log.filter((l) => l.startsWith('make')), ['make test netrc=no twine=none'], provider);
    assert.not.ok(existsSync(join(run.home, '.netrc')));
  }
});

toolTest(t, TOOLS, 'CircleCI: the builder container gets only the variables its step names (the test job has no upload or deb secrets)', () => {
  const run = runJob('circleci', 'service', 'test', MAIN);
  assert.ok(run.ok, run.failed);
  const env = run.log.find((l) => l.startsWith('docker run'))!;
  assert.is(env, 'docker run env: PATH HOME NO_COLOR PYPI_INSTALL_USER PYPI_INSTALL_PASSWORD ');
});

toolTest(t, TOOLS, 'GitHub: template-check turns exit 3 (behind) into a warning annotation and passes; other failures fail the (non-blocking) job', () => {
  const behind = runJob('github', 'service', 'template-check', MAIN, { npxExit: 3 });
  assert.ok(behind.ok, behind.failed);
  assert.match(behind.output, /^::warning title=Template drift::/m);
  assert.equal(behind.log, ['npx --yes -p create-pyservice@0.1.0 pyservice check']);
  const current = runJob('github', 'service', 'template-check', MAIN, { npxExit: 0 });
  assert.ok(current.ok);
  assert.not.match(current.output, /::warning/);
  const broken = runJob('github', 'library', 'template-check', MAIN, { npxExit: 1 });
  assert.not.ok(broken.ok);
});

t.run();
