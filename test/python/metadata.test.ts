import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { MetadataError, parseHelperOutput } from '../../src/python/metadata.js';
import { helperEnv, metadataHelperPath } from '../../src/python/read-metadata.js';

const t = suite('python metadata: parsing the helper');

const ok = (metadata: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ ok: true, metadata, sources: ['setup.py'], python: '3.11.2', setuptools: '66.1.1', ...extra });

t('a complete answer is taken field by field; missing strings are null, missing lists empty', () => {
  const r = parseHelperOutput(ok({ name: 'x', version: '1.0', description: 'D', install_requires: ['a>=1'], console_scripts: ['x = x:main'] }), '', 0);
  assert.is(r.metadata.name, 'x');
  assert.is(r.metadata.version, '1.0');
  assert.is(r.metadata.author, null);
  assert.is(r.metadata.url, null);
  assert.equal(r.metadata.install_requires, ['a>=1']);
  assert.equal(r.metadata.console_scripts, ['x = x:main']);
  assert.equal(r.sources, ['setup.py']);
  assert.is(r.python, '3.11.2');
});

t('values of the wrong type are dropped, not trusted', () => {
  const r = parseHelperOutput(ok({ name: 42, install_requires: 'a', console_scripts: ['ok = m:f', 3] }, { sources: ['setup.py', 'evil'] }), '', 0);
  assert.is(r.metadata.name, null);
  assert.equal(r.metadata.install_requires, []);
  assert.equal(r.metadata.console_scripts, ['ok = m:f']);
  assert.equal(r.sources, ['setup.py']);
});

t('project_urls come through as a label → URL map', () => {
  const r = parseHelperOutput(ok({}, { project_urls: { Homepage: 'https://h.example', Bad: 1 } }), '', 0);
  assert.equal(r.projectUrls, { Homepage: 'https://h.example' });
});

const FAILURES: [string, string, string, RegExp][] = [
  ['a reported failure keeps its kind and message', JSON.stringify({ ok: false, kind: 'setup-failed', error: 'setup.py failed: boom', detail: 'Traceback' }), '', /setup.py failed: boom/],
  ['an unknown kind becomes helper-crashed', JSON.stringify({ ok: false, kind: 'weird', error: 'odd' }), '', /odd/],
  ['no JSON at all: the interpreter\'s stderr explains', '', 'Traceback (most recent call last):\n  ...\nSyntaxError: invalid syntax', /SyntaxError: invalid syntax/],
  ['JSON that is not an object', '[1,2]', '', /no object|no metadata/],
];
for (const [name, stdout, stderr, want] of FAILURES) {
  t(`failure: ${name}`, () => {
    try {
      parseHelperOutput(stdout, stderr, 1);
      assert.unreachable('should have thrown');
    } catch (err) {
      assert.instance(err, MetadataError);
      assert.match((err as Error).message, want);
    }
  });
}

t('failure kinds: a known kind survives, anything else is helper-crashed', () => {
  const kind = (k: string) => {
    try {
      parseHelperOutput(JSON.stringify({ ok: false, kind: k, error: 'e' }), '', 0);
    } catch (err) {
      return (err as MetadataError).kind;
    }
    return 'none';
  };
  assert.is(kind('missing-helper'), 'missing-helper');
  assert.is(kind('timeout'), 'helper-crashed'); // only our side decides a timeout
});

t('the helper env drops proxies, PIP_* and a foreign PYTHONPATH/PYTHONHOME, and writes no bytecode', () => {
  const env = helperEnv({ PATH: '/usr/bin', https_proxy: 'http://p:3128', HTTP_PROXY: 'http://p', PIP_INDEX_URL: 'https://mirror', PYTHONPATH: '/pyenv/lib', PYTHONHOME: '/pyenv', HOME: '/home/u' });
  for (const k of ['https_proxy', 'HTTP_PROXY', 'PIP_INDEX_URL', 'PYTHONPATH', 'PYTHONHOME']) assert.ok(k in env && env[k] === undefined, `${k} not removed`);
  assert.is(env.PYTHONDONTWRITEBYTECODE, '1');
  assert.is(env.PIP_NO_INDEX, '1');
  assert.not.ok('PATH' in env, 'PATH is the user\'s and is left alone');
});

t('the helper ships with the package', () => {
  assert.ok(existsSync(metadataHelperPath()), metadataHelperPath());
});

t.run();
