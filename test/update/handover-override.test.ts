import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toolTest } from '../helpers/tools.js';
import { commitAll, git, oldProject, read, update } from './fixtures.js';

/**
 * Found by a team lead's fleet walk (1.0.0 → 1.5.0): a library whose team had added `--verbose` to the twine line
 * of templates 1.1.0's `upload` rule was updated to 1.2.0 as "updated", exit 0. The handover carried the whole old
 * rule into the team's Makefile, after `include pyservice.mk`, where it replaced 1.2.0's `upload` (make only
 * warns "overriding recipe"): the tag check never ran, and an untagged commit uploaded release 0.1.0 to the index.
 * A service whose team had changed one flag of `override_dh_virtualenv` in debian/rules lost 1.2.0's hash-locked
 * install the same way (its .deb no longer built). Both sides changed those rules: the update now leaves them as
 * conflicts (unmerged in git's index, exit 1), and taking the template's side uses the tool-owned rule.
 */
const t = suite('update to 1.2.0: a changed template rule that would override the tool-owned file\'s is a conflict');

const make = (dir: string, ...args: string[]) => spawnSync('make', ['-n', ...args], { cwd: dir, encoding: 'utf8', env: { PATH: '/usr/bin:/bin', HOME: dir } });

toolTest(t, ['git', 'make'], 'library: the edited upload rule conflicts; the template side runs pyservice.mk\'s tag-checked upload', async () => {
  const dir = await oldProject({ type: 'library', name: 'lib-override', ci: 'gitlab' }, '1.1.0');
  writeFileSync(join(dir, 'Makefile'), read(dir, 'Makefile').replace('-r private $(TWINE_ARGS) dist/*', '-r private --verbose $(TWINE_ARGS) dist/*'));
  writeFileSync(join(dir, 'Makefile'), read(dir, 'Makefile') + '\nsmoke: venv ## Team smoke\n\t$(VENV)/bin/python -c 1\n');
  commitAll(dir, 'team edits');
  const { result, text } = await update(dir, { to: '1.2.0' });
  assert.equal(result.conflicts, ['Makefile'], text);
  const mk = read(dir, 'Makefile');
  assert.match(mk, /^<<<<<<< yours\nupload: dist ## [^\n]*\n\t[^\n]*twine check[^\n]*\n\t[^\n]*--verbose[^\n]*\n=======\n>>>>>>> templates 1\.2\.0 \(upload in pyservice\.mk\)$/m, mk);
  assert.match(mk, /^smoke: venv ## Team smoke\n\t\$\(VENV\)\/bin\/python -c 1$/m, 'a new team rule is carried, outside the conflict');
  assert.match(text, /your upload would override pyservice\.mk's/);
  const stages = git(dir, 'ls-files', '-u', '--', 'Makefile').trim().split('\n').map((l) => l.split(/\s+/)[2]);
  assert.equal(stages, ['2', '3']);
  // The template's side: no override, so pyservice.mk's upload (login and tag checks) is what make runs.
  git(dir, 'checkout', '--theirs', '--', 'Makefile');
  const theirs = make(dir, 'upload');
  assert.not.match(theirs.stderr, /overriding recipe/);
  assert.match(theirs.stdout, /pyservice-release\.py check-upload-login/);
  assert.match(read(dir, 'Makefile'), /^smoke: venv/m, 'the template side keeps the team\'s other carried edits');
  // Yours: the override stays, and make says so.
  git(dir, 'checkout', '--ours', '--', 'Makefile');
  assert.match(make(dir, 'upload').stderr, /overriding recipe for target 'upload'/);
});

toolTest(t, ['git', 'make'], 'service: an edited override_dh_virtualenv conflicts with debian/pyservice.mk\'s; an added dh override does not', async () => {
  const dir = await oldProject({ type: 'service', name: 'svc-override', ci: 'github' }, '1.1.0');
  const rules = read(dir, 'debian/rules');
  assert.match(rules, /dh_virtualenv --builtin-venv --python \$\(PYTHON\) \\\n/);
  writeFileSync(join(dir, 'debian/rules'), rules.replace('dh_virtualenv --builtin-venv --python $(PYTHON) \\\n', 'dh_virtualenv --builtin-venv --python $(PYTHON) --use-system-packages \\\n') + '\n# team\noverride_dh_installchangelogs:\n\tdh_installchangelogs\n');
  commitAll(dir, 'team edits');
  const { result, text } = await update(dir, { to: '1.2.0' });
  assert.equal(result.conflicts, ['debian/rules'], text);
  const out = read(dir, 'debian/rules');
  assert.match(out, /^<<<<<<< yours\noverride_dh_virtualenv:\n[\s\S]*--use-system-packages[\s\S]*\n=======\n>>>>>>> templates 1\.2\.0 \(override_dh_virtualenv in debian\/pyservice\.mk\)$/m);
  assert.match(out, /^override_dh_installchangelogs:\n\tdh_installchangelogs$/m);
  assert.not.match(out.slice(out.indexOf('>>>>>>>')), /<<<<<<</, 'one conflict');
});

toolTest(t, ['git', 'make'], 'a rule already overriding the tool-owned one (carried by an older update, or written by hand) is named on the next update', async () => {
  // The fleet walk's lib-d had been updated 1.0.0 → 1.5.0 before the conflict existed: its Makefile's upload replaced
  // pyservice.mk's, and nothing said so again. A 1.2.0 library with such a rule, updated to 1.3.0, is warned.
  const dir = await oldProject({ type: 'library', name: 'lib-overridden', ci: 'github' }, '1.2.0');
  writeFileSync(join(dir, 'Makefile'), read(dir, 'Makefile') + '\nupload: dist\n\ttwine upload dist/*\n\nsmoke: venv\n\ttrue\n\ntest: lint\n');
  commitAll(dir, 'team edits');
  const { result, text } = await update(dir, { to: '1.3.0' });
  assert.equal(result.conflicts, []);
  assert.match(text, /Makefile: your upload replaces pyservice\.mk's rule of that name \(make warns "overriding recipe"; templates 1\.3\.0's never runs\): delete yours to run the template's; to add a step, give it a prerequisite instead \(upload: my-step\)/);
  assert.not.match(text, /your (smoke|test)/, 'a new rule and a prerequisite-only rule are no override');
});

t.run();
