import { fnv1a } from '../files/fnv1a.js';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../exec/run.js';
import { cacheRoot, makeCacheDir } from '../paths.js';
import { processAlive } from '../exec/process-alive.js';
import { privateDirProblem } from '../files/private-dir.js';

/**
 * Is a Debian package name already the distribution's? Looked up in the local apt lists (every binary package
 * and every Provides of the configured archive) and in dpkg's status. Not with apt-cache: with the Docker images'
 * apt configuration (no pkgcache.bin) apt-cache re-parses every list, 2–4 s. Instead the Package/Provides lines
 * are extracted (cached per user until apt-get update changes the lists), started while the project's metadata is
 * read, and searched when the name is known.
 */
export type NameUse =
  | { used: false; checked: true }
  | { used: true; checked: true; where: string }
  | { used: false; checked: false; why: string };

const LISTS = '/var/lib/apt/lists';
const EXTRACT = `
for f in "$@"; do
  echo "@list $f"
  /usr/lib/apt/apt-helper cat-file "$f" | grep -E '^(Package|Provides|Version): '
done
`;

/**
 * What the distribution calls its packages, looked up by name once the name is known:
 * - `archive(name)`: the Package and Provides names of the configured apt lists that may be `name`, one
 *   `P name` / `V name` a line (compactNames), or why there are none;
 * - `installed(name)`: the Package/Status lines of dpkg's stanza for that name ('' when dpkg has none).
 */
export interface DebianNames {
  archive: ((name: string) => string) | { why: string };
  installed: (name: string) => string;
}

/**
 * The archive's names, cached per user and keyed by the lists' names, sizes and times: extracting them takes
 * ~0.3 s; the cache splits them into BUCKETS files by a hash of the name, so a lookup reads ~40 kB, not the
 * ~2.5 MB of every name. dpkg's status (~1 MB) is read only for a name dpkg keeps a file list for.
 */
export async function debianNames(env: NodeJS.ProcessEnv = process.env): Promise<DebianNames> {
  let lists: string[] = [];
  try {
    lists = readdirSync(LISTS).filter((f) => /_Packages(\.[a-z0-9]+)?$/.test(f)).sort().map((f) => join(LISTS, f));
  } catch {
    /* no apt */
  }
  return { archive: lists.length ? await archiveNames(lists, env) : { why: NO_LISTS }, installed: dpkgStanza };
}

export const NO_LISTS = 'there are no apt package lists in /var/lib/apt/lists (run apt-get update)';
const BUCKETS = 64;

/** The bucket of a name: FNV-1a over its bytes (names are ASCII). */
export function bucketOf(name: string): number {
  return parseInt(fnv1a(name), 16) % BUCKETS;
}

