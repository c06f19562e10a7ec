/**
 * ci/deb-repo-ssh.sh, the generated script that sets up ssh for dput's upload from two CI secrets. Run
 * with Debian's sh in a clean environment and a temporary HOME.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from '../helpers/generate.js';
import { cleanEnv, tempDir } from '../helpers/tmp.js';
import { toolTest } from '../helpers/tools.js';

const t = suite('ci/deb-repo-ssh.sh');

const KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ-SENTINEL\n-----END OPENSSH PRIVATE KEY-----';
const HOSTS = 'repo.example.org ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPublicHostKey';
let script = '';

t.before(async () => {
  const dir = await generate({ type: 'service', ci: 'gitlab', name: 'demo-app' });
  script = join(dir, 'ci/deb-repo-ssh.sh');
});

function run(env: Record<string, string>, home = tempDir()): { code: number; out: string; home: string } {
  const r = spawnSync('/bin/sh', [script], { env: cleanEnv(home, env), encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout + r.stderr, home };
}
const mode = (f: string) => (statSync(f).mode & 0o777).toString(8);

t('the generated script is executable', () => {
  assert.is(mode(script), '755');
});

t('a key given as text lands in ~/.ssh/deb-repo-key (0600), host lines in known_hosts, an IdentityFile in config; nothing secret printed', () => {
  const r = run({ DEB_REPO_SSH_KEY: KEY, DEB_REPO_KNOWN_HOSTS: HOSTS });
  assert.is(r.code, 0, r.out);
  assert.not.match(r.out, /SENTINEL/);
  const ssh = join(r.home, '.ssh');
  assert.is(mode(ssh), '700');
  assert.is(readFileSync(join(ssh, 'deb-repo-key'), 'utf8'), KEY + '\n');
  for (const f of ['deb-repo-key', 'known_hosts', 'config']) assert.is(mode(join(ssh, f)), '600', f);
  assert.is(readFileSync(join(ssh, 'known_hosts'), 'utf8'), HOSTS + '\n');
  assert.match(readFileSync(join(ssh, 'config'), 'utf8'), /^Host \*\n {4}IdentityFile ~\/\.ssh\/deb-repo-key\n/m);
});

t('a key given as a file path (GitLab File variable, Jenkins key file) or base64 (CircleCI) gives the same key file', () => {
  const dir = tempDir();
  const keyFile = join(dir, 'key');
  writeFileSync(keyFile, KEY + '\n');
  const hostsFile = join(dir, 'hosts');
  writeFileSync(hostsFile, HOSTS + '\n');
  const byPath = run({ DEB_REPO_SSH_KEY: keyFile, DEB_REPO_KNOWN_HOSTS: hostsFile });
  assert.is(byPath.code, 0, byPath.out);
  assert.is(readFileSync(join(byPath.home, '.ssh/deb-repo-key'), 'utf8'), KEY + '\n');
  assert.is(readFileSync(join(byPath.home, '.ssh/known_hosts'), 'utf8'), HOSTS + '\n');
  const b64 = run({ DEB_REPO_SSH_KEY: Buffer.from(KEY + '\n').toString('base64'), DEB_REPO_KNOWN_HOSTS: HOSTS });
  assert.is(b64.code, 0, b64.out);
  assert.is(readFileSync(join(b64.home, '.ssh/deb-repo-key'), 'utf8'), KEY + '\n');
});

t('an existing ~/.ssh keeps its entries; a second run adds nothing twice', () => {
  const home = tempDir();
  mkdirSync(join(home, '.ssh'));
  writeFileSync(join(home, '.ssh/known_hosts'), 'github.com ssh-ed25519 AAAAother\n');
  writeFileSync(join(home, '.ssh/config'), 'Host build\n    User builder\n');
  for (let i = 0; i < 2; i++) assert.is(run({ DEB_REPO_SSH_KEY: KEY, DEB_REPO_KNOWN_HOSTS: HOSTS }, home).code, 0);
  assert.is(readFileSync(join(home, '.ssh/known_hosts'), 'utf8'), `github.com ssh-ed25519 AAAAother\n${HOSTS}\n`);
  const config = readFileSync(join(home, '.ssh/config'), 'utf8');
  assert.is(config.match(/IdentityFile ~\/\.ssh\/deb-repo-key/g)?.length, 1);
  assert.ok(config.endsWith('Match all\nHost build\n    User builder\n'), config);
});

t('missing secrets or a value that is no key fail with a message naming the secret, and write no key', () => {
  const none = run({});
  assert.is(none.code, 1);
  assert.match(none.out, /DEB_REPO_SSH_KEY is not set/);
  const noHosts = run({ DEB_REPO_SSH_KEY: KEY });
  assert.is(noHosts.code, 1);
  assert.match(noHosts.out, /DEB_REPO_KNOWN_HOSTS is not set/);
  const junk = run({ DEB_REPO_SSH_KEY: 'not a key $(touch injected)', DEB_REPO_KNOWN_HOSTS: HOSTS });
  assert.is(junk.code, 1);
  assert.match(junk.out, /DEB_REPO_SSH_KEY is neither a private key/);
  assert.throws(() => statSync(join(junk.home, '.ssh/deb-repo-key')));
  const notKey = run({ DEB_REPO_SSH_KEY: Buffer.from('hello').toString('base64'), DEB_REPO_KNOWN_HOSTS: HOSTS });
  assert.is(notKey.code, 1);
  assert.match(notKey.out, /not a private key/);
});

toolTest(t, ['shellcheck'], 'shellcheck passes (POSIX sh)', () => {
  const r = spawnSync('shellcheck', ['--shell=sh', '--severity=style', script], { encoding: 'utf8' });
  assert.is(r.stdout, '');
  assert.is(r.status, 0);
});

t.run();
