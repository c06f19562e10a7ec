import { runSync } from '../exec/run.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../paths.js';
import { loadManifest } from '../templates/manifest.js';
import type { TemplateSet } from '../templates/template-set.js';
import type { PlannedFile, ProjectRecord } from '../types.js';

/**
 * Renders a team's templates in a child Node process started with a scrubbed environment: PATH and a locale
 * only, so `process.env` inside template code holds no token, password or CI secret, and an ejs tag cannot
 * leak one into a generated file. The request (records, version folders) goes on stdin, never in argv; the
 * rendered files come back as JSON. The parent has already fetched every version folder the manifests need.
 */
export const RENDER_ENV: Readonly<Record<string, string>> = { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8' };

export interface RenderRequest {
  records: ProjectRecord[];
  source: string;
  dirs: Record<string, string>;
}
export type RenderOutcome = { files: PlannedFile[] } | { error: string };
type WireOutcome = { files: (Omit<PlannedFile, 'content'> & { content: string })[] } | { error: string };

export function renderChildScript(): string {
  return join(packageRoot(), 'dist', 'src', 'template-sources', 'render-child.js');
}

/** Renders each record (answers completed by the caller) in one child; a failure is that record's outcome. */
export function renderManyIsolated(records: readonly ProjectRecord[], set: TemplateSet): RenderOutcome[] {
  const dirs: Record<string, string> = {};
  for (const v of new Set(records.map((r) => r.templateVersion))) {
    dirs[v] = set.dir(v);
    for (const e of loadManifest(v, set).files) if (e.from && !dirs[e.from]) dirs[e.from] = set.dir(e.from);
  }
  const request: RenderRequest = { records: [...records], source: set.source ?? '', dirs };
  const r = runSync(process.execPath, [renderChildScript()], {
    input: JSON.stringify(request),
    env: { ...RENDER_ENV },
    cleanEnv: true,
    cwd: tmpdir(),
    maxBuffer: 1024 * 1024 * 1024,
    timeoutMs: 300_000,
  });
  const what = `templates of ${set.source}`;
  if (r.error) throw new Error(`rendering ${what}: ${r.error.message}`);
  if (r.exitCode !== 0) throw new Error(`rendering ${what} failed: ${String(r.stderr).trim().split('\n').pop() ?? `exit ${r.exitCode}`}`);
  const out = JSON.parse(String(r.stdout)) as WireOutcome[];
  return out.map((o) => ('error' in o ? o : { files: o.files.map((f) => ({ ...f, content: Buffer.from(f.content, 'base64') })) }));
}

export function renderIsolated(record: ProjectRecord, set: TemplateSet): PlannedFile[] {
  const [outcome] = renderManyIsolated([record], set);
  if (!outcome || 'error' in outcome) throw new Error(`templates ${record.templateVersion} of ${set.source} failed to render: ${outcome ? outcome.error : 'no answer'}`);
  return outcome.files;
}
