/**
 * Cases for the update property test (test/update/property.test.ts) and the conflict-rate benchmark
 * (scripts/bench/conflict-rate.mjs): renders of a shipped template version, random user edit scripts, random
 * template changes, and the plan applied in memory. Pure: no disk, no git.
 */
import type { Answers, CiProvider, ProjectType } from '../../src/answers/types.js';
import { defaultAnswers } from '../../src/answers/defaults.js';
import { CI_PROVIDER_IDS, CI_REGISTRY } from '../../src/ci/providers.js';
import { loadManifest, manifestProviders } from '../../src/templates/manifest.js';
import { BASELINE_FILE, planProject, RECORD_FILE, type PlannedFile, type ProjectRecord } from '../../src/plan/file-plan.js';
import { parseBaseline, type BaselineEntry } from '../../src/update/baseline.js';
import { planUpdate, type FileAction, type OursState } from '../../src/update/plan-update.js';
import { renamesBetween } from '../../src/update/gather.js';

export type Files = Map<string, { content: Buffer; mode: 0o644 | 0o755 }>;

/** A project's render at one version: its files (no record, no baseline) and the baseline it commits. */
export interface Render {
  base: Map<string, BaselineEntry>;
  files: PlannedFile[];
  answers: Answers;
}

const renders = new Map<string, Render>();
export function renderAt(version: string, type: ProjectType, ci: CiProvider): Render {
  const key = `${version}/${type}/${ci}`;
  let r = renders.get(key);
  if (!r) {
    const answers: Answers = { ...defaultAnswers({ dirName: 'prop-proj' }), type, ci, author: 'P', email: 'p@example.org' };
    const rec: ProjectRecord = { tool: 'create-pyservice', toolVersion: '0', templateVersion: version, created: '2026-11-22T10:30:00.000Z', origin: 'create', answers };
    const p = planProject(rec);
    const base = parseBaseline(p.files.find((f) => f.path === BASELINE_FILE)!.content).entries;
    r = { base, files: p.files.filter((f) => f.path !== BASELINE_FILE && f.path !== RECORD_FILE), answers };
    renders.set(key, r);
  }
  return r;
}

const lines = (b: Buffer) => b.toString('utf8').split(/(?<=\n)/).filter((l) => l !== '');

