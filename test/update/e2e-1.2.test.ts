import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { appendFileSync, chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startIndexServer } from '../fixtures/index-server/server.js';
import { writePrivateWheel } from '../helpers/private-wheel.js';
import { cleanEnv, tempDir } from '../helpers/tmp.js';
import { isCI, toolTest } from '../helpers/tools.js';
import { spawnText } from '../helpers/spawn-text.js';
import { commitAll, git, oldProject, read, update } from './fixtures.js';

/**
 * Projects made by templates 1.0.0 and 1.1.0, edited by their team in the Makefile, setup.py, the CI file and
 * debian/, update to templates 1.2.0: the edits are kept, nothing conflicts. Then, as the team would, under a
 * clean environment (temp HOME, /usr/bin/python3, no pip configuration but the project's): make test; make lock
 * and make wheelhouse against a private index on loopback (login in ~/.netrc); the index goes down; make deb
 * builds from the wheelhouse alone; dpkg -i installs it and the program runs with its private dependency.
 * A tampered lock then fails the build with pip's hash message. One .deb per starting version.
 */
const t = suite('update 1.0.0 / 1.1.0 → 1.2.0 with team edits, then test, lock, wheelhouse, deb with the index down, install, run');
const PASSWORD = 'e2e-inst-9d1c';
const TOOLS = ['git', 'make', '/usr/bin/python3', 'dpkg-buildpackage', 'dh_virtualenv', 'dpkg', 'flock'];

/** dpkg through the lock every test run shares, so that two runs never meet on dpkg's own lock. */
const dpkg = (...args: string[]) => spawnSync('flock', ['/tmp/pyservice-dpkg.lock', 'dpkg', ...args], { encoding: 'utf8', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });

function teamEdits(dir: string, name: string, pkg: string): void {
  appendFileSync(join(dir, 'Makefile'), `\nsmoke: venv ## Team: import the package\n\t$(VENV)/bin/python -c "import ${name.replace(/-/g, '_')}"\n`);
  writeFileSync(join(dir, 'Makefile'), read(dir, 'Makefile').replace(/^PYTEST_ARGS \?=$/m, 'PYTEST_ARGS ?= -q'));
  writeFileSync(join(dir, 'setup.py'), read(dir, 'setup.py').replace('    install_requires=[\n', '    install_requires=[\n        "acme-private-dep>=1.0",\n'));
  const ci = '.github/workflows/ci.yml';
  writeFileSync(join(dir, ci), read(dir, ci).replace('permissions:\n  contents: read\n', 'permissions:\n  contents: read\n\nconcurrency:\n  group: ci-${{ github.ref }}\n  cancel-in-progress: true\n'));
  appendFileSync(join(dir, 'debian/rules'), '\n# team: keep the changelog as it is\noverride_dh_installchangelogs:\n\tdh_installchangelogs\n');
  appendFileSync(join(dir, `debian/conf/${pkg}.env`), '# team: our own setting\n');
  commitAll(dir, 'team edits');
}

