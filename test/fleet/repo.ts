import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The team's apt repository as a test sets it up: a signing key made with gpg --batch (no passphrase) in its
 * own GNUPGHOME, and the generated deploy/aptly.conf with rootDir moved into a temp directory (the one line a
 * team edits). Every repository action then goes through the generated Makefile's targets.
 */
export interface TestRepo {
  project: string;
  gnupgHome: string;
  fingerprint: string;
  /** The public key, ASCII-armored: what hosts trust (deploy/files/archive-keyring.asc). */
  publicKey: string;
  aptlyConfig: string;
  /** aptly's published tree: what a web server serves. */
  publicDir: string;
}

export function sh(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; input?: string } = {}): { code: number; out: string; stdout: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...opts });
  return { code: r.status ?? 1, out: `${r.stdout}\n${r.stderr}`, stdout: r.stdout };
}

export function mustSh(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; input?: string } = {}): string {
  const r = sh(cmd, args, opts);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.code}):\n${r.out.slice(-4000)}`);
  return r.stdout;
}

export function createTestRepo(project: string, dir: string): TestRepo {
  const gnupgHome = join(dir, 'gnupg');
  mkdirSync(gnupgHome, { mode: 0o700, recursive: true });
  const env = { ...process.env, GNUPGHOME: gnupgHome };
  mustSh('gpg', ['--batch', '--passphrase', '', '--quick-gen-key', 'Test Team Archive <apt@example.org>', 'ed25519', 'sign', 'never'], { env });
  const colons = mustSh('gpg', ['--batch', '--with-colons', '--list-secret-keys'], { env });
  const fingerprint = /^fpr:+([0-9A-F]{40}):/m.exec(colons)?.[1];
  if (!fingerprint) throw new Error(`no fingerprint in gpg's output:\n${colons}`);
  const publicKey = join(dir, 'archive-keyring.asc');
  writeFileSync(publicKey, mustSh('gpg', ['--batch', '--armor', '--export', fingerprint], { env }));
  const config = JSON.parse(readFileSync(join(project, 'deploy', 'aptly.conf'), 'utf8')) as { rootDir: string };
  config.rootDir = join(dir, 'aptly');
  const aptlyConfig = join(dir, 'aptly.conf');
  writeFileSync(aptlyConfig, JSON.stringify(config, null, 2));
  return { project, gnupgHome, fingerprint, publicKey, aptlyConfig, publicDir: join(config.rootDir, 'public') };
}

/** Runs a target of the generated Makefile against the test repository. */
export function repoMake(repo: TestRepo, target: string, vars: Record<string, string> = {}): { code: number; out: string; stdout: string } {
  const args = [target, `APTLY_CONFIG=${repo.aptlyConfig}`, `REPO_KEY=${repo.fingerprint}`, ...Object.entries(vars).map(([k, v]) => `${k}=${v}`)];
  return sh('make', ['--no-print-directory', ...args], { cwd: repo.project, env: { ...process.env, GNUPGHOME: repo.gnupgHome } });
}

/** `make repo-list` as distribution → versions. */
export function repoList(repo: TestRepo): Map<string, string[]> {
  const r = repoMake(repo, 'repo-list');
  if (r.code !== 0) throw new Error(`make repo-list failed:\n${r.out}`);
  const where = new Map<string, string[]>();
  for (const line of r.stdout.split('\n').filter(Boolean)) {
    const [dist, version] = line.split(' ');
    if (!dist || !version) throw new Error(`unparsed repo-list line: ${line}`);
    const list = where.get(dist) ?? [];
    if (version !== '-') list.push(version);
    where.set(dist, list);
  }
  return where;
}

/** The .deb a distribution's signed index points at for package=version: { path under publicDir, sha256 from the index }. */
export function indexedDeb(repo: TestRepo, dist: string, pkg: string, version: string, arch: string): { filename: string; sha256: string } {
  const packages = readFileSync(join(repo.publicDir, 'dists', dist, 'main', `binary-${arch}`, 'Packages'), 'utf8');
  for (const stanza of packages.split(/\n\n+/)) {
    const field = (name: string) => new RegExp(`^${name}: (.*)$`, 'm').exec(stanza)?.[1];
    if (field('Package') === pkg && field('Version') === version) return { filename: field('Filename') ?? '', sha256: field('SHA256') ?? '' };
  }
  throw new Error(`${pkg} ${version} is not in ${dist}'s Packages index`);
}
