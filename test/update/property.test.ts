import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Answers, CiProvider, ProjectType } from '../../src/answers/types.js';
import { defaultAnswers } from '../../src/answers/defaults.js';
import { BASELINE_FILE, planProject, RECORD_FILE, type PlannedFile, type ProjectRecord } from '../../src/plan/file-plan.js';
import { parseBaseline, type BaselineEntry } from '../../src/update/baseline.js';
import { planUpdate, type FileAction, type OursState } from '../../src/update/plan-update.js';
import { renamesBetween } from '../../src/update/run-update.js';
import { prng, seedFromEnv } from '../helpers/random.js';

/**
 * Property test of the update plan, in-process (no disk, no git: the plan is pure):
 *   random user edit scripts (insert, delete, change lines; add, delete, rename files)
 * × template changes (the real 1.0.0 → 1.1.0, and random line/file changes on top)
 * → every line the user wrote is in the result (in its file, or the file it was renamed to), possibly inside a
 *   conflict; a side that changed nothing gets the other side byte for byte; without user edits the result is
 *   the new render byte for byte; user files are never touched, deleted template files never resurrected.
 * Seeded: FUZZ_SEED=<seed> replays a failure (the seed is in every failure message).
 */
const t = suite('update property: user edits × template changes');
const CASES = Number(process.env.UPDATE_PROPERTY_CASES ?? 200);

type Files = Map<string, { content: Buffer; mode: 0o644 | 0o755 }>;

const renders = new Map<string, { base: Map<string, BaselineEntry>; v1: PlannedFile[]; v2: PlannedFile[]; answers: Answers }>();
function rendersFor(type: ProjectType, ci: CiProvider) {
  const key = `${type}/${ci}`;
  let r = renders.get(key);
  if (!r) {
    const answers: Answers = { ...defaultAnswers({ dirName: 'prop-proj' }), type, ci, author: 'P', email: 'p@example.org' };
    const rec = (v: string): ProjectRecord => ({ tool: 'create-pyservice', toolVersion: '0', templateVersion: v, created: '2026-11-22T10:30:00.000Z', origin: 'create', answers });
    const p1 = planProject(rec('1.0.0'));
    const base = parseBaseline(p1.files.find((f) => f.path === BASELINE_FILE)!.content).entries;
    const strip = (fs: PlannedFile[]) => fs.filter((f) => f.path !== BASELINE_FILE && f.path !== RECORD_FILE);
    r = { base, v1: strip(p1.files), v2: strip(planProject(rec('1.1.0')).files), answers };
    renders.set(key, r);
  }
  return r;
}

const lines = (b: Buffer) => b.toString('utf8').split(/(?<=\n)/).filter((l) => l !== '');

function mutateLines(rand: () => number, content: Buffer, tag: string, tags: string[]): Buffer {
  const ls = lines(content);
  const pick = (n: number) => Math.floor(rand() * n);
  for (let i = 0, k = 1 + pick(4); i < k; i++) {
    const op = pick(3);
    const at = pick(ls.length + 1);
    if (op === 0 || ls.length === 0) {
      const line = `${tag}-${tags.length}\n`;
      tags.push(line);
      ls.splice(at, 0, line);
    } else if (op === 1) ls.splice(Math.min(at, ls.length - 1), 1);
    else {
      const line = `${tag}-${tags.length} (changed)\n`;
      tags.push(line);
      ls[Math.min(at, ls.length - 1)] = line;
    }
  }
  // a later step of the script may delete a line an earlier one wrote: only what survives is the user's
  const kept = new Set(ls);
  tags.splice(0, tags.length, ...tags.filter((l) => kept.has(l)));
  return Buffer.from(ls.join(''), 'utf8');
}

interface Case {
  base: Map<string, BaselineEntry>;
  theirs: PlannedFile[];
  ours: Files;
  renames: Map<string, string>;
  /** User lines by the path they were written in. */
  userLines: Map<string, string[]>;
  userRenamed: Map<string, string>;
  userAdded: Set<string>;
  userDeleted: Set<string>;
  edited: Set<string>;
}

