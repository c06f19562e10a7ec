import { EXIT } from '../errors.js';
import type { Output } from '../output.js';
import { parseFlags } from '../flags.js';
import { latestTemplateVersion, shippedTemplateVersions } from '../../templates/manifest.js';

export async function templatesCommand(argv: string[], out: Output): Promise<number> {
  const { values } = parseFlags(argv, { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, 'pyservice templates');
  if (values.help) {
    out.raw('Usage: pyservice templates [--json]\n\nLists the template versions this package ships, oldest first.\n');
    return EXIT.ok;
  }
  const versions = shippedTemplateVersions();
  if (values.json) out.raw(JSON.stringify(versions) + '\n');
  else out.raw(versions.map((v) => (v === latestTemplateVersion() ? `${v} (latest)` : v)).join('\n') + '\n');
  return EXIT.ok;
}
