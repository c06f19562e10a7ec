import type { Answers } from '../answers/types.js';
import { shown } from '../secrets/redact.js';
import { deriveNames, nameProblem } from '../answers/names.js';
import type { DerivedNames } from '../answers/types.js';
import { consoleScriptsProblem, debianVersionProblem, descriptionProblem, urlProblem, versionProblem } from '../answers/validate.js';
import { defaultDescription } from '../answers/defaults.js';
import type { ProjectMetadata } from '../python/metadata.js';
import type { Maintainer } from './maintainer.js';
import { upstreamAuthors, upstreamLicense, type UpstreamLicense } from './copyright.js';
import type { LicenseFiles } from './license-files.js';
import { DISTROS, distroFor } from '../answers/distros.js';

/**
 * Metadata → the answers a generated service would have. Pure. Everything the project declares that the
 * templates cannot carry as is (a pre-release version, a long description, an odd console script) becomes a
 * note saying what was used instead, so nothing is changed silently.
 */

/** The recorded project name (Answers.name) for a Python distribution name: lowercase, so `toDebName` is Debian's. */
export function projectNameFor(meta: ProjectMetadata, packageFlag?: string): { name: string } | { problem: string } {
  if (packageFlag !== undefined) {
    const p = nameProblem(packageFlag);
    return p ? { problem: `${p.replace(/the project name/, 'the package name')} (--package)` } : { name: packageFlag };
  }
  if (!meta.name) return { problem: 'the project declares no name (setup.py name=, setup.cfg [metadata] name or pyproject.toml [project] name); pass --package NAME' };
  const name = meta.name.toLowerCase();
  const p = nameProblem(name);
  if (p) return { problem: `the project name "${meta.name}" cannot be a Debian package name: ${p}; pass --package NAME` };
  return { name };
}

/** How to give a version when the project's backend cannot: said in every "no version" message. */
export const VERSION_FIX = 'pass --upstream-version X (also given to setuptools_scm/hatch-vcs as SETUPTOOLS_SCM_PRETEND_VERSION and to pbr as PBR_VERSION), or build from a git checkout with a version tag';

/**
 * debian/changelog's first version. A plain release (1.2.0) is used as is; otherwise its release part
 * (1.2.0rc1 → 1.2.0, 1!2.0.post1 → 2.0): an UNRELEASED entry names the next release, and snapshots
 * (`pyservice version`) order below it. No version, or one without a release number, is a problem: a package
 * built as 0.0.0 would break "roll back by installing the previous .deb", so nothing is invented.
 */
/**
 * Requires-Python against the Python of the release the .deb is for: debian/rules installs the wheel with pip, which
 * refuses one whose Requires-Python excludes it ("requires a different Python"), so the build would fail after
 * minutes. `accepted` is packaging's verdict per version (the helper's); the reading interpreter's own full version
 * counts when it is the release's X.Y (bookworm's 3.11.2 for "~=3.11.4"), else X.Y. Null when accepted or unknown.
 */
export function requiresPythonProblem(meta: Pick<ProjectMetadata, 'requires_python' | 'python_accepted'>, distro: string, interpreter: string): string | null {
  const target = DISTROS[distro]?.python;
  const accepted = meta.python_accepted ?? {};
  if (!target || !meta.requires_python) return null;
  const version = interpreter.startsWith(`${target}.`) && interpreter in accepted ? interpreter : target;
  if (accepted[version] !== false) return null;
  const others = Object.values(DISTROS).filter((d) => d.codename !== distro && accepted[d.python] === true);
  return (
    `the project requires Python ${shown(meta.requires_python)} (Requires-Python) and ${distro}'s python3 is ${version}: pip would refuse to install it while the package builds; ` +
    (others.length ? `package it for ${others.map((d) => `--distro ${d.codename} (Python ${d.python})`).join(' or ')}, built on that release, or ` : '') +
    'relax requires-python upstream'
  );
}

export function debianVersionFor(version: string | null, forms: Readonly<Record<string, string>> = {}): { version: string; debianVersion?: string; note?: string } | { problem: string } {
  if (version === null) return { problem: `the project declares no version; ${VERSION_FIX}` };
  // Release 0 (0.0.0, 0.0.0.dev0, 0+unknown) is a placeholder, never a release: poetry-dynamic-versioning's
  // `version = "0.0.0"` under plain poetry-core, setuptools_scm's fallback_version outside git. Every release would
  // build as it, and no .deb could be told from the one before (rollback)
  if (/^[vV]?(?:\d+!)?0+(?:\.0+)*(?![.]?\d)/.test(version.trim()))
    return { problem: `the project's version reads ${version}, a placeholder (release 0): every release would build as ${version}, and no .deb could be told from the one before it; ${VERSION_FIX}` };
  if (!versionProblem(version)) return { version };
  // A pre-, post- or development release (1.0.0rc1): the changelog starts at its Debian form, which sorts as PEP 440
  // does, so the release build of that tag (debian/pyservice-version release v1.0.0rc1) is not "lower than the
  // changelog", and the final 1.0.0 upgrades it. The form is the helper's, from the projects' own program.
  const form = forms[version];
  const release = form ? /^(?:\d+:)?(\d+(?:\.\d+)*)/.exec(form) : null;
  if (form && release && !debianVersionProblem(form) && !versionProblem(release[1]!)) return { version: release[1]!, debianVersion: form, note: `debian/changelog starts at ${form}, the Debian form of the Python version ${version} (dpkg orders it as PEP 440 does)` };
  const plain = /^[vV]?(?:\d+!)?(\d+(?:\.\d+){0,3})/.exec(version.trim());
  if (!plain) return { problem: `the version "${version}" has no release number; ${VERSION_FIX}` };
  return { version: plain[1]!, note: `debian/changelog starts at ${plain[1]} (the release part of the Python version ${version})` };
}

