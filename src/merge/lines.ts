/**
 * Files as lines, byte-exact: bytes are mapped 1:1 to string characters (latin1), so any encoding and any line
 * ending survives a split/join round trip. Each line keeps its '\n'; only the last line may lack one.
 */
export function splitLines(content: Buffer): string[] {
  const s = content.toString('latin1');
  const out: string[] = [];
  let i = 0;
  while (i < s.length) {
    const j = s.indexOf('\n', i);
    if (j < 0) {
      out.push(s.slice(i));
      break;
    }
    out.push(s.slice(i, j + 1));
    i = j + 1;
  }
  return out;
}

export function joinLines(lines: readonly string[]): Buffer {
  return Buffer.from(lines.join(''), 'latin1');
}

/** Git's rule: a NUL byte in the first 8000 bytes makes a file binary (merged whole-file, never line by line). */
export function isBinary(content: Buffer): boolean {
  return content.subarray(0, 8000).includes(0);
}

/** Maps equal lines to equal small integers so the diff compares numbers. One interner per merge. */
export class LineInterner {
  private ids = new Map<string, number>();
  ids_of(lines: readonly string[]): Int32Array {
    const out = new Int32Array(lines.length);
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      let id = this.ids.get(line);
      if (id === undefined) {
        id = this.ids.size;
        this.ids.set(line, id);
      }
      out[i] = id;
    }
    return out;
  }
}
