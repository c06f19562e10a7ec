import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { pyservice } from '../helpers/cli.js';
import { toolTest } from '../helpers/tools.js';
import { latestTemplateVersion } from '../../src/templates/manifest.js';
import { CRLF_CHECKOUT } from '../../src/update/line-endings.js';
import { commitAll, git, oldProject } from './fixtures.js';

/**
 * A clone with core.autocrlf=true has CRLF in the working tree and LF in git. The update must compare content
 * as git checks it in: the same plan as on an LF clone (no whole-file conflicts), files written with CRLF,
 * git's index in LF, and nothing left that `git diff` shows.
 */
const t = suite('pyservice update on a core.autocrlf=true clone');
const env = { NO_COLOR: '1', GIT_AUTHOR_NAME: 'T', GIT_AUTHOR_EMAIL: 't@example.org', GIT_COMMITTER_NAME: 'T', GIT_COMMITTER_EMAIL: 't@example.org' };

t('the conversion is git\'s: text only, LF ↔ CRLF, files with a CR of their own left alone', () => {
  assert.is(CRLF_CHECKOUT.toRepo(Buffer.from('a\r\nb\r\n')).toString(), 'a\nb\n');
  assert.is(CRLF_CHECKOUT.toWorkTree(Buffer.from('a\nb\n')).toString(), 'a\r\nb\r\n');
  assert.is(CRLF_CHECKOUT.toWorkTree(Buffer.from('a\rb\n')).toString(), 'a\rb\n');
  const bin = Buffer.from([0, 10, 13, 10]);
  assert.ok(CRLF_CHECKOUT.toRepo(bin).equals(bin) && CRLF_CHECKOUT.toWorkTree(bin).equals(bin));
});

async function projectPair(edit: (dir: string, eol: string) => void): Promise<{ lf: string; crlf: string }> {
  const lf = await oldProject();
  const crlf = join(lf + '-crlf');
  execFileSync('git', ['clone', '-q', '-c', 'core.autocrlf=true', lf, crlf]);
  edit(lf, '\n');
  edit(crlf, '\r\n');
  commitAll(lf, 'edit');
  commitAll(crlf, 'edit');
  return { lf, crlf };
}

toolTest(t, ['git'], 'the same plan as an LF clone; CRLF in the working tree, LF in the index, git diff clean', async () => {
  const { lf, crlf } = await projectPair((dir, eol) => {
    const p = join(dir, '.gitignore');
    writeFileSync(p, `# team${eol}notes/${eol}` + readFileSync(p, 'utf8'));
  });
  assert.match(readFileSync(join(crlf, 'Makefile'), 'latin1'), /\r\n/, 'the clone has CRLF files');
  const a = JSON.parse(pyservice(['update', '--json'], { cwd: lf, env }).stdout);
  const b = JSON.parse(pyservice(['update', '--json'], { cwd: crlf, env }).stdout);
  assert.equal(b.files, a.files, 'same actions and reasons');
  assert.is(b.summary.conflicted, a.summary.conflicted);
  const r = pyservice(['update'], { cwd: crlf, env });
  assert.is(r.code, 0, r.stderr);
  assert.is(JSON.parse(readFileSync(join(crlf, '.pyservice.json'), 'utf8')).templateVersion, latestTemplateVersion());
  assert.is(git(crlf, 'diff'), '', 'the working tree matches the index as git sees it');
  assert.match(readFileSync(join(crlf, 'Makefile'), 'latin1'), /\r\n/);
  assert.match(readFileSync(join(crlf, '.gitignore'), 'latin1'), /^# team\r\nnotes\/\r\n/);
  assert.not.match(git(crlf, 'show', ':Makefile'), /\r/, 'the index holds LF');
  pyservice(['update'], { cwd: lf, env });
  assert.is(git(crlf, 'diff', '--cached', '--stat', '--', '.', ':!.pyservice.json'), git(lf, 'diff', '--cached', '--stat', '--', '.', ':!.pyservice.json'));
  commitAll(crlf, 'updated');
  const again = pyservice(['update'], { cwd: crlf, env });
  assert.match(again.stdout, /Already up to date/);
});

t.run();
