import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/paths.js';
import { tempDir } from '../helpers/tmp.js';
import { toolTest } from '../helpers/tools.js';

/**
 * The published package works as users run it: `npm pack` holds the compiled bins, the templates and the
 * Python helpers, and `npm exec` of the tarball (what `npx create-pyservice` does) scaffolds a project.
 */
const t = suite('npm package');

function npm(args: string[], cwd: string): { code: number; out: string; stdout: string } {
  const r = spawnSync('npm', args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' } });
  return { code: r.status ?? 1, out: r.stdout + r.stderr, stdout: r.stdout };
}

toolTest(t, ['npm'], 'the tarball holds bins, templates and helpers, and npm exec of it scaffolds a project', () => {
  const work = tempDir('pack-');
  const pack = npm(['pack', '--json', '--pack-destination', work], packageRoot());
  assert.is(pack.code, 0, pack.out);
  const info = JSON.parse(pack.stdout.slice(pack.stdout.indexOf('[')))[0] as { filename: string; files: { path: string }[] };
  const files = info.files.map((f) => f.path);
  for (const want of ['dist/bin/create-pyservice.js', 'dist/bin/pyservice.js', 'dist/templates.compiled.cjs', 'templates/1.0.0/manifest.json', 'README.md', 'package.json'])
    assert.ok(files.includes(want), `tarball lacks ${want}`);
  assert.not.ok(files.some((f) => f.startsWith('dist/test/') || f.startsWith('test/')), 'tests are shipped');
  const tarball = join(work, info.filename);
  const r = npm(['exec', '--yes', '--prefer-offline', `--package=${tarball}`, '--', 'create-pyservice', 'from-npx', '--yes', '--no-git', '--author', 'A', '--email', 'a@example.org'], work);
  assert.is(r.code, 0, r.out);
  assert.ok(existsSync(join(work, 'from-npx', 'debian', 'rules')));
  const rec = JSON.parse(readFileSync(join(work, 'from-npx', '.pyservice.json'), 'utf8'));
  assert.is(rec.toolVersion, JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')).version);
  const second = npm(['exec', '--yes', '--prefer-offline', `--package=${tarball}`, '--', 'pyservice', 'templates', '--json'], work);
  assert.is(second.code, 0, second.out);
  assert.ok(Array.isArray(JSON.parse(second.stdout)));
});

t.run();
