import type { Answers } from '../answers/types.js';
import { defaultAnswers, defaultDescription } from '../answers/defaults.js';
import { emailProblem, authorProblem, urlProblem, versionProblem } from '../answers/validate.js';
import { consoleScriptsFor, homepageFor, projectNameFor, synopsisFor } from '../deb/answers.js';
import type { MetadataReading } from '../python/metadata.js';

/**
 * Adopting a repository the tool did not create: answers prefilled from what the project already declares
 * (setup.py / setup.cfg / pyproject.toml, read by src/python's reader — the same one `pyservice deb` uses)
 * and from git config. Pure: the reading happens in run-update.ts. Returns the answers it could fill and notes
 * on what it could not use; the caller asks the rest (or takes flags / --yes defaults).
 */
export interface Prefill {
  answers: Partial<Answers>;
  notes: string[];
}

export function prefillAnswers(reading: MetadataReading | null, git: { name: string; email: string }, dirName: string): Prefill {
  const notes: string[] = [];
  const out: Partial<Answers> = {};
  const defaults = defaultAnswers({ dirName, gitName: git.name, gitEmail: git.email });
  if (!reading) {
    notes.push('no Python project metadata could be read (setup.py, setup.cfg, pyproject.toml); answers come from flags, git config and defaults');
    return { answers: { author: defaults.author, email: defaults.email }, notes };
  }
  const meta = reading.metadata;
  const name = projectNameFor(meta);
  if ('name' in name) out.name = name.name;
  else notes.push(name.problem);
  const synopsis = synopsisFor(meta, 'service', [], false);
  if (!synopsis.problem) out.description = synopsis.description;
  if (meta.author && !authorProblem(meta.author)) out.author = meta.author;
  else if (git.name) out.author = git.name;
  if (meta.author_email && !emailProblem(meta.author_email)) out.email = meta.author_email;
  else if (git.email) out.email = git.email;
  const url = homepageFor(meta, reading.projectUrls);
  if (url && !urlProblem(url, '--url')) out.url = url;
  if (meta.version && !versionProblem(meta.version)) out.version = meta.version;
  const scripts = consoleScriptsFor(meta);
  out.consoleScripts = scripts.scripts;
  notes.push(...scripts.notes);
  if (out.description === undefined) out.description = defaultDescription(scripts.scripts.length ? 'service' : 'library');
  return { answers: out, notes };
}
