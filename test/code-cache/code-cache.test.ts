import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { packageRoot } from '../../src/paths.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * V8's code cache (src/code-cache.ts), in real child processes: written at exit, used by the next run, never
 * trusted over the file it was made from, and only kept in the user's cache directory.
 */
const t = suite('code cache');

const LOADER = pathToFileURL(join(packageRoot(), 'dist', 'src', 'code-cache.js')).href;

/** Loads `file` through the cache in a fresh Node and prints its exports' `value`; returns stdout and the trace. */
function load(file: string, cacheHome: string, extra: Record<string, string> = {}) {
  const script = `import(${JSON.stringify(LOADER)}).then((m) => console.log(m.requireCached(${JSON.stringify(file)}).value()))`;
  const r = spawnSync(process.execPath, ['-e', script], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: join(cacheHome, 'home'), XDG_CACHE_HOME: cacheHome, PYSERVICE_TRACE_CODE_CACHE: '1', ...extra },
  });
  assert.is(r.status, 0, r.stderr);
  const m = /pyservice code cache: (\d+) used, (\d+) rejected, (\d+) missing, (\d+) written/.exec(r.stderr);
  return { out: r.stdout.trim(), used: Number(m?.[1]), rejected: Number(m?.[2]), missing: Number(m?.[3]), written: Number(m?.[4]) };
}

const module_ = (answer: string) => `'use strict';\nconst helper = (x) => x.split('').reverse().join('');\nmodule.exports = { value: () => helper(${JSON.stringify(answer)}) };\n`;

t('the first run writes the cache (0600 in a 0700 directory), the next runs use it', () => {
  const dir = tempDir('code-cache-');
  const file = join(dir, 'mod.cjs');
  writeFileSync(file, module_('abc'));
  const first = load(file, join(dir, 'cache'));
  assert.equal([first.out, first.missing, first.written, first.used], ['cba', 1, 1, 0]);
  const v8 = join(dir, 'cache', 'create-pyservice', 'v8');
  const files = readdirSync(v8);
  assert.is(files.length, 1);
  assert.is(statSync(v8).mode & 0o777, 0o700);
  assert.is(statSync(join(v8, files[0]!)).mode & 0o777, 0o600);
  const second = load(file, join(dir, 'cache'));
  assert.equal([second.out, second.used, second.rejected, second.written], ['cba', 1, 0, 0]);
});

t('an edit of the same length never runs the old code: the cache is keyed by the file, not trusted over it', () => {
  const dir = tempDir('code-cache-');
  const file = join(dir, 'mod.cjs');
  writeFileSync(file, module_('abc'));
  assert.is(load(file, join(dir, 'cache')).out, 'cba');
  writeFileSync(file, module_('xyz')); // same length: V8's own check (source length) would accept the old cache
  const after = load(file, join(dir, 'cache'));
  assert.equal([after.out, after.used, after.missing, after.written], ['zyx', 0, 1, 1]);
  assert.is(readdirSync(join(dir, 'cache', 'create-pyservice', 'v8')).length, 1, 'the cache for the old content was replaced, not kept beside');
});

t('a damaged cache (right key, garbage code) is refused by V8 and rewritten; the module still loads', () => {
  const dir = tempDir('code-cache-');
  const file = join(dir, 'mod.cjs');
  writeFileSync(file, module_('abc'));
  load(file, join(dir, 'cache'));
  const v8 = join(dir, 'cache', 'create-pyservice', 'v8');
  const cacheFile = join(v8, readdirSync(v8)[0]!);
  const bytes = readFileSync(cacheFile);
  const keyEnd = bytes.indexOf(10) + 1;
  writeFileSync(cacheFile, Buffer.concat([bytes.subarray(0, keyEnd), Buffer.alloc(bytes.length - keyEnd, 0x5a)]));
  const damaged = load(file, join(dir, 'cache'));
  assert.equal([damaged.out, damaged.rejected, damaged.written], ['cba', 1, 1]);
  assert.equal([load(file, join(dir, 'cache')).used], [1]);
});

