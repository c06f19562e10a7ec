import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { unifiedDiff } from '../../src/deb/merge.js';
import { planDeb } from '../../src/deb/plan.js';
import { defaultAnswers } from '../../src/answers/defaults.js';
import { sha256, type BaselineEntry } from '../../src/update/baseline.js';
import type { OursState } from '../../src/update/plan-update.js';
import type { FilePlan, ProjectRecord } from '../../src/plan/file-plan.js';
import { tempDir } from '../helpers/tmp.js';
import { toolTest } from '../helpers/tools.js';

const t = suite('deb flow: diff, and the deb plan (pure; update\'s planner and vocabulary)');
const B = (s: string) => Buffer.from(s, 'utf8');
const ANSWERS = defaultAnswers({ dirName: 'x' });

/** The deb plan of one debian/ file against the team's file, without an earlier deb run (no base: both added). */
function addAdd(ours: string, theirs: string) {
  const plan = planDeb({
    theirs: { templateVersion: '9.9.9', files: [{ path: 'debian/f', content: B(theirs), mode: 0o644, policy: 'merge', template: 't' }, ...TOOL] },
    answers: ANSWERS,
    recordBytes: null,
    earlier: null,
    base: null,
    baselineSource: 'none',
    warnings: [],
    disk: (p) => (p === 'debian/f' ? { kind: 'file', content: B(ours), mode: 0o644 } : { kind: 'missing' }),
  });
  const a = plan.actions.find((x) => x.path === 'debian/f')!;
  return { text: a.write?.content.toString('utf8') ?? ours, conflicts: a.conflicts ?? 0, action: a.action };
}
const TOOL: FilePlan['files'] = [
  { path: '.pyservice.baseline', content: B('baseline\n'), mode: 0o644, policy: 'merge', template: '(baseline)' },
  { path: '.pyservice.json', content: B('{"tool":"create-pyservice","origin":"deb"}\n'), mode: 0o644, policy: 'merge', template: '(record)' },
];

/** Resolves every conflict block to one side. */
function resolve(text: string, side: 'ours' | 'theirs'): string {
  return text.replace(/<<<<<<< [^\n]*\n([\s\S]*?)=======\n([\s\S]*?)>>>>>>> [^\n]*\n/g, (_, o: string, th: string) => (side === 'ours' ? o : th));
}

const PAIRS: [string, string, string][] = [
  ['one changed line', 'a\nb\nc\n', 'a\nB\nc\n'],
  ['lines only the team has', 'a\nteam\nb\n', 'a\nb\n'],
  ['lines only the template has', 'a\nb\n', 'a\nnew\nb\n'],
  ['everything different', 'x\ny\n', 'p\nq\nr\n'],
  ['no newline at the end of the team file', 'a\nb', 'a\nc\n'],
  ['several separate changes', 'h\n1\n2\n3\n4\n5\n6\n7\n8\n9\nz\n', 'H\n1\n2\n3\n4\n5\n6\n7\n8\n9\nZ\n'],
];

for (const [name, ours, theirs] of PAIRS) {
  t(`merge (${name}): taking "yours" everywhere gives the team's file, "template" gives the template's`, () => {
    const m = addAdd(ours, theirs);
    assert.ok(m.conflicts > 0);
    assert.is(m.action, 'conflict');
    const back = resolve(m.text, 'ours');
    // a last line without newline gets one inside a conflict block, as git does
    assert.is(back, ours.endsWith('\n') || ours === '' ? ours : ours + '\n');
    assert.is(resolve(m.text, 'theirs'), theirs);
    assert.match(m.text, /^<<<<<<< debian\/f \(yours\)$/m);
    assert.match(m.text, /^>>>>>>> debian\/f \(pyservice deb, templates 9\.9\.9\)$/m);
  });
}

t('merge of an empty team file takes the template (nothing of the team\'s to keep, as git merge-file does)', () => {
  const m = addAdd('', 'a\n');
  assert.equal([m.text, m.conflicts, m.action], ['a\n', 0, 'merge']);
});

t('merge keeps the common lines once and marks only the differing regions', () => {
  const m = addAdd('keep\nmine\nkeep2\n', 'keep\ntheirs\nkeep2\n');
  assert.is(m.text, 'keep\n<<<<<<< debian/f (yours)\nmine\n=======\ntheirs\n>>>>>>> debian/f (pyservice deb, templates 9.9.9)\nkeep2\n');
  assert.is(m.conflicts, 1);
  assert.equal([addAdd('same\n', 'same\n').conflicts, addAdd('same\n', 'same\n').action], [0, 'unchanged']);
});

for (const [name, a, b] of PAIRS) {
  toolTest(t, ['patch'], `unified diff (${name}) applies with patch(1) and gives the new file`, () => {
    const dir = tempDir();
    const file = join(dir, 'f');
    writeFileSync(file, a);
    const diff = unifiedDiff(a, b, 'f', 'f');
    execFileSync('patch', ['-s', '-p0', file], { input: diff, cwd: dir });
    assert.is(readFileSync(file, 'utf8'), b);
  });
}

