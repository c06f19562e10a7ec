import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultAnswers } from '../../src/answers/defaults.js';
import { serializeBaseline, sha256, type BaselineEntry } from '../../src/update/baseline.js';
import { CRLF_CHECKOUT } from '../../src/update/line-endings.js';
import { BASELINE_FILE, RECORD_FILE, recordContent, type FilePlan, type ProjectRecord } from '../../src/plan/file-plan.js';
import { dirtyCandidates, planRun, withDirty, type RunPlanInput } from '../../src/update/plan-run.js';
import type { OursState } from '../../src/update/plan-update.js';

/**
 * The plan step of `pyservice update` (gather → plan → apply), as a table: the gathered state in (record, render,
 * baseline, working tree, git's view), one plan object out. No disk, no git: the working tree is a map.
 */
const t = suite('update run plan (pure): gathered state → one plan object');
const B = (s: string) => Buffer.from(s, 'utf8');
const ANSWERS = defaultAnswers({ dirName: 'demo-svc' });
const RECORD: ProjectRecord = { tool: 'create-pyservice', toolVersion: '1.0.0', templateVersion: '1.0.0', created: '2026-01-01T00:00:00.000Z', origin: 'create', answers: ANSWERS };

/** A render of `files` at `version` with these answers: the files, then the baseline and record planProject adds. */
function render(files: Record<string, string>, version: string, answers = ANSWERS): FilePlan {
  const rendered = Object.entries(files).map(([path, c]) => ({ path, content: B(c), mode: 0o644 as const, policy: 'merge' as const, template: path }));
  const record = recordContent({ ...RECORD, toolVersion: '9.9.9', templateVersion: version, answers });
  return {
    templateVersion: version,
    files: [...rendered, { path: BASELINE_FILE, content: serializeBaseline(version, rendered), mode: 0o644, policy: 'merge', template: '(baseline)' }, { path: RECORD_FILE, content: record, mode: 0o644, policy: 'merge', template: '(record)' }],
  };
}
function baseOf(files: Record<string, string>): Map<string, BaselineEntry> {
  return new Map(Object.entries(files).map(([path, c]) => [path, { path, mode: 0o644, policy: 'merge', sha256: sha256(B(c)), content: B(c) }]));
}
function diskOf(files: Record<string, string | Buffer>): (p: string) => OursState {
  return (p) => (p in files ? { kind: 'file', content: typeof files[p] === 'string' ? B(files[p] as string) : (files[p] as Buffer), mode: 0o644 } : { kind: 'missing' });
}

interface Case {
  name: string;
  base: Record<string, string>;
  theirs: Record<string, string>;
  disk: Record<string, string>;
  over?: Partial<RunPlanInput>;
  /** The record and baseline on disk: as the base's render (default), or absent. */
  tool?: 'as-base' | 'missing';
  git?: { modified: string[]; tracked: string[] };
  want: { actions: Record<string, string>; upToDate: boolean; toolFiles: string[]; dirty?: string[]; added?: string[]; changed?: string[] };
}

