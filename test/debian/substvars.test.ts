import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { authorProblem, descriptionProblem, emailProblem } from '../../src/answers/validate.js';
import { create, pyservice } from '../helpers/cli.js';
import { cleanEnv, tempDir } from '../helpers/tmp.js';
import { toolTest } from '../helpers/tools.js';

/**
 * dpkg-gencontrol (and dpkg-genchanges) replace `${name}` in every field of debian/control with a substitution
 * variable, or with nothing and a warning (deb-substvars(5)). An answer that reaches debian/control (description,
 * author, email) must come out of dpkg exactly as typed, so a value dpkg would rewrite is refused. Which values
 * those are is dpkg's call: each case is run through the real dpkg-gencontrol.
 */
const t = suite('debian/control: values dpkg would substitute are refused, all others pass dpkg unchanged');

const VALUES = ['uses ${HOME} here', 'with ${shlibs:Depends}', 'a ${} b', 'x ${Newline} y', 'cost $$ {x}', '$HOME and $(id) `id`', 'braces {x} and $ {y}', '%s %(x)s %% \\ # ; *', '$'];

/** What dpkg-gencontrol makes of a Description and a Maintainer name and email. */
function throughDpkg(description: string, name: string, email: string): { description: string; maintainer: string } {
  const dir = join(tempDir(), 'pkg');
  mkdirSync(join(dir, 'debian'), { recursive: true });
  writeFileSync(join(dir, 'debian', 'control'), `Source: probe\nMaintainer: ${name} <${email}>\n\nPackage: probe\nArchitecture: all\nDescription: ${description}\n x\n`);
  writeFileSync(join(dir, 'debian', 'changelog'), `probe (1.0-1) unstable; urgency=medium\n\n  * x\n\n -- A <a@example.org>  Sun, 29 Nov 2026 02:00:00 +0000\n`);
  const r = spawnSync('dpkg-gencontrol', ['-pprobe', '-O', `-f${join(dir, 'files')}`], { cwd: dir, encoding: 'utf8', env: cleanEnv(dir) });
  assert.is(r.status, 0, r.stderr);
  const field = (f: string) => new RegExp(`^${f}: (.*)$`, 'm').exec(r.stdout)?.[1] ?? '';
  return { description: field('Description'), maintainer: field('Maintainer') };
}

toolTest(t, ['dpkg-gencontrol'], 'description and author: refused exactly when dpkg-gencontrol would not print them as typed', () => {
  let refused = 0;
  for (const v of VALUES) {
    const out = throughDpkg(v, `Ann ${v}`, 'ann@example.org');
    const changed = out.description !== v || out.maintainer !== `Ann ${v} <ann@example.org>`;
    assert.is(descriptionProblem(v) !== null, changed, `description ${JSON.stringify(v)}: dpkg prints ${JSON.stringify(out.description)}`);
    assert.is(authorProblem(`Ann ${v}`) !== null, changed, `author ${JSON.stringify(v)}: dpkg prints ${JSON.stringify(out.maintainer)}`);
    if (changed) {
      refused++;
      assert.match(descriptionProblem(v)!, /substitution variable/);
    }
  }
  assert.ok(refused >= 4 && refused < VALUES.length, `${refused} of ${VALUES.length} refused: the table has both kinds`);
});

toolTest(t, ['dpkg-gencontrol'], 'email: an address dpkg would rewrite is refused', () => {
  for (const email of ['${USER}@example.org', 'a${}b@example.org', 'a$b@example.org', 'a{b}@example.org']) {
    const out = throughDpkg('probe', 'Ann', email);
    const changed = out.maintainer !== `Ann <${email}>`;
    assert.is(emailProblem(email) !== null, changed, `${email}: dpkg prints ${out.maintainer}`);
  }
});

t('create refuses such a description with exit 2 naming the flag; nothing written', () => {
  const root = tempDir();
  const r = create([join(root, 'svc'), '--yes', '--no-git', '--name', 'svc', '--description', 'reads ${HOME}/x'], { env: cleanEnv(root) });
  assert.is(r.code, 2, r.stderr);
  assert.match(r.stderr, /--description/);
  assert.match(r.stderr, /\$\{/);
  assert.is(r.stderr.trim().split('\n').length, 1);
});

toolTest(t, ['git'], 'deb: an upstream description dpkg would rewrite is replaced by the fallback, with a note', () => {
  const root = tempDir();
  const dir = join(root, 'proj');
  mkdirSync(dir);
  writeFileSync(join(dir, 'setup.py'), 'from setuptools import setup\nsetup(name="subst-probe", version="1.0", description="reads ${HOME} and ${shlibs:Depends}", packages=[], entry_points={"console_scripts": ["subst-probe = os:getcwd"]})\n');
  const r = pyservice(['deb', dir, '--yes', '--kind', 'tool', '--maintainer', 'Ann <ann@example.org>'], { env: cleanEnv(root) });
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout + r.stderr, /substitution variable/);
  const control = readFileSync(join(dir, 'debian', 'control'), 'utf8');
  assert.not.match(control, '${HOME}');
  assert.not.match(control, 'reads ${shlibs');
});

t.run();
