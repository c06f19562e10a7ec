/**
 * The library's release flow as GitLab CI runs it, for real: the generated `.gitlab-ci.yml` is expanded by
 * gitlab-ci-local (schema-validated, `extends` merged), and its `upload` (default branch) and `release` (tag)
 * jobs run their before_script + script in a fresh clone of the ref, with the job's variables and secrets, a
 * fresh HOME, Debian's python3/make/twine, against a private index on 127.0.0.1 (test/fixtures/index-server)
 * that keeps read-only and upload users apart. Nothing is stood in for: ci/index-login.sh writes the job's
 * ~/.netrc, make builds, twine uploads.
 *
 * Proves (issue 10): a default-branch build uploads a development version X.Y.Z.devN that no release can equal;
 * a tag whose version differs from the project's fails before anything is uploaded; a tag release uploads
 * exactly the tagged code, not what the branch has since; an upload job without its own credentials fails
 * before twine runs, even when ~/.netrc holds a login that may upload; a release cannot be uploaded twice.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startIndexServer, type IndexServer, type StoredFile } from '../fixtures/index-server/server.js';
import { generate } from '../helpers/generate.js';
import { tempDir } from '../helpers/tmp.js';
import { toolTest } from '../helpers/tools.js';
import { gitlabGitInit, gitlabPreview, gitlabSteps, type Ref, type Yaml } from './ci-model.js';

const PY = '/usr/bin/python3';
const TOOLS = ['make', 'git', PY, '/usr/bin/twine'];
const INSTALL_PW = 'inst-SENTINEL-7d1';
const UPLOAD_PW = 'upl-SENTINEL-3b8';
const DEV_PW = 'dev-SENTINEL-5c2';
const SECRETS = { PYPI_INSTALL_USER: 'installer', PYPI_INSTALL_PASSWORD: INSTALL_PW, PYPI_UPLOAD_USER: 'uploader', PYPI_UPLOAD_PASSWORD: UPLOAD_PW };
const MODULE = 'src/acme_lib/__init__.py';

let server: IndexServer;
let repo: string;
let preview: Yaml;
const ident = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.org', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.org' };
const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, env: { ...process.env, ...ident }, encoding: 'utf8' }).trim();

/** A commit on main that changes the module (a marker line) and, when given, the version. */
function commit(marker: string, version?: string): void {
  let text = readFileSync(join(repo, MODULE), 'utf8') + `\n${marker} = True\n`;
  if (version) text = text.replace(/^__version__ = .*$/m, `__version__ = "${version}"`);
  writeFileSync(join(repo, MODULE), text);
  git('commit', '-q', '-am', marker);
  git('update-ref', 'refs/remotes/origin/main', 'HEAD');
}

const uploaded = (): StoredFile[] => server.files().filter((f) => f.project === 'acme-lib');
const posts = () => server.requests.filter((q) => q.method === 'POST');

/**
 * Runs a job of the expanded configuration as a GitLab runner would: a fresh clone of the ref (the whole
 * history where the job sets GIT_DEPTH: 0, else GitLab's default depth of 20), a fresh HOME, the job's shell
 * steps with its variables. Asynchronous: the index server lives in this process.
 */
async function runJob(job: string, ref: Ref, secrets: Record<string, string>): Promise<{ code: number; out: string; home: string; checkout: string }> {
  const root = tempDir('lib-job-');
  const checkout = join(root, 'build');
  const home = join(root, 'home');
  mkdirSync(home);
  const [step] = gitlabSteps(preview, job, { ref, secrets, secretFile: () => { throw new Error('no secret files'); } });
  const depth = step!.env.GIT_DEPTH === '0' ? [] : ['--depth', '20'];
  execFileSync('git', ['clone', '-q', ...depth, '--branch', ref.tag ?? ref.branch!, `file://${repo}`, checkout], { stdio: 'ignore' });
  const env = { LANG: 'C.UTF-8', ...step!.env, PATH: '/usr/sbin:/usr/bin:/sbin:/bin', HOME: home };
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-e', '-c', step!.script], { cwd: checkout, env, stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 128, out, home, checkout }));
  });
}

/** A wheel and an sdist of that version (setuptools before 69 keeps the dash in the sdist's name, later ones not). */
function assertDists(files: StoredFile[], version: string): void {
  const names = files.map((f) => f.filename).sort();
  assert.is(names.length, 2, names.join(' '));
  assert.ok(names.includes(`acme_lib-${version}-py3-none-any.whl`), names.join(' '));
  assert.ok(names.some((n) => n === `acme-lib-${version}.tar.gz` || n === `acme_lib-${version}.tar.gz`), names.join(' '));
}

