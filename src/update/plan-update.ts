import type { ConflictStages, FileAction, FileActionKind, Mode, OursState, PlannedFile } from '../types.js';

export type { ConflictStages, FileAction, FileActionKind, Mode, OursState };
import { isBinary } from '../merge/lines.js';
import { merge3, renderSide, renderWithMarkers } from '../merge/merge3.js';
import { unifiedDiff } from '../merge/unified.js';
import { sha256, type BaselineEntry } from './baseline.js';
import { handOver, includedPath as includedPathOf } from './handover.js';

/**
 * The update plan: for every file the old or the new template knows, what `pyservice update` does and why.
 * Pure — inputs are the baseline (base), the files as they are now (ours) and the new render (theirs);
 * the result says what to write, delete and record in git's index. Nothing here touches the disk.
 */

export interface UpdateInputs {
  templateVersion: string;
  /** The version the baseline was rendered from; the same as templateVersion when only answers changed (`--ci`). */
  fromVersion?: string | null;
  /** What the templates rendered last time, by path; null when there is no baseline (adopting a repository). */
  base: ReadonlyMap<string, BaselineEntry> | null;
  /** The new render (without the record and the baseline, which the caller writes itself). */
  theirs: readonly PlannedFile[];
  ours: (path: string) => OursState;
  /** Destination renames between the two versions, old path → new path, already resolved for these answers. */
  renames: ReadonlyMap<string, string>;
  /** Paths whose manifest entry says a deleted file is re-created. */
  restore?: ReadonlySet<string>;
  conflictStyle: 'inline' | 'rej';
  /** The conflict markers' labels (default: "yours" and "templates <version>"). */
  markerLabels?: (path: string) => { ours: string; theirs: string };
}

export function planUpdate(inp: UpdateInputs): FileAction[] {
  const theirs = new Map(inp.theirs.map((f) => [f.path, f]));
  const base = inp.base ?? new Map<string, BaselineEntry>();
  const actions: FileAction[] = [];
  const handled = new Set<string>();

  // Renames first: the file moves, and the team's edits move with it.
  for (const [oldPath, newPath] of inp.renames) {
    const b = base.get(oldPath);
    const t = theirs.get(newPath);
    if (!b || !t || base.has(newPath) || theirs.has(oldPath)) continue;
    const oldOurs = inp.ours(oldPath);
    const newOurs = inp.ours(newPath);
    if (oldOurs.kind === 'missing' && newOurs.kind === 'missing') {
      // The team deleted (or moved away) the file the templates now rename: it stays deleted under its new name,
      // by the rules of a deleted file (a restore entry re-creates it); not "new in templates X".
      handled.add(oldPath);
      handled.add(newPath);
      const a = decide(newPath, b, newOurs, t, inp);
      actions.push(a.action === 'add' ? a : { ...a, reason: `you deleted ${oldPath}, which templates ${inp.templateVersion} renamed to ${newPath}; not re-created` });
      continue;
    }
    if (oldOurs.kind !== 'file' || newOurs.kind !== 'missing') continue; // fall back to remove + add rules
    handled.add(oldPath);
    handled.add(newPath);
    const a = decide(newPath, b, oldOurs, t, inp);
    const act: FileAction = { ...a, from: oldPath, before: null, remove: [{ path: oldPath, before: oldOurs.content }] };
    if (!act.write) act.write = { content: oldOurs.content, mode: oldOurs.mode };
    if (act.action === 'unchanged' || act.action === 'update' || act.action === 'merge') {
      act.reason = `renamed by templates ${inp.templateVersion} from ${oldPath}` + (act.action === 'unchanged' ? '' : `; ${act.reason}`);
      act.action = 'rename';
    } else if (act.action === 'skip') {
      // create-once: the team's file, moved as it is
      act.action = 'rename';
      act.reason = `renamed by templates ${inp.templateVersion} from ${oldPath}; content is yours, unchanged`;
      act.write = { content: oldOurs.content, mode: oldOurs.mode };
    }
    actions.push(act);
  }

  const paths = [...new Set([...base.keys(), ...theirs.keys()])].filter((p) => !handled.has(p)).sort();
  for (const path of paths) actions.push(decide(path, base.get(path), inp.ours(path), theirs.get(path), inp));
  return actions.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
}

const labelOurs = 'yours';

/** The render of the file a handover anchor (`include FILE`) includes, when the render has it. */
function includedOf(anchor: string, theirs: readonly PlannedFile[]): Buffer | undefined {
  const p = includedPathOf(anchor);
  return p === undefined ? undefined : theirs.find((f) => f.path === p)?.content;
}

