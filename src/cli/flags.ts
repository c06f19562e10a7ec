import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Parse argv strictly; unknown flags and missing values become a UsageError (exit 2). */
export function parseFlags(argv: readonly string[], options: Options, usageHint: string) {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (err) {
    const msg = (err as Error).message.replace(/\. To specify a positional argument.*$/s, '');
    throw new UsageError(`${msg}; see ${usageHint} --help`);
  }
}
