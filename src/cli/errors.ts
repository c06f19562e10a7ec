/** Exit codes, documented in --help and the README. */
export const EXIT = { ok: 0, failure: 1, usage: 2, behind: 3, cancelled: 130 } as const;

/** Bad usage or bad input: exit 2 with a one-line message naming the problem and the fix. */
export class UsageError extends Error {}
/** The user pressed Ctrl-C or declined. */
export class CancelledError extends Error {}
/** A failure that should print a message and exit with a specific code. */
export class ExitError extends Error {
  constructor(message: string, readonly code: number) {
    super(message);
  }
}
