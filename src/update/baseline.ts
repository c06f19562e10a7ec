import { crypto } from '../lazy.js';

/**
 * The baseline: what the templates rendered for this project last time, kept in the project itself
 * (`.pyservice.baseline`, committed with everything else) so that the base of `pyservice update`'s three-way
 * merge is in every clone, shallow or not, and never depends on re-rendering an old template version.
 *
 * Format (text, so a review shows exactly how the template changed the project):
 *   # comment lines
 *   pyservice-baseline 1 templates <version>
 *   @@@ {"path":"Makefile","mode":"644","policy":"merge","size":3132,"sha256":"…"}
 *   <exactly `size` bytes of the file as rendered>
 *   (one newline)
 *   @@@ {"path":"src/x/service.py","mode":"644","policy":"create-once","sha256":"…"}
 * Files the team owns after creation (`create-once`) keep only their hash: update never merges them, it only
 * needs to know they were created. Binary content is stored base64 (`"encoding":"base64"`).
 * Pure: no disk access here.
 */
export { BASELINE_FILE } from '../plan/tool-files.js';
const MAGIC = 'pyservice-baseline 1';

export interface BaselineEntry {
  path: string;
  mode: 0o644 | 0o755;
  policy: 'merge' | 'create-once';
  sha256: string;
  /** The rendered bytes; absent for create-once entries (and for entries whose stored bytes fail their hash). */
  content?: Buffer;
}

export interface Baseline {
  templateVersion: string;
  entries: Map<string, BaselineEntry>;
  /** Entries whose stored content did not match their hash (hand-edited or mangled); treated as unknown. */
  damaged: string[];
}

export function sha256(b: Buffer): string {
  return crypto().createHash('sha256').update(b).digest('hex');
}

interface Header {
  path: string;
  mode: string;
  policy: 'merge' | 'create-once';
  sha256: string;
  size?: number;
  encoding?: 'base64';
}

export function serializeBaseline(templateVersion: string, files: readonly { path: string; content: Buffer; mode: number; policy: string }[]): Buffer {
  const parts: Buffer[] = [
    Buffer.from(
      `# What the templates rendered for this project: the base of \`pyservice update\`'s three-way merge.\n` +
        `# Written by pyservice at create and update time; do not edit. Commit it with the project.\n` +
        `${MAGIC} templates ${templateVersion}\n`,
      'utf8',
    ),
  ];
  for (const f of [...files].sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0))) {
    const policy = f.policy === 'create-once' ? 'create-once' : 'merge';
    const header: Header = { path: f.path, mode: f.mode === 0o755 ? '755' : '644', policy, sha256: sha256(f.content) };
    let block: Buffer | undefined;
    if (policy === 'merge') {
      const binary = f.content.subarray(0, 8000).includes(0) || !isUtf8(f.content);
      block = binary ? Buffer.from(wrap(f.content.toString('base64')), 'ascii') : f.content;
      header.size = block.length;
      if (binary) header.encoding = 'base64';
    }
    parts.push(Buffer.from(`@@@ ${JSON.stringify(header)}\n`, 'utf8'));
    if (block) parts.push(block, Buffer.from('\n'));
  }
  return Buffer.concat(parts);
}

export class BaselineFormatError extends Error {}

export function parseBaseline(buf: Buffer): Baseline {
  let pos = 0;
  let templateVersion: string | undefined;
  const entries = new Map<string, BaselineEntry>();
  const damaged: string[] = [];
  const readLine = (): string | undefined => {
    if (pos >= buf.length) return undefined;
    let end = buf.indexOf(0x0a, pos);
    if (end < 0) end = buf.length;
    const line = buf.subarray(pos, end).toString('utf8');
    pos = end + 1;
    return line;
  };
  for (let line = readLine(); line !== undefined; line = readLine()) {
    if (line === '' || line.startsWith('#')) continue;
    if (templateVersion === undefined) {
      const m = /^pyservice-baseline 1 templates (\S+)$/.exec(line);
      if (!m) throw new BaselineFormatError(`not a pyservice baseline (first line: ${JSON.stringify(line.slice(0, 60))})`);
      templateVersion = m[1]!;
      continue;
    }
    if (!line.startsWith('@@@ ')) throw new BaselineFormatError(`unexpected line ${JSON.stringify(line.slice(0, 60))}`);
    let h: Header;
    try {
      h = JSON.parse(line.slice(4)) as Header;
    } catch {
      throw new BaselineFormatError(`bad entry header ${JSON.stringify(line.slice(0, 60))}`);
    }
    if (typeof h.path !== 'string' || typeof h.sha256 !== 'string') throw new BaselineFormatError(`bad entry header ${JSON.stringify(line.slice(0, 60))}`);
    const entry: BaselineEntry = { path: h.path, mode: h.mode === '755' ? 0o755 : 0o644, policy: h.policy === 'create-once' ? 'create-once' : 'merge', sha256: h.sha256 };
    if (typeof h.size === 'number') {
      if (pos + h.size > buf.length) throw new BaselineFormatError(`entry ${h.path} is cut short`);
      const block = buf.subarray(pos, pos + h.size);
      pos += h.size;
      if (buf[pos] === 0x0a) pos++;
      const content = h.encoding === 'base64' ? Buffer.from(block.toString('ascii').replace(/\s+/g, ''), 'base64') : Buffer.from(block);
      if (sha256(content) === h.sha256) entry.content = content;
      else damaged.push(h.path);
    }
    entries.set(entry.path, entry);
  }
  if (templateVersion === undefined) throw new BaselineFormatError('empty baseline');
  return { templateVersion, entries, damaged };
}

function wrap(s: string): string {
  return s.replace(/.{1,76}/g, (chunk) => chunk + '\n').replace(/\n$/, '');
}

function isUtf8(b: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(b);
    return true;
  } catch {
    return false;
  }
}
