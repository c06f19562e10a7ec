import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { merge3, renderSide, renderWithMarkers } from '../../src/merge/merge3.js';
import { unifiedDiff } from '../../src/merge/unified.js';
import { diffSequences } from '../../src/merge/diff.js';
import { LineInterner, splitLines } from '../../src/merge/lines.js';
import { prng, seedFromEnv } from '../helpers/random.js';
import { toolTest } from '../helpers/tools.js';

const t = suite('three-way line merge');
const B = (s: string) => Buffer.from(s, 'utf8');
const labels = { ours: 'yours', theirs: 'templates 9.9.9' };
const merged = (base: string, ours: string, theirs: string) => renderWithMarkers(merge3(B(base), B(ours), B(theirs)), labels).toString('utf8');

t('changes on different lines merge cleanly', () => {
  assert.is(merged('a\nb\nc\nd\ne\n', 'A\nb\nc\nd\ne\n', 'a\nb\nc\nd\nE\n'), 'A\nb\nc\nd\nE\n');
});

t('one side changed: that side wins, byte for byte', () => {
  assert.is(merged('a\nb\n', 'a\nb\n', 'a\nB\n'), 'a\nB\n');
  assert.is(merged('a\nb\n', 'a\nB\n', 'a\nb\n'), 'a\nB\n');
});

t('the same change on both sides is no conflict', () => {
  const r = merge3(B('a\nb\nc\n'), B('a\nX\nc\n'), B('a\nX\nc\n'));
  assert.is(r.conflicts, 0);
  assert.is(renderSide(r, 'ours').toString(), 'a\nX\nc\n');
});

t('different changes to the same line conflict with git-style markers', () => {
  assert.is(merged('a\nb\nc\n', 'a\nmine\nc\n', 'a\ntheirs\nc\n'), 'a\n<<<<<<< yours\nmine\n=======\ntheirs\n>>>>>>> templates 9.9.9\nc\n');
});

t('changes to adjacent lines conflict, as in git', () => {
  assert.is(merge3(B('a\nb\nc\n'), B('A\nb\nc\n'), B('a\nB\nc\n')).conflicts, 1);
});

t('both appending at the end conflict; the user lines stay in the file', () => {
  const out = merged('a\n', 'a\nmine\n', 'a\ntheirs\n');
  assert.match(out, /<<<<<<< yours\nmine\n=======\ntheirs\n>>>>>>>/);
});

t('add/add (empty base): only the differing lines conflict (zealous narrowing)', () => {
  const out = merged('', 'same1\nmine\nsame2\n', 'same1\ntheirs\nsame2\n');
  assert.is(out, 'same1\n<<<<<<< yours\nmine\n=======\ntheirs\n>>>>>>> templates 9.9.9\nsame2\n');
});

t('a missing final newline is kept, and does not glue a line to a marker', () => {
  assert.is(merged('a\nb', 'a\nb', 'a\nB'), 'a\nB');
  assert.is(merged('a\nb', 'a\nx', 'a\ny'), 'a\n<<<<<<< yours\nx\n=======\ny\n>>>>>>> templates 9.9.9\n');
});

t('CRLF and non-UTF-8 bytes survive untouched', () => {
  const base = Buffer.from([0x61, 0x0d, 0x0a, 0xff, 0xfe, 0x0a, 0x63, 0x0d, 0x0a]);
  const ours = Buffer.concat([base, Buffer.from([0xe9, 0x0a])]);
  const theirs = Buffer.concat([Buffer.from([0x41, 0x0d, 0x0a]), base.subarray(3)]);
  const r = merge3(base, ours, theirs);
  assert.is(r.conflicts, 0);
  assert.equal([...renderSide(r, 'ours')], [0x41, 0x0d, 0x0a, 0xff, 0xfe, 0x0a, 0x63, 0x0d, 0x0a, 0xe9, 0x0a]);
});

t('the same deletion among identical lines is recognised on both sides (hunks slide down, like git)', () => {
  // Both sides delete "one of the four l3 lines"; without a canonical position the merge deleted two
  // (found by the comparison with git merge-file below).
  const lines = (s: string) => s.split(' ').map((l) => l + '\n').join('');
  const base = lines('l5 l3 l0 l5 l5 l3 l0 l3 l3 l3 l3 l4 l0 l2');
  const ours = lines('l5 l3 l0 l5 l5 oc1 l0 l3 l3 l3 l4 l0 l2');
  const theirs = lines('l5 l3 l0 l5 l5 l3 l0 l3 l3 l3 l4 l0 l2 t1');
  const r = merge3(B(base), B(ours), B(theirs));
  assert.is(r.conflicts, 0);
  assert.is(renderSide(r, 'ours').toString(), lines('l5 l3 l0 l5 l5 oc1 l0 l3 l3 l3 l4 l0 l2 t1'));
});

t('diff: hunks cover exactly the changed lines', () => {
  assert.equal(diffSequences([1, 2, 3], [1, 9, 3]), [{ aStart: 1, aEnd: 2, bStart: 1, bEnd: 2 }]);
  assert.equal(diffSequences([], [1]), [{ aStart: 0, aEnd: 0, bStart: 0, bEnd: 1 }]);
  assert.equal(diffSequences([1, 2], [1, 2]), []);
});

