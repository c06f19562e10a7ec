import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { programsDir, templateVersionDir } from '../../src/templates/manifest.js';
import { cleanEnv, tempDir } from '../helpers/tmp.js';

/** A debian/pyservice-version generated projects get, and how their make targets run it. */
export interface VersionScript {
  label: string;
  path: string;
  interpreter: string;
}

/** Every program stays tested: projects made with templates 1.0.0 and 1.1.0 keep the sh script, 1.2.0-1.6.0's the first Python program. */
export const VERSION_SCRIPTS: readonly VersionScript[] = [
  { label: 'templates 1.0.0-1.1.0, POSIX sh', path: join(templateVersionDir('1.0.0'), 'debian', 'pyservice-version'), interpreter: 'sh' },
  { label: 'templates 1.2.0-1.6.0, programs/pyservice_version.py', path: join(programsDir(), 'pyservice_version.py'), interpreter: '/usr/bin/python3' },
  { label: 'templates 1.7.0 on, programs/pyservice_version2.py', path: join(programsDir(), 'pyservice_version2.py'), interpreter: '/usr/bin/python3' },
];

/** The copy the latest template version ships. */
export const LATEST: VersionScript = VERSION_SCRIPTS[VERSION_SCRIPTS.length - 1]!;
export const SCRIPT = LATEST.path;

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command in the environment of a CI image: Debian's tools only, no DEBEMAIL unless given. */
export function sh(cmd: string, args: readonly string[], opts: { cwd?: string; env?: Record<string, string>; input?: string } = {}): Ran {
  const r = spawnSync(cmd, [...args], { cwd: opts.cwd, env: cleanEnv(HOME, opts.env), encoding: 'utf8', input: opts.input ?? '' });
  if (r.error) throw r.error;
  return { code: r.status ?? 128, stdout: r.stdout, stderr: r.stderr };
}
const HOME = tempDir('pyservice-version-home-');

/** Runs one of the scripts: `pv(dir, ARGS)` is `<interpreter> debian/pyservice-version ARGS` in dir. */
export function runner(s: VersionScript) {
  const pv = (dir: string, args: readonly string[], env: Record<string, string> = {}): Ran => sh(s.interpreter, [s.path, ...args], { cwd: dir, env });
  /** Debian forms of many tags in one process: [debian version or '' when invalid], plus the run. */
  const convert = (tags: readonly string[]): { out: string[]; run: Ran } => {
    const run = pv(HOME, ['convert', ...tags]);
    return { out: run.stdout.split('\n').slice(0, tags.length), run };
  };
  return { pv, convert };
}

/** Checks many `dpkg --compare-versions A REL B` in one shell; returns the failing triples. */
export function dpkgCompareAll(triples: ReadonlyArray<readonly [string, string, string]>): { failed: string[]; checked: number } {
  const input = triples.map((t) => t.join(' ')).join('\n') + '\n';
  const r = sh('sh', ['-c', 'while read -r a rel b; do if dpkg --compare-versions "$a" "$rel" "$b"; then echo ok; else echo "FAIL $a $rel $b"; fi; done'], { input });
  const lines = r.stdout.split('\n').filter(Boolean);
  return { failed: lines.filter((l) => l !== 'ok'), checked: lines.length };
}

/** A project dir holding debian/changelog with the given entries (newest first) and, optionally, one git commit. */
export function project(changelog: string, opts: { git?: boolean } = {}): { dir: string; sha: string } {
  const dir = tempDir('pyservice-version-');
  mkdirSync(join(dir, 'debian'));
  writeFileSync(join(dir, 'debian', 'changelog'), changelog);
  if (!opts.git) return { dir, sha: '' };
  const r = sh('sh', ['-c', 'git init -q && git add -A && git -c user.name=T -c user.email=t@example.org commit -qm init && git rev-parse --short HEAD'], { cwd: dir });
  if (r.code !== 0) throw new Error(r.stderr);
  return { dir, sha: r.stdout.trim() };
}

export function entry(version: string, dist: string, text = 'Change.', maint = 'Team Lead <lead@example.org>', date = 'Sun, 22 Nov 2026 10:30:00 +0000'): string {
  return `demo (${version}) ${dist}; urgency=medium\n\n  * ${text}\n\n -- ${maint}  ${date}\n`;
}

/** dpkg-parsechangelog fields of the top entry (or with --offset/--count args), plus its warnings. */
export function parseChangelog(dir: string, extra: readonly string[] = []): { fields: Record<string, string>; stderr: string; raw: string } {
  const r = sh('dpkg-parsechangelog', ['-l', join(dir, 'debian', 'changelog'), ...extra]);
  if (r.code !== 0) throw new Error(r.stderr);
  const fields: Record<string, string> = {};
  for (const m of r.stdout.matchAll(/^([A-Za-z-]+): ?(.*)$/gm)) fields[m[1]!] ??= m[2]!;
  return { fields, stderr: r.stderr, raw: r.stdout };
}

/** Every entry's version, newest first (one rfc822 stanza per entry). */
export function versionsOf(dir: string): string[] {
  const r = sh('dpkg-parsechangelog', ['-l', join(dir, 'debian', 'changelog'), '--format', 'rfc822', '--all']);
  if (r.code !== 0) throw new Error(r.stderr);
  return [...r.stdout.matchAll(/^Version: (.*)$/gm)].map((m) => m[1]!);
}
