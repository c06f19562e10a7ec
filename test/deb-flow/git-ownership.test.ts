import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PYSERVICE_BIN } from '../helpers/cli.js';
import { cleanEnv, tempDir } from '../helpers/tmp.js';
import { isCI, toolTest } from '../helpers/tools.js';

/**
 * A project in a git repository that belongs to another user: an upstream tarball unpacked as root keeps its
 * uid (qtconsole's files are uid 1000), as do CI and Docker checkouts. git then refuses every command ("detected
 * dubious ownership"); `pyservice deb` stages its result, so it found out only after writing all of debian/, and
 * the journal it left could not be finished either. It must refuse first and write nothing.
 */
const t = suite('pyservice deb: a repository git refuses (another user\'s) is refused before anything is written');
const PY = '/usr/bin/python3';

function chownTree(dir: string, uid: number): void {
  chownSync(dir, uid, uid);
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) chownTree(join(dir, e.name), uid);
    else chownSync(join(dir, e.name), uid, uid);
  }
}

const root = process.getuid?.() === 0;
if (!root && isCI()) t('needs root to give the project to another user', () => assert.unreachable('CI runs as root; a skip is a failure under CI=true'));
else if (!root) console.log('  skip: git-ownership: needs root (chown)');
else
  toolTest(t, [PY, 'git'], 'exit 2 naming the ownership and git\'s safe.directory fix, nothing written; trusted, the same run writes and stages', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'setup.py'), 'from setuptools import setup\nsetup(name="owned-tool", version="1.0", description="Checks owners", py_modules=["owned_tool"], entry_points={"console_scripts": ["owned-tool = owned_tool:main"]})\n');
    writeFileSync(join(dir, 'owned_tool.py'), 'def main():\n    return 0\n');
    execFileSync('git', ['init', '-q', dir]);
    chownTree(dir, 65534);
    const home = tempDir();
    const args = [PYSERVICE_BIN, 'deb', dir, '--yes', '--kind', 'tool', '--package', 'owned-tool', '--maintainer', 'T <t@example.org>'];
    const before = readdirSync(dir).sort();
    const r = spawnSync(process.execPath, args, { env: cleanEnv(home, { NO_COLOR: '1' }), encoding: 'utf8' });
    assert.is(r.status, 2, r.stderr);
    assert.match(r.stderr.trim(), /^error: git refuses the repository \(detected dubious ownership in repository at '[^']+'\): it belongs to another user; .*safe\.directory .*; nothing was written$/);
    assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.equal(readdirSync(dir).sort(), before, 'files were written');
    assert.not.ok(existsSync(join(dir, '.git', 'pyservice-update')), 'a journal was left');
    // A dry run lists it with what else a real run would refuse (gitlint 0.19.1 unpacked as root: hatch-vcs, cut off
    // from git, read 0.1.dev0, and the dry run said so with no refusal)
    const dry = spawnSync(process.execPath, [...args, '--dry-run', '--json'], { env: cleanEnv(home, { NO_COLOR: '1' }), encoding: 'utf8' });
    assert.is(dry.status, 0, dry.stderr);
    assert.match(JSON.parse(dry.stdout).refusals[0], /^git refuses the repository \(detected dubious ownership in repository at '[^']+'\): it belongs to another user; .*safe\.directory .*; a version the backend reads from git is then not the project's$/);
    assert.equal(readdirSync(dir).sort(), before, 'the dry run wrote files');
    // The fix the message names works
    execFileSync('git', ['config', '--global', '--add', 'safe.directory', dir], { env: cleanEnv(home) });
    const ok = spawnSync(process.execPath, args, { env: cleanEnv(home, { NO_COLOR: '1' }), encoding: 'utf8' });
    assert.is(ok.status, 0, ok.stderr);
    const staged = execFileSync('git', ['diff', '--cached', '--name-only'], { cwd: dir, env: cleanEnv(home), encoding: 'utf8' });
    assert.match(staged, /^debian\/control$/m);
    const trusted = spawnSync(process.execPath, [...args, '--dry-run', '--json', '--force'], { env: cleanEnv(home, { NO_COLOR: '1' }), encoding: 'utf8' });
    assert.is(trusted.status, 0, trusted.stderr);
    assert.not.match(JSON.parse(trusted.stdout).refusals.join('\n'), /git refuses/);
  });

t.run();
