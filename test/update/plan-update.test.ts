import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { planUpdate, mergeMode, type OursState, type UpdateInputs, type Mode } from '../../src/update/plan-update.js';
import { parseBaseline, serializeBaseline, sha256, type BaselineEntry } from '../../src/update/baseline.js';
import type { PlannedFile } from '../../src/plan/file-plan.js';

const t = suite('update plan (pure): one file at a time');
const B = (s: string) => Buffer.from(s, 'utf8');

type Spec = { content: string | Buffer; mode?: Mode; policy?: 'merge' | 'create-once' };
const buf = (c: string | Buffer) => (typeof c === 'string' ? B(c) : c);
function baseOf(files: Record<string, Spec>): Map<string, BaselineEntry> {
  return new Map(Object.entries(files).map(([path, f]) => {
    const content = buf(f.content);
    const e: BaselineEntry = { path, mode: f.mode ?? 0o644, policy: f.policy ?? 'merge', sha256: sha256(content) };
    if ((f.policy ?? 'merge') === 'merge') e.content = content;
    return [path, e];
  }));
}
function theirsOf(files: Record<string, Spec>): PlannedFile[] {
  return Object.entries(files).map(([path, f]) => ({ path, content: buf(f.content), mode: f.mode ?? 0o644, policy: f.policy ?? 'merge', template: path }));
}
function oursOf(files: Record<string, Spec | 'symlink' | 'dir' | { blocked: string }>): (p: string) => OursState {
  return (p) => {
    const f = files[p];
    if (f === undefined) return { kind: 'missing' };
    if (f === 'symlink') return { kind: 'symlink' };
    if (f === 'dir') return { kind: 'not-file', what: 'a directory' };
    if ('blocked' in f) return { kind: 'blocked', reason: f.blocked };
    return { kind: 'file', content: buf(f.content), mode: f.mode ?? 0o644 };
  };
}
function plan(base: Record<string, Spec> | null, ours: Parameters<typeof oursOf>[0], theirs: Record<string, Spec>, extra: Partial<UpdateInputs> = {}) {
  return planUpdate({ templateVersion: '2.0.0', base: base ? baseOf(base) : null, ours: oursOf(ours), theirs: theirsOf(theirs), renames: new Map(), conflictStyle: 'inline', ...extra });
}
const one = (actions: ReturnType<typeof plan>, path: string) => {
  const a = actions.find((x) => x.path === path);
  if (!a) throw new Error(`no action for ${path}: ${JSON.stringify(actions.map((x) => x.path))}`);
  return a;
};

t('unchanged by the user: replaced by the new render', () => {
  const a = one(plan({ f: { content: 'a\n' } }, { f: { content: 'a\n' } }, { f: { content: 'b\n' } }), 'f');
  assert.is(a.action, 'update');
  assert.is(a.write?.content.toString(), 'b\n');
});

t('the same version on both sides (update --ci): files come and go for the answers, not "new in templates"', () => {
  const base = { '.gitlab-ci.yml': { content: 'gitlab\n' } };
  const ours = { '.gitlab-ci.yml': { content: 'gitlab\n' } };
  const theirs = { '.github/workflows/ci.yml': { content: 'github\n' } };
  const same = plan(base, ours, theirs, { fromVersion: '2.0.0' });
  assert.is(one(same, '.github/workflows/ci.yml').reason, 'now rendered for the changed answers');
  assert.is(one(same, '.gitlab-ci.yml').action, 'remove');
  assert.is(one(same, '.gitlab-ci.yml').reason, 'no longer rendered for these answers; you had not changed it');
  const newer = plan(base, ours, theirs, { fromVersion: '1.9.0' });
  assert.is(one(newer, '.github/workflows/ci.yml').reason, 'new in templates 2.0.0');
  assert.is(one(newer, '.gitlab-ci.yml').reason, 'no longer in templates 2.0.0; you had not changed it');
});

t('changed by the user, not by the template: left alone', () => {
  const a = one(plan({ f: { content: 'a\n' } }, { f: { content: 'mine\n' } }, { f: { content: 'a\n' } }), 'f');
  assert.is(a.action, 'unchanged');
  assert.is(a.write, undefined);
});

t('changed by both, different lines: merged', () => {
  const a = one(plan({ f: { content: 'a\nb\nc\nd\n' } }, { f: { content: 'A\nb\nc\nd\n' } }, { f: { content: 'a\nb\nc\nD\n' } }), 'f');
  assert.is(a.action, 'merge');
  assert.is(a.write?.content.toString(), 'A\nb\nc\nD\n');
  assert.is(a.stages, undefined);
});

