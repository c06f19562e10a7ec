import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { generate } from '../helpers/generate.js';
import { tempDir } from '../helpers/tmp.js';
import { toolTest } from '../helpers/tools.js';

/**
 * The generated dput.cf, read by Debian's real dput: targets for the development and staging distributions,
 * each refusing uploads built for another distribution, unsigned uploads allowed (the ssh route is trusted;
 * the repository signs its Release files). A copy with `method = local` really uploads into temp directories.
 */
const d = suite('dput.cf (Debian repository upload)');

/** A minimal but checksum-correct .changes for one .deb, as dpkg-genchanges writes it. */
function changesFor(dir: string, distribution: string, version: string): string {
  const deb = `acme-svc_${version}_all.deb`;
  const bytes = Buffer.from(`not really a deb ${version}\n`);
  writeFileSync(join(dir, deb), bytes);
  const h = (alg: string) => createHash(alg).update(bytes).digest('hex');
  const file = join(dir, `acme-svc_${version}_${distribution}.changes`);
  writeFileSync(
    file,
    `Format: 1.8
Date: Sun, 22 Nov 2026 10:30:00 +0000
Source: acme-svc
Binary: acme-svc
Architecture: all
Version: ${version}
Distribution: ${distribution}
Urgency: medium
Maintainer: Test Author <test@example.org>
Changed-By: Test Author <test@example.org>
Description:
 acme-svc - demo
Changes:
 acme-svc (${version}) ${distribution}; urgency=medium
 .
   * Build.
Checksums-Sha1:
 ${h('sha1')} ${bytes.length} ${deb}
Checksums-Sha256:
 ${h('sha256')} ${bytes.length} ${deb}
Files:
 ${h('md5')} ${bytes.length} misc optional ${deb}
`,
  );
  return file;
}

let project = '';
const work = tempDir('dput-');
const dput = (args: string[]) => {
  const r = spawnSync('dput', args, { cwd: work, env: { HOME: work, USER: 'ci', PATH: '/usr/bin:/bin', LANG: 'C.UTF-8' }, encoding: 'utf8' });
  return { code: r.status ?? 128, out: r.stdout + r.stderr };
};

d.before(async () => {
  project = await generate({ type: 'service', name: 'acme-svc' });
});

toolTest(d, ['dput'], 'lists the development and staging targets over scp', () => {
  const r = dput(['-c', join(project, 'dput.cf'), '-H']);
  assert.is(r.code, 0, r.out);
  assert.match(r.out, /development => deb\.example\.com\s+\(Upload method: scp\)/);
  assert.match(r.out, /staging => deb\.example\.com\s+\(Upload method: scp\)/);
  assert.not.match(r.out, /production =>/);
});

toolTest(d, ['dput'], 'a snapshot goes to development (unsigned accepted); a bare dput also picks development', () => {
  const snap = changesFor(work, 'development', '0.1.0~20261122103000+gitabc1234');
  const r = dput(['-s', '-c', join(project, 'dput.cf'), 'development', snap]);
  assert.is(r.code, 0, r.out);
  assert.match(r.out, 'deb.example.com:/srv/apt/incoming/development');
  const bare = dput(['-s', '-c', join(project, 'dput.cf'), snap]);
  assert.is(bare.code, 0, bare.out);
  assert.match(bare.out, 'incoming/development');
});

toolTest(d, ['dput'], 'each target refuses a build for another distribution', () => {
  const release = changesFor(work, 'staging', '0.1.0');
  const snap = changesFor(work, 'development', '0.1.1~20261122103000+gitabc1234');
  const wrong1 = dput(['-s', '-c', join(project, 'dput.cf'), 'development', release]);
  assert.is.not(wrong1.code, 0);
  assert.match(wrong1.out, 'not allowed');
  const wrong2 = dput(['-s', '-c', join(project, 'dput.cf'), 'staging', snap]);
  assert.is.not(wrong2.code, 0);
  const right = dput(['-s', '-c', join(project, 'dput.cf'), 'staging', release]);
  assert.is(right.code, 0, right.out);
  assert.match(right.out, 'incoming/staging');
});

toolTest(d, ['dput'], 'the same configuration with method = local really uploads into the incoming directory', () => {
  const incoming = join(work, 'incoming');
  mkdirSync(join(incoming, 'development'), { recursive: true });
  const local = readFileSync(join(project, 'dput.cf'), 'utf8').replace(/^method = scp$/m, 'method = local').replace(/\/srv\/apt\/incoming/g, incoming);
  assert.match(local, /^method = local$/m);
  writeFileSync(join(work, 'local.cf'), local);
  const snap = changesFor(work, 'development', '0.1.2~20261122103000+gitabc1234');
  const r = dput(['-c', join(work, 'local.cf'), 'development', snap]);
  assert.is(r.code, 0, r.out);
  assert.equal(readdirSync(join(incoming, 'development')).sort(), ['acme-svc_0.1.2~20261122103000+gitabc1234_all.deb', 'acme-svc_0.1.2~20261122103000+gitabc1234_development.changes']);
});

d('holds no secret and documents signing and promotion; the README names the secrets', () => {
  const cf = readFileSync(join(project, 'dput.cf'), 'utf8');
  assert.not.match(cf, /password|BEGIN .*PRIVATE KEY/i);
  assert.match(cf, 'DEB_REPO_SSH_KEY');
  assert.match(cf, 'DEB_REPO_KNOWN_HOSTS');
  assert.match(cf, /aptly signs each distribution's Release file/);
  assert.match(cf, 'make promote VERSION=');
  const readme = readFileSync(join(project, 'README.md'), 'utf8');
  for (const s of ['PYPI_INSTALL_USER', 'PYPI_INSTALL_PASSWORD', 'DEB_REPO_SSH_KEY', 'DEB_REPO_KNOWN_HOSTS', 'sh ci/index-login.sh', 'make promote VERSION=', 'deploy/README.md', 'extra-index-url', 'devpi', 'Artifactory', 'Nexus', 'GitLab', 'pypiserver'])
    assert.match(readme, s);
  assert.ok(existsSync(join(project, 'ci', 'index-login.sh')));
});

d('a library gets no dput.cf, and its README names the upload secrets instead', async () => {
  const lib = await generate({ type: 'library', name: 'acme-lib' });
  assert.not.ok(existsSync(join(lib, 'dput.cf')));
  const readme = readFileSync(join(lib, 'README.md'), 'utf8');
  for (const s of ['PYPI_UPLOAD_USER', 'PYPI_UPLOAD_PASSWORD', 'TWINE_USERNAME', 'TWINE_PASSWORD', 'PYPI_INSTALL_USER']) assert.match(readme, s);
  assert.not.match(readme, 'DEB_REPO_SSH_KEY');
});

d.run();