for (const from of ['1.0.0', '1.1.0']) {
  const name = `e2e-upd-${from.replace(/\./g, '')}`;
  toolTest(t, TOOLS, `from ${from}: edits kept without a conflict; test, lock, wheelhouse, deb offline, dpkg -i, run`, async () => {
    if (process.getuid?.() !== 0) {
      if (isCI()) assert.unreachable('needs root (dpkg -i); a skip is a failure under CI=true');
      console.log(`  skip: ${name}: needs root (dpkg -i)`);
      return;
    }
    const dir = await oldProject({ type: 'service', name, ci: 'github' }, from);
    teamEdits(dir, name, name);
    const { result } = await update(dir);
    assert.equal(result.actions.filter((a) => a.action === 'conflict').map((a) => a.path), [], 'conflicts');
    assert.is(git(dir, 'ls-files', '-u').trim(), '');
    const mk = read(dir, 'Makefile');
    assert.match(mk, /^PYTEST_ARGS \?= -q$/m);
    assert.match(mk, /^smoke: venv ## Team: import the package$/m);
    assert.ok(mk.indexOf('PYTEST_ARGS ?= -q') < mk.indexOf('include pyservice.mk') && mk.indexOf('include pyservice.mk') < mk.indexOf('smoke:'), mk);
    assert.match(read(dir, 'setup.py'), /"acme-private-dep>=1\.0",/);
    assert.match(read(dir, '.github/workflows/ci.yml'), /cancel-in-progress: true/);
    assert.match(read(dir, 'debian/rules'), /^override_dh_installchangelogs:\n\tdh_installchangelogs$/m);
    assert.match(read(dir, 'debian/rules'), /^include debian\/pyservice\.mk$/m);
    assert.match(read(dir, `debian/conf/${name}.env`), /# team: our own setting/);
    commitAll(dir, 'templates 1.2.0');

    const home = tempDir('e2e-home-');
    const env = cleanEnv(home);
    const wheels = tempDir('e2e-wheels-');
    writePrivateWheel(wheels);
    const index = await startIndexServer({ users: { installer: { password: PASSWORD, upload: false } }, wheelDirs: [wheels] });
    let closed = false;
    try {
      writeFileSync(join(home, '.netrc'), `machine 127.0.0.1 login installer password ${PASSWORD}\n`);
      chmodSync(join(home, '.netrc'), 0o600);
      writeFileSync(join(dir, 'pip.conf'), read(dir, 'pip.conf').replace(/^# index-url = .*$/m, `index-url = ${index.simpleUrl}`));
      const help = await spawnText('make', ['help'], dir, env);
      assert.match(help.out, /^ {2}smoke\s+Team: import the package$/m);
      const test = await spawnText('make', ['test'], dir, env);
      assert.is(test.code, 0, test.out);
      assert.match(test.out, /-m pytest -q/, 'the team setting applies');
      const lock = await spawnText('make', ['lock'], dir, env);
      assert.is(lock.code, 0, lock.out);
      assert.match(read(dir, 'requirements.lock'), /^acme-private-dep==1\.0 \\\n {4}--hash=sha256:[0-9a-f]{64}$/m);
      const wh = await spawnText('make', ['wheelhouse'], dir, env);
      assert.is(wh.code, 0, wh.out);
      assert.equal(readdirSync(join(dir, 'wheelhouse')), ['acme_private_dep-1.0-py3-none-any.whl']);
      assert.not.ok((lock.out + wh.out).includes(PASSWORD));
      await index.close();
      closed = true;
      const seen = index.requests.length;

      const deb = await spawnText('make', ['deb'], dir, env);
      assert.is(deb.code, 0, deb.out.slice(-5000));
      assert.match(deb.out, /installing from wheelhouse\/ and \/usr\/share\/python-wheels only \(no index\)/);
      assert.is(index.requests.length, seen, 'the build reached for the index');
      const debs = readdirSync(join(dir, 'debs'));
      const file = debs.find((f) => f.endsWith('.deb'))!;
      assert.ok(file, debs.join(' '));
      assert.ok(debs.some((f) => f.endsWith('.changes')) && debs.every((f) => f.startsWith(`${name}_`)), debs.join(' '));

      const inst = dpkg('-i', join(dir, 'debs', file));
      try {
        assert.is(inst.status, 0, inst.stdout + inst.stderr);
        const v = spawnSync(`/usr/bin/${name}`, ['--version'], { encoding: 'utf8' });
        assert.is(v.stdout.trim(), `${name} 0.1.0`, v.stderr);
        const dep = spawnSync(`/opt/venvs/${name}/bin/python`, ['-c', 'import acme_private_dep as m; print(m.VALUE)'], { encoding: 'utf8' });
        assert.is(dep.stdout.trim(), 'private', dep.stderr);
      } finally {
        dpkg('--purge', name);
      }

      if (from === '1.1.0') {
        // A lock whose hash does not match the wheelhouse's file: pip's hash-checking mode stops the build.
        writeFileSync(join(dir, 'requirements.lock'), read(dir, 'requirements.lock').replace(/sha256:[0-9a-f]{8}/, 'sha256:00000000'));
        const bad = await spawnText('make', ['deb'], dir, env);
        assert.is.not(bad.code, 0);
        assert.match(bad.out, /THESE PACKAGES DO NOT MATCH THE HASHES/);
        assert.not.ok(existsSync(join(dir, 'debs', file)), 'a failed build leaves no package behind');
      }
    } finally {
      if (!closed) await index.close();
    }
  });
}

t.run();