const CASES: Case[] = [
  {
    name: 'nothing changed anywhere: up to date, no tool file rewritten, no git asked',
    base: { Makefile: 'a\n' },
    theirs: { Makefile: 'a\n' },
    disk: { Makefile: 'a\n' },
    want: { actions: { Makefile: 'unchanged' }, upToDate: true, toolFiles: [] },
  },
  {
    name: 'the user\'s own edit and an unchanged template: still up to date',
    base: { Makefile: 'a\n' },
    theirs: { Makefile: 'a\n' },
    disk: { Makefile: 'mine\n' },
    want: { actions: { Makefile: 'unchanged' }, upToDate: true, toolFiles: [] },
  },
  {
    name: 'a template change on an untouched file: updated, baseline and record follow',
    base: { Makefile: 'a\n' },
    theirs: { Makefile: 'b\n' },
    disk: { Makefile: 'a\n' },
    over: { to: '1.1.0' },
    want: { actions: { Makefile: 'update' }, upToDate: false, toolFiles: [BASELINE_FILE, RECORD_FILE] },
  },
  {
    name: 'both changed the same line: a conflict with stages; a new template file is added',
    base: { Makefile: 'a\n' },
    theirs: { Makefile: 'b\n', 'new.txt': 'n\n' },
    disk: { Makefile: 'mine\n' },
    over: { to: '1.1.0' },
    want: { actions: { Makefile: 'conflict', 'new.txt': 'add' }, upToDate: false, toolFiles: [BASELINE_FILE, RECORD_FILE] },
  },
  {
    name: 'dirty: a modified tracked file, and an untracked file where the plan writes; other untracked files do not count',
    base: { Makefile: 'a\n' },
    theirs: { Makefile: 'b\n', 'new.txt': 'n\n' },
    disk: { Makefile: 'a\n', 'new.txt': 'someone\'s\n', 'scratch.txt': 'x\n' },
    over: { to: '1.1.0' },
    git: { modified: ['src/app.py'], tracked: ['Makefile', BASELINE_FILE, RECORD_FILE] },
    want: { actions: { Makefile: 'update', 'new.txt': 'conflict' }, upToDate: false, toolFiles: [BASELINE_FILE, RECORD_FILE], dirty: ['src/app.py (modified)', 'new.txt (untracked; the update would write it)'] },
  },
  {
    name: 'a file the templates dropped: removed by update, left alone by deb (never deletes)',
    base: { Makefile: 'a\n', 'old.cfg': 'o\n' },
    theirs: { Makefile: 'a\n' },
    disk: { Makefile: 'a\n', 'old.cfg': 'o\n' },
    over: { to: '1.1.0', command: 'deb', neverDelete: true },
    want: { actions: { Makefile: 'unchanged', 'old.cfg': 'skip' }, upToDate: false, toolFiles: [BASELINE_FILE, RECORD_FILE] },
  },
  {
    name: 'the same dropped file under update: removed',
    base: { Makefile: 'a\n', 'old.cfg': 'o\n' },
    theirs: { Makefile: 'a\n' },
    disk: { Makefile: 'a\n', 'old.cfg': 'o\n' },
    over: { to: '1.1.0' },
    want: { actions: { Makefile: 'unchanged', 'old.cfg': 'remove' }, upToDate: false, toolFiles: [BASELINE_FILE, RECORD_FILE] },
  },
  {
    name: 'answers: a changed flag and a new question\'s default are reported',
    base: { Makefile: 'a\n' },
    theirs: { Makefile: 'a\n' },
    disk: { Makefile: 'a\n' },
    over: { answers: { ...ANSWERS, ci: 'gitlab', pythonMinimum: '3.11' }, newQuestions: { pythonMinimum: { message: 'q', default: '3.11' } } },
    want: { actions: { Makefile: 'unchanged' }, upToDate: false, toolFiles: [RECORD_FILE], added: ['pythonMinimum'], changed: ['ci'] },
  },
  {
    name: 'another command\'s record and baseline (deb over a created project): never in the plan',
    base: { Makefile: 'a\n' },
    theirs: { Makefile: 'b\n' },
    disk: { Makefile: 'a\n' },
    over: { to: '1.1.0', ownsToolFiles: false },
    want: { actions: { Makefile: 'update' }, upToDate: false, toolFiles: [] },
  },
];