function assertNoSecretIn(out: string): void {
  for (const pw of [INSTALL_PW, UPLOAD_PW, DEV_PW]) assert.not.ok(out.includes(pw), `a password is in the job's output`);
}

/** The files of a wheel or sdist, read with Python's zipfile / tarfile. */
function archiveFiles(content: Buffer, filename: string): Record<string, string> {
  const dir = tempDir('lib-archive-');
  const file = join(dir, filename);
  writeFileSync(file, content);
  const script = `import json, sys, tarfile, zipfile
f = sys.argv[1]
if f.endswith(".whl"):
    z = zipfile.ZipFile(f); out = {n: z.read(n).decode("utf-8", "replace") for n in z.namelist()}
else:
    t = tarfile.open(f); out = {m.name.split("/", 1)[1]: t.extractfile(m).read().decode("utf-8", "replace") for m in t.getmembers() if m.isfile()}
print(json.dumps(out))`;
  return JSON.parse(execFileSync(PY, ['-I', '-c', script, file], { encoding: 'utf8', maxBuffer: 64 << 20 })) as Record<string, string>;
}

const s = suite('library flow: the generated GitLab jobs, real make and twine, a loopback index');

s.before(async () => {
  server = await startIndexServer({
    users: {
      installer: { password: INSTALL_PW, upload: false },
      uploader: { password: UPLOAD_PW, upload: true },
      developer: { password: DEV_PW, upload: true },
    },
    wheelDirs: ['/usr/share/python-wheels'],
  });
  repo = await generate({ type: 'library', ci: 'gitlab', name: 'acme-lib', indexUrl: server.simpleUrl, uploadUrl: server.uploadUrl, indexUser: 'installer' });
  const home = tempDir('lib-gitlab-home-');
  gitlabGitInit(repo, home);
  preview = await gitlabPreview(repo, home);
});
s.after(() => server.close());

toolTest(s, TOOLS, 'default branch: the upload job uploads X.Y.Z.devN (N commits), as the uploader, while ~/.netrc holds the installer', async () => {
  commit('feature_one');
  const n = git('rev-list', '--count', 'HEAD');
  const r = await runJob('upload', { branch: 'main' }, SECRETS);
  assert.is(r.code, 0, r.out);
  assertNoSecretIn(r.out);
  // A plain log (templates 1.7.0): twine coloured its check and upload messages even into a CI log.
  assert.match(r.out, /Uploading acme_lib-0\.1\.0\.dev/);
  assert.not.ok(r.out.includes('\x1b['), `ANSI escapes in the job's log: ${JSON.stringify(r.out.slice(r.out.indexOf('\x1b[') - 200, r.out.indexOf('\x1b[') + 100))}`);
  assert.match(readFileSync(join(r.home, '.netrc'), 'utf8'), /^machine 127\.0\.0\.1 login installer password /m);
  const got = uploaded();
  assertDists(got, `0.1.0.dev${n}`);
  assert.ok(got.every((f) => f.version === `0.1.0.dev${n}` && f.uploadedBy === 'uploader'), JSON.stringify(got.map((f) => [f.version, f.uploadedBy])));
  // the built metadata says the same version (what pip will see), and it is a development version (PEP 440)
  const whl = got.find((f) => f.filename.endsWith('.whl'))!;
  const wheel = archiveFiles(whl.content, whl.filename);
  assert.match(wheel[`acme_lib-0.1.0.dev${n}.dist-info/METADATA`]!, new RegExp(`^Version: 0\\.1\\.0\\.dev${n}$`, 'm'));
  const isDev = execFileSync(PY, ['-I', '-c', 'import sys; from packaging.version import Version; v = Version(sys.argv[1]); print(v.is_devrelease, v < Version("0.1.0"))', `0.1.0.dev${n}`], { encoding: 'utf8' }).trim();
  assert.is(isDev, 'True True');
});

