import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/paths.js';
import { PYSERVICE_BIN } from '../helpers/cli.js';
import { cleanEnv, tempDir } from '../helpers/tmp.js';
import { toolTest } from '../helpers/tools.js';

/** pyservice deb --kind, name collisions with Debian, --index-url and the upstream copyright, end to end. */
const t = suite('pyservice deb: tool or service, collisions, index-url, copyright');
const PY = '/usr/bin/python3';
const ME = 'Pat Doe <pat@example.org>';

function project(): string {
  const dir = join(tempDir(), 'p');
  cpSync(join(packageRoot(), 'test', 'fixtures', 'projects', 'console-scripts'), dir, { recursive: true });
  return dir;
}
function deb(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [PYSERVICE_BIN, 'deb', ...args], { env: { ...cleanEnv(tempDir()), NO_COLOR: '1', ...env }, encoding: 'utf8', input: '' });
  return { code: r.status ?? 128, stdout: r.stdout, stderr: r.stderr };
}

toolTest(t, [PY], 'a service whose package would run as an account Debian systems have (backup) is refused before the maintainer; --prefix gives it its own; a dry run lists it', () => {
  const dir = join(tempDir(), 'backup');
  mkdirSync(dir);
  writeFileSync(join(dir, 'pyproject.toml'), '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n[project]\nname = "backup"\nversion = "1.0"\ndescription = "Backs things up"\nlicense = {text = "MIT"}\n[project.scripts]\nbackup = "backup:main"\n');
  writeFileSync(join(dir, 'backup.py'), 'def main():\n    pass\n');
  // no maintainer anywhere: the refusal comes first
  const real = deb([dir, '--yes', '--kind', 'service']);
  assert.is(real.code, 2, real.stderr);
  assert.match(real.stderr.trim(), /^error: a service runs as the system user named after its package, and "backup" is an account or group every Debian system already has or reserves: .*--prefix TEAM \(or PYSERVICE_DEB_PREFIX\) gives TEAM-backup, or --package NAME$/);
  assert.equal(readdirSync(dir).sort(), ['backup.py', 'pyproject.toml']);
  const dry = deb([dir, '--maintainer', ME, '--yes', '--kind', 'service', '--dry-run', '--json']);
  assert.is(dry.code, 0, dry.stderr);
  assert.match(JSON.parse(dry.stdout).refusals.join('\n'), /"backup" is an account or group/);
  // a tool has no system user; a prefixed service has its own
  assert.is(deb([dir, '--maintainer', ME, '--yes', '--kind', 'tool', '--dry-run']).code, 0);
  const prefixed = deb([dir, '--maintainer', ME, '--yes', '--kind', 'service', '--prefix', 'acme']);
  assert.is(prefixed.code, 0, prefixed.stderr);
  assert.match(readFileSync(join(dir, 'debian', 'acme-backup.service'), 'utf8'), /^User=acme-backup$/m);
});

