import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mergeAddAdd, unifiedDiff } from '../../src/deb/merge.js';
import { planDebActions } from '../../src/deb/plan.js';
import type { FilePlan } from '../../src/plan/file-plan.js';
import { tempDir } from '../helpers/tmp.js';
import { toolTest } from '../helpers/tools.js';

const t = suite('deb flow: diff and add/add merge');

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
    const m = mergeAddAdd(ours, theirs, 'f (yours)', 'f (template)');
    assert.ok(m.conflicts > 0);
    const back = resolve(m.text, 'ours');
    // a last line without newline gets one inside a conflict block, as git does
    assert.is(back, ours.endsWith('\n') || ours === '' ? ours : ours + '\n');
    assert.is(resolve(m.text, 'theirs'), theirs);
    assert.match(m.text, /^<<<<<<< f \(yours\)$/m);
    assert.match(m.text, /^>>>>>>> f \(template\)$/m);
  });
}

t('merge of an empty team file takes the template (nothing of the team\'s to keep, as git merge-file does)', () => {
  assert.equal(mergeAddAdd('', 'a\n', 'y', 't'), { text: 'a\n', conflicts: 0 });
});

t('merge keeps the common lines once and marks only the differing regions', () => {
  const m = mergeAddAdd('keep\nmine\nkeep2\n', 'keep\ntheirs\nkeep2\n', 'y', 't');
  assert.is(m.text, 'keep\n<<<<<<< y\nmine\n=======\ntheirs\n>>>>>>> t\nkeep2\n');
  assert.is(m.conflicts, 1);
  assert.is(mergeAddAdd('same\n', 'same\n', 'y', 't').conflicts, 0);
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

t('plan: missing → create, identical → unchanged, different → conflict with the team\'s mode, foreign record → keep', () => {
  const plan: FilePlan = {
    templateVersion: '1.0.0',
    files: [
      { path: '.pyservice.json', content: Buffer.from('{"new":1}\n'), mode: 0o644, policy: 'merge', template: '(record)' },
      { path: 'debian/control', content: Buffer.from('Source: x\n'), mode: 0o644, policy: 'merge', template: 't' },
      { path: 'debian/rules', content: Buffer.from('#!/usr/bin/make -f\nnew\n'), mode: 0o755, policy: 'merge', template: 't' },
      { path: 'debian/source/format', content: Buffer.from('3.0 (native)\n'), mode: 0o644, policy: 'merge', template: 't' },
    ],
  };
  const disk: Record<string, { content: Buffer; mode: number }> = {
    '.pyservice.json': { content: Buffer.from('{"tool":"create-pyservice","origin":"create"}\n'), mode: 0o644 },
    'debian/control': { content: Buffer.from('Source: x\n'), mode: 0o644 },
    'debian/rules': { content: Buffer.from('#!/usr/bin/make -f\nold\n'), mode: 0o700 },
  };
  const actions = planDebActions(plan, (p) => disk[p] ?? null, '.pyservice.json');
  const kinds = Object.fromEntries(actions.map((a) => [a.path, a.kind]));
  assert.equal(kinds, { '.pyservice.json': 'keep', 'debian/control': 'unchanged', 'debian/rules': 'conflict', 'debian/source/format': 'create' });
  const rules = actions.find((a) => a.path === 'debian/rules')!;
  assert.is(rules.mode, 0o700);
  assert.is(rules.conflicts, 1);
  assert.match(rules.diff!, /^-old$/m);
  assert.match(rules.diff!, /^\+new$/m);
  const again = planDebActions(plan, (p) => (p === '.pyservice.json' ? { content: Buffer.from('{"tool":"create-pyservice","origin":"deb"}'), mode: 0o644 } : null), '.pyservice.json');
  assert.is(again.find((a) => a.path === '.pyservice.json')!.kind, 'update');
});

t.run();
