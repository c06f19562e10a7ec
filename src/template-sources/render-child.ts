/**
 * The render child of isolated-render.ts: reads a RenderRequest on stdin, writes the rendered files as JSON.
 * Runs with a scrubbed environment; prints one error line on failure (exit 1).
 */
import { readFileSync } from 'node:fs';
import { loadManifest } from '../templates/manifest.js';
import { staticSet } from '../templates/template-set.js';
import { renderFiles } from '../plan/file-plan.js';
import type { RenderRequest } from './isolated-render.js';

try {
  const req = JSON.parse(readFileSync(0, 'utf8')) as RenderRequest;
  const set = staticSet(req.source, req.dirs);
  const manifest = loadManifest(req.record.templateVersion, set);
  const files = renderFiles(req.record, manifest, set);
  process.stdout.write(JSON.stringify(files.map((f) => ({ ...f, content: f.content.toString('base64') }))));
} catch (err) {
  // ejs messages are "file:line", the template's lines around it, then the error: keep the first and last.
  const lines = ((err as Error).message ?? String(err)).split('\n').filter((l) => l.trim());
  process.stderr.write(`${lines.length > 1 ? `${lines[0]}: ${lines[lines.length - 1]}` : lines[0]}\n`);
  process.exitCode = 1;
}
