import { diffSequences } from '../merge/diff.js';
import { joinLines, LineInterner, splitLines } from '../merge/lines.js';

/**
 * A file the templates used to own and now hand over to the team (templates 1.2.0's Makefile, whose rules moved
 * to the tool-owned pyservice.mk): the new file is the template's short one, and the team's edits to the old
 * one travel into it. No three-way merge is possible (the template rewrote every line), so this carries the
 * team's side of each base → ours change to the `anchor` line of the new file (the `include pyservice.mk`
 * line): settings go before it (so they win over the included `?=` defaults), rules after it (so their
 * prerequisites see the included variables, and a rule the team changed overrides the included one).
 *
 * A change inside a recipe or a continued line carries the whole rule (from its head line down to the end of
 * the recipe), so that it still parses; a team deletion of a template line has nothing to carry and is
 * reported. Pure.
 */
export interface Handover {
  content: Buffer;
  /** Lines the team had added or changed, now in the new file. */
  carried: number;
  /** Template lines the team had deleted: their new home is the tool-owned file, where they are back. */
  dropped: number;
}

const continues = (line: string | undefined) => line !== undefined && /\\\r?\n?$/.test(line);
const isRecipe = (line: string | undefined) => line !== undefined && line.startsWith('\t');

export function handOver(base: Buffer, ours: Buffer, theirs: Buffer, anchor: string): Handover {
  const b = splitLines(base);
  const o = splitLines(ours);
  const intern = new LineInterner();
  const hunks = diffSequences(intern.ids_of(b), intern.ids_of(o));
  const take = new Set<number>(); // indexes into ours
  let dropped = 0;
  for (const h of hunks) {
    if (h.bEnd === h.bStart) {
      dropped += h.aEnd - h.aStart;
      continue;
    }
    let start = h.bStart;
    let end = h.bEnd;
    // Up to the head of the rule (or the first line of a continued line) the change belongs to.
    while (start > 0 && (isRecipe(o[start]) || continues(o[start - 1]))) start--;
    // Down to the end of the recipe or continued line.
    while (end < o.length && (isRecipe(o[end]) || continues(o[end - 1]))) end++;
    for (let i = start; i < end; i++) take.add(i);
  }
  // Blocks of consecutive carried lines; a block holding a rule head goes after the anchor, the rest before.
  const before: string[] = [];
  const after: string[] = [];
  const idx = [...take].sort((x, y) => x - y);
  for (let k = 0; k < idx.length; ) {
    let j = k;
    while (j + 1 < idx.length && idx[j + 1] === idx[j]! + 1) j++;
    const block = idx.slice(k, j + 1).map((i) => o[i]!);
    if (!block[block.length - 1]!.endsWith('\n')) block[block.length - 1] += '\n';
    (block.some(isRuleHead) ? after : before).push(...block);
    k = j + 1;
  }
  const carried = before.length + after.length;
  if (carried === 0) return { content: theirs, carried, dropped };
  const t = splitLines(theirs);
  if (t.length && !t[t.length - 1]!.endsWith('\n')) t[t.length - 1] += '\n';
  let at = t.findIndex((l) => l.replace(/\r?\n$/, '') === anchor);
  if (at < 0) at = t.length; // no anchor: everything at the end
  const note = '# Carried over by pyservice update from your edits, when the templates moved their part to another file:\n';
  const pre = before.length ? [note, ...before, '\n'] : [];
  const post = after.length ? ['\n', note, ...after] : [];
  return { content: joinLines([...t.slice(0, at), ...pre, ...t.slice(at, at + 1), ...post, ...t.slice(at + 1)]), carried, dropped };
}

/** `target: prerequisites` (not an assignment such as `X := a:b` or `X = a:b`, not a recipe or a comment). */
function isRuleHead(line: string): boolean {
  if (/^\s*(export|unexport|override|define|include|-include|ifeq|ifneq|ifdef|ifndef|else|endif)\b/.test(line)) return false;
  return /^[^\t#=\s][^=]*?:(?!=)/.test(line);
}
