import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
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
  // --ignore-scripts: `npm test` has just built dist/; prepack would rebuild it under the running tests.
  const pack = npm(['pack', '--json', '--ignore-scripts', '--pack-destination', work], packageRoot());
  assert.is(pack.code, 0, pack.out);
  const info = JSON.parse(pack.stdout.slice(pack.stdout.indexOf('[')))[0] as { filename: string; files: { path: string }[] };
  const files = info.files.map((f) => f.path);
  for (const want of ['dist/bin/create-pyservice.js', 'dist/bin/pyservice.js', 'dist/templates.compiled/1.2.0.cjs', 'dist/templates.compiled/BUILD', 'templates/1.0.0/manifest.json', 'README.md', 'package.json'])
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

toolTest(t, ['npm', 'git'], 'installed from the tarball: no install script, create and update use only precompiled templates, a no-op update loads no template at all, and the code cache serves the second run', () => {
  const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  for (const s of ['preinstall', 'install', 'postinstall', 'prepare']) assert.not.ok(pkg.scripts[s], `package.json has a "${s}" script, which npm runs on users' machines`);
  const work = tempDir('pack-install-');
  const pack = npm(['pack', '--json', '--ignore-scripts', '--pack-destination', work], packageRoot());
  assert.is(pack.code, 0, pack.out);
  const tarball = join(work, (JSON.parse(pack.stdout.slice(pack.stdout.indexOf('[')))[0] as { filename: string }).filename);
  const prefix = join(work, 'prefix');
  const inst = npm(['install', '--global', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', tarball], work);
  assert.is(inst.code, 0, inst.out);
  const installed = join(prefix, 'lib', 'node_modules', 'create-pyservice');
  // What made the old mtime-keyed cache miss: the installed files do not keep the build's mtimes (npm pack
  // stamps 1985-10-26 into the tarball; extraction stamps its own time).
  const mtime = (root: string) => statSync(join(root, 'templates', '1.0.0', 'project', 'setup.py.ejs')).mtimeMs;
  assert.is.not(mtime(installed), mtime(packageRoot()), 'the installed template kept its mtime; the premise of this test changed');
  const env = { ...process.env, XDG_CACHE_HOME: join(work, 'cache'), PYSERVICE_TRACE_TEMPLATES: '1', PYSERVICE_TRACE_CODE_CACHE: '1', NO_COLOR: '1', GIT_AUTHOR_NAME: 'A', GIT_AUTHOR_EMAIL: 'a@example.org', GIT_COMMITTER_NAME: 'A', GIT_COMMITTER_EMAIL: 'a@example.org' };
  const run = (bin: string, args: string[], cwd: string) => spawnSync(join(prefix, 'bin', bin), args, { cwd, encoding: 'utf8', env });
  const trace = (stderr: string) => {
    const m = /pyservice templates: (\d+) precompiled, (\d+) compiled by ejs/.exec(stderr);
    assert.ok(m, `no template trace in: ${stderr}`);
    return { precompiled: Number(m![1]), compiled: Number(m![2]) };
  };
  const c = run('create-pyservice', ['svc', '--yes', '--author', 'A', '--email', 'a@example.org'], work);
  assert.is(c.status, 0, c.stderr);
  const ct = trace(c.stderr);
  assert.ok(ct.precompiled > 20, `create used ${ct.precompiled} precompiled templates`);
  assert.is(ct.compiled, 0, 'create compiled templates with ejs in the installed package');
  const u = run('pyservice', ['update'], join(work, 'svc'));
  assert.is(u.status, 0, u.stderr);
  assert.match(u.stdout, /Already up to date/);
  assert.is(trace(u.stderr).compiled, 0, 'a no-op update compiled templates with ejs in the installed package');
  // The first update found nothing to do and kept that verdict; the second is settled by the fast path
  // (src/update/fast-path.ts) without loading the template engine, and every bundle it loads comes from the
  // code cache the first run wrote.
  const again = run('pyservice', ['update'], join(work, 'svc'));
  assert.is(again.status, 0, again.stderr);
  assert.match(again.stdout, /Already up to date/);
  assert.not.match(again.stderr, /pyservice templates:/, 'the second no-op update loaded the template engine');
  const cache = /pyservice code cache: (\d+) used, (\d+) rejected, (\d+) missing/.exec(again.stderr);
  assert.ok(cache, again.stderr);
  assert.equal([Number(cache![1]) >= 3, Number(cache![2]), Number(cache![3])], [true, 0, 0], again.stderr);
});

t.run();
