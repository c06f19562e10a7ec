import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CREATE_BIN } from '../helpers/cli.js';
import { cleanEnv, tempDir } from '../helpers/tmp.js';
import { toolTest } from '../helpers/tools.js';

/**
 * A tool's or service's commands become /usr/bin links, and a tool's preinst diverts another package's file of the
 * same name. Measured: create-pyservice --type tool --name sh (or ls) planned debian/sh.preinst diverting /usr/bin/sh,
 * the system shell, on install. Such names are refused (exit 2) before anything is written.
 */
const t = suite('create-pyservice: no command over a system command');

function create(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [CREATE_BIN, ...args, '--yes', '--no-git', '--author', 'A B', '--email', 'a@example.org'], { cwd, env: { ...cleanEnv(tempDir()), NO_COLOR: '1' }, encoding: 'utf8', input: '' });
  return { code: r.status ?? 128, stdout: r.stdout, stderr: r.stderr };
}

toolTest(t, ['dpkg-query'], 'a tool or service named sh, ls, pkexec or sudo, or a console script python3, is exit 2 with nothing written', () => {
  const cases: Array<[string[], RegExp]> = [
    [['--type', 'tool', '--name', 'sh'], /\/usr\/bin\/sh \(dash is Essential\).*choose another project name \(--name\)/],
    [['--type', 'tool', '--name', 'ls'], /\/usr\/bin\/ls \(coreutils is Essential\)/],
    [['--type', 'service', '--name', 'pkexec'], /\/usr\/bin\/pkexec \(a program that asks for passwords\)/],
    // sudo is refused before its command is looked at: a service runs as the user named after it, and sudo is a group
    [['--type', 'service', '--name', 'sudo'], /"sudo" is an account or group every Debian system already has/],
  ];
  for (const [args, why] of cases) {
    const cwd = tempDir();
    const r = create(['proj', ...args], cwd);
    assert.is(r.code, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, why);
    assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.not.ok(existsSync(join(cwd, 'proj')), 'nothing written');
  }
  const cwd = tempDir();
  writeFileSync(join(cwd, 'a.json'), JSON.stringify({ consoleScripts: ['ok-svc = ok_svc.service:main', 'python3 = ok_svc.service:main'] }));
  const r = create(['proj', '--type', 'service', '--name', 'ok-svc', '--answers', join(cwd, 'a.json')], cwd);
  assert.is(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stderr, /the command python3 would take over \/usr\/bin\/python3 \(the Python interpreter the venv runs on\).*rename it in consoleScripts/);
  assert.not.ok(existsSync(join(cwd, 'proj')));
  // An ordinary name is unaffected
  const ok = create(['proj', '--type', 'tool', '--name', 'ok-tool', '--dry-run'], tempDir());
  assert.is(ok.code, 0, ok.stderr);
});

t.run();
