import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { appendFileSync, chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { planProject, type ProjectRecord } from '../../src/plan/file-plan.js';
import { debianOnly } from '../../src/update/gather.js';
import { tempDir } from '../helpers/tmp.js';
import { toolTest } from '../helpers/tools.js';
import { commitAll, git, oldProject, read, update } from './fixtures.js';

/**
 * Templates 1.2.0 → 1.3.0 by `pyservice update`, the way teams get it: a service made by `create` (a generated
 * service) and one made by `pyservice deb` (gunicorn's shape: someone else's program), each with the team's
 * edits in debian/. The edits stay without a conflict; the generated service keeps its settings and man page;
 * the adopted one gets DAEMON_ARGS and loses the generated service's man page; both divert their commands; the
 * maintainer scripts pass shellcheck.
 */
const t = suite('update 1.2.0 → 1.3.0: team edits kept; generated and adopted services');

/** A project as `pyservice deb` left it under templates 1.2.0: debian/ only, its record and baseline, committed. */
function debProject12(): string {
  const dir = join(tempDir('pyservice-deb12-'), 'gunicorn-23.0.0');
  const record: ProjectRecord = {
    tool: 'create-pyservice',
    toolVersion: '0.1.0',
    templateVersion: '1.2.0',
    created: '2026-11-28T10:00:00.000Z',
    origin: 'deb',
    answers: {
      type: 'service', name: 'pst-gunicorn', description: 'WSGI HTTP Server for UNIX', author: 'Ops Team', email: 'ops@example.org', url: 'https://gunicorn.org',
      version: '23.0.0', ci: 'none', indexUrl: '', uploadUrl: '', indexUser: '', distro: 'bookworm', buildDeps: [], consoleScripts: ['gunicorn = gunicorn.app.wsgiapp:run'], license: 'Expat',
    },
  };
  const plan = planProject(record, (p) => debianOnly(p) || p.startsWith('.pyservice.'));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'pyproject.toml'), '[project]\nname = "gunicorn"\nversion = "23.0.0"\n[project.scripts]\ngunicorn = "gunicorn.app.wsgiapp:run"\n');
  for (const f of plan.files) {
    mkdirSync(dirname(join(dir, f.path)), { recursive: true });
    writeFileSync(join(dir, f.path), f.content);
    chmodSync(join(dir, f.path), f.mode);
  }
  git(dir, 'init', '-q');
  commitAll(dir, 'gunicorn 23.0.0 with debian/ from pyservice deb (templates 1.2.0)');
  return dir;
}

function shellcheck(dir: string, files: string[]): void {
  const r = spawnSync('shellcheck', ['-s', 'sh', ...files], { cwd: dir, encoding: 'utf8' });
  assert.is(r.status, 0, r.stdout + r.stderr);
}

