import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { prefillAnswers } from '../../src/update/adopt.js';
import type { MetadataReading } from '../../src/python/metadata.js';
import { pyservice } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { toolTest } from '../helpers/tools.js';
import { GIT_ENV, git } from './fixtures.js';

/**
 * Adoption's author and email come from the project's metadata before git config. PEP 621 backends publish
 * `authors = [{name, email}]` as Author-email "Name <email>" with no Author field; adoption read no author there
 * and took the git config of whoever ran it (walk3: borgmatic 1.9.14's Dan Helfman <witten@torsion.org> became
 * the adopter's name in .pyservice.json, setup.py and debian/control).
 */
const t = suite('adopting: answers prefilled from the metadata');

const reading = (author: string | null, author_email: string | null): MetadataReading =>
  ({ metadata: { name: 'demo', version: '1.0', description: 'A demo', author, author_email, classifiers: [], install_requires: [], console_scripts: [], gui_scripts: [], entry_points: {} }, projectUrls: {} }) as unknown as MetadataReading;
/** A git config naming someone else: the person running the adoption. */
function gitConfig(): string {
  const file = join(tempDir('gitconfig-'), 'config');
  writeFileSync(file, '[user]\n\tname = Run Ner\n\temail = runner@example.org\n');
  return file;
}
const gitId = { name: 'Run Ner', email: 'runner@example.org' };

const cases: [string, string | null, string | null, string, string][] = [
  ['PEP 621, name and email', null, 'Dan Helfman <witten@torsion.org>', 'Dan Helfman', 'witten@torsion.org'],
  ['PEP 621, two authors: the first (a name with a comma cannot be a Maintainer: git config\'s)', null, '"Doe, Jane" <jane@example.org>, Bob <bob@example.org>', 'Run Ner', 'jane@example.org'],
  ['PEP 621, a name without email and one with: the one with both', 'Ann Lee', 'Bob Roe <bob@example.org>', 'Bob Roe', 'bob@example.org'],
  ['PEP 621, email only', null, 'team@example.org', 'Run Ner', 'team@example.org'],
  ['setuptools author and author_email', 'Jane Doe', 'jane@example.org', 'Jane Doe', 'jane@example.org'],
  ['setuptools, two names and two addresses: the first', 'Jane Doe, Bob Roe', 'jane@example.org, bob@example.org', 'Jane Doe', 'jane@example.org'],
  ['nothing: git config', null, null, 'Run Ner', 'runner@example.org'],
];
for (const [what, author, email, wantAuthor, wantEmail] of cases)
  t(`${what}: ${wantAuthor} <${wantEmail}>`, () => {
    const { answers } = prefillAnswers(reading(author, email), gitId, 'demo');
    assert.is(answers.author, wantAuthor);
    assert.is(answers.email, wantEmail);
  });

toolTest(t, ['git', '/usr/bin/python3'], 'pyservice update adopting a PEP 621 project records its author, not the git config person', () => {
  const dir = tempDir('adopt-pep621-');
  git(dir, 'init', '-q', '-b', 'main');
  writeFileSync(
    join(dir, 'pyproject.toml'),
    '[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n\n[project]\nname = "backup-runner"\nversion = "1.2.0"\n' +
      'description = "Runs backups"\nauthors = [{ name = "Dan Helfman", email = "witten@torsion.org" }]\n\n[project.scripts]\nbackup-runner = "backup_runner:main"\n',
  );
  mkdirSync(join(dir, 'src', 'backup_runner'), { recursive: true });
  writeFileSync(join(dir, 'src', 'backup_runner', '__init__.py'), 'def main():\n    return 0\n');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'upstream');
  const r = pyservice(['update', '--type', 'tool', '--yes'], { cwd: dir, env: { ...GIT_ENV, GIT_CONFIG_GLOBAL: gitConfig(), HOME: tempDir('home-') } });
  assert.is(r.code, 1, r.stderr); // the project's own pyproject.toml and the template's: both added, left to merge
  assert.match(git(dir, 'ls-files', '-u'), /\tpyproject\.toml\n/);
  const answers = (JSON.parse(readFileSync(join(dir, '.pyservice.json'), 'utf8')) as { answers: Record<string, unknown> }).answers;
  assert.is(answers.author, 'Dan Helfman');
  assert.is(answers.email, 'witten@torsion.org');
  assert.match(readFileSync(join(dir, 'debian', 'control'), 'utf8'), /^Maintainer: Dan Helfman <witten@torsion\.org>$/m);
});

toolTest(t, ['git', '/usr/bin/python3'], 'adopting a project whose code is outside src/ is refused (exit 2, nothing written): the templates would build a stub instead', () => {
  // walk3: borgmatic 1.9.14 (borgmatic/ at the top, PEP 621 pyproject.toml) adopted with --yes got src/borgmatic/
  // (the template's stub service) and a setup.py building src/ only; `pip wheel .` then failed
  for (const layout of ['package', 'module'] as const) {
    const dir = tempDir('adopt-flat-');
    git(dir, 'init', '-q', '-b', 'main');
    writeFileSync(
      join(dir, 'pyproject.toml'),
      '[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n\n[project]\nname = "backup-runner"\nversion = "1.2.0"\n' +
        'authors = [{ name = "Dan Helfman", email = "witten@torsion.org" }]\n\n[project.scripts]\nbackup-runner = "backup_runner:main"\n',
    );
    if (layout === 'package') {
      mkdirSync(join(dir, 'backup_runner'));
      writeFileSync(join(dir, 'backup_runner', '__init__.py'), 'def main():\n    return 0\n');
    } else writeFileSync(join(dir, 'backup_runner.py'), 'def main():\n    return 0\n');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'upstream');
    for (const args of [['--type', 'tool', '--yes'], ['--type', 'tool', '--yes', '--dry-run']]) {
      const r = pyservice(['update', ...args], { cwd: dir, env: { ...GIT_ENV, HOME: tempDir('home-') } });
      assert.is(r.code, 2, r.stdout + r.stderr);
      assert.match(r.stderr, new RegExp(`this project's code \\(backup_runner${layout === 'package' ? '/' : '\\.py'}\\) is outside src/, and the templates build src/backup_runner/ only: .*pyservice deb.*; nothing was written\\n$`));
      assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
    }
    assert.is(git(dir, 'status', '--porcelain'), '', 'nothing written or staged');
  }
});

t.run();
