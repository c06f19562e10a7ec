import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { acquireLock } from '../../src/files/lock-file.js';
import { PYSERVICE_BIN } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { toolTest } from '../helpers/tools.js';

/**
 * The lock file a run waits on (src/files/lock-file.ts: the template cache, ~/.netrc). Before: it named only a
 * pid, so a container's next run (given the same pid as the killed one) waited on its own number until the lock
 * was minutes old, a lock of another host (NFS home) was judged by a local pid, and Ctrl-C left the lock behind.
 */
const t = suite('lock files: holders told apart by pid, host and start time; Ctrl-C leaves none');

const startOf = (pid: number) => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]!;
};

t('a live pid with another start time (a reused pid) is a dead holder: taken over at once', () => {
  const lock = join(tempDir('lock-'), 'lock');
  writeFileSync(lock, `${process.pid} ${hostname()} 1\n`);
  const started = Date.now();
  const release = acquireLock(lock, { timeoutMs: 5000 });
  assert.ok(Date.now() - started < 1000, `waited ${Date.now() - started} ms on a reused pid`);
  assert.match(readFileSync(lock, 'utf8'), new RegExp(`^${process.pid} ${hostname()} ${startOf(process.pid)}\\n$`));
  release();
  assert.not.ok(existsSync(lock));
});

t('a live holder (same pid and start time, or an older lock naming a live pid) is waited on and named', () => {
  const lock = join(tempDir('lock-'), 'lock');
  for (const text of [`${process.ppid} ${hostname()} ${startOf(process.ppid)}\n`, `${process.ppid}\n`]) {
    writeFileSync(lock, text);
    const err = (() => {
      try {
        acquireLock(lock, { timeoutMs: 300, busy: 'busy' });
      } catch (e) {
        return e as Error;
      }
      return null;
    })();
    assert.is(err?.message, `busy (held by pid ${process.ppid})`, text);
    assert.is(readFileSync(lock, 'utf8'), text, 'the live lock is left');
  }
});

t("another host's lock is not judged by a local pid: waited on, named with its host, taken over once stale", () => {
  const lock = join(tempDir('lock-'), 'lock');
  writeFileSync(lock, '4194305 build-7.example 12345\n'); // a pid no local process has
  assert.throws(() => acquireLock(lock, { timeoutMs: 300, busy: 'busy' }), (e: Error) => e.message === 'busy (held by pid 4194305 on build-7.example)');
  const release = acquireLock(lock, { timeoutMs: 300, staleMs: 0 });
  release();
});

toolTest(t, ['git', '/usr/bin/python3'], 'Ctrl-C while login holds the ~/.netrc lock: the lock is removed, ~/.netrc is as it was, the next login runs at once', async () => {
  const home = tempDir('lock-home-');
  const netrc = join(home, '.netrc');
  writeFileSync(netrc, 'machine a.example login a password a\n', { mode: 0o600 });
  // git (asked whether a work tree would commit ~/.netrc) is slow while the lock is held: the moment to press Ctrl-C
  const bin = tempDir('lock-bin-');
  writeFileSync(join(bin, 'git'), `#!/bin/sh\nif [ -e '${netrc}.pyservice-lock' ]; then touch '${home}/.held'; sleep 20; fi\nexec /usr/bin/git "$@"\n`);
  chmodSync(join(bin, 'git'), 0o755);
  mkdirSync(join(home, '.cache'));
  const env = { ...process.env, HOME: home, XDG_CACHE_HOME: join(home, '.cache'), PATH: `${bin}:${process.env.PATH}`, PYSERVICE_INDEX_PASSWORD: 'pw', NO_COLOR: '1' };
  delete (env as Record<string, string | undefined>).NETRC;
  const args = ['login', '--index-url', 'https://pypi.example.com/simple/', '--index-user', 'u'];
  const child = spawn(process.execPath, [PYSERVICE_BIN, ...args], { cwd: home, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => child.on('close', (code, signal) => res({ code, signal })));
  const end = Date.now() + 20_000;
  while (!existsSync(join(home, '.held')) && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  assert.ok(existsSync(`${netrc}.pyservice-lock`), 'the login holds the lock');
  child.kill('SIGINT');
  const r = await done;
  assert.ok(r.signal === 'SIGINT' || r.code === 130, JSON.stringify(r));
  assert.not.ok(existsSync(`${netrc}.pyservice-lock`), 'the lock was removed');
  assert.is(readFileSync(netrc, 'utf8'), 'machine a.example login a password a\n');
  const next = spawn(process.execPath, [PYSERVICE_BIN, ...args], { cwd: home, env: { ...env, PATH: process.env.PATH! }, stdio: ['ignore', 'pipe', 'pipe'] });
  const started = Date.now();
  const code = await new Promise<number | null>((res) => next.on('close', res));
  assert.is(code, 0);
  assert.ok(Date.now() - started < 15_000);
  assert.is(readFileSync(netrc, 'utf8'), 'machine a.example login a password a\nmachine pypi.example.com login u password pw\n');
});

t.run();
