/**
 * The render child of isolated-render.ts: reads a RenderRequest on stdin, writes one outcome per record
 * (the rendered files, or the error of that record) as JSON. Runs with a scrubbed environment.
 */
import { readFileSync } from 'node:fs';
import { loadManifest } from '../templates/manifest.js';
import { staticSet } from '../templates/template-set.js';
import { renderFiles } from '../plan/file-plan.js';
import type { RenderRequest } from './isolated-render.js';

/** ejs messages are "file:line", the template's lines around it, then the error: keep the first and last. */
function oneLine(err: unknown): string {
  const lines = ((err as Error)?.message ?? String(err)).split('\n').filter((l) => l.trim());
  return lines.length > 1 ? `${lines[0]}: ${lines[lines.length - 1]!.trim()}` : (lines[0] ?? 'unknown error');
}

try {
  const req = JSON.parse(readFileSync(0, 'utf8')) as RenderRequest;
  const set = staticSet(req.source, req.dirs);
  const outcomes = req.records.map((record) => {
    try {
      const files = renderFiles(record, loadManifest(record.templateVersion, set), set);
      return { files: files.map((f) => ({ ...f, content: f.content.toString('base64') })) };
    } catch (err) {
      return { error: oneLine(err) };
    }
  });
  process.stdout.write(JSON.stringify(outcomes));
} catch (err) {
  process.stderr.write(`${oneLine(err)}\n`);
  process.exitCode = 1;
}
