import { createRequire } from 'node:module';

/**
 * Node built-ins that most runs never use, loaded on first call instead of at start-up: child_process pulls in
 * net, dgram and the stream stack (~40 internal modules), which a `create --no-git` or a no-op update does not
 * need. Synchronous (createRequire), so callers stay as they are.
 */
const require = createRequire(import.meta.url);

export const childProcess = (): typeof import('node:child_process') => require('node:child_process') as typeof import('node:child_process');

/**
 * node:crypto loads the stream stack and most of crypto's modules (~12 ms here, a fourth of a bare `node -e 0`):
 * loaded when a hash is first needed, so create loads it while its files are being written, and a no-op update
 * never does.
 */
export const crypto = (): typeof import('node:crypto') => require('node:crypto') as typeof import('node:crypto');
