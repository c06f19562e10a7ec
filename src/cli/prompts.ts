import { createRequire } from 'node:module';
import { CancelledError } from '../errors.js';
import type { Asker, Question } from '../types.js';
import { colours, mightBeTerminal } from './colours.js';

/**
 * The only module that talks to enquirer: the Asker the CLI hands to library calls when a person can answer.
 * enquirer is required on the first question, so non-interactive runs never load it (require, not import():
 * the bins are loaded through vm.Script, src/code-cache.ts).
 */
const require = createRequire(import.meta.url);
export const enquirerAsker: Asker = {
  async ask<T = string>(q: Question): Promise<T> {
    const Enquirer = require('enquirer') as typeof import('enquirer');
    const base: Record<string, unknown> = { name: q.name, message: q.message };
    if (q.kind === 'input') {
      Object.assign(base, {
        type: 'input',
        initial: q.initial,
        validate: (v: string) => q.validate?.(v) ?? true,
        footer() {
          const self = this as unknown as { input?: string };
          const hint = q.hint ? q.hint(self.input ?? '') : '';
          return hint ? colours.dim(hint) : '';
        },
      });
    } else if (q.kind === 'select') {
      const initial = q.initial ? Math.max(0, q.choices.indexOf(q.initial)) : 0;
      Object.assign(base, { type: 'select', choices: q.choices.map((name) => ({ name, hint: q.describe?.(name) })), initial });
    } else if (q.kind === 'password') {
      Object.assign(base, { type: 'password' });
    } else {
      Object.assign(base, { type: 'confirm', initial: q.initial ?? false });
    }
    try {
      const res = (await Enquirer.prompt(base as never)) as Record<string, T>;
      return res[q.name] as T;
    } catch {
      // enquirer rejects with an empty value when the user presses Ctrl-C or Esc
      throw new CancelledError('cancelled');
    }
  },
};

/** The asker to hand to a library call: enquirer's when a person is at a terminal (and not in CI), else none. */
export function terminalAsker(): Asker | undefined {
  return canPrompt() ? enquirerAsker : undefined;
}

export function canPrompt(): boolean {
  // isatty(), not process.stdin.isTTY: the first use of process.stdin builds the stdin stream (~5 ms), in every
  // run, even one that asks nothing. node:tty (which loads net) is required here, not at start-up: a no-op
  // update never asks.
  if (isCI() || !mightBeTerminal(0) || !mightBeTerminal(1)) return false;
  const { isatty } = require('node:tty') as typeof import('node:tty');
  return isatty(0) && isatty(1);
}

export function isCI(): boolean {
  const ci = process.env.CI;
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}
