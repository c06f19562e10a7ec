// `pyservice deb --dry-run` (a tool by default, so no question) on a setup.py project against one bare `/usr/bin/python3 setup.py --name` on the same
// project (target: at most 1.3×). Also prints the floors the ratio is made of: Node's start-up (`node -e 0`) and
// the metadata helper run on its own, so a regression can be placed.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = join(ROOT, 'dist', 'bin', 'pyservice.js');
// As pyservice runs it: through run_cached.py, its bytecode cached (in this run's own cache folder)
const HELPER = join(ROOT, 'python-helpers', 'run_cached.py');
const PY = '/usr/bin/python3';
const RUNS = Number(process.env.BENCH_RUNS ?? 15);

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(cmd, args, cwd, extraEnv = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd, stdio: 'ignore', env: { ...process.env, NO_COLOR: '1', PYTHONDONTWRITEBYTECODE: '1', ...extraEnv } });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}`);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

export async function bench() {
  const work = mkdtempSync(join(tmpdir(), 'bench-deb-'));
  const dir = join(work, 'project');
  cpSync(join(ROOT, 'test', 'fixtures', 'projects', 'console-scripts'), dir, { recursive: true });
  try {
    const runs = { deb: [], bare: [], helper: [], node: [] };
    for (let i = 0; i < RUNS + 1; i++) {
      const deb = time(process.execPath, [BIN, 'deb', '--dry-run', '--maintainer', 'Bench <bench@example.org>'], dir);
      const bare = time(PY, ['setup.py', '--name'], dir);
      const helper = time(PY, ['-B', HELPER, 'pyservice_metadata', dir], dir, { PYSERVICE_PYCACHE: join(work, 'pycache') });
      const node = time(process.execPath, ['-e', '0'], dir);
      if (i === 0) continue; // warm-up: page cache
      runs.deb.push(deb);
      runs.bare.push(bare);
      runs.helper.push(helper);
      runs.node.push(node);
    }
    const [deb, bare, helper, node] = [runs.deb, runs.bare, runs.helper, runs.node].map(median);
    console.log(`pyservice deb --dry-run (setup.py project): median ${deb.toFixed(1)} ms over ${RUNS} runs`);
    console.log(`/usr/bin/python3 setup.py --name:           median ${bare.toFixed(1)} ms`);
    console.log(`ratio: ${(deb / bare).toFixed(2)}× (target ≤ 1.3×)`);
    console.log(`  floors: metadata helper alone ${helper.toFixed(1)} ms (${(helper / bare).toFixed(2)}× the bare call), node -e 0 ${node.toFixed(1)} ms`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
