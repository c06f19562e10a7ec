import { PYSERVICE_BIN } from '../helpers/cli.js';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { packageRoot } from '../../src/paths.js';
import { projectDirOf, versionScriptPath, VERSION_SCRIPT } from '../../src/versions/version-script.js';
import { generate } from '../helpers/generate.js';
import { tempDir } from '../helpers/tmp.js';
import { toolTest } from '../helpers/tools.js';
import { LATEST, parseChangelog, SCRIPT, sh } from './script.js';

const t = suite('pyservice version (runs the project’s debian/pyservice-version)');
const PYSERVICE = PYSERVICE_BIN;
const TOOLS = ['dpkg-parsechangelog', 'dpkg', 'git', 'make', '/usr/bin/python3'];

t('the project directory is the positional after the subcommand (and its tag)', () => {
  const table: Array<[string[], string]> = [
    [[], '.'],
    [['proj'], 'proj'],
    [['show'], '.'],
    [['show', 'proj'], 'proj'],
    [['snapshot'], '.'],
    [['snapshot', '../proj'], '../proj'],
    [['release', 'v1.0'], '.'],
    [['release', 'v1.0', '/abs/proj'], '/abs/proj'],
    [['convert', '1.0', '2.0'], '.'],
  ];
  for (const [positionals, dir] of table) assert.is(projectDirOf(positionals), dir, positionals.join(' '));
});

