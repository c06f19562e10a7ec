import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { templatesRoot } from '../../src/paths.js';
import { generate } from '../helpers/generate.js';
import { tempDir } from '../helpers/tmp.js';
import { hasTool, toolTest } from '../helpers/tools.js';
import { NETRC_CASES } from './netrc-cases.js';

/**
 * ci/netrc.sh: the CI-side writer of ~/.netrc (POSIX sh + awk). Its merge must agree with the TypeScript one on
 * the whole table, with every shell and awk a CI image may have (dash + mawk on Debian/Ubuntu, gawk, busybox).
 */
const SCRIPT = join(templatesRoot(), '1.0.0', 'ci', 'netrc.sh');
const BASE_PATH = '/usr/sbin:/usr/bin:/sbin:/bin';

interface Variant {
  label: string;
  shell: string[];
  awk: string;
}
const VARIANTS: Variant[] = [
  { label: 'dash + mawk', shell: ['dash'], awk: 'mawk' },
  { label: 'dash + gawk', shell: ['dash'], awk: 'gawk' },
  { label: 'busybox sh + busybox awk', shell: ['busybox', 'sh'], awk: 'busybox awk' },
];

/** A PATH directory whose `awk` is the variant's awk. */
function awkShim(awk: string): string {
  const dir = tempDir('netrc-awk-');
  writeFileSync(join(dir, 'awk'), `#!/bin/sh\nexec ${awk} "$@"\n`, { mode: 0o755 });
  return dir;
}

function runScript(v: Variant, env: Record<string, string>, opts: { cwd?: string; script?: string; trace?: boolean } = {}) {
  const shim = awkShim(v.awk);
  const args = [...v.shell.slice(1), ...(opts.trace ? ['-x'] : []), opts.script ?? SCRIPT];
  const r = spawnSync(v.shell[0]!, args, { cwd: opts.cwd, env: { PATH: `${shim}:${BASE_PATH}`, LANG: 'C.UTF-8', ...env }, encoding: 'utf8' });
  return { code: r.status ?? 128, stdout: r.stdout, stderr: r.stderr };
}

const sh = suite('ci/netrc.sh');

toolTest(sh, ['shellcheck'], 'is shellcheck-clean POSIX sh', () => {
  const r = spawnSync('shellcheck', ['-s', 'sh', SCRIPT], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stdout + r.stderr);
});

for (const v of VARIANTS) {
  const tools = [...new Set([v.shell[0]!, v.awk.split(' ')[0]!])];
  toolTest(sh, tools, `${v.label}: merges every table row exactly like the TypeScript merge (or refuses and leaves the file)`, () => {
    const dir = tempDir('netrc-sh-');
    let i = 0;
    for (const c of NETRC_CASES) {
      if (c.password === '') continue; // empty means "not set" to the script: a no-op, tested below
      const file = join(dir, `netrc-${i++}`);
      writeFileSync(file, c.before, { mode: 0o644 });
      const r = runScript(v, { HOME: dir, NETRC: file, PYPI_INSTALL_USER: c.login, PYPI_INSTALL_PASSWORD: c.password, PIP_INDEX_URL: `https://${c.host}:8443/simple/` });
      const now = readFileSync(file, 'utf8');
      if (c.shippedScript !== undefined) {
        assert.is(r.code, 0, `${c.name}: ${r.stderr}`);
        assert.is(now, c.shippedScript, `${c.name}: the shipped script's output changed`);
        continue;
      }
      if (c.error) {
        assert.is.not(r.code, 0, `${c.name}: should refuse\n${r.stdout}`);
        assert.is(now, c.before, `${c.name}: file changed on refusal`);
        assert.is(statSync(file).mode & 0o777, 0o644, c.name);
        continue;
      }
      assert.is(r.code, 0, `${c.name}: ${r.stderr}`);
      assert.is(now, c.after, c.name);
      assert.is(statSync(file).mode & 0o777, 0o600, c.name);
      assert.match(r.stdout, `entry for ${c.host} ${c.action}`, c.name);
    }
    assert.ok(i > 20);
  });
}

toolTest(sh, ['dash'], 'does nothing when the secrets are not set (no file created, exit 0)', () => {
  const home = tempDir('netrc-sh-');
  const envs: Record<string, string>[] = [{}, { PYPI_INSTALL_USER: 'installer' }, { PYPI_INSTALL_USER: 'installer', PYPI_INSTALL_PASSWORD: '' }];
  for (const env of envs) {
    const r = runScript(VARIANTS[0]!, { HOME: home, PIP_INDEX_URL: 'https://pypi.example.com/simple/', ...env });
    assert.is(r.code, 0, r.stderr);
    assert.match(r.stdout, 'left as it is');
    assert.not.ok(existsSync(join(home, '.netrc')));
  }
});

