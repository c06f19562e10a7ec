import { merge3, renderWithMarkers } from '../merge/merge3.js';
import { unifiedDiff as unifiedDiffBuffers } from '../merge/unified.js';

/**
 * The deb flow's view of the shared merge engine (src/merge/), so `pyservice deb --force` and `pyservice update`
 * mark conflicts and show diffs the same way.
 */
export interface MergeResult {
  text: string;
  conflicts: number;
}

/**
 * Merges two versions of a file that both sides created (an empty base, git's add/add): lines common to both are
 * kept once, each region where they differ becomes
 *   <<<<<<< oursLabel / the team's lines / ======= / the template's lines / >>>>>>> theirsLabel
 */
export function mergeAddAdd(ours: string, theirs: string, oursLabel: string, theirsLabel: string): MergeResult {
  const r = merge3(Buffer.alloc(0), Buffer.from(ours, 'utf8'), Buffer.from(theirs, 'utf8'));
  return { text: renderWithMarkers(r, { ours: oursLabel, theirs: theirsLabel }).toString('utf8'), conflicts: r.conflicts };
}

/** A unified diff (`diff -u` style, 3 lines of context) from `a` to `b`; '' when they are equal. */
export function unifiedDiff(a: string, b: string, labelA: string, labelB: string, context = 3): string {
  if (a === b) return '';
  return unifiedDiffBuffers(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'), labelA, labelB, context).toString('utf8');
}
