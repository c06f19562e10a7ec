import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PYSERVICE_BIN } from '../helpers/cli.js';
import { dpkg, exec, origTarball, unpack } from '../helpers/corpus.js';
import { cleanEnv, tempDir } from '../helpers/tmp.js';
import { toolTest } from '../helpers/tools.js';

/**
 * Real command-line tools, as a team would package them: the upstream tarball of a Debian source package (Debian's
 * packaging unused), `pyservice deb --kind tool --yes --prefix TEAM`, `dpkg-buildpackage` offline under env -i
 * (Debian's python3 and packaged backend build the wheel; dependencies from the project's wheelhouse/, itself built
 * from another Debian source package), lintian, dpkg -i, the console script from /usr/bin, no unit and no user,
 * dpkg --purge. One build per project, shared by its assertions (slow: ~1 min each).
 *
 * Both commands are also Debian's (python3-pygments, python3-markdown-it) when those are installed, as they are
 * wherever rich, pytest or twine are: the package then diverts Debian's file while installed, and the purge must
 * give it back byte for byte.
 */
const t = suite('pyservice deb: real command-line tools (hatchling, flit_core, setuptools with a C extension, poetry-core) → .debs that install, run and purge');
const TEAM = `pst${process.pid}`;
const MAINTAINER = ['--maintainer', 'Ops Team <ops@example.org>'];
const PATH_ENV = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C' };

interface Tool {
  /** Debian source package → its suite (undefined: the machine's own release). */
  src: string;
  suite?: string;
  backend: RegExp;
  command: string;
  /** Other source packages whose wheels the project needs, put in wheelhouse/ as a user would. */
  wheelhouse?: { src: string; suite?: string }[];
  /** What the installed command must print: args, stdin, and a check given the packaged version. */
  runs: { args: string[]; input?: string; expect: (version: string) => RegExp }[];
  /** A compiled extension the .deb must hold (built against Python's headers: python3-dev in Build-Depends). */
  extension?: RegExp;
}