/**
 * The synopsis lintian expects from the description's first line: no leading package name
 * (description-starts-with-package-name: "yamllint: a linter", "Rich is a library"), no leading article
 * (description-synopsis-starts-with-article), no final full stop, at most 80 characters; a fallback and why
 * when nothing usable is left.
 */
export function synopsisFor(meta: ProjectMetadata, kind: 'service' | 'tool' = 'service', names: string[] = [], lintian = true): { description: string; problem?: string } {
  const fallback = defaultDescription(kind);
  const raw = meta.description;
  if (raw === null) return { description: fallback, problem: 'the project declares no description' };
  let first = (raw.split(/\r\n|\r|\n/).find((l) => l.trim() !== '') ?? '').replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ').replace(/\s+/g, ' ').trim();
  // The rules below are regexes whose cost grows with the square of a run they retry ('\\\\…', '[[[…': 50 kB took
  // 2-4 s); a synopsis keeps at most 80 characters, so only the first SYNOPSIS_READ are looked at
  const length = [...first].length;
  if (first.length > SYNOPSIS_READ) first = first.slice(0, SYNOPSIS_READ);
  // An emoji's presentation selector (U+FE0F after 🛠) and the joiner inside an emoji sequence only choose how a
  // pictograph is drawn: dropped, so domdf-python-tools' "Helpful functions for Python 🐍 🛠️" is not refused as
  // hiding characters (any other invisible character still is)
  if (lintian) first = first.replace(/(\p{Extended_Pictographic})[\ufe0e\ufe0f]/gu, '$1').replace(/(\p{Extended_Pictographic})\u200d(?=\p{Extended_Pictographic})/gu, '$1');
  // A Markdown link is its text in a plain-text synopsis: myst-parser's "An extended [CommonMark](https://spec…) compliant parser"
  if (lintian) first = first.replace(/\[([^\]\n]+)\]\((?:https?:[^)\s]*|[^)\s]*)\)/g, '$1');
  // Adoption (pyservice update) keeps the project's own words; the Debian synopsis is cleaned
  const own = lintian ? [...new Set([meta.name ?? '', ...names].filter(Boolean).map((n) => n.toLowerCase()))] : [];
  for (const n of own) {
    const quoted = n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/[-_.]/g, '[-_. ]');
    const lead = new RegExp(`^${quoted}(?:\\s*[:,\u2013\u2014-]\\s+|\\s+(?:is|provides)\\s+)`, 'i');
    // lintian's rule (an error) is any start with the package name as a word: "Pexpect allows…", "multidict implementation"
    const word = new RegExp(`^${quoted}(?![A-Za-z0-9])[\\s:,-]*`, 'i');
    if (lead.test(first)) {
      first = first.replace(lead, '');
      first = first.replace(/^(?:an?|the)\s+/i, '');
      if (first) first = first[0]!.toUpperCase() + first.slice(1);
      break;
    }
    const rest = first.replace(word, '');
    if (rest !== first && rest.split(/\s+/).filter(Boolean).length >= 3) {
      // "Cleo allows you to create…" → "Allows you to create…"
      first = rest[0]!.toUpperCase() + rest.slice(1);
      break;
    }
    if (rest !== first && rest.trim() !== '' && /^[A-Za-z]/.test(rest)) {
      // Too few words to stand alone: "multidict implementation" → "Implementation of multidict"
      first = `${rest[0]!.toUpperCase()}${rest.slice(1).replace(/[.\s]+$/, '')} of ${first.slice(0, first.length - rest.length).trim()}`;
      break;
    }
  }
  const before = first;
  if (lintian) first = first.replace(/^(?:an?|the)\s+/i, '');
  // What was the second word now starts the synopsis: capitalised, as the sentence was
  if (first !== before && first) first = first[0]!.toUpperCase() + first.slice(1);
  // No final full stop; nor a comma, semicolon or colon left where a backend cut a sentence at its first line break
  // (flit_core 3.8 publishes myst-parser's "…compliant parser,\nwith bridges to docutils & sphinx." as "…parser,")
  // A trailing backslash would join the systemd unit's next line to its Description= (descriptionProblem)
  if (lintian) first = first.replace(/[\s\\]+$/, '').replace(/(?<!\.)\.$/, '').replace(/\s*[,;:]+$/, '').trim();
  // A summary that is only the name (flit's module docstring "click_default_group") says nothing: ask, or fall back
  const bare = (x: string) => x.toLowerCase().replace(/[-_. ]+/g, '-');
  if (lintian && first !== '' && own.some((n) => bare(n) === bare(first))) return { description: fallback, problem: `the project's description is only its name (${shown(first)})` };
  if (!descriptionProblem(first)) return { description: first };
  if (first === '') return { description: fallback, problem: 'the project\'s description is blank' };
  const chars = [...first];
  if (chars.length > 80) {
    const cut = chars.slice(0, 79).join('');
    const atWord = cut.replace(/\s+\S*$/, '');
    return { description: (atWord.length >= 40 ? atWord : cut).replace(/[\s.,;:]+$/, '') + '…', problem: `the project's description is ${length > chars.length ? length : chars.length} characters long (at most 80 fit a Debian synopsis)` };
  }
  return { description: fallback, problem: `the project's description is unusable: ${descriptionProblem(first)}` };
}

