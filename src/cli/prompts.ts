import { CancelledError } from './errors.js';

/**
 * The only module that talks to enquirer. Loaded lazily so non-interactive runs never pay for it,
 * and tests can drive commands without a terminal by passing answers as flags.
 */
export interface InputQuestion {
  kind: 'input';
  name: string;
  message: string;
  initial?: string;
  validate?: (value: string) => string | null;
  /** Shown under the answer as it is typed, e.g. derived names. */
  hint?: (value: string) => string;
}
export interface SelectQuestion {
  kind: 'select';
  name: string;
  message: string;
  choices: readonly string[];
  initial?: string;
}
export interface SecretQuestion {
  kind: 'password';
  name: string;
  message: string;
}
export interface ConfirmQuestion {
  kind: 'confirm';
  name: string;
  message: string;
  initial?: boolean;
}
export type Question = InputQuestion | SelectQuestion | SecretQuestion | ConfirmQuestion;

export async function ask<T = string>(q: Question): Promise<T> {
  const { default: Enquirer } = await import('enquirer');
  const base: Record<string, unknown> = { name: q.name, message: q.message };
  if (q.kind === 'input') {
    Object.assign(base, {
      type: 'input',
      initial: q.initial,
      validate: (v: string) => q.validate?.(v) ?? true,
      footer() {
        const self = this as unknown as { input?: string };
        return q.hint ? q.hint(self.input ?? '') : '';
      },
    });
  } else if (q.kind === 'select') {
    const initial = q.initial ? Math.max(0, q.choices.indexOf(q.initial)) : 0;
    Object.assign(base, { type: 'select', choices: [...q.choices], initial });
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
}

export function canPrompt(): boolean {
  return Boolean(process.stdin.isTTY && process.stdout.isTTY) && !isCI();
}

export function isCI(): boolean {
  const ci = process.env.CI;
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}
