import { compareVersions, latestTemplateVersion } from '../templates/manifest.js';
import { setForSource } from '../template-sources/open.js';
import { findProjectDir, readRecord } from './project.js';

/**
 * `pyservice check`: is the project's template version the latest of its own template source (the shipped
 * set, or the team repository its record names)? Reads one file (and, for a git source, lists its tags).
 */
export interface CheckStatus {
  current: string;
  latest: string;
  upToDate: boolean;
  /** The project was made by a newer create-pyservice (or a newer tag) than this one knows. */
  ahead: boolean;
  dir: string;
  /** The recorded template source; null for the shipped templates. */
  source: string | null;
}

export function checkProject(start: string, opts: { pre?: boolean } = {}): CheckStatus | null {
  const dir = findProjectDir(start);
  if (!dir) return null;
  const record = readRecord(dir);
  if (!record) return null;
  const set = setForSource(record.template?.source);
  const latest = latestTemplateVersion(set, Boolean(opts.pre));
  const cmp = compareVersions(record.templateVersion, latest);
  return { current: record.templateVersion, latest, upToDate: cmp >= 0, ahead: cmp > 0, dir, source: set.source };
}
