import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { handOver } from '../../src/update/handover.js';

/** The handover of a file from the templates to the team (update/handover.ts), on Makefile-shaped text. */
const t = suite('handover: the team\'s edits travel into the file the templates hand over');

const B = (s: string) => Buffer.from(s);
const BASE = 'NAME := x\nVENV ?= .venv\nPYTEST_ARGS ?=\n\ntest: venv ## Run\n\t$(VENV)/bin/python -m pytest $(PYTEST_ARGS)\n\nclean:\n\trm -rf $(VENV)\n';
const THEIRS = '# yours\n\ninclude pyservice.mk\n';
const ANCHOR = 'include pyservice.mk';

t('no team edits: exactly the new file', () => {
  const h = handOver(B(BASE), B(BASE), B(THEIRS), ANCHOR);
  assert.is(h.content.toString(), THEIRS);
  assert.is(h.carried, 0);
});

t('a changed setting goes before the include, an added rule after it, a changed recipe carries its whole rule', () => {
  const ours = BASE.replace('PYTEST_ARGS ?=\n', 'PYTEST_ARGS ?= -q\n').replace('-m pytest $(PYTEST_ARGS)', '-m pytest -x $(PYTEST_ARGS)') + '\nsmoke: venv ## Smoke\n\t$(VENV)/bin/python -c 1\n';
  const h = handOver(B(BASE), B(ours), B(THEIRS), ANCHOR);
  const out = h.content.toString();
  const at = out.indexOf('include pyservice.mk\n');
  assert.ok(out.indexOf('PYTEST_ARGS ?= -q\n') >= 0 && out.indexOf('PYTEST_ARGS ?= -q\n') < at, out);
  assert.ok(out.indexOf('test: venv ## Run\n\t$(VENV)/bin/python -m pytest -x $(PYTEST_ARGS)\n') > at, out);
  assert.ok(out.indexOf('smoke: venv ## Smoke\n\t$(VENV)/bin/python -c 1\n') > at, out);
  assert.not.match(out, /^clean:/m, 'an unchanged template rule is not carried');
  assert.ok(out.startsWith('# yours\n'), out);
});

t('a deleted template line is counted, not carried; a missing anchor appends at the end', () => {
  const ours = BASE.replace('VENV ?= .venv\n', '') + 'X = 1\n';
  const h = handOver(B(BASE), B(ours), B('# no anchor\n'), ANCHOR);
  assert.is(h.dropped, 1);
  assert.match(h.content.toString(), /^# no anchor\n[\s\S]*X = 1\n/);
});

t('continued lines travel whole', () => {
  const base = 'A = 1 \\\n  2\nB = 3\n';
  const ours = 'A = 1 \\\n  2 \\\n  4\nB = 3\n';
  const out = handOver(B(base), B(ours), B(THEIRS), ANCHOR).content.toString();
  assert.match(out, /A = 1 \\\n {2}2 \\\n {2}4\n[\s\S]*include pyservice\.mk/);
});

const INCLUDED = 'test: venv ## Run the tests\n\t$(VENV)/bin/python -m pytest -p no:cacheprovider $(PYTEST_ARGS)\n\nclean:\n\trm -rf $(VENV) dist\n';

t('a changed rule whose target the included file gives another recipe is a conflict: yours against nothing', () => {
  const ours = BASE.replace('-m pytest $(PYTEST_ARGS)', '-m pytest -x $(PYTEST_ARGS)') + '\nsmoke: venv ## Smoke\n\t$(VENV)/bin/python -c 1\n';
  const h = handOver(B(BASE), B(ours), B(THEIRS), ANCHOR, B(INCLUDED));
  assert.equal(h.overridden, ['test']);
  assert.is(h.result.conflicts, 1);
  const conflict = h.result.chunks.find((c) => c.kind === 'conflict');
  assert.equal(conflict, { kind: 'conflict', ours: ['test: venv ## Run\n', '\t$(VENV)/bin/python -m pytest -x $(PYTEST_ARGS)\n'], theirs: [] });
  // The team's new rule is not in the included file: carried as it was, outside the conflict.
  assert.ok(h.result.chunks.some((c) => c.kind === 'ok' && c.lines.join('').includes('smoke: venv ## Smoke\n')), JSON.stringify(h.result.chunks));
  assert.is(h.content.toString(), handOver(B(BASE), B(ours), B(THEIRS), ANCHOR).content.toString(), 'the file with your side is what the handover wrote before');
});

t('prerequisites only, a special target, a recipe equal to the included one, or no included file: no conflict', () => {
  const cases: [string, string | undefined][] = [
    [BASE + '\ntest: lint\n', INCLUDED],
    [BASE.replace('\ntest: venv', '\n.PHONY: test smoke\ntest: venv'), INCLUDED],
    [BASE.replace('clean:\n\trm -rf $(VENV)\n', 'clean:\n\trm -rf $(VENV) dist\n'), INCLUDED],
    [BASE.replace('-m pytest $(PYTEST_ARGS)', '-m pytest -x $(PYTEST_ARGS)'), undefined],
  ];
  for (const [ours, included] of cases) {
    const h = handOver(B(BASE), B(ours), B(THEIRS), ANCHOR, included === undefined ? undefined : B(included));
    assert.equal(h.overridden, [], ours);
    assert.is(h.result.conflicts, 0, ours);
  }
});

t('a dh override in debian/rules is checked the same way (the included debian/pyservice.mk)', () => {
  const base = '%:\n\tdh $@ --with python-virtualenv\n\noverride_dh_virtualenv:\n\tdh_virtualenv --builtin-venv\n';
  const ours = base.replace('--builtin-venv', '--builtin-venv --setuptools-test');
  const h = handOver(B(base), B(ours), B('include debian/pyservice.mk\n'), 'include debian/pyservice.mk', B('%:\n\tdh $@\n\noverride_dh_virtualenv:\n\tdh_virtualenv --builtin-venv --requirements=requirements.lock\n'));
  assert.equal(h.overridden, ['override_dh_virtualenv']);
});

t.run();
