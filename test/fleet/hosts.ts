/**
 * Test hosts on this machine: each its own network namespace and its own root file system (an overlay on one
 * cached debootstrap of the target distro), booted with systemd-nspawn, running sshd on its address. A hub
 * namespace holds the test network (a bridge, no route anywhere else) and runs the controller side: the HTTP
 * server for the apt repository, ssh, ansible. Nothing is created in the machine's own network namespace, so
 * only loopback and the test namespaces' addresses can ever be contacted.
 *
 * Everything made is named after this process's pid (`pyf<pid>…`) and removed by `stop()`, on exit, on
 * SIGINT/SIGTERM, and by the next run if this one was killed.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, type RunResult } from '../../src/exec/run.js';

export interface Host {
  name: string;
  ns: string;
  ip: string;
  /** The host's root file system (the overlay's merged view): write files here before boot. */
  root: string;
  nspawn?: ChildProcess;
}

export interface Fleet {
  id: string;
  hub: string;
  hubIp: string;
  hosts: Host[];
  workDir: string;
  sshKey: string;
  knownHosts: string;
  /** Runs a command inside the hub namespace (where the test network is). */
  inHub(cmd: string, args: string[], opts?: { cwd?: string; env?: Record<string, string>; input?: string; timeoutMs?: number }): Promise<RunResult>;
  /** Runs a shell script on a host over ssh (script on stdin, so nothing is spliced into a command line). */
  ssh(host: Host, script: string, interpreter?: string): Promise<RunResult>;
  /** Serves a directory over HTTP on the hub's address; returns the URL. */
  serve(dir: string, port: number): Promise<string>;
  stop(): void;
}

const PREFIX = 'pyf';
const NET = '10.213.0';
const CACHE_BASE = process.env.PYSERVICE_TEST_CACHE ?? '/var/cache/pyservice-test';
/** What each host needs: systemd to boot, sshd, python3 (+ apt bindings) for Ansible's modules, sudo for become. */
const INCLUDE = ['systemd', 'systemd-sysv', 'dbus', 'openssh-server', 'python3', 'python3-apt', 'sudo'];

function must(cmd: string, args: string[], opts: { input?: string } = {}): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`.slice(-4000));
  return r.stdout;
}

function quiet(cmd: string, args: string[]): void {
  spawnSync(cmd, args, { stdio: 'ignore' });
}

/** The Debian mirror this machine's apt uses for the distro (deb822 .sources or one-line .list), else Debian's. */
export function debianMirror(distro: string): string {
  const files = ['/etc/apt/sources.list'];
  if (existsSync('/etc/apt/sources.list.d')) files.push(...readdirSync('/etc/apt/sources.list.d').map((f) => join('/etc/apt/sources.list.d', f)));
  for (const file of files) {
    if (!existsSync(file)) continue;
    const text = readFileSync(file, 'utf8');
    for (const stanza of text.split(/\n\s*\n/)) {
      const uri = /^URIs:\s*(\S+)/m.exec(stanza)?.[1];
      const types = /^Types:\s*(.+)$/m.exec(stanza)?.[1]?.split(/\s+/) ?? [];
      const suites = /^Suites:\s*(.+)$/m.exec(stanza)?.[1]?.split(/\s+/) ?? [];
      if (uri && types.includes('deb') && suites.includes(distro)) return uri;
    }
    for (const line of text.split('\n')) {
      const m = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)/.exec(line.trim());
      if (m && m[2] === distro) return m[1]!;
    }
  }
  return 'http://deb.debian.org/debian';
}

/**
 * One debootstrap --variant=minbase of the distro, made once and kept in CACHE_BASE (keyed on what goes in):
 * later runs reuse it read-only as every host's lower layer. Built under a lock into a temp name, then
 * renamed, so a crash never leaves a half-made cache behind. The apt sources of the Debian mirror and the ssh
 * host keys are removed: hosts talk only to the test repository, and each gets its own host keys.
 */
export function rootCache(distro: string): string {
  const mirror = debianMirror(distro);
  const key = createHash('sha256').update(JSON.stringify({ distro, mirror, include: INCLUDE, v: 1 })).digest('hex').slice(0, 12);
  const dir = join(CACHE_BASE, `fleet-${distro}-${key}`);
  if (existsSync(join(dir, 'etc', 'os-release'))) return dir;
  mkdirSync(CACHE_BASE, { recursive: true });
  const script = `