t('a tag or directory with a line break or control character is refused in one line, before the script runs', () => {
  // The script quoted such a tag back raw: $'v1.0.0\n  * injected' printed a second 'error:' line of the caller's text
  for (const args of [['release', 'v1.0.0\n  * injected'], ['release', 'v1.0.0\u001b]0;t\u0007'], ['show', 'dir\u202e'], ['convert', '1.0\r']]) {
    const r = spawnSync(process.execPath, [PYSERVICE, 'version', ...args], { cwd: tempDir(), encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    assert.is(r.status, 2, `${JSON.stringify(args)}: ${r.stdout}${r.stderr}`);
    assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /contains a line break, control or invisible character/);
    assert.not.match(r.stderr, /[\u0000-\u0009\u000b-\u001f\u202e]/);
  }
});

t("a project without its own script runs this package's template copy", () => {
  assert.is(versionScriptPath(tempDir()), SCRIPT);
});

/** A generated service in a git repository with one commit. */
async function service(): Promise<string> {
  const dir = await generate({ type: 'service', name: 'stamp-demo' });
  const r = sh('sh', ['-c', 'git init -q && git add -A && git -c user.name=T -c user.email=t@example.org commit -qm init'], { cwd: dir });
  assert.is(r.code, 0, r.stderr);
  return dir;
}

toolTest(t, TOOLS, 'a generated service ships the script (mode 755) and its changelog stamps and parses cleanly', async () => {
  const dir = await service();
  const own = join(dir, VERSION_SCRIPT);
  assert.is(readFileSync(own, 'utf8'), readFileSync(SCRIPT, 'utf8'));
  assert.is(statSync(own).mode & 0o777, 0o755);
  assert.is(versionScriptPath(dir), own);
  const r = sh(LATEST.interpreter, [VERSION_SCRIPT, 'snapshot'], { cwd: dir, env: { PYSERVICE_NOW: '1795391999' } });
  assert.is(r.code, 0, r.stderr);
  const { fields, stderr } = parseChangelog(dir);
  assert.is(stderr, '');
  assert.match(fields.Version!, /^0\.1\.0~20261122235959\+git[0-9a-f]{7,}$/);
  assert.is(fields.Maintainer, 'Test Author <test@example.org>');
});

toolTest(t, TOOLS, '`pyservice version …` and `python3 debian/pyservice-version …` give the same output and exit code', async () => {
  const dir = await service();
  const env = { PYSERVICE_NOW: '1795391999', NO_COLOR: '1' };
  const cases = [[], ['snapshot', '--dry-run'], ['snapshot', '--print-version'], ['release', 'v0.1.0', '--dry-run'], ['release', 'v0.0.9'], ['release', 'v1.0-final'], ['release']];
  for (const args of cases) {
    const script = sh(LATEST.interpreter, [VERSION_SCRIPT, ...args], { cwd: dir, env });
    const cli = sh(process.execPath, [PYSERVICE, 'version', ...args], { cwd: dir, env });
    assert.is(cli.code, script.code, args.join(' '));
    assert.is(cli.stdout, script.stdout, args.join(' '));
    assert.is(cli.stderr, script.stderr.replace(/^pyservice-version: /gm, '').replaceAll('pyservice-version --help', 'pyservice version --help'), args.join(' '));
  }
  // And the same from outside the project, naming it.
  const outside = sh(process.execPath, [PYSERVICE, 'version', 'snapshot', '--print-version', dir], { env });
  assert.is(outside.stdout, sh(LATEST.interpreter, [SCRIPT, 'snapshot', '--print-version', dir], { env }).stdout);
  assert.match(outside.stdout, /^0\.1\.0~20261122235959\+git/);
});

toolTest(t, TOOLS, "a project in a long folder with an '@' (Jenkins' workspace/job@2) is stamped: no 'argument carries a credential'", async () => {
  // Measured before: under a 628-character folder below job@2, every word over 512 characters with an '@' counted as
  // a credential, and pyservice version stopped with 'refusing to run /usr/bin/python3: an argument carries a credential'
  let parent = join(tempDir(), 'job@2');
  while (parent.length < 600) parent = join(parent, 'd'.repeat(50));
  mkdirSync(parent, { recursive: true });
  const dir = await generate({ type: 'service', name: 'svc' }, { git: true, dir: join(parent, 'svc') });
  const r = sh(process.execPath, [PYSERVICE, 'version', 'snapshot', '--print-version'], { cwd: dir, env: { PYSERVICE_NOW: '1795391999', NO_COLOR: '1' } });
  assert.is(r.stderr, '');
  assert.is(r.code, 0);
  assert.match(r.stdout, /^0\.1\.0~20261122235959\+git[0-9a-f]{7,}\n$/);
});

toolTest(t, TOOLS, 'pyservice version --help documents the subcommands, flags and exit codes; a bad flag is exit 2', async () => {
  const help = sh(process.execPath, [PYSERVICE, 'version', '--help']);
  assert.is(help.code, 0, help.stderr);
  for (const s of ['pyservice version snapshot', 'pyservice version release TAG', '--dry-run', '--print-version', 'Exit codes: 0 ok, 1 failure', '2 bad usage']) assert.ok(help.stdout.includes(s), s);
  const bad = sh(process.execPath, [PYSERVICE, 'version', '--colour']);
  assert.is(bad.code, 2);
  assert.is(bad.stderr.trim().split('\n').length, 1);
});

toolTest(t, TOOLS, 'a mistyped subcommand is exit 2 naming the commands; the script\'s messages name pyservice version, not pyservice-version', async () => {
  // Measured before: 'pyservice version relase v1' said 'unexpected argument "v1"; see pyservice-version --help' and
  // 'pyservice version snapshto' 'no snapshto/debian/changelog …' (exit 1): the first word was taken for the directory
  const dir = await service();
  for (const args of [['relase', 'v1'], ['snapshto']]) {
    const r = sh(process.execPath, [PYSERVICE, 'version', ...args], { cwd: dir, env: { NO_COLOR: '1' } });
    assert.is(r.code, 2, r.stderr);
    assert.is(r.stderr.trim(), `error: "${args[0]}" is neither a command (show, snapshot, release, convert, local) nor a directory; see pyservice version --help`);
  }
  const extra = sh(process.execPath, [PYSERVICE, 'version', 'show', '.', 'more'], { cwd: dir, env: { NO_COLOR: '1' } });
  assert.is(extra.code, 2, extra.stderr);
  assert.match(extra.stderr, /see pyservice version --help/);
  assert.not.match(extra.stderr, /pyservice-version/);
  // a directory is still a directory
  const shown = sh(process.execPath, [PYSERVICE, 'version', dir], { env: { NO_COLOR: '1' } });
  assert.is(shown.code, 0, shown.stderr);
});

toolTest(t, TOOLS, 'make deb-release stamps the tag on HEAD (git describe), or TAG=…', async () => {
  const dir = await service();
  assert.is(sh('git', ['tag', 'v0.1.0rc1'], { cwd: dir }).code, 0);
  // The recipe reads the tag from its environment ("$TAG"), never spliced into the shell text.
  const recipe = sh('make', ['-n', 'deb-release'], { cwd: dir });
  assert.is(recipe.code, 0, recipe.stderr);
  assert.match(recipe.stdout, '/usr/bin/python3 debian/pyservice-version release "$TAG"');
  const printTag = ['-s', '--eval', 'print-tag: ; @printf "%s\\n" "$$TAG"', 'print-tag'];
  assert.is(sh('make', printTag, { cwd: dir }).stdout.trim(), 'v0.1.0rc1');
  assert.is(sh('make', [...printTag, `TAG=v0.2.0";id;'`], { cwd: dir }).stdout.trim(), `v0.2.0";id;'`);
  const snapshot = sh('make', ['-n', 'deb-snapshot'], { cwd: dir });
  assert.match(snapshot.stdout, '/usr/bin/python3 debian/pyservice-version snapshot');
});

/**
 * templates 1.6.0: a release is made from exactly the tagged code. Found on a team lead's walk against a real
 * index: `make upload TAG=v0.6.0` one commit after the tag uploaded that commit's code as 0.6.0, and a tagged HEAD
 * with an uncommitted edit uploaded the edit. Both refusals come before the venv is built (nothing else runs).
 */
toolTest(t, TOOLS, 'make upload and make deb-release: only from the tagged commit, with nothing uncommitted (exit 2 before the venv)', async () => {
  for (const type of ['library', 'service'] as const) {
    const dir = await generate({ type, name: `tagged-${type}` });
    const git = (...args: string[]) => sh('git', ['-c', 'user.name=T', '-c', 'user.email=t@example.org', ...args], { cwd: dir });
    assert.is(sh('sh', ['-c', 'git init -q && git add -A'], { cwd: dir }).code, 0);
    assert.is(git('commit', '-qm', 'init').code, 0);
    assert.is(git('tag', '-a', '-m', 'release', 'v0.1.0').code, 0);
    const target = type === 'library' ? 'upload' : 'deb-release';
    writeFileSync(join(dir, 'README.md'), readFileSync(join(dir, 'README.md'), 'utf8') + '\nlater\n');
    const dirty = sh('make', [target, 'TAG=v0.1.0'], { cwd: dir });
    assert.is(dirty.code, 2, `${type} dirty: ${dirty.stdout}${dirty.stderr}`);
    assert.match(dirty.stderr, /pyservice-tagged: README\.md differs from the commit \([0-9a-f]{12}\): a release is made from committed code only/);
    assert.is(git('commit', '-qam', 'later').code, 0);
    const later = sh('make', [target, 'TAG=v0.1.0'], { cwd: dir });
    assert.is(later.code, 2, `${type} later: ${later.stdout}${later.stderr}`);
    assert.match(later.stderr, /pyservice-tagged: tag v0\.1\.0 is commit [0-9a-f]{12}, but this checkout is at [0-9a-f]{12}: a release is made from the tagged commit only/);
    assert.not.ok(existsSync(join(dir, '.venv')), `${type}: the venv was built before the refusal`);
    // On the tag, clean, the check passes (the release itself is make.test.ts and library-flow.test.ts territory)
    assert.is(git('checkout', '-q', 'v0.1.0').code, 0);
    assert.is(sh('/usr/bin/python3', ['build-aux/pyservice-tagged.py', 'v0.1.0'], { cwd: dir }).code, 0);
  }
});

t.run();
