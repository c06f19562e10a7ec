import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toolTest } from '../helpers/tools.js';
import { git, sandbox, teamCreate, teamPyservice, templateRepo } from './team-fixture.js';

/**
 * A team template decides where its files go (manifest paths, renames, {{importName}}). Every planned path is
 * checked once, in the plan, whichever writer (create's staging, update, deb) would write it: relative, no `..`,
 * not absolute, never inside .git.
 */
const t = suite('team templates: a planned path outside the project is refused before anything is written');

/** v1.1.0 extends v1.0.0 and renames `from` to `to`. */
function renaming(repo: string, renames: Record<string, string>): void {
  writeFileSync(join(repo, 'manifest.json'), JSON.stringify({ version: '1.1.0', extends: '1.0.0', files: [], renames }, null, 2));
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'rename');
  git(repo, 'tag', 'v1.1.0');
}

for (const [label, to] of [
  ['a rename into the parent folder', '../escaped.md'],
  ['a rename to an absolute path', '/tmp/pyservice-escaped-abs.md'],
  ['a rename into .git', '.git/hooks/post-checkout'],
  ['a rename into .GIT (case-insensitive file systems)', '.GIT/config'],
] as const) {
  toolTest(t, ['git'], `${label}: create exits 1 naming the path, nothing written anywhere`, () => {
    const sb = sandbox();
    const repo = templateRepo(sb.root);
    renaming(repo.dir, { 'README.md': to });
    const work = join(sb.root, 'work');
    git(sb.root, 'init', '-q', work);
    const r = teamCreate(sb, work, ['svc', '--yes', '--template', repo.url, '--trust']);
    assert.is(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, to);
    assert.match(r.stderr, /plan a file outside the project/);
    assert.not.match(r.stderr, /call stack/);
    assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.equal(readdirSync(work).filter((f) => f !== '.git'), [], 'no project and no staging folder left');
    assert.not.ok(existsSync(join(sb.root, 'escaped.md')));
    assert.not.ok(existsSync('/tmp/pyservice-escaped-abs.md'));
  });
}

toolTest(t, ['git'], 'template check names the bad rename instead of crashing', () => {
  const sb = sandbox();
  const repo = templateRepo(sb.root);
  renaming(repo.dir, { 'README.md': '../escaped.md' });
  const r = teamPyservice(sb, repo.dir, ['template', 'check', '.', '--trust', '--max', '4']);
  assert.is(r.code === 1 || r.code === 2, true, r.stdout + r.stderr);
  assert.match(r.stdout + r.stderr, '../escaped.md');
  assert.not.match(r.stdout + r.stderr, /call stack/);
});

t.run();