/** A table of deb plans: the record found, the base, the disk → each path's action (update's vocabulary). */
interface Case {
  name: string;
  record: 'none' | 'create' | 'deb';
  base?: Record<string, string>;
  disk: Record<string, { content: string; mode?: 0o644 | 0o755 } | 'symlink'>;
  want: Record<string, string>;
  tool: 'written' | 'left';
}
const THEIRS: FilePlan = {
  templateVersion: '2.0.0',
  files: [
    { path: 'debian/control', content: B('Source: x\nSection: misc\n'), mode: 0o644, policy: 'merge', template: 't' },
    { path: 'debian/rules', content: B('#!/usr/bin/make -f\nnew\n'), mode: 0o755, policy: 'merge', template: 't' },
    { path: 'debian/source/format', content: B('3.0 (native)\n'), mode: 0o644, policy: 'merge', template: 't' },
    ...TOOL,
  ],
};
const RECORD = (origin: string): ProjectRecord => ({ tool: 'create-pyservice', toolVersion: '0', templateVersion: '1.0.0', created: '2026-01-01T00:00:00.000Z', origin: origin as 'deb', answers: ANSWERS });
const CASES: Case[] = [
  {
    name: 'first run on a bare project: every file added, record and baseline written',
    record: 'none',
    disk: {},
    want: { 'debian/control': 'add', 'debian/rules': 'add', 'debian/source/format': 'add' },
    tool: 'written',
  },
  {
    name: 'hand-written debian/ (no earlier deb run): identical unchanged, different both-added conflict, missing added',
    record: 'none',
    disk: { 'debian/control': { content: 'Source: x\nSection: misc\n' }, 'debian/rules': { content: '#!/usr/bin/make -f\nold\n', mode: 0o755 } },
    want: { 'debian/control': 'unchanged', 'debian/rules': 'conflict', 'debian/source/format': 'add' },
    tool: 'written',
  },
  {
    name: 'a project create-pyservice made: its record and baseline are left alone',
    record: 'create',
    disk: { 'debian/control': { content: 'Source: x\nSection: misc\n' } },
    want: { 'debian/control': 'unchanged', 'debian/rules': 'add', 'debian/source/format': 'add' },
    tool: 'left',
  },
  {
    name: 'after an earlier deb run: the team\'s own edit stays, the template\'s change comes in, both on one line conflict',
    record: 'deb',
    base: { 'debian/control': 'Source: x\nSection: old\n', 'debian/rules': '#!/usr/bin/make -f\nold\n', 'debian/source/format': '3.0 (native)\n' },
    disk: {
      'debian/control': { content: 'Source: x\nSection: team\n' },
      'debian/rules': { content: '#!/usr/bin/make -f\nold\n', mode: 0o755 },
      'debian/source/format': { content: '3.0 (native)\n# team note\n' },
    },
    want: { 'debian/control': 'conflict', 'debian/rules': 'update', 'debian/source/format': 'unchanged' },
    tool: 'written',
  },
  {
    name: 'a file the templates no longer ship is never deleted, even unchanged',
    record: 'deb',
    base: { 'debian/control': 'Source: x\nSection: misc\n', 'debian/old.service': '[Unit]\n' },
    disk: { 'debian/control': { content: 'Source: x\nSection: misc\n' }, 'debian/old.service': { content: '[Unit]\n' } },
    want: { 'debian/control': 'unchanged', 'debian/old.service': 'skip', 'debian/rules': 'add', 'debian/source/format': 'add' },
    tool: 'written',
  },
  {
    name: 'a symlink at a planned path is skipped, never written through (the command refuses it)',
    record: 'none',
    disk: { 'debian/control': 'symlink' },
    want: { 'debian/control': 'skip', 'debian/rules': 'add', 'debian/source/format': 'add' },
    tool: 'written',
  },
];

for (const c of CASES) {
  t(`deb plan: ${c.name}`, () => {
    const recordBytes = c.record === 'none' ? null : B(JSON.stringify(RECORD(c.record)));
    const base = c.base ? new Map(Object.entries(c.base).map(([path, content]): [string, BaselineEntry] => [path, { path, mode: path === 'debian/rules' ? 0o755 : 0o644, policy: 'merge', sha256: sha256(B(content)), content: B(content) }])) : null;
    const disk = (p: string): OursState => {
      const d = c.disk[p];
      if (d === undefined) return { kind: 'missing' };
      if (d === 'symlink') return { kind: 'symlink' };
      return { kind: 'file', content: B(d.content), mode: d.mode ?? 0o644 };
    };
    const plan = planDeb({ theirs: THEIRS, answers: ANSWERS, recordBytes, earlier: c.record === 'deb' ? RECORD('deb') : null, base, baselineSource: base ? 'recorded' : 'none', warnings: [], disk });
    assert.equal(Object.fromEntries(plan.actions.map((a) => [a.path, a.action])), c.want);
    assert.ok(plan.actions.every((a) => !a.remove?.length), 'deb removes nothing');
    assert.is(plan.toolFiles.length > 0, c.tool === 'written');
    const conflict = plan.actions.find((a) => a.action === 'conflict');
    if (conflict) {
      // stages as git merge leaves them: 1 (base) only when there was a base
      assert.is(Boolean(conflict.stages?.base), c.record === 'deb');
      assert.ok(conflict.stages?.ours && conflict.stages.theirs);
      assert.match(conflict.write!.content.toString(), new RegExp(`^<<<<<<< ${conflict.path.replace('/', '\\/')} \\(yours\\)$`, 'm'));
      // the team's mode is kept
      assert.is(conflict.write!.mode, (disk(conflict.path) as { mode: number }).mode);
    }
  });
}

t.run();
