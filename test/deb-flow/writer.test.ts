import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/paths.js';
import { PYSERVICE_BIN, pyservice } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { toolTest } from '../helpers/tools.js';
import { commitAll, git, GIT_ENV, snapshot, type Entry } from '../update/fixtures.js';

/**
 * `pyservice deb` writes through update's writer (update/apply-update.ts): never through a symlink, a journal a
 * rerun finishes after a kill, conflicts left unmerged in git's index (stages 1/2/3), and --dry-run writes nothing.
 */
const t = suite('pyservice deb: the same writer as pyservice update');
const PY = '/usr/bin/python3';
const ME = 'Pat Doe <pat@example.org>';
const ENV = { ...GIT_ENV, NO_COLOR: '1', DEBFULLNAME: '', DEBEMAIL: '' };
const TEMP = /(^|\/)\.[^/]+\.pyservice-[0-9a-f]{8}\.tmp$/;

function project(withGit: boolean): string {
  const dir = join(tempDir('deb-writer-'), 'console-scripts');
  cpSync(join(packageRoot(), 'test', 'fixtures', 'projects', 'console-scripts'), dir, { recursive: true });
  if (withGit) {
    git(dir, 'init', '-q', '-b', 'main');
    commitAll(dir, 'upstream');
  }
  return dir;
}

const deb = (dir: string, ...args: string[]) => pyservice(['deb', dir, '--kind', 'service', '--yes', ...args], { env: ENV });

/** A hash of everything under dir, .git included: paths, modes, contents and symlink targets. */
function treeHash(dir: string): string {
  const h = createHash('sha256');
  const walk = (rel: string) => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const p = rel ? `${rel}/${name}` : name;
      const st = lstatSync(join(dir, p));
      h.update(`${p}\0${st.mode}\0`);
      if (st.isSymbolicLink()) h.update(readlinkSync(join(dir, p)));
      else if (st.isDirectory()) walk(p);
      else h.update(readFileSync(join(dir, p)));
    }
  };
  walk('');
  return h.digest('hex');
}

toolTest(t, [PY], 'a debian/ file that is a symlink to a file outside: refused with one line (exit 2); nothing written outside or inside', () => {
  const dir = project(false);
  const outside = join(tempDir('deb-outside-'), 'control');
  writeFileSync(outside, 'Source: not-yours\n');
  mkdirSync(join(dir, 'debian'));
  symlinkSync(outside, join(dir, 'debian', 'control'));
  const before = snapshot(dir);
  const r = deb(dir, '--force', '--maintainer', ME);
  assert.is(r.code, 2, r.stdout + r.stderr);
  const lines = r.stderr.trim().split('\n');
  assert.is(lines.length, 1, r.stderr);
  assert.match(lines[0]!, /debian\/control is a symlink; pyservice deb never writes through it: replace it with a regular file/);
  assert.is(readFileSync(outside, 'utf8'), 'Source: not-yours\n');
  assert.equal(readdirSync(join(outside, '..')), ['control']);
  assert.equal(snapshot(dir), before);
});

/** Runs deb with a delay per write and SIGKILLs its process group `afterMs` after its journal appears. */
function killMidWrite(dir: string, journal: string, afterMs: number): Promise<{ killed: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [PYSERVICE_BIN, 'deb', dir, '--kind', 'service', '--yes', '--maintainer', ME], {
      detached: true,
      env: { ...process.env, ...ENV, PYSERVICE_TEST_WRITE_DELAY_MS: '25' },
      stdio: 'ignore',
    });
    let killed = false;
    const poll = setInterval(() => {
      if (!existsSync(journal)) return;
      clearInterval(poll);
      setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
          killed = true;
        } catch {
          /* already gone */
        }
      }, afterMs);
    }, 2);
    child.on('exit', () => {
      clearInterval(poll);
      resolve({ killed });
    });
  });
}

interface JournalFile {
  ops: { op: string; path: string; blob: string; mode: number }[];
  stage: string[];
}
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

