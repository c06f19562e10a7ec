import { lstatSync, readlinkSync } from 'node:fs';
import { run } from '../exec/run.js';

/**
 * The commands of `names` that another package of this machine already puts in /usr/bin, with that package
 * (dpkg-query -S; only asked for the names that exist, so usually nothing runs). A link into our own venv is an
 * earlier install of this very package, not a collision. With merged /usr, /usr/bin/ls is the file dpkg knows as
 * /bin/ls (coreutils ships /bin/ls, dash /bin/sh): both paths are asked, or the owner is missed. `system` says why
 * the command must not be taken over at all (an Essential or required/important package's command, the
 * interpreter the venv runs on, a program that asks for passwords); undefined for an ordinary collision.
 */
export async function commandOwners(names: string[], debName: string): Promise<{ command: string; owner: string; system?: string }[]> {
  const taken: string[] = [];
  for (const name of names) {
    const path = `/usr/bin/${name}`;
    let exists = false;
    for (const p of [path, `/bin/${name}`])
      try {
        lstatSync(p);
        exists = true;
      } catch {
        /* not there */
      }
    if (!exists) continue;
    let target = '';
    try {
      target = readlinkSync(path);
    } catch {
      /* a file, not a link */
    }
    if (target !== `/opt/venvs/${debName}/bin/${name}`) taken.push(name);
  }
  if (taken.length === 0) return [];
  const env = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C' };
  const r = await run('dpkg-query', ['-S', ...taken.flatMap((n) => [`/usr/bin/${n}`, `/bin/${n}`])], { timeoutMs: 10_000, cleanEnv: true, env }).catch(() => null);
  const owners = new Map<string, string>();
  for (const line of (r?.stdout ?? '').split('\n')) {
    const m = /^(.+?): (?:\/usr)?\/bin\/(.+)$/.exec(line);
    if (m && !m[1]!.startsWith('diversion by') && !owners.has(m[2]!)) owners.set(m[2]!, m[1]!);
  }
  const packages = [...new Set([...owners.values()].flatMap((o) => o.split(/,\s*/)))];
  const priority = new Map<string, string>();
  if (packages.length) {
    const q = await run('dpkg-query', ['-W', '-f', '${Package}\\t${Essential}\\t${Priority}\\n', ...packages.map((p) => p.replace(/:.*$/, ''))], { timeoutMs: 10_000, cleanEnv: true, env }).catch(() => null);
    for (const line of (q?.stdout ?? '').split('\n')) {
      const [pkg, essential, prio] = line.split('\t');
      if (pkg && (essential === 'yes' || prio === 'required' || prio === 'important')) priority.set(pkg, essential === 'yes' ? 'Essential' : `Priority: ${prio}`);
    }
  }
  return taken.map((command) => {
    const owner = owners.get(command) ?? 'no package (a local file)';
    const held = owner.split(/,\s*/).map((o) => o.replace(/:.*$/, '')).find((o) => priority.has(o));
    const system = held ? `${owner} is ${priority.get(held)}` : systemCommand(command) ?? undefined;
    return { command, owner, ...(system ? { system } : {}) };
  });
}

/**
 * Commands no package of ours may take over on any machine, whether or not this one has them: the interpreter the
 * venv's bin/python links to (its /usr/bin file replaced by a link into the venv would point back at itself), and
 * programs that ask for a password (whoever types it would hand it to the project's code). Essential and
 * required/important packages' commands are found through dpkg (commandOwners); this is the rest. Null: fine.
 */
export function systemCommand(command: string): string | null {
  if (/^python[0-9.]*(?:-config)?$/.test(command)) return 'the Python interpreter the venv runs on';
  if (/^(?:sudo|sudoedit|doas|pkexec|su|passwd|login|ssh|ssh-agent|gpg|gpg-agent|pinentry.*)$/.test(command)) return 'a program that asks for passwords';
  return null;
}

/**
 * The refusal for the first of `commands` that would take over a system command on install (see commandOwners and
 * systemCommand), or null. Both create (a tool or service named sh, ls, sudo…) and deb ask it.
 */
export async function systemCommandRefusal(commands: string[], debName: string, fix: string): Promise<string | null> {
  const owned = await commandOwners(commands, debName);
  for (const command of commands) {
    const system = owned.find((o) => o.command === command)?.system ?? systemCommand(command);
    if (system)
      return `the command ${command} would take over /usr/bin/${command} (${system}) on every machine the package is installed on; a package never replaces a system command: ${fix}`;
  }
  return null;
}