t('a cache in a directory others can write to is never used (a planted cache would be code run as this user)', () => {
  const dir = tempDir('code-cache-');
  const file = join(dir, 'mod.cjs');
  writeFileSync(file, module_('abc'));
  load(file, join(dir, 'cache'));
  const v8 = join(dir, 'cache', 'create-pyservice', 'v8');
  assert.is(load(file, join(dir, 'cache')).used, 1);
  chmodSync(v8, 0o777);
  const shared = load(file, join(dir, 'cache'));
  assert.equal([shared.out, shared.used, shared.missing], ['cba', 0, 1]);
  chmodSync(v8, 0o700);
  chmodSync(join(v8, readdirSync(v8)[0]!), 0o666);
  const loose = load(file, join(dir, 'cache'));
  assert.equal([loose.out, loose.used, loose.missing], ['cba', 0, 1]);
});

t('a cache folder others can write is never written into, and a symlink planted at the temporary name is not followed', () => {
  // Before: with XDG_CACHE_HOME shared and create-pyservice/v8 mode 0777, a symlink at NAME.v8.PID.tmp (the pid is
  // predictable) made the run overwrite the file it pointed to with cache bytes
  const dir = tempDir('code-cache-');
  const file = join(dir, 'mod.cjs');
  writeFileSync(file, module_('abc'));
  load(file, join(dir, 'private'));
  const name = readdirSync(join(dir, 'private', 'create-pyservice', 'v8'))[0]!;
  const cache = join(dir, 'shared');
  const v8 = join(cache, 'create-pyservice', 'v8');
  mkdirSync(v8, { recursive: true });
  chmodSync(join(cache, 'create-pyservice'), 0o777);
  chmodSync(v8, 0o777);
  const victim = join(dir, 'victim.txt');
  writeFileSync(victim, 'precious\n');
  const script = `import(${JSON.stringify(LOADER)}).then((m) => console.log(m.requireCached(${JSON.stringify(file)}).value()))`;
  const r = spawnSync('sh', ['-c', 'ln -s "$1" "$2/$3.$$.tmp" && exec "$4" -e "$5"', 'sh', victim, v8, name, process.execPath, script], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: join(dir, 'home'), XDG_CACHE_HOME: cache, PYSERVICE_TRACE_CODE_CACHE: '1' },
  });
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout.trim(), 'cba');
  assert.match(r.stderr, /0 used, 0 rejected, 1 missing, 0 written/);
  assert.is(readFileSync(victim, 'utf8'), 'precious\n', 'the file the symlink points to is untouched');
  assert.equal(readdirSync(v8).filter((f) => !f.endsWith('.tmp')), [], 'nothing written into a folder others can write');
});

t('PYSERVICE_NO_CODE_CACHE=1 and NODE_DISABLE_COMPILE_CACHE load plainly and write nothing', () => {
  for (const off of [{ PYSERVICE_NO_CODE_CACHE: '1' }, { NODE_DISABLE_COMPILE_CACHE: '1' }] as Record<string, string>[]) {
    const dir = tempDir('code-cache-');
    const file = join(dir, 'mod.cjs');
    writeFileSync(file, module_('abc'));
    const r = load(file, join(dir, 'cache'), off);
    assert.equal([r.out, r.used, r.missing, r.written], ['cba', 0, 0, 0]);
    assert.equal(readdirSync(dir), ['mod.cjs']);
  }
});

t('the bins load through it: a second run of a command uses the cache for every bundle it loads', () => {
  const dir = tempDir('code-cache-bins-');
  const bin = join(packageRoot(), 'dist', 'bin', 'pyservice.js');
  const run = () => {
    const r = spawnSync(process.execPath, [bin, 'templates', '--json'], { encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: dir, PYSERVICE_TRACE_CODE_CACHE: '1' } });
    assert.is(r.status, 0, r.stderr);
    assert.ok(Array.isArray(JSON.parse(r.stdout)));
    const m = /(\d+) used, (\d+) rejected, (\d+) missing, (\d+) written/.exec(r.stderr);
    assert.ok(m, r.stderr);
    return m!.slice(1).map(Number) as [number, number, number, number];
  };
  const [, , missing, written] = run();
  assert.ok(missing >= 2 && written === missing, `first run: ${missing} missing, ${written} written`);
  assert.equal(run(), [missing, 0, 0, 0], 'second run: every bundle from the cache');
});

t.run();