function makeCase(rand: () => number, id: string): Case {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  const type = pick(['service', 'library'] as const);
  const ci = pick(['github', 'gitlab', 'circleci', 'jenkins', 'none'] as const);
  const r = rendersFor(type, ci);

  // Template side: the real 1.1.0, or random changes to 1.0.0, or both.
  const mode = pick(['real', 'random', 'both'] as const);
  let theirs = (mode === 'random' ? r.v1 : r.v2).map((f) => ({ ...f }));
  const renames = mode === 'random' ? new Map<string, string>() : renamesBetween('1.0.0', '1.1.0', r.answers);
  if (mode !== 'real') {
    const throwaway: string[] = [];
    for (const f of theirs) if (f.policy === 'merge' && rand() < 0.3) f.content = mutateLines(rand, f.content, `template-${id}`, throwaway);
    if (rand() < 0.3) theirs = theirs.filter((f) => f !== pick(theirs.filter((x) => x.policy === 'merge')));
    if (rand() < 0.3) theirs.push({ path: `added-by-template-${id}.txt`, content: Buffer.from('new\nfile\n'), mode: 0o644, policy: 'merge', template: 'x' });
  }

  // User side: the generated project, then a random edit script.
  const ours: Files = new Map(r.v1.map((f) => [f.path, { content: f.content, mode: f.mode }]));
  const userLines = new Map<string, string[]>();
  const userRenamed = new Map<string, string>();
  const userAdded = new Set<string>();
  const userDeleted = new Set<string>();
  const edited = new Set<string>();
  const noEdits = rand() < 0.2;
  if (!noEdits) {
    for (const path of [...ours.keys()]) {
      const roll = rand();
      if (roll < 0.25) {
        const tags: string[] = [];
        ours.get(path)!.content = mutateLines(rand, ours.get(path)!.content, `user-${id}-${path}`, tags);
        userLines.set(path, tags);
        edited.add(path);
      } else if (roll < 0.28) {
        ours.delete(path);
        userDeleted.add(path);
      } else if (roll < 0.31) {
        const to = `${path}.moved-by-user`;
        ours.set(to, ours.get(path)!);
        ours.delete(path);
        userRenamed.set(path, to);
        userDeleted.add(path);
      }
    }
    if (rand() < 0.5) {
      const p = `user-notes-${id}.md`;
      ours.set(p, { content: Buffer.from(`user-own-${id}\n`), mode: 0o644 });
      userAdded.add(p);
      userLines.set(p, [`user-own-${id}\n`]);
    }
  }
  for (const [from, to] of userRenamed) if (userLines.has(from)) userLines.set(to, userLines.get(from)!), userLines.delete(from);
  return { base: r.base, theirs, ours, renames, userLines, userRenamed, userAdded, userDeleted, edited };
}

function apply(c: Case, actions: FileAction[]): Files {
  const out: Files = new Map([...c.ours].map(([k, v]) => [k, { ...v }]));
  for (const a of actions) {
    for (const r of a.remove ?? []) out.delete(r.path);
    if (a.write) out.set(a.path, { ...a.write });
  }
  return out;
}

t(`${CASES} seeded cases: user lines survive, one-sided changes are exact, no edits = fresh render`, () => {
  const seed = seedFromEnv();
  const rand = prng(seed);
  for (let i = 0; i < CASES; i++) {
    const c = makeCase(rand, String(i));
    const where = `seed ${seed}, case ${i} (replay: FUZZ_SEED=${seed})`;
    const ours = (p: string): OursState => {
      const f = c.ours.get(p);
      return f ? { kind: 'file', content: f.content, mode: f.mode } : { kind: 'missing' };
    };
    const actions = planUpdate({ templateVersion: '1.1.0', base: c.base, theirs: c.theirs, ours, renames: c.renames, conflictStyle: 'inline' });
    const result = apply(c, actions);
    const renamedTo = (p: string) => c.renames.get(p) ?? p;
    const theirs = new Map(c.theirs.map((f) => [f.path, f]));

    // 1. every user line is still there, in its file or where the template moved that file
    for (const [path, tags] of c.userLines) {
      if (tags.length === 0) continue;
      const f = result.get(path) ?? result.get(renamedTo(path));
      assert.ok(f, `${where}: ${path} (with user lines) is gone`);
      const text = f.content.toString('utf8');
      for (const tag of tags) assert.ok(text.includes(tag), `${where}: ${path} lost the user line ${JSON.stringify(tag)}`);
    }
    // 2. the user's own files are untouched; files the user deleted stay deleted
    for (const p of c.userAdded) assert.ok(result.get(p)!.content.equals(c.ours.get(p)!.content), `${where}: user file ${p} changed`);
    for (const p of c.userDeleted) if (!theirs.has(p) || c.base.has(p)) assert.not.ok(result.has(p), `${where}: ${p} was deleted by the user and came back`);
    // 3. one-sided changes: a file the user did not touch becomes the new render exactly; a file the template did
    //    not change stays the user's exactly
    for (const f of c.theirs) {
      const b = c.base.get(f.path);
      if (!b || b.policy !== 'merge' || f.policy !== 'merge') continue;
      const mine = c.ours.get(f.path);
      if (mine && !c.edited.has(f.path) && mine.mode === b.mode) assert.ok(result.get(f.path)?.content.equals(f.content), `${where}: untouched ${f.path} is not the new render`);
      if (mine && b.content && f.content.equals(b.content) && f.mode === b.mode) assert.ok(result.get(f.path)?.content.equals(mine.content), `${where}: ${f.path} unchanged by the template but not kept`);
    }
    // 4. no user edits at all: the result is the new render, byte for byte (files created once stay as created)
    if (c.edited.size + c.userDeleted.size + c.userAdded.size === 0) {
      for (const f of c.theirs) {
        const got = result.get(f.path);
        if (f.policy === 'create-once' && c.base.has(f.path)) continue;
        assert.ok(got && got.content.equals(f.content) && got.mode === f.mode, `${where}: ${f.path} differs from a fresh render`);
      }
      for (const p of result.keys()) {
        const b = c.base.get(p);
        if (!theirs.has(p)) assert.ok(b?.policy === 'create-once', `${where}: ${p} is left over after an update without user edits`);
      }
      assert.not.ok(actions.some((a) => a.action === 'conflict'), `${where}: conflicts without user edits`);
    }
    // 5. conflicts are marked where they are reported
    for (const a of actions.filter((x) => x.action === 'conflict' && !x.binary))
      assert.ok(a.write!.content.toString('utf8').includes('<<<<<<< yours\n'), `${where}: ${a.path} conflicted without markers`);
  }
});

t.run();
