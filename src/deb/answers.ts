import type { Answers } from '../answers/types.js';
import { nameProblem } from '../answers/names.js';
import { consoleScriptsProblem, descriptionProblem, urlProblem, versionProblem } from '../answers/validate.js';
import { defaultDescription } from '../answers/defaults.js';
import type { ProjectMetadata } from '../python/metadata.js';
import type { Maintainer } from './maintainer.js';

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
export const VERSION_FIX = 'pass --upstream-version X (also given to setuptools_scm/hatch-vcs as SETUPTOOLS_SCM_PRETEND_VERSION), or build from a git checkout with a version tag';

/**
 * debian/changelog's first version. A plain release (1.2.0) is used as is; otherwise its release part
 * (1.2.0rc1 → 1.2.0, 1!2.0.post1 → 2.0): an UNRELEASED entry names the next release, and snapshots
 * (`pyservice version`) order below it. No version, or one without a release number, is a problem: a package
 * built as 0.0.0 would break "roll back by installing the previous .deb", so nothing is invented.
 */
export function debianVersionFor(version: string | null): { version: string; note?: string } | { problem: string } {
  if (version === null) return { problem: `the project declares no version; ${VERSION_FIX}` };
  if (!versionProblem(version)) return { version };
  const release = /^[vV]?(?:\d+!)?(\d+(?:\.\d+){0,3})/.exec(version.trim());
  if (!release) return { problem: `the version "${version}" has no release number; ${VERSION_FIX}` };
  return { version: release[1]!, note: `debian/changelog starts at ${release[1]} (the release part of the Python version ${version})` };
}

/** The synopsis: the description's first line if the validators accept it, else a fallback and why. */
export function synopsisFor(meta: ProjectMetadata): { description: string; problem?: string } {
  const fallback = defaultDescription('service');
  const raw = meta.description;
  if (raw === null) return { description: fallback, problem: 'the project declares no description' };
  const first = (raw.split(/\r\n|\r|\n/).find((l) => l.trim() !== '') ?? '').replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ').replace(/\s+/g, ' ').trim();
  if (!descriptionProblem(first)) return { description: first };
  if (first === '') return { description: fallback, problem: 'the project\'s description is blank' };
  const chars = [...first];
  if (chars.length > 80) {
    const cut = chars.slice(0, 79).join('');
    const atWord = cut.replace(/\s+\S*$/, '');
    return { description: (atWord.length >= 40 ? atWord : cut).replace(/[\s.,;:]+$/, '') + '…', problem: `the project's description is ${chars.length} characters long (at most 80 fit a Debian synopsis)` };
  }
  return { description: fallback, problem: `the project's description is unusable: ${descriptionProblem(first)}` };
}

/** setuptools entry points may carry extras ("x = m:f [extra]"), which the templates do not need. */
export function consoleScriptsFor(meta: ProjectMetadata): { scripts: string[]; notes: string[] } {
  const scripts: string[] = [];
  const notes: string[] = [];
  for (const entry of meta.console_scripts) {
    const normal = entry.replace(/\s*\[[^\]]*\]\s*$/, '').replace(/\s*=\s*/, ' = ').trim();
    if (consoleScriptsProblem([normal])) notes.push(`console script "${entry}" is left out: it is not "name = module:function"`);
    else if (!scripts.includes(normal)) scripts.push(normal);
  }
  return { scripts, notes };
}

/** The home page: setuptools' `url`, else a Homepage-like entry of project_urls (PEP 621 has no `url`). */
export function homepageFor(meta: ProjectMetadata, projectUrls: Record<string, string> = {}): string | null {
  if (meta.url) return meta.url;
  const key = Object.keys(projectUrls).find((k) => /^home[-_ ]?page$|^home$/i.test(k.trim()));
  return key ? projectUrls[key]! : null;
}

export interface DebAnswerInputs {
  meta: ProjectMetadata;
  projectUrls?: Record<string, string>;
  name: string;
  maintainer: Maintainer;
  distro: string;
  /** The synopsis, once chosen (asked or fallback). */
  description: string;
}

export function debAnswers(i: DebAnswerInputs): { answers: Answers; notes: string[] } {
  const notes: string[] = [];
  const version = debianVersionFor(i.meta.version);
  if ('problem' in version) throw new Error(`internal: debAnswers called without a version (${version.problem})`);
  if (version.note) notes.push(version.note);
  let url = homepageFor(i.meta, i.projectUrls) ?? '';
  const urlIssue = urlProblem(url, 'url');
  if (urlIssue) {
    notes.push(`the project's url is left out of debian/control: ${urlIssue.replace(/ \(url\)$/, '')}`);
    url = '';
  }
  const scripts = consoleScriptsFor(i.meta);
  notes.push(...scripts.notes);
  if (scripts.scripts.length === 0)
    // Answers.consoleScripts = [] means "the service default" to the templates, a script this project does not have.
    notes.push(`the project declares no console_scripts: debian/ names a ${i.name} script (the generated-service default); add a console script or edit debian/ before building`);
  const requires = i.meta.install_requires ?? [];
  if (requires.length > 0)
    notes.push(
      `the project needs ${requires.length} package${requires.length === 1 ? '' : 's'} from an index (install_requires): debian/rules installs from the index-url in ./pip.conf ` +
        '(credentials in ~/.netrc); without one it builds offline from Debian\'s pip/setuptools/wheel only',
    );
  const answers: Answers = {
    type: 'service',
    name: i.name,
    description: i.description,
    author: i.maintainer.name,
    email: i.maintainer.email,
    url,
    version: version.version,
    ci: 'none',
    indexUrl: '',
    uploadUrl: '',
    indexUser: '',
    distro: i.distro,
    buildDeps: [],
    consoleScripts: scripts.scripts,
  };
  return { answers, notes };
}