for (const c of CASES) {
  t(c.name, () => {
    const answers = c.over?.answers ?? ANSWERS;
    const to = c.over?.to ?? '1.0.0';
    const old = render(c.base, '1.0.0');
    const tool = c.tool === 'missing' ? {} : Object.fromEntries(old.files.filter((f) => f.path === BASELINE_FILE || f.path === RECORD_FILE).map((f) => [f.path, f.content.toString('utf8')]));
    const disk = diskOf({ ...c.disk, ...tool });
    const theirs = render(c.theirs, to, answers);
    const input: RunPlanInput = {
      command: 'update', from: '1.0.0', to, origin: 'create', record: { ...RECORD, toolVersion: '9.9.9' }, answers, newQuestions: {}, theirs, base: baseOf(c.base),
      baselineSource: 'recorded', warnings: [], disk, form: null, renames: new Map(), restore: new Set(), conflictStyle: 'inline', ownsToolFiles: true, neverDelete: false,
      ...c.over,
    };
    let plan = planRun(input);
    if (c.git) plan = withDirty(plan, { modified: c.git.modified, tracked: new Set(c.git.tracked), sparse: new Set() }, disk);
    assert.equal(Object.fromEntries(plan.actions.map((a) => [a.path, a.action])), c.want.actions);
    assert.is(plan.upToDate, c.want.upToDate);
    assert.equal(plan.toolFiles.filter((f) => f.changed).map((f) => f.path), c.want.toolFiles);
    assert.equal(plan.dirty, c.want.dirty ?? []);
    assert.equal(Object.keys(plan.answers.added), c.want.added ?? []);
    assert.equal(Object.keys(plan.answers.changed), c.want.changed ?? []);
    for (const a of plan.actions) if (a.action === 'conflict') assert.ok(a.stages?.ours && a.stages.theirs, `${a.path}: no stages`);
    // What the tool files become is exactly the render (the journal writes these bytes).
    for (const f of plan.toolFiles) assert.ok(f.content.equals(theirs.files.find((x) => x.path === f.path)!.content), f.path);
  });
}

t('a record that differs only in toolVersion is not a change; the candidates for git cover every written path and its .rej', () => {
  const files = { Makefile: 'a\n' };
  const old = render(files, '1.0.0');
  const record = recordContent({ ...RECORD, toolVersion: '0.0.1' });
  const baseline = old.files.find((f) => f.path === BASELINE_FILE)!.content;
  const plan = planRun({
    command: 'update', from: '1.0.0', to: '1.0.0', origin: 'create', record: RECORD, answers: ANSWERS, newQuestions: {}, theirs: render(files, '1.0.0'), base: baseOf(files),
    baselineSource: 'recorded', warnings: [], disk: diskOf({ ...files, [RECORD_FILE]: record, [BASELINE_FILE]: baseline }), form: null, renames: new Map(), restore: new Set(), conflictStyle: 'inline', ownsToolFiles: true, neverDelete: false,
  });
  assert.ok(plan.upToDate);
  assert.equal(dirtyCandidates(render({ Makefile: 'a\n', 'x/y': 'z\n' }, '1.1.0'), baseOf({ 'gone.txt': 'g\n' })), [BASELINE_FILE, RECORD_FILE, 'Makefile', 'Makefile.rej', 'gone.txt', 'gone.txt.rej', 'x/y', 'x/y.rej']);
});

t('core.autocrlf clones: planned on LF, written with CRLF, "before" is the bytes on disk', () => {
  const files = { Makefile: 'a\nb\n' };
  const old = render(files, '1.0.0');
  const crlf = (s: string) => B(s.replace(/\n/g, '\r\n'));
  const disk = diskOf({ Makefile: crlf('a\nb\n'), [BASELINE_FILE]: crlf(old.files.find((f) => f.path === BASELINE_FILE)!.content.toString()), [RECORD_FILE]: crlf(old.files.find((f) => f.path === RECORD_FILE)!.content.toString()) });
  const plan = planRun({
    command: 'update', from: '1.0.0', to: '1.1.0', origin: 'create', record: RECORD, answers: ANSWERS, newQuestions: {}, theirs: render({ Makefile: 'a\nB\n' }, '1.1.0'), base: baseOf(files),
    baselineSource: 'recorded', warnings: [], disk, form: CRLF_CHECKOUT, renames: new Map(), restore: new Set(), conflictStyle: 'inline', ownsToolFiles: true, neverDelete: false,
  });
  const a = plan.actions.find((x) => x.path === 'Makefile')!;
  assert.is(a.action, 'update');
  assert.is(a.write!.content.toString(), 'a\r\nB\r\n');
  assert.is(a.before!.toString(), 'a\r\nb\r\n');
});

t.run();
