import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { FileAction } from '../../src/update/plan-update.js';
import { appendPairCase, applyActions, makeCase, planCase, type Case } from './property-cases.js';
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

/** The properties every update plan keeps (see the header). */
function checkCase(c: Case, actions: FileAction[], where: string): void {
  const result = applyActions(c, actions);
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

t(`${CASES} seeded cases, 1.0.0 → 1.1.0: user lines survive, one-sided changes are exact, no edits = fresh render`, () => {
  const seed = seedFromEnv();
  const rand = prng(seed);
  for (let i = 0; i < CASES; i++) {
    const c = makeCase(rand, String(i), { from: '1.0.0', to: '1.1.0' });
    checkCase(c, planCase(c, '1.1.0'), `seed ${seed}, case ${i} (replay: FUZZ_SEED=${seed})`);
  }
});

t(`${CASES} seeded cases on the 1.2.0 layout (tool-owned .mk files, team-owned Makefile and debian/rules), random template changes: the same properties`, () => {
  const seed = seedFromEnv();
  const rand = prng(seed + 1);
  for (let i = 0; i < CASES; i++) {
    const c = makeCase(rand, String(i), { from: '1.2.0', to: '1.2.0', templateSide: 'random', types: ['service', 'library', 'tool'] });
    checkCase(c, planCase(c, '1.2.x'), `seed ${seed}+1, case ${i} (replay: FUZZ_SEED=${seed})`);
  }
});

t('the most common edit pair (team and templates each append a target): a conflict up to 1.1.0, none from 1.2.0, both targets kept', () => {
  for (const type of ['service', 'library'] as const) {
    for (const ci of ['github', 'none'] as const) {
      const before = appendPairCase('1.1.0', type, ci);
      const conflicted = planCase(before, 'next').filter((a) => a.action === 'conflict').map((a) => a.path);
      assert.ok(conflicted.includes('Makefile'), `1.1.0 ${type}/${ci}: ${conflicted.join(' ')}`);
      const after = appendPairCase('1.2.0', type, ci);
      const actions = planCase(after, 'next');
      assert.equal(actions.filter((a) => a.action === 'conflict').map((a) => a.path), [], `1.2.0 ${type}/${ci}`);
      const result = applyActions(after, actions);
      assert.match(result.get('Makefile')!.content.toString(), /^smoke: ## Our smoke test$/m);
      assert.match(result.get('pyservice.mk')!.content.toString(), /^audit: venv ## Audit the dependencies$/m);
      if (type === 'service') {
        assert.match(result.get('debian/rules')!.content.toString(), /^override_dh_installsystemd:$/m);
        assert.match(result.get('debian/pyservice.mk')!.content.toString(), /^override_dh_strip_nondeterminism:$/m);
      }
    }
  }
});

t.run();
