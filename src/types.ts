/**
 * The contracts between the layers, in one place: what a project's answers are, what is recorded, what a plan
 * holds, and the two interfaces the CLI hands to library calls (an Output to report through, an Asker to ask
 * questions through). Types only: importing this module loads nothing.
 */

/** A tool (a command-line program packaged as a .deb, no daemon) exists from templates 1.2.0 on. */
export type ProjectType = 'service' | 'library' | 'tool';
/** A CI provider's id, as the registry (src/ci/providers.ts) lists them. */
export type { CiProvider } from './ci/providers.js';
import type { CiProvider } from './ci/providers.js';

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
  /** `pyservice deb` only: requirements.txt is the upstream's own list, not a pinned deploy set; not installed. */
  ignoreRequirementsTxt?: boolean;
  /**
   * `pyservice deb --kind service` only (templates 1.3.0): the service runs the upstream project's own program, not
   * a generated service. Its unit passes the env file's DAEMON_ARGS, and the generated service's settings and man
   * page are not shipped. Absent (create): false.
   */
  adopted?: boolean;
  /**
   * `pyservice deb` only (templates 1.6.0): the Debian form of an upstream version that is not a plain release
   * number (1.0.0rc1 → 1.0.0~rc1, 1.0.post1 → 1.0.0+post1), debian/changelog's first version; `version` is then
   * its release part.
   */
  debianVersion?: string;
  /** `pyservice deb` only (templates 1.3.0): the upstream project's name (debian/copyright Upstream-Name) when the package is named otherwise. */
  upstreamName?: string;
  /**
   * `pyservice deb` only (templates 1.4.0): Debian's python3 does not meet the project's build-system.requires
   * (pdm-backend on bookworm, hatchling>=1.26…), so the wheel's build installs them from the index in ./pip.conf
   * (or wheelhouse/) into debian/.pyservice/build-env first, as the read did. Absent: false (Build-Depends).
   */
  buildFromIndex?: boolean;
}

/** Names derived from `Answers.name`, shown to the user and used by templates. */
export interface DerivedNames {
  distName: string;
  importName: string;
  debName: string;
  /** The service's system user: the Debian name with `.` → `-`, at most 31 characters (systemd-sysusers' limit). */
  systemUser: string;
}

/** The record written to `.pyservice.json`: enough to re-render the project later, and no secrets. */
export interface ProjectRecord {
  tool: 'create-pyservice';
  toolVersion: string;
  templateVersion: string;
  created: string;
  /** `create`: a whole generated project; `deb`: only the debian/ files of the make-deb flow. */
  origin: 'create' | 'deb';
  /**
   * Where the templates came from, when not the shipped set: the source as given (never a credential, no
   * `#ref`: update follows newer tags) and the commit of the tag rendered. Absent for the shipped templates.
   */
  template?: { source: string; commit?: string };
  answers: Answers;
}

export type Mode = 0o644 | 0o755;
/** `merge` (default): update merges template changes; `create-once`: written at creation, then the team's. */
export type UpdatePolicy = 'merge' | 'create-once';

/** One file the project should have, fully rendered. */
export interface PlannedFile {
  path: string;
  content: Buffer;
  mode: Mode;
  policy: UpdatePolicy;
  template: string;
  /** See ManifestEntry.handover: the line of a file handed over to the team where its old edits are carried. */
  handover?: string;
}

/** Answers → files: what a template version renders for a project (plus the record and baseline). */
export interface FilePlan {
  templateVersion: string;
  files: PlannedFile[];
}

