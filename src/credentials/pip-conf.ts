import { join } from 'node:path';
import { readRegularText } from '../files/read-regular.js';

/**
 * Reads the index URL from a pip configuration file the way pip does for `pip install`: RawConfigParser
 * syntax, option names normalised (`index_url` = `index-url`, case-insensitive), `[install]` over `[global]`.
 */
export function pipConfIndexUrl(text: string): string | null {
  const sections = new Map<string, Map<string, string>>();
  let current: Map<string, string> | undefined;
  let lastKey: string | undefined;
  for (const raw of text.split(/\r\n|\n|\r/)) {
    if (/^\s*[#;]/.test(raw) || raw.trim() === '') {
      lastKey = undefined;
      continue;
    }
    const section = /^\[([^\]]+)\]/.exec(raw);
    if (section) {
      const name = section[1]!.trim().toLowerCase();
      current = sections.get(name) ?? new Map();
      sections.set(name, current);
      lastKey = undefined;
      continue;
    }
    if (/^\s/.test(raw) && lastKey && current) {
      current.set(lastKey, `${current.get(lastKey)}\n${raw.trim()}`);
      continue;
    }
    const kv = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(raw);
    if (!kv || !current) continue;
    lastKey = kv[1]!.trim().toLowerCase().replace(/_/g, '-');
    current.set(lastKey, kv[2]!.trim());
  }
  const value = sections.get('install')?.get('index-url') ?? sections.get('global')?.get('index-url');
  return value ? value.split('\n')[0]!.trim() || null : null;
}

/**
 * The index-url pip takes from a project's own ./pip.conf (what its Makefile and debian/pyservice.mk point
 * PIP_CONFIG_FILE at), or null without the file or the setting. A pip.conf that is no regular file is named
 * (NotRegularFileError, exit 2), never read.
 */
export function projectPipConfIndexUrl(dir: string): string | null {
  const text = readRegularText(join(dir, 'pip.conf'));
  return text === null ? null : pipConfIndexUrl(text);
}
