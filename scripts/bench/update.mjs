// `pyservice update` figures:
//  - no-op update (project already at the latest templates) on a generated project: median wall time of the real
//    CLI (target < 250 ms), and the same with 10,000 unrelated committed files in the repository (target ≤ 1.2×);
//  - a real update 1.0.0 → 1.1.0 (journal, writes, git index), for scale;
//  - the merge engine: in-process diff3 vs spawning `git merge-file` per file, over the project's merge files.
import { spawnSync, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CREATE = join(ROOT, 'dist', 'bin', 'create-pyservice.js');
const PYSERVICE = join(ROOT, 'dist', 'bin', 'pyservice.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const GIT_ENV = { GIT_AUTHOR_NAME: 'B', GIT_AUTHOR_EMAIL: 'b@example.org', GIT_COMMITTER_NAME: 'B', GIT_COMMITTER_EMAIL: 'b@example.org' };

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function time(bin, args, cwd) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...GIT_ENV } });
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, out: r.stdout };
}

/** Median no-op times of two projects, measured alternately so machine load hits both alike. */
function noops(a, b) {
  const xa = [];
  const xb = [];
  for (let i = 0; i < RUNS; i++) {
    for (const [dir, xs] of [[a, xa], [b, xb]]) {
      const r = time(PYSERVICE, ['update'], dir);
      if (!/Already up to date/.test(r.out)) throw new Error(`not a no-op: ${r.out}`);
      xs.push(r.ms);
    }
  }
  return [median(xa), median(xb)];
}

export async function bench() {
  const work = mkdtempSync(join(tmpdir(), 'bench-update-'));
  try {
    time(CREATE, ['svc', '--yes'], work);
    const dir = join(work, 'svc');
    const bigDir = join(work, 'big');
    execFileSync('cp', ['-a', dir, bigDir]);
    for (let d = 0; d < 100; d++) {
      mkdirSync(join(bigDir, 'data', `d${d}`), { recursive: true });
      for (let f = 0; f < 100; f++) writeFileSync(join(bigDir, 'data', `d${d}`, `f${f}.txt`), `unrelated ${d}/${f}\n`);
    }
    execFileSync('git', ['add', '-A'], { cwd: bigDir });
    execFileSync('git', ['commit', '-q', '-m', '10k files'], { cwd: bigDir, env: { ...process.env, ...GIT_ENV } });
    const [plain, big] = noops(dir, bigDir);
    console.log(`pyservice update, no-op, generated project:       median ${plain.toFixed(1)} ms over ${RUNS} runs (target < 250 ms)`);
    console.log(`pyservice update, no-op, + 10,000 committed files: median ${big.toFixed(1)} ms (${(big / plain).toFixed(2)}×, target ≤ 1.2×)`);

    const real = [];
    for (let i = 0; i < Math.min(RUNS, 7); i++) {
      const d = join(work, `old${i}`);
      time(CREATE, [d, '--yes', '--template-version', '1.0.0', '--name', 'old-svc'], work);
      real.push(time(PYSERVICE, ['update'], d).ms);
    }
    console.log(`pyservice update 1.0.0 → 1.1.0 (writes, journal, git index): median ${median(real).toFixed(1)} ms`);

    // Merge engine: every text file of the project merged against itself with a one-line change per side.
    const { merge3 } = await import(join(ROOT, 'dist', 'src', 'merge', 'merge3.js'));
    const files = [];
    const walk = (rel) => {
      for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
        const p = rel ? `${rel}/${e.name}` : e.name;
        if (e.name === '.git' || p.startsWith('data')) continue;
        if (e.isDirectory()) walk(p);
        else files.push(readFileSync(join(dir, p)));
      }
    };
    walk('');
    const triples = files.map((b) => [b, Buffer.concat([Buffer.from('ours\n'), b]), Buffer.concat([b, Buffer.from('theirs\n')])]);
    let t0 = process.hrtime.bigint();
    for (const [b, o, t] of triples) merge3(b, o, t);
    const inProcess = Number(process.hrtime.bigint() - t0) / 1e6;
    const tmp = join(work, 'mf');
    mkdirSync(tmp);
    t0 = process.hrtime.bigint();
    for (const [b, o, t] of triples) {
      writeFileSync(join(tmp, 'b'), b);
      writeFileSync(join(tmp, 'o'), o);
      writeFileSync(join(tmp, 't'), t);
      spawnSync('git', ['merge-file', '-p', join(tmp, 'o'), join(tmp, 'b'), join(tmp, 't')]);
    }
    const viaGit = Number(process.hrtime.bigint() - t0) / 1e6;
    console.log(`merge of ${triples.length} project files: in-process diff3 ${inProcess.toFixed(1)} ms, git merge-file per file ${viaGit.toFixed(1)} ms`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
