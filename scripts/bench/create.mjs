// Median wall time of `create-pyservice demo --yes --no-git` (a real child process, as a user runs it),
// next to a bare `node -e 0` so the figure can be read against this machine's Node start-up.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'bin', 'create-pyservice.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 15);

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(args, cwd) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd, stdio: 'ignore', env: { ...process.env, NO_COLOR: '1' } });
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}`);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

export async function bench() {
  const work = mkdtempSync(join(tmpdir(), 'bench-create-'));
  try {
    const create = [];
    const bare = [];
    for (let i = 0; i < RUNS; i++) {
      bare.push(time(['-e', '0'], work));
      create.push(time([BIN, 'demo', '--yes', '--no-git'], work));
      rmSync(join(work, 'demo'), { recursive: true, force: true });
    }
    console.log(`create-pyservice demo --yes --no-git: median ${median(create).toFixed(1)} ms over ${RUNS} runs (target < 150 ms)`);
    console.log(`node -e 0 (start-up floor here):      median ${median(bare).toFixed(1)} ms`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
