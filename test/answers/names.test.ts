import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { deriveNames, nameProblem } from '../../src/answers/names.js';

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

t.run();