t('changed by both, same line: conflict with markers and all three stages', () => {
  const a = one(plan({ f: { content: 'a\n' } }, { f: { content: 'mine\n' } }, { f: { content: 'theirs\n' } }), 'f');
  assert.is(a.action, 'conflict');
  assert.match(a.write!.content.toString(), /<<<<<<< yours\nmine\n=======\ntheirs\n>>>>>>> templates 2\.0\.0\n/);
  assert.is(a.stages?.base?.content.toString(), 'a\n');
  assert.is(a.stages?.ours.content.toString(), 'mine\n');
  assert.is(a.stages?.theirs.content.toString(), 'theirs\n');
});

t('--conflict rej: the file keeps your side, the template side goes to <file>.rej as a patch', () => {
  const a = one(plan({ f: { content: 'a\nb\n' } }, { f: { content: 'mine\nb\n' } }, { f: { content: 'theirs\nb\nnew\n' } }, { conflictStyle: 'rej' }), 'f');
  assert.is(a.action, 'conflict');
  assert.is(a.write?.content.toString(), 'mine\nb\nnew\n'); // the clean part (new) is merged, the conflict keeps yours
  assert.is(a.rej?.path, 'f.rej');
  assert.match(a.rej!.content.toString(), /-mine\n\+theirs\n/);
  assert.ok(a.stages);
});

t('add/add: the template adds a file the user also created — identical is fine, different conflicts (no stage 1)', () => {
  assert.is(one(plan({}, { f: { content: 'x\n' } }, { f: { content: 'x\n' } }), 'f').action, 'unchanged');
  const a = one(plan({}, { f: { content: 'shared\nmine\n' } }, { f: { content: 'shared\ntheirs\n' } }), 'f');
  assert.is(a.action, 'conflict');
  assert.match(a.write!.content.toString(), /^shared\n<<<<<<< yours\nmine\n=======\ntheirs\n>>>>>>>/);
  assert.is(a.stages?.base, undefined);
});

t('adopting (no baseline): every existing file is add/add, missing ones are added', () => {
  const actions = plan(null, { kept: { content: 'mine\n' } }, { kept: { content: 'template\n' }, fresh: { content: 'new\n' } });
  assert.is(one(actions, 'kept').action, 'conflict');
  assert.is(one(actions, 'fresh').action, 'add');
});

t('template removes a file: removed if you had not changed it, else kept and reported', () => {
  const gone = one(plan({ f: { content: 'a\n' } }, { f: { content: 'a\n' } }, {}), 'f');
  assert.is(gone.action, 'remove');
  assert.equal(gone.remove?.map((r) => r.path), ['f']);
  const kept = one(plan({ f: { content: 'a\n' } }, { f: { content: 'a\nmine\n' } }, {}), 'f');
  assert.is(kept.action, 'skip');
  assert.match(kept.reason, /you changed it/);
  assert.is(kept.remove, undefined);
  // a mode change is a change too
  assert.is(one(plan({ f: { content: 'a\n' } }, { f: { content: 'a\n', mode: 0o755 } }, {}), 'f').action, 'skip');
});

t('template renames a file: the user edits follow it to the new path', () => {
  const actions = plan(
    { 'old.md': { content: 'title\nbody\nend\n' } },
    { 'old.md': { content: 'title\nbody\nend\nmy notes\n' } },
    { 'new.md': { content: 'TITLE\nbody\nend\n' } },
    { renames: new Map([['old.md', 'new.md']]) },
  );
  assert.is(actions.length, 1);
  const a = one(actions, 'new.md');
  assert.is(a.action, 'rename');
  assert.is(a.from, 'old.md');
  assert.is(a.write?.content.toString(), 'TITLE\nbody\nend\nmy notes\n');
  assert.equal(a.remove?.map((r) => r.path), ['old.md']);
});

t('rename of a created-once file moves the team\'s content unchanged', () => {
  const a = one(
    plan({ 'tests/a.py': { content: 'x\n', policy: 'create-once' } }, { 'tests/a.py': { content: 'team\n' } }, { 'tests/b.py': { content: 'new template\n', policy: 'create-once' } }, { renames: new Map([['tests/a.py', 'tests/b.py']]) }),
    'tests/b.py',
  );
  assert.is(a.action, 'rename');
  assert.is(a.write?.content.toString(), 'team\n');
});

