import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, stopChildren, STOP_GRACE_MS } from '../../src/exec/run.js';
import { INDEX_PASSWORD_ENV } from '../../src/secrets/env.js';
import { PYSERVICE_BIN } from '../helpers/cli.js';
import { cleanEnv, tempDir } from '../helpers/tmp.js';
import { toolTest } from '../helpers/tools.js';

/**
 * The one runner (src/exec/run.ts) that deb, version, git and the metadata reader use: its own process group per
 * child, the whole group killed at the deadline and when the child exits, pipes held by a grandchild not waited
 * on, and the secret variables never in a child's environment.
 */
const t = suite('exec: one runner, process groups, no secrets in a child');

/** Running (a zombie waiting for its new parent to reap it counts as gone). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

async function gone(pid: number, ms = 3000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (!alive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !alive(pid);
}

t('a child that leaves a background process holding its pipes: run returns at once, the leftover is killed', async () => {
  const dir = tempDir();
  const started = Date.now();
  const r = await run('sh', ['-c', `sleep 100 & echo $! > ${dir}/pid; echo done`]);
  const took = Date.now() - started;
  assert.is(r.exitCode, 0);
  assert.match(r.stdout, 'done');
  assert.ok(took < 5000, `took ${took} ms`);
  const pid = Number(readFileSync(join(dir, 'pid'), 'utf8'));
  assert.ok(await gone(pid), `the leftover sleep ${pid} still runs`);
});

t('at the deadline the whole group is killed, grandchildren included, and the result says timedOut', async () => {
  const dir = tempDir();
  const started = Date.now();
  const r = await run('sh', ['-c', `sleep 100 & echo $! > ${dir}/pid; sh -c 'sleep 100' & wait`], { timeoutMs: 500 });
  const took = Date.now() - started;
  assert.ok(r.timedOut);
  assert.ok(took < 4000, `took ${took} ms`);
  assert.ok(await gone(Number(readFileSync(join(dir, 'pid'), 'utf8'))));
});

t('at the deadline the group gets SIGTERM first (a trap cleans up), and SIGKILL only if it is still running after the grace', async () => {
  const dir = tempDir();
  // Before: SIGKILL at once, so the metadata helper never removed its temporary folder or the backend's build/
  const r = await run('sh', ['-c', `trap 'echo cleaned > ${dir}/trap; echo interrupted-traceback >&2; exit 143' TERM; echo $$ > ${dir}/pid; echo its-own-output >&2; while :; do sleep 0.05; done`], { timeoutMs: 500 });
  assert.ok(r.timedOut);
  assert.is(readFileSync(join(dir, 'trap'), 'utf8'), 'cleaned\n', 'the trap ran');
  // A timeout message quotes the child's last output: what it printed before the stop, not its cleanup's
  assert.is(r.stderr, 'its-own-output\n');
  const started = Date.now();
  const stubborn = await run('sh', ['-c', `trap '' TERM; echo $$ > ${dir}/pid2; while :; do sleep 0.05; done`], { timeoutMs: 300 });
  const took = Date.now() - started;
  assert.ok(stubborn.timedOut);
  assert.ok(took >= STOP_GRACE_MS && took < STOP_GRACE_MS + 3000, `a child ignoring SIGTERM is killed ${STOP_GRACE_MS} ms after the deadline (took ${took} ms)`);
  assert.ok(await gone(Number(readFileSync(join(dir, 'pid2'), 'utf8'))));
});

t('at the deadline a descendant that left the group (setsid, its stdio closed, as a daemon does) is killed too', async () => {
  const dir = tempDir();
  // setsid -f: a new session (and so a new process group) in a forked process, the way a daemon detaches.
  const r = await run('sh', ['-c', `setsid -f sh -c 'echo $$ > ${dir}/pid; cut -d" " -f6 /proc/self/stat > ${dir}/sid; exec sleep 100' </dev/null >/dev/null 2>&1; sleep 100`], { timeoutMs: 700 });
  assert.ok(r.timedOut);
  const pid = Number(readFileSync(join(dir, 'pid'), 'utf8'));
  // cut runs in the escapee's session, which the escapee leads: it left the child's group and session
  assert.is(Number(readFileSync(join(dir, 'sid'), 'utf8')), pid, 'the escapee leads a session of its own');
  assert.ok(await gone(pid), `the detached ${pid} outlived the deadline`);
});

t('secret variables reach no child: not from our environment, not from opts.env, not with cleanEnv', async () => {
  const before = process.env[INDEX_PASSWORD_ENV];
  process.env[INDEX_PASSWORD_ENV] = 'from-parent-Zq9';
  try {
    for (const opts of [{}, { env: { [INDEX_PASSWORD_ENV]: 'from-opts-Zq9' } }, { cleanEnv: true, env: { PATH: '/usr/bin:/bin', [INDEX_PASSWORD_ENV]: 'clean-Zq9' } }]) {
      const r = await run('env', [], opts);
      assert.is(r.exitCode, 0);
      assert.not.match(r.stdout, 'Zq9', JSON.stringify(opts));
      assert.not.match(r.stdout, INDEX_PASSWORD_ENV);
    }
  } finally {
    if (before === undefined) delete process.env[INDEX_PASSWORD_ENV];
    else process.env[INDEX_PASSWORD_ENV] = before;
  }
});

t('stopChildren: every running child group is stopped, and it resolves once they have exited', async () => {
  const dir = tempDir();
  const running = run('sh', ['-c', `sleep 100 & echo $! > ${dir}/pid; wait`]);
  while (!existsSync(join(dir, 'pid')) || readFileSync(join(dir, 'pid'), 'utf8') === '') await new Promise((r) => setTimeout(r, 20));
  const started = Date.now();
  await stopChildren();
  const r = await running;
  assert.ok(Date.now() - started < 3000);
  assert.ok(r.exitCode !== 0);
  assert.ok(await gone(Number(readFileSync(join(dir, 'pid'), 'utf8'))));
});

toolTest(t, ['/usr/bin/python3'], 'pyservice deb: a setup.py that leaves `sleep 100` running does not keep the run alive, and the sleep dies', async () => {
  const dir = join(tempDir(), 'lingers');
  const pidFile = join(tempDir(), 'pid');
  spawnSync('mkdir', ['-p', join(dir, 'lingers')]);
  writeFileSync(join(dir, 'lingers', '__init__.py'), '');
  writeFileSync(
    join(dir, 'setup.py'),
    [
      'import os, subprocess',
      'from setuptools import setup',
      'p = subprocess.Popen(["sleep", "100"])  # inherits our stdout/stderr pipes',
      'open(os.environ["PIDFILE"], "w").write(str(p.pid))',
      'setup(name="lingers", version="1.0.0", description="Leaves a child behind", packages=["lingers"],',
      '      entry_points={"console_scripts": ["lingers = lingers:main"]})',
      '',
    ].join('\n'),
  );
  const started = Date.now();
  const r = spawnSync(process.execPath, [PYSERVICE_BIN, 'deb', dir, '--dry-run', '--maintainer', 'T <t@example.org>'], {
    env: { ...cleanEnv(tempDir(), { PIDFILE: pidFile }), [INDEX_PASSWORD_ENV]: 'Zq9-deb-secret' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  const took = Date.now() - started;
  assert.is(r.status, 0, r.stderr);
  assert.ok(took < 20_000, `took ${took} ms (the sleep lasts 100 s)`);
  const pid = Number(readFileSync(pidFile, 'utf8'));
  assert.ok(await gone(pid), `sleep ${pid} outlived the run`);
});

t('a finished run leaves no timer behind: the process can exit as soon as its last child is done', async () => {
  const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
  const before = timers();
  const r = await run('true', [], { timeoutMs: 10_000 });
  assert.is(r.exitCode, 0);
  // Neither the deadline nor the pipe-drain timer may stay pending (the drain timer used to hold every command 200 ms).
  assert.is(timers(), before);
});

t('a deadline past what a timer holds (2^31-1 ms) is no deadline at once: the child runs to its end', async () => {
  // setTimeout with a longer delay fires after 1 ms: run('sleep 0.3', timeoutMs 1e12) was killed as timed out
  const r = await run('sh', ['-c', 'sleep 0.3; echo done'], { timeoutMs: 1e12 });
  assert.is(r.timedOut, false);
  assert.is(r.stdout.trim(), 'done');
});

t.run();