toolTest(s, TOOLS, "a tag whose version differs from the project's: the release job fails naming both, nothing reaches the index", async () => {
  git('tag', 'v0.2.0');
  const before = posts().length;
  const r = await runJob('release', { tag: 'v0.2.0' }, SECRETS);
  git('tag', '-d', 'v0.2.0');
  assert.is.not(r.code, 0, r.out);
  assert.match(r.out, /tag v0\.2\.0 does not match the project's version 0\.1\.0/);
  assert.is(posts().length, before, 'no upload was attempted');
  assert.ok(uploaded().every((f) => f.version !== '0.2.0'));
});

toolTest(s, TOOLS, 'a tag release uploads exactly the tagged code, not what main has since', async () => {
  commit('released_feature', '0.2.0');
  git('tag', 'v0.2.0');
  const tagged = git('show', `v0.2.0:${MODULE}`);
  commit('after_the_tag');
  const r = await runJob('release', { tag: 'v0.2.0' }, SECRETS);
  assert.is(r.code, 0, r.out);
  assertNoSecretIn(r.out);
  const release = uploaded().filter((f) => f.version === '0.2.0');
  assertDists(release, '0.2.0');
  assert.ok(release.every((f) => f.uploadedBy === 'uploader'));
  const wheel = archiveFiles(release.find((f) => f.filename.endsWith('.whl'))!.content, 'acme_lib-0.2.0-py3-none-any.whl');
  const sdist = archiveFiles(release.find((f) => f.filename.endsWith('.tar.gz'))!.content, 'acme-lib-0.2.0.tar.gz');
  assert.is(wheel['acme_lib/__init__.py']!.trim(), tagged);
  assert.is(sdist[MODULE]!.trim(), tagged);
  assert.not.match(wheel['acme_lib/__init__.py']!, /after_the_tag/);
  // only what MANIFEST.in names, though setuptools-scm is importable here and would add every file git tracks
  assert.is(execFileSync(PY, ['-c', 'import setuptools_scm; print("ok")'], { encoding: 'utf8' }).trim(), 'ok', 'python3-setuptools-scm (.ci/packages.txt)');
  const top = [...new Set(Object.keys(sdist).map((f) => f.split('/')[0]!))].sort();
  assert.equal(top, ['MANIFEST.in', 'PKG-INFO', 'README.md', 'pyproject.toml', 'setup.cfg', 'setup.py', 'src', 'tests'], top.join(' '));
  // every file the sdist carries from the repository is the tag's version of it
  const tracked = new Set(git('ls-tree', '-r', '--name-only', 'v0.2.0').split('\n'));
  const fromRepo = Object.keys(sdist).filter((f) => tracked.has(f));
  assert.ok(fromRepo.length >= 3, fromRepo.join(' '));
  for (const f of fromRepo) assert.is(sdist[f], git('show', `v0.2.0:${f}`) + (sdist[f]!.endsWith('\n') ? '\n' : ''), f);
});

toolTest(s, TOOLS, 'the same release again: twine fails (the index already has the file) and the index keeps one copy', async () => {
  const r = await runJob('release', { tag: 'v0.2.0' }, SECRETS);
  assert.is.not(r.code, 0, r.out);
  assert.match(r.out, /HTTPError: 400[\s\S]{0,200}File already exists/, r.out);
  assert.is(uploaded().filter((f) => f.version === '0.2.0').length, 2);
});

for (const [what, secrets] of [
  ['no upload secrets', { PYPI_INSTALL_USER: 'developer', PYPI_INSTALL_PASSWORD: DEV_PW }],
  ['the upload user but no upload password', { PYPI_INSTALL_USER: 'developer', PYPI_INSTALL_PASSWORD: DEV_PW, PYPI_UPLOAD_USER: 'uploader' }],
] as const) {
  toolTest(s, TOOLS, `upload job with ${what}: fails before twine runs, though ~/.netrc holds a login that may upload`, async () => {
    const before = posts().length;
    const files = uploaded().length;
    const r = await runJob('upload', { branch: 'main' }, secrets);
    assert.is.not(r.code, 0, r.out);
    assertNoSecretIn(r.out);
    assert.match(readFileSync(join(r.home, '.netrc'), 'utf8'), /^machine 127\.0\.0\.1 login developer password /m);
    assert.match(r.out, /TWINE_USERNAME and TWINE_PASSWORD are not both set.*PYPI_UPLOAD_USER/);
    assert.is(posts().length, before, 'nothing was posted to the index');
    assert.is(uploaded().length, files);
    assert.not.ok(readdirSync(r.checkout).includes('dist'), 'nothing was built either');
  });
}

s.run();
