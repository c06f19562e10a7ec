import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../exec/run.js';

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
  /usr/lib/apt/apt-helper cat-file "$f" | grep -E '^(Package|Provides): '
done
`;

/**
 * The Package/Provides lines of the apt lists and Package/Status of dpkg's status, as one text. The archive part
 * changes only with apt-get update, so it is cached per user, keyed by the lists' names, sizes and times
 * (~0.3 s to extract, ~10 ms to read back); dpkg's status is read fresh every time.
 */
export async function packageIndexLines(env: NodeJS.ProcessEnv = process.env): Promise<string | { why: string }> {
  let dpkg = '';
  try {
    dpkg = readFileSync('/var/lib/dpkg/status', 'utf8').split('\n').filter((l) => l.startsWith('Package: ') || l.startsWith('Status: ')).join('\n');
  } catch {
    /* no dpkg: nothing installed to collide with */
  }
  let lists: string[] = [];
  try {
    lists = readdirSync(LISTS).filter((f) => /_Packages(\.[a-z0-9]+)?$/.test(f)).sort().map((f) => join(LISTS, f));
  } catch {
    /* no apt */
  }
  if (lists.length === 0) return `\n@dpkg\n${dpkg}\n`;
  const key = createHash('sha256').update(lists.map((f) => { const st = statSync(f); return `${f} ${st.size} ${st.mtimeMs}`; }).join('\n')).digest('hex').slice(0, 16);
  const cacheDir = join(env.XDG_CACHE_HOME || join(env.HOME || tmpdir(), '.cache'), 'create-pyservice');
  const cached = join(cacheDir, `debian-names-${key}.txt`);
  let archive: string;
  try {
    archive = readFileSync(cached, 'utf8');
  } catch {
    try {
      const r = await run('sh', ['-c', EXTRACT, 'sh', ...lists], { timeoutMs: 30_000, cleanEnv: true, env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C' } });
      if (r.timedOut || r.exitCode !== 0) return { why: r.timedOut ? 'reading the apt lists timed out' : `reading the apt lists failed: ${r.stderr.trim().split('\n').pop() ?? ''}` };
      archive = r.stdout;
    } catch (err) {
      return { why: (err as Error).message };
    }
    try {
      mkdirSync(cacheDir, { recursive: true });
      const tmp = `${cached}.${process.pid}.tmp`;
      writeFileSync(tmp, archive);
      renameSync(tmp, cached);
    } catch {
      /* a cache only */
    }
  }
  return `${archive}\n@dpkg\n${dpkg}\n`;
}

/**
 * Pure: where `name` is used in the extracted lines. A package installed by dpkg but unknown to the archive is
 * only a collision when it is not a venv package of this very name (an earlier build of the project itself).
 */
export function nameUse(lines: string | { why: string }, name: string, isOurVenvPackage: (name: string) => boolean = venvPackage): NameUse {
  if (typeof lines !== 'string') return { used: false, checked: false, why: lines.why };
  const [archive = '', dpkg = ''] = lines.split('\n@dpkg\n');
  const hasLists = archive.includes('@list ');
  const quoted = name.replace(/[.+]/g, '\\$&');
  if (new RegExp(`^Package: ${quoted}$`, 'm').test(archive)) return { used: true, checked: true, where: 'the configured Debian archive has a package of that name (apt lists)' };
  if (new RegExp(`^Provides: (?:.*[ ,])?${quoted}(?:[ ,(]|$)`, 'm').test(archive)) return { used: true, checked: true, where: 'a package of the configured Debian archive provides it (apt lists)' };
  const stanzas = dpkg.split(/\n(?=Package: )/);
  const mine = stanzas.find((s) => s.startsWith(`Package: ${name}\n`) || s === `Package: ${name}`);
  if (mine && / installed$/m.test(mine) && !isOurVenvPackage(name)) return { used: true, checked: true, where: 'a package of that name is installed (dpkg status)' };
  if (!hasLists) return { used: false, checked: false, why: 'there are no apt package lists in /var/lib/apt/lists (run apt-get update)' };
  return { used: false, checked: true };
}

function venvPackage(name: string): boolean {
  for (const list of [`/var/lib/dpkg/info/${name}.list`, `/var/lib/dpkg/info/${name}:amd64.list`, `/var/lib/dpkg/info/${name}:arm64.list`]) {
    try {
      if (readFileSync(list, 'utf8').split('\n').includes(`/opt/venvs/${name}`)) return true;
    } catch {
      /* not this one */
    }
  }
  return false;
}

/**
 * The commands of `names` that another package of this machine already puts in /usr/bin, with that package
 * (dpkg-query -S; only asked for the names that exist, so usually nothing runs). A link into our own venv is an
 * earlier install of this very package, not a collision.
 */
export async function commandOwners(names: string[], debName: string): Promise<{ command: string; owner: string }[]> {
  const taken: string[] = [];
  for (const name of names) {
    const path = `/usr/bin/${name}`;
    try {
      lstatSync(path);
    } catch {
      continue;
    }
    let target = '';
    try {
      target = readlinkSync(path);
    } catch {
      /* a file, not a link */
    }
    if (target !== `/opt/venvs/${debName}/bin/${name}`) taken.push(name);
  }
  if (taken.length === 0) return [];
  const r = await run('dpkg-query', ['-S', ...taken.map((n) => `/usr/bin/${n}`)], { timeoutMs: 10_000, cleanEnv: true, env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C' } }).catch(() => null);
  const owners = new Map<string, string>();
  for (const line of (r?.stdout ?? '').split('\n')) {
    const m = /^(.+?): \/usr\/bin\/(.+)$/.exec(line);
    if (m && !m[1]!.startsWith('diversion by')) owners.set(m[2]!, m[1]!);
  }
  return taken.map((command) => ({ command, owner: owners.get(command) ?? 'no package (a local file)' }));
}
