import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../paths.js';
import type { Manifest } from '../templates/manifest.js';
import type { TemplateSet } from '../templates/template-set.js';
import type { PlannedFile, ProjectRecord } from '../plan/file-plan.js';

/**
 * Renders a team's templates in a child Node process started with a scrubbed environment: PATH and a locale
 * only, so `process.env` inside template code holds no token, password or CI secret, and an ejs tag cannot
 * leak one into a generated file. The request (record, version folders) goes on stdin, never in argv; the
 * rendered files come back as JSON. The parent has already fetched every version folder the manifest needs.
 */
export const RENDER_ENV: Readonly<Record<string, string>> = { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8' };

export interface RenderRequest {
  record: ProjectRecord;
  source: string;
  dirs: Record<string, string>;
}

export function renderChildScript(): string {
  return join(packageRoot(), 'dist', 'src', 'template-sources', 'render-child.js');
}

export function renderIsolated(record: ProjectRecord, manifest: Manifest, set: TemplateSet): PlannedFile[] {
  const dirs: Record<string, string> = { [record.templateVersion]: set.dir(record.templateVersion) };
  for (const e of manifest.files) if (e.from && !dirs[e.from]) dirs[e.from] = set.dir(e.from);
  const request: RenderRequest = { record, source: set.source ?? '', dirs };
  const r = spawnSync(process.execPath, [renderChildScript()], {
    input: JSON.stringify(request),
    env: { ...RENDER_ENV },
    cwd: tmpdir(),
    maxBuffer: 512 * 1024 * 1024,
    timeout: 120_000,
  });
  if (r.error) throw new Error(`rendering templates ${record.templateVersion} of ${set.source}: ${r.error.message}`);
  if (r.status !== 0) {
    const why = String(r.stderr).trim().split('\n').filter(Boolean).pop() ?? `exit ${r.status ?? r.signal}`;
    throw new Error(`templates ${record.templateVersion} of ${set.source} failed to render: ${why}`);
  }
  const out = JSON.parse(String(r.stdout)) as (Omit<PlannedFile, 'content'> & { content: string })[];
  return out.map((f) => ({ ...f, content: Buffer.from(f.content, 'base64') }));
}
