/**
 * Pure line diffs for the deb flow: a unified diff to show what would change, and a two-way "add/add" merge
 * (both sides added the file, empty base) that keeps the team's lines and marks every difference the way
 * `git merge-file` marks a conflict. Resolving each conflict to the first side gives back the team's file
 * exactly; to the second side, the template's.
 */
export type DiffOp = { kind: 'same' | 'del' | 'add'; line: string };

/** Lines with their line endings kept, so joining them gives the text back byte for byte. */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/** Above this many cells the middle part is treated as replaced as a whole (still correct, just coarser). */
const MAX_TABLE = 4_000_000;

/** Line diff from `a` to `b`: common prefix and suffix, then a longest-common-subsequence table for the middle. */
export function diffLines(a: readonly string[], b: readonly string[]): DiffOp[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const ops: DiffOp[] = a.slice(0, start).map((line) => ({ kind: 'same', line }));
  const ma = a.slice(start, endA);
  const mb = b.slice(start, endB);
  const n = ma.length;
  const m = mb.length;
  if (n * m > MAX_TABLE) {
    for (const line of ma) ops.push({ kind: 'del', line });
    for (const line of mb) ops.push({ kind: 'add', line });
  } else {
    // lcs[i][j] = LCS length of ma[i..] and mb[j..], in one flat array
    const w = m + 1;
    const lcs = new Uint32Array((n + 1) * w);
    for (let i = n - 1; i >= 0; i--)
      for (let j = m - 1; j >= 0; j--)
        lcs[i * w + j] = ma[i] === mb[j] ? lcs[(i + 1) * w + j + 1]! + 1 : Math.max(lcs[(i + 1) * w + j]!, lcs[i * w + j + 1]!);
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && ma[i] === mb[j]) {
        ops.push({ kind: 'same', line: ma[i++]! });
        j++;
      } else if (j < m && (i === n || lcs[i * w + j + 1]! >= lcs[(i + 1) * w + j]!)) ops.push({ kind: 'add', line: mb[j++]! });
      else ops.push({ kind: 'del', line: ma[i++]! });
    }
  }
  for (const line of a.slice(endA)) ops.push({ kind: 'same', line });
  return ops;
}

const withNewline = (line: string) => (line.endsWith('\n') ? line : line + '\n');

export interface MergeResult {
  text: string;
  conflicts: number;
}

/**
 * Merges two versions of a file that both sides created (empty base): lines common to both are kept once,
 * each region where they differ becomes
 *   <<<<<<< oursLabel / the team's lines / ======= / the template's lines / >>>>>>> theirsLabel
 */
export function mergeAddAdd(ours: string, theirs: string, oursLabel: string, theirsLabel: string): MergeResult {
  const ops = diffLines(splitLines(ours), splitLines(theirs));
  let text = '';
  let conflicts = 0;
  for (let k = 0; k < ops.length; ) {
    if (ops[k]!.kind === 'same') {
      text += ops[k++]!.line;
      continue;
    }
    const mine: string[] = [];
    const template: string[] = [];
    while (k < ops.length && ops[k]!.kind !== 'same') {
      const op = ops[k++]!;
      (op.kind === 'del' ? mine : template).push(op.line);
    }
    conflicts++;
    text += `<<<<<<< ${oursLabel}\n${mine.map(withNewline).join('')}=======\n${template.map(withNewline).join('')}>>>>>>> ${theirsLabel}\n`;
  }
  return { text, conflicts };
}

/** A unified diff (`diff -u` style, 3 lines of context) from `a` to `b`; '' when they are equal. */
export function unifiedDiff(a: string, b: string, labelA: string, labelB: string, context = 3): string {
  if (a === b) return '';
  const ops = diffLines(splitLines(a), splitLines(b));
  const changed = ops.map((op, idx) => (op.kind !== 'same' ? idx : -1)).filter((idx) => idx >= 0);
  // group changes whose context windows touch into hunks
  const hunks: [number, number][] = [];
  for (const idx of changed) {
    const last = hunks[hunks.length - 1];
    if (last && idx - last[1] <= 2 * context) last[1] = idx;
    else hunks.push([idx, idx]);
  }
  let out = `--- ${labelA}\n+++ ${labelB}\n`;
  // line numbers before each op
  const posA: number[] = [];
  const posB: number[] = [];
  let la = 1;
  let lb = 1;
  for (const op of ops) {
    posA.push(la);
    posB.push(lb);
    if (op.kind !== 'add') la++;
    if (op.kind !== 'del') lb++;
  }
  for (const [first, last] of hunks) {
    const from = Math.max(0, first - context);
    const to = Math.min(ops.length - 1, last + context);
    const slice = ops.slice(from, to + 1);
    const countA = slice.filter((op) => op.kind !== 'add').length;
    const countB = slice.filter((op) => op.kind !== 'del').length;
    const startA = countA === 0 ? posA[from]! - 1 : posA[from]!;
    const startB = countB === 0 ? posB[from]! - 1 : posB[from]!;
    out += `@@ -${startA},${countA} +${startB},${countB} @@\n`;
    for (const op of slice) {
      const mark = op.kind === 'same' ? ' ' : op.kind === 'del' ? '-' : '+';
      out += mark + (op.line.endsWith('\n') ? op.line : op.line + '\n\\ No newline at end of file\n');
    }
  }
  return out;
}
