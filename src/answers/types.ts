/** A tool (a command-line program packaged as a .deb, no daemon) exists from templates 1.2.0 on. */
export const PROJECT_TYPES = ['service', 'library', 'tool'] as const;
export type ProjectType = (typeof PROJECT_TYPES)[number];

export const CI_PROVIDERS = ['github', 'gitlab', 'circleci', 'jenkins', 'none'] as const;
export type CiProvider = (typeof CI_PROVIDERS)[number];

/**
 * Everything a template needs, as the user gave it (or as defaults filled it in).
 * Recorded in `.pyservice.json` so `pyservice update` can re-render; never holds a secret.
 */
export interface Answers {
  type: ProjectType;
  /** Distribution name (PyPI-style); the import and Debian names are derived from it. */
  name: string;
  description: string;
  author: string;
  email: string;
  url: string;
  version: string;
  ci: CiProvider;
  /** PEP 503 `/simple/` URL of the private index, or '' for none configured. */
  indexUrl: string;
  /** Upload endpoint of the private index (twine), or ''. */
  uploadUrl: string;
  /** Read-only installer username for the private index, or ''. The password is never an answer. */
  indexUser: string;
  distro: string;
  /** Debian packages needed to build (e.g. python3-dev, libpq-dev): Build-Depends and the builder image. */
  buildDeps: string[];
  /**
   * Console scripts as setuptools writes them, "name = module:func". Empty means the type's default:
   * a service gets one named after the project (`<name> = <import>.service:main`), a library none.
   */
  consoleScripts: string[];
  /** Oldest Python the project supports ("3.9"): setup.py's python_requires. Asked since templates 1.1.0. */
  pythonMinimum?: string;
  /**
   * `pyservice deb` only (templates 1.2.0): what the upstream project declares. `license` is a DEP-5 License value
   * (absent: the proprietary stanza), `upstreamAuthors` "Name <email>" entries for debian/copyright,
   * `buildBackend` its PEP 517 backend when not setuptools (debian/rules then builds the wheel with Debian's
   * python3 and that backend, from Build-Depends), `scriptExtras` the extras its console scripts need.
   */
  license?: string;
  upstreamAuthors?: string[];
  buildBackend?: string;
  scriptExtras?: string[];
}

/** Names derived from `Answers.name`, shown to the user and used by templates. */
export interface DerivedNames {
  distName: string;
  importName: string;
  debName: string;
  /** The service's system user: the Debian name with `.` → `-`, at most 31 characters (systemd-sysusers' limit). */
  systemUser: string;
}
