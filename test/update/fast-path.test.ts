import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { appendFileSync, mkdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { pyservice } from '../helpers/cli.js';
import { generate } from '../helpers/generate.js';
import { tempDir } from '../helpers/tmp.js';
import { toolTest } from '../helpers/tools.js';
import { knownUpToDate, noOpInputs, quickNoOp, verdictContent, verdictPath } from '../../src/update/fast-path.js';
import { programsDir } from '../../src/templates/manifest.js';
import { commitAll, GIT_ENV, read } from './fixtures.js';

/**
 * The no-op fast path: once a full plan found a project up to date, the next `pyservice update` says so without
 * rendering a template — and only while that is still true. PYSERVICE_TRACE_TEMPLATES=1 counts the templates a
 * run rendered (0 on the fast path).
 */
const t = suite('pyservice update: a no-op found out without rendering');

function run(dir: string, ...args: string[]) {
  const r = pyservice(['update', ...args], { cwd: dir, env: { ...GIT_ENV, PYSERVICE_TRACE_TEMPLATES: '1' } });
  const m = /pyservice templates: (\d+) precompiled, (\d+) compiled by ejs/.exec(r.stderr);
  return { ...r, rendered: m ? Number(m[1]) + Number(m[2]) : 0 };
}

async function latestProject(): Promise<string> {
  return generate({ name: 'fast-svc' }, { git: true, dir: join(tempDir('fast-path-'), 'fast-svc') });
}

toolTest(t, ['git'], 'the first no-op renders and remembers; the next renders nothing, also after the user edits files of their own', async () => {
  const dir = await latestProject();
  const first = run(dir);
  assert.is(first.code, 0, first.stderr);
  assert.match(first.stdout + first.stderr, /Already up to date/);
  assert.ok(first.rendered > 0, 'the first run rendered nothing: it cannot have planned');
  const second = run(dir);
  assert.is(second.code, 0, second.stderr);
  assert.match(second.stdout + second.stderr, /Already up to date \(templates [\d.]+\)/);
  assert.is(second.rendered, 0, second.stderr);
  // The user's own edits (committed or not) never give an update whose templates did not change anything to do.
  appendFileSync(join(dir, 'setup.py'), '# team\n');
  rmSync(join(dir, 'README.md'));
  const third = run(dir);
  assert.is(third.rendered, 0);
  assert.match(third.stdout + third.stderr, /Already up to date/);
  const full = run(dir, '--dry-run'); // the full plan agrees
  assert.ok(full.rendered > 0);
  assert.match(full.stdout, /already up to date; nothing to do/);
});

toolTest(t, ['git'], 'an edited record (an answer changed by hand) or baseline takes the full path and is updated', async () => {
  const dir = await latestProject();
  assert.is(run(dir).code, 0);
  assert.is(run(dir).rendered, 0);
  const record = JSON.parse(read(dir, '.pyservice.json'));
  record.answers.description = 'Changed by hand in the record';
  writeFileSync(join(dir, '.pyservice.json'), JSON.stringify(record, null, 2) + '\n');
  commitAll(dir, 'new description');
  const r = run(dir);
  assert.is(r.code, 0, r.stderr);
  assert.ok(r.rendered > 0, 'an edited record was taken for a no-op');
  assert.match(r.stdout + r.stderr, /Re-applied templates/);
  assert.match(read(dir, 'setup.py'), /Changed by hand in the record/);
  commitAll(dir, 'update');

  assert.is(run(dir).code, 0); // remembered again
  assert.is(run(dir).rendered, 0);
  const baseline = read(dir, '.pyservice.baseline');
  writeFileSync(join(dir, '.pyservice.baseline'), baseline.replace('# What the templates', '# what the templates'));
  const b = run(dir, '--allow-dirty');
  assert.ok(b.rendered > 0, 'an edited baseline was taken for a no-op');
});

toolTest(t, ['git'], 'answers given as flags, --to and --dry-run always take the full path', async () => {
  const dir = await latestProject();
  assert.is(run(dir).code, 0);
  const to = JSON.parse(read(dir, '.pyservice.json')).templateVersion as string;
  for (const args of [['--to', to], ['--dry-run'], ['--json'], ['--ci', 'gitlab', '--dry-run']]) assert.ok(run(dir, ...args).rendered > 0, args.join(' '));
});

toolTest(t, ['git'], 'a verdict holds only for the same inputs, and not while a file it would restore is missing', async () => {
  const dir = await latestProject();
  const gitDir = join(dir, '.git');
  const inputs = noOpInputs(dir);
  assert.ok(inputs);
  assert.not.ok(knownUpToDate(gitDir, dir, inputs!));
  writeFileSync(verdictPath(gitDir), verdictContent(inputs!, ['restored.txt']));
  assert.not.ok(knownUpToDate(gitDir, dir, inputs!), 'a missing restore path');
  writeFileSync(join(dir, 'restored.txt'), 'x\n');
  assert.ok(knownUpToDate(gitDir, dir, inputs!));
  assert.is(quickNoOp(dir), inputs!.templateVersion);
  // one byte more in the record, or the same length with another byte in the baseline: not known
  appendFileSync(join(dir, '.pyservice.json'), ' ');
  assert.not.ok(knownUpToDate(gitDir, dir, noOpInputs(dir)!), 'the record is compared');
  writeFileSync(join(dir, '.pyservice.json'), inputs!.record);
  const b = Buffer.from(inputs!.baseline);
  b.writeUInt8(b.readUInt8(b.length - 2) ^ 1, b.length - 2);
  writeFileSync(join(dir, '.pyservice.baseline'), b);
  assert.not.ok(knownUpToDate(gitDir, dir, noOpInputs(dir)!), 'the baseline is compared');
  writeFileSync(join(dir, '.pyservice.baseline'), inputs!.baseline);
  assert.ok(knownUpToDate(gitDir, dir, noOpInputs(dir)!));
  // an interrupted run's journal, or a live run's lock: the full path decides
  mkdirSync(join(gitDir, 'pyservice-update'));
  assert.is(quickNoOp(dir), null);
  rmSync(join(gitDir, 'pyservice-update'), { recursive: true });
  writeFileSync(join(gitDir, 'pyservice-update.lock'), JSON.stringify({ pid: process.pid === 1 ? 2 : 1, host: hostname(), started: 'now' }));
  assert.is(quickNoOp(dir), null, 'a live lock');
  rmSync(join(gitDir, 'pyservice-update.lock'));
  // CRLF checkouts and team sources are never on the fast path
  writeFileSync(join(dir, '.pyservice.json'), inputs!.record.toString('utf8').replace(/\n/g, '\r\n'));
  assert.is(noOpInputs(dir), null);
});

toolTest(t, ['git'], 'a program the templates ship (programs/) is an input too: a changed one voids the verdict', async () => {
  const dir = await latestProject();
  const before = noOpInputs(dir)!.stamp;
  const program = join(programsDir(), 'pyservice_version.py');
  const st = statSync(program);
  try {
    utimesSync(program, st.atime, new Date(st.mtimeMs + 1000));
    assert.is.not(noOpInputs(dir)!.stamp, before);
  } finally {
    utimesSync(program, st.atime, st.mtime); // to the millisecond: a later stamp need not equal `before`
  }
});

t.run();