/** How much of a summary's first line synopsisFor reads (a synopsis keeps at most 80 characters). */
const SYNOPSIS_READ = 1000;
/** An entry point longer than this is no command anyone types; its regexes would cost the square of its length. */
const ENTRY_MAX = 500;

/**
 * Console scripts as the templates write them ("name = module:func"). An entry point that needs an extra
 * ("blackd = blackd:main [d]") keeps it in `extras` so the .deb installs that extra; one whose extra the project
 * does not declare is left out with a note (it would crash on a missing module).
 */
/** Why a project with no command at all (console or GUI scripts, setup.py scripts=) gets no .deb. */
export const LIBRARY_REFUSAL =
  'the project declares no console or GUI scripts, so it is a library: it ships as a wheel to your package index (pip install), not as a .deb; a tool package is its commands in /usr/bin, so add [project.scripts] (or entry_points console_scripts) to package one';

const SERVICE_ENTRY_FIX = (name: string) => `declare the daemon as one upstream (entry_points console_scripts, or [project.scripts]: "${name} = module:function") and pass --service-command ${name}`;

/**
 * Why a service has no daemon to run: no console script survived (consoleScriptsFor's notes say why each was left
 * out). debian/ would be written with the generated-service default, a unit whose ExecStart and a /usr/bin link
 * naming /opt/venvs/PKG/bin/NAME, which no build of the project makes. Measured: prometheus-openstack-exporter
 * 0.1.4 (its daemon a setup.py scripts= file) as --kind service --package acme-openstack-exporter wrote
 * ExecStart=/opt/venvs/acme-openstack-exporter/bin/acme-openstack-exporter, a program its wheel does not have.
 */
export function serviceCommandRefusal(meta: ProjectMetadata, debName: string): string {
  const where = `a service's unit runs a console script's command (/opt/venvs/${debName}/bin/NAME)`;
  const files = meta.scripts ?? [];
  if (files.length) return `the project's commands are setup.py scripts= files (${files.join(', ')}), not entry points, and ${where}; ${SERVICE_ENTRY_FIX(files[0]!)}`;
  if (meta.console_scripts.length) return `none of the project's console scripts can be the service's daemon (see the notes), and ${where}; fix them in [project.scripts] (or entry_points console_scripts)`;
  return `the project declares no console scripts, so a service has no daemon to run: ${where}; ${SERVICE_ENTRY_FIX('NAME')}, or ship a library as a wheel to your package index`;
}

/** A library: no console or GUI script and no setup.py scripts= file (nothing a tool or a service could run). */
export function hasNoCommands(meta: ProjectMetadata): boolean {
  return meta.console_scripts.length === 0 && (meta.gui_scripts ?? []).length === 0 && (meta.scripts ?? []).length === 0;
}

export function consoleScriptsFor(meta: ProjectMetadata, kind: 'tool' | 'service' = 'service'): { scripts: string[]; extras: string[]; notes: string[] } {
  const scripts: string[] = [];
  const extras: string[] = [];
  const notes: string[] = [];
  const declared = new Set(Object.keys(meta.extras ?? {}).map(normalExtra));
  const named = (e: string) => e.split('=')[0]!.trim();
  // A tool's commands include its gui_scripts (a GUI launcher; on Linux pip makes the same bin/ wrapper), after the
  // console scripts and never shadowing one; a service's commands are its console scripts only
  const gui = (meta.gui_scripts ?? []).filter((g) => !meta.console_scripts.some((c) => named(c) === named(g)));
  if (kind === 'service' && gui.length) notes.push(`gui_scripts are not linked into /usr/bin for a service: ${gui.map(named).join(', ')} (package it as a tool to have them)`);
  for (const entry of [...meta.console_scripts, ...(kind === 'tool' ? gui : [])]) {
    if (entry.length > ENTRY_MAX) {
      notes.push(`console script ${shown(entry.slice(0, 60))}… (${entry.length} characters) is left out: it is not "name = module:function"`);
      continue;
    }
    const wanted = /\[([^\]]*)\]\s*$/.exec(entry)?.[1]?.split(',').map((e) => e.trim()).filter(Boolean) ?? [];
    const normal = entry.replace(/\s*\[[^\]]*\]\s*$/, '').replace(/\s*=\s*/, ' = ').trim();
    const missing = wanted.filter((e) => !declared.has(normalExtra(e)));
    const unnamed = wanted.filter((e) => !EXTRA_NAME.test(e));
    if (consoleScriptsProblem([normal])) notes.push(`console script "${entry}" is left out: it is not "name = module:function"`);
    // debian/pyservice.mk installs the wheel with its extras ('w.whl[a,b]'): only names PEP 685 allows go there
    else if (unnamed.length) notes.push(`console script "${entry}" is left out: its extra ${unnamed.map((e) => shown(e)).join(', ')} is not a valid extra name (letters, digits, - _ .)`);
    else if (missing.length) notes.push(`console script "${entry}" is left out: it needs the extra ${missing.join(', ')}, which the project does not declare`);
    // pip installs one bin/NAME: the first entry of a name wins, as in the wheel's entry_points.txt
    else if (!scripts.includes(normal) && scripts.some((s) => named(s) === named(normal))) notes.push(`console script "${entry}" is left out: the name ${named(normal)} is already the command of an earlier entry`);
    else if (!scripts.includes(normal)) {
      scripts.push(normal);
      for (const e of wanted) if (!extras.includes(normalExtra(e))) extras.push(normalExtra(e));
    }
  }
  if (extras.length) notes.push(`the console scripts need the extra${extras.length > 1 ? 's' : ''} ${extras.join(', ')}: the .deb installs the project with ${extras.length > 1 ? 'them' : 'it'}`);
  return { scripts, extras, notes };
}

