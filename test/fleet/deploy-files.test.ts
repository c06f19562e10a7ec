/**
 * The generated deploy/ directory and the repository targets, without test hosts (fast):
 * - the playbooks pass Debian's ansible-lint (production profile), ansible-playbook --syntax-check and yamllint;
 * - Debian's ansible-core has every module option the role uses (apt's allow_downgrade came in 2.12);
 * - the Makefile's repository targets drive the real aptly with a gpg test key: the three distributions are
 *   signed with the team's key, promotion copies the very same file, bad input is refused.
 * The hosts test (hosts.test.ts) runs the same files against real hosts.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, mkdirSync, writeFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from '../helpers/generate.js';
import { tempDir } from '../helpers/tmp.js';
import { toolTest } from '../helpers/tools.js';
import { createTestRepo, indexedDeb, mustSh, repoList, repoMake, sh } from './repo.js';

const t = suite('generated deploy/: ansible-lint, syntax, repository targets');

const YAMLLINT_CONFIG = '{extends: default, rules: {line-length: {max: 120}}}';
// A name with every separator a project name may hold: the group name, package and unit names all derive from it.
const NAMES = ['acme-pinger', 'ops.relay_v2'];

let projects: Promise<string[]> | undefined;
// A tool package gets the same deploy/ without a service to wait for.
const generated = () =>
  (projects ??= Promise.all([...NAMES.map((name) => generate({ type: 'service', name }, { git: true })), generate({ type: 'tool', name: 'acme-cli' }, { git: true })]));

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith('.yml')) out.push(join(entry.parentPath ?? (entry as unknown as { path: string }).path, entry.name));
  }
  return out.sort();
}

function lintEnv(): NodeJS.ProcessEnv {
  // A temp HOME: ansible-lint keeps caches there; nothing of the user's ansible setup may leak in.
  return { HOME: tempDir(), PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8' };
}

toolTest(t, ['ansible-lint'], 'ansible-lint (production profile, offline) passes on the playbooks and the role', async () => {
  for (const dir of await generated()) {
    const deploy = join(dir, 'deploy');
    const r = sh('ansible-lint', ['--offline', '--nocolor', '--profile', 'production', 'deploy.yml', 'rollback.yml', 'roles/deploy'], { cwd: deploy, env: lintEnv() });
    assert.is(r.code, 0, `ansible-lint in ${deploy}:\n${r.out}`);
    assert.match(r.out, /Passed with production profile/, r.out);
    assert.match(r.out, /on [6-9] files/, `ansible-lint should have read every file:\n${r.out}`);
  }
});

toolTest(t, ['ansible-lint'], 'ansible-lint fails on a broken role (the check can fail)', async () => {
  const [dir] = await generated();
  const copy = tempDir();
  mustSh('cp', ['-a', join(dir!, 'deploy'), copy]);
  const tasks = join(copy, 'deploy', 'roles', 'deploy', 'tasks', 'main.yml');
  writeFileSync(tasks, readFileSync(tasks, 'utf8') + '\n- name: Unnamed shell use\n  ansible.builtin.shell: systemctl restart x\n');
  const r = sh('ansible-lint', ['--offline', '--nocolor', '--profile', 'production', 'deploy.yml', 'rollback.yml', 'roles/deploy'], { cwd: join(copy, 'deploy'), env: lintEnv() });
  assert.is.not(r.code, 0, r.out);
});

toolTest(t, ['ansible-playbook'], 'ansible-playbook --syntax-check reads both playbooks with the example inventory', async () => {
  for (const dir of await generated()) {
    const deploy = join(dir, 'deploy');
    const r = sh('ansible-playbook', ['-i', 'inventory.yml', '--syntax-check', 'deploy.yml', 'rollback.yml'], { cwd: deploy, env: { ...lintEnv(), ANSIBLE_CONFIG: join(deploy, 'ansible.cfg') } });
    assert.is(r.code, 0, r.out);
    assert.not.match(r.out, /WARNING/, `warnings from ansible-playbook:\n${r.out}`);
    // The example inventory's group is the one the playbooks target by default.
    const listed = sh('ansible-playbook', ['-i', 'inventory.yml', '--list-hosts', 'deploy.yml', '-e', 'deploy_version=1.0.0'], { cwd: deploy, env: { ...lintEnv(), ANSIBLE_CONFIG: join(deploy, 'ansible.cfg') } });
    assert.is(listed.code, 0, listed.out);
    assert.match(listed.out, /hosts \(3\)/, listed.out);
  }
});

toolTest(t, ['yamllint'], 'yamllint passes on every generated deploy YAML file', async () => {
  for (const dir of await generated()) {
    const files = yamlFiles(join(dir, 'deploy'));
    assert.ok(files.length >= 6, files.join(', '));
    const r = sh('yamllint', ['-f', 'parsable', '-s', '-d', YAMLLINT_CONFIG, ...files]);
    assert.is(r.stdout + (r.code === 0 ? '' : r.out), '', 'yamllint problems');
  }
});

toolTest(t, ['ansible-doc'], "Debian's ansible-core has every option the role uses (apt allow_downgrade, dpkg_options)", async () => {
  const [dir] = await generated();
  const tasks = readFileSync(join(dir!, 'deploy', 'roles', 'deploy', 'tasks', 'main.yml'), 'utf8');
  const doc = JSON.parse(mustSh('ansible-doc', ['--json', '-t', 'module', 'ansible.builtin.apt'], { env: lintEnv() })) as Record<string, { doc: { options: Record<string, unknown> } }>;
  const options = Object.keys(doc['ansible.builtin.apt']!.doc.options);
  const apt = /ansible\.builtin\.apt:\n((?: {8}.*\n|\s*#.*\n)+)/.exec(tasks)?.[1] ?? '';
  const used = [...apt.matchAll(/^ {8}([a-z_]+):/gm)].map((m) => m[1]!);
  assert.ok(used.includes('allow_downgrade') && used.includes('dpkg_options'), `apt options read from the role: ${used.join(', ')}`);
  for (const option of used) assert.ok(options.includes(option), `ansible.builtin.apt here has no option ${option}`);
  // Only ansible.builtin modules: nothing to fetch at run time.
  const modules = new Set<string>();
  for (const f of yamlFiles(join(dir!, 'deploy')).filter((f) => !f.endsWith('inventory.yml'))) for (const m of readFileSync(f, 'utf8').matchAll(/^\s+-? ?([a-z0-9_]+\.[a-z0-9_]+\.[a-z0-9_]+):/gm)) modules.add(m[1]!);
  assert.ok(modules.size >= 6, [...modules].join(', '));
  for (const m of modules) assert.ok(m.startsWith('ansible.builtin.'), `${m} is not ansible.builtin`);
});

toolTest(t, ['aptly', 'gpg', 'gpgv', 'dpkg-deb', 'make'], 'repository targets: signed distributions, promotion copies the same file, bad input refused', async () => {
  const [dir] = await generated();
  const repo = createTestRepo(dir!, tempDir());
  const init = repoMake(repo, 'repo-init');
  assert.is(init.code, 0, init.out);
  // Running it again changes nothing and does not fail (cron, re-runs).
  assert.is(repoMake(repo, 'repo-init').code, 0);

  // Two small packages with the project's package name, built with dpkg-deb.
  const debs = join(dir!, 'debs');
  mkdirSync(join(debs, 'pkg', 'DEBIAN'), { recursive: true });
  const built: Record<string, string> = {};
  for (const version of ['0.1.0', '0.2.0~20261128040000+git1a2b3c4']) {
    writeFileSync(join(debs, 'pkg', 'DEBIAN', 'control'), `Package: acme-pinger\nVersion: ${version}\nArchitecture: all\nMaintainer: T <t@example.org>\nDescription: test ${version}\n`);
    const deb = join(debs, `acme-pinger_${version}_all.deb`);
    mustSh('dpkg-deb', ['--root-owner-group', '-b', join(debs, 'pkg'), deb]);
    built[version] = deb;
  }
  mustSh('rm', ['-r', join(debs, 'pkg')]);
  const add = repoMake(repo, 'repo-add', { DIST: 'development' });
  assert.is(add.code, 0, add.out);
  assert.equal(repoList(repo), new Map([['development', ['0.2.0~20261128040000+git1a2b3c4', '0.1.0']], ['staging', []], ['production', []]]));

  const production = repoMake(repo, 'repo-add', { DIST: 'production' });
  assert.is.not(production.code, 0);
  assert.match(production.out, /production only takes promoted builds/);
  for (const bad of ['', 'latest', '1.0;id', '$(id)', '1.0 2.0']) {
    const r = repoMake(repo, 'promote', { VERSION: bad, FROM: 'development' });
    assert.is.not(r.code, 0, `VERSION=${bad}`);
    assert.match(r.out, /set VERSION to a Debian version/, r.out);
  }
  const missing = repoMake(repo, 'promote', { VERSION: '0.3.0', FROM: 'development' });
  assert.is.not(missing.code, 0);
  assert.match(missing.out, /acme-pinger 0\.3\.0 is not in development/);

  const promote = repoMake(repo, 'promote', { VERSION: '0.1.0', FROM: 'development', TO: 'production' });
  assert.is(promote.code, 0, promote.out);
  assert.equal(repoList(repo).get('production'), ['0.1.0']);
  assert.equal(repoList(repo).get('development')!.length, 2, 'promotion copies, it does not move');

  // The same file: production's index names the development pool file, with the built .deb's checksum.
  const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
  const inProd = indexedDeb(repo, 'production', 'acme-pinger', '0.1.0', 'amd64');
  const inDev = indexedDeb(repo, 'development', 'acme-pinger', '0.1.0', 'amd64');
  assert.is(inProd.filename, inDev.filename);
  assert.is(inProd.sha256, sha(built['0.1.0']!));
  assert.is(sha(join(repo.publicDir, inProd.filename)), sha(built['0.1.0']!));

  // Each distribution is signed with the team's key, and only that key verifies it.
  const keyring = join(tempDir(), 'team.gpg');
  mustSh('gpg', ['--batch', '--yes', '--output', keyring, '--dearmor', repo.publicKey]);
  for (const dist of ['development', 'staging', 'production']) {
    const inRelease = join(repo.publicDir, 'dists', dist, 'InRelease');
    assert.ok(statSync(inRelease).size > 0);
    const v = sh('gpgv', ['--keyring', keyring, inRelease]);
    assert.is(v.code, 0, `${dist}: ${v.out}`);
    assert.match(readFileSync(inRelease, 'utf8'), new RegExp(`^Suite: ${dist}$`, 'm'));
  }
  const otherHome = tempDir();
  mustSh('gpg', ['--batch', '--passphrase', '', '--quick-gen-key', 'Someone Else <x@example.org>', 'ed25519', 'sign', 'never'], { env: { ...process.env, GNUPGHOME: otherHome } });
  const otherKeyring = join(otherHome, 'other.gpg');
  writeFileSync(otherKeyring, mustSh('gpg', ['--batch', '--export'], { env: { ...process.env, GNUPGHOME: otherHome } }), 'latin1');
  assert.is.not(sh('gpgv', ['--keyring', otherKeyring, join(repo.publicDir, 'dists', 'production', 'InRelease')]).code, 0, 'another key must not verify the repository');
});

t.run();
