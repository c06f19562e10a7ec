import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { toolTest } from '../helpers/tools.js';
import { git, teamPyservice } from '../template-sources/team-fixture.js';
import { makeFleet, FLEET_SIZE, type Fleet } from './fleet-fixture.js';

const t = suite('a fleet of 20 repositories: one check, one update with a branch each, dependents');

let fleet: Fleet;
const rec = (dir: string) => JSON.parse(readFileSync(join(dir, '.pyservice.json'), 'utf8'));
const branchOf = (dir: string) => git(dir, 'symbolic-ref', '--short', 'HEAD').trim();

toolTest(t, ['git'], 'check: one row per repository, right for each; exit 3 when any is behind', () => {
  fleet = makeFleet();
  const r = teamPyservice(fleet.sb, fleet.sb.root, ['check', '--from', fleet.listFile, '--json']);
  assert.is(r.code, 3, r.stderr);
  const rows = JSON.parse(r.stdout) as { dir: string; status: string; current: string; latest: string; source: string }[];
  assert.is(rows.length, FLEET_SIZE);
  rows.forEach((row, i) => {
    assert.is(row.dir, fleet.dirs[i]);
    assert.is(row.current, fleet.versionOf[i]);
    assert.is(row.latest, '1.2.0');
    assert.is(row.status, fleet.versionOf[i] === '1.2.0' ? 'up-to-date' : 'behind', row.dir);
    assert.is(row.source, fleet.repo.url);
  });
  const text = teamPyservice(fleet.sb, fleet.sb.root, ['check', ...fleet.dirs.slice(0, 3), join(fleet.sb.root, 'nope')]);
  assert.is(text.code, 1, 'a directory that is not a project fails the run');
  assert.match(text.stdout, /svc-00\s+up-to-date\s+1\.2\.0\s+1\.2\.0/);
  assert.match(text.stdout, /svc-01\s+behind\s+1\.0\.0\s+1\.2\.0/);
  assert.match(text.stdout, /nope\s+failed/);
  assert.match(text.stdout, /4 repositories: 1 up-to-date, 2 behind, 1 failed/);
});

toolTest(t, ['git'], 'update --branch: each behind repository committed on its own new branch; dirty refused, conflicts left, none pushed', () => {
  const before = fleet.dirs.map((d) => ({ branch: branchOf(d), head: git(d, 'rev-parse', 'HEAD').trim() }));
  const r = teamPyservice(fleet.sb, fleet.sb.root, ['update', '--from', fleet.listFile, '--branch', 'templates-1.2.0', '--json']);
  assert.is(r.code, 1, 'one failed and one conflicted');
  const rows = JSON.parse(r.stdout) as { dir: string; status: string; from: string; to: string; branch?: string; commit?: string; conflicts?: string[]; message?: string }[];
  assert.is(rows.length, FLEET_SIZE);
  rows.forEach((row, i) => {
    const dir = fleet.dirs[i]!;
    if (i === fleet.dirty) {
      assert.is(row.status, 'failed');
      assert.match(row.message!, /commit or stash/);
      assert.is(branchOf(dir), before[i]!.branch, 'back on its branch');
      assert.is(git(dir, 'branch', '--list', 'templates-1.2.0').trim(), '', 'no branch left behind');
      assert.match(readFileSync(join(dir, 'Makefile'), 'utf8'), /# work in progress\n$/);
    } else if (fleet.versionOf[i] === '1.2.0') {
      assert.is(row.status, 'up-to-date', dir);
      assert.is(branchOf(dir), before[i]!.branch);
      assert.is(git(dir, 'branch', '--list', 'templates-1.2.0').trim(), '');
    } else if (i === fleet.conflicting) {
      assert.is(row.status, 'conflicted');
      assert.equal(row.conflicts, ['Makefile']);
      assert.is(branchOf(dir), 'templates-1.2.0');
      assert.match(git(dir, 'ls-files', '-u'), /\tMakefile\n/);
      assert.is(git(dir, 'rev-parse', 'HEAD').trim(), before[i]!.head, 'nothing committed');
    } else {
      assert.is(row.status, 'updated', `${dir}: ${row.message}`);
      assert.is(row.from, fleet.versionOf[i]);
      assert.is(row.to, '1.2.0');
      assert.is(branchOf(dir), 'templates-1.2.0');
      assert.is(git(dir, 'rev-parse', 'HEAD').trim(), row.commit);
      assert.is(git(dir, 'rev-parse', 'HEAD^').trim(), before[i]!.head, 'one commit on top of where it was');
      assert.is(git(dir, 'log', '-1', '--format=%s').trim(), 'chore(templates): update to templates 1.2.0');
      assert.is(git(dir, 'status', '--porcelain').trim(), '', 'everything committed');
      assert.is(git(dir, 'rev-parse', before[i]!.branch).trim(), before[i]!.head, 'the original branch is untouched');
      assert.is(rec(dir).templateVersion, '1.2.0');
      assert.match(readFileSync(join(dir, 'Makefile'), 'utf8'), /# ACME: every target/);
      assert.is(git(dir, 'remote').trim(), '', 'nothing to push to, nothing pushed');
    }
  });
  // the dependency edits survived the update
  assert.match(readFileSync(join(fleet.dirs[2]!, 'requirements.txt'), 'utf8'), /Acme\.Common==1\.4\.2/);

  const again = teamPyservice(fleet.sb, fleet.sb.root, ['check', '--from', fleet.listFile, '--json']);
  const states = (JSON.parse(again.stdout) as { status: string }[]).map((x) => x.status);
  assert.is(states[fleet.conflicting], 'conflicted');
  assert.is(states[fleet.dirty], 'behind');
  assert.is(states.filter((s) => s === 'up-to-date').length, FLEET_SIZE - 2);
  assert.is(again.code, 3);
});

toolTest(t, ['git'], 'dependents: exactly the projects that declare acme-common, with the version each pins', () => {
  const r = teamPyservice(fleet.sb, fleet.sb.root, ['dependents', 'acme-common', '--from', fleet.listFile, '--json']);
  assert.is(r.code, 0, r.stderr);
  const found = JSON.parse(r.stdout) as { dir: string; pinned: string | null; requirements: { file: string }[] }[];
  assert.equal(
    found.map((f) => [f.dir, f.pinned]),
    [...fleet.dependents].sort(([a], [b]) => a - b).map(([i, pin]) => [fleet.dirs[i], pin]),
  );
  assert.is(found.find((f) => f.dir === fleet.dirs[8])!.requirements[0]!.file, 'requirements-base.txt');
  const none = teamPyservice(fleet.sb, fleet.sb.root, ['dependents', 'acme-commons-x', ...fleet.dirs]);
  assert.match(none.stdout, /no project depends on acme-commons-x/);
});

t.run();
