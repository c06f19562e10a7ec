import { isBinary } from '../merge/lines.js';
import { gitConfig } from '../apply/git.js';
import { readOurs } from './worktree.js';

/**
 * Line endings as git checks files out and in. With `core.autocrlf=true` (common on clones made on Windows or
 * shared with it) git stores LF and writes text files to the working tree with CRLF. The templates, the
 * baseline and git's index are LF; comparing the working tree's CRLF bytes with them made every
 * template-changed file a whole-file conflict. So the update reads the working tree in the repository's form
 * (CRLF → LF, text files only, as git's clean step does), plans on that, and writes in the working tree's form
 * (LF → CRLF, as checkout does); conflict stages go to the index in the repository's form.
 *
 * Detection costs nothing on ordinary clones: only when the project's own baseline (written with LF) reads back
 * with CRLF is git asked for core.autocrlf.
 */
export interface CheckoutForm {
  toRepo(content: Buffer): Buffer;
  toWorkTree(content: Buffer): Buffer;
}

const CRLF = Buffer.from('\r\n');

export const CRLF_CHECKOUT: CheckoutForm = {
  toRepo: (b) => (isBinary(b) || !b.includes(CRLF) ? b : Buffer.from(b.toString('latin1').replace(/\r\n/g, '\n'), 'latin1')),
  // git converts only files without a CR of their own in the repository ("safe" autocrlf)
  toWorkTree: (b) => (isBinary(b) || b.includes(13) ? b : Buffer.from(b.toString('latin1').replace(/\n/g, '\r\n'), 'latin1')),
};

/** The working tree's form for this project, or null when it is the repository's (no conversion). */
export async function checkoutForm(projectDir: string, probe: readonly string[]): Promise<CheckoutForm | null> {
  const crlf = probe.some((p) => {
    const st = readOurs(projectDir, p);
    return st.kind === 'file' && st.content.includes(CRLF);
  });
  if (!crlf) return null;
  const v = (await gitConfig('core.autocrlf', projectDir)).toLowerCase();
  return ['true', 'yes', 'on', '1'].includes(v) ? CRLF_CHECKOUT : null;
}
