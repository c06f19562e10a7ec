import { EXIT, UsageError } from '../errors.js';
import { shown } from '../../secrets/redact.js';
import type { Output } from '../output.js';
import { parseFlags } from '../flags.js';
import { parseSource } from '../../template-sources/spec.js';
import { requireTrust } from '../../template-sources/trust.js';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { shellWord } from '../../escape/escapers.js';
import { pyserviceCommand } from '../self-command.js';

export const TEMPLATE_HELP = `Usage: pyservice template init DIR
       pyservice template check [DIR] [--json] [--write-goldens] [--max N] [--trust]

Your team's own templates (format: docs/template-format.md).

  init DIR     start a template repository from the latest shipped templates: plain files, manifest.json,
               a README with the release steps; a git repository tagged v1.0.0, trusted on this machine
  check [DIR]  validate a template working tree (default: .): manifest.json against the schema, no <%=,
               every free-text answer printed through an escaper, every file renders for every answer
               combination the manifest allows (at most --max, default 256: a fixed-seed sample beyond),
               and versions recorded in goldens.json still render the same bytes

Options:
  --json            print the report as JSON
  --write-goldens   record this version's output in goldens.json (only when it has no entry yet)
  --max N           most combinations to render (default 256)
  --trust           trust DIR (templates run code when rendered)
  -h, --help        show this help

Exit codes: 0 ok, 1 problems found, 2 bad usage or an untrusted directory.
`;

export async function templateCommand(argv: string[], out: Output): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '-h' || sub === '--help') {
    out.raw(TEMPLATE_HELP);
    return sub === undefined ? EXIT.usage : EXIT.ok;
  }
  const { values, positionals } = parseFlags(
    rest,
    { json: { type: 'boolean' }, 'write-goldens': { type: 'boolean' }, max: { type: 'string' }, trust: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    'pyservice template',
  );
  if (values.help) {
    out.raw(TEMPLATE_HELP);
    return EXIT.ok;
  }
  if (positionals.length > 1) throw new UsageError(`expected one directory, got ${positionals.length}`);
  if (sub === 'init') {
    if (!positionals[0]) throw new UsageError('pyservice template init needs a directory: pyservice template init my-templates');
    const { initTemplate } = await import('../../template-sources/template-init.js');
    const r = initTemplate(positionals[0]);
    out.phase(`Started team templates in ${positionals[0]} from create-pyservice's templates ${r.from}: ${r.files} files, git repository tagged ${r.tag}`);
    out.info(`Next: edit, run ${pyserviceCommand()} template check ${shellWord(positionals[0])}, commit and tag v1.1.0; projects use --template <its URL>`);
    return EXIT.ok;
  }
  if (sub !== 'check') throw new UsageError(`unknown template command ${shown(sub)}; use init or check`);
  const dir = positionals[0] ?? '.';
  const max = values.max === undefined ? 256 : Number(values.max);
  if (!Number.isInteger(max) || max < 1) throw new UsageError(`--max takes a positive whole number, not ${String(values.max)}`);
  const spec = parseSource(dir);
  // A folder that is no template working tree is said as such, before trust: measured, a missing folder was
  // 'not trusted … run again with --trust', and --trust then recorded it in trust.json and ended on a raw ENOENT
  const notTemplate = templateTreeProblem(spec.canonical, dir);
  if (notTemplate) throw new UsageError(notTemplate);
  requireTrust({ ...spec, kind: 'local' }, Boolean(values.trust));
  const { checkTemplate } = await import('../../template-sources/template-check.js');
  const report = checkTemplate(spec.canonical, { max, writeGoldens: Boolean(values['write-goldens']) });
  if (values.json) out.raw(JSON.stringify(report, null, 2) + '\n');
  else {
    for (const p of report.problems) out.error(`${p.file ? `${p.file}${p.line ? `:${p.line}` : ''}: ` : ''}${p.kind}: ${p.message}`);
    const sample = report.seed === null ? '' : ` (a sample of ${report.possible}, seed ${report.seed})`;
    out.info(`templates ${report.version}: ${report.combinations} answer combinations rendered${sample}`);
    for (const g of report.goldens) out.info(`goldens ${g.version}: ${g.status}`);
    out.info(report.problems.length ? `${report.problems.length} problem(s)` : 'no problems');
  }
  return report.problems.length ? EXIT.failure : EXIT.ok;
}

/** Why `dir` is no template working tree to check (missing, not a folder, no manifest.json), or null. */
function templateTreeProblem(abs: string, dir: string): string | null {
  const start = `start one with ${pyserviceCommand()} template init DIR`;
  let st;
  try {
    st = statSync(abs);
  } catch {
    return `${dir} does not exist; give your template folder (the one holding manifest.json), or ${start}`;
  }
  if (!st.isDirectory()) return `${dir} is not a folder; give your template folder (the one holding manifest.json), or ${start}`;
  if (!existsSync(join(abs, 'manifest.json'))) return `${dir} holds no manifest.json, so it is no template working tree; give your template folder, or ${start}`;
  return null;
}
