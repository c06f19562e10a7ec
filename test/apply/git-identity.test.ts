import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { identityFromConfigTexts, readGitIdentity } from '../../src/apply/git-identity.js';
import { tempDir } from '../helpers/tmp.js';
import { toolTest } from '../helpers/tools.js';

/** The git-free identity lookup agrees with `git config` itself, or steps aside (null) and lets git answer. */
const t = suite('git identity without starting git');

const CONFIGS: string[] = [
  '[user]\n\tname = Ada Lovelace\n\temail = ada@example.org\n',
  '[User]\n  Name=  "Ada  Lovelace"  \n  EMAIL = ada@example.org # work\n',
  '[user]\n name = Zoë \\"Z\\" O\'Brien ; comment\n email = "z@example.org"\n',
  '# header\n[core]\n\tname = not-me\n[user]\nname = First\n[user]\nname = Second\nemail = s@example.org\n',
  '[user "sub"]\n\tname = Sub Section\n[user]\n\temail = only@example.org\n',
  '[user]\n\tname = tab\\there\n',
  '',
  '[user]\n\tname = "unterminated\n',
  '[include]\n\tpath = other\n[user]\n\tname = Inc\n',
  '[user]\n\tname = continued \\\n line\n',
];

for (const [i, text] of CONFIGS.entries()) {
  toolTest(t, ['git'], `config #${i}: same answer as git config, or null`, () => {
    const home = tempDir();
    writeFileSync(join(home, '.gitconfig'), text);
    const env = { HOME: home, PATH: process.env.PATH ?? '', GIT_CONFIG_NOSYSTEM: '1' };
    const git = spawnSync('git', ['config', '--get-regexp', '^user\\.(name|email)$'], { env, encoding: 'utf8' });
    const fromGit = { name: '', email: '' };
    for (const line of git.stdout.split('\n')) {
      const m = /^user\.(name|email) (.*)$/.exec(line);
      if (m) fromGit[m[1] as 'name' | 'email'] = m[2]!;
    }
    const ours = readGitIdentity(env);
    if (ours === null) {
      assert.ok(/include|\\\n|"unterminated/.test(text), `stepped aside on a plain file: ${JSON.stringify(text)}`);
      return;
    }
    assert.equal(ours, fromGit, JSON.stringify(text));
  });
}

t('XDG and global files are both read, the global one last', () => {
  const home = tempDir();
  mkdirSync(join(home, '.config', 'git'), { recursive: true });
  writeFileSync(join(home, '.config', 'git', 'config'), '[user]\n\tname = From XDG\n\temail = xdg@example.org\n');
  writeFileSync(join(home, '.gitconfig'), '[user]\n\tname = From Global\n');
  assert.equal(readGitIdentity({ HOME: home, GIT_CONFIG_NOSYSTEM: '1' }), { name: 'From Global', email: 'xdg@example.org' });
});

t('GIT_CONFIG_COUNT-style variables make it step aside', () => {
  assert.is(readGitIdentity({ HOME: tempDir(), GIT_CONFIG_COUNT: '1' }), null);
  assert.is(identityFromConfigTexts(['[includeIf "gitdir:~/work/"]\n\tpath = w\n']), null);
});

t.run();
