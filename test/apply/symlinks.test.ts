import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, mkdirSync, readdirSync, readFileSync, renameSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/paths.js';
import { create, pyservice, type CliResult } from '../helpers/cli.js';
import { generate } from '../helpers/generate.js';
import { tempDir } from '../helpers/tmp.js';
import { hasTool, isCI } from '../helpers/tools.js';
import { commitAll } from '../update/fixtures.js';

/**
 * "Never written through a symlink", for every command that writes a project: the same hostile layout (a
 * directory the command writes into is a symlink to a place outside the project) given to each writer. The
 * outside directory must stay exactly as it was; the command refuses (exit 2) or leaves the path alone.
 */
const t = suite('every writer: nothing is written through a symlink');
const env = { NO_COLOR: '1', GIT_AUTHOR_NAME: 'T', GIT_AUTHOR_EMAIL: 't@example.org', GIT_COMMITTER_NAME: 'T', GIT_COMMITTER_EMAIL: 't@example.org' };

interface Writer {
  name: string;
  /** Sets up the layout, with `outside` as the symlink's target; returns the command to run. */
  run: (outside: string) => Promise<() => CliResult>;
}

function debProject(): string {
  const dir = join(tempDir('symlink-deb-'), 'literal');
  cpSync(join(packageRoot(), 'test', 'fixtures', 'projects', 'literal'), dir, { recursive: true });
  return dir;
}

const WRITERS: Writer[] = [
  {
    name: 'create: the target directory is a symlink',
    run: async (outside) => {
      const parent = tempDir();
      symlinkSync(outside, join(parent, 'svc'));
      return () => create([join(parent, 'svc'), '--yes', '--no-git', '--author', 'A B', '--email', 'a@example.org'], { env });
    },
  },
  {
    name: 'deb: debian/ is a symlink',
    run: async (outside) => {
      const dir = debProject();
      symlinkSync(outside, join(dir, 'debian'));
      return () => pyservice(['deb', dir, '--maintainer', 'A B <a@example.org>'], { env });
    },
  },
  {
    name: 'deb --force: debian/ is a symlink',
    run: async (outside) => {
      const dir = debProject();
      symlinkSync(outside, join(dir, 'debian'));
      return () => pyservice(['deb', dir, '--force', '--maintainer', 'A B <a@example.org>'], { env });
    },
  },
  {
    name: 'version snapshot: debian/ is a symlink',
    run: async (outside) => {
      const dir = await generate({ name: 'sym-ver' }, { git: true });
      cpSync(join(dir, 'debian'), join(outside, 'moved'), { recursive: true });
      renameSync(join(dir, 'debian'), join(tempDir(), 'gone'));
      symlinkSync(join(outside, 'moved'), join(dir, 'debian'));
      commitAll(dir, 'debian elsewhere');
      return () => pyservice(['version', 'snapshot'], { cwd: dir, env });
    },
  },
  {
    name: 'update: debian/ of a service is a symlink',
    run: async (outside) => {
      const dir = await generate({ name: 'sym-svc' }, { git: true, templateVersion: '1.0.0' });
      cpSync(join(dir, 'debian'), join(outside, 'moved'), { recursive: true });
      renameSync(join(dir, 'debian'), join(tempDir(), 'gone'));
      symlinkSync(join(outside, 'moved'), join(dir, 'debian'));
      commitAll(dir, 'debian elsewhere');
      return () => pyservice(['update'], { cwd: dir, env });
    },
  },
  {
    name: 'update: src/ is a symlink',
    run: async (outside) => {
      const dir = await generate({ name: 'sym-lib', type: 'library' }, { git: true, templateVersion: '1.0.0' });
      cpSync(join(dir, 'src'), join(outside, 'moved'), { recursive: true });
      renameSync(join(dir, 'src'), join(tempDir(), 'gone'));
      symlinkSync(join(outside, 'moved'), join(dir, 'src'));
      commitAll(dir, 'src elsewhere');
      return () => pyservice(['update'], { cwd: dir, env });
    },
  },
];

/** Every path under dir with its content (directories as '/'). */
function listing(dir: string, base = dir, out: Record<string, string> = {}): Record<string, string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    out[p.slice(base.length + 1)] = e.isDirectory() ? '/' : readFileSync(p, 'latin1');
    if (e.isDirectory()) listing(p, base, out);
  }
  return out;
}

const missing = ['git', '/usr/bin/python3'].filter((x) => !hasTool(x));
if (missing.length && !isCI()) console.log(`  skip: symlink writers: needs ${missing.join(', ')}`);
else
  for (const w of WRITERS)
    t(w.name, async () => {
      const outside = tempDir('outside-');
      mkdirSync(join(outside, 'keep'));
      const command = await w.run(outside);
      const before = listing(outside);
      const r = command();
      // What was there before the command ran is all that is there after it, byte for byte.
      assert.equal(listing(outside), before, `${w.name}: written outside the project (exit ${r.code}: ${r.stderr})`);
      assert.ok(r.code === 2 || r.code === 0 || r.code === 1, r.stderr);
      if (w.name.startsWith('create') || w.name.startsWith('deb') || w.name.startsWith('version')) {
        assert.is(r.code, 2, `${w.name}: ${r.stderr}`);
        assert.match(r.stderr, /symlink/);
      }
    });

t.run();
