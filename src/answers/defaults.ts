import type { Answers } from './types.js';
import { DEFAULT_DISTRO } from './distros.js';

/** Defaults for every answer that has one. `name` defaults to the target directory's base name. */
export function defaultAnswers(ctx: { dirName?: string; gitName?: string; gitEmail?: string }): Answers {
  return {
    type: 'service',
    name: ctx.dirName ?? 'my-service',
    description: 'Long-running Python service',
    author: ctx.gitName || 'Your Name',
    email: ctx.gitEmail || 'you@example.com',
    url: '',
    version: '0.1.0',
    ci: 'github',
    indexUrl: '',
    uploadUrl: '',
    indexUser: '',
    distro: DEFAULT_DISTRO,
    buildDeps: [],
    consoleScripts: [],
  };
}

/** Library projects get a library-ish default description. */
export function defaultDescription(type: Answers['type']): string {
  return type === 'library' ? 'Reusable Python library' : type === 'tool' ? 'Command-line tool written in Python' : 'Long-running Python service';
}

/** Keys of Answers that are recorded and may come from flags or an answers file. */
export const ANSWER_KEYS: readonly (keyof Answers)[] = [
  'type', 'name', 'description', 'author', 'email', 'url', 'version', 'ci', 'indexUrl', 'uploadUrl', 'indexUser', 'distro', 'buildDeps', 'consoleScripts', 'pythonMinimum',
];
