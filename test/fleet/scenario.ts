/**
 * The fleet scenario shared by the hosts test and the benchmark: a generated service built into two real
 * .debs (0.1.0, and 0.2.0 which needs a secret one host lacks), the team's apt repository (aptly, signed with
 * a test key) served over HTTP on the test network, and test hosts with their settings and secrets in place.
 * Deploys and rollbacks go through the generated Makefile (`make deploy`, `make rollback`) run in the hub.
 */
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { run, type RunResult } from '../../src/exec/run.js';
import { generate } from '../helpers/generate.js';
import { cleanEnv, tempDir } from '../helpers/tmp.js';
import { startFleet, type Fleet, type Host } from './hosts.js';
import { createTestRepo, mustSh, repoMake, type TestRepo } from './repo.js';

export const NAME = 'acme-fleet';
export const PKG = NAME;
export const GROUP = 'acme_fleet';
const PREFIX = 'ACME_FLEET_';
export const HEALTH_PORT = 8081;
const REPO_PORT = 8080;
export const CONFFILE = `/etc/${PKG}/${PKG}.env`;
export const SECRETS = `/etc/${PKG}/secrets.env`;
/** The host that lacks the secret 0.2.0 needs: its health check fails after the upgrade. */
export const FAILING = 'h2';

export interface Scenario {
  project: string;
  debs: Record<string, string>;
  sha256: Record<string, string>;
  repo: TestRepo;
  fleet: Fleet;
  repoUrl: string;
  inventory: string;
  /** Per host: the sha256 of its conffile and secrets.env as written before the first install. */
  seeded: Map<string, { conffile: string; secrets: string | null }>;
  buildSeconds: Record<string, number>;
}

export interface HostState {
  version: string;
  active: string;
  health: number;
  conffile: string;
  secrets: string | null;
}

export const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/**
 * The release build of a version, as CI's release job makes it: debian/pyservice-version stamps the changelog with
 * the release (a bare `make deb` of an UNRELEASED changelog is a developer's local build, V~~local…, from templates
 * 1.7.0), then `make deb` in a clean environment (offline: Debian's wheels). Returns the .deb's path.
 */
async function makeDeb(dir: string, version: string): Promise<{ deb: string; seconds: number }> {
  const start = Date.now();
  const stamp = await run('/usr/bin/python3', ['debian/pyservice-version', 'release', `v${version}`], { cwd: dir, env: cleanEnv(tempDir()), cleanEnv: true, timeoutMs: 60_000 });
  if (stamp.exitCode !== 0) throw new Error(`debian/pyservice-version release v${version} failed:\n${stamp.stdout}${stamp.stderr}`);
  const r = await run('make', ['deb'], { cwd: dir, env: cleanEnv(tempDir()), cleanEnv: true, timeoutMs: 600_000 });
  if (r.exitCode !== 0) throw new Error(`make deb (${version}) failed:\n${(r.stdout + r.stderr).slice(-6000)}`);
  const seconds = (Date.now() - start) / 1000;
  for (const where of [join(dir, 'debs'), join(dir, 'dist'), dirname(dir)]) {
    if (!existsSync(where)) continue;
    const deb = readdirSync(where).find((f) => f.startsWith(`${PKG}_${version}_`) && f.endsWith('.deb'));
    if (deb) return { deb: join(where, deb), seconds };
  }
  throw new Error(`make deb (${version}) made no ${PKG}_${version}_*.deb`);
}

/** 0.2.0: the team's next version needs an API token from secrets.env and refuses to start without one. */
function makeVersion2(dir: string): void {
  const init = join(dir, 'src', 'acme_fleet', '__init__.py');
  writeFileSync(init, readFileSync(init, 'utf8').replace(/__version__ = "0\.1\.0"/, '__version__ = "0.2.0"'));
  const service = join(dir, 'src', 'acme_fleet', 'service.py');
  const code = readFileSync(service, 'utf8');
  const at = code.indexOf('    stop = threading.Event()');
  if (at < 0) throw new Error('service.py changed: no "stop = threading.Event()" to patch before');
  writeFileSync(
    service,
    code.slice(0, at) + `    if not os.environ.get(ENV_PREFIX + "API_TOKEN"):\n        log.error("%sAPI_TOKEN is not set: add it to /etc/${PKG}/secrets.env", ENV_PREFIX)\n        return 2\n` + code.slice(at),
  );
  const changelog = join(dir, 'debian', 'changelog');
  writeFileSync(changelog, `${PKG} (0.2.0) UNRELEASED; urgency=medium\n\n  * Needs an API token.\n\n -- Test Author <test@example.org>  Sat, 28 Nov 2026 04:00:00 +0000\n\n` + readFileSync(changelog, 'utf8'));
}

/** Builds the two .debs once (each `make deb` of the generated project, as a developer or CI runs it). */
export async function buildRelease(): Promise<{ project: string; debs: Record<string, string>; buildSeconds: Record<string, number> }> {
  const project = await generate({ type: 'service', name: NAME, description: 'Fleet test service' }, { git: true });
  const out = join(tempDir(), 'debs');
  mkdirSync(out);
  const debs: Record<string, string> = {};
  const buildSeconds: Record<string, number> = {};
  for (const version of ['0.1.0', '0.2.0']) {
    if (version === '0.2.0') makeVersion2(project);
    const built = await makeDeb(project, version);
    debs[version] = join(out, built.deb.split('/').pop()!);
    mustSh('cp', [built.deb, debs[version]!]);
    buildSeconds[version] = built.seconds;
  }
  return { project, debs, buildSeconds };
}

