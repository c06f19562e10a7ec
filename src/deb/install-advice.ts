/**
 * "apt-get install X" advice checked against the machine's Debian archive. Pure. The metadata helper names the
 * Debian packages of missing build backends and helpers from a table that holds for Debian as a whole, but a
 * package may be new (python3-maturin, python3-pdm-backend: trixie, not bookworm) or a guess (python3-<dist>
 * for a backend nobody packages). Telling a bookworm user to apt-get install a package bookworm lacks is a dead
 * end; the message says instead that this release has none, and from which release Debian has it.
 */

/** Debian packages of build backends that Debian has only from a later release on (checked in the trixie archive). */
export const DEBIAN_SINCE: Record<string, string> = {
  'python3-maturin': 'trixie',
  'python3-pdm-backend': 'trixie',
  'python3-scikit-build-core': 'trixie',
  'python3-hatch-fancy-pypi-readme': 'trixie',
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
  const why = [...new Set(absent.map((p) => DEBIAN_SINCE[p] ?? ''))]
    .map((since) => {
      const these = absent.filter((p) => (DEBIAN_SINCE[p] ?? '') === since);
      const are = these.length > 1 ? 'are' : 'is';
      return `${these.join(', ')} ${are} not in this machine's Debian archive (${since ? `Debian has ${these.length > 1 ? 'them' : 'it'} from ${since} on` : `and no other Debian package is known to provide ${these.length > 1 ? 'them' : 'it'}`})`;
    })
    .join('; ');
  const advice = present.length ? `apt-get install ${present.join(' ')}; ${why}; or pass --python for an interpreter that has it` : `${why}; pass --python for an interpreter that has it`;
  return message.replace(message.includes(clause + PYTHON_HINT) ? clause + PYTHON_HINT : clause, advice);
}
