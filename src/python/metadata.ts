/**
 * What `pyservice deb` reads from a Python project, and the pure parsing of the helper's answer.
 * Field names follow setuptools' (snake_case), because that is what users see in setup.py and setup.cfg.
 */
export interface ProjectMetadata {
  name: string | null;
  version: string | null;
  description: string | null;
  long_description: string | null;
  author: string | null;
  author_email: string | null;
  maintainer: string | null;
  maintainer_email: string | null;
  url: string | null;
  license: string | null;
  /** PEP 639 License-Expression (SPDX), when the backend publishes one. */
  license_expression: string | null;
  classifiers: string[];
  requires_python: string | null;
  /** Requirement strings as setuptools normalises them, markers included ("x>=1; python_version < \"3.11\""). */
  install_requires: string[];
  /** The requirements (install_requires and the extras') whose marker is false for the reading interpreter (pip skips them there). */
  not_here?: string[];
  /** The requirements (install_requires and the extras') that a wheel in Debian's /usr/share/python-wheels satisfies (setuptools, wheel, pip): installed offline. */
  debian_wheels?: string[];
  /** Requires-Python as packaging judges it (pip's check before installing the wheel): version (the helper's own "3.11.2", or "3.13") → accepted. */
  python_accepted?: Record<string, boolean>;
  /**
   * The Debian form of a version that is not a plain release number (1.0.0rc1 → 1.0.0~rc1), as the project's own
   * debian/pyservice-version converts release tags (programs/pyservice_version.py): version → form.
   */
  debian_versions?: Record<string, string>;
  /** Optional dependencies: extra name → requirement strings (the extra's own marker removed). */
  extras: Record<string, string[]>;
  /** "name = module:func", one per console script ("name = module:func [extra]" when it needs an extra). */
  console_scripts: string[];
  /** The same for gui_scripts (absent from older readings): on Linux pip makes the same bin/ wrappers. */
  gui_scripts?: string[];
  /** setup.py `scripts=` files by name (setuptools path only): copied into bin/ by pip, but not entry points. */
  scripts?: string[];
}

/** The build backend that answered: setuptools through the setup() capture, or any other through PEP 517. */
export interface BackendInfo {
  name: string;
  version: string | null;
  requires: string[];
  /** The Debian packages that provide build-system.requires for Debian's python3 (Build-Depends). */
  packages: string[];
  /** Those of `packages` whose requirements hold only under a marker: whether it holds, per Python X.Y. */
  packagePythons: Record<string, Record<string, boolean>>;
  /** build-system.requires that the interpreter does not satisfy, with the Debian package that would. */
  unmet: { requirement: string; why: string; package: string }[];
  hook: string;
  /** Paths the backend created in the project, removed after the read. */
  removed: string[];
  /** Paths that appeared in the project during the read without the read making them (someone else's): kept. */
  left: string[];
  /** What the build compiles: "c" (an extension module: Python's headers) and/or "rust" (cargo, rustc). */
  compiled: ('c' | 'rust')[];
  /** System libraries setup()'s C extensions link (Extension libraries=): their -dev packages are the packager's to add. */
  libraries: string[];
  /**
   * Set when build-system.requires came from the team's index for this read (Debian's python3 did not meet them):
   * the requirements, and "name version" of what pip installed (python-helpers/index_build_env.py).
   */
  fromIndex?: { requires: string[]; installed: string[] };
}

/** The configuration files setuptools took metadata from, highest authority first. */
export type MetadataSource = 'pyproject.toml' | 'setup.cfg' | 'setup.py';

export interface MetadataReading {
  metadata: ProjectMetadata;
  /** setup(project_urls=...) / [project.urls], label → URL. */
  projectUrls: Record<string, string>;
  sources: MetadataSource[];
  backend: BackendInfo;
  python: string;
  setuptools: string;
}

/** Why reading failed. `usage` problems are the user's to fix by flags (exit 2); the rest are exit 1. */
export type MetadataErrorKind =
  | 'no-project'
  | 'no-python'
  | 'no-setuptools'
  | 'missing-helper'
  | 'missing-module'
  | 'bad-config'
  | 'setup-invalid'
  | 'setup-failed'
  | 'setup-exit'
  | 'no-setup-call'
  | 'timeout'
  | 'missing-backend'
  | 'backend-failed'
  | 'no-version'
  /** pip could not install build-system.requires from the team's index (the read through the index). */
  | 'index-failed'
  | 'helper-crashed';

