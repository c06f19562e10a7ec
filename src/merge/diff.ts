/**
 * Line diff (Myers' O(ND) algorithm) over sequences of integer line ids.
 * Returns the changed regions as hunks; everything between hunks is equal on both sides.
 */

/** A changed region: a[aStart, aEnd) became b[bStart, bEnd) (half-open; an empty range is an insertion point). */
export interface Hunk {
  aStart: number;
  aEnd: number;
  bStart: number;
  bEnd: number;
}

/**
 * Beyond this many edits the exact search would need O(D²) memory; the remaining middle is then reported as one
 * hunk. Merges stay correct (a coarser hunk only means a larger conflict), they just stop being minimal.
 */
const MAX_EDITS = 4000;

export function diffSequences(a: ArrayLike<number>, b: ArrayLike<number>): Hunk[] {
  let lo = 0;
  let aHi = a.length;
  let bHi = b.length;
  while (lo < aHi && lo < bHi && a[lo] === b[lo]) lo++;
  while (aHi > lo && bHi > lo && a[aHi - 1] === b[bHi - 1]) {
    aHi--;
    bHi--;
  }
  if (lo === aHi && lo === bHi) return [];
  if (lo === aHi || lo === bHi) return [{ aStart: lo, aEnd: aHi, bStart: lo, bEnd: bHi }];
  const matches = myersMatches(a, lo, aHi, b, lo, bHi);
  return slideDown(hunksFromMatches(matches, lo, aHi, lo, bHi), a, b);
}

/**
 * Moves each pure insertion or deletion as far down as equal lines allow (git's xdl_change_compact does the
 * same). Where a run of equal lines makes the position ambiguous (deleting one of four identical lines), both
 * sides of a merge then name the same position, so the same edit made on both sides is recognised as one.
 */
function slideDown(hunks: Hunk[], a: ArrayLike<number>, b: ArrayLike<number>): Hunk[] {
  for (let i = 0; i < hunks.length; i++) {
    const h = hunks[i]!;
    const next = hunks[i + 1];
    if (h.bStart === h.bEnd) {
      while (h.aEnd < a.length && a[h.aStart] === a[h.aEnd] && (!next || h.aEnd < next.aStart)) {
        h.aStart++;
        h.aEnd++;
        h.bStart++;
        h.bEnd++;
      }
    } else if (h.aStart === h.aEnd) {
      while (h.bEnd < b.length && b[h.bStart] === b[h.bEnd] && (!next || h.bEnd < next.bStart)) {
        h.aStart++;
        h.aEnd++;
        h.bStart++;
        h.bEnd++;
      }
    }
  }
  return hunks;
}

/** Pairs (i, j) with a[i] === b[j] on the found edit path, in increasing order; or null when MAX_EDITS is hit. */
function myersMatches(a: ArrayLike<number>, a0: number, a1: number, b: ArrayLike<number>, b0: number, b1: number): Array<[number, number]> | null {
  const n = a1 - a0;
  const m = b1 - b0;
  const max = Math.min(n + m, MAX_EDITS);
  const off = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = -1;
  for (let d = 0; d <= max && found < 0; d++) {
    trace.push(v.slice(off - d - 1, off + d + 2));
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[off + k - 1]! < v[off + k + 1]!) ? v[off + k + 1]! : v[off + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[a0 + x] === b[b0 + y]) {
        x++;
        y++;
      }
      v[off + k] = x;
      if (x >= n && y >= m) {
        found = d;
        break;
      }
    }
  }
  if (found < 0) return null;
  // Walk back from (n, m) through the saved frontiers, collecting the diagonal (equal) steps.
  const out: Array<[number, number]> = [];
  let x = n;
  let y = m;
  for (let d = found; d >= 0; d--) {
    const saved = trace[d]!; // the frontier step d started from, indexed k + d + 1
    const at = (k: number) => saved[k + d + 1]!;
    const k = x - y;
    const prevK = k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1;
    const prevX = at(prevK);
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      x--;
      y--;
      out.push([a0 + x, b0 + y]);
    }
    x = prevX;
    y = prevY;
  }
  out.reverse();
  return out;
}

function hunksFromMatches(matches: Array<[number, number]> | null, a0: number, a1: number, b0: number, b1: number): Hunk[] {
  if (!matches) return [{ aStart: a0, aEnd: a1, bStart: b0, bEnd: b1 }];
  const hunks: Hunk[] = [];
  let i = a0;
  let j = b0;
  for (const [mi, mj] of matches) {
    if (mi > i || mj > j) hunks.push({ aStart: i, aEnd: mi, bStart: j, bEnd: mj });
    i = mi + 1;
    j = mj + 1;
  }
  if (i < a1 || j < b1) hunks.push({ aStart: i, aEnd: a1, bStart: j, bEnd: b1 });
  return hunks;
}
