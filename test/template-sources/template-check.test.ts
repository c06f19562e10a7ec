import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { CI_PROVIDERS, PROJECT_TYPES } from '../../src/answers/types.js';
import { DISTROS } from '../../src/answers/distros.js';
import { manifestSchemaPath, tagProblems } from '../../src/template-sources/template-check.js';
import { toolTest } from '../helpers/tools.js';

/** Every combination the shipped manifest allows: project type × CI provider × distribution × the remaining yes/no choice. */
const COMBOS = PROJECT_TYPES.length * CI_PROVIDERS.length * Object.keys(DISTROS).length * 2;
import { git, sandbox, teamCreate, teamPyservice, type Sandbox } from './team-fixture.js';

const t = suite('pyservice template init / check: a team template from the shipped one, validated');

function initDir(sb: Sandbox): string {
  const r = teamPyservice(sb, sb.root, ['template', 'init', 'acme-templates']);
  assert.is(r.code, 0, r.stderr);
  return join(sb.root, 'acme-templates');
}
const editManifest = (dir: string, edit: (m: Record<string, any>) => void) => {
  const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  edit(m);
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m, null, 2));
};
/** The files name the template version they were made with: the team's is 1.0.0, the shipped one is newer. */
const sameVersion = (text: string) => text.replace(/templates \d+\.\d+\.\d+/g, 'templates X');
const check = (sb: Sandbox, dir: string, ...args: string[]) => {
  const r = teamPyservice(sb, sb.root, ['template', 'check', dir, '--json', ...args]);
  return { code: r.code, stderr: r.stderr, report: r.stdout ? JSON.parse(r.stdout) : null };
};

