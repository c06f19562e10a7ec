import { CI_PROVIDERS, PROJECT_TYPES, type Answers } from './types.js';
import { DISTROS } from './distros.js';
import { nameProblem } from './names.js';
import { carriesCredentials, INVISIBLE, secretParams, shown } from '../secrets/redact.js';

/**
 * Pure checks on answers. Each returns a one-line message that names the problem and the fix, or null.
 * The same functions validate prompts as the user types and flags/answer files before anything is written.
 */
/** Control characters and the invisible ones that reorder or hide text (bidi overrides, zero-width): never in an answer. */
const CONTROL = new RegExp(INVISIBLE.source);

export function oneLineProblem(label: string, value: string, max: number, flag: string): string | null {
  if (/[\r\n]/.test(value)) return `${label} must be one line (${flag}); put longer text in README.md`;
  if (CONTROL.test(value)) return `${label} contains a control or invisible character (${shown(value)}); remove it (${flag})`;
  if (carriesCredentials(value)) return `${label} holds a credential (${shown(value)}); remove it: answers are written into project files and committed (${flag})`;
  if (value.trim() === '') return `${label} is empty; give one with ${flag}`;
  if (value !== value.trim()) return `${label} starts or ends with blanks; remove them (${flag})`;
  if ([...value].length > max) return `${label} is ${[...value].length} characters long; keep it to ${max} or fewer (${flag})`;
  return null;
}

/**
 * dpkg-gencontrol and dpkg-genchanges replace `${name}` (and `${}`) in every debian/control field with a
 * substitution variable, or with nothing (deb-substvars(5)): a description, author or email holding `${` would
 * not reach the package as typed. `$` and braces alone are kept by dpkg.
 */
function substvarProblem(label: string, v: string, flag: string): string | null {
  if (!v.includes('${')) return null;
  return `${label} ${shown(v)} contains "\${", which dpkg replaces with a substitution variable in debian/control; write it without the braces (${flag})`;
}

/**
 * A description is a systemd unit's Description= too, and systemd joins a line ending in a backslash with the next
 * one (systemd.syntax(7)): 'Runs \\' swallowed the unit's Documentation= line. Measured with create --description and
 * with an upstream summary through pyservice deb.
 */
function continuationProblem(label: string, v: string, flag: string): string | null {
  return /\\$/.test(v) ? `${label} ${shown(v)} ends with a backslash, which joins the next line of the systemd unit to it; remove it (${flag})` : null;
}

export const descriptionProblem = (v: string) => oneLineProblem('the description', v, 80, '--description') ?? substvarProblem('the description', v, '--description') ?? continuationProblem('the description', v, '--description');

export function authorProblem(v: string): string | null {
  const p = oneLineProblem('the author name', v, 100, '--author') ?? substvarProblem('the author name', v, '--author');
  if (p) return p;
  if (/[<>,]/.test(v)) return `the author name ${shown(v)} contains < > or a comma, which break the Debian Maintainer field; remove them (--author)`;
  return null;
}

const EMAIL_RE = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/;
export function emailProblem(v: string): string | null {
  if (v === '') return 'the email is empty; give one with --email';
  if (!EMAIL_RE.test(v)) return `the email ${shown(v)} is not an address like name@example.com (--email)`;
  return substvarProblem('the email', v, '--email');
}

/**
 * http(s) URL without credentials (userinfo, or a secret-looking query or fragment parameter), quotes or blanks;
 * '' allowed when optional. Values are shown redacted and escaped: a refused credential is never printed.
 */
