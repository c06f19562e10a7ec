import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PYSERVICE_BIN } from '../helpers/cli.js';
import { generate } from '../helpers/generate.js';
import { cleanEnv, tempDir } from '../helpers/tmp.js';
import { toolTest } from '../helpers/tools.js';

/**
 * A project file the tool reads (the record, pip.conf, requirements.txt, setup.py, setup.cfg, pyproject.toml)
 * that is a FIFO, a directory or a device: read through one non-blocking, regular-files-only reader, so a
 * command names the file and stops (exit 2) instead of hanging a CI job or a whole fleet run forever.
 */
const t = suite('special files where a project file is read: named, never waited on');

const run = (args: string[], cwd: string, env: Record<string, string> = {}) => {
  const r = spawnSync(process.execPath, [PYSERVICE_BIN, ...args], { cwd, encoding: 'utf8', timeout: 15_000, env: { ...cleanEnv(join(cwd, '..')), ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, hung: r.error !== undefined || r.signal !== null };
};

function withFifo(dir: string, file: string): void {
  rmSync(join(dir, file), { force: true, recursive: true });
  mkdirSync(join(dir, file, '..'), { recursive: true });
  execFileSync('mkfifo', [join(dir, file)]);
}

toolTest(t, ['mkfifo', 'git'], 'check (alone and as a fleet): a FIFO .pyservice.json is exit 2 naming it', async () => {
  const dir = await generate({ name: 'fifo-rec', type: 'library' }, { git: true });
  withFifo(dir, '.pyservice.json');
  const one = run(['check'], dir);
  assert.not.ok(one.hung, 'check waited on the FIFO');
  assert.is(one.code, 2, one.stderr);
  assert.match(one.stderr, /\.pyservice\.json.*(FIFO|pipe)/);
  const fleet = run(['check', dir, dir, '--json'], join(dir, '..'));
  assert.not.ok(fleet.hung, 'the fleet check waited on the FIFO');
  assert.match(fleet.stdout, /"failed"/);
});

toolTest(t, ['mkfifo'], 'dependents: a FIFO requirements.txt, setup.py, setup.cfg or pyproject.toml is named, not waited on', async () => {
  for (const file of ['requirements.txt', 'setup.py', 'setup.cfg', 'pyproject.toml']) {
    const dir = join(tempDir(), 'proj');
    mkdirSync(dir);
    writeFileSync(join(dir, 'requirements.txt'), 'acme-common==1.0\n');
    withFifo(dir, file);
    const r = run(['dependents', 'acme-common', dir], join(dir, '..'));
    assert.not.ok(r.hung, `${file}: dependents waited on the FIFO`);
    assert.is(r.code, 2, `${file}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, new RegExp(`${file.replace('.', '\\.')}.*(FIFO|pipe)`), file);
  }
});

toolTest(t, ['mkfifo'], 'dependents over several projects: one with a FIFO is named with its folder, and the others are still searched and listed', async () => {
  // Measured: a FIFO requirements.txt in one of the projects ended the whole run (exit 2, nothing listed) with
  // 'requirements.txt is a FIFO', naming no project
  const root = tempDir();
  const dirs = ['a', 'b', 'c'].map((n) => join(root, n));
  for (const d of dirs) {
    mkdirSync(d);
    writeFileSync(join(d, 'requirements.txt'), 'acme-common==1.0\n');
  }
  withFifo(dirs[1]!, 'requirements.txt');
  const r = run(['dependents', 'acme-common', ...dirs], root);
  assert.not.ok(r.hung, 'dependents waited on the FIFO');
  assert.is(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stdout, `${dirs[0]}  1.0`);
  assert.match(r.stdout, `${dirs[2]}  1.0`);
  assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, `error: "${dirs[1]}" was not searched: requirements.txt is a FIFO`);
  const json = run(['dependents', 'acme-common', ...dirs, '--json'], root);
  assert.equal(JSON.parse(json.stdout).map((d: { dir: string }) => d.dir), [dirs[0], dirs[2]]);
});

toolTest(t, ['mkfifo', 'git'], 'login: a FIFO pip.conf is exit 2 naming it', async () => {
  const dir = await generate({ name: 'fifo-pip', type: 'library', indexUrl: 'https://pypi.example.org/simple/' }, { git: true });
  withFifo(dir, 'pip.conf');
  const r = run(['login', '--index-user', 'u'], dir, { PYSERVICE_INDEX_PASSWORD: 'pw' });
  assert.not.ok(r.hung, 'login waited on the FIFO');
  assert.is(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stderr, /pip\.conf.*(FIFO|pipe)/);
});

toolTest(t, ['mkfifo'], 'deb: a FIFO requirements.txt is named (exit 2), and a symlinked one is read as the build reads it', async () => {
  const dir = join(tempDir(), 'proj');
  mkdirSync(join(dir, 'rq'), { recursive: true });
  writeFileSync(join(dir, 'setup.py'), "from setuptools import setup\nsetup(name='rq-tool', version='1.0', packages=['rq'], install_requires=['click'], entry_points={'console_scripts': ['rq = rq:main']})\n");
  writeFileSync(join(dir, 'rq', '__init__.py'), 'def main():\n    pass\n');
  const args = ['deb', '--dry-run', '--yes', '--kind', 'tool', '--maintainer', 'P <p@example.org>', '--package', 'pyservice-test-rq'];
  withFifo(dir, 'requirements.txt');
  const fifo = run(args, dir);
  assert.not.ok(fifo.hung, 'deb waited on the FIFO');
  assert.is(fifo.code, 2, fifo.stdout + fifo.stderr);
  assert.match(fifo.stderr, /requirements\.txt.*(FIFO|pipe)/);
  // pip -r follows a symlink: the pins it installs count (before, a symlinked list was skipped unseen)
  rmSync(join(dir, 'requirements.txt'));
  writeFileSync(join(dir, '..', 'deploy-pins.txt'), 'click==8.1.7\nmarkdown-it-py==3.0.0\n');
  symlinkSync(join('..', 'deploy-pins.txt'), join(dir, 'requirements.txt'));
  const linked = run(args, dir);
  assert.is(linked.code, 0, linked.stdout + linked.stderr);
  assert.match(linked.stdout + linked.stderr, /click==8\.1\.7, markdown-it-py==3\.0\.0/);
});

toolTest(t, ['git'], 'a file far larger than any of its kind (300 MB requirements.txt, pip.conf) is named with its size in one line (exit 2), never read whole; the other projects are still listed', async () => {
  const root = tempDir();
  const dirs = ['big', 'ok'].map((n) => join(root, n));
  for (const d of dirs) mkdirSync(d);
  writeFileSync(join(dirs[1]!, 'requirements.txt'), 'acme-common==1.0\n');
  writeFileSync(join(dirs[0]!, 'requirements.txt'), 'acme-common==2.0\n');
  truncateSync(join(dirs[0]!, 'requirements.txt'), 300 * 1024 * 1024); // sparse: no disk used
  const started = Date.now();
  const r = run(['dependents', 'acme-common', ...dirs], root);
  assert.ok(Date.now() - started < 3000, `took ${Date.now() - started} ms`);
  assert.is(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stdout, `${dirs[1]}  1.0`);
  assert.is(r.stderr.trim(), `error: "${dirs[0]}" was not searched: requirements.txt is 300 MB, more than the 16 MB pyservice reads from such a file: it is not the file its name says (a log or data file?); move it away or shorten it`);
  const lib = await generate({ name: 'big-pip', type: 'library', indexUrl: 'https://pypi.example.org/simple/' }, { git: true });
  truncateSync(join(lib, 'pip.conf'), 17 * 1024 * 1024);
  const login = run(['login', '--index-user', 'u'], lib, { PYSERVICE_INDEX_PASSWORD: 'pw' });
  assert.is(login.code, 2, login.stdout + login.stderr);
  assert.match(login.stderr, /^error: .*pip\.conf is 17 MB, more than the 16 MB pyservice reads from such a file/);
  assert.is(login.stderr.trim().split('\n').length, 1);
});

toolTest(t, ['mkfifo'], 'a fleet --from list that is a FIFO, too large or binary is exit 2 in one line, never waited on; standard input (-) is still read', () => {
  const root = tempDir();
  mkdirSync(join(root, 'a'));
  withFifo(root, 'list.txt');
  const fifo = run(['check', '--from', 'list.txt'], root);
  assert.not.ok(fifo.hung, 'check waited on the FIFO');
  assert.is(fifo.code, 2, fifo.stderr);
  assert.is(fifo.stderr.trim(), 'error: the repository list "list.txt" is a FIFO (named pipe), not a regular file; pyservice reads it only as a file: replace it with one (--from)');
  writeFileSync(join(root, 'big.txt'), 'a\n');
  truncateSync(join(root, 'big.txt'), 100 * 1024 * 1024);
  const big = run(['update', '--from', 'big.txt'], root);
  assert.is(big.code, 2, big.stderr);
  assert.match(big.stderr, /^error: the repository list "big\.txt" is 100 MB, more than the 16 MB/);
  writeFileSync(join(root, 'bin.txt'), Buffer.from([0x61, 0x0a, 0x00, 0x01, 0x62, 0x0a]));
  const bin = run(['dependents', 'x', '--from', 'bin.txt'], root);
  assert.is(bin.code, 2, bin.stderr);
  assert.match(bin.stderr, 'line 2 of the repository list "bin.txt" holds a control character');
  const stdin = spawnSync(process.execPath, [PYSERVICE_BIN, 'check', '--from', '-'], { cwd: root, input: 'a\n', encoding: 'utf8', env: cleanEnv(root) });
  assert.match(stdin.stdout, `${join(root, 'a')}  failed`);
});

t.run();