/** How library calls report progress. The CLI's implementation prints (src/cli/output.ts); tests capture. */
export interface Output {
  phase(msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
  raw(text: string): void;
}

export interface InputQuestion {
  kind: 'input';
  name: string;
  message: string;
  initial?: string;
  validate?: (value: string) => string | null;
  /** Shown under the answer as it is typed, e.g. derived names (plain text; the asker may style it). */
  hint?: (value: string) => string;
}
export interface SelectQuestion {
  kind: 'select';
  name: string;
  message: string;
  choices: readonly string[];
  /** What a choice means, shown beside it (the CI provider's name for its id). */
  describe?: (choice: string) => string;
  initial?: string;
}
export interface SecretQuestion {
  kind: 'password';
  name: string;
  message: string;
}
export interface ConfirmQuestion {
  kind: 'confirm';
  name: string;
  message: string;
  initial?: boolean;
}
export type Question = InputQuestion | SelectQuestion | SecretQuestion | ConfirmQuestion;

/**
 * Asks one question and returns the answer (string, or boolean for confirm); throws CancelledError on Ctrl-C.
 * Library calls take one only when a person can answer: no asker means "no terminal, never ask".
 */
export interface Asker {
  ask<T = string>(q: Question): Promise<T>;
}

// The library calls' requests and the update plan: what the CLI builds from flags, what the writer acts on.

// The update plan (update/plan-update.ts plans these, update/apply-update.ts writes them; deb reports them).
/** A path in the working tree, as the update found it. */
export type OursState =
  | { kind: 'missing' }
  | { kind: 'file'; content: Buffer; mode: Mode }
  | { kind: 'symlink' }
  | { kind: 'not-file'; what: string }
  /** The path cannot be written safely: a parent is a symlink or a file, or it leaves the repository. */
  | { kind: 'blocked'; reason: string };

export type FileActionKind = 'unchanged' | 'update' | 'merge' | 'conflict' | 'add' | 'remove' | 'rename' | 'skip';

export interface ConflictStages {
  /** Absent for add/add (git has no stage 1 then). */
  base?: { content: Buffer; mode: Mode };
  ours: { content: Buffer; mode: Mode };
  theirs: { content: Buffer; mode: Mode };
}

export interface FileAction {
  path: string;
  action: FileActionKind;
  reason: string;
  /** The old path of a file the template renamed. */
  from?: string;
  /** What `path` holds before the update (null: nothing); the journal checks it before writing. */
  before: Buffer | null;
  /** New content and mode for `path`. */
  write?: { content: Buffer; mode: Mode };
  /** Paths to delete (a removed file; the old path of a rename). */
  remove?: { path: string; before: Buffer }[];
  /** Left unmerged in git's index (stages 1/2/3). */
  stages?: ConflictStages;
  conflicts?: number;
  binary?: boolean;
  /** `--conflict rej`: the template's side of the conflicting hunks, as a patch beside the file. */
  rej?: { path: string; content: Buffer };
}

/** `create-pyservice` as a library call (create/run-create.ts): flags in, project out. */
export interface CreateRequest {
  dir?: string;
  given: Partial<Answers>;
  yes: boolean;
  git: boolean;
  dryRun: boolean;
  json: boolean;
  saveCredentials: boolean;
  templateVersion?: string;
  /** --template SOURCE[#tag]; absent: the shipped templates. */
  template?: string;
  trust?: boolean;
  pre?: boolean;
  /** Asks for what the flags did not give; absent when no one can answer (no terminal, CI). */
  asker?: Asker;
}

export interface CreateResult {
  dir: string;
  /** The directory as the user named it, for messages. */
  shown: string;
  plan: FilePlan;
  record: ProjectRecord;
  written: boolean;
  loginSaved: boolean;
}

/** `pyservice update` as a library call (update/run-update.ts): flags in, the updated project out. */
export interface UpdateRequest {
  /** Where to start looking for the project (default: the current directory). */
  dir?: string;
  to?: string;
  dryRun: boolean;
  diff: boolean;
  json: boolean;
  conflict: 'inline' | 'rej';
  allowDirty: boolean;
  yes: boolean;
  /** Answers given as flags: they change the recorded ones. */
  given: Partial<Answers>;
  /** `--ask`: asks the new questions and lets the user change answers (needs `asker`). */
  ask?: boolean;
  /** Present when a person can answer (a terminal); adopting, it asks what could not be read from the project. */
  asker?: Asker;
  /** Consider pre-release template versions (a team source's `-rc` tags) for the latest. */
  pre?: boolean;
  /** Trust the project's template source (stored in the user's trust list) before rendering it. */
  trust?: boolean;
}

/** `pyservice deb` as a library call: flags in, debian/ out. All terminal I/O goes through `out`. */
export interface DebRequest {
  dir: string;
  maintainer?: string;
  packageName?: string;
  distro?: string;
  python?: string;
  yes: boolean;
  dryRun: boolean;
  force: boolean;
  json: boolean;
  /** How long setup.py may run (default 30 s). */
  timeoutMs?: number;
  /** Present when a person can answer (a terminal): asks the maintainer and a missing synopsis. */
  asker?: Asker;
  /** The upstream version to package when the project's backend gives none (or to override it). */
  upstreamVersion?: string;
  /** A command-line tool (venv + /usr/bin links) or a service (systemd unit, system user, /etc settings). */
  kind?: 'tool' | 'service';
  /** The console script a service's unit runs. */
  serviceCommand?: string;
  /** Extras the project is installed with (a command that needs one its entry point does not name). */
  extras?: string[];
  /** The team's package-name prefix: the Debian package is PREFIX-NAME (default: $PYSERVICE_DEB_PREFIX). */
  prefix?: string;
  /** The private index: written to ./pip.conf (index-url only), as create does. */
  indexUrl?: string;
}

/** One planned file as deb reports it (update's action vocabulary; the baseline and record included). */
export interface DebFileReport {
  path: string;
  action: FileActionKind;
  mode: number;
  conflicts?: number;
  note?: string;
  /** From the file on disk to the template's version (a file that exists and would change). */
  diff?: string;
}
