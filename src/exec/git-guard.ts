import { realpathSync } from 'node:fs';
import { childProcess } from '../lazy.js';

/**
 * The `-c` settings every git this tool starts gets first, so that the repository it works in cannot make it run a
 * program. A project's `.git/config` (and `.git/hooks/`) is not the user's word: a checkout copied from a colleague,
 * unpacked from a tarball or handed over by CI carries whatever its last writer put there, and git itself trusts it.
 * Measured (git 2.39): `pyservice update` in a repository whose .git/config held core.fsmonitor, a filter driver's
 * clean command for `* filter=x` and core.hooksPath ran all three (`git status` asks the fsmonitor and cleans racy
 * files; `update-index --add` cleans what it stages and runs post-index-change); fleet's `git commit` runs
 * post-commit, reference-transaction and, with commit.gpgSign, gpg.program.
 *
 * - Hooks and the file-system monitor are off for every call (this tool's git never needs them, whoever set them).
 * - Every other setting that names a program git may run for the commands we use (filter drivers, diff and merge
 *   drivers, signing programs, pager, editor) is taken back, when the repository's own configuration (scope local
 *   or worktree, includes too) sets it, to what the user's configuration (system, global, -c) says, or to git's
 *   default. git-lfs's own filter commands stay: they run the user's installed git-lfs, and a file stored in LFS
 *   must be staged as its pointer.
 */
const ALWAYS: readonly (readonly [string, string])[] = [
  ['core.fsmonitor', 'false'],
  ['core.hooksPath', '/dev/null'],
];

/** Keys (git's canonical form: section and variable lowercase) that name a program, and git's default for each. */
const PROGRAM_KEY = /^(?:filter\..+\.(?:clean|smudge|process|required)|diff\..+\.(?:textconv|command)|diff\.external|merge\..+\.driver|gpg\.program|gpg\.(?:openpgp|x509|ssh)\.program|gpg\.ssh\.defaultkeycommand|core\.(?:pager|editor|askpass|sshcommand)|sequence\.editor|pager\..+)$/;
const DEFAULTS: Record<string, string> = { 'gpg.program': 'gpg', 'gpg.openpgp.program': 'gpg', 'gpg.x509.program': 'gpgsm', 'gpg.ssh.program': 'ssh-keygen', 'core.pager': 'cat' };
const LFS = /^git-lfs (?:clean|smudge|filter-process)(?: -- %f)?$/;

/** `filter.NAME.clean` → NAME (a subsection may hold dots). */
const driver = (key: string) => key.slice('filter.'.length, key.lastIndexOf('.'));

const cache = new Map<string, readonly (readonly [string, string])[]>();

/**
 * The environment a git started in `cwd` (the process's directory when undefined) gets: `env` (the child's own,
 * from childEnv) with the settings above appended as GIT_CONFIG_KEY_n / GIT_CONFIG_VALUE_n after any the caller
 * set. The environment, not `-c KEY=VALUE` arguments: `-c` splits at the first `=`, and a subsection may hold one
 * (`[filter "a=b"]`), which `-c` could not name.
 */
export function guardedGitEnv(cwd: string | undefined, env: Record<string, string>): Record<string, string> {
  let dir: string | null;
  try {
    dir = realpathSync(cwd ?? '.');
  } catch {
    dir = null; // git will fail on a missing directory anyway
  }
  let settings = dir === null ? ALWAYS : cache.get(dir);
  if (!settings) {
    settings = [...ALWAYS, ...repositoryOverrides(dir!, env)];
    cache.set(dir!, settings);
  }
  return withConfig(env, settings);
}

/** `env` with `settings` added as git's GIT_CONFIG_COUNT entries, after the ones already there. */
function withConfig(env: Record<string, string>, settings: readonly (readonly [string, string])[]): Record<string, string> {
  const out = { ...env };
  const before = /^[0-9]+$/.test(env.GIT_CONFIG_COUNT ?? '') ? Number(env.GIT_CONFIG_COUNT) : 0;
  if (!before) delete out.GIT_CONFIG_COUNT;
  settings.forEach(([k, v], i) => {
    out[`GIT_CONFIG_KEY_${before + i}`] = k;
    out[`GIT_CONFIG_VALUE_${before + i}`] = v;
  });
  out.GIT_CONFIG_COUNT = String(before + settings.length);
  return out;
}

/** The settings taking back what the repository's own configuration sets to run a program. */
function repositoryOverrides(cwd: string, env: Record<string, string>): [string, string][] {
  const r = childProcess().spawnSync('git', ['config', '--show-scope', '-z', '--get-regexp', '^(filter|diff|merge|gpg|core|sequence|pager)\\.'], {
    cwd,
    env: withConfig(env, ALWAYS),
    timeout: 20_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  if (r.status !== 0 || !r.stdout) return []; // no such keys (exit 1), or no git: the call itself reports that
  return overridesFrom(r.stdout.toString('utf8'));
}

/**
 * From `git config --show-scope -z --get-regexp` output (records `scope\0key\nvalue\0`), the overrides: for each
 * program key the repository sets, the last value the user's own scopes gave it, else git's default.
 */
export function overridesFrom(out: string): [string, string][] {
  const fields = out.split('\0');
  const user = new Map<string, string>();
  const repo = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const scope = fields[i]!;
    const nl = fields[i + 1]!.indexOf('\n');
    const k = nl < 0 ? fields[i + 1]! : fields[i + 1]!.slice(0, nl);
    const v = nl < 0 ? '' : fields[i + 1]!.slice(nl + 1);
    if (!PROGRAM_KEY.test(k)) continue;
    if (scope === 'local' || scope === 'worktree') repo.set(k, v);
    else {
      user.set(k, v);
      repo.delete(k); // a later user setting (-c) wins over the repository's anyway
    }
  }
  // A driver whose commands are git-lfs's keeps all its settings (required included).
  const lfs = new Set([...repo].filter(([k, v]) => /^filter\..+\.(?:clean|smudge|process)$/.test(k) && LFS.test(v.trim())).map(([k]) => driver(k)));
  const settings: [string, string][] = [];
  for (const [k] of repo) {
    if (k.startsWith('filter.') && lfs.has(driver(k))) continue;
    // a required filter with no command makes git fail: the repository's `required` goes back to false too
    settings.push([k, user.get(k) ?? (k.startsWith('filter.') && k.endsWith('.required') ? 'false' : (DEFAULTS[k] ?? ''))]);
  }
  return settings;
}