/** Settings and secrets each host has before the first install: the health port on, a per-host edit, a token. */
function seedHost(project: string, host: Host, failing: string | null): { conffile: string; secrets: string | null } {
  const etc = join(host.root, 'etc', PKG);
  mkdirSync(etc, { recursive: true });
  const conf = readFileSync(join(project, 'debian', 'conf', `${PKG}.env`), 'utf8')
    .replace(new RegExp(`^${PREFIX}HEALTH_PORT=.*$`, 'm'), `${PREFIX}HEALTH_PORT=${HEALTH_PORT}`)
    .replace(new RegExp(`^${PREFIX}INTERVAL=.*$`, 'm'), `${PREFIX}INTERVAL=1`) + `# edited on ${host.name}\n`;
  writeFileSync(join(etc, `${PKG}.env`), conf);
  let secrets: string | null = null;
  if (host.name !== failing) {
    secrets = `${PREFIX}API_TOKEN=token-for-${host.name}\n`;
    writeFileSync(join(etc, 'secrets.env'), secrets, { mode: 0o600 });
    chmodSync(join(etc, 'secrets.env'), 0o600);
  }
  return { conffile: sha256(conf), secrets: secrets === null ? null : sha256(secrets) };
}

function writeInventory(s: { fleet: Fleet; repo: TestRepo; repoUrl: string }, file: string): void {
  const hosts = s.fleet.hosts.map((h) => `        ${h.name}:\n          ansible_host: ${h.ip}\n`).join('');
  writeFileSync(
    file,
    `---
all:
  children:
    ${GROUP}:
      hosts:
${hosts}      vars:
        ansible_user: root
        ansible_ssh_private_key_file: ${JSON.stringify(s.fleet.sshKey)}
        ansible_ssh_common_args: ${JSON.stringify(`-o UserKnownHostsFile=${s.fleet.knownHosts} -o StrictHostKeyChecking=yes`)}
        deploy_apt_url: ${JSON.stringify(s.repoUrl)}
        deploy_apt_distribution: production
        deploy_apt_key_file: ${JSON.stringify(s.repo.publicKey)}
        deploy_health_port: ${HEALTH_PORT}
        deploy_health_retries: 8
        deploy_health_delay: 1
`,
  );
}

/**
 * Repository (development has both builds), hosts booted with their settings, inventory written. The
 * `failing` host gets no secrets.env, so 0.2.0 fails there.
 */
export async function setUp(release: Awaited<ReturnType<typeof buildRelease>>, opts: { hosts: number; failing: string | null } = { hosts: 4, failing: FAILING }): Promise<Scenario> {
  const { project, debs } = release;
  const repo = createTestRepo(project, tempDir());
  for (const [target, vars] of [['repo-init', {}], ['repo-add', { DIST: 'development', DEBS: `${debs['0.1.0']} ${debs['0.2.0']}` }]] as const) {
    const r = repoMake(repo, target, vars);
    if (r.code !== 0) throw new Error(`make ${target} failed:\n${r.out}`);
  }
  const seeded = new Map<string, { conffile: string; secrets: string | null }>();
  const fleet = await startFleet({ count: opts.hosts, distro: 'bookworm', prepare: (host) => seeded.set(host.name, seedHost(project, host, opts.failing)) });
  try {
    const repoUrl = await fleet.serve(repo.publicDir, REPO_PORT);
    const inventory = join(fleet.workDir, 'inventory.yml');
    writeInventory({ fleet, repo, repoUrl }, inventory);
    const sha: Record<string, string> = {};
    for (const [v, deb] of Object.entries(debs)) sha[v] = sha256(readFileSync(deb));
    return { project, debs, sha256: sha, repo, fleet, repoUrl, inventory, seeded, buildSeconds: release.buildSeconds };
  } catch (e) {
    fleet.stop();
    throw e;
  }
}

/** `make deploy|rollback VERSION=…` of the generated project, run in the hub (where the hosts are). */
export function makeFleet(s: Scenario, target: 'deploy' | 'rollback', version: string, ansibleArgs = ''): Promise<RunResult> {
  const home = tempDir();
  return s.fleet.inHub('make', ['--no-print-directory', target, `VERSION=${version}`, `INVENTORY=${s.inventory}`, `HOSTS=${GROUP}`, ...(ansibleArgs ? [`ANSIBLE_ARGS=${ansibleArgs}`] : [])], {
    cwd: s.project,
    env: { HOME: home, PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8', ANSIBLE_NOCOLOR: '1', ANSIBLE_FORCE_COLOR: '0' },
  });
}

const PROBE = `
import hashlib, json, subprocess, urllib.request
def sha(path):
    try:
        with open(path, "rb") as f:
            return hashlib.sha256(f.read()).hexdigest()
    except FileNotFoundError:
        return None
def out(*cmd):
    return subprocess.run(cmd, capture_output=True, text=True).stdout.strip()
try:
    health = urllib.request.urlopen("http://127.0.0.1:${HEALTH_PORT}/healthz", timeout=3).status
except Exception:
    health = 0
print(json.dumps({"version": out("dpkg-query", "--show", "--showformat=\${Version}", "${PKG}"), "active": out("systemctl", "is-active", "${PKG}"),
                  "health": health, "conffile": sha("${CONFFILE}"), "secrets": sha("${SECRETS}")}))
`;

/** What each host runs now, read over ssh: installed version, unit state, /healthz, settings' checksums. */
export async function hostStates(s: Scenario): Promise<Record<string, HostState>> {
  const states = await Promise.all(
    s.fleet.hosts.map(async (h) => {
      const r = await s.fleet.ssh(h, PROBE, 'python3');
      if (r.exitCode !== 0) throw new Error(`probe of ${h.name} failed: ${r.stderr}`);
      return [h.name, JSON.parse(r.stdout) as HostState] as const;
    }),
  );
  return Object.fromEntries(states);
}
