import { EXIT } from '../errors.js';
import type { Output } from '../output.js';
import { parseFlags } from '../flags.js';
import { checkProject } from '../../update/check.js';
import { projectsBelow, projectsHint, RecordError } from '../../update/project.js';
import { pyserviceCommand } from '../self-command.js';

export const CHECK_HELP = `Usage: pyservice check [dir] [--json]
       pyservice check DIR DIR… | --from FILE [--json]

Tells whether the project (found from dir, default: the current directory, up to the repository's top) uses the
latest template version this package ships. CI runs it to show template drift:
  npx --yes -p create-pyservice pyservice check

With several directories (or --from FILE, one directory a line, # comments) it checks each and prints a
table (--json: an array of {dir, status, current, latest, source, message}); status is behind, up-to-date,
conflicted (unresolved conflicts from an update) or failed. Exit 1 if any failed, else 3 if any is behind or
conflicted, else 0.

Options:
  --from FILE the repositories to check, one directory a line
  --pre       count pre-release versions of a team's template source as the latest
  --json      print {"current": "<version>", "latest": "<version>", "upToDate": true|false}
  -h, --help  show this help

Exit codes: 0 up to date, 3 behind (prints from → to) or an update's conflicts unresolved,
2 not a pyservice project or a malformed .pyservice.json, 1 error.
`;

export async function checkCommand(argv: string[], out: Output): Promise<number> {
  const { values, positionals } = parseFlags(argv, { json: { type: 'boolean' }, pre: { type: 'boolean' }, from: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, 'pyservice check');
  if (values.help) {
    out.raw(CHECK_HELP);
    return EXIT.ok;
  }
  if (positionals.length > 1 || values.from !== undefined) {
    const { checkMany } = await import('../../fleet/fleet.js');
    const { checkReport, checkExit, fleetDirs } = await import('./fleet-output.js');
    const rows = checkMany(await fleetDirs(positionals, typeof values.from === 'string' ? values.from : undefined), { pre: Boolean(values.pre) });
    out.raw(checkReport(rows, Boolean(values.json)));
    return checkExit(rows);
  }
  const start = positionals[0] ?? process.cwd();
  let status;
  try {
    status = checkProject(start, { pre: Boolean(values.pre) });
  } catch (err) {
    if (err instanceof RecordError) {
      out.error(err.message);
      return EXIT.usage;
    }
    throw err;
  }
  if (!status) {
    if (values.json) out.raw(JSON.stringify({ error: 'not a pyservice project', dir: start }) + '\n');
    const below = projectsBelow(start);
    out.error(
      `${start} is not a pyservice project (no .pyservice.json up to the repository's top); ` +
        (below.length ? projectsHint(below, `${pyserviceCommand()} check`) : `adopt it with ${pyserviceCommand()} update`),
    );
    return EXIT.usage;
  }
  // An update's conflicts still unresolved: "conflicted", exit 3, as the fleet's check says it
  const { unmergedPaths, unresolvedMessage } = await import('../../update/git-ops.js');
  const conflicts = await unmergedPaths(status.dir).catch(() => [] as string[]);
  if (conflicts.length) {
    if (values.json) out.raw(JSON.stringify({ current: status.current, latest: status.latest, upToDate: status.upToDate, conflicts }) + '\n');
    else out.info(`templates ${status.current}: ${unresolvedMessage(conflicts)}`);
    return EXIT.behind;
  }
  if (values.json) out.raw(JSON.stringify({ current: status.current, latest: status.latest, upToDate: status.upToDate }) + '\n');
  else if (status.ahead) out.info(`templates ${status.current}: newer than this create-pyservice's latest (${status.latest}); up to date`);
  else if (status.upToDate) out.info(`templates ${status.current}: up to date`);
  else out.info(`templates ${status.current} → ${status.latest}: behind; run ${pyserviceCommand()} update`);
  return status.upToDate ? EXIT.ok : EXIT.behind;
}

