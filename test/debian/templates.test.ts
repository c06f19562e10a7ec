import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DISTROS } from '../../src/answers/distros.js';
import { RECORD_FILE, renderProject, type ProjectRecord } from '../../src/plan/file-plan.js';
import { generate } from '../helpers/generate.js';
import { tempDir } from '../helpers/tmp.js';
import { toolTest } from '../helpers/tools.js';

/**
 * The service's debian/ for every distro, checked statically with real tools (only bookworm is built, in
 * deb-build.test.ts): dpkg's control parser, make's view of debian/rules, systemd-sysusers on the user name.
 */
const t = suite('service debian/ templates: every distro, several console scripts, awkward names');

function sh(cmd: string, args: string[], cwd?: string): { code: number; out: string; stdout: string } {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, LANG: 'C.UTF-8' } });
  return { code: r.status ?? 1, out: `${r.stdout}\n${r.stderr}`, stdout: r.stdout };
}

/** debian/control through libdpkg-perl's parser: the fields of the source and the first binary paragraph. */
function control(dir: string): { source: Record<string, string>; binary: Record<string, string> } {
  const perl = `use Dpkg::Control::Info; use JSON::PP;
    my $i = Dpkg::Control::Info->new("$ARGV[0]/debian/control");
    my %s = %{$i->get_source()}; my %b = %{($i->get_packages())[0]};
    print JSON::PP->new->encode({ source => \\%s, binary => \\%b });`;
  const r = sh('perl', ['-e', perl, dir]);
  assert.is(r.code, 0, r.out);
  return JSON.parse(r.stdout);
}

/** The dh_virtualenv command line debian/rules would run (make -n prints it without running it). */
function dhVirtualenvCommand(dir: string): string {
  const r = sh('make', ['-s', '-n', '-f', 'debian/rules', 'override_dh_virtualenv'], dir);
  assert.is(r.code, 0, r.out);
  return r.stdout.replace(/\\\n\s*/g, ' ');
}

