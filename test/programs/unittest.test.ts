import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { packageRoot } from '../../src/paths.js';
import { cleanEnv, tempDir } from '../helpers/tmp.js';
import { toolTest } from '../helpers/tools.js';

/**
 * programs/: the programs generated projects run (debian/pyservice-version, build-aux/pyservice-release.py,
 * build-aux/pyservice-lock.py, build-aux/pyservice-tagged.py) are Python with unit tests of their own in programs/tests (Python's unittest).
 * `npm test` runs them here, with Debian's python3 in a clean environment; the programs as shipped are
 * exercised end to end in test/versions and test/generated.
 */
const t = suite('programs/: Python unit tests (python3 -m unittest)');

toolTest(t, ['/usr/bin/python3', 'dpkg'], 'every unit test in programs/tests passes', () => {
  const programs = join(packageRoot(), 'programs');
  const r = spawnSync('/usr/bin/python3', ['-I', '-B', '-m', 'unittest', 'discover', '-v', '-s', programs, '-t', programs, '-p', 'test_*.py'], {
    cwd: programs,
    env: cleanEnv(tempDir('programs-home-')),
    encoding: 'utf8',
  });
  assert.is(r.status, 0, r.stderr);
  const ran = Number(/^Ran (\d+) tests?/m.exec(r.stderr)?.[1] ?? 0);
  assert.ok(ran >= 20, `ran ${ran} tests:\n${r.stderr}`);
  // Each program has its own test module, and each ran (-v names every test with its module). The list is the
  // folder's, so a program added without tests fails here (a hand-written list passed a new program silently).
  const shipped = readdirSync(programs).filter((f) => f.endsWith('.py')).map((f) => f.slice(0, -3));
  assert.ok(shipped.length >= 5, `programs/ holds ${shipped.join(', ')}`);
  for (const program of shipped) assert.match(r.stderr, `tests.test_${program}.`, `programs/${program}.py has no test module programs/tests/test_${program}.py, or none of its tests ran`);
  console.log(`  programs/tests: ${ran} Python unit tests`);
});

t.run();