export function urlProblem(v: string, flag: string, optional = true): string | null {
  if (v === '') return optional ? null : `no URL given; give one with ${flag}`;
  if (/[\s"'<>\\`{}|^]/.test(v) || CONTROL.test(v)) return `the URL ${shown(v)} contains blanks, quotes, brackets or control characters; percent-encode them (${flag})`;
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    return `${shown(v)} is not a URL; give one like https://pypi.example.com/simple/ (${flag})`;
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return `the URL ${shown(v)} must start with https:// or http:// (${flag})`;
  if (u.username || u.password || /^[a-z]+:\/\/[^/?#]*@/i.test(v))
    return `the URL ${shown(v)} contains credentials; remove them: the password goes to ~/.netrc (pyservice login), never into project files (${flag}, --index-user)`;
  const secrets = [...secretParams(u.search), ...secretParams(u.hash)];
  if (secrets.length)
    return `the URL ${shown(v)} carries a credential in its ${u.search && secretParams(u.search).length ? 'query string' : 'fragment'} (${secrets.join(', ')}); remove it: credentials go to ~/.netrc (pyservice login), never into project files (${flag})`;
  // The redactor's verdict last: a second URL inside this one's path or query (`…/x,https://u:pw@h/`,
  // `…?next=https://u:pw@h/`) is no userinfo of this URL, yet its password would be written into project files
  if (carriesCredentials(v))
    return `the URL ${shown(v)} contains credentials; remove them: the password goes to ~/.netrc (pyservice login), never into project files (${flag}, --index-user)`;
  if (u.hash || v.endsWith('#')) return `the URL ${shown(v)} has a #fragment; remove it (${flag})`;
  return null;
}

/**
 * The index and upload URLs are written into pip.conf, .pypirc, README.md and CI files: no query string at all
 * (pip appends project names to the path, so a query there is a token or a mistake).
 */
export function indexLocationProblem(v: string, flag: string, optional = true): string | null {
  const p = urlProblem(v, flag, optional);
  if (p || v === '') return p;
  if (new URL(v).search !== '' || v.includes('?'))
    return `the URL ${shown(v)} has a query string; remove it: an index URL takes none, and credentials go to ~/.netrc (pyservice login), never into project files (${flag})`;
  return null;
}

export function indexUrlProblem(v: string): string | null {
  const p = indexLocationProblem(v, '--index-url');
  if (p || v === '') return p;
  // PEP 503 indexes end in /simple/ (devpi's in /+simple/)
  if (!/\/\+?simple\/?$/.test(new URL(v).pathname))
    return `the index URL ${shown(v)} is not a PEP 503 simple index; it usually ends in /simple/ (--index-url)`;
  return null;
}

export const uploadUrlProblem = (v: string): string | null => indexLocationProblem(v, '--upload-url');

export function indexUserProblem(v: string): string | null {
  if (v === '') return null;
  // Not echoed: "name:password" is the usual mistake, and the password must not be printed.
  if (/[\s:@"'\\]/.test(v) || CONTROL.test(v))
    return `the index username contains blanks, quotes, ':' or '@'; give the plain username (--index-user); a password goes in ${'PYSERVICE_INDEX_PASSWORD'} or the prompt, never in a flag`;
  return null;
}

export function versionProblem(v: string): string | null {
  if (!/^[0-9]+(\.[0-9]+){0,3}$/.test(v)) return `the version ${shown(v)} is not a plain release number like 0.1.0`;
  return null;
}

/**
 * A Debian version of the forms debian/pyservice-version gives a PEP 440 version (programs/pyservice_version.py:
 * an epoch, three or more release numbers, ~a1/~b1/~rc1, +post1, ~dev1 or ~~dev1, +local.X), and nothing else.
 */
export function debianVersionProblem(v: string): string | null {
  if (!/^(?:[0-9]+:)?[0-9]+(?:\.[0-9]+){2,}(?:~(?:a|b|rc)[0-9]+)?(?:\+post[0-9]+)?(?:~~?dev[0-9]+)?(?:\+local\.[a-z0-9]+(?:\.[a-z0-9]+)*)?$/.test(v))
    return `the Debian version ${shown(v)} is not one debian/pyservice-version gives a PEP 440 version (like 1.0.0~rc1)`;
  return null;
}

const DEB_PKG_RE = /^[a-z0-9][a-z0-9.+-]+$/;
export function buildDepsProblem(deps: readonly string[]): string | null {
  for (const d of deps) if (!DEB_PKG_RE.test(d)) return `${shown(d)} is not a Debian package name (--build-deps takes names like python3-dev,libpq-dev)`;
  return null;
}

const SCRIPT_RE = /^[A-Za-z0-9][A-Za-z0-9._-]* = [A-Za-z_][A-Za-z0-9_.]*(:[A-Za-z_][A-Za-z0-9_.]*)?$/;
export function consoleScriptsProblem(scripts: readonly string[]): string | null {
  for (const s of scripts) if (!SCRIPT_RE.test(s)) return `${shown(s)} is not a console script entry like "my-tool = my_pkg.cli:main"`;
  // One /usr/bin link per name: a second entry of the same name is a second link (and preinst diversion) to one path
  const names = scripts.map((s) => s.split('=')[0]!.trim());
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) return `the console script name ${shown(twice)} is given twice; each command needs its own name`;
  return null;
}

export function pythonMinimumProblem(v: string | undefined): string | null {
  if (v === undefined) return null;
  if (!/^3\.[0-9]{1,2}$/.test(v)) return `the minimum Python ${shown(v)} is not a version like 3.9 (--python-minimum)`;
  return null;
}

function choiceProblem(label: string, v: string, choices: readonly string[], flag: string): string | null {
  return choices.includes(v) ? null : `${label} ${shown(v)} is not one of ${choices.join(', ')} (${flag})`;
}

/** The deb flow's upstream facts go into deb822 fields and debian/rules: one line each, no control characters. */
function upstreamProblem(a: Answers): string | null {
  const texts = [a.license ?? '', a.buildBackend ?? '', a.upstreamName ?? '', ...(a.upstreamAuthors ?? []), ...(a.scriptExtras ?? [])];
  if (texts.some((t) => CONTROL.test(t))) return 'the upstream name, license, authors, backend and extras must be single lines without control or invisible characters';
  if (a.upstreamName !== undefined && (typeof a.upstreamName !== 'string' || a.upstreamName.trim() === '')) return 'upstreamName is the upstream project\'s name';
  if (a.buildBackend && !/^[A-Za-z_][\w.]*(:[\w.]+)?$/.test(a.buildBackend)) return `the build backend "${a.buildBackend}" is not a module path`;
  if ((a.scriptExtras ?? []).some((e) => !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(e))) return 'an extra name has characters PEP 685 does not allow';
  if (a.ignoreRequirementsTxt !== undefined && typeof a.ignoreRequirementsTxt !== 'boolean') return 'ignoreRequirementsTxt is true or false';
  if (a.adopted !== undefined && typeof a.adopted !== 'boolean') return 'adopted is true or false';
  if (a.debianVersion !== undefined) {
    const p = typeof a.debianVersion === 'string' ? debianVersionProblem(a.debianVersion) : 'debianVersion is a Debian version';
    if (p) return p;
    if (!a.debianVersion.replace(/^[0-9]+:/, '').startsWith(`${a.version}`)) return `debianVersion ${shown(a.debianVersion)} is not a form of the version ${shown(a.version)}`;
  }
  if (a.adopted === true && a.type !== 'service') return 'adopted is for services (pyservice deb --kind service)';
  if (a.buildFromIndex !== undefined && typeof a.buildFromIndex !== 'boolean') return 'buildFromIndex is true or false';
  if (a.buildFromIndex === true && a.type === 'library') return 'buildFromIndex is for a .deb (pyservice deb)';
  return null;
}

/** All problems with a complete set of answers, in question order. */
/**
 * Answers that are each valid but wrong together, as create takes them (and update when a flag changes one of
 * them); a recorded project is not refused for them. Measured: `--upload-url` without `--index-url` wrote a
 * .pypirc that uploads to the team's index and a pip.conf that installs from PyPI, where anyone can publish a
 * package under a name the team has only on its own index; `--index-user` without an index was recorded for a
 * login that has nowhere to go; `--python-minimum 3.13 --distro bookworm` made a service whose .deb cannot be
 * built there (bookworm's python3 is 3.11, and pip refuses the project's own python_requires).
 */
export function answerPairProblems(a: Answers): string[] {
  const out: string[] = [];
  if (a.uploadUrl && !a.indexUrl)
    out.push('--upload-url is set but --index-url is not: uploads would go to the team\'s index while installs come from PyPI, where anyone can publish under a name the team has only on its own index; pass --index-url URL (the index\'s /simple/ page) too, or drop --upload-url');
  if (a.indexUser && !a.indexUrl) out.push('--index-user names your login on the team\'s index, and there is no --index-url; pass --index-url URL too, or drop --index-user');
  if (a.type !== 'library' && a.pythonMinimum && !pythonMinimumProblem(a.pythonMinimum) && DISTROS[a.distro]) {
    const distroPython = DISTROS[a.distro]!.python;
    const minor = (v: string) => Number(v.split('.')[1]);
    const newer = Object.values(DISTROS).find((d) => minor(d.python) >= minor(a.pythonMinimum!));
    if (minor(a.pythonMinimum) > minor(distroPython))
      out.push(`--python-minimum ${a.pythonMinimum} is newer than ${a.distro}'s Python ${distroPython}, which the ${a.type}'s .deb runs on (its build refuses the project's python_requires): ${newer ? `choose --distro ${newer.codename} (Python ${newer.python}), or` : 'no distribution it targets has it yet; choose'} --python-minimum ${distroPython} or lower`);
  }
  return out;
}

export function answersProblems(a: Answers): string[] {
  const checks = [
    choiceProblem('the project type', a.type, PROJECT_TYPES, '--type'),
    nameProblem(a.name),
    descriptionProblem(a.description),
    authorProblem(a.author),
    emailProblem(a.email),
    urlProblem(a.url, '--url'),
    versionProblem(a.version),
    choiceProblem('the CI provider', a.ci, CI_PROVIDERS, '--ci'),
    indexUrlProblem(a.indexUrl),
    uploadUrlProblem(a.uploadUrl),
    indexUserProblem(a.indexUser),
    choiceProblem('the distro', a.distro, Object.keys(DISTROS), '--distro'),
    buildDepsProblem(a.buildDeps),
    consoleScriptsProblem(a.consoleScripts),
    pythonMinimumProblem(a.pythonMinimum),
    upstreamProblem(a),
  ];
  return checks.filter((p): p is string => p !== null);
}
