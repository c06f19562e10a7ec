import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { dep5Expression, upstreamAuthors, upstreamLicense, upstreamPeople } from '../../src/deb/copyright.js';
import { compactNames, nameUse, NO_LISTS, stanzaOf } from '../../src/deb/collisions.js';

const t = suite('deb flow: DEP-5 license and authors from metadata; Debian name collisions');

const SPDX: [string, string | null][] = [
  ['MIT', 'Expat'],
  ['BSD-3-Clause', 'BSD-3-clause'],
  ['Apache-2.0', 'Apache-2.0'],
  ['GPL-3.0-or-later', 'GPL-3+'],
  ['GPL-2.0-only', 'GPL-2'],
  ['LGPL-2.1-or-later', 'LGPL-2.1+'],
  ['AGPL-3.0-only', 'AGPL-3'],
  ['MIT OR Apache-2.0', 'Expat or Apache-2.0'],
  ['(MIT AND BSD-2-Clause)', '(Expat and BSD-2-clause)'],
  ['GPL-2.0-or-later WITH Classpath-exception-2.0', 'GPL-2+ with Classpath exception'],
  ['LicenseRef-Proprietary', null],
  ['', null],
  // reuse 5.0.2's License field (poetry-core): the Creative Commons and font licenses DEP-5 spells as SPDX does
  ['Apache-2.0 AND CC0-1.0 AND CC-BY-SA-4.0 AND GPL-3.0-or-later', 'Apache-2.0 and CC0-1.0 and CC-BY-SA-4.0 and GPL-3+'],
  ['CC-BY-4.0', 'CC-BY-4.0'],
  ['cc-by-nc-nd-3.0', 'CC-BY-NC-ND-3.0'],
  ['OFL-1.1', 'OFL-1.1'],
  ['CC-BY-SA', null], // no version: not an SPDX id
];
for (const [spdx, dep5] of SPDX) t(`SPDX ${JSON.stringify(spdx)} → DEP-5 ${JSON.stringify(dep5)}`, () => assert.is(dep5Expression(spdx), dep5));

const meta = (m: Partial<{ license: string | null; license_expression: string | null; classifiers: string[] }>) => ({ license: null, license_expression: null, classifiers: [], ...m });

t('License-Expression wins; then a known License field; then one unambiguous classifier; else nothing', () => {
  assert.equal(upstreamLicense(meta({ license_expression: 'BSD-3-Clause', license: 'MIT' })), { dep5: 'BSD-3-clause', from: 'License-Expression' });
  assert.equal(upstreamLicense(meta({ license: 'GPLv3' })), { dep5: 'GPL-3', from: 'License' });
  assert.equal(upstreamLicense(meta({ license: 'MIT License' })), { dep5: 'Expat', from: 'License' });
  assert.equal(upstreamLicense(meta({ classifiers: ['License :: OSI Approved :: MIT License', 'Topic :: X'] })), { dep5: 'Expat', from: 'classifier' });
  assert.is(upstreamLicense(meta({ classifiers: ['License :: OSI Approved :: BSD License'] })), null, 'BSD License is ambiguous');
  assert.is(upstreamLicense(meta({ classifiers: ['License :: OSI Approved :: MIT License', 'License :: OSI Approved :: Apache Software License'] })), null);
  assert.is(upstreamLicense(meta({ license: 'Copyright (c) 2020 ACME\nAll rights reserved' })), null, 'a license text is no name');
  assert.is(upstreamLicense(meta({})), null);
});

t('a License-Expression id with no DEP-5 spelling of its own is kept as SPDX writes it (pillow: MIT-CMU); a free-text License field is not', () => {
  assert.equal(upstreamLicense(meta({ license_expression: 'MIT-CMU' })), { dep5: 'MIT-CMU', from: 'License-Expression' });
  assert.equal(upstreamLicense(meta({ license_expression: 'Apache-2.0 WITH LLVM-exception OR Unicode-3.0' })), { dep5: 'Apache-2.0 with LLVM exception or Unicode-3.0', from: 'License-Expression' });
  assert.is(upstreamLicense(meta({ license_expression: 'LicenseRef-Acme-Internal' })), null, 'only the project can say what a LicenseRef is');
  // "BSD" in a License field is a word, not the SPDX id: licensecheck reads the license file instead (httpie, invoke)
  assert.is(upstreamLicense(meta({ license: 'BSD' })), null);
});

