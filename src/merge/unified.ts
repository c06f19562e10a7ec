import { diffSequences, type Hunk } from './diff.js';
import { isBinary, LineInterner, splitLines } from './lines.js';

/**
 * A unified diff (as `diff -u` / `git diff` print it) from a to b, byte-exact (returned as a Buffer: the file's
 * own encoding is kept). Empty when the files are equal. Used by `update --diff` and for `.rej` files.
 */
export function unifiedDiff(a: Buffer, b: Buffer, aName: string, bName: string, context = 3): Buffer {
  if (a.equals(b)) return Buffer.alloc(0);
  if (isBinary(a) || isBinary(b)) return Buffer.from(`Binary files ${aName} and ${bName} differ\n`, 'utf8');
  const al = splitLines(a);
  const bl = splitLines(b);
  const intern = new LineInterner();
  const hunks = diffSequences(intern.ids_of(al), intern.ids_of(bl));
  const out: string[] = [`--- ${aName}\n`, `+++ ${bName}\n`];
  for (const group of groupHunks(hunks, context)) {
    const first = group[0]!;
    const last = group[group.length - 1]!;
    const aFrom = Math.max(0, first.aStart - context);
    const bFrom = Math.max(0, first.bStart - context);
    const aTo = Math.min(al.length, last.aEnd + context);
    const bTo = Math.min(bl.length, last.bEnd + context);
    out.push(`@@ -${range(aFrom, aTo)} +${range(bFrom, bTo)} @@\n`);
    let ai = aFrom;
    for (const h of group) {
      for (; ai < h.aStart; ai++) out.push(line(' ', al[ai]!));
      for (let k = h.aStart; k < h.aEnd; k++) out.push(line('-', al[k]!));
      for (let k = h.bStart; k < h.bEnd; k++) out.push(line('+', bl[k]!));
      ai = h.aEnd;
    }
    for (; ai < aTo; ai++) out.push(line(' ', al[ai]!));
  }
  return Buffer.from(out.join(''), 'latin1');
}

function line(prefix: string, l: string): string {
  return l.endsWith('\n') ? prefix + l : `${prefix}${l}\n\\ No newline at end of file\n`;
}

/** "start,count" with 1-based start, as diff prints it (an empty range names the line before it). */
function range(from: number, to: number): string {
  const count = to - from;
  if (count === 0) return `${from},0`;
  return count === 1 ? `${from + 1}` : `${from + 1},${count}`;
}

function groupHunks(hunks: Hunk[], context: number): Hunk[][] {
  const groups: Hunk[][] = [];
  for (const h of hunks) {
    const cur = groups[groups.length - 1];
    const prev = cur?.[cur.length - 1];
    if (cur && prev && h.aStart - prev.aEnd <= 2 * context) cur.push(h);
    else groups.push([h]);
  }
  return groups;
}