export class MetadataError extends Error {
  constructor(
    readonly kind: MetadataErrorKind,
    message: string,
    /** Traceback tail or the helper's stderr, for PYSERVICE_DEBUG and --json. */
    readonly detail = '',
    /** The Debian packages the message tells to install ("apt-get install A B"), in its order. */
    readonly packages: string[] = [],
    /** Declared build-system.requires that Debian's python3 does not meet, when they may explain the failure. */
    readonly unmetBuild: string[] = [],
    /** Indexes pyproject.toml names for uv, poetry or pdm (pip reads none of them): what --index-url could be. */
    readonly declaredIndexes: string[] = [],
    /** Debian package → the declared build requirement it stands for, for each one that is not installed. */
    readonly wants: Record<string, string> = {},
  ) {
    super(message);
  }
}

const STRING_FIELDS = ['name', 'version', 'description', 'long_description', 'author', 'author_email', 'maintainer', 'maintainer_email', 'url', 'license', 'license_expression', 'requires_python'] as const;
const KINDS = new Set<string>(['no-project', 'no-setuptools', 'missing-helper', 'missing-module', 'bad-config', 'setup-invalid', 'setup-failed', 'setup-exit', 'no-setup-call', 'missing-backend', 'backend-failed', 'no-version', 'index-failed']);

/** The last lines of a process's stderr, for error messages. */
export function tail(text: string, lines = 8): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/**
 * The line of a backend's output that says why it exited: its last ERROR line (meson's "meson.build:1:0: ERROR:
 * Meson version is 1.0.1 but project requires >= 1.2.0"), else its last line. Meson ends with "A full log can be
 * found at …/.mesonpy-XXXX/build/…": a folder in the project that the read removes, so never the line to show.
 */
export function whyItExited(stderr: string): string | undefined {
  // (and never the helper's own 'pyservice: …' line)
  const lines = stderr.split('\n').map((l) => l.trim()).filter((l) => l && !/^A full log can be found at |^pyservice: /.test(l));
  return lines.filter((l) => /\bERROR\b|^error:/i.test(l)).pop() ?? lines.pop();
}

/**
 * The helper prints one JSON object on stdout (the project's own prints go to stderr). Anything else —
 * no JSON, bad JSON, wrong shape — is reported with the interpreter's stderr, which says what went wrong.
 */