t('free-text License fields as setup.py files write them, without "the", "license", "version" or a "v" before the number', () => {
  // Only the metadata's License field (no classifier to fall back on): what debian/copyright's License: says
  const cases: [string, string | null][] = [
    ['Apache 2.0', 'Apache-2.0'],
    ['Apache License Version 2.0', 'Apache-2.0'],
    ['Apache License (2.0)', 'Apache-2.0'],
    ['Apache v2', 'Apache-2.0'],
    ['Apache Software License 2.0', 'Apache-2.0'],
    ['The MIT License', 'Expat'],
    ['MIT/X11', 'Expat'],
    ['BSD 3-Clause License', 'BSD-3-clause'],
    ['3-clause BSD', 'BSD-3-clause'],
    ['BSD 2-Clause', 'BSD-2-clause'],
    ['MPL 2.0', 'MPL-2.0'],
    ['GNU GPLv3', 'GPL-3'],
    ['GPL v3 or later', 'GPL-3+'],
    ['GNU General Public License v2 or later', 'GPL-2+'],
    ['GNU Lesser General Public License v3', 'LGPL-3'],
    ['GNU General Public License', null], // no version: left to classifiers and licensecheck
    ['LGPLv2+', 'LGPL-2+'],
    ['LGPL v2', 'LGPL-2'], // pywebdav 0.11.0
    ['GNU Library General Public License v2 or later', 'LGPL-2+'],
    ['AGPLv3', 'AGPL-3'],
    ['CC0', 'CC0-1.0'],
    // Ambiguous or unknown: not named
    ['BSD', null],
    ['Apache', null],
    ['LGPL', null],
    ['Dual License', null],
    ['ZPL 2.1', null],
  ];
  for (const [field, dep5] of cases) assert.is(upstreamLicense({ license: field, license_expression: null, classifiers: [] })?.dep5 ?? null, dep5, field);
});

t('authors: PEP 621 "Name <email>" lists, name + email pairs, maintainers; no duplicates', () => {
  const base = { author: null, author_email: null, maintainer: null, maintainer_email: null };
  assert.equal(upstreamAuthors({ ...base, author_email: 'Jonathan Hartley <tartley@tartley.com>, "Doe, Jane" <jd@example.org>' }), ['Jonathan Hartley <tartley@tartley.com>', 'Doe, Jane <jd@example.org>']);
  assert.equal(upstreamAuthors({ ...base, author: 'Will McGugan', author_email: 'willmcgugan@gmail.com' }), ['Will McGugan <willmcgugan@gmail.com>']);
  assert.equal(upstreamAuthors({ ...base, author: 'Adrien Vergé', maintainer: 'Adrien Vergé' }), ['Adrien Vergé']);
  assert.equal(upstreamAuthors(base), []);
});

// Name field, email field → people, as the backends publish them (real projects' forms)
const PEOPLE: [string | null, string | null, string[]][] = [
  [null, 'Filipe Laíns <lains@riseup.net>, Bernát Gábor <gaborjbernat@gmail.com>', ['Filipe Laíns <lains@riseup.net>', 'Bernát Gábor <gaborjbernat@gmail.com>']], // python-build (flit_core)
  [null, '"Jason R. Coombs" <jaraco@jaraco.com>', ['Jason R. Coombs <jaraco@jaraco.com>']], // keyring (setuptools PEP 621)
  ['Tarek Ziade', 'tarek@ziade.org', ['Tarek Ziade <tarek@ziade.org>']], // flake8 (setup.cfg)
  ['Alice, Bob', 'alice@example.org, bob@example.org', ['Alice <alice@example.org>', 'Bob <bob@example.org>']], // setup.py lists in order
  // pexpect 4.9 (setup.py): names separated by semicolons, the addresses by commas, in the same order
  ['Noah Spurrier; Thomas Kluyver; Jeff Quast', 'noah@noah.org, thomas@kluyver.me.uk, contact@jeffquast.com', ['Noah Spurrier <noah@noah.org>', 'Thomas Kluyver <thomas@kluyver.me.uk>', 'Jeff Quast <contact@jeffquast.com>']],
  // async-timeout 5.0.1 (setup.cfg): the author field already carries the address the email field repeats
  ['Andrew Svetlov <andrew.svetlov@gmail.com>', 'andrew.svetlov@gmail.com', ['Andrew Svetlov <andrew.svetlov@gmail.com>']],
  ['Alice', 'Bob <bob@example.org>', ['Alice', 'Bob <bob@example.org>']], // PEP 621: one entry without an email
  // pympress 1.8.5 (setup.cfg): four people and one address, whose owner the fields do not say: each apart, as Python's email.utils reads them
  ['Cimbali, Thomas Jost, Christof Rath, Epithumia', 'me@cimba.li', ['Cimbali', 'Thomas Jost', 'Christof Rath', 'Epithumia', 'me@cimba.li']],
  ['Doe, Jane', 'jd@example.org', ['Doe, Jane <jd@example.org>']], // one person, surname first
  ['Alice', 'Alice <alice@example.org>', ['Alice <alice@example.org>']],
  [null, 'bench@example.org', ['bench@example.org']],
  ['Only Name', null, ['Only Name']],
  [null, null, []],
];
for (const [name, email, want] of PEOPLE) t(`people: ${JSON.stringify(name)} + ${JSON.stringify(email)}`, () => assert.equal(upstreamPeople(name, email), want));

