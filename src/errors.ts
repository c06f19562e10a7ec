/**
 * Domain errors. Library code throws these; only the CLI (src/cli/errors.ts) turns a kind into an exit code and
 * prints the message. The message is one line (or a short list) naming the problem and the fix.
 */
export type ErrorKind = 'bad-input' | 'failure' | 'cancelled';

export class PyserviceError extends Error {
  constructor(
    message: string,
    readonly kind: ErrorKind,
  ) {
    super(message);
  }
}

/** Bad usage or bad input (a flag, an answer, a project the command cannot work on). */
export class UsageError extends PyserviceError {
  constructor(message: string) {
    super(message, 'bad-input');
  }
}

/** Something went wrong that is not the user's input (a tool failed, a lock is held, a file cannot be written). */
export class FailureError extends PyserviceError {
  constructor(message: string) {
    super(message, 'failure');
  }
}

/** The user pressed Ctrl-C or declined. */
export class CancelledError extends PyserviceError {
  constructor(message = 'cancelled') {
    super(message, 'cancelled');
  }
}

/** An argument that carries a credential (a URL with a password, a token in a query): never put on a command line. */
export class SecretArgumentError extends Error {}
