import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../exec/run.js';

/**
 * The license of a project whose metadata names none debian/copyright can use, read from its license files by
 * Debian's own license scanner, licensecheck (devscripts recommends it). Flit and setuptools projects often
 * declare `license = {file = "LICENSE.txt"}` with only the ambiguous "BSD License" classifier (click, idna,
 * pyserial, httpie): the metadata cannot tell BSD-2-clause from BSD-3-clause, the file can.
 */

/**
 * Top-level license files as people name them: LICENSE, LICENCE.md, LICENSE-MIT, COPYING, LICENSE.BSD…, and a
 * plural text file (supervisor 4.2.5's LICENSES.txt, which its License field "BSD-derived (http://…/LICENSE.txt)"
 * points to); a bare "licenses" is REUSE's folder, read apart.
 */
const LICENSE_FILE = /^(?:(?:licen[cs]e|copying)(?:[-._][^/]*)?|licen[cs]es\.(?:txt|md|rst))$/i;
/** A DEP-5 short name licensecheck may print that debian/copyright can carry as is. */
const SHORT_NAME = /^[A-Za-z0-9][A-Za-z0-9.+-]*$/;

export function licenseFileNames(entries: string[]): string[] {
  return entries.filter((e) => LICENSE_FILE.test(e)).sort();
}

export type LicenseFiles =
  /** One license, named the same by every license file licensecheck recognises. */
  | { dep5: string; files: string[] }
  /** Why no license was taken from the files (none, several, unknown, no licensecheck). */
  | { problem: string };

/** Pure: `licensecheck --machine` output ("file\tname" lines) → the one license the files name, or why not. */
export function licenseFromCheck(output: string): LicenseFiles {
  const named = output
    .split('\n')
    .map((l) => l.split('\t'))
    .filter((p) => p.length >= 2 && p[1]!.trim() !== '' && p[1]!.trim() !== 'UNKNOWN')
    .map((p) => ({ file: p[0]!.trim(), name: p[1]!.trim() }));
  if (named.length === 0) return { problem: 'licensecheck recognises no license in its license files' };
  const names = [...new Set(named.map((n) => n.name))];
  if (names.length > 1) return { problem: `its license files name several licenses (${named.map((n) => `${n.name} in ${n.file}`).join(', ')}), combined in a way only the project can say` };
  if (!SHORT_NAME.test(names[0]!)) return { problem: `licensecheck names its license "${names[0]}", not one DEP-5 short name` };
  return { dep5: names[0]!, files: named.map((n) => n.file) };
}

/** licensecheck over the project's top-level license files; null when there are none. */
export async function checkLicenseFiles(dir: string): Promise<LicenseFiles | null> {
  let files: string[];
  try {
    files = licenseFileNames(readdirSync(dir)).filter((f) => lstatSync(join(dir, f)).isFile());
  } catch {
    return null;
  }
  // REUSE (https://reuse.software) keeps the texts in LICENSES/<SPDX id>.txt instead: mkosi 25.3 and reuse 5.0.2
  // (trixie sources) got the proprietary stanza with no word of them. One license there is the project's; several
  // are named in the note (each covers the files that say so)
  if (files.length === 0) {
    try {
      if (lstatSync(join(dir, 'LICENSES')).isDirectory())
        files = readdirSync(join(dir, 'LICENSES'))
          .filter((f) => !f.startsWith('.') && lstatSync(join(dir, 'LICENSES', f)).isFile())
          .sort()
          .map((f) => `LICENSES/${f}`);
    } catch {
      // no LICENSES folder
    }
  }
  if (files.length === 0) return null;
  // -c '.*': check every named file (by default licensecheck skips names without a source-code extension)
  const args = ['--machine', '--shortname-scheme=debian,spdx', '--check', '.*', '--', ...files];
  const r = await run('licensecheck', args, { cwd: dir, timeoutMs: 20_000, cleanEnv: true, env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C.UTF-8' } }).catch(() => null);
  if (r === null) return { problem: `licensecheck, which would read ${files.join(', ')}, is not installed (apt-get install licensecheck)` };
  if (r.timedOut || r.exitCode !== 0) return { problem: `licensecheck failed on ${files.join(', ')}: ${r.stderr.trim().split('\n').pop() ?? ''}` };
  return licenseFromCheck(r.stdout);
}
