import { readFileSync } from 'node:fs';
import { run } from '../exec/run.js';

/**
 * Is a Debian package name already the distribution's? Looked up in the local apt lists (every binary package
 * and every Provides of the configured archive) and in dpkg's status. Not with apt-cache: with the Docker images'
 * apt configuration (no pkgcache.bin) apt-cache re-parses every list, 2–4 s. Instead the Package/Provides lines
 * are extracted once (~0.3 s), started while the project's metadata is read, and searched when the name is known.
 */
export type NameUse =
  | { used: false; checked: true }
  | { used: true; checked: true; where: string }
  | { used: false; checked: false; why: string };

const EXTRACT = `
set -- /var/lib/apt/lists/*_Packages /var/lib/apt/lists/*_Packages.*
for f in "$@"; do
  [ -f "$f" ] || continue
  echo "@list $f"
  /usr/lib/apt/apt-helper cat-file "$f" | grep -E '^(Package|Provides): '
done
echo "@dpkg"
grep -sE '^(Package|Status): ' /var/lib/dpkg/status
`;

/** The Package/Provides lines of the apt lists and Package/Status of dpkg's status, as one text. */
export async function packageIndexLines(): Promise<string | { why: string }> {
  try {
    const r = await run('sh', ['-c', EXTRACT], { timeoutMs: 30_000, cleanEnv: true, env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C' } });
    return r.timedOut ? { why: 'reading the apt lists timed out' } : r.stdout;
  } catch (err) {
    return { why: (err as Error).message };
  }
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
