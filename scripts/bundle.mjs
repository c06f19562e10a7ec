#!/usr/bin/env node
// Bundles the bins (our own modules only; npm dependencies stay external) so a run loads a few files instead
// of ~30, and only the code of the command it runs.
// The bundles are CommonJS (dist/bin/package.json says so): Node runs a CommonJS main without starting its ESM
// loader, and `require('node:fs')` does not build fs's ESM namespace, whose `promises` getter loads
// fs/promises, readline and the stream stack (together ~20% of a bare `node -e 0`'s instructions).
// Output, in dist/bin/:
//   create-pyservice.js, pyservice.js    what package.json's "bin" names: a few lines that load the rest
//                                        through V8's code cache (src/code-cache.ts)
//   create-pyservice.main.js             the create command
//   pyservice.main.js                    pyservice's dispatcher (help, version, the command table)
//   pyservice-COMMAND.js                 one bundle per command, loaded when that command runs
//   update-fast-path.js, update-run.js   update's no-op check (src/update/fast-path.ts) and the rest of
//                                        update (COMMAND_SPLITS): a run with nothing to do loads the first only
//   deb-run.js                           deb's work (src/deb/run-deb.ts): loads while Python reads the metadata
//   errors.js                            src/errors.ts, shared: the dispatcher maps the errors commands throw
//                                        by class, so there must be one copy of each class
//   python-read.js                       src/python/read-metadata.ts, shared: deb starts the read before
//                                        deb-run.js loads, and deb-run.js takes it from the same module
// A module bundled into two files that load in one process exists twice there: fine for functions, wrong for a
// class (instanceof fails across the copies). The build fails if such a module declares a class.
// Input: tsc's output in dist/src.
import { build } from 'esbuild';
import { chmodSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { asciiSource } from './ascii-source.mjs';

const BINS = ['create-pyservice', 'pyservice'];
const ERRORS = resolve('dist/src/errors.js');
/** Bundles of their own that every importer shares (one copy of their classes and state in a process). */
const SHARED = { errors: ERRORS, 'python-read': resolve('dist/src/python/read-metadata.js') };
const COMMANDS = readdirSync('dist/src/cli/commands')
  .filter((f) => f.endsWith('-command.js'))
  .map((f) => f.slice(0, -'-command.js'.length));

/**
 * Modules a command imports dynamically that get a bundle of their own, so a run loads what it uses: `update`
 * with nothing to do loads its fast path only. `runs`: which of them one run can load together.
 */
const COMMAND_SPLITS = {
  update: {
    modules: { 'update-fast-path': 'update/fast-path.js', 'update-run': 'update/run-update.js', 'update-fleet': 'cli/commands/fleet-output.js' },
    runs: [['update-fast-path', 'update-run'], ['update-fleet']],
  },
  deb: { modules: { 'deb-run': 'deb/run-deb.js' }, runs: [['deb-run']] },
};
const SPLITS = Object.entries(COMMAND_SPLITS).flatMap(([from, c]) => Object.entries(c.modules).map(([out, module]) => ({ from, out, module })));

/** Imports that become a require of another bundle in dist/bin instead of being bundled in. */
const splitPoints = {
  name: 'split-points',
  setup(b) {
    for (const [out, file] of Object.entries(SHARED))
      b.onResolve({ filter: new RegExp(`/${file.split('/').pop().replace(/\./g, '\\.')}$`) }, (args) =>
        resolve(args.resolveDir, args.path) === file && args.kind !== 'entry-point' ? { path: `./${out}.js`, external: true } : undefined,
      );
    for (const { from, out, module } of SPLITS)
      b.onResolve({ filter: new RegExp(`/${module.split('/').pop().replace(/\./g, '\\.')}$`) }, (args) =>
        resolve(args.resolveDir, args.path) === resolve('dist/src', module) &&
        args.importer.endsWith(`/cli/commands/${from}-command.js`) ? { path: `./${out}.js`, external: true } : undefined,
      );
    b.onResolve({ filter: /^\.\/commands\/[a-z-]+-command\.js$/ }, (args) => {
      if (!args.importer.endsWith('/cli/main.js')) return undefined;
      return { path: `./pyservice-${args.path.slice('./commands/'.length, -'-command.js'.length)}.js`, external: true };
    });
  },
};

const common = {
  bundle: true,
  splitting: false,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // import() of a split point becomes require(): the loader's require (src/code-cache.ts) loads it through the cache.
  supported: { 'dynamic-import': false },
  packages: 'external',
  // import.meta.url (paths.ts finds the package root from it) is this bundle's own URL.
  define: { 'import.meta.url': '__bundleUrl' },
  banner: { js: '"use strict";\nconst __bundleUrl = require("node:url").pathToFileURL(__filename).href;' },
  logLevel: 'warning',
  plugins: [splitPoints],
};

rmSync('dist/bin', { recursive: true, force: true });
const { metafile } = await build({
  ...common,
  metafile: true,
  entryPoints: {
    ...Object.fromEntries(BINS.map((b) => [`${b}.main`, `dist/src/cli/bin/${b}.js`])),
    ...Object.fromEntries(COMMANDS.map((c) => [`pyservice-${c}`, `dist/src/cli/commands/${c}-command.js`])),
    ...Object.fromEntries(SPLITS.map(({ out, module }) => [out, `dist/src/${module}`])),
    ...SHARED,
  },
  outdir: 'dist/bin',
});
// The files one process can load together: the dispatcher, a command and what that command splits off.
const together = COMMANDS.flatMap((c) => (COMMAND_SPLITS[c]?.runs ?? [[]]).map((run) => ['pyservice.main.js', `pyservice-${c}.js`, ...run.map((o) => `${o}.js`), 'python-read.js']));
const inputsOf = (out) => Object.keys(metafile.outputs[`dist/bin/${out}`].inputs);
const declares = (out, cls) => new RegExp(`\\bclass ${cls}\\d*\\b`).test(readFileSync(`dist/bin/${out}`, 'utf8'));
for (const group of together)
  for (const [i, a] of group.entries())
    for (const b of group.slice(i + 1))
      for (const m of inputsOf(a).filter((m) => inputsOf(b).includes(m)))
        for (const [, cls] of readFileSync(m, 'utf8').matchAll(/^\s*(?:export\s+)?class\s+(\w+)/gm))
          if (declares(a, cls) && declares(b, cls)) throw new Error(`class ${cls} (${m}) is bundled into both ${a} and ${b}, which load together: make it a shared bundle or move the class`);
for (const b of BINS) {
  await build({
    ...common,
    stdin: {
      contents: `import { requireCached } from ${JSON.stringify(resolve('dist/src/code-cache.js'))};\nrequireCached(__dirname + '/${b}.main.js');\n`,
      resolveDir: resolve('dist/src'),
      sourcefile: `launch-${b}.js`,
    },
    outfile: `dist/bin/${b}.js`,
    banner: { js: `#!/usr/bin/env node\n${common.banner.js}` },
  });
  chmodSync(`dist/bin/${b}.js`, 0o755);
}
// A dynamic import() compiled through vm.Script needs Node ≥ 20.12's default-loader option; the bundles have none.
for (const f of readdirSync('dist/bin'))
  if (/\bimport\(/.test(readFileSync(`dist/bin/${f}`, 'utf8'))) throw new Error(`dist/bin/${f} has a dynamic import(); require packages instead (src/lazy.ts)`);
writeFileSync('dist/bin/package.json', '{ "type": "commonjs" }\n');
// One-byte sources for V8 (scripts/ascii-source.mjs); writing in place keeps the bins' mode
for (const f of readdirSync('dist/bin').filter((f) => f.endsWith('.js'))) {
  const text = readFileSync(`dist/bin/${f}`, 'utf8');
  const ascii = asciiSource(text, `dist/bin/${f}`);
  if (ascii !== text) writeFileSync(`dist/bin/${f}`, ascii);
}