toolTest(sh, ['dash'], "in a generated project: reads the host from pip.conf's index-url (port dropped), merges ~/.netrc in place", async () => {
  const project = await generate({ type: 'library', name: 'acme-lib', indexUrl: 'http://pypi.internal.example:3141/team/simple/' }, { templateVersion: '1.1.0' });
  const home = tempDir('netrc-home-');
  const existing = '# mine\nmachine git.example.org login me password x\n';
  writeFileSync(join(home, '.netrc'), existing, { mode: 0o600 });
  const r = runScript(VARIANTS[0]!, { HOME: home, PYPI_INSTALL_USER: 'ci-installer', PYPI_INSTALL_PASSWORD: 'ci-secret' }, { cwd: project, script: 'ci/netrc.sh' });
  assert.is(r.code, 0, r.stderr);
  assert.is(readFileSync(join(home, '.netrc'), 'utf8'), `${existing}machine pypi.internal.example login ci-installer password ci-secret\n`);
  assert.is(statSync(join(project, 'ci', 'netrc.sh')).mode & 0o777, 0o755);
  // A project without an index configured: nothing to do.
  const bare = await generate({ type: 'library', name: 'bare-lib' }, { templateVersion: '1.1.0' });
  const home2 = tempDir('netrc-home-');
  const r2 = runScript(VARIANTS[0]!, { HOME: home2, PYPI_INSTALL_USER: 'u', PYPI_INSTALL_PASSWORD: 'p' }, { cwd: bare, script: 'ci/netrc.sh' });
  assert.is(r2.code, 0, r2.stderr);
  assert.match(r2.stdout, 'no index-url');
  assert.not.ok(existsSync(join(home2, '.netrc')));
});

toolTest(sh, ['dash'], 'PIP_INDEX_URL wins over pip.conf (pip does the same); credentials inside it are refused', async () => {
  const project = await generate({ type: 'library', name: 'acme-lib2', indexUrl: 'https://one.example/simple/' }, { templateVersion: '1.1.0' });
  const home = tempDir('netrc-home-');
  const env = { HOME: home, PYPI_INSTALL_USER: 'u', PYPI_INSTALL_PASSWORD: 'p' };
  assert.is(runScript(VARIANTS[0]!, { ...env, PIP_INDEX_URL: 'https://two.example/simple/' }, { cwd: project, script: 'ci/netrc.sh' }).code, 0);
  assert.is(readFileSync(join(home, '.netrc'), 'utf8'), 'machine two.example login u password p\n');
  const bad = runScript(VARIANTS[0]!, { ...env, PIP_INDEX_URL: 'https://u:p@three.example/simple/' }, { cwd: project, script: 'ci/netrc.sh' });
  assert.is.not(bad.code, 0);
  assert.match(bad.stderr, 'credentials');
});

toolTest(sh, ['dash'], 'a symlinked ~/.netrc (dotfile manager) stays a link; the file it points to is updated', () => {
  const home = tempDir('netrc-home-');
  mkdirSync(join(home, 'dotfiles'));
  writeFileSync(join(home, 'dotfiles', 'netrc'), 'machine a.example login a password a\n', { mode: 0o600 });
  symlinkSync('dotfiles/netrc', join(home, '.netrc'));
  const r = runScript(VARIANTS[0]!, { HOME: home, PYPI_INSTALL_USER: 'u', PYPI_INSTALL_PASSWORD: 'p', PIP_INDEX_URL: 'https://h.example/simple/' });
  assert.is(r.code, 0, r.stderr);
  assert.ok(lstatSync(join(home, '.netrc')).isSymbolicLink());
  assert.is(readlinkSync(join(home, '.netrc')), 'dotfiles/netrc');
  assert.is(readFileSync(join(home, 'dotfiles', 'netrc'), 'utf8'), 'machine a.example login a password a\nmachine h.example login u password p\n');
});

toolTest(sh, ['dash', 'strace'], 'the password is in no command line of any process it starts, nor in its output, even under sh -x', () => {
  const home = tempDir('netrc-home-');
  const secret = `Sentinel${Date.now().toString(36)}Pw`;
  writeFileSync(join(home, '.netrc'), 'machine a.example login a password a\n');
  chmodSync(join(home, '.netrc'), 0o644);
  const log = join(home, 'strace.log');
  const shim = awkShim('mawk');
  const r = spawnSync('strace', ['-f', '-qq', '-s', '100000', '-e', 'trace=execve', '-o', log, 'dash', '-x', SCRIPT], {
    env: { PATH: `${shim}:${BASE_PATH}`, HOME: home, PYPI_INSTALL_USER: 'installer', PYPI_INSTALL_PASSWORD: secret, PIP_INDEX_URL: 'https://h.example/simple/' },
    encoding: 'utf8',
  });
  assert.is(r.status, 0, r.stderr);
  const execs = readFileSync(log, 'utf8').split('\n').filter((l) => l.includes('execve('));
  assert.ok(execs.length >= 5, `expected the script to start processes (awk, sed, chmod, mv …), saw ${execs.length}`);
  assert.ok(execs.some((l) => l.includes('"mawk"')), 'awk ran under the trace');
  for (const l of execs) assert.not.ok(l.includes(secret), `secret on a command line: ${l.slice(0, 200)}`);
  assert.not.ok(r.stdout.includes(secret), 'stdout');
  assert.not.ok(r.stderr.includes(secret), 'stderr (sh -x trace)');
  assert.ok(readFileSync(join(home, '.netrc'), 'utf8').includes(`password ${secret}`), 'and the secret did reach ~/.netrc');
  assert.is(statSync(join(home, '.netrc')).mode & 0o777, 0o600);
});

if (!hasTool('gawk') || !hasTool('busybox')) console.log('  note: gawk/busybox variants need `apt-get install gawk busybox` (.ci/run installs them)');

sh.run();