/**
 * The extras the .deb installs the project with: those its entry points name, then --extras. An extra --extras
 * names that the project does not declare is input to fix (exit 2). A tool whose extras look like a command line's
 * own ("cli", "console", "scripts", or a command's name) and are not installed gets a note: python-dotenv's
 * `dotenv` entry point names no extra, yet exits "not installed with cli option" without click.
 */
export function chosenExtras(meta: ProjectMetadata, kind: 'tool' | 'service', flag: string[], fromScripts: string[]): { extras: string[]; notes: string[] } {
  const declared = new Map(Object.keys(meta.extras ?? {}).map((e) => [normalExtra(e), e]));
  const extras = [...fromScripts];
  for (const e of flag) {
    if (!EXTRA_NAME.test(e)) throw new DebInputError(`${shown(e)} is not a valid extra name (--extras takes names of letters, digits, - _ and .)`);
    if (!declared.has(normalExtra(e)))
      throw new DebInputError(`the project declares no extra ${shown(e)} (--extras); it declares: ${[...declared.values()].join(', ') || 'none'}`);
    if (!extras.includes(normalExtra(e))) extras.push(normalExtra(e));
  }
  const notes: string[] = [];
  if (flag.length) notes.push(`the .deb installs the project with the extra${flag.length > 1 ? 's' : ''} ${flag.map(normalExtra).join(', ')} (--extras)`);
  const commands = new Set([...meta.console_scripts, ...(meta.gui_scripts ?? [])].map((c) => normalExtra(c.split('=')[0]!.trim())));
  const commandLike = [...declared.keys()].filter((e) => !extras.includes(e) && (/^(cli|console|scripts?|cmd|commands?)$/.test(e) || commands.has(e)));
  if (kind === 'tool' && commandLike.length)
    notes.push(
      `the project declares the extra${commandLike.length > 1 ? 's' : ''} ${commandLike.join(', ')}, which its commands may need (no entry point names ${commandLike.length > 1 ? 'them' : 'it'}, so the .deb leaves ${commandLike.length > 1 ? 'them' : 'it'} out): ` +
        `if a command fails on a missing module, pass --extras ${commandLike.join(',')}`,
    );
  return { extras, notes };
}

/** An extra's requirements, found by its PEP 685 name. */
function extraRequirements(meta: ProjectMetadata, extra: string): string[] {
  const key = Object.keys(meta.extras ?? {}).find((k) => normalExtra(k) === extra);
  return key === undefined ? [] : meta.extras[key]!;
}

/** What an extra's name may be (PEP 685's valid names; the answers check asks the same of scriptExtras). */
const EXTRA_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** PEP 685: extras compare lowercased with runs of -_. as '-'. */
const normalExtra = (e: string) => e.toLowerCase().replace(/[-_.]+/g, '-');

/**
 * The home page: setuptools' `url`, else a project_urls entry, the home page first, then the source repository
 * (what Debian packages of projects without a web site use as Homepage). Labels compare as PEP 753 normalises
 * them (lowercase, no punctuation or spaces): "Home-page", "homepage", "Source Code", "Repository", "GitHub".
 */
export function homepageFor(meta: ProjectMetadata, projectUrls: Record<string, string> = {}): string | null {
  if (meta.url) return meta.url;
  const label = (k: string) => k.toLowerCase().replace(/[^a-z0-9]/g, '');
  for (const wanted of HOMEPAGE_LABELS) {
    const key = Object.keys(projectUrls).find((k) => wanted.includes(label(k)));
    if (key) return projectUrls[key]!;
  }
  return null;
}
const HOMEPAGE_LABELS = [['homepage', 'home'], ['source', 'sourcecode', 'repository', 'repo', 'code', 'github', 'gitlab']];

