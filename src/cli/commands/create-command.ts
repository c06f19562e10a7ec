import { EXIT } from '../errors.js';
import type { Output } from '../output.js';
import { toolVersion } from '../../paths.js';
import { CREATE_HELP, parseCreateArgs, runCreate } from './create.js';

export async function createCommand(argv: string[], out: Output): Promise<number> {
  const req = parseCreateArgs(argv);
  if (req === 'help') {
    out.raw(CREATE_HELP);
    return EXIT.ok;
  }
  if (req === 'version') {
    out.raw(toolVersion() + '\n');
    return EXIT.ok;
  }
  await runCreate(req, out);
  return EXIT.ok;
}