const TOOLS: Tool[] = [
  {
    src: 'pygments', // 2.18: hatchling, dynamic version from pygments/__init__.py, an upstream requirements.txt of tox
    suite: 'trixie',
    backend: /^hatchling\.build$/,
    command: 'pygmentize',
    runs: [
      { args: ['-V'], expect: (v) => new RegExp(`^Pygments version ${v.replace(/\./g, '\\.')},`) },
      { args: ['-l', 'python', '-f', 'html'], input: 'print(1)\n', expect: () => /<span class="nb">print<\/span><span class="p">\(<\/span><span class="mi">1<\/span>/ },
    ],
  },
  {
    src: 'markdown-it-py', // 3.0: flit_core, a runtime dependency (mdurl, itself flit_core) from wheelhouse/
    suite: 'trixie',
    backend: /^flit_core\.buildapi$/,
    command: 'markdown-it',
    wheelhouse: [{ src: 'mdurl' }],
    runs: [
      { args: ['--version'], expect: (v) => new RegExp(`^markdown-it-py \\[version ${v.replace(/\./g, '\\.')}\\]$`, 'm') },
      { args: ['FILE'], expect: () => /^<h1>Hi <em>there<\/em><\/h1>$/m },
    ],
  },
  {
    src: 'python-websockets', // 15.0: setuptools (PEP 621) with a C extension (speedups), no runtime dependency
    suite: 'trixie',
    backend: /^setuptools\.build_meta$/,
    command: 'websockets',
    runs: [{ args: ['--version'], expect: (v) => new RegExp(`^websockets ${v.replace(/\./g, '\\.')}$`, 'm') }],
    extension: /\/site-packages\/websockets\/speedups\.cpython-[^/]+\.so$/m,
  },
  {
    // 8.2: poetry-core; a GitHub tarball (no PKG-INFO, no git); qrcode/console_scripts.py is an executable
    // "#!/usr/bin/env python" module, which templates 1.2.0 shipped as is (lintian: unusual-interpreter python)
    src: 'python-qrcode',
    suite: 'trixie',
    backend: /^poetry\.core\.masonry\.api$/,
    command: 'qr',
    runs: [
      { args: ['--version'], expect: (v) => new RegExp(`^${v.replace(/\./g, '\\.')}$`, 'm') },
      { args: ['--factory=svg', 'hello'], expect: () => /^<svg [^>]*><svg:rect x="4mm" y="4mm" width="1mm" height="1mm"/m },
    ],
  },
];

/** What /usr/bin/NAME is before the install: absent, or a file's hash and owner, to compare after the purge. */
async function commandState(command: string): Promise<string> {
  const path = `/usr/bin/${command}`;
  try {
    lstatSync(path);
  } catch {
    return 'absent';
  }
  const owner = await exec('dpkg-query', ['-S', path], { env: PATH_ENV });
  return `${createHash('sha256').update(readFileSync(path)).digest('hex')} ${owner.stdout.trim()}`;
}

for (const tool of TOOLS) {
  const title = `${tool.src}: offline build, lintian 0 errors 0 warnings, dpkg -i, ${tool.command} from /usr/bin, no unit/user, purge restores all`;
  toolTest(t, ['/usr/bin/python3', 'dpkg-buildpackage', 'dh_virtualenv', 'lintian', 'flock', 'apt-get', 'tar'], title, async () => {
    if (process.getuid?.() !== 0) return console.log(`  skip: ${title}: installing needs root`);
    const project = await unpack(await origTarball(tool.src, tool.suite));
    const parent = dirname(project);
    const env = cleanEnv(tempDir());
    // The project's runtime dependencies, as wheels built by Debian's python3 from their own upstream tarballs
    for (const dep of tool.wheelhouse ?? []) {
      const depDir = await unpack(await origTarball(dep.src, dep.suite));
      const built = await exec('/usr/bin/python3', ['-m', 'build', '--wheel', '--no-isolation', '--outdir', join(project, 'wheelhouse'), depDir], { env });
      assert.is(built.code, 0, built.stderr.slice(-2000));
    }

    const made = await exec(process.execPath, [PYSERVICE_BIN, 'deb', project, '--kind', 'tool', '--yes', '--prefix', TEAM, ...MAINTAINER], { env });
    assert.is(made.code, 0, made.stdout + made.stderr);
    const record = JSON.parse(readFileSync(join(project, '.pyservice.json'), 'utf8'));
    assert.match(record.answers.buildBackend ?? 'setuptools.build_meta', tool.backend, 'the project was picked for another backend');
    if (tool.extension) assert.match(readFileSync(join(project, 'debian', 'control'), 'utf8'), /^Build-Depends:[^]*?^ +python3-dev$/m, 'an extension module is built against Python\'s headers');
    const debName = readFileSync(join(project, 'debian', 'control'), 'utf8').match(/^Package: (.+)$/m)![1]!;
    assert.ok(debName.startsWith(`${TEAM}-`), debName);
    assert.not.match(made.stdout, /from an index/, 'wheelhouse/ holds every runtime dependency: no index is needed');
    // Templates 1.3.0: the upstream project's name, not the prefixed package's
    assert.match(readFileSync(join(project, 'debian', 'copyright'), 'utf8'), new RegExp(`^Upstream-Name: (?!${TEAM}-)\\S+$`, 'm'));

    const built = await exec('dpkg-buildpackage', ['-us', '-uc', '-b'], { cwd: project, env });
    assert.is(built.code, 0, (built.stdout + built.stderr).slice(-3000));
    const deb = join(parent, readdirSync(parent).find((f) => f.startsWith(`${debName}_`) && f.endsWith('.deb'))!);
    const lint = await exec('lintian', ['--tag-display-limit', '0', deb], { env });
    assert.not.match(lint.stdout, /^[EW]: /m, lint.stdout);

    const contents = (await exec('dpkg-deb', ['-c', deb], { env })).stdout;
    assert.not.match(contents, /systemd|sysusers|\.\/etc\//, 'a tool ships no unit, no sysusers file and no /etc settings');
    assert.match(contents, new RegExp(`\\./usr/bin/${tool.command} -> /opt/venvs/${debName}/bin/${tool.command}$`, 'm'));
    const version = (await exec('dpkg-deb', ['-f', deb, 'Version'], { env })).stdout.trim();
    if (tool.extension) assert.match(contents, tool.extension, 'the compiled extension is in the package');

    const before = await commandState(tool.command);
    try {
      const inst = await dpkg('-i', deb);
      assert.is(inst.code, 0, inst.stdout + inst.stderr);
      for (const run of tool.runs) {
        const file = join(tempDir(), 'hi.md');
        writeFileSync(file, '# Hi *there*\n');
        const ran = await exec(`/usr/bin/${tool.command}`, run.args.map((a) => (a === 'FILE' ? file : a)), { env, input: run.input ?? '' });
        assert.is(ran.code, 0, ran.stdout + ran.stderr);
        assert.match(ran.stdout, run.expect(version), ran.stdout);
      }
      assert.is((await exec('getent', ['passwd', debName], { env: PATH_ENV })).code, 2, 'a tool creates no user');
      assert.not.ok(existsSync(`/lib/systemd/system/${debName}.service`), 'a tool installs no unit');
      const diversions = (await exec('dpkg-divert', ['--list', `/usr/bin/${tool.command}`], { env: PATH_ENV })).stdout;
      if (before !== 'absent') assert.match(diversions, new RegExp(`by ${debName}$`, 'm'), 'the other package\'s command is diverted while installed');
    } finally {
      const purge = await dpkg('--purge', debName);
      assert.is(purge.code, 0, purge.stdout + purge.stderr);
    }
    assert.not.ok(existsSync(`/opt/venvs/${debName}`), 'purge left the venv');
    assert.is(await commandState(tool.command), before, `purge left /usr/bin/${tool.command} other than it was before the install`);
    assert.is((await exec('dpkg-divert', ['--list', `/usr/bin/${tool.command}`], { env: PATH_ENV })).stdout.trim(), '', 'purge left a diversion');
    assert.is((await exec('dpkg-query', ['-W', debName], { env: PATH_ENV })).code, 1, 'dpkg still knows the package');
  });
}

t.run();
