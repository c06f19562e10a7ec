// Fleet check: `pyservice check` of one project vs of 20 projects (one command, --from a list), all made from
// a team template repository (file://, tags v1.0.0 and v1.1.0) in a sandboxed cache and trust list. The goal
// (issue 12): checking 20 costs at most 2x checking one plus a small per-repository cost. Also one fleet
// update with --branch over the 20. Prints figures; never fails on a target.
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CREATE = join(ROOT, 'dist', 'bin', 'create-pyservice.js');
const PYSERVICE = join(ROOT, 'dist', 'bin', 'pyservice.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const SIZE = 20;
const GIT_ENV = { GIT_AUTHOR_NAME: 'B', GIT_AUTHOR_EMAIL: 'b@example.org', GIT_COMMITTER_NAME: 'B', GIT_COMMITTER_EMAIL: 'b@example.org' };

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function bench() {
  const work = mkdtempSync(join(tmpdir(), 'bench-fleet-'));
  const env = { ...process.env, ...GIT_ENV, NO_COLOR: '1', XDG_CACHE_HOME: join(work, 'cache'), XDG_CONFIG_HOME: join(work, 'config'), PYSERVICE_DEFAULTS: '' };
  const git = (cwd, ...args) => execFileSync('git', args, { cwd, env, stdio: 'pipe' });
  const run = (bin, args, ok = [0]) => {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [bin, ...args], { cwd: work, env, stdio: 'pipe' });
    if (!ok.includes(r.status)) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
    return Number(process.hrtime.bigint() - t0) / 1e6;
  };
  try {
    const tpl = join(work, 'tpl');
    cpSync(join(ROOT, 'templates', '1.0.0'), tpl, { recursive: true });
    git(tpl, 'init', '-q');
    git(tpl, 'add', '-A');
    git(tpl, 'commit', '-qm', 'templates');
    git(tpl, 'tag', 'v1.0.0');
    const url = pathToFileURL(tpl).href;
    const dirs = [];
    for (let i = 0; i < SIZE; i++) {
      dirs.push(join(work, `svc-${i}`));
      run(CREATE, [dirs[i], '--yes', '--template', url, '--trust']);
    }
    appendFileSync(join(tpl, 'project', 'gitignore.ejs'), '# 1.1\n');
    git(tpl, 'commit', '-qam', '1.1');
    git(tpl, 'tag', 'v1.1.0');
    writeFileSync(join(work, 'repos.txt'), dirs.join('\n') + '\n');

    const bare = [];
    const one = [];
    const all = [];
    for (let i = 0; i < RUNS; i++) {
      bare.push(run('-e', ['0']));
      one.push(run(PYSERVICE, ['check', dirs[0]], [3]));
      all.push(run(PYSERVICE, ['check', '--from', join(work, 'repos.txt')], [3]));
    }
    const [b, o, a] = [median(bare), median(one), median(all)];
    console.log(`node -e 0:                          median ${b.toFixed(1)} ms`);
    console.log(`pyservice check (1 repository):     median ${o.toFixed(1)} ms over ${RUNS} runs`);
    console.log(`pyservice check --from (${SIZE} repos):  median ${a.toFixed(1)} ms (${(a / o).toFixed(2)}x one; ${((a - o) / (SIZE - 1)).toFixed(1)} ms per extra repository; target <= 2x one + a small per-repo cost)`);
    const up = run(PYSERVICE, ['update', '--from', join(work, 'repos.txt'), '--branch', 'templates-1.1.0']);
    console.log(`pyservice update --branch (${SIZE} repos): ${up.toFixed(0)} ms (${(up / SIZE).toFixed(0)} ms per repository, one commit each)`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
