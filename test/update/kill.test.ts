import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PYSERVICE_BIN, pyservice } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { prng, seedFromEnv } from '../helpers/random.js';
import { toolTest } from '../helpers/tools.js';
import { commitAll, git, oldProject, read, snapshot, type Entry } from './fixtures.js';

/**
 * Kill test: SIGKILL the real CLI (and its git children: the whole process group) at random moments of an
 * update, then check that no file is torn (each is byte-for-byte its old or its new version) and that a rerun
 * finishes the job with exactly the result of an uninterrupted update (files, modes, git's index).
 * PYSERVICE_TEST_WRITE_DELAY_MS (honoured only by the apply step, for tests) slows each write so the kills
 * spread over the whole update instead of landing before or after it.
 */
const t = suite('pyservice update killed at random moments');
const RUNS = Number(process.env.UPDATE_KILL_RUNS ?? 22);
const DELAY_MS = 8;
const TEMP = /(^|\/)\.[^/]+\.pyservice-[0-9a-f]{8}\.tmp$/;

function copyRepo(from: string): string {
  const to = join(tempDir('pyservice-kill-'), 'p');
  execFileSync('cp', ['-a', from, to]);
  return to;
}

interface State {
  files: Record<string, Entry>;
  index: string;
  status: string;
}
const state = (dir: string): State => ({ files: snapshot(dir), index: git(dir, 'ls-files', '-s'), status: git(dir, 'status', '--porcelain') });

function runUntilKilled(dir: string, afterMs: number): Promise<{ killed: boolean; code: number | null }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [PYSERVICE_BIN, 'update'], {
      cwd: dir,
      detached: true, // its own process group: the kill takes git children with it
      env: { ...process.env, NO_COLOR: '1', PYSERVICE_TEST_WRITE_DELAY_MS: String(DELAY_MS) },
      stdio: 'ignore',
    });
    let killed = false;
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
        killed = true;
      } catch {
        /* already gone */
      }
    }, afterMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ killed, code });
    });
  });
}

toolTest(t, ['git', 'cp'], `${RUNS} kills: no torn file, and the rerun equals an uninterrupted update`, async () => {
  // A project with user edits that make every kind of step: update, merge, conflict, add, rename, keep.
  const template = await oldProject();
  writeFileSync(join(template, '.gitignore'), '# team\nnotes/\n' + read(template, '.gitignore'));
  // a conflict: the team and the templates both append to the end of the file (the Makefile no longer conflicts
  // from templates 1.2.0 on: it is the team's, and its edits are handed over)
  appendFileSync(join(template, '.gitignore'), 'local/\n');
  appendFileSync(join(template, '.flake8'), 'max-complexity = 10\n');
  commitAll(template);
  const before = snapshot(template);

  // The reference: an uninterrupted update, timed with the same delay so the kills cover its whole length. Its
  // length is the shortest of three runs: timed once, a slow reference on a loaded machine (1906 ms, against
  // 1167 ms unloaded) put most kill moments after the later runs had finished (6 of 22 interrupted).
  const reference = copyRepo(template);
  const timings: number[] = [];
  for (const dir of [reference, copyRepo(template), copyRepo(template)]) {
    const started = Date.now();
    const r = await runUntilKilled(dir, 60_000);
    timings.push(Date.now() - started);
    assert.is(r.code, 1, 'the update leaves a conflict: exit 1, like git merge');
  }
  const duration = Math.min(...timings);
  const want = state(reference);

  const seed = seedFromEnv();
  const rand = prng(seed);
  let interrupted = 0;
  let lockReports = 0;
  let resumed = 0;
  let leftTemps = 0;
  for (let run = 0; run < RUNS; run++) {
    const where = `seed ${seed} (FUZZ_SEED=${seed}), run ${run}`;
    const dir = copyRepo(template);
    const at = Math.floor(rand() * duration);
    const r = await runUntilKilled(dir, at);
    if (r.killed) interrupted++;

    // No torn file: every path holds its old or its new bytes (temp files of an interrupted write aside).
    const journalLeft = existsSync(join(dir, '.git/pyservice-update/journal.json'));
    if (journalLeft) resumed++;
    for (const [p, e] of Object.entries(snapshot(dir))) {
      if (TEMP.test(p)) {
        leftTemps++;
        continue;
      }
      const ok = JSON.stringify(e) === JSON.stringify(before[p]) || JSON.stringify(e) === JSON.stringify(want.files[p]);
      assert.ok(ok, `${where}, killed at ${at} ms: ${p} is neither its old nor its new version`);
    }

    // The rerun finishes the job; a stale index.lock is reported (not deleted), and after the user removes it,
    // the next run finishes.
    // A kill after the run had finished its work and removed its journal leaves nothing to do: the rerun is up to
    // date, and says the conflict the update left is still unresolved (exit 1, as every rerun does until it is
    // resolved). With the journal still there (killed between the last write and its removal) the rerun resumes
    // and, like the uninterrupted run, reports the conflict it leaves (exit 1).
    const finished = JSON.stringify(state(dir)) === JSON.stringify(want) && !journalLeft;
    let again = pyservice(['update'], { cwd: dir });
    if (again.code === 1 && /index\.lock exists/.test(again.stderr)) {
      lockReports++;
      assert.ok(existsSync(join(dir, '.git/index.lock')), `${where}: the lock was deleted`);
      rmSync(join(dir, '.git/index.lock'));
      again = pyservice(['update'], { cwd: dir });
    }
    // Exit 1 (like git merge): the rerun, resumed or not, leaves the .gitignore conflict for the user.
    assert.is(again.code, 1, `${where}, killed at ${at} ms: rerun failed: ${again.stderr}`);
    if (finished) assert.match(again.stderr, /still have unresolved conflicts in git's index \(\.gitignore\)/, `${where}: ${again.stderr}`);
    assert.not.match(again.stderr, /error:/, `${where}: ${again.stderr}`);
    const got = state(dir);
    assert.not.ok(Object.keys(got.files).some((p) => TEMP.test(p)), `${where}: temp files left after the rerun`);
    assert.equal(got.files, want.files, `${where}, killed at ${at} ms: files differ from an uninterrupted update`);
    assert.is(got.index, want.index, `${where}, killed at ${at} ms: git's index differs`);
    assert.is(got.status, want.status, `${where}`);
    assert.not.ok(existsSync(join(dir, '.git/pyservice-update')), `${where}: journal left behind`);
  }
  assert.ok(interrupted >= RUNS / 2, `only ${interrupted} of ${RUNS} runs were really interrupted; the update took ${duration} ms`);
  assert.ok(resumed >= 1, `seed ${seed}: no kill landed after the journal was written; nothing was resumed`);
  console.log(`  kill test: ${interrupted}/${RUNS} interrupted, ${resumed} resumed from the journal, ${leftTemps} temp files cleaned, ${lockReports} stale index.lock reports (update ${duration} ms, the shortest of ${timings.join('/')} ms, at ${DELAY_MS} ms per write)`);
});

t.run();
