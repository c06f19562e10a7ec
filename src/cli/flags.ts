import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Parse argv strictly; unknown flags and missing values become a UsageError (exit 2). */
export function parseFlags(argv: readonly string[], options: Options, usageHint: string) {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (err) {
    const text = (err as Error).message;
    // A value that starts with '-' (a description such as '-- a thing', --timeout -1): Node says so in three
    // lines (measured: 'argument is ambiguous. / Did you forget … / To specify … use '--description=-XYZ'.'),
    // which broke the one-line error every other bad input gets.
    const ambiguous = /^Option '(?:-\w, )?(--[\w-]+)(?: <value>)?' argument is ambiguous/.exec(text);
    if (ambiguous)
      throw new UsageError(`the value after ${ambiguous[1]} starts with "-" (or is missing): write ${ambiguous[1]}=VALUE to pass a value that starts with "-"; see ${usageHint} --help`);
    const msg = text.replace(/\. To specify a positional argument.*$/s, '').split('\n').map((l) => l.trim()).filter(Boolean).join(' ');
    throw new UsageError(`${msg}; see ${usageHint} --help`);
  }
}