async function archiveNames(lists: string[], env: NodeJS.ProcessEnv): Promise<((name: string) => string) | { why: string }> {
  // NAMES_FORMAT in the key: a cache written before the versions (A lines) were kept is not read as having none
  // 64 bits from two FNV-1a seeds: the key only tells this machine's list states apart (no node:crypto at create's start)
  const state = NAMES_FORMAT + lists.map((f) => { const st = statSync(f); return `${f} ${st.size} ${st.mtimeMs}`; }).join('\n');
  const key = fnv1a(state) + fnv1a(state, 0x01000193);
  const cacheDir = cacheRoot(env);
  const cached = join(cacheDir, `debian-names-${key}`);
  const reader = (name: string) => readFileSync(join(cached, String(bucketOf(name))), 'latin1');
  // The names decide whether a package name is refused: a cache another user could have written (XDG_CACHE_HOME
  // in a shared folder) is neither read nor written nor cleaned, the names are extracted for this run alone
  const trusted = privateCache(cacheDir, cached);
  if (trusted && existsSync(join(cached, String(BUCKETS - 1)))) return reader;
  let names: string;
  try {
    const r = await run('sh', ['-c', EXTRACT, 'sh', ...lists], { timeoutMs: 30_000, cleanEnv: true, env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C' } });
    if (r.timedOut || r.exitCode !== 0) return { why: r.timedOut ? 'reading the apt lists timed out' : `reading the apt lists failed: ${r.stderr.trim().split('\n').pop() ?? ''}` };
    names = compactNames(r.stdout);
  } catch (err) {
    return { why: (err as Error).message };
  }
  const buckets: string[][] = Array.from({ length: BUCKETS }, () => []);
  for (const line of names.split('\n')) if (line) buckets[bucketOf(line.slice(2).split(' ')[0]!)]!.push(line);
  const texts = buckets.map((b) => `\n${b.join('\n')}\n`);
  const inMemory = (name: string) => texts[bucketOf(name)]!;
  if (!trusted) return inMemory;
  // Written whole into a temporary directory, then renamed into place: a reader sees all buckets or none. Another
  // run that renamed its own first wins (the rename fails: ours goes), and one killed while writing leaves a
  // folder named after its pid, removed by the next run once that pid is gone
  const tmp = `${cached}.${process.pid}.tmp`;
  try {
    mkdirSync(tmp, { mode: 0o700 });
    texts.forEach((text, i) => writeFileSync(join(tmp, String(i)), text, { encoding: 'latin1', mode: 0o600 }));
    renameSync(tmp, cached);
  } catch {
    rmSync(tmp, { recursive: true, force: true });
    return existsSync(join(cached, String(BUCKETS - 1))) ? reader : inMemory; // a cache only
  }
  // The lists changed (apt-get update): earlier caches, the single-file ones of older versions, and the
  // temporary folders of dead runs are stale
  for (const old of readdirSync(cacheDir)) {
    if (!old.startsWith('debian-names-') || join(cacheDir, old) === cached) continue;
    const writer = /\.([0-9]+)\.tmp$/.exec(old);
    if (writer && processAlive(Number(writer[1]))) continue;
    rmSync(join(cacheDir, old), { recursive: true, force: true });
  }
  return reader;
}

/**
 * Whether the cache folder may be used: made (0700) when missing, then it and every folder down to `cached` must be
 * this user's and writable by no one else, and its parents as ssh's StrictModes wants them (files/private-dir.ts).
 */
function privateCache(cacheDir: string, cached: string): boolean {
  try {
    makeCacheDir(cacheDir);
  } catch {
    return false;
  }
  try {
    return privateDirProblem(cached, cacheDir) === null;
  } catch {
    return false;
  }
}

const NAMES_FORMAT = 'names with versions\n';

/**
 * `Package: x` / `Version: 1.0-2` / `Provides: a, b (= 1), c:any` lines → `\nP x\nA x 1.0-2\nV a\nV b\nV c\n…`: one
 * name a line, so a lookup is one substring search (a regex over the ~3 MB of lines took tens of ms); `A` lines give
 * each version the archive has of a package (archiveVersions).
 */
export function compactNames(extracted: string): string {
  const out = new Set<string>();
  let pkg = '';
  for (const line of extracted.split('\n')) {
    if (line.startsWith('Package: ')) out.add(`P ${(pkg = line.slice(9).trim())}`);
    else if (line.startsWith('Version: ') && pkg) out.add(`A ${pkg} ${line.slice(9).trim()}`);
    else if (line.startsWith('Provides: '))
      for (const item of line.slice(10).split(',')) {
        const name = item.trim().split(/[\s(]/)[0]!.replace(/:any$/, '');
        if (name) out.add(`V ${name}`);
      }
  }
  return `\n${[...out].join('\n')}\n`;
}

/** Package/Status of dpkg's stanza for `name`: read only when dpkg keeps a file list for it (every installed package has one). */
function dpkgStanza(name: string): string {
  if (!dpkgLists(name).some((f) => existsSync(f))) return '';
  let status: string;
  try {
    status = readFileSync('/var/lib/dpkg/status', 'utf8');
  } catch {
    return '';
  }
  return stanzaOf(status, name);
}

/** The Package/Status lines of `name`'s stanza in a dpkg status text ('' when none). */
export function stanzaOf(status: string, name: string): string {
  const head = `Package: ${name}\n`;
  for (let at = status.indexOf(head); at >= 0; at = status.indexOf(head, at + 1)) {
    if (at > 0 && status[at - 1] !== '\n') continue;
    const end = status.indexOf('\n\n', at);
    return status.slice(at, end < 0 ? status.length : end).split('\n').filter((l) => l.startsWith('Package: ') || l.startsWith('Status: ')).join('\n');
  }
  return '';
}

/**
 * Pure: where `name` is used. A package installed by dpkg but unknown to the archive is only a collision when it
 * is not a venv package of this very name (an earlier build of the project itself).
 */
export function nameUse(names: DebianNames, name: string, isOurVenvPackage: (name: string) => boolean = venvPackage): NameUse {
  const archive = typeof names.archive === 'function' ? names.archive(name) : '';
  if (archive.includes(`\nP ${name}\n`)) return { used: true, checked: true, where: 'the configured Debian archive has a package of that name (apt lists)' };
  if (archive.includes(`\nV ${name}\n`)) return { used: true, checked: true, where: 'a package of the configured Debian archive provides it (apt lists)' };
  if (/^Status: .* installed$/m.test(names.installed(name)) && !isOurVenvPackage(name)) return { used: true, checked: true, where: 'a package of that name is installed (dpkg status)' };
  if (typeof names.archive !== 'function') return { used: false, checked: false, why: names.archive.why };
  return { used: false, checked: true };
}

/** The versions the configured archive has of the binary package `name` (apt lists; [] when none). */
export function archiveVersions(archive: (name: string) => string, name: string): string[] {
  const head = `\nA ${name} `;
  const out: string[] = [];
  const text = archive(name);
  for (let at = text.indexOf(head); at >= 0; at = text.indexOf(head, at + 1)) out.push(text.slice(at + head.length, text.indexOf('\n', at + 1)));
  return out;
}

/** Whether the configured archive has a binary package of exactly this name (apt lists). */
export function inArchive(archive: (name: string) => string, name: string): boolean {
  return archive(name).includes(`\nP ${name}\n`);
}

/** dpkg's file lists a package of this name may have (Multi-Arch: same packages are arch-qualified). */
function dpkgLists(name: string): string[] {
  return [`/var/lib/dpkg/info/${name}.list`, `/var/lib/dpkg/info/${name}:amd64.list`, `/var/lib/dpkg/info/${name}:arm64.list`, `/var/lib/dpkg/info/${name}:i386.list`];
}

function venvPackage(name: string): boolean {
  for (const list of dpkgLists(name)) {
    try {
      if (readFileSync(list, 'utf8').split('\n').includes(`/opt/venvs/${name}`)) return true;
    } catch {
      /* not this one */
    }
  }
  return false;
}

export { commandOwners, systemCommand } from './system-commands.js';