for (const withGit of [true, false]) {
  toolTest(t, withGit ? [PY, 'git'] : [PY], `killed mid-write ${withGit ? 'in a git repository' : 'outside git'}: no file is half-written, and the rerun finishes exactly the journal's writes${withGit ? ' (and stages them)' : ''}`, async () => {
    const template = project(withGit);
    const before = snapshot(template);
    for (const afterMs of [40, 200]) {
      const dir = join(tempDir('deb-kill-'), 'p');
      cpSync(template, dir, { recursive: true });
      const journalDir = withGit ? join(dir, '.git', 'pyservice-update') : join(dir, '.pyservice-update');
      const journalFile = join(journalDir, 'journal.json');
      const { killed } = await killMidWrite(dir, journalFile, afterMs);
      assert.ok(killed, `the run ended before the kill at ${afterMs} ms`);
      assert.ok(existsSync(journalFile), 'the journal is there after the kill');
      // What the run planned: the journal's writes (each blob is the planned bytes, named by their sha256)
      const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as JournalFile;
      const planned = new Map(journal.ops.filter((o) => o.op === 'write').map((o) => [o.path, o]));
      assert.ok(planned.has('debian/control') && planned.has('.pyservice.json'), [...planned.keys()].join(' '));
      const isPlanned = (p: string, e: Entry) => planned.get(p)?.blob === sha(Buffer.from(e.content, 'latin1')) && e.mode === planned.get(p)!.mode;
      let done = 0;
      for (const [p, e] of Object.entries(snapshot(dir))) {
        if (TEMP.test(p) || p.startsWith('.pyservice-update/') || p === '.pyservice-update.lock') continue;
        const old = JSON.stringify(e) === JSON.stringify(before[p]);
        assert.ok(old || isPlanned(p, e), `${p} is neither as it was nor as planned after a kill at ${afterMs} ms`);
        if (!old) done++;
      }
      assert.ok(done < planned.size, `the kill at ${afterMs} ms landed after every write`);

      // The rerun, the same command without --force (debian/ exists now), finishes the interrupted run first.
      const again = deb(dir, '--maintainer', ME);
      assert.is(again.code, 0, again.stderr);
      assert.match(again.stderr + again.stdout, /Finishing the interrupted deb/);
      const after = snapshot(dir);
      for (const p of planned.keys()) assert.ok(after[p] && isPlanned(p, after[p]!), `${p} is not as planned after the rerun (kill at ${afterMs} ms)`);
      assert.equal(Object.keys(after).sort(), [...new Set([...Object.keys(before), ...planned.keys()])].sort(), 'files other than the planned ones appeared or went');
      assert.not.ok(existsSync(journalDir), 'journal left behind');
      assert.not.ok(existsSync(join(dir, '.pyservice-update.lock')), 'lock left behind');
      if (withGit) {
        const status = git(dir, 'status', '--porcelain', '--untracked-files=all').split('\n').filter(Boolean);
        assert.equal(status.sort(), journal.stage.map((p) => `A  ${p}`).sort(), 'every written file staged as written');
      }
    }
  });
}

/** The merge base of a re-run: the first run with ME, committed; the team then edits the line the second run changes. */
function editedAfterFirstRun(): { dir: string; team: string } {
  const dir = project(true);
  assert.is(deb(dir, '--maintainer', ME).code, 0);
  commitAll(dir, 'pyservice deb');
  const control = join(dir, 'debian', 'control');
  const team = readFileSync(control, 'utf8').replace(/^Maintainer: .*$/m, 'Maintainer: Team Lead <lead@example.org>');
  assert.ok(team.includes('Team Lead'));
  writeFileSync(control, team);
  commitAll(dir, 'team maintainer');
  return { dir, team };
}

