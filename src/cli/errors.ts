import type { ErrorKind } from '../errors.js';

export { UsageError, FailureError, CancelledError, PyserviceError } from '../errors.js';

/**
 * Exit codes, documented in --help and the README. `conflicts`: `pyservice update` finished but left files
 * unmerged in git's index (exit 1, like `git merge`, so scripts and bots can tell).
 */
export const EXIT = { ok: 0, failure: 1, usage: 2, behind: 3, conflicts: 1, cancelled: 130 } as const;

/** The exit code of a domain error's kind: the only place that decides it. */
export const EXIT_FOR: Record<ErrorKind, number> = { 'bad-input': EXIT.usage, failure: EXIT.failure, cancelled: EXIT.cancelled };
