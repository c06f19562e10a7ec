import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseSource, SourceError } from '../../src/template-sources/spec.js';
import { versionsFromTags } from '../../src/template-sources/semver.js';
import { compareVersions } from '../../src/templates/template-set.js';
import { isTrusted } from '../../src/template-sources/trust.js';
import { gitEnv } from '../../src/template-sources/git-cache.js';
import { teamAnswerDefaults, checkDefaults, DefaultsError } from '../../src/template-sources/team-defaults.js';

const t = suite('template sources: parsing, versions, trust matching, team defaults');

t('every source form parses to a canonical source and a ref', () => {
  const cases: [string, string, string, string | null][] = [
    ['gh:acme/py-template', 'git', 'https://github.com/acme/py-template.git', null],
    ['gl:acme/group/py-template#v2.1.0', 'git', 'https://gitlab.com/acme/group/py-template.git', 'v2.1.0'],
    ['https://git.example.com/platform/tpl.git#1.2.0', 'git', 'https://git.example.com/platform/tpl.git', '1.2.0'],
    ['ssh://git@git.example.com:2222/platform/tpl.git', 'git', 'ssh://git@git.example.com:2222/platform/tpl.git', null],
    ['git@github.com:acme/tpl.git', 'git', 'git@github.com:acme/tpl.git', null],
    ['file:///srv/templates/team', 'git', 'file:///srv/templates/team', null],
    ['./tpl#v1.0.0', 'local', '/work/x/tpl', 'v1.0.0'],
    ['/abs/tpl', 'local', '/abs/tpl', null],
  ];
  for (const [input, kind, canonical, ref] of cases) {
    const s = parseSource(input, '/work/x');
    assert.is(s.kind, kind, input);
    assert.is(s.canonical, canonical, input);
    assert.is(s.ref, ref, input);
  }
});

t('credentials in a source are refused, and the message does not repeat them', () => {
  for (const bad of ['https://bob:hunter2@git.example.com/t.git', 'https://ghp_SECRETTOKEN@github.com/acme/t.git', 'https://git.example.com/t.git?private_token=SECRETTOKEN', 'ssh://git:hunter2@host/t.git', 'git@git.example.com:acme/t.git?private_token=SECRETTOKEN', 'git.example.com:acme/t.git?token=SECRETTOKEN', 'bob:hunter2@git.example.com:acme/t.git']) {
    try {
      parseSource(bad);
      assert.unreachable(bad);
    } catch (err) {
      assert.instance(err, SourceError, bad);
      assert.not.match((err as Error).message, /hunter2|SECRETTOKEN/, bad);
      assert.match((err as Error).message, /credential/);
    }
  }
  assert.throws(() => parseSource('ext::sh -c touch% /tmp/pwned'), /not supported|not a tag|directory/);
  assert.throws(() => parseSource('https://h/x#bad ref'), /not a tag name/);
});

t('versions: v-prefixed and bare tags, semver order (10 after 9), pre-releases only when asked', () => {
  const tags = ['v1.10.0', 'v1.9.0', '1.2.0', 'v1.2.0', 'latest', 'v2.0.0-rc.2', 'v2.0.0-rc.10', 'v2.0.0-beta', 'release-3'];
  assert.equal(versionsFromTags(tags).map((v) => v.version), ['1.2.0', '1.9.0', '1.10.0']);
  assert.equal(versionsFromTags(tags, true).map((v) => v.version), ['1.2.0', '1.9.0', '1.10.0', '2.0.0-beta', '2.0.0-rc.2', '2.0.0-rc.10']);
  assert.is(versionsFromTags(tags).find((v) => v.version === '1.2.0')!.tag, 'v1.2.0');
  assert.is(compareVersions('2.0.0-rc.10', '2.0.0'), -1);
  assert.is(compareVersions('1.0.0', '1.0.0'), 0);
});

t('trust: exact sources and "/"-ended prefixes; the shipped set needs none', () => {
  const list = ['https://git.example.com/platform/', 'file:///srv/t'];
  assert.ok(isTrusted(parseSource('https://git.example.com/platform/tpl.git'), list));
  assert.ok(isTrusted(parseSource('file:///srv/t'), list));
  assert.not.ok(isTrusted(parseSource('file:///srv/t2'), list));
  assert.not.ok(isTrusted(parseSource('https://git.example.com/platformx/tpl.git'), list));
  assert.ok(isTrusted(parseSource('shipped'), []));
});

t('git never prompts under CI, and variables that would point git at another repository are dropped', () => {
  const env = gitEnv({ CI: 'true', GIT_DIR: '/elsewhere', HOME: '/h', SSH_AUTH_SOCK: '/s' });
  assert.is(env.GIT_TERMINAL_PROMPT, '0');
  assert.is(env.GIT_DIR, undefined);
  assert.is(env.SSH_AUTH_SOCK, '/s');
});

t('team defaults: manifest then file; the maintainer domain rewrites a foreign git email only', () => {
  const d = teamAnswerDefaults([{ indexUrl: 'https://pypi.acme.test/simple/', ci: 'gitlab', emailDomain: 'acme.test' }, { ci: 'jenkins' }], 'ann@home.example');
  assert.equal(d, { indexUrl: 'https://pypi.acme.test/simple/', ci: 'jenkins', email: 'ann@acme.test' });
  assert.is(teamAnswerDefaults([{ emailDomain: '@ACME.test' }], 'ann@acme.test').email, undefined);
  assert.throws(() => checkDefaults({ indexPassword: 'x' }, 'f'), (e: unknown) => e instanceof DefaultsError && /unknown key/.test((e as Error).message));
  assert.throws(() => checkDefaults({ indexUrl: 'https://u:password@h/simple/' }, 'f'), /credential/);
});

t.run();