/** 1–4 random line inserts, deletes and changes; `tags` receives the lines written that survive. */
export function mutateLines(rand: () => number, content: Buffer, tag: string, tags: string[]): Buffer {
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

export interface Case {
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

export interface CaseOptions {
  /** The version the project was made from, and the real version it updates to (for the 'real' template side). */
  from: string;
  to: string;
  /** Template side: the real `to`, random changes to `from`, or both; by default one of them at random. */
  templateSide?: 'real' | 'random' | 'both';
  types?: readonly ProjectType[];
  /** Chance that the user leaves the project as generated (default 0.2). */
  noEditChance?: number;
}

/** One random case: a project made from `opts.from`, a random user edit script, and a template side. */
export function makeCase(rand: () => number, id: string, opts: CaseOptions): Case {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  const type = pick(opts.types ?? (['service', 'library'] as const));
  // every provider the `from` version has a pipeline for (registry order), and none
  const shipped = manifestProviders(loadManifest(opts.from)) ?? [];
  const ci = pick(CI_PROVIDER_IDS.filter((id) => CI_REGISTRY[id].file === null || shipped.includes(id)));
  const v1 = renderAt(opts.from, type, ci);

  // Template side: the real next version, or random changes to this one, or both.
  const mode = opts.templateSide ?? pick(['real', 'random', 'both'] as const);
  let theirs = (mode === 'random' ? v1.files : renderAt(opts.to, type, ci).files).map((f) => ({ ...f }));
  const renames = mode === 'random' ? new Map<string, string>() : renamesBetween(opts.from, opts.to, v1.answers);
  if (mode !== 'real') {
    const throwaway: string[] = [];
    for (const f of theirs) if (f.policy === 'merge' && rand() < 0.3) f.content = mutateLines(rand, f.content, `template-${id}`, throwaway);
    if (rand() < 0.3) theirs = theirs.filter((f) => f !== pick(theirs.filter((x) => x.policy === 'merge')));
    if (rand() < 0.3) theirs.push({ path: `added-by-template-${id}.txt`, content: Buffer.from('new\nfile\n'), mode: 0o644, policy: 'merge', template: 'x' });
  }

  // User side: the generated project, then a random edit script.
  const ours: Files = new Map(v1.files.map((f) => [f.path, { content: f.content, mode: f.mode }]));
  const userLines = new Map<string, string[]>();
  const userRenamed = new Map<string, string>();
  const userAdded = new Set<string>();
  const userDeleted = new Set<string>();
  const edited = new Set<string>();
  const noEdits = rand() < (opts.noEditChance ?? 0.2);
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
  return { base: v1.base, theirs, ours, renames, userLines, userRenamed, userAdded, userDeleted, edited };
}

/** The update plan of a case (in memory, conflicts marked inline). */
export function planCase(c: Case, templateVersion: string): FileAction[] {
  const ours = (p: string): OursState => {
    const f = c.ours.get(p);
    return f ? { kind: 'file', content: f.content, mode: f.mode } : { kind: 'missing' };
  };
  return planUpdate({ templateVersion, base: c.base, theirs: c.theirs, ours, renames: c.renames, conflictStyle: 'inline' });
}

/** The project after the plan's writes and removals. */
export function applyActions(c: Case, actions: FileAction[]): Files {
  const out: Files = new Map([...c.ours].map(([k, v]) => [k, { ...v }]));
  for (const a of actions) {
    for (const r of a.remove ?? []) out.delete(r.path);
    if (a.write) out.set(a.path, { ...a.write });
  }
  return out;
}

/**
 * The edit pair teams meet most (issue 10): the team appends a target to the Makefile it owns while the templates
 * append one to the makefile they own — the same file up to 1.1.0, pyservice.mk from 1.2.0 — and the same for
 * debian/rules (debian/pyservice.mk from 1.2.0) where the project has one.
 */
export function appendPairCase(version: string, type: ProjectType, ci: CiProvider): Case {
  const r = renderAt(version, type, ci);
  const has = (p: string) => r.files.some((f) => f.path === p);
  const owned = (team: string, tool: string) => (has(tool) ? tool : team);
  const pairs: [team: string, tool: string, teamText: string, toolText: string][] = [
    ['Makefile', owned('Makefile', 'pyservice.mk'), '\nsmoke: ## Our smoke test\n\t./scripts/smoke.sh\n', '\naudit: venv ## Audit the dependencies\n\t$(VENV)/bin/python -m pip check\n'],
  ];
  if (has('debian/rules')) {
    pairs.push(['debian/rules', owned('debian/rules', 'debian/pyservice.mk'), '\noverride_dh_installsystemd:\n\tdh_installsystemd --no-restart-after-upgrade\n', '\noverride_dh_strip_nondeterminism:\n\tdh_strip_nondeterminism\n']);
  }
  const ours: Files = new Map(r.files.map((f) => [f.path, { content: f.content, mode: f.mode }]));
  const theirs = r.files.map((f) => ({ ...f }));
  const edited = new Set<string>();
  const userLines = new Map<string, string[]>();
  for (const [team, tool, teamText, toolText] of pairs) {
    const mine = ours.get(team)!;
    mine.content = Buffer.concat([mine.content, Buffer.from(teamText)]);
    edited.add(team);
    userLines.set(team, teamText.split(/(?<=\n)/).filter((l) => l.trim() !== ''));
    const t = theirs.find((f) => f.path === tool)!;
    t.content = Buffer.concat([t.content, Buffer.from(toolText)]);
  }
  return { base: r.base, theirs, ours, renames: new Map(), userLines, userRenamed: new Map(), userAdded: new Set(), userDeleted: new Set(), edited };
}
