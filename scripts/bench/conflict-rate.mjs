// Conflict rates of `pyservice update` before and after templates 1.2.0 split the Makefile and debian/rules into a
// team-owned file and a tool-owned include (issue #10, item 12). In memory, with the update property test's own case
// generator (test/update/property-cases.ts, compiled to dist/test): no disk, no git.
//   1. The most common edit pair: the team appends a target to its Makefile (and debian/rules) while the templates
//      append one to theirs. Up to 1.1.0 both are the same file; from 1.2.0 the templates' is pyservice.mk.
//   2. The property test's random edit scripts (25 % of files edited at random lines, some deleted or renamed) ×
//      random template changes (30 % of merged files), on the 1.1.0 layout and on the 1.2.0 layout. The random user
//      also edits tool-owned files, which a team is told not to: the second figure counts only cases whose user
//      edits stay in files the team owns (no edits to pyservice.mk, debian/pyservice.mk, build-aux/, ci/*.sh).
//   3. The real transition 1.0.0 → 1.1.0 under the same random edits, for reference.
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CASES = Number(process.env.BENCH_CONFLICT_CASES ?? 2000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261128);
const TOOL_OWNED = /^(pyservice\.mk|debian\/pyservice\.mk|build-aux\/|ci\/[^/]+\.sh$)/;

export async function bench() {
  const cases = await import(pathToFileURL(join(ROOT, 'dist', 'test', 'update', 'property-cases.js')).href);
  const { prng } = await import(pathToFileURL(join(ROOT, 'dist', 'test', 'helpers', 'random.js')).href);
  const pct = (n, d) => (d === 0 ? 'n/a' : `${((100 * n) / d).toFixed(1)} %`);
  const conflicts = (c, v) => cases.planCase(c, v).filter((a) => a.action === 'conflict').map((a) => a.path);

  console.log('1. team and templates each append a target (per type × CI provider):');
  for (const version of ['1.1.0', '1.2.0']) {
    let n = 0;
    let hit = 0;
    for (const type of ['service', 'library']) {
      for (const ci of ['github', 'gitlab', 'circleci', 'jenkins', 'none']) {
        n++;
        if (conflicts(cases.appendPairCase(version, type, ci), 'next').length > 0) hit++;
      }
    }
    console.log(`   ${version} layout: ${hit}/${n} updates conflict (${pct(hit, n)})`);
  }

  console.log(`2. random user edits × random template changes, ${CASES} cases each (seed ${SEED}):`);
  for (const version of ['1.1.0', '1.2.0']) {
    const rand = prng(SEED);
    let any = 0;
    let owned = 0;
    let ownedAny = 0;
    let files = 0;
    let fileConflicts = 0;
    for (let i = 0; i < CASES; i++) {
      const c = cases.makeCase(rand, String(i), { from: version, to: version, templateSide: 'random', types: ['service', 'library'] });
      const got = conflicts(c, 'next');
      const editsOwnedOnly = [...c.edited].every((p) => !TOOL_OWNED.test(p));
      if (got.length > 0) any++;
      if (editsOwnedOnly) {
        owned++;
        if (got.length > 0) ownedAny++;
      }
      files += c.edited.size;
      fileConflicts += got.length;
    }
    console.log(`   ${version} layout: ${pct(any, CASES)} of updates conflict; ${pct(ownedAny, owned)} of the ${owned} whose edits stay in team-owned files; ${pct(fileConflicts, files)} of edited files`);
  }

  const rand = prng(SEED);
  let any = 0;
  for (let i = 0; i < CASES; i++) {
    const c = cases.makeCase(rand, String(i), { from: '1.0.0', to: '1.1.0', templateSide: 'real' });
    if (conflicts(c, '1.1.0').length > 0) any++;
  }
  console.log(`3. the real 1.0.0 → 1.1.0 under random user edits: ${pct(any, CASES)} of updates conflict`);
}