toolTest(t, [PY, 'git'], 'over an edited debian/ file: the conflict is left in git\'s index as stages 1/2/3 and the exit is 1 (documented), the clean results staged', () => {
  const { dir, team } = editedAfterFirstRun();
  const base = git(dir, 'show', 'HEAD~1:debian/control');
  const r = deb(dir, '--force', '--maintainer', 'Other Person <other@example.org>');
  assert.is(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /merged\s+debian\/control \(1 conflict marked\)/);
  assert.match(r.stdout, /left unmerged in git's index/);
  const stages = git(dir, 'ls-files', '-u', '--', 'debian/control').trim().split('\n').map((l) => l.split(/\s+/));
  assert.equal(stages.map((s) => s[2]), ['1', '2', '3']);
  const blob = (stage: string) => git(dir, 'cat-file', 'blob', stages.find((s) => s[2] === stage)![1]!);
  assert.is(blob('1'), base);
  assert.is(blob('2'), team);
  assert.match(blob('3'), /^Maintainer: Other Person <other@example\.org>$/m);
  const merged = readFileSync(join(dir, 'debian', 'control'), 'utf8');
  assert.match(merged, /^<<<<<<< debian\/control \(yours\)\nMaintainer: Team Lead <lead@example\.org>\n=======\nMaintainer: Other Person <other@example\.org>\n>>>>>>> debian\/control \(pyservice deb, templates [\d.]+\)$/m);
  // The record and debian/copyright (the team did not edit it) are merged cleanly and staged.
  const staged = git(dir, 'diff', '--cached', '--name-only').split('\n');
  assert.ok(staged.includes('.pyservice.json') && staged.includes('debian/copyright'), staged.join(' '));
  assert.match(git(dir, 'show', ':.pyservice.json'), /Other Person/);
  assert.is(git(dir, 'show', ':debian/copyright'), readFileSync(join(dir, 'debian', 'copyright'), 'utf8'));
});

toolTest(t, [PY, 'git'], '--force --dry-run writes nothing: the tree (.git included) hashes the same before and after', () => {
  const { dir } = editedAfterFirstRun();
  const before = treeHash(dir);
  const r = deb(dir, '--force', '--dry-run', '--maintainer', 'Other Person <other@example.org>');
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /would merge\s+debian\/control \(1 conflict marked\)/);
  assert.match(r.stdout, /Nothing was written \(--dry-run\)/);
  assert.is(treeHash(dir), before);
});

toolTest(t, [PY], 'a DEBFULLNAME with a line break is named in one line and not used; without another source it is the error (exit 2)', () => {
  const dir = project(false);
  const env = { ...ENV, DEBFULLNAME: 'Pat\nDoe', DEBEMAIL: 'pat@example.org', GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: '', GIT_AUTHOR_EMAIL: '' };
  const r = pyservice(['deb', dir, '--kind', 'service', '--yes', '--dry-run'], { env });
  assert.is(r.code, 2, r.stdout + r.stderr);
  assert.is(r.stderr.trim(), 'error: the maintainer name from DEBFULLNAME/DEBEMAIL ("Pat\\nDoe") is not used: it holds a line break; fix it there, or pass --maintainer "Full Name <email@example.com>"');
  // git config has a usable name: taken, and the unused DEBFULLNAME said in one line
  const cfg = join(tempDir('deb-gitcfg-'), 'gitconfig');
  writeFileSync(cfg, '[user]\n\tname = Git Name\n\temail = git@example.org\n');
  const withGit = pyservice(['deb', dir, '--kind', 'service', '--yes', '--dry-run', '--json'], { env: { ...env, GIT_CONFIG_GLOBAL: cfg } });
  assert.is(withGit.code, 0, withGit.stderr);
  const plan = JSON.parse(withGit.stdout) as { notes: string[]; answers: { author: string; email: string } };
  assert.is(plan.answers.author, 'Git Name');
  assert.is(plan.answers.email, 'pat@example.org');
  assert.ok(plan.notes.includes('the maintainer name from DEBFULLNAME/DEBEMAIL ("Pat\\nDoe") is not used: it holds a line break; fix it there, or pass --maintainer "Full Name <email@example.com>"'), JSON.stringify(plan.notes));
});

toolTest(t, [PY], 'a service package name longer than a system user name (31) is exit 2 naming --package (a --prefix only makes it longer); a dry run lists it', () => {
  const dir = project(false);
  const long = 'acme-payments-reconciliation-worker-eu';
  const r = deb(dir, '--package', long, '--maintainer', ME);
  assert.is(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stderr, `"${long}" is 38: cut to "acme-payments-reconciliation-wo", it is the user of every other service whose name starts so; a name of at most 31 characters is needed: name the package with --package NAME`);
  assert.not.ok(existsSync(join(dir, 'debian')));
  const dry = deb(dir, '--package', long, '--maintainer', ME, '--dry-run', '--json');
  assert.is(dry.code, 0, dry.stderr);
  assert.match(JSON.stringify(JSON.parse(dry.stdout).refusals), 'at most 31 characters');
});

t.run();
