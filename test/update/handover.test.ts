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

t.run();
