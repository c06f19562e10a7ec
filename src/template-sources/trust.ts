import { lstatSync, mkdirSync } from 'node:fs';
import { readRegularText } from '../files/read-regular.js';
import { privateDirProblem } from '../files/private-dir.js';
import { homeDir } from '../paths.js';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../apply/atomic.js';
import { UsageError } from '../errors.js';
import type { SourceSpec } from './spec.js';

/**
 * Templates are code: ejs runs the JavaScript inside them. The user trusts a source once (`--trust`), and the
 * list is kept per user in $XDG_CONFIG_HOME/create-pyservice/trust.json (mode 0600), like copier's trust list:
 * an entry is a source exactly as recorded, or a prefix ending in "/" that trusts everything under it
 * (e.g. "https://git.example.com/platform/"). The shipped templates need no trust.
 */
export class UntrustedSourceError extends UsageError {
  constructor(readonly source: string) {
    super(
      `template source ${source} is not trusted: its templates run code on this machine when rendered. Review it, then run again with --trust (remembered in ${trustFile()})`,
    );
  }
}

export function trustFile(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.startsWith('/') ? env.XDG_CONFIG_HOME : join(homeDir(env), '.config');
  return join(base, 'create-pyservice', 'trust.json');
}

export function readTrustList(file = trustFile()): string[] {
  let text: string;
  try {
    if (lstatSync(file).isSymbolicLink()) throw new Error(`${file} is a symlink; trust lists are read only from regular files`);
    const read = readRegularText(file);
    if (read === null) return [];
    text = read;
    // Trust decides whose code runs: a list someone else could have added a source to is not believed.
    const st = lstatSync(file);
    const uid = process.getuid?.();
    const loose = (uid !== undefined && st.uid !== uid ? `it belongs to uid ${st.uid}` : st.mode & 0o022 ? `others can write it (mode ${(st.mode & 0o777).toString(8)})` : null) ?? privateDirProblem(dirname(file), dirname(file));
    if (loose) throw new UsageError(`the trust list ${file} is not private (${loose}): it decides whose template code runs here; chmod 600 it and 700 its folder (or remove it and trust your sources again)`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  try {
    const data = JSON.parse(text) as { trusted?: unknown };
    return Array.isArray(data.trusted) ? data.trusted.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    throw new Error(`${file} is not valid JSON; fix it or delete it (you will be asked to trust sources again)`);
  }
}

export function isTrusted(spec: SourceSpec, list: readonly string[] = readTrustList()): boolean {
  if (spec.kind === 'shipped') return true;
  return list.some((t) => t === spec.canonical || (t.endsWith('/') && spec.canonical.startsWith(t)));
}

/** Adds the source to the user's trust list (merged with what is there; written atomically, 0600). */
export function trustSource(spec: SourceSpec, file = trustFile()): void {
  if (spec.kind === 'shipped') return;
  const list = readTrustList(file);
  if (list.includes(spec.canonical)) return;
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileAtomic(file, JSON.stringify({ trusted: [...list, spec.canonical] }, null, 2) + '\n', 0o600);
}

/** Throws UntrustedSourceError unless the source is trusted; with `trust` (the --trust flag) trusts it first. */
export function requireTrust(spec: SourceSpec, trust: boolean): void {
  if (spec.kind === 'shipped') return;
  if (trust) trustSource(spec);
  else if (!isTrusted(spec)) throw new UntrustedSourceError(spec.canonical);
}