export function parseHelperOutput(stdout: string, stderr: string, exitCode: number): MetadataReading {
  let data: unknown;
  try {
    data = JSON.parse(stdout);
  } catch {
    const why = tail(stderr, 3).replace(/\s*\n\s*/g, ' / ') || `exit status ${exitCode}, no output`;
    throw new MetadataError('helper-crashed', `reading the metadata failed: ${why}`, stderr);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new MetadataError('helper-crashed', 'reading the metadata failed: the helper answered with no object', stdout);
  const obj = data as Record<string, unknown>;
  if (obj.ok !== true) {
    const kind = typeof obj.kind === 'string' && KINDS.has(obj.kind) ? (obj.kind as MetadataErrorKind) : 'helper-crashed';
    const detail = [typeof obj.detail === 'string' ? obj.detail : '', tail(stderr)].filter(Boolean).join('\n');
    let message = typeof obj.error === 'string' ? obj.error : 'reading the metadata failed';
    // A backend that exits (mesonpy, a setup.py calling sys.exit) said why on its output, not in an exception
    const said = whyItExited(stderr);
    // fiona 1.10.1's setup.py exits 1 without gdal-config after logging what to set (GDAL_CONFIG or GDAL_VERSION)
    const exited = (kind === 'backend-failed' && /: RuntimeError: exited with status /.test(message)) || kind === 'setup-exit';
    if (exited && said) message += ` (it printed last: ${said.slice(0, 300)})`;
    const wants = typeof obj.wants === 'object' && obj.wants !== null && !Array.isArray(obj.wants) ? Object.fromEntries(Object.entries(obj.wants).filter((e): e is [string, string] => typeof e[1] === 'string')) : {};
    throw new MetadataError(kind, message, detail, stringList(obj.packages), stringList(obj.unmet_build), stringList(obj.declared_indexes), wants);
  }
  const m = obj.metadata as Record<string, unknown> | undefined;
  if (!m || typeof m !== 'object') throw new MetadataError('helper-crashed', 'reading the metadata failed: no metadata in the answer', stdout);
  const metadata = {} as ProjectMetadata;
  for (const k of STRING_FIELDS) metadata[k] = typeof m[k] === 'string' ? (m[k] as string) : null;
  metadata.install_requires = stringList(m.install_requires);
  metadata.not_here = stringList(m.not_here);
  metadata.debian_wheels = stringList(m.debian_wheels);
  metadata.python_accepted = {};
  if (m.python_accepted && typeof m.python_accepted === 'object' && !Array.isArray(m.python_accepted))
    for (const [k, v] of Object.entries(m.python_accepted as Record<string, unknown>)) if (typeof v === 'boolean') metadata.python_accepted[k] = v;
  metadata.debian_versions = {};
  if (m.debian_versions && typeof m.debian_versions === 'object' && !Array.isArray(m.debian_versions))
    for (const [k, v] of Object.entries(m.debian_versions as Record<string, unknown>)) if (typeof v === 'string') metadata.debian_versions[k] = v;
  metadata.console_scripts = stringList(m.console_scripts);
  metadata.gui_scripts = stringList(m.gui_scripts);
  metadata.scripts = stringList(m.scripts);
  metadata.classifiers = stringList(m.classifiers);
  metadata.extras = {};
  if (m.extras && typeof m.extras === 'object' && !Array.isArray(m.extras))
    for (const [k, v] of Object.entries(m.extras as Record<string, unknown>)) metadata.extras[k] = stringList(v);
  const b = (obj.backend ?? {}) as Record<string, unknown>;
  const backend: BackendInfo = {
    name: typeof b.name === 'string' ? b.name : 'setuptools.build_meta',
    version: typeof b.version === 'string' ? b.version : null,
    requires: stringList(b.requires),
    packages: stringList(b.packages),
    packagePythons: verdictsByPackage(b.package_pythons),
    unmet: (Array.isArray(b.unmet) ? b.unmet : [])
      .filter((u): u is Record<string, unknown> => typeof u === 'object' && u !== null)
      .map((u) => ({ requirement: String(u.requirement ?? ''), why: String(u.why ?? ''), package: String(u.package ?? '') })),
    hook: typeof b.hook === 'string' ? b.hook : '',
    removed: stringList(b.removed),
    left: stringList(b.left),
    compiled: stringList(b.compiled).filter((k): k is 'c' | 'rust' => k === 'c' || k === 'rust'),
    libraries: stringList(b.libraries),
  };
  const fromIndex = b.from_index as Record<string, unknown> | undefined;
  if (fromIndex && typeof fromIndex === 'object') backend.fromIndex = { requires: stringList(fromIndex.requires), installed: stringList(fromIndex.installed) };
  const projectUrls: Record<string, string> = {};
  if (obj.project_urls && typeof obj.project_urls === 'object')
    for (const [k, v] of Object.entries(obj.project_urls as Record<string, unknown>)) if (typeof v === 'string') projectUrls[k] = v;
  return {
    metadata,
    projectUrls,
    sources: stringList(obj.sources).filter((s): s is MetadataSource => s === 'pyproject.toml' || s === 'setup.cfg' || s === 'setup.py'),
    backend,
    python: typeof obj.python === 'string' ? obj.python : '?',
    setuptools: typeof obj.setuptools === 'string' ? obj.setuptools : '?',
  };
}

function stringList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** {package: {X.Y: bool}} from the helper's JSON; anything else is left out (the package stays a Build-Depends). */
function verdictsByPackage(value: unknown): Record<string, Record<string, boolean>> {
  const out: Record<string, Record<string, boolean>> = {};
  if (!value || typeof value !== 'object' || Array.isArray(value)) return out;
  for (const [pkg, verdicts] of Object.entries(value as Record<string, unknown>)) {
    if (!verdicts || typeof verdicts !== 'object' || Array.isArray(verdicts)) continue;
    out[pkg] = Object.fromEntries(Object.entries(verdicts as Record<string, unknown>).filter((e): e is [string, boolean] => typeof e[1] === 'boolean'));
  }
  return out;
}
