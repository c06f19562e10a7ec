import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PYSERVICE_BIN } from '../helpers/cli.js';
import { cleanEnv, tempDir } from '../helpers/tmp.js';
import { toolTest } from '../helpers/tools.js';

/**
 * A `pyservice deb` stopped while the project's build backend runs: Ctrl-C, SIGTERM, SIGHUP, its --timeout, or
 * pyservice itself SIGKILLed. Before: the backend (its own process group, which Ctrl-C never reaches) ran on
 * after pyservice had exited, what it wrote into the project (build/, *.egg-info) stayed there, and so did its
 * /tmp/pyservice-metadata-* folder (one per killed read: ~130 on this machine). Now the backend is stopped with
 * the command, the project is left as it was, and no temporary folder is left behind; one of a read killed
 * outright (SIGKILL to the helper itself) is removed by the next read.
 */
const t = suite('pyservice deb interrupted while the backend runs');
const PY = '/usr/bin/python3';

const BACKEND = `import os, time
def prepare_metadata_for_build_wheel(d, config_settings=None):
    os.makedirs("build/lib", exist_ok=True)
    open("stopped.egg-info", "w").write("x")
    open("generated.toml", "w").write("x")  # a name no build tree has: the read's own, seen by its audit hook
    open(os.path.join(os.environ.get("TMPDIR", "/tmp"), "backend-temp"), "w").write("x")
    open(os.environ["PIDFILE"], "w").write(str(os.getpid()))
    time.sleep(float(os.environ.get("SLOW", "0")))
    di = os.path.join(d, "stopped-1.0.dist-info")
    os.makedirs(di)
    open(os.path.join(di, "METADATA"), "w").write("Metadata-Version: 2.1\\nName: stopped\\nVersion: 1.0\\nSummary: Stops\\nLicense: MIT\\n")
    open(os.path.join(di, "entry_points.txt"), "w").write("[console_scripts]\\nstopped = stopped:main\\n")
    return "stopped-1.0.dist-info"
`;

function project(): { dir: string; env: Record<string, string>; pidFile: string; tmp: string } {
  const dir = join(tempDir(), 'stopped');
  mkdirSync(join(dir, 'bk'), { recursive: true });
  writeFileSync(join(dir, 'pyproject.toml'), '[build-system]\nrequires = []\nbuild-backend = "slowb"\nbackend-path = ["bk"]\n');
  writeFileSync(join(dir, 'bk', 'slowb.py'), BACKEND);
  writeFileSync(join(dir, 'stopped.py'), 'def main():\n    return 0\n');
  execFileSync('git', ['init', '-q', dir]);
  execFileSync('git', ['-C', dir, 'add', '-A']);
  execFileSync('git', ['-C', dir, '-c', 'user.name=T', '-c', 'user.email=t@example.org', 'commit', '-qm', 'init']);
  const tmp = tempDir(); // the helper's TMPDIR, so this test sees only its own folders
  const pidFile = join(tempDir(), 'pid');
  const env = { ...cleanEnv(tempDir(), { NO_COLOR: '1', GIT_CONFIG_NOSYSTEM: '1' }), TMPDIR: tmp, PIDFILE: pidFile };
  return { dir, env, pidFile, tmp };
}

const args = (dir: string, more: string[] = []) => [PYSERVICE_BIN, 'deb', dir, '--dry-run', '--yes', '--kind', 'tool', '--maintainer', 'T <t@example.org>', ...more];

