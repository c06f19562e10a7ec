import { EXIT, UsageError } from '../errors.js';
import { shown } from '../../secrets/redact.js';
import type { Output } from '../output.js';
import { parseFlags } from '../flags.js';
import { terminalAsker } from '../prompts.js';
import { DISTROS } from '../../answers/distros.js';
import type { DebRequest } from '../../types.js';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { lockHolder } from '../../update/lock.js';
import { findRepo } from '../../update/worktree.js';

export const DEB_HELP = `Usage: pyservice deb [dir] [options]

Adds a debian/ directory (dh-virtualenv, the same files a generated service gets) to an existing Python
project. Metadata comes from the project's own build backend, run by --python in one subprocess that builds
nothing and leaves nothing behind (no pip or network but the index below): setuptools projects (setup.py,
setup.cfg, pyproject.toml [project]) as setuptools reads them; hatchling, flit_core, poetry-core, pdm and any
other PEP 517 backend through its prepare_metadata_for_build_wheel hook. Backends come from Debian packages
(python3-hatchling, flit, python3-poetry-core, python3-hatch-vcs…); a missing one is named, and one Debian
lacks (or has too old) comes from the team's index when there is one (--index-url, or ./pip.conf): then pip
installs the build requirements into a private folder first, for the read and for the .deb's build.

Options:
  --maintainer "NAME <EMAIL>"  Debian maintainer (default: DEBFULLNAME/DEBEMAIL, then git config user.name/email)
  --kind tool|service          a command-line tool (venv + /usr/bin links; no unit, no user, no /etc) or a
                               service (systemd unit, system user, /etc settings). Default: asked on a
                               terminal; otherwise an earlier run's kind, else tool
  --service-command NAME       the console script a service's unit runs (default: the first)
  --extras NAME[,NAME…]        install the project with these extras too (a command that needs one its entry
                               point does not name, e.g. python-dotenv's dotenv needs cli)
  --package NAME               Debian package name (default: the project's name, lowercase, _ → -); a name
                               Debian already uses (apt lists, dpkg status) is refused unless given here
  --prefix TEAM                package as TEAM-NAME (default: $PYSERVICE_DEB_PREFIX), to stay clear of Debian's
                               names
  --index-url URL              the team's index (PEP 503 /simple/): written to ./pip.conf (index-url only),
                               which the .deb's build (debian/pyservice.mk) installs dependencies from; build
                               requirements Debian's python3 lacks (pdm-backend, a newer hatchling) come from
                               it too, for the read and the build (so does an index-url already in ./pip.conf)
  --distro NAME                ${Object.keys(DISTROS).join('|')} (default: bookworm)
  --python PATH                interpreter that reads the metadata and builds the .deb (default: /usr/bin/python3)
  --upstream-version X         the version to package when the backend has none (e.g. a VCS version outside a
                               checkout; given to the backend as SETUPTOOLS_SCM_PRETEND_VERSION and PBR_VERSION)
  --timeout SECONDS            how long the backend may run, everything it starts included (default: 30;
                               300 when build requirements are first installed from the index)
  -y, --yes                    never ask: take fallbacks (and say which) for what the project does not declare
  --dry-run                    read and plan only: show the metadata, the files and the diff; write nothing
  --force                      merge into an existing debian/: identical files stay, missing ones are added,
                               differing ones keep your content with the differences marked as git conflicts
                               (after an earlier pyservice deb, a three-way merge against what it wrote:
                               your own edits stay, only lines both sides changed conflict)
  --json                       print the result as one JSON object (with --dry-run: writes nothing)
  -h, --help                   show this help

Only debian/*, .pyservice.json and .pyservice.baseline (and ./pip.conf with --index-url) are written, through
pyservice update's writer: a journal first (a run a kill interrupted is finished by the next one), each file
atomically, never through a symlink; in a git repository the result is staged and conflicts are left unmerged
in git's index (stages 1/2/3, as git merge does). Nothing is ever deleted.
Exit codes: 0 ok, 1 failure or conflicts left to resolve, 2 bad usage or bad input, 130 cancelled (Ctrl-C).
  1: conflicts were marked (like git merge: resolve, git add); setup.py or the backend failed or timed out;
     the backend or a build helper is not installed
  2: debian/ exists without --force; a broken pyproject.toml; no version; a name Debian uses; no maintainer and
     no terminal to ask; a planned file is a symlink or a directory; a merge or rebase in progress; a service
     or tool whose .pyservice.json says create-pyservice made it (pyservice update keeps its debian/)
`;

