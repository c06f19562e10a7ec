import type { Answers } from '../../src/answers/types.js';
import { planProject, type ProjectRecord } from '../../src/plan/file-plan.js';
import { compareVersions } from '../../src/templates/template-set.js';

/**
 * Answer sets whose renders are kept byte for byte under test/templates/golden/<version>/<case>/ for every
 * released (frozen) template version. They cover every project type (a type from the version that brought it), every CI provider, every distro and
 * values that stress each escaper (quotes, backslashes, `$`, backticks, `%`, non-ASCII, URL query strings).
 * Only template output is kept: `.pyservice.json` and `.pyservice.baseline` are the tool's, not the templates'.
 */
const base: Answers = {
  type: 'service',
  name: 'demo',
  description: 'Long-running Python service',
  author: 'Test Author',
  email: 'test@example.org',
  url: '',
  version: '0.1.0',
  ci: 'github',
  indexUrl: '',
  uploadUrl: '',
  indexUser: '',
  distro: 'bookworm',
  buildDeps: [],
  consoleScripts: [],
};

const HOSTILE_DESCRIPTION = `Say "hi" & it's \`$HOME\` \\n 100% $(id) <b> ${'${x}'} # ünïcødé — ok`;
const HOSTILE_AUTHOR = `Zoë O'Brien "Q" \\ $USER`;

export const GOLDEN_CASES: Record<string, Answers> = {
  'service-github-defaults': { ...base },
  'service-gitlab-hostile': {
    ...base,
    name: 'acme.order-svc',
    description: HOSTILE_DESCRIPTION,
    author: HOSTILE_AUTHOR,
    email: "o'brien+ci@example.co.uk",
    url: 'https://git.example.com/acme/order-svc?tab=readme&x=%20y',
    version: '2.10.3',
    ci: 'gitlab',
    indexUrl: 'https://pypi.example.com/acme/+simple/',
    uploadUrl: 'https://pypi.example.com/acme/',
    indexUser: 'ci-reader',
    distro: 'jammy',
    buildDeps: ['libpq-dev', 'python3-dev'],
    consoleScripts: ['order-svc = acme_order_svc.service:main', 'order-admin = acme_order_svc.admin:run'],
    pythonMinimum: '3.10',
  },
  'service-circleci-trixie': {
    ...base,
    name: 'payments_api',
    description: HOSTILE_DESCRIPTION,
    ci: 'circleci',
    indexUrl: 'http://10.0.0.5:8080/simple/',
    distro: 'trixie',
    pythonMinimum: '3.12',
  },
  'service-jenkins-noble': { ...base, name: 'x1', ci: 'jenkins', distro: 'noble', indexUrl: 'https://pypi.example.com/simple/', indexUser: 'reader' },
  'library-github-hostile': {
    ...base,
    type: 'library',
    name: 'acme-utils',
    description: HOSTILE_DESCRIPTION,
    author: HOSTILE_AUTHOR,
    ci: 'github',
    indexUrl: 'https://pypi.example.com/simple/',
    uploadUrl: 'https://pypi.example.com/upload/',
    indexUser: 'dev',
    consoleScripts: ['acme-tool = acme_utils.cli:main'],
  },
  'library-gitlab-defaults': { ...base, type: 'library', name: 'lib', description: 'Reusable Python library', ci: 'gitlab' },
  'library-jenkins-jammy': { ...base, type: 'library', name: 'zz.top', ci: 'jenkins', distro: 'jammy', pythonMinimum: '3.9' },
  'library-none': { ...base, type: 'library', name: 'plain', ci: 'none', version: '0.0.1' },
  'tool-gitlab-hostile': {
    ...base,
    type: 'tool',
    name: 'acme-cli',
    description: HOSTILE_DESCRIPTION,
    author: HOSTILE_AUTHOR,
    ci: 'gitlab',
    indexUrl: 'https://pypi.example.com/simple/',
    indexUser: 'reader',
    consoleScripts: ['acme = acme_cli.main:run', 'acme-admin = acme_cli.admin:main'],
  },
  // What `pyservice deb --kind service --prefix pst` records for someone else's program (gunicorn's shape)
  'service-adopted': {
    ...base,
    name: 'pst-gunicorn',
    description: 'WSGI HTTP Server for UNIX',
    author: HOSTILE_AUTHOR,
    url: 'https://gunicorn.org/?a=1&b=%20',
    version: '23.0.0',
    ci: 'none',
    consoleScripts: ['gunicorn = gunicorn.app.wsgiapp:run', 'gunicorn-admin = gunicorn.admin:main'],
    license: 'Expat',
    upstreamAuthors: ['Benoit Chesneau <benoitc@example.org>'],
    upstreamName: 'Gunicorn',
    adopted: true,
  },
  // What `pyservice deb --index-url` records for a tool whose backend Debian's python3 lacks, on jammy (Python
  // 3.10: python3-tomli reads pyproject.toml at build time)
  'tool-from-index': {
    ...base,
    type: 'tool',
    name: 'docopt-ng',
    description: 'Humane command line arguments parser',
    url: 'https://github.com/jazzband/docopt-ng',
    version: '0.9.0',
    ci: 'none',
    distro: 'jammy',
    indexUrl: 'https://pypi.example.com/simple/',
    buildDeps: ['python3-tomli'],
    consoleScripts: ['docopt-ng = docopt:main'],
    license: 'Expat',
    upstreamAuthors: ['Jazzband <jazzband@example.org>'],
    buildBackend: 'pdm.backend',
    buildFromIndex: true,
  },
};

/** Cases for project types or answers a version introduced: kept from that version on. */
const CASE_SINCE: Record<string, string> = { 'tool-gitlab-hostile': '1.2.0', 'service-adopted': '1.3.0', 'tool-from-index': '1.4.0' };

/**
 * Answers validation refused after a version's goldens were written: such a version keeps rendering them as it
 * did, and later versions are checked with the nearest answer that is still valid. A description holding "${"
 * (dpkg would read a substitution variable in debian/control) is refused since after 1.2.0: from 1.3.0 on the
 * hostile description says "$x" instead of "${x}".
 */
function stillValid(version: string, answers: Answers): Answers {
  if (compareVersions(version, '1.3.0') < 0) return answers;
  return { ...answers, description: answers.description.replace(/\$\{/g, '$') };
}

/** The golden cases of a version: every case, but those whose type it does not have yet. */
export function casesFor(version: string): Record<string, Answers> {
  return Object.fromEntries(
    Object.entries(GOLDEN_CASES)
      .filter(([name]) => !CASE_SINCE[name] || compareVersions(version, CASE_SINCE[name]!) >= 0)
      .map(([name, answers]) => [name, stillValid(version, answers)]),
  );
}

/** The frozen versions: their renders must never change. */
export const FROZEN_VERSIONS = ['1.0.0', '1.1.0', '1.2.0', '1.3.0', '1.4.0', '1.5.0', '1.6.0', '1.7.0', '1.8.0'];

export interface GoldenFile {
  path: string;
  mode: string;
  content: Buffer;
}

/** What a template version renders for a case, without the tool's own record and baseline. */
export function renderCase(version: string, answers: Answers): GoldenFile[] {
  const record: ProjectRecord = { tool: 'create-pyservice', toolVersion: '0.1.0', templateVersion: version, created: '2026-11-22T10:30:00.000Z', origin: 'create', answers };
  return planProject(record)
    .files.filter((f) => !f.template.startsWith('('))
    .map((f) => ({ path: f.path, mode: f.mode.toString(8), content: f.content }));
}
