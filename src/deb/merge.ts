import { unifiedDiff as unifiedDiffBuffers } from '../merge/unified.js';

/** The deb flow's text view of the shared diff (src/merge/): the preview's diff from the team's file to the template's. */
/** A unified diff (`diff -u` style, 3 lines of context) from `a` to `b`; '' when they are equal. */
export function unifiedDiff(a: string, b: string, labelA: string, labelB: string, context = 3): string {
  if (a === b) return '';
  return unifiedDiffBuffers(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'), labelA, labelB, context).toString('utf8');
}