toolTest(t, ['git'], 'init: a git repository tagged v1.0.0 that renders what the shipped latest renders; check passes on it', () => {
  const sb = sandbox();
  const dir = initDir(sb);
  assert.is(git(dir, 'tag', '--list').trim(), 'v1.0.0');
  assert.is(git(dir, 'status', '--porcelain').trim(), '');
  assert.not.ok(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')).extends, 'flattened');
  assert.not.match(readFileSync(join(dir, 'project', 'Makefile.ejs'), 'utf8'), /include\(/, 'includes inlined');
  const team = teamCreate(sb, sb.root, ['from-team', '--name', 'same-svc', '--yes', '--no-git', '--template', dir]);
  assert.is(team.code, 0, team.stderr);
  const shipped = teamCreate(sb, sb.root, ['from-shipped', '--name', 'same-svc', '--yes', '--no-git']);
  assert.is(shipped.code, 0, shipped.stderr);
  for (const f of ['Makefile', 'setup.py', 'debian/rules', 'Dockerfile', '.gitignore', '.github/workflows/ci.yml'])
    assert.is(sameVersion(readFileSync(join(sb.root, 'from-team', f), 'utf8')), sameVersion(readFileSync(join(sb.root, 'from-shipped', f), 'utf8')), f);
  const c = check(sb, dir);
  assert.is(c.code, 0, JSON.stringify(c.report?.problems));
  assert.is(c.report.combinations, COMBOS);
  assert.equal(c.report.problems, []);
});

toolTest(t, ['git'], 'check reports <%=, an unescaped free-text answer, and a render failure for one allowed combination', () => {
  const sb = sandbox();
  const dir = initDir(sb);
  editManifest(dir, (m) => {
    m.answers = { ...m.answers, team: { default: 'payments', message: 'Owning team', choices: ['payments', 'search'] } };
    m.files.push({ template: 'project/OWNERS.ejs', path: 'OWNERS' });
  });
  writeFileSync(join(dir, 'project', 'OWNERS.ejs'), 'team: <%- a.team %>\n<%- a.team === "search" ? searchOnCall.address : "none" %>\n');
  appendFileSync(join(dir, 'project', 'gitignore.ejs'), '# <%- a.description %>\n# <%- esc.md(a.author) %>\n');
  const c = check(sb, dir);
  assert.is(c.code, 1);
  const kinds = (k: string) => c.report.problems.filter((p: { kind: string }) => p.kind === k);
  assert.is(kinds('html-escape').length, 0);
  assert.is(kinds('unescaped').length, 1, JSON.stringify(kinds('unescaped')));
  assert.is(kinds('unescaped')[0].file, 'project/gitignore.ejs');
  assert.match(kinds('unescaped')[0].message, /description/);
  const render = kinds('render');
  assert.ok(render.length > 0);
  assert.ok(render.every((p: { message: string }) => /team=search/.test(p.message) && /searchOnCall/.test(p.message)), render[0]?.message);
  assert.is(c.report.combinations, 2 * COMBOS, 'the question\'s choices double the combinations');
  assert.is(render.length, COMBOS, 'exactly the team=search half fails');

  // <%= is reported with its file and line (and every render of that file fails: rendering refuses it too)
  appendFileSync(join(dir, 'project', 'gitignore.ejs'), '# <%= a.name %>\n');
  const e = check(sb, dir);
  const html = e.report.problems.filter((p: { kind: string }) => p.kind === 'html-escape');
  assert.is(html.length, 1);
  assert.is(html[0].file, 'project/gitignore.ejs');
  assert.is(html[0].line, readFileSync(join(dir, 'project', 'gitignore.ejs'), 'utf8').split('\n').indexOf('# <%= a.name %>') + 1);
});

toolTest(t, ['git'], 'goldens: recorded once, a changed output of the same version is reported; schema problems are reported', () => {
  const sb = sandbox();
  const dir = initDir(sb);
  const w = check(sb, dir, '--write-goldens');
  assert.is(w.code, 0);
  assert.equal(w.report.goldens, [{ version: '1.0.0', status: 'written' }]);
  assert.is(Object.keys(JSON.parse(readFileSync(join(dir, 'goldens.json'), 'utf8'))['1.0.0']).length, COMBOS);
  assert.equal(check(sb, dir).report.goldens, [{ version: '1.0.0', status: 'match' }]);
  appendFileSync(join(dir, 'project', 'Makefile.ejs'), '# changed without a new version\n');
  const c = check(sb, dir);
  assert.is(c.code, 1);
  assert.equal(c.report.goldens, [{ version: '1.0.0', status: 'changed' }]);
  assert.match(c.report.problems[0].message, /must not change/);
  editManifest(dir, (m) => {
    m.filez = [];
    m.files[0].mode = '777';
  });
  const s = check(sb, dir);
  assert.ok(s.report.problems.filter((p: { kind: string }) => p.kind === 'schema').length >= 2);
});

toolTest(t, ['git'], 'an untrusted directory is refused before rendering; team defaults from the manifest apply without flags', () => {
  const sb = sandbox();
  const dir = initDir(sb);
  const other = sandbox(); // another user: nothing trusted
  const r = teamPyservice(other, sb.root, ['template', 'check', dir]);
  assert.is(r.code, 2);
  assert.match(r.stderr, /--trust/);
  editManifest(dir, (m) => (m.defaults = { indexUrl: 'https://pypi.acme.test/simple/', ci: 'gitlab', distro: 'trixie', emailDomain: 'acme.test' }));
  git(dir, 'commit', '-qam', 'acme defaults');
  git(dir, 'tag', 'v1.1.0');
  const c = teamCreate(sb, sb.root, ['svc', '--yes', '--no-git', '--template', dir]);
  assert.is(c.code, 0, c.stderr);
  const a = JSON.parse(readFileSync(join(sb.root, 'svc', '.pyservice.json'), 'utf8')).answers;
  assert.is(a.indexUrl, 'https://pypi.acme.test/simple/');
  assert.is(a.ci, 'gitlab');
  assert.is(a.distro, 'trixie');
  assert.match(a.email, /@acme\.test$/);
  assert.ok(existsSync(join(sb.root, 'svc', '.gitlab-ci.yml')));
  const flags = teamCreate(sb, sb.root, ['svc2', '--yes', '--no-git', '--template', dir, '--ci', 'github']);
  assert.is(flags.code, 0);
  assert.is(JSON.parse(readFileSync(join(sb.root, 'svc2', '.pyservice.json'), 'utf8')).answers.ci, 'github', 'flags win');
});

t('the schema names every CI provider and distribution the tool knows', () => {
  const schema = JSON.parse(readFileSync(manifestSchemaPath(), 'utf8'));
  assert.equal(schema.definitions.defaults.properties.ci.enum, [...CI_PROVIDERS]);
  assert.equal(schema.definitions.defaults.properties.distro.enum, Object.keys(DISTROS));
});

t('static scan: comparisons of free text and escaped output pass; raw free text and computed keys do not', () => {
  const m = { answers: { team: { default: 'x', message: 'm', choices: ['x'] } } };
  assert.equal(tagProblems('f', '<%- esc.py(a.description) %><%- a.type === "service" ? 1 : 2 %><%- a.team %><%- n.importName %>', m), []);
  assert.is(tagProblems('f', '<%- a.author %>', m).length, 1);
  assert.is(tagProblems('f', '<%- a["author"] %>', m).length, 1);
  assert.is(tagProblems('f', 'x\n<%= n.importName %>', m)[0]!.line, 2);
  assert.equal(tagProblems('f', '<%# <%= in a comment is literal text of the comment %>', m), []);
});

toolTest(t, ['git'], 'check of a folder that is no template working tree: exit 2 naming it, never trusted (not even with --trust)', () => {
  // walk3: `pyservice template check /missing` said 'not trusted … run again with --trust'; with --trust it wrote
  // the path into trust.json and ended 'ENOENT: no such file or directory, scandir' (exit 1). A project folder
  // given by mistake was trusted the same way.
  const sb = sandbox();
  const project = join(sb.root, 'a-project');
  mkdirSync(project);
  writeFileSync(join(project, 'setup.py'), 'from setuptools import setup\nsetup()\n');
  const file = join(sb.root, 'notes.txt');
  writeFileSync(file, 'x\n');
  const trustList = join(sb.config, 'create-pyservice', 'trust.json');
  for (const [dir, why] of [
    [join(sb.root, 'missing'), /missing does not exist; give your template folder \(the one holding manifest\.json\), or start one with (npx -p create-pyservice )?pyservice template init DIR\n$/],
    [project, /a-project holds no manifest\.json, so it is no template working tree; give your template folder, or start one with (npx -p create-pyservice )?pyservice template init DIR\n$/],
    [file, /notes\.txt is not a folder; /],
  ] as const) {
    for (const trust of [[], ['--trust']]) {
      const r = teamPyservice(sb, sb.root, ['template', 'check', dir, ...trust]);
      assert.is(r.code, 2, r.stderr);
      assert.match(r.stderr, why);
      assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.not.match(r.stderr, /trust/);
    }
  }
  assert.not.ok(existsSync(trustList) && /missing|a-project|notes/.test(readFileSync(trustList, 'utf8')), 'nothing of these was trusted');
  // --template naming such a folder says where the format is documented: a file the user has (the installed package's)
  const listed = teamPyservice(sb, sb.root, ['templates', '--template', project]);
  assert.is(listed.code, 2, listed.stderr);
  const doc = /\(see (\S+template-format\.md)\)/.exec(listed.stderr)?.[1];
  assert.ok(doc && doc.startsWith('/') && existsSync(doc), listed.stderr); // absolute: the user's folder is not the package's
  // a real template folder still needs trust
  const dir = initDir(sb);
  const other = sandbox();
  assert.match(teamPyservice(other, sb.root, ['template', 'check', dir]).stderr, /--trust/);
});

toolTest(t, ['git'], 'init refuses a target create refuses (a symlink, a file, a folder holding .git), exit 2 in one line; the symlink and what it names are left as they were', () => {
  const sb = sandbox();
  mkdirSync(join(sb.root, 'real'));
  symlinkSync('real', join(sb.root, 'link'));
  writeFileSync(join(sb.root, 'file'), 'x');
  mkdirSync(join(sb.root, 'clone', '.git'), { recursive: true });
  for (const [name, want] of [
    ['link', 'link is a symlink; give the real directory it points to (nothing is ever written through a symlink)'],
    ['file', 'file exists and is not a directory; choose another directory'],
    ['clone', 'clone is not empty (1 entries); choose a new or empty directory for the template'],
  ] as const) {
    const r = teamPyservice(sb, sb.root, ['template', 'init', name]);
    assert.is(r.code, 2, `${name}: ${r.stderr}`);
    assert.match(r.stderr, want);
    assert.is(r.stderr.trim().split('\n').length, 1);
  }
  assert.ok(lstatSync(join(sb.root, 'link')).isSymbolicLink(), 'the symlink is kept');
  assert.equal(readdirSync(join(sb.root, 'real')), []);
  assert.equal(readdirSync(join(sb.root, 'clone')), ['.git']);
});

t.run();