toolTest(t, ['git', 'shellcheck'], 'a created service: edits to debian/rules, the unit and the env file stay; settings and man page stay; commands diverted', async () => {
  const dir = await oldProject({ type: 'service', name: 'upd13-svc', ci: 'github' }, '1.2.0');
  writeFileSync(join(dir, 'debian/rules'), read(dir, 'debian/rules').replace('include debian/pyservice.mk\n', 'export DH_VERBOSE = 1\ninclude debian/pyservice.mk\n'));
  writeFileSync(join(dir, 'debian/upd13-svc.service'), read(dir, 'debian/upd13-svc.service').replace('RestartSec=5s\n', 'RestartSec=5s\nLimitNOFILE=65536\n'));
  appendFileSync(join(dir, 'debian/conf/upd13-svc.env'), '# team: our own setting\nUPD13_SVC_EXTRA=1\n');
  commitAll(dir, 'team edits');

  const { result } = await update(dir, { to: '1.3.0' }); // this transition's test: pinned, not "latest"
  assert.is(result.to, '1.3.0');
  assert.equal(result.actions.filter((a) => a.action === 'conflict').map((a) => a.path), [], 'conflicts');
  assert.is(git(dir, 'ls-files', '-u').trim(), '');
  assert.match(read(dir, 'debian/rules'), /^export DH_VERBOSE = 1\ninclude debian\/pyservice\.mk$/m);
  const unit = read(dir, 'debian/upd13-svc.service');
  assert.match(unit, /^RestartSec=5s\nLimitNOFILE=65536$/m);
  assert.match(unit, /^ExecStart=\/opt\/venvs\/upd13-svc\/bin\/upd13-svc$/m, 'a generated service takes no DAEMON_ARGS');
  assert.match(unit, /^Documentation=man:upd13-svc\(1\)$/m);
  const env = read(dir, 'debian/conf/upd13-svc.env');
  assert.match(env, /^UPD13_SVC_INTERVAL=10$/m);
  assert.match(env, /^# team: our own setting\nUPD13_SVC_EXTRA=1\n$/m);
  assert.ok(existsSync(join(dir, 'debian/upd13-svc.1')) && existsSync(join(dir, 'debian/upd13-svc.manpages')), 'the generated service keeps its man page');
  // New in 1.3.0 for every service: a preinst that diverts, a postrm that gives back and purges
  const mk = read(dir, 'debian/pyservice.mk');
  assert.match(mk, /--extra-pip-arg=,--ignore-installed /);
  assert.match(mk, /^ifeq \(\$\(wildcard PKG-INFO\)\$\(shell git rev-parse --git-dir 2>\/dev\/null\),\)$/m);
  assert.match(read(dir, 'debian/upd13-svc.preinst'), /dpkg-divert --package upd13-svc --add --rename --divert \/usr\/bin\/upd13-svc\.distrib \/usr\/bin\/upd13-svc/);
  const postrm = read(dir, 'debian/upd13-svc.postrm');
  assert.match(postrm, /dpkg-divert --package upd13-svc --remove --rename/);
  assert.match(postrm, /rm -rf \/var\/lib\/upd13-svc \/var\/lib\/private\/upd13-svc/);
  shellcheck(dir, ['debian/upd13-svc.preinst', 'debian/upd13-svc.postrm']);
  assert.is(JSON.parse(read(dir, '.pyservice.json')).answers.adopted, undefined, 'a created service is not adopted');
});

toolTest(t, ['git', 'shellcheck'], 'a service from pyservice deb (1.2.0 record without "adopted"): DAEMON_ARGS, no generated settings or man page, the team\'s unit edit kept', async () => {
  const dir = debProject12();
  writeFileSync(join(dir, 'debian/pst-gunicorn.service'), read(dir, 'debian/pst-gunicorn.service').replace('UMask=0027\n', 'UMask=0027\nTimeoutStopSec=30\n'));
  commitAll(dir, 'team edit');
  const { result } = await update(dir, { to: '1.3.0' }); // this transition's test: pinned, not "latest"
  assert.is(result.to, '1.3.0');
  assert.equal(result.actions.filter((a) => a.action === 'conflict').map((a) => a.path), [], 'conflicts');
  const unit = read(dir, 'debian/pst-gunicorn.service');
  assert.match(unit, /^ExecStart=\/opt\/venvs\/pst-gunicorn\/bin\/gunicorn \$DAEMON_ARGS$/m);
  assert.match(unit, /^Documentation=https:\/\/gunicorn\.org$/m);
  assert.match(unit, /^UMask=0027\nTimeoutStopSec=30$/m, 'the team\'s edit');
  const env = read(dir, 'debian/conf/pst-gunicorn.env');
  assert.equal(env.match(/^[A-Z_]+(?==)/gm), ['DAEMON_ARGS']);
  for (const gone of ['debian/pst-gunicorn.1', 'debian/pst-gunicorn.manpages']) assert.not.ok(existsSync(join(dir, gone)), `${gone} is a generated service's`);
  assert.match(read(dir, 'debian/pst-gunicorn.lintian-overrides'), /^pst-gunicorn: no-manual-page \[usr\/bin\/gunicorn\]$/m);
  assert.not.match(read(dir, 'debian/pst-gunicorn.links'), /man1/);
  assert.match(read(dir, 'debian/pst-gunicorn.preinst'), /--divert \/usr\/bin\/gunicorn\.distrib \/usr\/bin\/gunicorn/);
  shellcheck(dir, ['debian/pst-gunicorn.preinst', 'debian/pst-gunicorn.postrm']);
  const record = JSON.parse(read(dir, '.pyservice.json'));
  assert.is(record.templateVersion, '1.3.0');
  assert.is(record.answers.adopted, true);
  assert.equal(git(dir, 'status', '--porcelain').split('\n').filter((l) => l.startsWith('??')), [], 'every file update wrote is staged');
  assert.not.match(git(dir, 'status', '--porcelain'), /pyproject\.toml/, 'update of a deb project writes debian/ only');
});

t.run();
