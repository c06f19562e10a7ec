import { EXIT, UsageError } from '../errors.js';
import type { Output } from '../output.js';
import { parseFlags } from '../flags.js';
import { fleetDirs } from './fleet-output.js';
import { shown } from '../../secrets/redact.js';

export const DEPENDENTS_HELP = `Usage: pyservice dependents LIB DIR… [--from FILE] [--json]

Lists the projects whose declared dependencies name the library LIB, and the version each pins, so a library
change can be rolled out to every service that uses it. Reads requirements.txt (following -r/-c), setup.cfg
install_requires, setup.py's install_requires list and pyproject.toml ([project] dependencies, Poetry)
statically; names match after PEP 503 normalisation (Acme.Common = acme_common = acme-common).

Options:
  --from FILE   the projects, one directory a line (# comments)
  --json        print [{dir, pinned, requirements: [{name, text, specifier, pinned, file}]}]
  -h, --help    show this help

Exit codes: 0 (also when none depends on LIB), 2 bad usage, or a project whose files cannot be read (a FIFO,
a folder or no permission where a file belongs: each such project is named, the others are still listed).
`;

export async function dependentsCommand(argv: string[], out: Output): Promise<number> {
  const { values, positionals } = parseFlags(argv, { from: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, 'pyservice dependents');
  if (values.help) {
    out.raw(DEPENDENTS_HELP);
    return EXIT.ok;
  }
  const [lib, ...dirs] = positionals;
  if (!lib || !/^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/.test(lib)) throw new UsageError('pyservice dependents needs a library name first: pyservice dependents acme-common DIR…');
  const { findDependents } = await import('../../fleet/dependents.js');
  const { table } = await import('../../fleet/fleet.js');
  const { found, unreadable } = findDependents(lib, await fleetDirs(dirs, typeof values.from === 'string' ? values.from : undefined));
  if (values.json) out.raw(JSON.stringify(found, null, 2) + '\n');
  else if (!found.length) out.info(unreadable.length ? `none of the projects searched depends on ${lib}` : `no project depends on ${lib}`);
  else out.raw(table(['project', 'pinned', 'declared in'], found.map((d) => [d.dir, d.pinned ?? '(not pinned)', d.requirements.map((r) => `${r.file}: ${r.text}`).join('; ')])));
  // Not searched: the list may lack them. Named on stderr (the JSON keeps its shape), exit 2 as before
  for (const u of unreadable) out.error(`${shown(u.dir)} was not searched: ${u.problem}`);
  return unreadable.length ? EXIT.usage : EXIT.ok;
}
