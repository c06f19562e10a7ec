import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * user.name and user.email as `git config` reports them outside a repository, read from git's system,
 * XDG and global files without starting git: the lookup sits on every `create-pyservice` run, and a git
 * process costs more here than the rest of the work. Files git would combine in ways this reader does not
 * follow ([include], [includeIf], GIT_CONFIG_* variables) make it return null: the caller asks git itself.
 */
export interface Identity {
  name: string;
  email: string;
}

export function gitConfigFiles(env: NodeJS.ProcessEnv = process.env): string[] {
  const home = env.HOME || homedir();
  const files: string[] = [];
  if (!env.GIT_CONFIG_NOSYSTEM) files.push(env.GIT_CONFIG_SYSTEM || '/etc/gitconfig');
  if (env.GIT_CONFIG_GLOBAL) files.push(env.GIT_CONFIG_GLOBAL);
  else files.push(join(env.XDG_CONFIG_HOME || join(home, '.config'), 'git', 'config'), join(home, '.gitconfig'));
  return files;
}

/** Parses user.name / user.email out of git config texts (later texts win); null when git must decide. */
export function identityFromConfigTexts(texts: readonly string[]): Identity | null {
  const id: Identity = { name: '', email: '' };
  for (const text of texts) {
    let section = '';
    for (const raw of text.split(/\r?\n/)) {
      const line = raw.trim();
      if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
      const header = /^\[\s*([A-Za-z0-9.-]+)(\s+"[^"]*")?\s*\](.*)$/.exec(line);
      if (header) {
        const name = header[1]!.toLowerCase();
        if (name === 'include' || name === 'includeif') return null;
        section = header[2] ? `${name} ${header[2].trim()}` : name; // [user "x"] is user.x.*, not user.*
        if (header[3]!.trim() && !/^[#;]/.test(header[3]!.trim())) return null; // `[user] name = x` on one line
        continue;
      }
      if (line.startsWith('[')) return null;
      const kv = /^([A-Za-z][A-Za-z0-9-]*)\s*(?:=\s*(.*))?$/.exec(line);
      if (!kv) return null;
      if (section !== 'user') continue;
      const key = kv[1]!.toLowerCase();
      if (key !== 'name' && key !== 'email') continue;
      const value = configValue(kv[2] ?? '');
      if (value === null) return null;
      id[key] = value;
    }
  }
  return id;
}

/** A git config value: quotes removed, escapes resolved, an unquoted # or ; starts a comment. */
function configValue(raw: string): string | null {
  let out = '';
  let quoted = false;
  let pendingSpace = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c === '\\') {
      const next = raw[i + 1];
      const escaped = next === undefined ? undefined : ({ n: '\n', t: '\t', b: '\b', '"': '"', '\\': '\\' } as Record<string, string>)[next];
      if (escaped === undefined) return null; // a line continuation or an unknown escape: let git decide
      out += pendingSpace + escaped;
      pendingSpace = '';
      i++;
    } else if (c === '"') {
      out += pendingSpace;
      pendingSpace = '';
      quoted = !quoted;
    } else if (!quoted && (c === '#' || c === ';')) {
      break;
    } else if (!quoted && (c === ' ' || c === '\t')) {
      if (out !== '') pendingSpace += c;
    } else {
      out += pendingSpace + c;
      pendingSpace = '';
    }
  }
  return quoted ? null : out;
}

/** The identity from git's files, or null when the files need git itself to be read right. */
export function readGitIdentity(env: NodeJS.ProcessEnv = process.env): Identity | null {
  if (Object.keys(env).some((k) => k.startsWith('GIT_CONFIG_') && k !== 'GIT_CONFIG_NOSYSTEM' && k !== 'GIT_CONFIG_GLOBAL' && k !== 'GIT_CONFIG_SYSTEM')) return null;
  const texts: string[] = [];
  for (const f of gitConfigFiles(env)) {
    try {
      texts.push(readFileSync(f, 'utf8'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return null;
    }
  }
  return identityFromConfigTexts(texts);
}
