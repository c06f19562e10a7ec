import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanEnv, tempDir } from './tmp.js';

/**
 * Real upstream projects for the deb-flow tests: the upstream tarball (.orig) of a Debian source package, fetched
 * once with `apt-get source --download-only` into a cache and unpacked fresh for each test. Debian's packaging
 * (the .debian tarball) is never used.
 *
 * A source package of another release (trixie: projects that moved to hatchling/flit since bookworm) is fetched
 * through a private apt state under the cache (its own deb-src list, `apt-get update` of that list only), so the
 * machine's apt configuration is left as it is.
 */
export const CORPUS_CACHE = process.env.PYSERVICE_CORPUS_CACHE ?? '/var/tmp/pyservice-corpus';

export interface Proc {
  code: number;
  stdout: string;
  stderr: string;
}

export function exec(cmd: string, args: string[], opts: { cwd?: string; env: Record<string, string>; input?: string }): Promise<Proc> {
  return new Promise((done) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (b) => (stdout += b));
    child.stderr!.on('data', (b) => (stderr += b));
    if (opts.input !== undefined) child.stdin!.end(opts.input);
    child.on('close', (code) => done({ code: code ?? 128, stdout, stderr }));
  });
}

/**
 * dpkg as the tests run it: under the tests' own lock (one dpkg at a time across test files), waiting while dpkg's
 * lock is held by someone else's apt (up to 30 × 5 s).
 */
export async function dpkg(...args: string[]): Promise<Proc> {
  for (let i = 0; ; i++) {
    const r = await exec('flock', ['/tmp/pyservice-dpkg.lock', 'dpkg', ...args], { env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C' } });
    if (r.code === 0 || i === 30 || !/frontend lock|lock.*held|locked by another/i.test(r.stderr)) return r;
    await new Promise((done) => setTimeout(done, 5000));
  }
}

/** apt options for a private state that knows only `suite`'s deb-src list (created and updated on first use). */
async function suiteOptions(suite: string): Promise<string[]> {
  const root = join(CORPUS_CACHE, `apt-${suite}`);
  const list = join(root, 'sources.list');
  const opts = ['-o', `Dir::Etc::SourceList=${list}`, '-o', 'Dir::Etc::SourceParts=/nonexistent', '-o', `Dir::State::Lists=${join(root, 'lists')}`, '-o', `Dir::Cache=${join(root, 'cache')}`];
  const lists = join(root, 'lists');
  if (!existsSync(lists) || !readdirSync(lists).some((f) => f.includes('_Sources'))) {
    mkdirSync(join(lists, 'partial'), { recursive: true });
    mkdirSync(join(root, 'cache', 'archives', 'partial'), { recursive: true });
    writeFileSync(list, `deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian ${suite} main\n`);
    const r = await exec('apt-get', [...opts, 'update', '-qq'], { env: { ...process.env } as Record<string, string> });
    if (r.code !== 0) throw new Error(`apt-get update of the private ${suite} source list failed: ${r.stderr.trim().split('\n').pop()}`);
  }
  return opts;
}

/** The upstream tarball of a source package (of the machine's release, or of `suite`), from the cache or fetched. */
export async function origTarball(src: string, suite?: string): Promise<string> {
  const find = () => (existsSync(CORPUS_CACHE) ? readdirSync(CORPUS_CACHE).find((f) => f.startsWith(`${src}_`) && /\.orig\.tar\.(gz|xz|bz2)$/.test(f)) : undefined);
  let found = find();
  if (!found) {
    mkdirSync(CORPUS_CACHE, { recursive: true });
    const opts = suite ? await suiteOptions(suite) : [];
    // --download-only: the .dsc, .orig and .debian tarballs land in the cache; only the .orig is used
    const r = await exec('apt-get', [...opts, 'source', '--download-only', '-qq', src], { cwd: CORPUS_CACHE, env: { ...process.env } as Record<string, string> });
    found = find();
    if (!found) throw new Error(`apt-get source --download-only ${src} gave no upstream tarball (are there deb-src lines? .ci/run adds them): ${r.stderr.trim().split('\n').pop()}`);
  }
  return join(CORPUS_CACHE, found);
}

/** The tarball unpacked into a new temporary directory, owned by whoever runs the test (git refuses a checkout another user owns): the project's top directory. */
export async function unpack(tarball: string): Promise<string> {
  const parent = tempDir();
  const r = await exec('tar', ['--no-same-owner', '-xf', tarball, '-C', parent], { env: cleanEnv(parent) });
  if (r.code !== 0) throw new Error(`tar: ${r.stderr}`);
  const [top] = readdirSync(parent);
  return join(parent, top!);
}
