import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { appendFileSync, chmodSync, chownSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { toolTest } from '../helpers/tools.js';
import { sandbox, teamCreate, templateRepo, type Sandbox } from './team-fixture.js';

/**
 * Cached template trees are code (ejs runs JavaScript). With XDG_CACHE_HOME on a shared disk, another user who
 * can write into the cache could plant a tree for a public tag commit; a render must never run one. A tree is
 * used only from folders this user owns and no one else can write (as ssh's StrictModes, as the V8 and Python
 * bytecode caches here).
 */
const t = suite('template cache: a tree someone else could have written is never rendered');

const MARK = 'PLANTED-BY-ANOTHER-USER';

function cachedTree(sb: Sandbox): string {
  const base = join(sb.cache, 'create-pyservice', 'templates');
  const [source] = readdirSync(base);
  const trees = join(base, source!, 'trees');
  return join(trees, readdirSync(trees)[0]!);
}

for (const [how, loosen] of [
  ['a tree folder writable by everyone', (dir: string) => chmodSync(dir, 0o777)],
  ['a tree folder that belongs to another user', (dir: string) => chownSync(dir, 1000, 1000)],
  ['a cache folder writable by everyone', (dir: string) => chmodSync(join(dir, '..', '..'), 0o777)],
] as const) {
  toolTest(t, ['git'], `${how}: create refuses it (exit 1, naming the cache), the planted file is not rendered`, () => {
    if (how.includes('another user') && process.getuid?.() !== 0) return; // chown needs root
    const sb = sandbox();
    const repo = templateRepo(sb.root);
    const first = teamCreate(sb, sb.root, ['one', '--yes', '--no-git', '--template', repo.url, '--trust']);
    assert.is(first.code, 0, first.stderr);
    const tree = cachedTree(sb);
    const again = teamCreate(sb, sb.root, ['two', '--yes', '--no-git', '--template', repo.url]);
    assert.is(again.code, 0, `a private cache is used as before: ${again.stderr}`);
    appendFileSync(join(tree, 'project', 'README.md.ejs'), `\n${MARK}\n`);
    loosen(tree);
    const r = teamCreate(sb, sb.root, ['three', '--yes', '--no-git', '--template', repo.url]);
    assert.is(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /template cache is not private/);
    assert.not.ok(existsSync(join(sb.root, 'three', 'README.md')) && readFileSync(join(sb.root, 'three', 'README.md'), 'utf8').includes(MARK), 'the planted template was rendered');
  });
}

toolTest(t, ['git'], 'a trust list anyone could have written is not believed: exit 2 naming it, nothing rendered', () => {
  const sb = sandbox();
  const repo = templateRepo(sb.root);
  const first = teamCreate(sb, sb.root, ['one', '--yes', '--no-git', '--template', repo.url, '--trust']);
  assert.is(first.code, 0, first.stderr);
  const list = join(sb.config, 'create-pyservice', 'trust.json');
  assert.match(readFileSync(list, 'utf8'), repo.url.replace(/\/+$/, ''));
  chmodSync(list, 0o666);
  for (const args of [[], ['--trust']]) {
    const r = teamCreate(sb, sb.root, ['two', '--yes', '--no-git', '--template', repo.url, ...args]);
    assert.is(r.code, 2, `${args}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, /trust\.json/);
    assert.match(r.stderr, /chmod/);
    assert.not.ok(existsSync(join(sb.root, 'two')));
  }
  chmodSync(list, 0o600);
  assert.is(teamCreate(sb, sb.root, ['three', '--yes', '--no-git', '--template', repo.url]).code, 0, 'a private list is believed again');
});

t.run();