t('a file the team keeps with CRLF endings is merged on its lines and keeps CRLF (markers too, as git writes them)', () => {
  // Measured before: a 1.0.0 service whose .gitignore had been saved with CRLF (and committed so) got one conflict
  // over the whole file on update to 1.3.0, with LF marker lines in a CRLF file.
  const crlf = (s: string) => s.replace(/\n/g, '\r\n');
  const base = { f: { content: 'a\nb\nc\nd\ne\n' } };
  // not edited beyond the endings: the template's change, with CRLF
  const upd = one(plan(base, { f: { content: crlf('a\nb\nc\nd\ne\n') } }, { f: { content: 'a\nB\nc\nd\ne\n' } }), 'f');
  assert.is(upd.action, 'update');
  assert.is(upd.write?.content.toString(), crlf('a\nB\nc\nd\ne\n'));
  assert.is(upd.before?.toString(), crlf('a\nb\nc\nd\ne\n'));
  // edited: a clean merge, CRLF
  const merged = one(plan(base, { f: { content: crlf('a\nb\nc\nd\ne\nmine\n') } }, { f: { content: 'A\nb\nc\nd\ne\n' } }), 'f');
  assert.is(merged.action, 'merge');
  assert.is(merged.write?.content.toString(), crlf('A\nb\nc\nd\ne\nmine\n'));
  // the same lines changed: one conflict on that line only, CRLF throughout; stage 2 is the file as it was
  const conflict = one(plan(base, { f: { content: crlf('a\nmine\nc\nd\ne\n') } }, { f: { content: 'a\ntheirs\nc\nd\ne\n' } }), 'f');
  assert.is(conflict.action, 'conflict');
  assert.is(conflict.conflicts, 1);
  assert.is(conflict.write?.content.toString(), crlf('a\n<<<<<<< yours\nmine\n=======\ntheirs\n>>>>>>> templates 2.0.0\nc\nd\ne\n'));
  assert.is(conflict.stages?.ours.content.toString(), crlf('a\nmine\nc\nd\ne\n'));
  assert.is(conflict.stages?.theirs.content.toString(), 'a\ntheirs\nc\nd\ne\n');
  const rej = one(plan(base, { f: { content: crlf('a\nmine\nc\nd\ne\n') } }, { f: { content: 'a\ntheirs\nc\nd\ne\n' } }, { conflictStyle: 'rej' }), 'f');
  assert.is(rej.write?.content.toString(), crlf('a\nmine\nc\nd\ne\n'));
  assert.ok(rej.rej && !/[^\r]\n/.test(rej.rej.content.toString()), 'the .rej has CRLF too');
  // already the template's lines: nothing to write, the endings stay
  const same = one(plan(base, { f: { content: crlf('a\nB\nc\nd\ne\n') } }, { f: { content: 'a\nB\nc\nd\ne\n' } }), 'f');
  assert.is(same.action, 'unchanged');
  assert.is(same.write, undefined);
  // mixed endings are bytes like any other: not converted
  const mixed = one(plan(base, { f: { content: 'a\r\nb\nc\nd\ne\n' } }, { f: { content: 'a\nb\nc\nd\nE\n' } }), 'f');
  assert.is(mixed.write?.content.toString(), 'a\r\nb\nc\nd\nE\n');
});

t('the user deleted a file the template renames: not re-created under its new name (unless its entry says restore)', () => {
  // Measured on a 1.0.0 service whose team had moved CONTRIBUTING.md away: update to 1.3.0 added
  // docs/CONTRIBUTING.md as 'new in templates 1.3.0' (1.1.0 renamed the file there).
  const renames = { renames: new Map([['old.md', 'new.md']]) };
  for (const theirs of ['title\n', 'TITLE\n']) {
    const actions = plan({ 'old.md': { content: 'title\n' } }, {}, { 'new.md': { content: theirs } }, renames);
    const a = one(actions, 'new.md');
    assert.ok(a.action === 'unchanged' || a.action === 'skip', a.action);
    assert.is(a.write, undefined);
    assert.match(a.reason, /you deleted old\.md, which templates 2\.0\.0 renamed to new\.md; not re-created/);
    assert.not.ok(actions.some((x) => x.write || x.remove));
  }
  const restored = one(plan({ 'old.md': { content: 'title\n' } }, {}, { 'new.md': { content: 'TITLE\n' } }, { ...renames, restore: new Set(['new.md']) }), 'new.md');
  assert.is(restored.action, 'add');
  assert.is(restored.write?.content.toString(), 'TITLE\n');
});

t('the user deleted a template file: not resurrected, even when the template changed it (unless its entry says restore)', () => {
  assert.is(one(plan({ f: { content: 'a\n' } }, {}, { f: { content: 'a\n' } }), 'f').action, 'unchanged');
  const changed = one(plan({ f: { content: 'a\n' } }, {}, { f: { content: 'b\n' } }), 'f');
  assert.is(changed.action, 'skip');
  assert.is(changed.write, undefined);
  assert.is(one(plan({ f: { content: 'a\n' } }, {}, { f: { content: 'b\n' } }, { restore: new Set(['f']) }), 'f').action, 'add');
});