set -eu
dir="$1"; distro="$2"; mirror="$3"; include="$4"
[ -e "$dir/etc/os-release" ] && exit 0
rm -rf "$dir.tmp"
debootstrap --variant=minbase --include="$include" "$distro" "$dir.tmp" "$mirror" >"$dir.log" 2>&1 || { tail -20 "$dir.log" >&2; exit 1; }
rm -f "$dir.tmp/etc/apt/sources.list" "$dir.tmp"/etc/apt/sources.list.d/* "$dir.tmp"/etc/ssh/ssh_host_*
rm -rf "$dir.tmp"/var/cache/apt/archives/*.deb "$dir.tmp"/var/lib/apt/lists/*
mv "$dir.tmp" "$dir"
`;
  must('flock', [join(CACHE_BASE, 'fleet.lock'), 'sh', '-c', script, 'sh', dir, distro, mirror, INCLUDE.join(',')]);
  return dir;
}

/** Is the process running (a zombie, exited but not yet reaped, counts as gone)? */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Removes what an earlier run that was killed left behind (its pid is in every name). */
export function sweepStale(): void {
  const mine = new RegExp(`^${PREFIX}(\\d+)-`);
  const names = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout.split('\n').map((l) => l.split(' ')[0] ?? '');
  const deadPids = new Set<string>();
  for (const name of names) {
    const pid = mine.exec(name)?.[1];
    if (pid && !alive(Number(pid))) deadPids.add(pid);
  }
  for (const pid of deadPids) {
    const tag = `pyservice-fleet-${pid}-`;
    for (const name of names.filter((n) => n.startsWith(`${PREFIX}${pid}-`))) killNetnsPids(name);
    for (const line of readFileSync('/proc/mounts', 'utf8').split('\n').reverse()) {
      const target = line.split(' ')[1];
      if (target?.includes(tag)) quiet('umount', ['-l', target]);
    }
    for (const name of names.filter((n) => n.startsWith(`${PREFIX}${pid}-`))) quiet('ip', ['netns', 'del', name]);
    for (const entry of readdirSync(tmpdir())) if (entry.startsWith(tag)) rmSync(join(tmpdir(), entry), { recursive: true, force: true });
  }
}

