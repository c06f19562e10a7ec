import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync, chmodSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { toolTest } from '../helpers/tools.js';
import { dpkgCompareAll, entry, parseChangelog, project, runner, sh, VERSION_SCRIPTS, versionsOf } from './script.js';

for (const s of VERSION_SCRIPTS) {
  const { pv } = runner(s);
  const t = suite(`debian/changelog stamping (debian/pyservice-version snapshot / release; ${s.label})`);

  // 2026-11-22 23:59:59 UTC, a second before midnight: the next second changes every field of the stamp.
  const NOW = 1795391999;
  const TOOLS = ['dpkg-parsechangelog', 'dpkg', 'git', '/usr/bin/python3'];
  const changelogOf = (dir: string) => readFileSync(join(dir, 'debian', 'changelog'), 'utf8');
  /** Timezone far from UTC: a local time labelled +0000 would show up as a wrong Timestamp. */
  const env = (extra: Record<string, string> = {}) => ({ TZ: 'America/New_York', PYSERVICE_NOW: String(NOW), ...extra });

  toolTest(t, TOOLS, 'snapshot of an UNRELEASED version: <version>~<UTC stamp>+git<sha>, development, UTC date, the commit in the text', () => {
    const { dir, sha } = project(entry('1.1.0', 'UNRELEASED') + '\n' + entry('1.0.0', 'staging'), { git: true });
    const r = pv(dir, ['snapshot'], env());
    assert.is(r.code, 0, r.stderr);
    const { fields, stderr } = parseChangelog(dir);
    assert.is(stderr, '', 'dpkg-parsechangelog has no warnings');
    assert.is(fields.Version, `1.1.0~20261122235959+git${sha}`);
    assert.is(fields.Distribution, 'development');
    assert.is(fields.Timestamp, String(NOW));
    assert.is(fields.Date, 'Sun, 22 Nov 2026 23:59:59 +0000');
    assert.is(fields.Maintainer, 'Team Lead <lead@example.org>', "the top entry's maintainer without DEBEMAIL");
    assert.match(parseChangelog(dir, ['-S', 'Changes']).raw, `Snapshot build of commit ${sha}.`);
    // The UNRELEASED entry stays below, untouched.
    assert.is(parseChangelog(dir, ['--offset', '1', '--count', '1']).fields.Version, '1.1.0');
    assert.is(r.stdout, changelogOf(dir).split('\n\n').slice(0, 3).join('\n\n') + '\n', 'prints the entry it wrote');
    const { failed } = dpkgCompareAll([[fields.Version!, 'lt', '1.1.0'], [fields.Version!, 'gt', '1.0.0'], [fields.Version!, 'lt', '1.1.0~a1']]);
    assert.equal(failed, []);
  });

  toolTest(t, TOOLS, 'snapshot of a released version appends +0 first: 1.0.0 < 1.0.0+0~… < 1.0.1', () => {
    const { dir, sha } = project(entry('1.0.0', 'staging'), { git: true });
    const r = pv(dir, ['snapshot'], env());
    assert.is(r.code, 0, r.stderr);
    const v = parseChangelog(dir).fields.Version!;
    assert.is(v, `1.0.0+0~20261122235959+git${sha}`);
    assert.equal(dpkgCompareAll([['1.0.0', 'lt', v], [v, 'lt', '1.0.1'], [v, 'lt', '1.0.0+post1'], [v, 'lt', '1.0.1~rc1']]).failed, []);
  });

  toolTest(t, TOOLS, 'two snapshots a second apart (across midnight) order correctly; the second replaces the first', () => {
    const { dir } = project(entry('2:1.0.0~rc1', 'staging'), { git: true });
    assert.is(pv(dir, ['snapshot'], env()).code, 0);
    const first = parseChangelog(dir).fields.Version!;
    assert.is(pv(dir, ['snapshot'], env({ PYSERVICE_NOW: String(NOW + 1) })).code, 0);
    const second = parseChangelog(dir).fields.Version!;
    assert.match(first, /^2:1\.0\.0~rc1\+0~20261122235959\+git[0-9a-f]+$/);
    assert.match(second, /^2:1\.0\.0~rc1\+0~20261123000000\+git[0-9a-f]+$/);
    assert.equal(dpkgCompareAll([[first, 'lt', second], ['2:1.0.0~rc1', 'lt', first], [second, 'lt', '2:1.0.0~rc2'], [second, 'lt', '2:1.0.0']]).failed, []);
    assert.equal(versionsOf(dir), [second, '2:1.0.0~rc1'], 'one snapshot entry on top of the release, not two');
  });

  toolTest(t, TOOLS, 'DEBEMAIL (with or without a name) names the maintainer; DEBFULLNAME completes a bare address', () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ DEBEMAIL: 'CI Bot <ci@example.org>' }, 'CI Bot <ci@example.org>'],
      [{ DEBEMAIL: 'ci@example.org', DEBFULLNAME: 'Build Robot' }, 'Build Robot <ci@example.org>'],
      [{ DEBEMAIL: 'ci@example.org' }, 'Team Lead <ci@example.org>'],
      [{ DEBFULLNAME: 'Only A Name' }, 'Team Lead <lead@example.org>'],
    ];
    for (const [vars, expected] of cases) {
      const { dir } = project(entry('1.0.0', 'UNRELEASED'));
      const r = pv(dir, ['release', 'v1.0.0'], env(vars));
      assert.is(r.code, 0, r.stderr);
      assert.is(parseChangelog(dir).fields.Maintainer, expected, JSON.stringify(vars));
    }
  });

  toolTest(t, TOOLS, 'release of an UNRELEASED top entry (equal or lower) finalizes it: tag version, staging, its text kept', () => {
    for (const [top, tag, expected] of [['1.2.0', 'v1.2.0', '1.2.0'], ['1.2.0~rc1', '1.2rc1', '1.2.0~rc1'], ['1.1.5', 'v1.2.0b1', '1.2.0~b1']] as const) {
      const { dir } = project(entry(top, 'UNRELEASED', 'New endpoint.') + '\n' + entry('1.1.0', 'staging'));
      const r = pv(dir, ['release', tag], env());
      assert.is(r.code, 0, r.stderr);
      const { fields, stderr } = parseChangelog(dir);
      assert.is(stderr, '');
      assert.equal([fields.Version, fields.Distribution, fields.Timestamp, fields.Urgency], [expected, 'staging', String(NOW), 'medium']);
      assert.match(parseChangelog(dir, ['-S', 'Changes']).raw, 'New endpoint.');
      assert.equal(versionsOf(dir), [expected, '1.1.0'], 'no entry added');
    }
  });

  toolTest(t, TOOLS, 'release above a released top adds a new staging entry naming the tag', () => {
    const { dir } = project(entry('1.2.0~rc1', 'staging'));
    const r = pv(dir, ['release', 'v1.2.0'], env());
    assert.is(r.code, 0, r.stderr);
    const { fields } = parseChangelog(dir);
    assert.equal([fields.Version, fields.Distribution, fields.Maintainer], ['1.2.0', 'staging', 'Team Lead <lead@example.org>']);
    assert.match(parseChangelog(dir, ['-S', 'Changes']).raw, 'Release v1.2.0.');
    assert.is(parseChangelog(dir, ['--offset', '1', '--count', '1']).fields.Version, '1.2.0~rc1');
  });

  toolTest(t, TOOLS, 'release equal to a released staging top leaves the changelog as it is (the team wrote it before tagging)', () => {
    const { dir } = project(entry('1.2.0', 'staging'));
    const before = changelogOf(dir);
    const r = pv(dir, ['release', '1.2'], env());
    assert.is(r.code, 0, r.stderr);
    assert.match(r.stdout, 'already releases 1.2.0 (staging)');
    assert.is(changelogOf(dir), before);
  });

  toolTest(t, TOOLS, 'a tag below the top version, an invalid tag or a missing tag: exit 2, one line, changelog unchanged', () => {
    const { dir } = project(entry('1:1.0.0', 'UNRELEASED'));
    const before = changelogOf(dir);
    const cases: Array<[string[], RegExp]> = [
      [['release', 'v2.0.0'], /tag v2\.0\.0 \(Debian version 2\.0\.0\) is lower than 1:1\.0\.0/],
      [['release', '1!0.9'], /lower than 1:1\.0\.0/],
      [['release', 'v1.0-final'], /invalid tag "v1\.0-final"/],
      [['release'], /release needs a TAG/],
      [['release', ''], /release needs a TAG/],
      [['snapshot', '--force'], /unknown option --force/],
      [['snapshot', 'a', 'b'], /unexpected argument "b"/],
    ];
    for (const [args, message] of cases) {
      const r = pv(dir, args, env());
      assert.is(r.code, 2, args.join(' '));
      assert.match(r.stderr, message);
      assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, /^pyservice-version: error: /);
    }
    assert.is(changelogOf(dir), before);
  });

  toolTest(t, TOOLS, 'failures are exit 1 with one clear line: no git repository, no changelog', () => {
    const { dir } = project(entry('1.0.0', 'UNRELEASED'));
    const noGit = pv(dir, ['snapshot'], env());
    assert.is(noGit.code, 1);
    assert.match(noGit.stderr, /is not in a git repository; a snapshot version names its commit/);
    const noChangelog = pv(join(dir, 'debian'), ['snapshot'], env());
    assert.is(noChangelog.code, 1);
    assert.match(noChangelog.stderr, /no debian\/changelog/);
    const badNow = pv(dir, ['snapshot'], env({ PYSERVICE_NOW: 'yesterday' }));
    assert.is(badNow.code, 2);
    assert.match(badNow.stderr, /PYSERVICE_NOW must be seconds since 1970/);
  });

  toolTest(t, TOOLS, 'SOURCE_DATE_EPOCH and PYSERVICE_GIT_SHA stand in for the clock and the repository', () => {
    const { dir } = project(entry('1.0.0', 'UNRELEASED'));
    const r = pv(dir, ['snapshot', '--print-version'], { SOURCE_DATE_EPOCH: '1700000000', PYSERVICE_GIT_SHA: 'abc1234' });
    assert.is(r.code, 0, r.stderr);
    assert.is(r.stdout, '1.0.0~20231114221320+gitabc1234\n');
  });

  toolTest(t, TOOLS, '--dry-run prints exactly the entry a real run writes and writes nothing; --print-version only the version', () => {
    for (const args of [['snapshot'], ['release', 'v1.3.0.post1']]) {
      const { dir } = project(entry('1.3.0', 'staging'), { git: true });
      const before = changelogOf(dir);
      const dry = pv(dir, [...args, '--dry-run'], env());
      const version = pv(dir, [...args, '--print-version'], env());
      assert.is(dry.code, 0, dry.stderr);
      assert.is(changelogOf(dir), before, 'dry runs write nothing');
      assert.equal(readdirSync(join(dir, 'debian')), ['changelog']);
      const real = pv(dir, args, env());
      assert.is(real.code, 0, real.stderr);
      assert.is(changelogOf(dir), dry.stdout + '\n' + before, 'the dry-run entry is what gets written, above the old text');
      assert.is(version.stdout, parseChangelog(dir).fields.Version + '\n');
    }
  });

  toolTest(t, TOOLS, 'the write is atomic: no temp file left behind, the file mode kept; show prints the top version', () => {
    const { dir } = project(entry('1.0.0', 'staging'), { git: true });
    chmodSync(join(dir, 'debian', 'changelog'), 0o664);
    assert.is(pv(dir, ['snapshot'], env()).code, 0);
    assert.is(pv(dir, ['release', 'v1.0.1'], env()).code, 0);
    assert.equal(readdirSync(join(dir, 'debian')), ['changelog']);
    assert.is(statSync(join(dir, 'debian', 'changelog')).mode & 0o777, 0o664);
    assert.is(pv(dir, [], env()).stdout, '1.0.1\n', 'release replaced the snapshot entry on top');
    assert.equal(versionsOf(dir), ['1.0.1', '1.0.0']);
  });

  if (s.interpreter === 'sh')
    toolTest(t, ['shellcheck'], 'the script is shellcheck-clean as POSIX sh', () => {
      const r = sh('shellcheck', ['-s', 'sh', s.path]);
      assert.is(r.code, 0, r.stdout + r.stderr);
    });

  t.run();
}
