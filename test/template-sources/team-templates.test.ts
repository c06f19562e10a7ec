import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, chownSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync, appendFileSync, rmSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { create, CREATE_BIN } from '../helpers/cli.js';
import { join } from 'node:path';
import { toolTest } from '../helpers/tools.js';
import { git, release, sandbox, teamCreate, teamPyservice, templateRepo } from './team-fixture.js';

const t = suite('team templates: a git repository as the template source, versions from its tags');

const gitignoreHeader = (t: string) => '# acme: team header\n' + t;

toolTest(t, ['git'], 'an untrusted source is refused before anything is fetched or rendered (exit 2, the fix named)', () => {
  const sb = sandbox();
  const repo = templateRepo(sb.root);
  const r = teamCreate(sb, sb.root, ['svc', '--yes', '--template', repo.url]);
  assert.is(r.code, 2, r.stderr);
  assert.match(r.stderr, /not trusted/);
  assert.match(r.stderr, /--trust/);
  assert.not.ok(existsSync(join(sb.root, 'svc')), 'no project written');
  assert.not.ok(existsSync(join(sb.cache, 'create-pyservice', 'templates')), 'nothing fetched');
});

toolTest(t, ['git'], 'file:// and a local path: create, team edits, v1.1.0 released, check exits 3, update keeps edits; the record holds source and version only', () => {
  const sb = sandbox();
  const repo = templateRepo(sb.root);
  // --trust stores the source in a 0600 file; the second source is trusted the same way
  for (const [name, source] of [['by-url', repo.url], ['by-path', repo.dir]] as const) {
    const r = teamCreate(sb, sb.root, [name, '--yes', '--template', source, '--trust']);
    assert.is(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`Rendering templates 1\\.0\\.0 from ${source.replace(/[/.]/g, '\\$&')} at commit [0-9a-f]{12}`));
  }
  const trustFile = join(sb.config, 'create-pyservice', 'trust.json');
  assert.is(statSync(trustFile).mode & 0o777, 0o600);
  assert.equal(JSON.parse(readFileSync(trustFile, 'utf8')).trusted, [repo.url, repo.dir]);

  for (const name of ['by-url', 'by-path']) {
    const dir = join(sb.root, name);
    appendFileSync(join(dir, 'Makefile'), '\n# acme: team target\nlint:\n\tflake8 src\n');
    git(dir, 'commit', '-qam', 'team edit');
  }
  release(repo.dir, 'v1.1.0', { 'project/gitignore.ejs': gitignoreHeader });
  for (const [name, source] of [['by-url', repo.url], ['by-path', repo.dir]] as const) {
    const dir = join(sb.root, name);
    const check = teamPyservice(sb, dir, ['check', '--json']);
    assert.is(check.code, 3, check.stderr);
    assert.equal(JSON.parse(check.stdout), { current: '1.0.0', latest: '1.1.0', upToDate: false });
    const up = teamPyservice(sb, dir, ['update']);
    assert.is(up.code, 0, up.stderr);
    assert.match(readFileSync(join(dir, '.gitignore'), 'utf8'), /^# acme: team header\n/);
    assert.match(readFileSync(join(dir, 'Makefile'), 'utf8'), /# acme: team target\nlint:/);
    const rec = JSON.parse(readFileSync(join(dir, '.pyservice.json'), 'utf8'));
    assert.is(rec.templateVersion, '1.1.0');
    assert.is(rec.template.source, source);
    assert.is(rec.template.commit, git(repo.dir, 'rev-parse', 'v1.1.0^{commit}').trim());
    assert.equal(Object.keys(rec.template).sort(), ['commit', 'source']);
    git(dir, 'commit', '-qm', 'templates 1.1.0');
    assert.is(teamPyservice(sb, dir, ['check']).code, 0);
  }
});

toolTest(t, ['git'], 'a fresh clone on a machine without the template cache updates from the source', () => {
  const sb = sandbox();
  const repo = templateRepo(sb.root);
  assert.is(teamCreate(sb, sb.root, ['svc', '--yes', '--template', repo.url, '--trust']).code, 0);
  release(repo.dir, 'v1.1.0', { 'project/gitignore.ejs': gitignoreHeader }, true);
  const clone = join(sb.root, 'clone');
  git(sb.root, 'clone', '-q', '--depth', '1', `file://${join(sb.root, 'svc')}`, clone);
  rmSync(sb.cache, { recursive: true, force: true });
  const up = teamPyservice(sb, clone, ['update']);
  assert.is(up.code, 0, up.stderr);
  assert.match(readFileSync(join(clone, '.gitignore'), 'utf8'), /^# acme: team header\n/);
  // the annotated tag is peeled: the record names the commit, not the tag object
  assert.is(JSON.parse(readFileSync(join(clone, '.pyservice.json'), 'utf8')).template.commit, git(repo.dir, 'rev-parse', 'v1.1.0^{commit}').trim());
  assert.ok(readdirSync(join(sb.cache, 'create-pyservice', 'templates')).length > 0, 'refetched into a new cache');
});

toolTest(t, ['git'], 'versions: listed oldest first, pre-releases only with --pre, #tag picks one, update never moves backwards', () => {
  const sb = sandbox();
  const repo = templateRepo(sb.root);
  release(repo.dir, '1.1.0', { 'project/gitignore.ejs': gitignoreHeader });
  release(repo.dir, 'v1.10.0', { 'project/gitignore.ejs': (x) => x + '# 1.10\n' });
  release(repo.dir, 'v2.0.0-rc.1', { 'project/gitignore.ejs': (x) => x + '# rc\n' });
  git(repo.dir, 'tag', 'not-a-version');
  const list = teamPyservice(sb, sb.root, ['templates', '--template', repo.url, '--json']);
  assert.is(list.code, 0, list.stderr);
  assert.equal(JSON.parse(list.stdout), ['1.0.0', '1.1.0', '1.10.0']);
  assert.equal(JSON.parse(teamPyservice(sb, sb.root, ['templates', '--template', repo.url, '--json', '--pre']).stdout), ['1.0.0', '1.1.0', '1.10.0', '2.0.0-rc.1']);
  assert.is(teamCreate(sb, sb.root, ['svc', '--yes', '--template', `${repo.url}#1.1.0`, '--trust']).code, 0);
  const dir = join(sb.root, 'svc');
  assert.is(JSON.parse(readFileSync(join(dir, '.pyservice.json'), 'utf8')).templateVersion, '1.1.0');
  const down = teamPyservice(sb, dir, ['update', '--to', '1.0.0']);
  assert.is(down.code, 2);
  assert.match(down.stderr, /downgrade/);
  assert.is(teamPyservice(sb, dir, ['update']).code, 0);
  assert.is(JSON.parse(readFileSync(join(dir, '.pyservice.json'), 'utf8')).templateVersion, '1.10.0');
  git(dir, 'commit', '-qm', 'up');
  assert.is(teamPyservice(sb, dir, ['check']).code, 0, 'pre-releases do not count without --pre');
  assert.is(teamPyservice(sb, dir, ['check', '--pre']).code, 3);
});

toolTest(t, ['git'], 'template code sees no secret: rendering runs with a scrubbed environment', () => {
  const sb = sandbox();
  const repo = templateRepo(sb.root);
  writeFileSync(join(repo.dir, 'project', 'env.txt.ejs'), '<%- Object.keys(process.env).sort().join(",") %>|<%- String(process.env.ACME_DEPLOY_TOKEN) %>\n');
  const manifest = JSON.parse(readFileSync(join(repo.dir, 'manifest.json'), 'utf8'));
  manifest.files.push({ template: 'project/env.txt.ejs', path: 'env.txt' });
  writeFileSync(join(repo.dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  release(repo.dir, 'v1.0.1', {});
  const r = teamCreate(sb, sb.root, ['svc', '--yes', '--template', repo.url, '--trust']);
  assert.is(r.code, 0, r.stderr);
  assert.ok(process.env.PATH, 'the parent has an environment');
  const [keys, token] = readFileSync(join(sb.root, 'svc', 'env.txt'), 'utf8').trim().split('|');
  assert.equal(keys!.split(','), ['LANG', 'PATH']);
  assert.is(token, 'undefined');
});

toolTest(t, ['git'], 'credentials in a --template URL are refused, not stored, not echoed', () => {
  const sb = sandbox();
  const r = teamCreate(sb, sb.root, ['svc', '--yes', '--template', 'https://deploy:s3cr3t-tok@git.example.test/acme/tpl.git', '--trust']);
  assert.is(r.code, 2);
  assert.not.match(r.stderr + r.stdout, /s3cr3t-tok/);
  assert.not.ok(existsSync(join(sb.config, 'create-pyservice', 'trust.json')), 'not trusted either');
});

toolTest(t, ['git'], 'three runs at once on an empty cache: the lock serialises the fetch, all succeed, one tree per commit', async () => {
  const sb = sandbox();
  const repo = templateRepo(sb.root);
  assert.is(teamPyservice(sb, sb.root, ['templates', '--template', repo.url, '--json']).code, 0);
  // trust once (no render yet: a dry run renders, so trust via a no-git create into a throwaway dir)
  assert.is(teamCreate(sb, sb.root, ['warm', '--yes', '--no-git', '--template', repo.url, '--trust', '--dry-run']).code, 0);
  rmSync(sb.cache, { recursive: true, force: true });
  const runs = [0, 1, 2].map(
    (i) =>
      new Promise<number>((done) => {
        const child = spawn(process.execPath, [CREATE_BIN, `svc-${i}`, '--yes', '--no-git', '--template', repo.url], { cwd: sb.root, env: { ...process.env, ...sb.env }, stdio: 'ignore' });
        child.on('close', (code) => done(code ?? 128));
      }),
  );
  assert.equal(await Promise.all(runs), [0, 0, 0]);
  const [source] = readdirSync(sb.cache + '/create-pyservice/templates');
  assert.is(readdirSync(join(sb.cache, 'create-pyservice', 'templates', source!, 'trees')).length, 1);
  assert.not.ok(existsSync(join(sb.cache, 'create-pyservice', 'templates', source!, 'lock')), 'lock released');
});

toolTest(t, ['git'], 'defaults layered: the manifest, then the user/CI defaults file, then flags', () => {
  const sb = sandbox();
  const repo = templateRepo(sb.root);
  const m = JSON.parse(readFileSync(join(repo.dir, 'manifest.json'), 'utf8'));
  m.defaults = { ci: 'gitlab', distro: 'trixie', indexUrl: 'https://pypi.acme.test/simple/' };
  writeFileSync(join(repo.dir, 'manifest.json'), JSON.stringify(m));
  release(repo.dir, 'v1.0.1', {});
  const file = join(sb.root, 'ci-defaults.json');
  writeFileSync(file, JSON.stringify({ ci: 'jenkins', emailDomain: 'acme.test' }));
  const r = create(['svc', '--yes', '--no-git', '--template', repo.url, '--trust', '--distro', 'noble'], { cwd: sb.root, env: { ...sb.env, PYSERVICE_DEFAULTS: file } });
  assert.is(r.code, 0, r.stderr);
  const a = JSON.parse(readFileSync(join(sb.root, 'svc', '.pyservice.json'), 'utf8')).answers;
  assert.equal([a.ci, a.distro, a.indexUrl], ['jenkins', 'noble', 'https://pypi.acme.test/simple/']);
  assert.match(a.email, /@acme\.test$/);
  writeFileSync(file, JSON.stringify({ indexUrl: 'https://deploy:hunter2@pypi.acme.test/simple/' }));
  const bad = create(['svc2', '--yes', '--no-git', '--template', repo.url], { cwd: sb.root, env: { ...sb.env, PYSERVICE_DEFAULTS: file } });
  assert.is(bad.code, 2);
  assert.not.match(bad.stderr, /hunter2/);
});

toolTest(t, ['git'], 'a defaults file another user could have written is refused (exit 2, nothing written): it decides where the index password goes', () => {
  // Before: a defaults.json of mode 0666 (or of uid 65534) set indexUrl, the project's pip.conf pointed at that
  // host, and --save-credentials / pyservice login would have sent the password there
  const sb = sandbox();
  const file = join(sb.root, 'defaults.json');
  writeFileSync(file, JSON.stringify({ indexUrl: 'https://pypi.elsewhere.test/simple/' }), { mode: 0o644 });
  const args = (name: string) => [name, '--yes', '--no-git', '--type', 'tool', '--name', name];
  chmodSync(file, 0o666);
  const loose = create(args('loose'), { cwd: sb.root, env: { ...sb.env, PYSERVICE_DEFAULTS: file } });
  assert.is(loose.code, 2, loose.stderr);
  assert.match(loose.stderr, /^error: the defaults file .*defaults\.json is not private \(others can write .* \(mode 666\)\): its indexUrl and uploadUrl decide where your index password goes; make it yours with chmod 644/);
  assert.not.ok(existsSync(join(sb.root, 'loose')));
  if (process.getuid?.() === 0) {
    chmodSync(file, 0o644);
    chownSync(file, 65534, 65534);
    const theirs = create(args('theirs'), { cwd: sb.root, env: { ...sb.env, PYSERVICE_DEFAULTS: file } });
    assert.is(theirs.code, 2, theirs.stderr);
    assert.match(theirs.stderr, /belongs to another user \(uid 65534\)/);
    chownSync(file, 0, 0);
  }
  chmodSync(file, 0o644);
  const mine = create(args('mine'), { cwd: sb.root, env: { ...sb.env, PYSERVICE_DEFAULTS: file } });
  assert.is(mine.code, 0, mine.stderr);
  assert.match(readFileSync(join(sb.root, 'mine', 'pip.conf'), 'utf8'), /^index-url = https:\/\/pypi\.elsewhere\.test\/simple\/$/m);
});

toolTest(t, ['git'], 'a manifest path that leaves the project (or the template folder) is refused; nothing is written', () => {
  const sb = sandbox();
  const repo = templateRepo(sb.root);
  const m = JSON.parse(readFileSync(join(repo.dir, 'manifest.json'), 'utf8'));
  m.files.push({ template: 'project/flake8', path: '../escaped.txt' });
  writeFileSync(join(repo.dir, 'manifest.json'), JSON.stringify(m));
  release(repo.dir, 'v1.0.1', {});
  const r = teamCreate(sb, sb.root, ['svc', '--yes', '--template', repo.url, '--trust']);
  assert.is(r.code, 1, r.stderr);
  assert.match(r.stderr, /must be relative and stay inside/);
  assert.not.ok(existsSync(join(sb.root, 'escaped.txt')));
  assert.not.ok(existsSync(join(sb.root, 'svc')));
});

t.run();
