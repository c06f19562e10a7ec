import { diffSequences } from '../merge/diff.js';
import { joinLines, LineInterner, splitLines } from '../merge/lines.js';
import type { MergeChunk, MergeResult } from '../merge/merge3.js';

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
 * reported.
 *
 * A carried rule with a recipe for a target the included (tool-owned) file also gives a different recipe would
 * override it, and make only warns ("overriding recipe for target"): the team's one-line edit of the old
 * `upload` would silently replace the new version's whole rule (a library whose tag check never runs again).
 * Both sides changed that rule, so it is a conflict: `result` holds each such rule as a conflict chunk, the team's
 * rule against nothing (resolving to the template's side deletes it, and the included rule applies). A rule that
 * only adds prerequisites (`test: lint`), or a special target (`.PHONY`), overrides nothing. Pure.
 */
export interface Handover {
  content: Buffer;
  /** Lines the team had added or changed, now in the new file. */
  carried: number;
  /** Template lines the team had deleted: their new home is the tool-owned file, where they are back. */
  dropped: number;
  /** The new file as chunks: carried rules that would override the included file's are conflicts (yours / nothing). */
  result: MergeResult;
  /** The targets of those rules, in file order. */
  overridden: string[];
}

const continues = (line: string | undefined) => line !== undefined && /\\\r?\n?$/.test(line);
const isRecipe = (line: string | undefined) => line !== undefined && line.startsWith('\t');

export function handOver(base: Buffer, ours: Buffer, theirs: Buffer, anchor: string, included?: Buffer): Handover {
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
  if (carried === 0) return { content: theirs, carried, dropped, result: { chunks: [{ kind: 'ok', lines: splitLines(theirs) }], conflicts: 0 }, overridden: [] };
  const t = splitLines(theirs);
  if (t.length && !t[t.length - 1]!.endsWith('\n')) t[t.length - 1] += '\n';
  let at = t.findIndex((l) => l.replace(/\r?\n$/, '') === anchor);
  if (at < 0) at = t.length; // no anchor: everything at the end
  const note = '# Carried over by pyservice update from your edits, when the templates moved their part to another file:\n';
  const pre = before.length ? [note, ...before, '\n'] : [];
  const head = [...t.slice(0, at), ...pre, ...t.slice(at, at + 1), ...(after.length ? ['\n', note] : [])];
  const chunks: MergeChunk[] = [{ kind: 'ok', lines: head }];
  const overridden: string[] = [];
  const theirRules = included ? rulesOf(splitLines(included)) : new Map<string, string>();
  for (const unit of ruleUnits(after)) {
    const targets = overridingTargets(unit, theirRules);
    if (targets.length) {
      overridden.push(...targets);
      chunks.push({ kind: 'conflict', ours: unit, theirs: [] });
    } else chunks.push({ kind: 'ok', lines: unit });
  }
  chunks.push({ kind: 'ok', lines: t.slice(at + 1) });
  const result: MergeResult = { chunks, conflicts: chunks.filter((c) => c.kind === 'conflict').length };
  return { content: joinLines(chunks.flatMap((c) => (c.kind === 'ok' ? c.lines : c.ours))), carried, dropped, result, overridden };
}

/** The path an anchor `include FILE` names (make runs from the project's top, so it is the project path), or undefined. */
export function includedPath(anchor: string): string | undefined {
  return /^-?include\s+(\S+)\s*$/.exec(anchor)?.[1];
}

/**
 * The targets a team file (a handed-over Makefile or debian/rules, as it is now) gives a recipe that replaces the
 * included file's rule of the same target: what make warns about with "overriding recipe". Pure.
 */
export function overriddenTargets(file: Buffer, included: Buffer): string[] {
  const theirs = rulesOf(splitLines(included));
  return ruleUnits(splitLines(file)).flatMap((unit) => overridingTargets(unit, theirs));
}

/** The carried lines after the anchor, cut into units: each rule (head, recipe, continued lines) and what lies between rules. */
function ruleUnits(lines: readonly string[]): string[][] {
  const units: string[][] = [];
  let cur: string[] = [];
  for (let i = 0; i < lines.length; ) {
    if (isRuleHead(lines[i]!) && !continues(lines[i - 1])) {
      if (cur.length) units.push(cur);
      cur = [];
      let end = i + 1;
      while (end < lines.length && (isRecipe(lines[end]) || continues(lines[end - 1]))) end++;
      units.push(lines.slice(i, end));
      i = end;
    } else cur.push(lines[i++]!);
  }
  if (cur.length) units.push(cur);
  return units;
}

/** A rule's targets (`a b: deps` → a, b), or none for a double-colon rule (those never override one another). */
function targetsOf(head: string): string[] {
  const m = /^([^:]*?):(?!:)/.exec(head);
  if (!m || /^[^:]*::/.test(head)) return [];
  return m[1]!.trim().split(/\s+/).filter((x) => x && !x.startsWith('.') && !x.includes('$'));
}

/** Each target the file gives a recipe, with that rule's text (head to the end of its recipe). */
function rulesOf(lines: readonly string[]): Map<string, string> {
  const rules = new Map<string, string>();
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (!isRuleHead(l) || continues(lines[i - 1])) continue;
    let end = i + 1;
    while (end < lines.length && (isRecipe(lines[end]) || continues(lines[end - 1]))) end++;
    const recipe = lines.slice(i + 1, end).some(isRecipe) || /;/.test(l.replace(/#.*/, ''));
    if (!recipe) continue;
    const text = lines.slice(i, end).join('');
    for (const target of targetsOf(l)) rules.set(target, text);
  }
  return rules;
}

/** The targets whose recipe this carried unit would replace: it has a recipe and the included file another. */
function overridingTargets(unit: readonly string[], theirs: ReadonlyMap<string, string>): string[] {
  const head = unit[0];
  if (head === undefined || !isRuleHead(head)) return [];
  if (!unit.slice(1).some(isRecipe) && !/;/.test(head.replace(/#.*/, ''))) return [];
  const text = unit.join('');
  return targetsOf(head).filter((target) => theirs.has(target) && theirs.get(target) !== text);
}

/** `target: prerequisites` (not an assignment such as `X := a:b` or `X = a:b`, not a recipe or a comment). */
function isRuleHead(line: string): boolean {
  if (/^\s*(export|unexport|override|define|include|-include|ifeq|ifneq|ifdef|ifndef|else|endif)\b/.test(line)) return false;
  return /^[^\t#=\s][^=]*?:(?!=)/.test(line);
}
