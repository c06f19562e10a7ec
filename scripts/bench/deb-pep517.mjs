// `pyservice deb --dry-run` on PEP 517 projects (hatchling, flit_core, poetry-core) against one bare backend
// metadata call on the same project: `/usr/bin/python3 -c` importing the backend and calling its
// prepare_metadata_for_build_wheel into a temp dir (target: at most 1.5×). Runs interleaved, medians printed.
// Also prints the floors the ratio is made of: Node's start-up (`node -e 0`) and the metadata helper run alone as
// pyservice runs it (run_cached.py, its bytecode cached), so a regression can be placed on the Node or the Python side.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = join(ROOT, 'dist', 'bin', 'pyservice.js');
const PY = '/usr/bin/python3';
const HELPER = join(ROOT, 'python-helpers', 'run_cached.py');
const RUNS = Number(process.env.BENCH_RUNS ?? 11);

const PROJECTS = {
  hatchling: { backend: 'hatchling.build', requires: 'hatchling' },
  flit_core: { backend: 'flit_core.buildapi', requires: 'flit_core>=3.2,<4' },
  'poetry-core': { backend: 'poetry.core.masonry.api', requires: 'poetry-core>=1.0', poetry: true },
};

function write(dir, name, p) {
  mkdirSync(join(dir, 'bench_tool'), { recursive: true });
  writeFileSync(join(dir, 'bench_tool', '__init__.py'), '"""Bench tool."""\n__version__ = "1.2.3"\n');
  writeFileSync(join(dir, 'README.md'), '# bench-tool\n');
  const meta = p.poetry
    ? `[tool.poetry]\nname = "bench-tool"\nversion = "1.2.3"\ndescription = "Benchmarks the reader"\nauthors = ["Bench <bench@example.org>"]\nlicense = "MIT"\n[tool.poetry.dependencies]\npython = "^3.9"\n[tool.poetry.scripts]\nbench-tool = "bench_tool:main"\n`
    : `[project]\nname = "bench-tool"\nversion = "1.2.3"\ndescription = "Benchmarks the reader"\nlicense = {text = "MIT"}\nauthors = [{name = "Bench", email = "bench@example.org"}]\n[project.scripts]\nbench-tool = "bench_tool:main"\n`;
  writeFileSync(join(dir, 'pyproject.toml'), `[build-system]\nrequires = ["${p.requires}"]\nbuild-backend = "${p.backend}"\n\n${meta}`);
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(cmd, args, cwd, extraEnv = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1', PYTHONDONTWRITEBYTECODE: '1', ...extraEnv } });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

export async function bench() {
  const work = mkdtempSync(join(tmpdir(), 'bench-pep517-'));
  try {
    for (const [name, p] of Object.entries(PROJECTS)) {
      const dir = join(work, name);
      write(dir, name, p);
      const debArgs = [BIN, 'deb', '--dry-run', '--yes', '--kind', 'tool', '--maintainer', 'Bench <bench@example.org>'];
      const bareCall = `import tempfile, ${p.backend} as b; b.prepare_metadata_for_build_wheel(tempfile.mkdtemp())`;
      const runs = { deb: [], bare: [], helper: [], node: [], debNoCa: [] };
      const ca = process.env.NODE_EXTRA_CA_CERTS !== undefined;
      for (let i = 0; i < RUNS + 1; i++) {
        const deb = time(process.execPath, debArgs, dir);
        const bare = time(PY, ['-B', '-c', bareCall], dir);
        const helper = time(PY, ['-B', HELPER, 'pyservice_metadata', dir], dir, { PYSERVICE_PYCACHE: join(work, 'pycache') });
        const node = time(process.execPath, ['-e', '0'], dir);
        const debNoCa = ca ? time(process.execPath, debArgs, dir, { NODE_EXTRA_CA_CERTS: undefined }) : 0;
        if (i === 0) continue; // warm-up: page cache, code and bytecode caches
        runs.debNoCa.push(debNoCa);
        runs.deb.push(deb);
        runs.bare.push(bare);
        runs.helper.push(helper);
        runs.node.push(node);
      }
      const [deb, bare, helper, node] = [runs.deb, runs.bare, runs.helper, runs.node].map(median);
      console.log(`pyservice deb --dry-run (${name} project): median ${deb.toFixed(1)} ms over ${RUNS} runs; bare prepare_metadata_for_build_wheel ${bare.toFixed(1)} ms; ratio ${(deb / bare).toFixed(2)}× (target ≤ 1.5×)`);
      if (ca) console.log(`  without NODE_EXTRA_CA_CERTS (which every node start above parsed): median ${median(runs.debNoCa).toFixed(1)} ms, ratio ${(median(runs.debNoCa) / bare).toFixed(2)}×`);
      console.log(`  floors: metadata helper alone ${helper.toFixed(1)} ms (${(helper / bare).toFixed(2)}× the bare call), node -e 0 ${node.toFixed(1)} ms; deb minus both ${(deb - helper - node).toFixed(1)} ms`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
