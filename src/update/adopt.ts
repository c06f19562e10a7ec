import type { Answers } from '../answers/types.js';
import { defaultAnswers, defaultDescription } from '../answers/defaults.js';
import { emailProblem, authorProblem, urlProblem, versionProblem } from '../answers/validate.js';
import { consoleScriptsFor, homepageFor, projectNameFor, synopsisFor } from '../deb/answers.js';
import { upstreamPeople } from '../deb/copyright.js';
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
  // PEP 621's authors (hatchling, flit, setuptools' [project]) publish "Name <email>, …" in Author-email and no
  // Author: the first of them, as debian/copyright reads them (measured: borgmatic's Dan Helfman became the git
  // config's person running the adoption)
  const okName = (v: string | null | undefined): v is string => Boolean(v) && !authorProblem(v!);
  const okEmail = (v: string | null | undefined): v is string => Boolean(v) && !emailProblem(v!);
  const pair = okName(meta.author) && okEmail(meta.author_email) ? { name: meta.author, email: meta.author_email } : firstPerson(meta.author, meta.author_email);
  const author = [pair.name, meta.author].find(okName);
  const email = [pair.email, meta.author_email].find(okEmail);
  if (author) out.author = author;
  else if (git.name) out.author = git.name;
  if (email) out.email = email;
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

/**
 * The first upstream author written with both name and address, split ("Jane Doe <jane@x>"); else the first one,
 * whatever it has ("jane@x" or "Jane Doe"): a name is never paired with another person's address.
 */
function firstPerson(name: string | null, email: string | null): { name?: string; email?: string } {
  const people = upstreamPeople(name, email);
  const person = people.find((p) => /\S\s*<[^<>]+>$/.test(p)) ?? people[0];
  if (!person) return {};
  const lt = person.lastIndexOf('<');
  if (lt >= 0 && person.endsWith('>')) return { name: person.slice(0, lt).trim() || undefined, email: person.slice(lt + 1, -1).trim() };
  return person.includes('@') && !/\s/.test(person) ? { email: person } : { name: person };
}
