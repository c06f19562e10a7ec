import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { cpSync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/paths.js';
import { PYSERVICE_BIN } from '../helpers/cli.js';
import { cleanEnv, tempDir } from '../helpers/tmp.js';
import { toolTest } from '../helpers/tools.js';

/**
 * One representative corpus project (console-scripts: two console scripts and a GUI script) goes through
 * `pyservice deb` and `dpkg-buildpackage` offline, in a clean environment, with whatever debian/rules the
 * templates have today. The one .deb is shared by the assertions below.
 */
const t = suite('pyservice deb: the .deb builds offline');
const TOOLS = ['/usr/bin/python3', 'dpkg-buildpackage', 'dh_virtualenv', 'dpkg-deb'];

let parent = '';
let deb = '';
let listing = '';

function sh(cmd: string, args: string[], cwd: string, env: Record<string, string>) {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', input: '', maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status ?? 128, stdout: r.stdout, stderr: r.stderr };
}

toolTest(t, TOOLS, 'pyservice deb, then dpkg-buildpackage -us -uc -b with no network and no PIP_* settings', () => {
  parent = tempDir();
  const dir = join(parent, 'cs-svc');
  cpSync(join(packageRoot(), 'test', 'fixtures', 'projects', 'console-scripts'), dir, { recursive: true });
  const env = cleanEnv(tempDir());
  const made = sh(process.execPath, [PYSERVICE_BIN, 'deb', '--maintainer', 'Build Test <build@example.org>', '--yes'], dir, { ...env, NO_COLOR: '1' });
  assert.is(made.code, 0, made.stderr);
  const built = sh('dpkg-buildpackage', ['-us', '-uc', '-b'], dir, env);
  assert.is(built.code, 0, (built.stdout + built.stderr).split('\n').slice(-40).join('\n'));
  const debs = readdirSync(parent).filter((f) => f.endsWith('.deb'));
  assert.equal(debs.length, 1, debs.join(' '));
  assert.match(debs[0]!, /^cs-svc_1\.0\.0_[a-z0-9]+\.deb$/);
  deb = join(parent, debs[0]!);
  listing = sh('dpkg-deb', ['-c', deb], parent, env).stdout;
});

toolTest(t, TOOLS, 'the tool package links each console script, and its GUI script, into /usr/bin', () => {
  assert.ok(deb, 'no .deb was built');
  for (const script of ['cs-svc', 'cs-admin', 'cs-gui']) assert.match(listing, new RegExp(`\\./usr/bin/${script} -> /opt/venvs/cs-svc/bin/${script}$`, 'm'));
});

toolTest(t, TOOLS, 'the linked scripts run from the unpacked venv', () => {
  assert.ok(deb, 'no .deb was built');
  const root = tempDir();
  const env = cleanEnv(tempDir());
  assert.is(sh('dpkg-deb', ['-x', deb, root], parent, env).code, 0);
  for (const [script, says] of [['cs-svc', 'cs-svc says hello'], ['cs-admin', 'cs-admin says hello']] as const) {
    const target = readlinkSync(join(root, 'usr', 'bin', script));
    const venv = join(root, 'opt', 'venvs', 'cs-svc');
    // the scripts' #! names /opt/venvs/cs-svc/bin/python, which is not installed here: run them with the unpacked one
    const r = sh(join(venv, 'bin', 'python'), [join(root, target)], root, env);
    assert.is(r.code, 0, r.stderr);
    assert.is(r.stdout.trim(), says);
  }
});

t.run();
