import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { deriveNames, nameProblem, systemUserProblem } from '../../src/answers/names.js';

const t = suite('project names');

const VALID: [string, { importName: string; debName: string }][] = [
  ['my-service', { importName: 'my_service', debName: 'my-service' }],
  ['my_service', { importName: 'my_service', debName: 'my-service' }],
  ['acme.billing', { importName: 'acme_billing', debName: 'acme.billing' }],
  ['svc2', { importName: 'svc2', debName: 'svc2' }],
  ['ab', { importName: 'ab', debName: 'ab' }],
];

for (const [name, want] of VALID) {
  t(`"${name}" is valid and derives import ${want.importName}, Debian ${want.debName}`, () => {
    assert.is(nameProblem(name), null);
    const n = deriveNames(name);
    assert.is(n.distName, name);
    assert.is(n.importName, want.importName);
    assert.is(n.debName, want.debName);
  });
}

const INVALID: [string, RegExp][] = [
  ['', /empty/],
  ['   ', /empty/],
  ['my service', /spaces/],
  ['../x', /path/],
  ['a/b', /path/],
  ['MyService', /uppercase.*myservice/],
  ['2fast', /digit/],
  ['x', /too short/],
  ['my--service', /not valid/],
  ['-svc', /not valid/],
  ['svc-', /not valid/],
  ['svc!', /not valid/],
  ['class', /keyword/],
  ['a'.repeat(65), /64/],
];
for (const [name, why] of INVALID) {
  t(`"${name.slice(0, 20)}" is refused with a message naming the problem`, () => {
    const p = nameProblem(name);
    assert.ok(p, 'expected a problem');
    assert.match(p!, why);
  });
}

t('a service\'s system user is never an account or group Debian systems have: base-passwd\'s, privileged groups, systemd-*', () => {
  // systemd-sysusers leaves an existing user as it is, and gives a new user an existing group's id
  for (const name of ['root', 'nobody', 'daemon', 'www-data', 'backup', 'proxy', 'mail', 'disk', 'shadow', 'sudo', 'adm', 'kmem', 'docker', 'kvm', 'ssl-cert', 'systemd-journal', 'systemd-foo']) {
    const p = systemUserProblem(deriveNames(name), 'choose another project name (--name)');
    assert.ok(p, name);
    assert.match(p!, `"${name}"`);
    assert.match(p!, /choose another project name \(--name\)$/);
    assert.not.match(p!, '\n');
  }
  for (const name of ['my-service', 'disks', 'backup-agent', 'rooted', 'system-d', 'docker-gc']) assert.is(systemUserProblem(deriveNames(name), 'x'), null, name);
});

t('a service whose package name is longer than 31 characters is refused: cut, two such names share one system user', () => {
  const a = deriveNames('acme-payments-reconciliation-worker-eu');
  const b = deriveNames('acme-payments-reconciliation-worker-us');
  assert.is(a.systemUser, b.systemUser, 'the cut names collide');
  for (const n of [a, b]) {
    const p = systemUserProblem(n, 'choose another project name (--name)');
    assert.ok(p, n.debName);
    assert.match(p!, `at most 31 characters (useradd's and systemd-sysusers' limit), and "${n.debName}" is ${n.debName.length}: cut to "acme-payments-reconciliation-wo"`);
    assert.match(p!, /a name of at most 31 characters is needed: choose another project name \(--name\)$/);
    assert.not.match(p!, '\n');
  }
  // 31 characters (dots counted as the dashes they become) are kept whole
  assert.is(systemUserProblem(deriveNames('a'.repeat(31)), 'x'), null);
  assert.is(systemUserProblem(deriveNames('acme.' + 'b'.repeat(26)), 'x'), null);
  assert.ok(systemUserProblem(deriveNames('a'.repeat(32)), 'x'));
});

t.run();
