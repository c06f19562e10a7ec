import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DockerfileParser } from 'dockerfile-ast';
import { generate } from '../helpers/generate.js';
import { tempDir } from '../helpers/tmp.js';
import { toolTest } from '../helpers/tools.js';
import { DISTROS } from '../../src/answers/distros.js';

/**
 * No Docker engine runs here, so the builder image is checked statically: a Dockerfile parser, shellcheck on
 * every RUN, COPY sources present and not docker-ignored, and (for bookworm, whose archive this machine
 * reaches) every package it installs exists and the service's Build-Depends resolve (`apt-get build-dep -s`).
 */
const t = suite('generated Dockerfile');

async function parsed(type: 'service' | 'library' | 'tool', distro: string, buildDeps: string[] = []) {
  const dir = await generate({ type, distro, name: `img-${type}-${distro}`, buildDeps });
  const df = DockerfileParser.parse(readFileSync(join(dir, 'Dockerfile'), 'utf8'));
  return { dir, df };
}

for (const [codename, d] of Object.entries(DISTROS))
  for (const type of ['service', 'library', 'tool'] as const) {
    toolTest(t, ['shellcheck'], `${type} on ${codename}: FROM ${d.image}, every RUN passes shellcheck, COPY sources exist`, async () => {
      const { dir, df } = await parsed(type, codename, ['libpq-dev']);
      assert.equal(df.getFROMs().map((f) => `${f.getImageName()}:${f.getImageTag()}`), [d.image]);
      const runs = df.getInstructions().filter((i) => i.getKeyword() === 'RUN');
      assert.ok(runs.length >= 2);
      const script = join(tempDir(), 'run.sh');
      writeFileSync(script, '#!/bin/sh\nset -e\n' + runs.map((r) => r.getArgumentsContent()).join('\n') + '\n');
      const sc = spawnSync('shellcheck', ['--severity=warning', script], { encoding: 'utf8' });
      assert.is(sc.status, 0, sc.stdout);
      const ignored = readFileSync(join(dir, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim());
      for (const copy of df.getInstructions().filter((i) => i.getKeyword() === 'COPY')) {
        const src = copy.getArguments()[0]!.getValue();
        assert.ok(existsSync(join(dir, src)), `COPY source ${src} missing`);
        assert.not.ok(ignored.some((p) => p && (src === p || src.startsWith(p + '/'))), `${src} is docker-ignored`);
      }
      if (type === 'library') assert.match(df.getInstructions().map((i) => i.getArgumentsContent()).join('\n'), /SYSTEM_BUILD_DEPS="libpq-dev"/);
    });
  }

toolTest(t, ['apt-cache', 'apt-get'], 'bookworm: every package the builder image installs exists in Debian, and a service\'s Build-Depends resolve', async () => {
  const { dir, df } = await parsed('service', 'bookworm', ['libpq-dev']);
  const install = df.getInstructions().find((i) => i.getKeyword() === 'RUN' && /apt-get install/.test(i.getArgumentsContent() ?? ''))!;
  const words = install.getArgumentsContent()!.split(/apt-get install/)[1]!.split('&&')[0]!.split(/\s+/).filter((w) => w && !w.startsWith('-'));
  assert.ok(words.includes('dh-virtualenv') && words.includes('python3-venv'), words.join(' '));
  const show = spawnSync('apt-cache', ['show', '--no-all-versions', ...words], { encoding: 'utf8' });
  const found = new Set([...show.stdout.matchAll(/^Package: (\S+)$/gm)].map((m) => m[1]));
  assert.equal(words.filter((w) => !found.has(w)), [], 'packages unknown to apt (run apt-get update?)');
  const sim = spawnSync('apt-get', ['build-dep', '-s', '--no-install-recommends', dir], { encoding: 'utf8' });
  assert.is(sim.status, 0, sim.stdout + sim.stderr);
  assert.match(sim.stdout, /Note, using directory/);
});

t.run();
