import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NPX_PYSERVICE, pyserviceCommand } from '../../src/cli/self-command.js';
import { packageRoot } from '../../src/paths.js';
import { create } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * What create's next steps and `pyservice check` tell a user to type: `pyservice …` when the pyservice on PATH is
 * this package's own (walk2: an installed create-pyservice told its user to `npx -p create-pyservice pyservice
 * login`, which downloads the package again), npx otherwise.
 */
const t = suite('cli: how the user runs pyservice next');
const OURS = join(packageRoot(), 'dist', 'bin', 'pyservice.js');
const ID = ['--author', 'Test Author', '--email', 'test@example.org', '--index-url', 'https://pypi.example.org/simple/'];

/** A bin folder as npm makes it: `pyservice` a symlink to the given script. */
function binDir(target: string): string {
  const dir = join(tempDir(), 'bin');
  mkdirSync(dir);
  symlinkSync(target, join(dir, 'pyservice'));
  return dir;
}

function otherPyservice(): string {
  const dir = join(tempDir(), 'other-bin');
  mkdirSync(dir);
  writeFileSync(join(dir, 'pyservice'), '#!/bin/sh\nexit 0\n');
  chmodSync(join(dir, 'pyservice'), 0o755);
  return dir;
}

t('the first pyservice on PATH decides: this package’s → pyservice; another one, or none → npx', () => {
  assert.is(pyserviceCommand(['/nonexistent', binDir(OURS), '/usr/bin'].join(':')), 'pyservice');
  assert.is(pyserviceCommand(['/usr/bin', '/bin'].join(':')), NPX_PYSERVICE);
  assert.is(pyserviceCommand([otherPyservice(), binDir(OURS)].join(':')), NPX_PYSERVICE, 'a stranger pyservice comes first');
  assert.is(pyserviceCommand(['relative/bin', binDir(OURS)].join(':')), 'pyservice');
  assert.is(pyserviceCommand(''), NPX_PYSERVICE);
});

t("a run by npx is npx's, though npx puts its temporary copy on PATH", () => {
  const npxRoot = join(tempDir(), '.npm', '_npx', '0123abcd', 'node_modules', 'create-pyservice');
  mkdirSync(join(npxRoot, 'dist', 'bin'), { recursive: true });
  writeFileSync(join(npxRoot, 'dist', 'bin', 'pyservice.js'), '');
  chmodSync(join(npxRoot, 'dist', 'bin', 'pyservice.js'), 0o755);
  assert.is(pyserviceCommand(binDir(join(npxRoot, 'dist', 'bin', 'pyservice.js')), npxRoot), NPX_PYSERVICE);
});

t("create's next steps name the command the user has", () => {
  const installed = create([join(tempDir(), 'svc'), '--yes', '--no-git', ...ID], { env: { PATH: `${binDir(OURS)}:${process.env.PATH}` } });
  assert.is(installed.code, 0, installed.stderr);
  assert.match(installed.stdout, /or run `pyservice login`\./);
  const viaNpx = create([join(tempDir(), 'svc'), '--yes', '--no-git', ...ID], { env: { PATH: '/usr/bin:/bin' } });
  assert.is(viaNpx.code, 0, viaNpx.stderr);
  assert.match(viaNpx.stdout, /or run `npx -p create-pyservice pyservice login`\./);
});

t.run();
