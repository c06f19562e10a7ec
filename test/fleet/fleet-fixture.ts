import { writeFileSync, readFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { git, release, sandbox, teamCreate, templateRepo, type Sandbox } from '../template-sources/team-fixture.js';

/**
 * A fleet made by the test: a team template repository with tags v1.0.0, v1.1.0, v1.2.0 and 20 projects
 * made from it at mixed versions; one left dirty, one with a team edit that conflicts with v1.2.0, and a few
 * that depend on the library acme-common (in each way a project can say so), one on a look-alike name.
 */
export interface Fleet {
  sb: Sandbox;
  repo: { dir: string; url: string };
  dirs: string[];
  versionOf: string[];
  dirty: number;
  conflicting: number;
  /** index → the version of acme-common it pins (null: a range only). */
  dependents: Map<number, string | null>;
  listFile: string;
}

export const FLEET_SIZE = 20;
const MAKEFILE_LINE = '# Every target also runs inside the builder image CI uses';

export function makeFleet(size = FLEET_SIZE): Fleet {
  const sb = sandbox();
  const repo = templateRepo(sb.root);
  release(repo.dir, 'v1.1.0', { 'project/gitignore.ejs': (t) => '# acme: 1.1\n' + t });
  const versions = ['1.0.0', '1.1.0', '1.2.0'];
  const dirs: string[] = [];
  const versionOf: string[] = [];
  for (let i = 0; i < size; i++) {
    // projects at 1.2.0 are made after the tag exists; the rest first
    versionOf.push(versions[i % 3 === 0 ? 2 : i % 3 === 1 ? 0 : 1]!);
    dirs.push(join(sb.root, `svc-${String(i).padStart(2, '0')}`));
  }
  const make = (i: number) => {
    const r = teamCreate(sb, sb.root, [dirs[i]!, '--yes', '--type', i % 4 === 3 ? 'library' : 'service', '--template', `${repo.url}#v${versionOf[i]}`, '--trust']);
    assert.is(r.code, 0, r.stderr);
  };
  for (let i = 0; i < size; i++) if (versionOf[i] !== '1.2.0') make(i);
  release(repo.dir, 'v1.2.0', { 'project/Makefile.ejs': (t) => t.replace(MAKEFILE_LINE, '# ACME: every target also runs inside the builder image CI uses') });
  for (let i = 0; i < size; i++) if (versionOf[i] === '1.2.0') make(i);

  const dependents = new Map<number, string | null>();
  const commit = (i: number, msg: string) => git(dirs[i]!, 'commit', '-qam', msg);
  // requirements.txt pin, with an odd spelling of the name
  writeFileSync(join(dirs[2]!, 'requirements.txt'), 'requests==2.31.0\nAcme.Common==1.4.2  # pinned for the payments rollout\n');
  commit(2, 'pin acme-common');
  dependents.set(2, '1.4.2');
  // setup.py install_requires: a range only
  writeFileSync(join(dirs[5]!, 'setup.py'), readFileSync(join(dirs[5]!, 'setup.py'), 'utf8').replace(/install_requires=\[\n/, 'install_requires=[\n        "acme_common>=1.0,<2",\n'));
  commit(5, 'depend on acme-common');
  dependents.set(5, null);
  // an include, and a look-alike name that must not match
  writeFileSync(join(dirs[8]!, 'requirements-base.txt'), 'acme-common == 1.5.0 ; python_version >= "3.9"\n');
  writeFileSync(join(dirs[8]!, 'requirements.txt'), '-r requirements-base.txt\nacme-common-extras==3.0\n');
  git(dirs[8]!, 'add', '-A');
  commit(8, 'base requirements');
  dependents.set(8, '1.5.0');
  // pyproject [project] dependencies
  appendFileSync(join(dirs[9]!, 'pyproject.toml'), '\n[project]\nname = "svc-09"\ndependencies = [\n  "ACME-common[async]==2.0.1",\n]\n');
  commit(9, 'pyproject dependencies');
  dependents.set(9, '2.0.1');
  // look-alikes only
  writeFileSync(join(dirs[11]!, 'requirements.txt'), 'acme-commons==1.0\n# acme-common==9.9 (commented out)\n');
  commit(11, 'not acme-common');

  // the conflicting team edit (on the line v1.2.0 changes), and a dirty tree, both among those behind
  const conflicting = 4;
  const dirty = 7;
  const mk = join(dirs[conflicting]!, 'Makefile');
  writeFileSync(mk, readFileSync(mk, 'utf8').replace(MAKEFILE_LINE, '# TEAM: every target also runs inside the builder image CI uses'));
  commit(conflicting, 'team: makefile wording');
  appendFileSync(join(dirs[dirty]!, 'Makefile'), '\n# work in progress\n');

  const listFile = join(sb.root, 'repos.txt');
  writeFileSync(listFile, '# our services\n' + dirs.map((d) => d.slice(sb.root.length + 1)).join('\n') + '\n');
  return { sb, repo, dirs, versionOf, dirty, conflicting, dependents, listFile };
}