toolTest(t, [PY], 'a service needs a console script to run: a daemon that is a setup.py scripts= file, or none, is refused (exit 2) before debian/ is written; a dry run lists it', () => {
  // prometheus-openstack-exporter 0.1.4 (Debian source): its daemon is setup.py scripts=["prometheus-openstack-exporter"].
  // Measured on the old code: --kind service wrote ExecStart=/opt/venvs/acme-openstack-exporter/bin/acme-openstack-exporter
  // and a /usr/bin link to it, a program its wheel never has; --service-command prometheus-openstack-exporter said
  // 'the project has no console script ... it has: none'
  const dir = join(tempDir(), 'exporter');
  mkdirSync(dir);
  writeFileSync(join(dir, 'setup.py'), 'from setuptools import setup\nsetup(name="prometheus_openstack_exporter", version="0.0.4", description="Exposes metrics", license="GPLv3", scripts=["prometheus-openstack-exporter"], install_requires=[])\n');
  writeFileSync(join(dir, 'prometheus-openstack-exporter'), '#!/usr/bin/env python\nprint("serving")\n');
  const files = readdirSync(dir).sort();
  const fix = /declare the daemon as one upstream \(entry_points console_scripts, or \[project\.scripts\]: "prometheus-openstack-exporter = module:function"\) and pass --service-command prometheus-openstack-exporter$/;
  const base = [dir, '--maintainer', ME, '--yes', '--kind', 'service', '--package', 'acme-openstack-exporter'];
  const real = deb(base);
  assert.is(real.code, 2, real.stderr);
  assert.is(real.stderr.trim().split('\n').length, 1, real.stderr);
  assert.match(real.stderr.trim(), /^error: the project's commands are setup\.py scripts= files \(prometheus-openstack-exporter\), not entry points, and a service's unit runs a console script's command \(\/opt\/venvs\/acme-openstack-exporter\/bin\/NAME\); /);
  assert.match(real.stderr.trim(), fix);
  const named = deb([...base, '--service-command', 'prometheus-openstack-exporter']);
  assert.is(named.code, 2, named.stderr);
  assert.match(named.stderr.trim(), /^error: "prometheus-openstack-exporter" \(--service-command\) is a setup\.py scripts= file, not an entry point/);
  assert.match(named.stderr.trim(), fix);
  assert.equal(readdirSync(dir).sort(), files);
  const dry = deb([...base, '--dry-run', '--json']);
  assert.is(dry.code, 0, dry.stderr);
  const report = JSON.parse(dry.stdout) as { refusals: string[]; notes: string[] };
  assert.match(report.refusals.join('\n'), /setup\.py scripts= files \(prometheus-openstack-exporter\)/);
  assert.not.match(report.notes.join('\n'), /generated-service default/);
  assert.equal(readdirSync(dir).sort(), files);
  // A library (no command at all) as a service: refused the same way, with its own reason
  writeFileSync(join(dir, 'setup.py'), 'from setuptools import setup\nsetup(name="plainlib", version="1.0", description="A library", license="MIT", py_modules=["plainlib"])\n');
  writeFileSync(join(dir, 'plainlib.py'), '');
  const lib = deb([dir, '--maintainer', ME, '--yes', '--kind', 'service', '--package', 'acme-plainlib']);
  assert.is(lib.code, 2, lib.stderr);
  assert.match(lib.stderr.trim(), /^error: the project declares no console scripts, so a service has no daemon to run: a service's unit runs a console script's command \(\/opt\/venvs\/acme-plainlib\/bin\/NAME\); .*or ship a library as a wheel to your package index$/);
  assert.not.ok(existsSync(join(dir, 'debian')));
});

toolTest(t, [PY], 'a service whose sources name state folders outside /var/lib/PKG gets a note naming them and where (radicale\'s storage default)', () => {
  // radicale 3.5.3 (Debian source) as acme-radicale, from its ExecStart line as the service user with the shipped empty
  // DAEMON_ARGS: '[Errno 13] Permission denied: '/var/lib/radicale'' at startup; its default is in radicale/config.py
  const dir = join(tempDir(), 'radicale');
  mkdirSync(join(dir, 'radicale'), { recursive: true });
  mkdirSync(join(dir, 'tests'));
  writeFileSync(join(dir, 'pyproject.toml'), '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n[project]\nname = "Radicale"\nversion = "3.5.3"\ndescription = "CalDAV and CardDAV Server"\nlicense = {text = "GPL-3.0-or-later"}\n[project.scripts]\nradicale = "radicale.__main__:run"\n[tool.setuptools]\npackages = ["radicale"]\n');
  writeFileSync(join(dir, 'radicale', '__init__.py'), '');
  writeFileSync(join(dir, 'radicale', '__main__.py'), 'def run():\n    pass\n');
  writeFileSync(join(dir, 'radicale', 'config.py'), [
    '# "/var/log/commented" is no default',
    'DEFAULT = {',
    '    "dovecot_socket": "/var/run/dovecot/auth-client",',
    '    "filesystem_folder": "/var/lib/radicale/collections",',
    '    "own": "/var/lib/acme-radicale/data",',
    '}',
    '',
  ].join('\n'));
  writeFileSync(join(dir, 'tests', 'test_paths.py'), 'X = "/var/lib/only-in-tests"\n');
  const notesOf = (args: string[]) => {
    const r = deb([dir, '--maintainer', ME, '--yes', '--dry-run', '--json', ...args]);
    assert.is(r.code, 0, r.stderr);
    return (JSON.parse(r.stdout) as { notes: string[] }).notes.join('\n');
  };
  const notes = notesOf(['--kind', 'service', '--prefix', 'acme']);
  assert.match(notes, /radicale's sources name state folders outside \/var\/lib\/acme-radicale: \/var\/lib\/radicale\/collections \(radicale\/config\.py:4\)\. The unit lets the service write only \/var\/lib\/acme-radicale .*point it under \/var\/lib\/acme-radicale in DAEMON_ARGS or its configuration/);
  assert.not.match(notes, /only-in-tests|commented|dovecot|acme-radicale\/data/);
  // a tool has no unit, so nothing to say
  assert.not.match(notesOf(['--kind', 'tool', '--prefix', 'acme']), /state folders/);
});

toolTest(t, [PY], 'a project whose Requires-Python excludes the target release\'s Python is refused before anything is written (pip would refuse it mid-build)', () => {
  // Debian's pip 23 on the wheel of a requires-python >=3.12 project: "requires a different Python: 3.11.2 not in '>=3.12'"
  const dir = join(tempDir(), 'newpy');
  mkdirSync(dir);
  writeFileSync(join(dir, 'pyproject.toml'), '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n[project]\nname = "newpy"\nversion = "1.0"\ndescription = "Needs a Python no release has"\nrequires-python = ">=3.99"\n[project.scripts]\nnewpy = "newpy:main"\n');
  writeFileSync(join(dir, 'newpy.py'), 'def main():\n    pass\n');
  const real = deb([dir, '--maintainer', ME, '--yes', '--kind', 'tool']);
  assert.is(real.code, 2, real.stderr);
  assert.match(real.stderr.trim(), /^error: the project requires Python ">=3\.99" \(Requires-Python\) and bookworm's python3 is 3\.11(\.\d+)?: pip would refuse to install it while the package builds; relax requires-python upstream$/);
  assert.equal(readdirSync(dir).sort(), ['newpy.py', 'pyproject.toml']);
  const dry = deb([dir, '--maintainer', ME, '--yes', '--kind', 'tool', '--dry-run', '--json']);
  assert.is(dry.code, 0, dry.stderr);
  assert.match(JSON.parse(dry.stdout).refusals.join('\n'), /requires Python ">=3\.99"/);
  // The interpreter's own Python accepted: no refusal
  writeFileSync(join(dir, 'pyproject.toml'), readFileSync(join(dir, 'pyproject.toml'), 'utf8').replace('>=3.99', '>=3.8'));
  assert.equal(JSON.parse(deb([dir, '--maintainer', ME, '--yes', '--kind', 'tool', '--dry-run', '--json']).stdout).refusals, []);
});

toolTest(t, [PY], 'an emoji in the summary reaches debian/control whole; an invisible character gets the fallback synopsis with a fix deb has (no --description flag)', () => {
  // domdf-python-tools 3.10: "Helpful functions for Python\u2002🐍\u2002🛠️" (U+FE0F after the hammer and wrench)
  const summary = (description: string) => {
    const dir = join(tempDir(), 'emoji');
    mkdirSync(dir);
    writeFileSync(join(dir, 'setup.py'), `from setuptools import setup\nsetup(name="emojitool", version="1.0", description=${JSON.stringify(description)}, py_modules=["emojitool"], entry_points={"console_scripts": ["emojitool = emojitool:main"]})\n`);
    const r = deb([dir, '--maintainer', ME, '--yes', '--kind', 'tool', '--dry-run', '--json']);
    assert.is(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as { answers: { description: string }; notes: string[] };
  };
  const emoji = summary('Helpful functions for Python\u2002\u{1F40D}\u2002\u{1F6E0}\uFE0F and \u{1F468}\u200D\u{1F4BB}');
  assert.is(emoji.answers.description, 'Helpful functions for Python \u{1F40D} \u{1F6E0} and \u{1F468}\u{1F4BB}');
  assert.not.match(emoji.notes.join('\n'), /description/);
  // A zero-width space is still refused: the fallback, and the note says where the synopsis is changed
  const hidden = summary('Lists\u200Bthings');
  assert.is(hidden.answers.description, 'Command-line tool written in Python');
  const note = hidden.notes.find((n) => n.includes('description')) ?? '';
  assert.match(note, /control or invisible character/);
  assert.match(note, /debian\/control's Description: edit it there, or the project's summary\)$/);
  assert.not.match(note, /--description/);
});

toolTest(t, [PY], 'a library (no scripts) is refused as a tool: the real run exits 2 writing nothing, the dry run lists the refusal and no note about a service\'s default script', () => {
  const dir = join(tempDir(), 'lib');
  mkdirSync(dir);
  writeFileSync(join(dir, 'setup.py'), 'from setuptools import setup\nsetup(name="plainlib", version="2.0", description="Parses things", py_modules=["plainlib"])\n');
  const real = deb([dir, '--maintainer', ME, '--yes', '--kind', 'tool']);
  assert.is(real.code, 2, real.stderr);
  assert.match(real.stderr, /so it is a library: it ships as a wheel to your package index/);
  assert.not.ok(existsSync(join(dir, 'debian')));
  const dry = deb([dir, '--maintainer', ME, '--yes', '--kind', 'tool', '--dry-run', '--json']);
  assert.is(dry.code, 0, dry.stderr);
  const report = JSON.parse(dry.stdout);
  assert.match(report.refusals.join('\n'), /so it is a library/);
  assert.not.match(report.notes.join('\n'), /generated-service default|command named "plainlib"/, report.notes.join('\n'));
  // Without a maintainer (no flag, no DEBEMAIL, no git identity) the library is what is said: measured before,
  // 'no Debian maintainer: pass --maintainer', then, given one, 'it is a library'
  for (const kind of [[], ['--kind', 'tool']]) {
    const bare = deb([dir, ...kind], { GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' });
    assert.is(bare.code, 2, bare.stderr);
    assert.match(bare.stderr.trim(), /^error: the project declares no console or GUI scripts, so it is a library/);
    assert.is(bare.stderr.trim().split('\n').length, 1, bare.stderr);
  }
  assert.not.ok(existsSync(join(dir, 'debian')));
});

toolTest(t, [PY], 'with --yes a project that is not a generated service is a tool: links, no unit, no user, no /etc, no man page', () => {
  const dir = project();
  const r = deb([dir, '--maintainer', ME, '--yes']);
  assert.is(r.code, 0, r.stderr);
  const files = readdirSync(join(dir, 'debian')).sort();
  assert.ok(files.includes('cs-svc.links') && files.includes('control') && files.includes('rules'), files.join(' '));
  for (const f of files) assert.not.match(f, /\.service$|\.sysusers$|\.1$|\.manpages$|^conf$|\.install$/, `a tool ships ${f}`);
  // Its maintainer scripts only divert another package's /usr/bin file of a command's name, and give it back
  const preinst = readFileSync(join(dir, 'debian', 'cs-svc.preinst'), 'utf8');
  const postrm = readFileSync(join(dir, 'debian', 'cs-svc.postrm'), 'utf8');
  for (const cmd of ['cs-svc', 'cs-admin']) {
    assert.match(preinst, new RegExp(`^ +dpkg-divert --package cs-svc --add --rename --divert /usr/bin/${cmd}\\.distrib /usr/bin/${cmd} >/dev/null$`, 'm'));
    assert.match(postrm, new RegExp(`^ +dpkg-divert --package cs-svc --remove --rename --divert /usr/bin/${cmd}\\.distrib /usr/bin/${cmd} >/dev/null$`, 'm'));
  }
  for (const script of [preinst, postrm]) assert.not.match(script, /deluser|userdel|systemctl|rm -rf/, script);
  const links = readFileSync(join(dir, 'debian', 'cs-svc.links'), 'utf8');
  assert.is(links, 'opt/venvs/cs-svc/bin/cs-svc usr/bin/cs-svc\nopt/venvs/cs-svc/bin/cs-admin usr/bin/cs-admin\nopt/venvs/cs-svc/bin/cs-gui usr/bin/cs-gui\n', 'gui_scripts too, after the console scripts');
  const control = readFileSync(join(dir, 'debian', 'control'), 'utf8');
  assert.not.match(control, /installsysusers/);
  assert.match(control, /^Depends: .*\bpython3, python3\.\d+$/m);
  assert.match(control, /^Description: Ships several console scripts$/m);
  assert.is(JSON.parse(readFileSync(join(dir, '.pyservice.json'), 'utf8')).answers.type, 'tool');
  const copyright = readFileSync(join(dir, 'debian', 'copyright'), 'utf8');
  assert.match(copyright, /^Files: \*\nCopyright: Dennis Example <dennis@example\.org>\nLicense: Expat$/m);
  assert.match(copyright, /^License: Expat\n Permission is hereby granted/m);
  assert.not.match(copyright, /proprietary/);
  // A re-run keeps the kind it recorded (no flag needed)
  const again = deb([dir, '--maintainer', ME, '--yes', '--force', '--dry-run', '--json']);
  assert.is(JSON.parse(again.stdout).kind, 'tool');
});

toolTest(t, [PY, 'dpkg-query', 'lintian'], 'a command another package ships in /usr/bin: a tool and a service both divert it while installed', () => {
  // lintian is lintian's (Priority: optional; .ci/packages.txt installs it): a project with a console script of that
  // name. (dpkg-deb, used here before, is Essential dpkg's: refused since, deb-flow/hostile.test.ts.)
  const dir = project();
  writeFileSync(join(dir, 'setup.py'), readFileSync(join(dir, 'setup.py'), 'utf8').replace('"cs-admin  =  cs_svc.cli:admin"', '"lintian = cs_svc.cli:admin"'));
  const owner = spawnSync('dpkg-query', ['-S', '/usr/bin/lintian'], { encoding: 'utf8' }).stdout.split(':')[0]!;
  assert.ok(owner, 'no package owns /usr/bin/lintian here');
  const tool = deb([dir, '--maintainer', ME, '--kind', 'tool', '--dry-run']);
  assert.is(tool.code, 0, tool.stderr);
  assert.match(tool.stdout, new RegExp(`^note: /usr/bin/lintian is also in ${owner} \\(on this machine\\): while cs-svc is installed, that file is diverted`, 'm'));
  const service = deb([dir, '--maintainer', ME, '--kind', 'service', '--dry-run']);
  assert.is(service.code, 0, service.stderr);
  assert.match(service.stdout, new RegExp(`^note: /usr/bin/lintian is also in ${owner} \\(on this machine\\): while cs-svc is installed, that file is diverted`, 'm'));
  assert.not.match(service.stdout, /cs-svc is also in/, 'only the colliding command is named');
});

toolTest(t, [PY], '--kind service --service-command picks the daemon; an unknown one is exit 2', () => {
  const dir = project();
  const bad = deb([dir, '--maintainer', ME, '--kind', 'service', '--service-command', 'nope']);
  assert.is(bad.code, 2, bad.stderr);
  assert.match(bad.stderr, /no console script "nope" \(--service-command\); it has: cs-svc, cs-admin/);
  assert.not.ok(existsSync(join(dir, 'debian')));
  const r = deb([dir, '--maintainer', ME, '--kind', 'service', '--service-command', 'cs-admin']);
  assert.is(r.code, 0, r.stderr);
  const unit = readFileSync(join(dir, 'debian', 'cs-svc.service'), 'utf8');
  // Templates 1.3.0: an adopted service's daemon takes its arguments from the env file, which ships only that
  assert.match(unit, /^ExecStart=\/opt\/venvs\/cs-svc\/bin\/cs-admin \$DAEMON_ARGS$/m);
  assert.not.match(unit, /^Documentation=man:/m, 'no generated man page to point at');
  // The note about the unit says what the rendered unit and environment file hold
  const note = r.stdout.split('\n').find((l) => l.startsWith('note: the unit runs ')) ?? '';
  assert.ok(note.includes(`runs ${unit.match(/^ExecStart=(.*)$/m)![1]} as`), note);
  assert.ok(note.includes(`as the user ${unit.match(/^User=(.*)$/m)![1]} in ${unit.match(/^WorkingDirectory=(.*)$/m)![1]}`), note);
  const envFile = unit.match(/^EnvironmentFile=(\/etc\/.*)$/m)![1]!;
  assert.ok(note.includes(`go in ${envFile}`), note);
  // A program that daemonizes itself ends a Type=exec service at once (supervisord without -n): the note says so
  assert.ok(note.includes(`The unit is Type=${unit.match(/^Type=(.*)$/m)![1]}, so cs-admin must stay in the foreground`), note);
  assert.match(note, /give it its foreground option in DAEMON_ARGS$/);
  // The unit starts at install with DAEMON_ARGS empty and restarts as the unit says (bottle, supervisord exit at once)
  assert.match(unit, /^Restart=on-failure$/m);
  assert.match(unit, /^RestartSec=5s$/m);
  assert.ok(note.includes('dpkg -i enables and starts the unit at once (Restart=on-failure, every 5 s): a daemon that cannot start without arguments or a writable folder'), note);
  assert.ok(note.includes('is restarted until DAEMON_ARGS is set'), note);
  const shipped = readFileSync(join(dir, 'debian', 'conf', 'cs-svc.env'), 'utf8');
  assert.equal(shipped.match(/^[A-Z_]+(?==)/gm), ['DAEMON_ARGS'], 'only the daemon\'s arguments, none of a generated service\'s settings');
  assert.match(shipped, /^#   \/opt\/venvs\/cs-svc\/bin\/cs-admin \$DAEMON_ARGS$/m);
  // No generated man page, and lintian is told the commands' documentation is upstream's
  const files = readdirSync(join(dir, 'debian'));
  assert.not.ok(files.includes('cs-svc.1') || files.includes('cs-svc.manpages'), files.join(' '));
  assert.not.match(readFileSync(join(dir, 'debian', 'cs-svc.links'), 'utf8'), /man1/);
  const overrides = readFileSync(join(dir, 'debian', 'cs-svc.lintian-overrides'), 'utf8');
  for (const cmd of ['cs-svc', 'cs-admin']) assert.match(overrides, new RegExp(`^cs-svc: no-manual-page \\[usr/bin/${cmd}\\]$`, 'm'));
  // Its commands divert another package's file while installed, as a tool's do; purge still cleans up
  const preinst = readFileSync(join(dir, 'debian', 'cs-svc.preinst'), 'utf8');
  const postrm = readFileSync(join(dir, 'debian', 'cs-svc.postrm'), 'utf8');
  for (const cmd of ['cs-svc', 'cs-admin']) {
    assert.match(preinst, new RegExp(`^ +dpkg-divert --package cs-svc --add --rename --divert /usr/bin/${cmd}\\.distrib /usr/bin/${cmd} >/dev/null$`, 'm'));
    assert.match(postrm, new RegExp(`^ +dpkg-divert --package cs-svc --remove --rename --divert /usr/bin/${cmd}\\.distrib /usr/bin/${cmd} >/dev/null$`, 'm'));
  }
  assert.match(postrm, /^ +purge\)\n +rm -f \/etc\/cs-svc\/secrets\.env$/m);
  assert.is(JSON.parse(readFileSync(join(dir, '.pyservice.json'), 'utf8')).answers.adopted, true);
});

toolTest(t, [PY, '/usr/lib/apt/apt-helper'], 'a name Debian uses is refused (exit 2, nothing written) unless --package names it; --prefix avoids it', () => {
  const dir = project();
  const setup = join(dir, 'setup.py');
  writeFileSync(setup, readFileSync(setup, 'utf8').replace('name="cs-svc"', 'name="dpkg"'));
  const r = deb([dir, '--maintainer', ME, '--yes']);
  assert.is(r.code, 2, r.stderr);
  assert.match(r.stderr, /the Debian package name "dpkg" is taken: .*(apt lists|dpkg status).*--prefix TEAM/);
  assert.equal(readdirSync(dir).sort(), ['cs_svc', 'setup.py']);
  const dry = deb([dir, '--maintainer', ME, '--yes', '--dry-run', '--json']);
  assert.is(dry.code, 0, dry.stderr);
  assert.match(JSON.parse(dry.stdout).refusals.join('\n'), /"dpkg" is taken/);
  const prefixed = deb([dir, '--maintainer', ME, '--yes', '--dry-run', '--json'], { PYSERVICE_DEB_PREFIX: 'acme' });
  assert.is(JSON.parse(prefixed.stdout).debName, 'acme-dpkg');
  const explicit = deb([dir, '--maintainer', ME, '--yes', '--package', 'dpkg', '--dry-run', '--json']);
  assert.equal(JSON.parse(explicit.stdout).refusals, []);
  // Templates 1.3.0: debian/copyright names the upstream project, not the prefixed package
  const written = deb([dir, '--maintainer', ME, '--yes'], { PYSERVICE_DEB_PREFIX: 'acme' });
  assert.is(written.code, 0, written.stderr);
  assert.match(readFileSync(join(dir, 'debian', 'control'), 'utf8'), /^Source: acme-dpkg$/m);
  assert.match(readFileSync(join(dir, 'debian', 'copyright'), 'utf8'), /^Upstream-Name: dpkg$/m);
});

toolTest(t, [PY], '--index-url writes pip.conf with the index-url only; a bad URL is exit 2', () => {
  const dir = project();
  const bad = deb([dir, '--maintainer', ME, '--yes', '--index-url', 'ftp://x']);
  assert.is(bad.code, 2, bad.stderr);
  const r = deb([dir, '--maintainer', ME, '--yes', '--index-url', 'https://pypi.example.org/simple/']);
  assert.is(r.code, 0, r.stderr);
  const conf = readFileSync(join(dir, 'pip.conf'), 'utf8');
  assert.equal(conf.split('\n').filter((l) => /^[^#\s]/.test(l)), ['[global]', 'index-url = https://pypi.example.org/simple/']);
  // What reads it: the build (debian/pyservice.mk), as the report says
  assert.match(r.stdout, /^note: pip\.conf: the \.deb's build \(debian\/pyservice\.mk\) installs dependencies from its index-url https:\/\/pypi\.example\.org\/simple\/, with the login from ~\/\.netrc \(pyservice login\)$/m);
  assert.match(readFileSync(join(dir, 'debian', 'pyservice.mk'), 'utf8'), /grep -Es '\^\[\[:space:\]\]\*index-url\[\[:space:\]\]\*=' pip\.conf/);
});

/** A project in a temporary directory from a map of files. */
function files(map: Record<string, string>): string {
  const dir = join(tempDir(), 'g');
  for (const [path, content] of Object.entries(map)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

// A GUI application's launcher is a gui_scripts entry point; on Linux pip makes the same bin/ wrapper as for a
// console script, so a tool links it into /usr/bin too. Both ways a project declares one: PEP 621 (hatchling,
// through PEP 517) and setup.cfg [options.entry_points] (setuptools, captured).
const GUI: [string, Record<string, string>][] = [
  [
    'PEP 621 [project.gui-scripts] (hatchling)',
    {
      'pyproject.toml': '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n[project]\nname = "viewer-app"\nversion = "2.0"\ndescription = "Views things"\n[project.scripts]\nviewer-cli = "viewer_app:cli"\n[project.gui-scripts]\nviewer = "viewer_app:gui"\n[tool.hatch.build.targets.wheel]\npackages = ["viewer_app"]\n',
      'viewer_app/__init__.py': 'def cli(): pass\ndef gui(): pass\n',
    },
  ],
  [
    'setup.cfg [options.entry_points] gui_scripts (setuptools)',
    {
      'setup.cfg': '[metadata]\nname = viewer-app\nversion = 2.0\ndescription = Views things\n[options]\npackages = viewer_app\n[options.entry_points]\nconsole_scripts =\n    viewer-cli = viewer_app:cli\ngui_scripts =\n    viewer = viewer_app:gui\n',
      'setup.py': 'from setuptools import setup\nsetup()\n',
      'viewer_app/__init__.py': 'def cli(): pass\ndef gui(): pass\n',
    },
  ],
];
for (const [name, map] of GUI)
  toolTest(t, [PY], `gui_scripts become /usr/bin commands of a tool, after the console scripts: ${name}`, () => {
    const dir = files(map);
    const r = deb([dir, '--maintainer', ME, '--kind', 'tool', '--package', 'viewer-app']);
    assert.is(r.code, 0, r.stderr);
    assert.match(r.stdout, /^ {2}gui_scripts {6}viewer = viewer_app:gui$/m);
    assert.is(readFileSync(join(dir, 'debian', 'viewer-app.links'), 'utf8'), 'opt/venvs/viewer-app/bin/viewer-cli usr/bin/viewer-cli\nopt/venvs/viewer-app/bin/viewer usr/bin/viewer\n');
    assert.match(readFileSync(join(dir, 'debian', 'control'), 'utf8'), /Commands in \/usr\/bin: viewer-cli, viewer\./);
  });

t.run();