const OPTIONS = {
  maintainer: { type: 'string' },
  package: { type: 'string' },
  distro: { type: 'string' },
  python: { type: 'string' },
  timeout: { type: 'string' },
  'upstream-version': { type: 'string' },
  kind: { type: 'string' },
  'service-command': { type: 'string' },
  extras: { type: 'string' },
  prefix: { type: 'string' },
  'index-url': { type: 'string' },
  yes: { type: 'boolean', short: 'y' },
  'dry-run': { type: 'boolean' },
  force: { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export function parseDebArgs(argv: readonly string[]): DebRequest | 'help' {
  const { values, positionals } = parseFlags(argv, OPTIONS, 'pyservice deb');
  if (values.help) return 'help';
  // The extra words are not echoed: one of them might be a secret typed in the wrong place.
  if (positionals.length > 1) throw new UsageError(`expected at most one directory, got ${positionals.length} words; quote a directory name that has spaces`);
  let timeoutMs: number | undefined;
  const MAX_TIMEOUT_S = 86_400;
  if (typeof values.timeout === 'string') {
    const s = Number(values.timeout);
    if (!Number.isFinite(s) || s <= 0) throw new UsageError(`--timeout takes a number of seconds, got ${shown(values.timeout)}`);
    // Node's timers hold at most 2^31-1 ms (~24.8 days): past that a timer fires at once, and --timeout 1e9 killed
    // the backend immediately with 'did not finish within 1000000000 s'
    if (s > MAX_TIMEOUT_S) throw new UsageError(`--timeout takes at most ${MAX_TIMEOUT_S} seconds (a day), got ${shown(values.timeout)}`);
    timeoutMs = Math.round(s * 1000);
  }
  return {
    dir: positionals[0] ?? '.',
    maintainer: str(values.maintainer),
    packageName: str(values.package),
    distro: str(values.distro),
    python: str(values.python),
    yes: Boolean(values.yes),
    dryRun: Boolean(values['dry-run']),
    force: Boolean(values.force),
    json: Boolean(values.json),
    timeoutMs,
    upstreamVersion: str(values['upstream-version']),
    kind: str(values.kind) as DebRequest['kind'],
    serviceCommand: str(values['service-command']),
    ...(typeof values.extras === 'string' ? { extras: values.extras.split(',').map((e) => e.trim()).filter(Boolean) } : {}),
    prefix: str(values.prefix),
    indexUrl: str(values['index-url']),
  };
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export async function debCommand(argv: string[], out: Output): Promise<number> {
  const req = parseDebArgs(argv);
  if (req === 'help') {
    out.raw(DEB_HELP);
    return EXIT.ok;
  }
  // A dry run starts the metadata read now, before the rest of deb loads: Python runs on the other core meanwhile,
  // and runDeb's read takes it (read-metadata.ts). Only a dry run, and only while no other pyservice run writes
  // here: the helper removes whatever appears in the project while it runs (a backend's leftovers), so a real run
  // reads after taking its lock and before writing its journal, as runDeb orders it.
  const { startReading, dropStarted } = await import('../../python/read-metadata.js');
  if (req.dryRun) {
    const dir = resolve(req.dir);
    if (existsSync(dir) && lockHolder({ root: dir, gitDir: findRepo(dir)?.gitDir ?? null }) === null)
      startReading(dir, { python: req.python, timeoutMs: req.timeoutMs, pretendVersion: req.upstreamVersion });
  }
  let result;
  try {
    const { runDeb } = await import('../../deb/run-deb.js');
    // --yes and --json never ask (run-deb takes no asker then): not even whether there is a terminal to ask on
    result = await runDeb({ ...req, asker: req.yes || req.json ? undefined : terminalAsker() }, out);
  } finally {
    dropStarted();
  }
  // Like git merge (and pyservice update): conflicts left to resolve are a non-zero exit, so scripts can tell.
  return result.conflicts.length ? EXIT.conflicts : EXIT.ok;
}