// As the apt lists and dpkg's status have them; the archive part goes through compactNames as the cache does
const EXTRACTED = '@list /var/lib/apt/lists/x_Packages\nPackage: yamllint\nPackage: exim4-daemon-light\nProvides: mail-transport-agent, default-mta (= 4.96), perl:any\nPackage: g++\n';
const STATUS = 'Package: local-thing\nStatus: install ok installed\nPriority: optional\n\nPackage: our-venv-tool\nStatus: install ok installed\n\nPackage: removed-thing\nStatus: deinstall ok config-files\nDescription: once installed\n';
const NAMES = { archive: () => compactNames(EXTRACTED), installed: (n: string) => stanzaOf(STATUS, n) };
t('hostile people and license fields: no control, line-separator or bidi character reaches debian/copyright', () => {
  // Measured: author 'Eve\u0085X' crashed the render (deb822 escaper: NEL is a line break; exit 1 with a template
  // trace), 'Eve\u009bX' (C1 CSI) and 'Eve\u202eX' (a right-to-left override) were written into debian/copyright
  for (const c of ['\u0085', '\u009b', '\u202e', '\u2028', '\u200b', '\u001b', '\u0007', '\u2066'])
    for (const people of [upstreamPeople(`Eve${c}X`, 'e@x.org'), upstreamPeople(null, `Eve${c}X <e@x.org>`), upstreamAuthors({ author: `Eve${c}X`, author_email: null, maintainer: `M${c}`, maintainer_email: 'm@x.org' })]) {
      assert.ok(people.length > 0, JSON.stringify(c));
      for (const p of people) assert.not.match(p, /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069]/, JSON.stringify(p));
    }
  assert.equal(upstreamPeople('Eve\u0085X', 'e@x.org'), ['Eve X <e@x.org>']);
  // A WITH exception is an SPDX id like any other: otherwise the expression is not one debian/copyright can name
  assert.is(dep5Expression('GPL-2.0-or-later WITH Classpath-exception-2.0'), 'GPL-2+ with Classpath exception');
  for (const bad of ['MIT WITH a\u0085b', 'MIT WITH $(reboot)', 'MIT WITH \u202eevil', 'MIT WITH x;y'])
    assert.is(dep5Expression(bad), null, JSON.stringify(bad));
  assert.is(upstreamLicense({ license: 'MIT WITH a\u0085b', license_expression: null, classifiers: [] }), null);
});

t('a name is used when the archive has it, provides it, or dpkg has it installed (not our own venv package)', () => {
  const ours = (n: string) => n === 'our-venv-tool';
  assert.ok(nameUse(NAMES, 'yamllint', ours).used);
  assert.ok(nameUse(NAMES, 'default-mta', ours).used);
  assert.ok(nameUse(NAMES, 'perl', ours).used, 'perl:any provides perl');
  assert.ok(nameUse(NAMES, 'g++', ours).used);
  assert.not.ok(nameUse(NAMES, 'g', ours).used, 'g is not g++');
  assert.not.ok(nameUse(NAMES, 'yaml', ours).used, 'a prefix is not the name');
  assert.not.ok(nameUse(NAMES, '4.96', ours).used, 'a version is not a name');
  assert.ok(nameUse(NAMES, 'local-thing', ours).used);
  assert.not.ok(nameUse(NAMES, 'removed-thing', ours).used, 'only config files left: not installed');
  assert.equal(nameUse(NAMES, 'our-venv-tool', ours), { used: false, checked: true });
  assert.equal(nameUse(NAMES, 'fresh-name', ours), { used: false, checked: true });
});

t('without apt lists the check says it could not check', () => {
  const r = nameUse({ archive: { why: NO_LISTS }, installed: () => '' }, 'fresh-name', () => false);
  assert.is(r.checked, false);
  assert.match((r as { why: string }).why, /no apt package lists.*apt-get update/);
});

t.run();
