import { compareVersions, latestTemplateVersion } from '../templates/manifest.js';
import { findProjectDir, readRecord } from './project.js';

/** `pyservice check`: is the project's template version the latest this package ships? Reads one file. */
export interface CheckStatus {
  current: string;
  latest: string;
  upToDate: boolean;
  /** The project was made by a newer create-pyservice than this one. */
  ahead: boolean;
  dir: string;
}

export function checkProject(start: string): CheckStatus | null {
  const dir = findProjectDir(start);
  if (!dir) return null;
  const record = readRecord(dir);
  if (!record) return null;
  const latest = latestTemplateVersion();
  const cmp = compareVersions(record.templateVersion, latest);
  return { current: record.templateVersion, latest, upToDate: cmp >= 0, ahead: cmp > 0, dir };
}