const alive = (pid: number) => {
  try {
    return !/^\d+ \(.*\) [ZX]/s.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

async function until(what: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (what()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return what();
}

/** Nothing of the read is left: the backend's process, its files in the project, its temporary folders. */
async function assertLeftNothing(p: ReturnType<typeof project>, what: string): Promise<void> {
  const pid = Number(readFileSync(p.pidFile, 'utf8'));
  assert.ok(await until(() => !alive(pid), 3000), `${what}: the backend (pid ${pid}) still runs`);
  const status = execFileSync('git', ['-C', p.dir, 'status', '--porcelain', '--ignored'], { encoding: 'utf8' });
  assert.is(status, '', `${what}: the project holds the backend's leftovers:\n${status}`);
  assert.not.ok(existsSync(join(p.dir, 'build')), `${what}: build/ left in the project`);
  assert.equal(readdirSync(p.tmp), [], `${what}: temporary files left in TMPDIR`);
}

function started(p: ReturnType<typeof project>, extra: string[] = [], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, args(p.dir, extra), { env: { ...p.env, SLOW: '60', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (b) => (stderr += b));
  child.stdout.on('data', (b) => (stderr += b)); // notes and errors alike
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((r) => child.on('close', (code, signal) => r({ code, signal, stderr })));
  return { child, exited };
}

for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
  toolTest(t, [PY, 'git'], `${sig}: pyservice ends by the signal, the backend is stopped, the project and TMPDIR are as before`, async () => {
    const p = project();
    const { child, exited } = started(p);
    assert.ok(await until(() => existsSync(p.pidFile) && readFileSync(p.pidFile, 'utf8') !== '', 20_000), 'the backend never started');
    child.kill(sig);
    const r = await exited;
    assert.is(r.signal, sig, `ended by ${sig} (the shell's 128+n), not ${r.code}/${r.signal}: ${r.stderr}`);
    await assertLeftNothing(p, sig);
  });

toolTest(t, [PY, 'git'], 'pyservice SIGKILLed: the orphaned helper notices, stops its backend and cleans up within a second', async () => {
  const p = project();
  const { child, exited } = started(p);
  assert.ok(await until(() => existsSync(p.pidFile) && readFileSync(p.pidFile, 'utf8') !== '', 20_000), 'the backend never started');
  child.kill('SIGKILL');
  await exited;
  await assertLeftNothing(p, 'SIGKILL');
});

toolTest(t, [PY, 'git'], '--timeout: the message names the limit, and the stopped backend leaves nothing in the project or TMPDIR', async () => {
  const p = project();
  const started = Date.now();
  const r = spawnSync(process.execPath, args(p.dir, ['--timeout', '2']), { env: { ...p.env, SLOW: '60' }, encoding: 'utf8' });
  assert.is(r.status, 1, r.stderr);
  assert.match(r.stderr, /did not finish within 2 s and was stopped/);
  assert.not.match(r.stderr, /signal/, 'no word of the stop itself in the message');
  assert.ok(Date.now() - started < 15_000);
  await assertLeftNothing(p, '--timeout');
});

toolTest(t, [PY, 'git'], 'the folder of a read killed outright (SIGKILL to the helper) is removed by the next read; a live one is kept', async () => {
  const p = project();
  const dead = spawnSync(PY, ['-c', 'import os; print(os.getpid())'], { encoding: 'utf8' });
  const deadPid = Number(dead.stdout.trim());
  mkdirSync(join(p.tmp, `pyservice-metadata-${deadPid}-abcdefgh`, 'metadata-x'), { recursive: true });
  mkdirSync(join(p.tmp, `pyservice-metadata-${process.pid}-abcdefgh`));
  const r = spawnSync(process.execPath, args(p.dir), { env: p.env, encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  assert.equal(readdirSync(p.tmp), [`pyservice-metadata-${process.pid}-abcdefgh`], 'the dead read\'s folder is gone, the live one kept, the run\'s own removed');
  const status = execFileSync('git', ['-C', p.dir, 'status', '--porcelain', '--ignored'], { encoding: 'utf8' });
  assert.is(status, '', 'a finished read leaves nothing either');
});

toolTest(t, [PY, 'git'], 'files someone else makes in the project while the metadata is read are kept and named; the read\'s own are removed', async () => {
  // Before: everything new after the read was removed: a NOTES.md and a docs/ folder the user made while
  // `pyservice deb --dry-run` ran were deleted with the backend's build/
  const p = project();
  const { exited } = started(p, [], { SLOW: '3' });
  assert.ok(await until(() => existsSync(p.pidFile) && readFileSync(p.pidFile, 'utf8') !== '', 20_000), 'the backend never started');
  writeFileSync(join(p.dir, 'NOTES.md'), 'mine\n');
  mkdirSync(join(p.dir, 'docs'));
  writeFileSync(join(p.dir, 'docs', 'new.md'), 'mine too\n');
  const r = await exited;
  assert.is(r.code, 0, r.stderr);
  assert.is(readFileSync(join(p.dir, 'NOTES.md'), 'utf8'), 'mine\n');
  assert.is(readFileSync(join(p.dir, 'docs', 'new.md'), 'utf8'), 'mine too\n');
  assert.match(r.stderr, /note: NOTES\.md, docs appeared in the project while its metadata was read, not made by the read \(kept as they are\)/);
  for (const gone of ['build', 'stopped.egg-info', 'generated.toml']) assert.not.ok(existsSync(join(p.dir, gone)), `${gone} (the read's) is removed`);
});

t.run();