function decide(path: string, b: BaselineEntry | undefined, o: OursState, t: PlannedFile | undefined, inp: UpdateInputs): FileAction {
  // A file the team keeps with CRLF line endings (committed so; core.autocrlf is the checkout form's) is planned
  // on its lines, and what is written keeps its line endings: converting the file was not a change to every line.
  if (t && o.kind === 'file' && crlfOnly(o.content) && !t.content.includes(CRLF) && !(b?.content?.includes(CRLF) ?? false)) {
    const a = decideOn(path, b, { ...o, content: lfOf(o.content) }, t, inp);
    return {
      ...a,
      before: o.content,
      ...(a.write ? { write: { ...a.write, content: crlfOf(a.write.content) } } : {}),
      ...(a.rej ? { rej: { ...a.rej, content: crlfOf(a.rej.content) } } : {}),
      ...(a.stages ? { stages: { ...a.stages, ours: { ...a.stages.ours, content: o.content } } } : {}),
    };
  }
  return decideOn(path, b, o, t, inp);
}

const CRLF = Buffer.from('\r\n');

/** Text whose every line ends with CRLF (at least one line), as a Windows editor saves it. */
function crlfOnly(b: Buffer): boolean {
  if (isBinary(b)) return false;
  let lines = 0;
  for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, i + 1)) {
    if (i === 0 || b[i - 1] !== 13) return false;
    lines++;
  }
  return lines > 0;
}

