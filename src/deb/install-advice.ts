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
 * The message with its `apt-get install …` part limited to the packages this archive has, and a clause for each it
 * lacks. `inArchive` is null when the archive could not be checked (no apt lists): the message stays as it is.
 */
export function checkedInstallAdvice(message: string, packages: string[], inArchive: ((pkg: string) => boolean) | null): string {
  const clause = `apt-get install ${packages.join(' ')}`;
  if (!inArchive || packages.length === 0 || !message.includes(clause)) return message;
  const absent = packages.filter((p) => !inArchive(p));
  if (absent.length === 0) return message;
  const present = packages.filter((p) => inArchive(p));
  const reason = (p: string) => {
    if (DEBIAN_SINCE[p]) return `Debian has {it} from ${DEBIAN_SINCE[p]} on`;
    const gone = DEBIAN_UNTIL[p];
    return gone ? `Debian had {it} up to ${gone.last}; ${gone.instead}` : 'and no other Debian package is known to provide {it}';
  };
  const why = [...new Set(absent.map(reason))]
    .map((r) => {
      const these = absent.filter((p) => reason(p) === r);
      const are = these.length > 1 ? 'are' : 'is';
      return `${these.join(', ')} ${are} not in this machine's Debian archive (${r.replace('{it}', these.length > 1 ? 'them' : 'it')})`;
    })
    .join('; ');
  const advice = present.length ? `apt-get install ${present.join(' ')}; ${why}; or pass --python for an interpreter that has it` : `${why}; pass --python for an interpreter that has it`;
  return message.replace(message.includes(clause + PYTHON_HINT) ? clause + PYTHON_HINT : clause, advice);
}