for (const [codename, distro] of Object.entries(DISTROS)) {
  toolTest(t, ['perl', 'make'], `${codename}: Python ${distro.python} in Build-Depends, Depends, rules and triggers`, async () => {
    const dir = await generate({ type: 'service', name: `svc-${codename}`, distro: codename });
    const py = `python${distro.python}`;
    const c = control(dir);
    assert.match(c.source['Build-Depends'] ?? '', new RegExp(`(^|,\\s*)${py.replace('.', '\\.')}(,|$)`, 'm'));
    assert.match(c.source['Build-Depends'] ?? '', /dh-sequence-installsysusers/);
    assert.match(c.binary.Depends ?? '', new RegExp(`(^|, )${py.replace('.', '\\.')}(,|$)`));
    const cmd = dhVirtualenvCommand(dir);
    assert.match(cmd, new RegExp(`--python /usr/bin/${py.replace('.', '\\.')} `));
    // No index in pip.conf: offline, and with a venv without pip (so Python 3.12+'s missing setuptools does not
    // matter: PEP 517 builds take setuptools and wheel from Debian's wheels).
    assert.match(cmd, /--extra-virtualenv-arg=--without-pip/);
    assert.match(cmd, /--extra-pip-arg=--no-index --extra-pip-arg=--find-links=\/usr\/share\/python-wheels/);
    assert.match(readFileSync(join(dir, 'debian', `svc-${codename}.triggers`), 'utf8'), new RegExp(`^interest-noawait /usr/bin/${py.replace('.', '\\.')}$`, 'm'));
    assert.match(readFileSync(join(dir, 'debian', `svc-${codename}.lintian-overrides`), 'utf8'), /lib\/python\*\//);
  });
}

toolTest(t, ['make'], 'an index-url in pip.conf: rules use it through PIP_CONFIG_FILE, never on the command line, and stop --no-index', async () => {
  const dir = await generate({ type: 'service', name: 'svc-indexed', indexUrl: 'https://pypi.example.com/simple/' });
  // the dh_virtualenv call itself (the project's own wheel is built before it with --no-index: it needs nothing)
  const cmd = dhVirtualenvCommand(dir).slice(dhVirtualenvCommand(dir).lastIndexOf('dh_virtualenv'));
  assert.not.match(cmd, /--no-index/);
  assert.not.match(cmd, /index-url/);
  assert.match(cmd, /--find-links=\/usr\/share\/python-wheels/);
  const vars = sh('make', ['-s', '-f', 'debian/rules', '-p', '-n', 'override_dh_auto_configure'], dir);
  assert.match(vars.stdout, new RegExp(`^PIP_CONFIG_FILE := ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/pip\\.conf$`, 'm'));
});

/**
 * A service project named `name` as its templates render it. create refuses a service name longer than 31
 * characters (its system user, cut to 31, would be shared), but a project made before that refusal still renders
 * as it always did: such a name is rendered from an existing project's record, as update renders it.
 */
async function serviceNamed(name: string): Promise<string> {
  if (name.length <= 31) return generate({ type: 'service', name });
  const made = await generate({ type: 'service', name: 'placeholder-svc' });
  const record = JSON.parse(readFileSync(join(made, RECORD_FILE), 'utf8')) as ProjectRecord;
  record.answers.name = name;
  const dir = join(tempDir(), name);
  for (const f of renderProject(record).files) {
    mkdirSync(dirname(join(dir, f.path)), { recursive: true });
    writeFileSync(join(dir, f.path), f.content);
  }
  return dir;
}

toolTest(t, ['systemd-sysusers'], 'system user names systemd accepts, also for names with dots, underscores or 64 characters', async () => {
  const names = ['acme.billing', 'acme_billing-api', 'a' + 'b'.repeat(40) + '-svc', 'x2'];
  for (const name of names) {
    const dir = await serviceNamed(name);
    const deb = name.replace(/_/g, '-');
    const unit = readFileSync(join(dir, 'debian', `${deb}.service`), 'utf8');
    const user = /^User=(.*)$/m.exec(unit)?.[1];
    assert.ok(user, unit);
    assert.match(readFileSync(join(dir, 'debian', `${deb}.sysusers`), 'utf8'), new RegExp(`^u ${user.replace('.', '\\.')} - `, 'm'));
    const root = tempDir();
    mkdirSync(join(root, 'etc'));
    mkdirSync(join(root, 'usr/lib/sysusers.d'), { recursive: true });
    copyFileSync(join(dir, 'debian', `${deb}.sysusers`), join(root, 'usr/lib/sysusers.d', `${deb}.conf`));
    const r = sh('systemd-sysusers', ['--dry-run', `--root=${root}`, `${deb}.conf`]);
    assert.is(r.code, 0, `${name}: ${r.out}`);
    assert.match(r.out, new RegExp(`Creating user '${user.replace('.', '\\.')}'`));
  }
});

t('several console scripts: a /usr/bin link and a man page link for each; the unit runs the first', async () => {
  const dir = await generate({ type: 'service', name: 'acme-tools', consoleScripts: ['acme-serve = acme_tools.service:main', 'acme-admin = acme_tools.admin:main'] });
  const links = readFileSync(join(dir, 'debian', 'acme-tools.links'), 'utf8').trim().split('\n').sort();
  assert.equal(links, [
    'opt/venvs/acme-tools/bin/acme-admin usr/bin/acme-admin',
    'opt/venvs/acme-tools/bin/acme-serve usr/bin/acme-serve',
    'usr/share/man/man1/acme-tools.1 usr/share/man/man1/acme-admin.1',
    'usr/share/man/man1/acme-tools.1 usr/share/man/man1/acme-serve.1',
  ]);
  assert.match(readFileSync(join(dir, 'debian', 'acme-tools.service'), 'utf8'), /^ExecStart=\/opt\/venvs\/acme-tools\/bin\/acme-serve$/m);
  const man = readFileSync(join(dir, 'debian', 'acme-tools.1'), 'utf8');
  assert.match(man, /^acme\\-serve, acme\\-admin \\- /m);
});

toolTest(t, ['man'], 'the man page renders without groff warnings', async () => {
  const dir = await generate({ type: 'service', name: 'acme-pinger' });
  const r = spawnSync('man', ['--warnings', '-E', 'UTF-8', '-l', '-Tutf8', '-Z', join(dir, 'debian', 'acme-pinger.1')], { encoding: 'utf8', env: { ...process.env, MANWIDTH: '80', LANG: 'C.UTF-8' } });
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stderr, '', r.stderr);
});

t.run();
