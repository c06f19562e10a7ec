import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { cacheRoot, homeDir } from '../../src/paths.js';
import { trustFile } from '../../src/template-sources/trust.js';
import { defaultsFile } from '../../src/template-sources/team-defaults.js';
import { create, pyservice } from '../helpers/cli.js';
import { packageRoot } from '../../src/paths.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * A HOME (or NETRC) that is no absolute path. Before: joined as it was, so create wrote its caches under
 * ./relhome/.cache in the folder it ran in, and login would have written ~/.netrc into the project folder, where
 * pip (resolving it against its own folder) never looks.
 */
const t = suite('HOME and NETRC that are not absolute paths');

t("the caches and the config files fall back to the account's home; an absolute HOME is used as it is", () => {
  const own = userInfo().homedir;
  for (const HOME of ['relhome', '', './x', '~']) {
    assert.is(homeDir({ HOME }), own, JSON.stringify(HOME));
    assert.is(cacheRoot({ HOME }), join(own, '.cache', 'create-pyservice'));
    assert.is(trustFile({ HOME }), join(own, '.config', 'create-pyservice', 'trust.json'));
    assert.is(defaultsFile({ HOME }), join(own, '.config', 'create-pyservice', 'defaults.json'));
  }
  assert.is(cacheRoot({ HOME: '/home/pat' }), '/home/pat/.cache/create-pyservice');
  assert.is(cacheRoot({ HOME: 'relhome', XDG_CACHE_HOME: 'relcache' }), join(own, '.cache', 'create-pyservice'));
});

t('login with a relative HOME or NETRC is exit 2 in one line naming the variable; nothing is written in the folder', () => {
  const dir = tempDir('home-rel-');
  mkdirSync(join(dir, 'work'));
  const cwd = join(dir, 'work');
  const args = ['login', '--index-url', 'https://pypi.example.org/simple/', '--index-user', 'u'];
  for (const [env, want] of [
    [{ HOME: 'relhome', NETRC: undefined }, 'HOME is "relhome", not an absolute path: pip would look for ~/.netrc in whatever folder it runs in; set HOME to your home folder'],
    [{ HOME: dir, NETRC: 'logins' }, 'NETRC is "logins", not an absolute path'],
  ] as const) {
    const r = pyservice(args, { cwd, env: { ...env, XDG_CACHE_HOME: join(dir, 'cache'), PYSERVICE_INDEX_PASSWORD: 'pw' } });
    assert.is(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, want);
    assert.is(r.stderr.trim().split('\n').length, 1);
    assert.equal(readdirSync(cwd), [], 'nothing written where it ran');
  }
});

t('a HOME that does not exist (nobody\'s /nonexistent) is never made by a cache: create and deb run without one', () => {
  const dir = tempDir('home-missing-');
  const home = join(dir, 'nonexistent');
  const env = { HOME: home, XDG_CACHE_HOME: undefined };
  const made = create(['qzmissing-svc', '--yes', '--no-git', '--author', 'A', '--email', 'a@example.org'], { cwd: dir, env });
  assert.is(made.code, 0, made.stderr);
  cpSync(join(packageRoot(), 'test', 'fixtures', 'projects', 'console-scripts'), join(dir, 'cs'), { recursive: true });
  const deb = pyservice(['deb', 'cs', '--dry-run', '--yes', '--kind', 'tool', '--maintainer', 'A <a@example.org>', '--package', 'qz-cs'], { cwd: dir, env });
  assert.is(deb.code, 0, deb.stderr);
  assert.not.ok(existsSync(home), `${home} was made`);
  // an existing home gets its cache as before
  mkdirSync(home);
  assert.is(create(['qzmissing-two', '--yes', '--no-git', '--author', 'A', '--email', 'a@example.org'], { cwd: dir, env }).code, 0);
  assert.ok(existsSync(join(home, '.cache', 'create-pyservice')));
});

t.run();