export interface DebAnswerInputs {
  meta: ProjectMetadata;
  projectUrls?: Record<string, string>;
  name: string;
  maintainer: Maintainer;
  distro: string;
  /** The synopsis, once chosen (asked or fallback). */
  description: string;
  kind?: 'service' | 'tool';
  /** A service's daemon: the console script systemd runs (first otherwise). */
  serviceCommand?: string;
  /** Extras to install with the project (--extras): a command that needs one its entry point does not name. */
  extras?: string[];
  /** A setuptools project's Debian packages for its pyproject.toml build-system.requires and setup_requires. */
  buildPackages?: string[];
  /** Build packages whose requirements hold only under a marker: whether it holds, per Python X.Y (the helper's). */
  packagePythons?: Record<string, Record<string, boolean>>;
  /** What the build compiles (the helper's backend.compiled): "c" and/or "rust". */
  compiled?: readonly ('c' | 'rust')[];
  /** System libraries the C extensions link (setup() Extension libraries=). */
  libraries?: readonly string[];
  /** The PEP 517 backend when it is not setuptools, and the Debian packages its build-system.requires map to. */
  backend?: { name: string; packages: string[] };
  indexUrl?: string;
  /**
   * build-system.requires came from the team's index for the read (Debian's python3 does not meet them): the build
   * installs them from there too, so they are no Build-Depends. `shown`: the index as messages print it.
   */
  fromIndex?: { requires: string[]; shown: string };
  /** The project's requirements.txt, when it has one (a deploy set only when every requirement is pinned). */
  requirementsTxt?: string;
  /** The project's requirements.lock, when it has one: debian/pyservice.mk installs it instead (--no-deps). */
  requirementsLock?: string;
  /** The wheels in the project's wheelhouse/ (debian/rules installs from it, offline, when it exists). */
  wheelhouse?: string[];
  /** What licensecheck read from the project's license files (asked only when the metadata names no license). */
  licenseFiles?: LicenseFiles | null;
}

