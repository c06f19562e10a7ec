import { EXIT } from '../errors.js';
import type { Output } from '../output.js';
import { toolVersion } from '../../paths.js';
import { CREATE_HELP, parseCreateArgs } from './create.js';
import { terminalAsker } from '../prompts.js';
import { formatPlan } from '../plan-output.js';
import { nextSteps } from '../next-steps.js';
import { pyserviceCommand } from '../self-command.js';

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
  const { runCreate } = await import('../../create/run-create.js');
  // --yes never asks: process.stdin is not even looked at (opening it costs start-up time).
  const r = await runCreate({ ...req, asker: req.yes ? undefined : terminalAsker() }, out);
  if (!r.written) {
    const { plan, dir } = r;
    if (req.json) out.raw(JSON.stringify({ dir, templateVersion: plan.templateVersion, files: plan.files.map((f) => ({ path: f.path, size: f.content.length, mode: f.mode.toString(8), policy: f.policy })) }, null, 2) + '\n');
    else out.raw(formatPlan(plan, r.shown));
    return EXIT.ok;
  }
  out.raw(nextSteps(r.record.answers, r.shown, { loginSaved: r.loginSaved, pyservice: pyserviceCommand() }));
  return EXIT.ok;
}
