import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { templatesRoot } from '../../src/paths.js';
import { create, pyservice } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

/** A team's template repository made by the test: git, tags made here; and a sandboxed user (cache, config). */
export const GIT_ENV = { GIT_AUTHOR_NAME: 'T', GIT_AUTHOR_EMAIL: 't@example.org', GIT_COMMITTER_NAME: 'T', GIT_COMMITTER_EMAIL: 't@example.org' };

export function git(dir: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: dir, encoding: 'utf8', env: { ...process.env, ...GIT_ENV } });
}

export interface Sandbox {
  root: string;
  env: Record<string, string>;
  cache: string;
  config: string;
}

/** A user of their own: XDG cache and config under a temp dir (the trust list and template cache live there). */
export function sandbox(): Sandbox {
  const root = tempDir('pyservice-team-');
  const cache = join(root, 'cache');
  const config = join(root, 'config');
  return { root, cache, config, env: { XDG_CACHE_HOME: cache, XDG_CONFIG_HOME: config, PYSERVICE_DEFAULTS: '' } };
}

/** templates/1.0.0 as a team's repository (manifest.json at the top), tagged v1.0.0. */
export function templateRepo(parent: string, name = 'tpl'): { dir: string; url: string } {
  const dir = join(parent, name);
  cpSync(join(templatesRoot(), '1.0.0'), dir, { recursive: true });
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'team templates');
  git(dir, 'tag', 'v1.0.0');
  return { dir, url: pathToFileURL(dir).href };
}

/** Edits a template file, commits, tags. */
export function release(repo: string, tag: string, edits: Record<string, (text: string) => string>, annotated = false): void {
  for (const [file, edit] of Object.entries(edits)) writeFileSync(join(repo, file), edit(readFileSync(join(repo, file), 'utf8')));
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', `release ${tag}`);
  if (annotated) git(repo, 'tag', '-a', '-m', tag, tag);
  else git(repo, 'tag', tag);
}

export const teamCreate = (sb: Sandbox, cwd: string, args: string[]) => create(args, { cwd, env: { ...sb.env } });
export const teamPyservice = (sb: Sandbox, cwd: string, args: string[], env: Record<string, string> = {}) => pyservice(args, { cwd, env: { ...sb.env, ...env } });