/** The requirement lines of a requirements file that do not pin one version (`name==1.2`): options skipped. */
export function unpinnedRequirements(text: string): string[] {
  return text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((l) => l.replace(/(^|\s)#.*$/, '').trim())
    .filter((l) => l !== '' && !l.startsWith('-'))
    .filter((l) => !/^[A-Za-z0-9][A-Za-z0-9._-]*(\[[^\]]*\])?\s*===?\s*[^\s;,<>=!~]+\s*(;[^-]*)?(\s--hash\S*)*$/.test(l));
}

/** The requirement of each line of a requirements file, as pip reads it: comments, options (-r, -e…) and per-line options (--hash) dropped. */
export function requirementLines(text: string): string[] {
  return text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((l) => l.replace(/(^|\s)#.*$/, '').trim())
    .filter((l) => l !== '' && !l.startsWith('-'))
    // The first ' --option' ends the requirement (found with indexOf: a regex retried each blank of a long run)
    .map((l) => {
      const opt = / --\S/.exec(l.replace(/\s/g, ' '));
      return (opt ? l.slice(0, opt.index) : l).trim();
    });
}

/** PEP 503 normalised name of a requirement ('Foo_Bar>=1' → 'foo-bar'), or of a wheel file name. */
const normalName = (s: string) => s.toLowerCase().replace(/[-_.]+/g, '-');
const requirementName = (r: string) => normalName(/^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(r)?.[1] ?? r);
const wheelName = (f: string) => normalName(f.split('-')[0] ?? f);

export function debAnswers(i: DebAnswerInputs): { answers: Answers; notes: string[] } {
  const notes: string[] = [];
  const kind = i.kind ?? 'service';
  const version = debianVersionFor(i.meta.version, i.meta.debian_versions);
  if ('problem' in version) throw new Error(`internal: debAnswers called without a version (${version.problem})`);
  if (version.note) notes.push(version.note);
  let url = homepageFor(i.meta, i.projectUrls) ?? '';
  const urlIssue = urlProblem(url, 'url');
  if (urlIssue) {
    notes.push(`the project's url is left out of debian/control: ${urlIssue.replace(/ \(url\)$/, '')}`);
    url = '';
  }
  const scripts = consoleScriptsFor(i.meta, kind);
  notes.push(...scripts.notes);
  let consoleScripts = scripts.scripts;
  if (kind === 'service' && i.serviceCommand !== undefined) {
    const chosen = consoleScripts.find((s) => s.split('=')[0]!.trim() === i.serviceCommand);
    if (!chosen && (i.meta.scripts ?? []).includes(i.serviceCommand))
      // prometheus-openstack-exporter 0.1.4: its daemon is a setup.py scripts= file, which pip puts in the venv's bin/,
      // but the unit and /usr/bin links debian/ is written with are an entry point's (templates 1.3.0 … 1.6.0)
      throw new DebInputError(`${shown(i.serviceCommand)} (--service-command) is a setup.py scripts= file, not an entry point, and the unit debian/ gets runs an entry point's command; ${SERVICE_ENTRY_FIX(i.serviceCommand)}`);
    if (!chosen) throw new DebInputError(`the project has no console script ${shown(i.serviceCommand)} (--service-command); it has: ${consoleScripts.map((s) => s.split('=')[0]!.trim()).join(', ') || 'none'}`);
    consoleScripts = [chosen, ...consoleScripts.filter((s) => s !== chosen)];
  }
  if (kind === 'tool' && consoleScripts.length === 0)
    // A project with no command at all is a library (idna, packaging, ptyprocess…): a service would run a script it
    // does not have, so --kind service is no way out for it
    throw new DebInputError(
      scripts.notes.length || (i.meta.gui_scripts ?? []).length
        ? 'none of the project\'s console scripts can be packaged (see the notes), and a tool package is its commands in /usr/bin; fix them in [project.scripts] (or entry_points console_scripts)'
        : (i.meta.scripts ?? []).length
          ? `the project's commands are setup.py scripts= files (${(i.meta.scripts ?? []).join(', ')}), not entry points, and a tool package links entry points into /usr/bin; declare each as an entry point (entry_points console_scripts "name = module:function") to package it`
          : LIBRARY_REFUSAL,
    );
  const unlinked = (i.meta.scripts ?? []).filter((f) => !consoleScripts.some((c) => c.split('=')[0]!.trim() === f));
  if (unlinked.length)
    notes.push(`setup.py scripts= files are installed in the venv's bin/ but not linked into /usr/bin (only entry points are): ${unlinked.join(', ')}; declare them as console_scripts entry points to have them there`);
  if (kind === 'service' && consoleScripts.length === 0)
    // Answers.consoleScripts = [] means "the service default" to the templates, a script this project does not have.
    notes.push(`the project declares no console_scripts: the unit runs a command named "${i.name}" (the generated-service default), which this project does not install; add a console script (and --service-command NAME) or edit debian/ before building`);
  if (kind === 'service' && consoleScripts.length) notes.push(serviceUnitNote(deriveNames(i.name), consoleScripts[0]!.split('=')[0]!.trim()));
  if (kind === 'service' && consoleScripts.length > 1 && i.serviceCommand === undefined)
    notes.push(`the service runs the console script ${consoleScripts[0]!.split('=')[0]!.trim()} (the first); choose another with --service-command NAME`);
  const extras = chosenExtras(i.meta, kind, i.extras ?? [], scripts.extras);
  notes.push(...extras.notes);
  // wheelhouse/ (when present) is where debian/rules installs from, offline: what it holds needs no index
  const housed = new Set((i.wheelhouse ?? []).filter((f) => f.endsWith('.whl')).map(wheelName));
  // A requirement whose marker is false for the target python3 (colorama on win32) is never installed: not needed;
  // one a wheel of Debian's python-wheels satisfies (setuptools) is installed from there, offline
  const notNeeded = new Set([...(i.meta.not_here ?? []), ...(i.meta.debian_wheels ?? [])]);
  // An upstream requirements.txt is often a development list (tox, linters), not what the package should run
  const unpinned = i.requirementsTxt === undefined ? [] : unpinnedRequirements(i.requirementsTxt);
  // What pip installs (debian/pyservice.mk): requirements.lock alone (--no-deps), else a pinned requirements.txt
  // and the wheel's own dependencies; a pin in the deploy set stands for the wheel's requirement of that name
  const deploy = i.requirementsLock !== undefined ? requirementLines(i.requirementsLock) : i.requirementsTxt !== undefined && unpinned.length === 0 ? requirementLines(i.requirementsTxt) : [];
  const pinned = new Set(deploy.map(requirementName));
  const fromWheel = i.requirementsLock !== undefined ? [] : [...(i.meta.install_requires ?? []), ...extras.extras.flatMap((e) => extraRequirements(i.meta, e))];
  const wanted = [...deploy, ...fromWheel.filter((r) => !pinned.has(requirementName(r)))];
  const requires = [...new Set(wanted)].filter((r) => !notNeeded.has(r) && (i.wheelhouse === undefined || !housed.has(requirementName(r))));
  if (i.wheelhouse !== undefined && requires.length > 0)
    notes.push(`wheelhouse/ has no wheel for ${requires.join(', ')}: debian/rules installs from wheelhouse/ and Debian's wheels only (no index), so the build fails until they are added (make wheelhouse, or copy the wheels there)`);
  else if (requires.length > 0 && !i.indexUrl)
    notes.push(
      `the project needs ${requires.length} package${requires.length === 1 ? '' : 's'} from an index (${requires.join(', ')}), which cannot be met offline from Debian's wheels: ` +
        'debian/rules installs from the index-url in ./pip.conf (pass --index-url URL to write it; credentials in ~/.netrc), or put their wheels in wheelhouse/ (offline)',
    );
  if (unpinned.length > 0 && i.requirementsLock === undefined)
    notes.push(
      `requirements.txt is not a pinned deploy set (unpinned: ${unpinned.slice(0, 3).join(', ')}${unpinned.length > 3 ? ', …' : ''}): the package installs the wheel's own dependencies, not requirements.txt; ` +
        'pin the deploy set in requirements.lock (name==version --hash=…) to install that instead',
    );
  const license = licenseFor(i.meta, i.licenseFiles);
  if (license?.from.endsWith('(licensecheck)')) notes.push(`debian/copyright names the license ${license.dep5}, read from ${license.from}: the metadata names none it can use${i.meta.license ? ` (License: ${JSON.stringify(i.meta.license.split('\n')[0])})` : ''}`);
  if (!license)
    notes.push(
      `the project declares no license debian/copyright can name${i.licenseFiles && 'problem' in i.licenseFiles ? ` and ${i.licenseFiles.problem}` : ''}: debian/copyright says "proprietary, all rights reserved"; ` +
        'declare one upstream (License-Expression) or edit debian/copyright if that is wrong',
    );
  const toolchain = toolchainFor(i.compiled ?? [], i.libraries ?? []);
  notes.push(...toolchain.notes);
  // From the index, build-system.requires are no Build-Depends (Debian's would be too old, or there are none); the
  // build reads them from pyproject.toml with tomllib, which Python < 3.11 (jammy) has as python3-tomli
  // A requirement whose marker excludes the target release's Python is no Build-Depends there: backports.zoneinfo;
  // python_version < '3.9' named python3-backports-zoneinfo, which no release has, and the build stopped at 'Unmet
  // build dependencies'
  const targetPython = distroFor(i.distro).python;
  const buildRequirementPackages = (i.fromIndex ? [] : [...(i.backend?.packages ?? []), ...(i.buildPackages ?? [])]).filter((p) => i.packagePythons?.[p]?.[targetPython] !== false);
  if (i.fromIndex) {
    notes.push(
      `build-system.requires (${i.fromIndex.requires.join(', ')}) came from ${i.fromIndex.shown} for the read, since Debian's python3 does not meet them: ` +
        'debian/pyservice.mk installs them from the index-url in ./pip.conf (or wheelhouse/) into debian/.pyservice/build-env before it builds the wheel, so the build needs that index (login from ~/.netrc) or their wheels in wheelhouse/',
    );
  }
  const tomli = i.fromIndex && Number(distroFor(i.distro).python.split('.')[1]) < 11 ? ['python3-tomli'] : [];
  const authors = upstreamAuthors(i.meta);
  const answers: Answers = {
    type: kind,
    name: i.name,
    description: i.description,
    author: i.maintainer.name,
    email: i.maintainer.email,
    url,
    version: version.version,
    ...(version.debianVersion ? { debianVersion: version.debianVersion } : {}),
    ci: 'none',
    indexUrl: i.indexUrl ?? '',
    uploadUrl: '',
    indexUser: '',
    distro: i.distro,
    buildDeps: [...new Set([...buildRequirementPackages, ...tomli, ...toolchain.packages])],
    consoleScripts,
    ...(license ? { license: license.dep5 } : {}),
    ...(license && authors.length ? { upstreamAuthors: authors } : {}),
    ...(i.backend ? { buildBackend: i.backend.name } : {}),
    ...(extras.extras.length ? { scriptExtras: extras.extras } : {}),
    ...(unpinned.length ? { ignoreRequirementsTxt: true } : {}),
    // Templates 1.3.0: a service made from the upstream project's own program (ExecStart takes DAEMON_ARGS), and the
    // upstream name for debian/copyright when the package is named otherwise (--prefix, --package)
    ...(kind === 'service' ? { adopted: true } : {}),
    ...(i.meta.name && i.meta.name !== deriveNames(i.name).distName ? { upstreamName: i.meta.name } : {}),
    ...(i.fromIndex ? { buildFromIndex: true } : {}),
  };
  return { answers, notes };
}

/**
 * Build-Depends for what the build compiles. The wheel is built with Debian's python3 and no isolation, so a
 * compiler's inputs come from Build-Depends alone: an extension module (markupsafe, multidict, msgspec: C;
 * contourpy: C++ through meson-python) needs Python's headers (python3-dev; build-essential is implied), a Rust one
 * (bcrypt 4.x, cryptography through setuptools-rust or maturin) cargo and rustc as well. Without them the build
 * failed on a clean builder ("Python.h: No such file or directory") although deb had said nothing.
 */
export function toolchainFor(compiled: readonly ('c' | 'rust')[], libraries: readonly string[] = []): { packages: string[]; notes: string[] } {
  const packages: string[] = [];
  const notes: string[] = [];
  if (compiled.includes('c') || compiled.includes('rust')) packages.push('python3-dev');
  // quisk 4.2 links fftw3, asound, pulse and portaudio: with python3-dev alone the build stopped at the compiler.
  // Which package has a library's headers is the archive's to say (asound's is libasound2-dev, portaudio's
  // portaudio19-dev), so the names are said, not guessed into debian/control
  if (libraries.length)
    notes.push(
      `the project's C extensions link ${libraries.join(', ')} (setup() Extension libraries=): add the development packages that ship ${libraries.map((l) => `lib${l}.so`).join(', ')} and their headers ` +
        `to Build-Depends in debian/control (apt-file search lib${libraries[0]}.so names one), or the build stops at the compiler`,
    );
  if (compiled.includes('rust')) {
    packages.push('cargo', 'rustc');
    notes.push(
      'the project compiles Rust (Build-Depends cargo, rustc): cargo downloads its crates while the package builds, so an offline build needs them vendored in the project (cargo vendor, and a .cargo/config.toml that points at the copy), and Debian\'s rustc may be older than the crates ask',
    );
  }
  return { packages, notes };
}

/** The metadata's license, else the one licensecheck read from the license files (where: "LICENSE.txt (licensecheck)"). */
export function licenseFor(meta: ProjectMetadata, files?: LicenseFiles | null): UpstreamLicense | null {
  const declared = upstreamLicense(meta);
  if (declared) return declared;
  return files && 'dep5' in files ? { dep5: files.dep5, from: `${files.files.join(', ')} (licensecheck)` } : null;
}

/**
 * What the unit of a service made from someone else's program does (templates 1.3.0): it runs the command with the
 * env file's DAEMON_ARGS, empty as shipped. Measured with gunicorn as a service under templates 1.2.0: the unit's
 * bare `gunicorn` exited "Error: No application module specified." (systemd would restart it every 5 s), while the
 * same binary, given its arguments, served as the service user; a daemon that needs arguments gets them there.
 */
function serviceUnitNote(n: DerivedNames, command: string): string {
  // The unit is Type=exec: the process it starts is the service. Measured with supervisor 4.2.5 (trixie source) as a
  // service: its supervisord, given a config, forks into the background and exits 0 at once, which systemd takes for
  // the end of the service (and stops what it left running); with -n it stayed in the foreground, ran its programs and
  // exited 0 on SIGTERM. Whether a program daemonizes is not in its metadata: the note says what to look for.
  // The package starts the unit when installed (dh_installsystemd: deb-systemd-invoke start in postinst), with the
  // shipped empty DAEMON_ARGS. Measured from the ExecStart line as the service user: bottle 0.13.2 exits 1 'No
  // application entry point specified', supervisord 4.2.5 exits 2 'No config file found at default paths'.
  return (
    `the unit runs /opt/venvs/${n.debName}/bin/${command} $DAEMON_ARGS as the user ${n.systemUser} in /var/lib/${n.debName}; DAEMON_ARGS (its arguments, empty as shipped) and any settings ${command} reads from its environment ` +
    `go in /etc/${n.debName}/${n.debName}.env. dpkg -i enables and starts the unit at once (Restart=on-failure, every 5 s): a daemon that cannot start without arguments or a writable folder ` +
    `(bottle and gunicorn without an application, supervisord without -c FILE) fails and is restarted until DAEMON_ARGS is set. The unit is Type=exec, so ${command} must stay in the foreground: one that puts itself in the background (as supervisord does without -n) ` +
    `ends the service as it forks, and systemd stops what it left running; give it its foreground option in DAEMON_ARGS`
  );
}

/** Build requirements that version a project from git, and the variable that gives the build a version instead. */
/**
 * Why a project's version reads as a placeholder, when a build requirement says so: poetry-dynamic-versioning
 * replaces `version = "0.0.0"` only under poetry's plugin or its own backend, never under poetry.core.masonry.api
 * (corpus8: pybalboa's and python-xypattern's shape). Null otherwise.
 */
export function placeholderVersionHint(requires: readonly string[], backend: string): string | null {
  if (!requires.map(requirementName).includes('poetry-dynamic-versioning') || backend.startsWith('poetry_dynamic_versioning')) return null;
  return `poetry-dynamic-versioning sets the version only under poetry's plugin or its own backend: build-backend = "poetry_dynamic_versioning.backend" (Debian's python3-poetry-dynamic-versioning, trixie on), else --upstream-version`;
}

const VCS_VERSIONING: [RegExp, string, string][] = [
  [/^(setuptools-scm|hatch-vcs)$/, 'setuptools_scm', 'SETUPTOOLS_SCM_PRETEND_VERSION'],
  [/^pbr$/, 'pbr', 'PBR_VERSION'],
];

/**
 * A project whose version comes from git (setuptools_scm, hatch-vcs, pbr) gets it again when the wheel is built, for
 * the commit the build sees. Measured: tabulate 0.9.0 (setuptools_scm), read on its v0.9.0 tag, packaged
 * tabulate-0.9.1.dev0+gd924550.d20261129 inside the 0.9.0 .deb, since debian/ was written but not committed yet.
 * Pure: the note, or null when the project is not in git or not versioned from it.
 */
export function vcsVersionNote(requires: readonly string[], inGit: boolean, pythonVersion: string, debianVersion: string, fromFlag = false): string | null {
  const names = requires.map(requirementName);
  const hit = VCS_VERSIONING.find(([re]) => names.some((n) => re.test(n)));
  if (!hit) return null;
  const [, tool, variable] = hit;
  // A bare upstream tarball (gitlint, bandit: no PKG-INFO, no .git) was read with --upstream-version; debian/rules
  // builds the wheel with the same backend, which then finds no version either
  // (templates 1.3.0: debian/pyservice.mk gives the build debian/changelog's version then)
  if (!inGit && fromFlag)
    return `the version comes from git (${tool}) and this tree has no git history: --upstream-version gave it to the read, and debian/rules gives the build debian/changelog's version (${debianVersion}) as ${variable}${debianVersion === pythonVersion ? '' : `, so the wheel is ${debianVersion}, not ${pythonVersion}`}`;
  if (!inGit) return null;
  const start = `the version comes from git (${tool}), and the build asks it again for the commit it builds`;
  // Read off a tag: the release to pin. Otherwise git already gives a development version (no tag, or changes).
  if (!/^\d+(\.\d+)*$/.test(pythonVersion)) return `${start}: ${pythonVersion} now, a development version; build releases from a tagged commit that holds debian/`;
  return (
    `${start}: until debian/ is committed and that commit tagged, the wheel in the ${debianVersion} .deb is a development version. ` +
    `Build releases from a tagged commit that holds debian/, or give the build the version: ${variable}=${pythonVersion} dpkg-buildpackage -us -uc -b`
  );
}

/** Input the user must change (a flag, the project): the CLI maps it to exit 2. */
export class DebInputError extends Error {}
