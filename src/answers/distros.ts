/**
 * Target distributions. Bookworm is built and tested here; the others render with their own Python
 * and base image and are checked statically.
 */
export interface Distro {
  codename: string;
  vendor: 'debian' | 'ubuntu';
  image: string;
  python: string;
  /** Python 3.12+ venvs are created without setuptools: the build must bring its own. */
  venvHasSetuptools: boolean;
}

export const DISTROS: Record<string, Distro> = {
  bookworm: { codename: 'bookworm', vendor: 'debian', image: 'debian:bookworm', python: '3.11', venvHasSetuptools: true },
  trixie: { codename: 'trixie', vendor: 'debian', image: 'debian:trixie', python: '3.13', venvHasSetuptools: false },
  jammy: { codename: 'jammy', vendor: 'ubuntu', image: 'ubuntu:jammy', python: '3.10', venvHasSetuptools: true },
  noble: { codename: 'noble', vendor: 'ubuntu', image: 'ubuntu:noble', python: '3.12', venvHasSetuptools: false },
};

export const DEFAULT_DISTRO = 'bookworm';

export function distroFor(codename: string): Distro {
  const d = DISTROS[codename];
  if (!d) throw new Error(`unknown distro ${codename}`);
  return d;
}