t('created-once files are the team\'s: never merged, not re-created, kept when the template drops them', () => {
  const base = { s: { content: 'v1\n', policy: 'create-once' as const } };
  assert.is(one(plan(base, { s: { content: 'team\n' } }, { s: { content: 'v2\n', policy: 'create-once' } }), 's').action, 'unchanged');
  assert.is(one(plan(base, {}, { s: { content: 'v2\n', policy: 'create-once' } }), 's').action, 'unchanged');
  assert.is(one(plan(base, { s: { content: 'v1\n' } }, {}), 's').action, 'unchanged');
  // new in the template and already there: yours kept
  assert.is(one(plan({}, { n: { content: 'team\n' } }, { n: { content: 'tpl\n', policy: 'create-once' } }), 'n').action, 'skip');
});

t('executable bits merge three ways: the side that changed the bit wins', () => {
  assert.is(mergeMode(0o644, 0o644, 0o755), 0o755);
  assert.is(mergeMode(0o644, 0o755, 0o644), 0o755);
  assert.is(mergeMode(0o755, 0o644, 0o755), 0o644);
  const a = one(plan({ s: { content: 'x\n' } }, { s: { content: 'x\n' } }, { s: { content: 'x\n', mode: 0o755 } }), 's');
  assert.is(a.action, 'update');
  assert.is(a.write?.mode, 0o755);
  const kept = one(plan({ s: { content: 'x\n', mode: 0o755 } }, { s: { content: 'x\nmine\n', mode: 0o644 } }, { s: { content: 'x\n', mode: 0o755 } }), 's');
  assert.is(kept.action, 'unchanged'); // you dropped the bit, the template did not touch it
});

t('binary files follow whole-file rules: replaced when unmodified, yours kept (stages for both) when both changed', () => {
  const bin = (n: number) => Buffer.from([0, 1, 2, n]);
  assert.is(one(plan({ b: { content: bin(1) } }, { b: { content: bin(1) } }, { b: { content: bin(2) } }), 'b').action, 'update');
  assert.is(one(plan({ b: { content: bin(1) } }, { b: { content: bin(3) } }, { b: { content: bin(1) } }), 'b').action, 'unchanged');
  const c = one(plan({ b: { content: bin(1) } }, { b: { content: bin(3) } }, { b: { content: bin(2) } }), 'b');
  assert.is(c.action, 'conflict');
  assert.ok(c.binary);
  assert.is(c.write, undefined); // the working file stays yours, byte for byte
  assert.equal([...c.stages!.theirs.content], [...bin(2)]);
});

t('a file the user turned into a symlink (or a directory, or under a symlinked parent) is never written', () => {
  for (const ours of ['symlink', 'dir', { blocked: 'its parent debian is a symlink; never written through' }] as const) {
    const a = one(plan({ f: { content: 'a\n' } }, { f: ours }, { f: { content: 'b\n' } }), 'f');
    assert.is(a.action, 'skip', JSON.stringify(ours));
    assert.is(a.write, undefined);
    assert.is(a.remove, undefined);
  }
  const removed = one(plan({ f: { content: 'a\n' } }, { f: 'symlink' }, {}), 'f');
  assert.is(removed.remove, undefined);
});

t('baseline: text round trip is byte-exact, binary goes base64, created-once keeps only a hash, damage is detected', () => {
  const files = [
    { path: 'a.txt', content: B('line\nno newline at end'), mode: 0o644, policy: 'merge' },
    { path: 'bin', content: Buffer.from([0, 255, 10, 0]), mode: 0o755, policy: 'merge' },
    { path: 'latin1', content: Buffer.from([0xe9, 0x0a]), mode: 0o644, policy: 'merge' },
    { path: 'mine.py', content: B('team code\n'), mode: 0o644, policy: 'create-once' },
    { path: 'weird "name"\n', content: B('@@@ {"path":"x"}\n'), mode: 0o644, policy: 'merge' },
  ];
  const text = serializeBaseline('1.2.3', files);
  const b = parseBaseline(text);
  assert.is(b.templateVersion, '1.2.3');
  assert.equal(b.damaged, []);
  for (const f of files) {
    const e = b.entries.get(f.path)!;
    assert.ok(e, f.path);
    assert.is(e.sha256, sha256(f.content));
    assert.is(e.mode, f.mode);
    if (f.policy === 'merge') assert.ok(e.content!.equals(f.content), f.path);
    else assert.is(e.content, undefined);
  }
  assert.match(text.toString('utf8'), /\nline\nno newline at end\n@@@ /); // readable in a review
  const tampered = Buffer.from(text.toString('latin1').replace('line\nno newline', 'LINE\nno newline'), 'latin1');
  assert.equal(parseBaseline(tampered).damaged, ['a.txt']);
});

t.run();
