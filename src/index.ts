/** Library entry: everything the CLI does is callable without a terminal. */
export * from './answers/types.js';
export * from './answers/names.js';
export * from './answers/validate.js';
export { DISTROS, distroFor } from './answers/distros.js';
export { esc } from './escape/escapers.js';
export { planProject, RECORD_FILE, type FilePlan, type PlannedFile, type ProjectRecord } from './plan/file-plan.js';
export { loadManifest, shippedTemplateVersions, latestTemplateVersion } from './templates/manifest.js';
export { runCreate, type CreateRequest, type CreateResult } from './create/run-create.js';
export type { Asker, Output, Question } from './types.js';
export { PyserviceError, UsageError, FailureError, CancelledError, type ErrorKind } from './errors.js';
export { runUpdate, type UpdateRequest, type UpdateResult } from './update/run-update.js';
export { checkProject, type CheckStatus } from './update/check.js';
export { merge3, renderWithMarkers } from './merge/merge3.js';