t('unified diff: header, ranges, no-newline marker', () => {
  const d = unifiedDiff(B('a\nb\nc\n'), B('a\nB\nc'), 'a/f', 'b/f').toString();
  assert.is(d, '--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n a\n-b\n-c\n+B\n+c\n\\ No newline at end of file\n');
  assert.is(unifiedDiff(B('x\n'), B('x\n'), 'a', 'b').length, 0);
});

/** Random small files over a tiny alphabet: many repeated lines, the hard case for alignment. */
function randomCase(rand: () => number) {
  const pick = (n: number) => Math.floor(rand() * n);
  const base = Array.from({ length: 2 + pick(14) }, () => `l${pick(6)}\n`);
  const edit = (tag: string) => {
    const out = [...base];
    for (let i = 0, k = pick(4); i < k; i++) {
      const p = pick(out.length + 1);
      const op = pick(3);
      if (op === 0 || out.length === 0) out.splice(p, 0, `${tag}${i}\n`);
      else if (op === 1) out.splice(Math.min(p, out.length - 1), 1);
      else out[Math.min(p, out.length - 1)] = `${tag}c${i}\n`;
    }
    return out.join('');
  };
  return { base: base.join(''), ours: edit('o'), theirs: edit('t') };
}

/** git's own line alignment of a → b (Myers, as merge-file uses it), as "aStart,aEnd,bStart,bEnd" hunks. */
function gitAlignment(dir: string, a: string, b: string): string {
  writeFileSync(join(dir, 'a'), a);
  writeFileSync(join(dir, 'b'), b);
  const r = spawnSync('git', ['diff', '--no-index', '--no-indent-heuristic', '--diff-algorithm=myers', '-U0', join(dir, 'a'), join(dir, 'b')], { encoding: 'utf8' });
  return [...r.stdout.matchAll(/^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/gm)]
    .map((m) => {
      const al = m[2] === undefined ? 1 : Number(m[2]);
      const bl = m[4] === undefined ? 1 : Number(m[4]);
      const as = al === 0 ? Number(m[1]) : Number(m[1]) - 1;
      const bs = bl === 0 ? Number(m[3]) : Number(m[3]) - 1;
      return [as, as + al, bs, bs + bl].join(',');
    })
    .join(' ');
}

function ourAlignment(a: string, b: string): string {
  const intern = new LineInterner();
  return diffSequences(intern.ids_of(splitLines(B(a))), intern.ids_of(splitLines(B(b))))
    .map((h) => [h.aStart, h.aEnd, h.bStart, h.bEnd].join(','))
    .join(' ');
}

/*
 * Where merge3 differs from `git merge-file`, exactly: only in the line alignment. When lines repeat, several
 * diffs are equally short and our Myers implementation may pick another one than git's xdiff; the merge then
 * combines other hunks. Whenever both sides' alignments equal git's, the verdict (clean or conflict) and the clean
 * output are identical — asserted for every such case, no tolerance. (Conflict *counts* are not compared: git
 * joins neighbouring conflict blocks differently, which changes only how markers are grouped.)
 */
toolTest(t, ['git'], 'agrees with git merge-file whenever the line alignments agree; differs only in alignment', () => {
  const seed = seedFromEnv();
  const rand = prng(seed);
  const dir = mkdtempSync(join(tmpdir(), 'merge3-vs-git-'));
  const N = 300;
  let aligned = 0;
  let verdictDiffers = 0;
  for (let i = 0; i < N; i++) {
    const c = randomCase(rand);
    writeFileSync(join(dir, 'base'), c.base);
    writeFileSync(join(dir, 'ours'), c.ours);
    writeFileSync(join(dir, 'theirs'), c.theirs);
    const g = spawnSync('git', ['merge-file', '-p', '-L', 'yours', '-L', 'base', '-L', 'theirs', join(dir, 'ours'), join(dir, 'base'), join(dir, 'theirs')]);
    const mine = merge3(B(c.base), B(c.ours), B(c.theirs));
    const where = `seed ${seed} (FUZZ_SEED=${seed}) case ${i}: ${JSON.stringify(c)}`;
    const sameAlignment = gitAlignment(dir, c.base, c.ours) === ourAlignment(c.base, c.ours) && gitAlignment(dir, c.base, c.theirs) === ourAlignment(c.base, c.theirs);
    if (!sameAlignment) {
      if ((g.status === 0) !== (mine.conflicts === 0)) verdictDiffers++;
      continue;
    }
    aligned++;
    assert.is(mine.conflicts === 0, g.status === 0, `${where}: same alignment as git, different verdict`);
    if (g.status === 0) assert.is(renderSide(mine, 'ours').toString(), g.stdout.toString(), `${where}: same alignment as git, different merge`);
  }
  assert.ok(aligned >= N / 2, `seed ${seed}: only ${aligned}/${N} cases share git's alignment; the comparison says too little`);
  console.log(`  merge3 vs git merge-file (seed ${seed}): ${aligned}/${N} cases with git's alignment, all identical; ${N - aligned} aligned differently, ${verdictDiffers} of those with another verdict`);
});

t.run();