function killNetnsPids(ns: string): void {
  const pids = spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).map(Number);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone already */
    }
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startFleet(opts: { count: number; distro: string; prepare?: (host: Host, index: number) => void }): Promise<Fleet> {
  sweepStale();
  const lower = rootCache(opts.distro);
  const id = `${PREFIX}${process.pid}`;
  const workDir = mkdtempSync(join(tmpdir(), `pyservice-fleet-${process.pid}-`));
  const hub = `${id}-hub`;
  const hubIp = `${NET}.1`;
  const hosts: Host[] = [];
  const mounts: string[] = [];
  const namespaces: string[] = [];
  const servers: ChildProcess[] = [];
  let stopped = false;

  const stop = () => {
    if (stopped) return;
    stopped = true;
    // Containers first (SIGTERM: nspawn powers the container off), then whatever still runs in the namespaces.
    for (const h of hosts) h.nspawn?.kill('SIGTERM');
    const deadline = Date.now() + 20_000;
    for (const h of hosts) {
      while (h.nspawn?.pid && alive(h.nspawn.pid) && Date.now() < deadline) {
        spawnSync('sleep', ['0.2']);
      }
      if (h.nspawn?.pid && alive(h.nspawn.pid)) h.nspawn.kill('SIGKILL');
    }
    for (const s of servers) s.kill('SIGKILL');
    for (const ns of namespaces) killNetnsPids(ns);
    for (const m of mounts.reverse()) {
      if (spawnSync('umount', [m]).status !== 0) quiet('umount', ['-l', m]);
    }
    for (const ns of namespaces) quiet('ip', ['netns', 'del', ns]);
    if (!process.env.KEEP_TMP) rmSync(workDir, { recursive: true, force: true });
    process.off('exit', stop);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    stop();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.on('exit', stop);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    // The test network: a bridge in the hub namespace, one veth pair per host (created straight into the two
    // namespaces), addresses in 10.213.0.0/24, no default route.
    must('ip', ['netns', 'add', hub]);
    namespaces.push(hub);
    must('ip', ['-n', hub, 'link', 'set', 'lo', 'up']);
    must('ip', ['-n', hub, 'link', 'add', 'br0', 'type', 'bridge']);
    must('ip', ['-n', hub, 'addr', 'add', `${hubIp}/24`, 'dev', 'br0']);
    must('ip', ['-n', hub, 'link', 'set', 'br0', 'up']);

    const sshKey = join(workDir, 'id_ed25519');
    must('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'fleet-test', '-f', sshKey]);
    const knownLines: string[] = [];
    for (let i = 1; i <= opts.count; i++) {
      const name = `h${i}`;
      const ns = `${id}-${name}`;
      const ip = `${NET}.${10 + i}`;
      must('ip', ['netns', 'add', ns]);
      namespaces.push(ns);
      must('ip', ['-n', hub, 'link', 'add', `${id}${name}`, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns]);
      must('ip', ['-n', hub, 'link', 'set', `${id}${name}`, 'master', 'br0', 'up']);
      must('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
      must('ip', ['-n', ns, 'addr', 'add', `${ip}/24`, 'dev', 'eth0']);
      must('ip', ['-n', ns, 'link', 'set', 'eth0', 'up']);

      const base = join(workDir, name);
      for (const d of ['upper', 'work', 'root']) mkdirSync(join(base, d), { recursive: true });
      const root = join(base, 'root');
      must('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${lower},upperdir=${join(base, 'upper')},workdir=${join(base, 'work')}`, root]);
      mounts.push(root);
      const host: Host = { name, ns, ip, root };
      hosts.push(host);

      writeFileSync(join(root, 'etc', 'hostname'), `${name}\n`);
      writeFileSync(join(root, 'etc', 'hosts'), `127.0.0.1 localhost\n${ip} ${name}\n`);
      mkdirSync(join(root, 'root', '.ssh'), { recursive: true, mode: 0o700 });
      writeFileSync(join(root, 'root', '.ssh', 'authorized_keys'), readFileSync(`${sshKey}.pub`), { mode: 0o600 });
      must('ssh-keygen', ['-A', '-f', root]);
      for (const pub of readdirSync(join(root, 'etc', 'ssh')).filter((f) => /^ssh_host_.*_key\.pub$/.test(f))) {
        const [type, key] = readFileSync(join(root, 'etc', 'ssh', pub), 'utf8').trim().split(/\s+/);
        knownLines.push(`${ip} ${type} ${key}`);
      }
      opts.prepare?.(host, i);
    }
    const knownHosts = join(workDir, 'known_hosts');
    writeFileSync(knownHosts, knownLines.join('\n') + '\n');

    for (const host of hosts) {
      const log = openSync(join(workDir, `${host.name}.boot.log`), 'w');
      host.nspawn = spawn(
        'systemd-nspawn',
        ['--quiet', '-D', host.root, '--boot', '--register=no', '--keep-unit', `--network-namespace-path=/run/netns/${host.ns}`, `--machine=${id}${host.name}`, '--console=read-only'],
        { stdio: ['ignore', log, log] },
      );
      closeSync(log);
    }

    const inHub: Fleet['inHub'] = (cmd, args, o = {}) =>
      run('ip', ['netns', 'exec', hub, cmd, ...args], { cwd: o.cwd, env: o.env, input: o.input, timeoutMs: o.timeoutMs ?? 600_000 });
    const sshArgs = (host: Host) => ['-i', sshKey, '-o', `UserKnownHostsFile=${knownHosts}`, '-o', 'StrictHostKeyChecking=yes', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=5', `root@${host.ip}`];
    const ssh: Fleet['ssh'] = (host, script, interpreter = 'sh') => inHub('ssh', [...sshArgs(host), interpreter, '-'], { input: script, timeoutMs: 120_000 });

    // Booted when sshd answers and systemd has finished starting up.
    const deadline = Date.now() + 120_000;
    for (const host of hosts) {
      for (;;) {
        if (host.nspawn!.exitCode !== null) throw new Error(`${host.name} stopped while booting:\n${readFileSync(join(workDir, `${host.name}.boot.log`), 'utf8').slice(-3000)}`);
        const r = await ssh(host, 'systemctl is-system-running --wait >/dev/null 2>&1; systemctl is-system-running || true');
        if (r.exitCode === 0 && /running|degraded/.test(r.stdout)) break;
        if (Date.now() > deadline) throw new Error(`${host.name} did not come up: ${r.stdout}${r.stderr}\n${readFileSync(join(workDir, `${host.name}.boot.log`), 'utf8').slice(-3000)}`);
        await sleep(500);
      }
    }

    const serve: Fleet['serve'] = async (dir, port) => {
      const server = spawn('ip', ['netns', 'exec', hub, '/usr/bin/python3', '-m', 'http.server', '--bind', hubIp, '--directory', dir, String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
      servers.push(server);
      const url = `http://${hubIp}:${port}/`;
      const check = `import sys, urllib.request\ntry:\n    urllib.request.urlopen(sys.argv[1], timeout=2)\nexcept Exception:\n    sys.exit(1)\n`;
      for (let i = 0; i < 100; i++) {
        if ((await inHub('/usr/bin/python3', ['-c', check, url])).exitCode === 0) return url;
        if (server.exitCode !== null) break;
        await sleep(100);
      }
      throw new Error(`the HTTP server on ${url} did not start`);
    };

    return { id, hub, hubIp, hosts, workDir, sshKey, knownHosts, inHub, ssh, serve, stop };
  } catch (e) {
    stop();
    throw e;
  }
}
