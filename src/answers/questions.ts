import type { Answers, Asker, Question } from '../types.js';
import { CI_PROVIDERS, PROJECT_TYPES } from './types.js';
import { DISTROS } from './distros.js';
import { CI_REGISTRY, type CiProvider } from '../ci/providers.js';
import { defaultDescription } from './defaults.js';
import { deriveNames, nameProblem } from './names.js';
import { authorProblem, descriptionProblem, emailProblem, indexUrlProblem, indexUserProblem, pythonMinimumProblem, uploadUrlProblem, urlProblem } from './validate.js';
import { manifestAnswerProblem, type ManifestAnswer } from '../templates/manifest.js';

/**
 * The one table of questions about a project's answers. `create` asks it in order for what flags did not give;
 * `update --ask` asks the same questions (and adoption asks name and type from it); questions a template version
 * adds (manifest `answers`: key, default, message) get their validator from here by key, so a new manifest
 * question needs one line in VALIDATORS and nothing else.
 */
interface AnswerQuestion {
  key: keyof Answers;
  message: string;
  choices?: () => readonly string[];
  /** What a choice means, shown beside it. */
  describe?: (choice: string) => string;
  validate?: (v: string) => string | null;
  hint?: (v: string) => string;
  /** The question makes sense only for these answers (e.g. no upload URL without an index). */
  when?: (a: Answers) => boolean;
  /** The value offered, from the answers so far (default: the current answer). */
  initial?: (a: Answers) => string;
  /** Asked by `create` (false: create settles it elsewhere, e.g. the index user in the login flow). */
  create?: false;
  /** The project's identity: asked by update only when adopting. */
  identity?: true;
}

const showNames = (v: string) => {
  if (nameProblem(v)) return '';
  const n = deriveNames(v);
  return `distribution: ${n.distName}   import: ${n.importName}   Debian package: ${n.debName}`;
};
const DEFAULT_DESCRIPTIONS = new Set(PROJECT_TYPES.map((type) => defaultDescription(type)));

export const ANSWER_QUESTIONS: readonly AnswerQuestion[] = [
  { key: 'name', message: 'Project name', validate: nameProblem, hint: showNames, identity: true },
  { key: 'type', message: 'Project type', choices: () => PROJECT_TYPES, identity: true },
  {
    key: 'description',
    message: 'One-line description',
    validate: descriptionProblem,
    // A description still at a default follows the type chosen just before.
    initial: (a) => (DEFAULT_DESCRIPTIONS.has(a.description) ? defaultDescription(a.type) : a.description),
  },
  { key: 'author', message: 'Author', validate: authorProblem },
  { key: 'email', message: 'Email', validate: emailProblem },
  { key: 'ci', message: 'CI provider', choices: () => CI_PROVIDERS, describe: (id) => CI_REGISTRY[id as CiProvider].label },
  { key: 'distro', message: 'Target distribution', choices: () => Object.keys(DISTROS) },
  { key: 'indexUrl', message: 'Private index URL (PEP 503 /simple/, empty for none)', validate: indexUrlProblem },
  { key: 'uploadUrl', message: 'Upload URL for twine (empty for none)', validate: uploadUrlProblem, when: (a) => a.indexUrl !== '' },
  { key: 'url', message: 'Home page URL (optional)', validate: (v) => urlProblem(v, '--url') },
  { key: 'indexUser', message: 'Read-only index username (empty for none)', validate: indexUserProblem, when: (a) => a.indexUrl !== '', create: false },
];

/** Validators of the answers template versions add (manifest `answers`), by key. */
export const VALIDATORS: Partial<Record<keyof Answers, (v: string) => string | null>> = { pythonMinimum: pythonMinimumProblem };

function toQuestion(q: AnswerQuestion, a: Answers, suffix = ''): Question {
  const current = q.initial ? q.initial(a) : String((a as unknown as Record<string, unknown>)[q.key] ?? '');
  const message = q.message + suffix;
  if (q.choices) return { kind: 'select', name: q.key, message, choices: q.choices(), describe: q.describe, initial: current };
  return { kind: 'input', name: q.key, message, initial: current, validate: q.validate, hint: q.hint };
}

/** A question a template version adds: its validator from VALIDATORS by key, else the manifest's own rules. */
function manifestQuestion(key: string, m: ManifestAnswer): AnswerQuestion {
  return {
    key: key as keyof Answers,
    message: m.message,
    choices: m.choices?.length ? () => m.choices! : undefined,
    validate: VALIDATORS[key as keyof Answers] ?? ((v: string) => manifestAnswerProblem(key, m, v)),
    initial: (a) => String((a as unknown as Record<string, unknown>)[key] ?? m.default),
  };
}

async function askInto(asker: Asker, a: Answers, qs: readonly AnswerQuestion[], given: Partial<Answers>, suffix?: (q: AnswerQuestion) => string): Promise<void> {
  const rec = a as unknown as Record<string, unknown>;
  for (const q of qs) {
    if (given[q.key] !== undefined || (q.when && !q.when(a))) continue;
    rec[q.key] = await asker.ask<string>(toQuestion(q, a, suffix?.(q)));
  }
}

/** create: every question of the table the flags did not answer, then the template version's own questions. */
export async function askForCreate(
  asker: Asker,
  a: Answers,
  given: Partial<Answers>,
  added: Record<string, ManifestAnswer>,
  opts: { types?: readonly string[] | null; targetProblem?: (name: string) => string | null } = {},
): Promise<void> {
  const { types, targetProblem } = opts;
  const own = ANSWER_QUESTIONS.filter((q) => q.create !== false).map((q) => {
    // Only the project types the template version makes are offered (templates 1.1.0 have no tool)
    if (q.key === 'type' && types) return { ...q, choices: () => PROJECT_TYPES.filter((t) => types.includes(t)) };
    // The name is the directory when none was given: one that is not empty is said at the name, not after every question
    if (q.key === 'name' && targetProblem) return { ...q, validate: (v: string) => q.validate?.(v) ?? targetProblem(v) };
    return q;
  });
  await askInto(asker, a, [...own, ...Object.entries(added).map(([k, m]) => manifestQuestion(k, m))], given);
}

/**
 * update --ask: adopting, the identity first; then the questions the target templates added (marked new), then
 * every answer an update may change, current value first; then the older template questions.
 */
export async function askForUpdate(
  asker: Asker,
  a: Answers,
  given: Partial<Answers>,
  ctx: { adopting: boolean; added: Record<string, ManifestAnswer>; newKeys: readonly string[] },
): Promise<void> {
  const table = ANSWER_QUESTIONS.filter((q) => ctx.adopting || !q.identity);
  const added = Object.entries(ctx.added).map(([k, m]) => manifestQuestion(k, m));
  const isNew = (q: AnswerQuestion) => ctx.newKeys.includes(q.key);
  await askInto(asker, a, table.filter((q) => q.identity), given);
  await askInto(asker, a, added.filter(isNew), given, () => ' (new)');
  await askInto(asker, a, table.filter((q) => !q.identity), given);
  await askInto(asker, a, added.filter((q) => !isNew(q)), given);
}

/** Adopting with a terminal and no --ask: only the identity answers that could not be read from the project. */
export async function askIdentity(asker: Asker, a: Answers, missing: readonly (keyof Answers)[]): Promise<void> {
  await askInto(asker, a, ANSWER_QUESTIONS.filter((q) => missing.includes(q.key)), {});
}
