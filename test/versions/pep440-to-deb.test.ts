import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { toolTest } from '../helpers/tools.js';
import { dpkgCompareAll, runner, sh, VERSION_SCRIPTS } from './script.js';

for (const s of VERSION_SCRIPTS) {
  const { convert } = runner(s);
  const t = suite(`PEP 440 tag → Debian version (debian/pyservice-version convert; ${s.label})`);

  /** Tag → the Debian version a release of it gets. Readable forms, one spelling per PEP 440 version. */
  const CONVERSIONS: ReadonlyArray<readonly [string, string]> = [
    ['1.2.0', '1.2.0'],
    ['v1.2.0', '1.2.0'],
    ['V1.2.0', '1.2.0'],
    ['1.2', '1.2.0'],
    ['v2', '2.0.0'],
    ['1.2.0.0', '1.2.0'],
    ['1.2.3.4', '1.2.3.4'],
    ['01.002.0003', '1.2.3'],
    ['2024.10', '2024.10.0'],
    ['1.2.0rc1', '1.2.0~rc1'],
    ['v1.2.0rc1', '1.2.0~rc1'],
    ['1.2.0-rc.1', '1.2.0~rc1'],
    ['1.2.0c1', '1.2.0~rc1'],
    ['1.2.0pre1', '1.2.0~rc1'],
    ['1.2.0preview1', '1.2.0~rc1'],
    ['1.2.0a1', '1.2.0~a1'],
    ['1.2.0alpha1', '1.2.0~a1'],
    ['1.2.0a', '1.2.0~a0'],
    ['1.2.0b2', '1.2.0~b2'],
    ['1.2.0-beta_2', '1.2.0~b2'],
    ['1.2.0.dev3', '1.2.0~~dev3'],
    ['1.2.0dev', '1.2.0~~dev0'],
    ['1.2.0rc1.dev2', '1.2.0~rc1~dev2'],
    ['1.2.0.post1', '1.2.0+post1'],
    ['1.2.0-1', '1.2.0+post1'],
    ['1.2.0.rev2', '1.2.0+post2'],
    ['1.2.0r3', '1.2.0+post3'],
    ['1.2.0.post', '1.2.0+post0'],
    ['1.2.0.post1.dev2', '1.2.0+post1~dev2'],
    ['1.2.0rc1.post1', '1.2.0~rc1+post1'],
    ['1!1.2.0', '1:1.2.0'],
    ['v2!1.0rc1', '2:1.0.0~rc1'],
    ['0!1.2.0', '1.2.0'],
    ['1.2.0+ubuntu-1', '1.2.0+local.ubuntu.1'],
    ['1.2.0+Build_007', '1.2.0+local.build.7'],
    ['1.2.0.post1+abc', '1.2.0+post1+local.abc'],
  ];

  const INVALID = ['', 'v', 'vv1.0', 'release-1.0', '1.0.', '.1.0', '1..0', '1.0+', '1.0+a..b', '1.0 ', ' 1.0', '1.0rc1rc2', '1.0-', '1.0.post1.post2', '1.0.dev1.dev2', '1.0a1b1', 'x1.0', '1.0~rc1', '1:1.0', '1.0_', '1.0+ü', '1,0', 'latest'];

  toolTest(t, ['dpkg', '/usr/bin/python3'], 'tags convert to the documented Debian versions (one process for the table)', () => {
    const { out, run } = convert(CONVERSIONS.map(([tag]) => tag));
    assert.is(run.code, 0, run.stderr);
    assert.equal(
      out.map((deb, i) => `${CONVERSIONS[i]![0]} → ${deb}`),
      CONVERSIONS.map(([tag, deb]) => `${tag} → ${deb}`),
    );
  });

  toolTest(t, ['dpkg', '/usr/bin/python3'], 'invalid tags are exit 2, an empty line each and a one-line error naming the tag', () => {
    const { out, run } = convert(INVALID);
    assert.is(run.code, 2);
    assert.equal(out, INVALID.map(() => ''));
    const errors = run.stderr.trim().split('\n');
    assert.is(errors.length, INVALID.length);
    INVALID.forEach((tag, i) => assert.ok(errors[i]!.includes(`invalid tag "${tag}"`), errors[i]));
  });

  toolTest(t, ['dpkg', '/usr/bin/python3'], 'a batch with one bad tag still converts the others and fails with exit 2', () => {
    const { out, run } = convert(['1.0', 'nope', 'v2.0rc1']);
    assert.is(run.code, 2);
    assert.equal(out, ['1.0.0', '', '2.0.0~rc1']);
  });

  /**
   * PEP 440 versions in every spelling and corner: epochs, pre (a, b, rc and their aliases), .dev on releases,
   * pre- and post-releases, .post (and -N, rev, r), local labels, leading v, trailing zeros, long releases.
   * Their order comes from Debian's python3-packaging, not from this table.
   */
  const ORDER_CORPUS = [
    '0.1', '0.9', '0.9.9', '0.10', '1.0.dev0', '1.0.dev1', '1.0.dev1+local5', 'v1.0.dev2', '1.0a0.dev0', '1.0a', '1.0a1.dev1', '1.0a1', '1.0alpha1',
    '1.0a1.post1.dev1', '1.0a1.post1', '1.0a1+abc', '1.0a2', '1.0b1', '1.0-beta-', '1.0beta2', '1.0b2.dev1', '1.0b2', '1.0rc1.dev1', '1.0rc1', '1.0c1',
    '1.0rc1+x', '1.0rc1.post1', '1.0c2', '1.0-rc-2', '1.0.RC.2', '1.0pre3', '1.0preview4', '1.0rc10', '1.0-dev-', '1.0', 'v1.0', '1.0.0', '1.0.0.0', '0!1.0', '01.00',
    '1.0+abc', '1.0+abc.5', '1.0+abd', '1.0.post0.dev0', '1.0.post0', '1.0.post', '1.0-1', '1.0.post1', '1.0rev1', '1.0.r1', '1.0post1',
    '1.0.post1+xyz', '1.0.post2.dev9', '1.0.post2', '1.0.0.1', '1.0.0.1rc1', '1.0.0.1.dev1', '1.0.1rc1', '1.0.1', '1.0.1.post10', '1.1.dev1',
    '1.1', 'V1.1.0', '1.1.0.1', '1.2', '1.9', '1.10', '1.10.0rc1', '1.10.0', '1.100', '2.0', '2.0.0.0.1', '10.0', '2013.10', '2013.10.1',
    '1!0.1', '1!1.0.dev1', '1!1.0rc1', '1!1.0', '1!1.0.post1', '2!0.0.1', '10!0.1',
  ];

  toolTest(t, ['dpkg', '/usr/bin/python3'], 'PEP 440 order of the tags (python3-packaging) is dpkg order of their Debian versions', () => {
    // 1. PEP 440 order, with ties, from the reference implementation Debian ships.
    const py = sh('/usr/bin/python3', ['-c', [
      'import json, sys',
      'from packaging.version import Version',
      'tags = sys.argv[1:]',
      'ordered = sorted(tags, key=Version)',
      'print(json.dumps([[t, Version(t) == Version(ordered[i - 1]) if i else False] for i, t in enumerate(ordered)]))',
    ].join('\n'), ...ORDER_CORPUS]);
    assert.is(py.code, 0, py.stderr);
    const ordered = JSON.parse(py.stdout) as Array<[string, boolean]>;
    assert.is(ordered.length, ORDER_CORPUS.length);
    // 2. Their Debian forms, in one call.
    const { out, run } = convert(ordered.map(([tag]) => tag));
    assert.is(run.code, 0, run.stderr);
    // 3. Neighbours in PEP 440 order must be equal or strictly increasing in dpkg's order; by transitivity the whole
    //    corpus then sorts the same way under both.
    const triples = ordered.slice(1).map(([, tiedWithPrevious], i) => [out[i]!, tiedWithPrevious ? 'eq' : 'lt', out[i + 1]!] as const);
    const { failed, checked } = dpkgCompareAll(triples);
    assert.is(checked, ORDER_CORPUS.length - 1);
    assert.equal(failed, [], failed.join('\n'));
    // Ties are real: several spellings of 1.0 and of 1.0rc2 and of 1.0.post1 map to one Debian version each.
    assert.ok(triples.filter(([, rel]) => rel === 'eq').length >= 10);
  });

  toolTest(t, ['dpkg', '/usr/bin/python3'], 'valid and invalid agree with python3-packaging (the same grammar)', () => {
    const tags = [...ORDER_CORPUS, ...INVALID.filter((s) => s.trim() === s)];
    const py = sh('/usr/bin/python3', ['-c', [
      'import json, sys',
      'from packaging.version import Version, InvalidVersion',
      'def ok(t):',
      '    try:',
      '        Version(t)',
      '        return True',
      '    except InvalidVersion:',
      '        return False',
      'print(json.dumps([ok(t) for t in sys.argv[1:]]))',
    ].join('\n'), ...tags]);
    assert.is(py.code, 0, py.stderr);
    const expected = JSON.parse(py.stdout) as boolean[];
    const { out } = convert(tags);
    assert.equal(tags.map((tag, i) => `${tag}: ${out[i] !== ''}`), tags.map((tag, i) => `${tag}: ${expected[i]}`));
  });

  t.run();
}
