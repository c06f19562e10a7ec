import { EXIT } from '../errors.js';
import type { Output } from '../output.js';
import { parseFlags } from '../flags.js';
import { latestTemplateVersion } from '../../templates/manifest.js';
import { openSource } from '../../template-sources/open.js';
import { parseSource, SHIPPED } from '../../template-sources/spec.js';

export const TEMPLATES_HELP = `Usage: pyservice templates [--template SOURCE] [--pre] [--json]

Lists the template versions, oldest first: the shipped ones, or with --template the version tags of a
team's template repository (v1.2.0 or 1.2.0; listed with git ls-remote, nothing is rendered).

Options:
  --template SOURCE   a directory, a git URL (https://, ssh://, file://, git@host:org/repo) or gh:/gl:org/repo
  --pre               include pre-releases (v2.0.0-rc.1)
  --json              print a JSON array of versions
  -h, --help          show this help
`;

export async function templatesCommand(argv: string[], out: Output): Promise<number> {
  const { values } = parseFlags(argv, { template: { type: 'string' }, pre: { type: 'boolean' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, 'pyservice templates');
  if (values.help) {
    out.raw(TEMPLATES_HELP);
    return EXIT.ok;
  }
  const set = openSource(typeof values.template === 'string' ? parseSource(values.template) : SHIPPED);
  const versions = set.versions(Boolean(values.pre));
  if (values.json) out.raw(JSON.stringify(versions) + '\n');
  else {
    const latest = versions.length ? latestTemplateVersion(set, Boolean(values.pre)) : null;
    out.raw(versions.map((v) => (v === latest ? `${v} (latest)` : v)).join('\n') + (versions.length ? '\n' : ''));
  }
  return EXIT.ok;
}
