/**
 * "apt-get install X" advice checked against the machine's Debian archive. Pure. The metadata helper names the
 * Debian packages of missing build backends and helpers from a table that holds for Debian as a whole, but a
 * package may be new (python3-maturin, python3-pdm-backend: trixie, not bookworm) or a guess (python3-<dist>
 * for a backend nobody packages). Telling a bookworm user to apt-get install a package bookworm lacks is a dead
 * end; the message says instead that this release has none, and from which release Debian has it.
 */

/**
 * Debian packages of build backends and their plugins that Debian has only from a later release on (each checked
 * against bookworm's and trixie's archives: mkdocs-material's hatch-nodejs-version was called a package "no other
 * Debian package is known to provide").
 */
export const DEBIAN_SINCE: Record<string, string> = {
  'python3-maturin': 'trixie',
  'python3-pdm-backend': 'trixie',
  'python3-scikit-build-core': 'trixie',
  'python3-hatch-fancy-pypi-readme': 'trixie',
  'python3-hatch-nodejs-version': 'trixie',
  'python3-hatch-jupyter-builder': 'trixie',
  'python3-poetry-dynamic-versioning': 'trixie',
  'python3-dunamai': 'trixie',
  'python3-sphinx-theme-builder': 'trixie',
  'python3-nanobind': 'trixie',
  // Found by pyservice deb on trixie sources read on bookworm: whey (python-coincidence, python-sdjson and five more
  // were told python3-whey is a package "no other Debian package is known to provide"), cmake-build-extension (manif)
  'python3-whey': 'trixie',
  'python3-whey-pth': 'trixie',
  'python3-cmake-build-extension': 'trixie',
  'python3-hatch-mypyc': 'trixie',
  'python3-hatch-regex-commit': 'trixie',
  'python3-editables': 'trixie',
};
/** Packages Debian dropped after a release (pdm-pep517 gave way to pdm-backend; trixie has no python3-pdm-pep517). */
export const DEBIAN_UNTIL: Record<string, { last: string; instead: string }> = {
  'python3-pdm-pep517': { last: 'bookworm', instead: 'the project can move to pdm-backend, build-backend = "pdm.backend"' },
};

const PYTHON_HINT = ' (or pass --python for an interpreter that has it)';

/**
 * A Debian version's upstream release as numbers: epoch, Debian revision and repack suffixes dropped
 * (1:2.10.3-1 → [2, 10, 3]; 0.12.0-2 → [0, 12, 0]; 1.6.1+dfsg1-1 → [1, 6, 1]); null when it starts with no number.
 */
export function upstreamRelease(debianVersion: string): number[] | null {
  const m = /^(?:\d+:)?(\d+(?:\.\d+)*)/.exec(debianVersion.trim());
  return m ? m[1]!.split('.').map(Number) : null;
}

function compareRelease(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Whether a release meets a requirement's version specifier ("meson-python >= 0.13.1", "pybind11>=2.13.2,!=2.13.3"),
 * compared on release numbers. Only a clear no is false: a clause it cannot read (a pre-release, a wildcard, ===,
 * a marker it does not judge) counts as met, so advice is never withheld on a guess.
 */
export function releaseMeets(release: number[], requirement: string): boolean {
  const spec = requirement.split(';')[0]!.replace(/^\s*[A-Za-z0-9][A-Za-z0-9._-]*\s*(\[[^\]]*\])?/, '').trim().replace(/^\((.*)\)$/, '$1');
  for (const clause of spec.split(',').map((c) => c.trim()).filter(Boolean)) {
    const m = /^(~=|==|!=|<=|>=|<|>)\s*(\d+(?:\.\d+)*)$/.exec(clause);
    if (!m) continue;
    const want = m[2]!.split('.').map(Number);
    const c = compareRelease(release, want);
    const ok =
      m[1] === '>=' ? c >= 0 : m[1] === '>' ? c > 0 : m[1] === '<=' ? c <= 0 : m[1] === '<' ? c < 0 : m[1] === '==' ? c === 0 : m[1] === '!=' ? c !== 0
      : c >= 0 && compareRelease(release.slice(0, want.length - 1), want.slice(0, -1)) === 0; // ~=
    if (!ok) return false;
  }
  return true;
}

/**
 * The message with its `apt-get install …` part limited to the packages this archive has, and a clause for each it
 * lacks. `inArchive` is null when the archive could not be checked (no apt lists): the message stays as it is.
 * With `versions` (the archive's versions of a package) and `wants` (package → the build requirement it stands for),
 * a package whose every version in the archive is older than the requirement asks is not advised either: contourpy
 * 1.3.1 (trixie source) read on bookworm was told 'apt-get install meson python3-mesonpy python3-pybind11', which
 * installs meson 1.0.1, meson-python 0.12.0 and pybind11 2.10.3 where it asks for >= 1.2.0, >= 0.13.1, >= 2.13.2.
 */
export function checkedInstallAdvice(
  message: string,
  packages: string[],
  inArchive: ((pkg: string) => boolean) | null,
  versions: ((pkg: string) => string[]) | null = null,
  wants: Record<string, string> = {},
): string {
  const clause = `apt-get install ${packages.join(' ')}`;
  if (!inArchive || packages.length === 0 || !message.includes(clause)) return message;
  const tooOld = (p: string): string | null => {
    if (!versions || !wants[p]) return null;
    const have = versions(p);
    const releases = have.map(upstreamRelease);
    return have.length === 0 || releases.some((r) => r === null || releaseMeets(r, wants[p]!)) ? null : have.join('/');
  };
  const old = packages.filter((p) => inArchive(p) && tooOld(p));
  const absent = packages.filter((p) => !inArchive(p));
  if (absent.length === 0 && old.length === 0) return message;
  const present = packages.filter((p) => inArchive(p) && !old.includes(p));
  const reason = (p: string) => {
    if (DEBIAN_SINCE[p]) return `Debian has {it} from ${DEBIAN_SINCE[p]} on`;
    const gone = DEBIAN_UNTIL[p];
    return gone ? `Debian had {it} up to ${gone.last}; ${gone.instead}` : 'and no other Debian package is known to provide {it}';
  };
  const absentWhy = [...new Set(absent.map(reason))]
    .map((r) => {
      const these = absent.filter((p) => reason(p) === r);
      const are = these.length > 1 ? 'are' : 'is';
      return `${these.join(', ')} ${are} not in this machine's Debian archive (${r.replace('{it}', these.length > 1 ? 'them' : 'it')})`;
    })
    .join('; ');
  const olderWhy = old.length
    ? `${old.map((p) => `${p} ${tooOld(p)}`).join(', ')} in this machine's Debian archive ${old.length > 1 ? 'are' : 'is'} older than the project asks (${old.map((p) => wants[p]).join('; ')})`
    : '';
  const why = [absentWhy, olderWhy].filter(Boolean).join('; ');
  const advice = present.length ? `apt-get install ${present.join(' ')}; ${why}; or pass --python for an interpreter that has it` : `${why}; pass --python for an interpreter that has it`;
  return message.replace(message.includes(clause + PYTHON_HINT) ? clause + PYTHON_HINT : clause, advice);
}