const lfOf = (b: Buffer) => Buffer.from(b.toString('latin1').replace(/\r\n/g, '\n'), 'latin1');
const crlfOf = (b: Buffer) => Buffer.from(b.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');

function decideOn(path: string, b: BaselineEntry | undefined, o: OursState, t: PlannedFile | undefined, inp: UpdateInputs): FileAction {
  const before = o.kind === 'file' ? o.content : null;
  const act = (action: FileActionKind, reason: string, extra: Partial<FileAction> = {}): FileAction => ({ path, action, reason, before, ...extra });
  const v = inp.templateVersion;
  // With the same version on both sides the answers made the difference (`update --ci github`), not the templates
  const answersOnly = inp.fromVersion === v;
  const gone = answersOnly ? 'no longer rendered for these answers' : `no longer in templates ${v}`;

  if (!t) {
    // The template no longer ships this file.
    if (!b) return act('unchanged', 'not a template file');
    if (b.policy === 'create-once') return act('unchanged', `${gone}; yours (created once), kept`);
    if (o.kind === 'missing') return act('unchanged', `${gone}; already gone`);
    if (o.kind !== 'file') return act('skip', `${gone}, but it is ${describe(o)}; left alone`);
    // Only the recorded render proves the file was the template's: a hash-only entry (the form the baseline keeps
    // for files created once) proves nothing about a file the templates never shipped, so it is never deleted.
    if (!b.content) return act('skip', `${gone}, but the baseline keeps only its hash, which cannot prove it was the template's; kept`);
    if (b.content.equals(o.content) && o.mode === b.mode)
      return act('remove', `${gone}; you had not changed it`, { remove: [{ path, before: o.content }] });
    return act('skip', `${gone}, but you changed it; kept`);
  }

  const tMode = t.mode;
  const templateChanged = !b || b.sha256 !== sha256(t.content) || b.mode !== tMode;

  if (b && b.policy === 'merge' && t.policy === 'create-once' && t.handover !== undefined && o.kind === 'file') {
    // The template hands the file over to the team: the new short file, with the team's edits carried into it.
    const base = baseContent(b, o);
    if (base !== undefined) {
      const included = includedOf(t.handover, inp.theirs);
      const includedPath = includedPathOf(t.handover);
      const h = handOver(base, o.content, t.content, t.handover, included);
      const kept = h.carried ? `; your ${h.carried} added or changed line(s) carried over` : '';
      const lost = h.dropped ? `; ${h.dropped} template line(s) you had deleted are back in the tool-owned file` : '';
      const moved = `yours from templates ${v} on (the template's part moved out)${kept}${lost}`;
      if (!h.overridden.length) return act('update', moved, { write: { content: h.content, mode: o.mode } });
      // Your changed rule would replace the tool-owned file's new one (make only warns): both changed it, so it conflicts.
      const names = h.overridden.join(', ');
      const why = `${moved}; your ${names} would override ${includedPath}'s, which templates ${v} changed: keep yours, or delete it to use theirs`;
      const stages: ConflictStages = { ours: { content: h.content, mode: o.mode }, theirs: { content: renderSide(h.result, 'theirs'), mode: o.mode } };
      if (inp.conflictStyle === 'rej')
        return act('conflict', `${why} (${path}.rej)`, {
          write: { content: h.content, mode: o.mode },
          stages,
          conflicts: h.result.conflicts,
          rej: { path: `${path}.rej`, content: unifiedDiff(h.content, stages.theirs.content, `a/${path}`, `b/${path}`) },
        });
      const labels = inp.markerLabels?.(path) ?? { ours: labelOurs, theirs: `templates ${v}` };
      return act('conflict', why, { write: { content: renderWithMarkers(h.result, { ...labels, theirs: `${labels.theirs} (${names} in ${includedPath})` }), mode: o.mode }, stages, conflicts: h.result.conflicts });
    }
  }
  if (b && (b.policy === 'create-once' || t.policy === 'create-once')) return act('unchanged', 'yours (created once)');

  if (o.kind === 'missing') {
    if (!b) return act('add', answersOnly ? 'now rendered for the changed answers' : `new in templates ${v}`, { write: { content: t.content, mode: tMode } });
    if (inp.restore?.has(path)) return act('add', `you deleted it; templates ${v} always restore it`, { write: { content: t.content, mode: tMode } });
    return templateChanged ? act('skip', `you deleted it; templates ${v} changed it, not restored`) : act('unchanged', 'you deleted it');
  }
  if (o.kind !== 'file') return templateChanged || !b ? act('skip', `it is ${describe(o)}; never written through`) : act('unchanged', `it is ${describe(o)}`);

  const policy = b?.policy ?? t.policy;
  if (policy === 'create-once' || t.policy === 'create-once') {
    if (!b && !o.content.equals(t.content)) return act('skip', `yours (created once): kept; templates ${v} would have created it`);
    return act('unchanged', 'yours (created once)');
  }

  const mode = mergeMode(b?.mode, o.mode, tMode);
  const base = b ? baseContent(b, o) : Buffer.alloc(0);
  if (o.content.equals(t.content)) {
    return mode === o.mode ? act('unchanged', 'already as in the template') : act('update', `mode ${mode.toString(8)} from templates ${v}`, { write: { content: o.content, mode } });
  }
  if (base === undefined) {
    // The baseline has only a hash (or a damaged entry) and the file changed since: merge as if both added it.
    return mergeText(path, Buffer.alloc(0), b?.mode, o, t, mode, inp, act, 'the baseline has no content for it; merged as both added');
  }
  if (b && o.content.equals(base)) {
    return act('update', o.mode === mode && !templateChanged ? 'unchanged' : `you had not changed it; now as in templates ${v}`, { write: { content: t.content, mode } });
  }
  if (b && t.content.equals(base)) {
    return mode === o.mode ? act('unchanged', 'changed by you only; kept') : act('update', `mode ${mode.toString(8)} from templates ${v}; your content kept`, { write: { content: o.content, mode } });
  }
  return mergeText(path, base, b?.mode, o, t, mode, inp, act, b ? '' : `you and templates ${v} both added it`);
}

function mergeText(
  path: string,
  base: Buffer,
  baseMode: Mode | undefined,
  o: { content: Buffer; mode: Mode },
  t: PlannedFile,
  mode: Mode,
  inp: UpdateInputs,
  act: (action: FileActionKind, reason: string, extra?: Partial<FileAction>) => FileAction,
  why: string,
): FileAction {
  const v = inp.templateVersion;
  const stages: ConflictStages = { ours: { content: o.content, mode: o.mode }, theirs: { content: t.content, mode: t.mode } };
  if (why === '') stages.base = { content: base, mode: baseMode ?? o.mode };
  if (isBinary(base) || isBinary(o.content) || isBinary(t.content)) {
    return act('conflict', `binary file changed by you and by templates ${v}; yours kept in the file, the template's is stage 3 (git checkout --theirs)`, {
      stages,
      conflicts: 1,
      binary: true,
      write: mode === o.mode ? undefined : { content: o.content, mode },
    });
  }
  const r = merge3(base, o.content, t.content);
  const prefix = why ? `${why}; ` : '';
  if (r.conflicts === 0) return act('merge', `${prefix}your changes and templates ${v}'s merged cleanly`, { write: { content: renderSide(r, 'ours'), mode } });
  const labels = inp.markerLabels?.(path) ?? { ours: labelOurs, theirs: `templates ${v}` };
  if (inp.conflictStyle === 'rej') {
    const kept = renderSide(r, 'ours');
    return act('conflict', `${prefix}${r.conflicts} conflict(s): yours kept in the file, the template's hunks in ${path}.rej`, {
      write: { content: kept, mode },
      stages,
      conflicts: r.conflicts,
      rej: { path: `${path}.rej`, content: unifiedDiff(kept, renderSide(r, 'theirs'), `a/${path}`, `b/${path}`) },
    });
  }
  return act('conflict', `${prefix}${r.conflicts} conflict(s) marked in the file`, { write: { content: renderWithMarkers(r, labels), mode }, stages, conflicts: r.conflicts });
}

/** The base content, recovering it from the working tree when only its hash was kept and the file is unchanged. */
function baseContent(b: BaselineEntry, o: OursState): Buffer | undefined {
  if (b.content) return b.content;
  if (o.kind === 'file' && sha256(o.content) === b.sha256) return o.content;
  return undefined;
}

/** Three-way merge of the executable bit: a side that changed it wins; with two values both sides agree. */
export function mergeMode(base: Mode | undefined, ours: Mode, theirs: Mode): Mode {
  if (base === undefined) return ours;
  return ours === base ? theirs : ours;
}

function describe(o: OursState): string {
  if (o.kind === 'symlink') return 'a symlink';
  if (o.kind === 'not-file') return o.what;
  if (o.kind === 'blocked') return o.reason;
  return 'a file';
}

