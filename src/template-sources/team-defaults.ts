import { NotRegularFileError, readRegularText } from '../files/read-regular.js';
import { othersCouldWrite } from '../files/private-dir.js';
import { shown } from '../secrets/redact.js';
import { homeDir } from '../paths.js';
import { join } from 'node:path';
import type { Answers } from '../answers/types.js';
import type { ManifestDefaults } from '../templates/manifest.js';
import { UsageError } from '../errors.js';
import { parseJson } from '../files/json.js';

/**
 * A company's answers without flags: the template manifest's `defaults`, then the user's or CI's own file
 * ($PYSERVICE_DEFAULTS, else $XDG_CONFIG_HOME/create-pyservice/defaults.json), both below answers given as
 * flags or an answers file. `emailDomain` turns the git email's local part into an address at that domain.
 */
export const DEFAULT_KEYS = ['indexUrl', 'uploadUrl', 'indexUser', 'ci', 'distro', 'type', 'emailDomain', 'buildDeps'] as const;

export class DefaultsError extends UsageError {}

export function defaultsFile(env: NodeJS.ProcessEnv = process.env): string {
  if (env.PYSERVICE_DEFAULTS) return env.PYSERVICE_DEFAULTS;
  const base = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.startsWith('/') ? env.XDG_CONFIG_HOME : join(homeDir(env), '.config');
  return join(base, 'create-pyservice', 'defaults.json');
}

/** The user's/CI's defaults file, checked: known keys only, strings (buildDeps a list). Missing file: none. */
export function readDefaultsFile(file = defaultsFile()): ManifestDefaults {
  let text: string;
  try {
    const read = readRegularText(file);
    if (read === null) throw Object.assign(new Error('missing'), { code: 'ENOENT' });
    text = read;
    // Its indexUrl and uploadUrl become the project's pip.conf and .pypirc, and `pyservice login` sends the index
    // password there: a file another user could have written (measured: a defaults.json of uid 65534, or one mode
    // 0666, in XDG_CONFIG_HOME) made create write their host, and --save-credentials save the login for it
    const loose = othersCouldWrite(file);
    if (loose)
      throw new DefaultsError(
        `the defaults file ${file} is not private (${loose}): its indexUrl and uploadUrl decide where your index password goes; make it yours with chmod 644 (and its folder), or set PYSERVICE_DEFAULTS to a file only you or root can write`,
      );
  } catch (err) {
    if (err instanceof DefaultsError) throw err;
    if (err instanceof NotRegularFileError) throw new DefaultsError(`${err.message} (PYSERVICE_DEFAULTS or the defaults file)`);
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && !process.env.PYSERVICE_DEFAULTS) return {};
    throw new DefaultsError(`cannot read defaults file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}; fix PYSERVICE_DEFAULTS or the file`);
  }
  let data: unknown;
  try {
    data = parseJson(text);
  } catch (err) {
    throw new DefaultsError(`defaults file ${file} is not valid JSON (${(err as Error).message})`);
  }
  return checkDefaults(data, `defaults file ${file}`);
}

export function checkDefaults(data: unknown, where: string): ManifestDefaults {
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new DefaultsError(`${where} must be a JSON object`);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(data)) {
    if (!(DEFAULT_KEYS as readonly string[]).includes(k)) throw new DefaultsError(`${where}: unknown key ${shown(k)}; known keys: ${DEFAULT_KEYS.join(', ')}`);
    if (/\/\/[^/@\s]*@/.test(String(v))) throw new DefaultsError(`${where}: ${shown(k)} holds a credential in its URL; defaults never hold secrets (use pyservice login / ~/.netrc)`);
    if (k === 'buildDeps' ? !Array.isArray(v) || !v.every((x) => typeof x === 'string') : typeof v !== 'string') throw new DefaultsError(`${where}: ${shown(k)} must be ${k === 'buildDeps' ? 'a list of strings' : 'a string'}`);
    out[k] = v;
  }
  return out as ManifestDefaults;
}

/** Defaults (manifest, then file) → answer values; `gitEmail` is the identity default the domain applies to. */
export function teamAnswerDefaults(layers: readonly ManifestDefaults[], gitEmail: string, user = process.env.USER ?? ''): Partial<Answers> {
  const merged: ManifestDefaults = Object.assign({}, ...layers);
  const { emailDomain, ...rest } = merged;
  const out = { ...rest } as Partial<Answers>;
  if (emailDomain) {
    const domain = emailDomain.replace(/^@/, '').toLowerCase();
    const [local, at] = gitEmail.split('@');
    if (!at || at.toLowerCase() !== domain) out.email = `${(local || user || 'you').toLowerCase()}@${domain}`;
  }
  return out;
}
