import { runSync } from '../exec/run.js';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { checkTarget, TargetError } from '../apply/new-project.js';
import { dirname, join, resolve } from 'node:path';
import { defaultAnswers } from '../answers/defaults.js';
import { completeAnswers, renderFiles, type ProjectRecord } from '../plan/file-plan.js';
import { entrySourceFile, latestTemplateVersion, loadManifest, type Manifest, type ManifestEntry } from '../templates/manifest.js';
import { shippedSet, staticSet, type TemplateSet } from '../templates/template-set.js';
import { parseSource } from './spec.js';
import { trustSource } from './trust.js';
import { FailureError, UsageError } from '../errors.js';

/**
 * `pyservice template init DIR`: a team's template repository, started from the latest shipped version.
 * Inherited files (`extends`) are flattened into one folder and `include`s of whole files are inlined, so the
 * team owns plain files; the result is checked to render exactly what the shipped version renders, then
 * committed and tagged v1.0.0 (the team's first version). The directory is built beside the target and
 * renamed into place, so a failure leaves nothing behind. The new directory is added to the trust list.
 */
export class TemplateInitError extends UsageError {}

export interface InitResult {
  dir: string;
  version: string;
  from: string;
  files: number;
  tag: string;
}

export function initTemplate(target: string): InitResult {
  const dir = resolve(target);
  // create's check of its target: a symlink was replaced by the new folder (the folder it named stayed empty), a
  // file or a mount point failed half-way with the system's error; an empty clone is no target here (replaced whole)
  try {
    checkTarget(dir, { clone: false });
  } catch (err) {
    if (err instanceof TargetError) throw new TemplateInitError(err.message.replace('the project is never', 'nothing is ever').replace('create the project inside it', 'make the template inside it').replace(/\(or an empty clone, holding only \.git\)/, 'for the template'));
    throw err;
  }
  const from = latestTemplateVersion(shippedSet);
  const shipped = loadManifest(from, shippedSet);
  const staging = `${dir}.pyservice-init-${process.pid}`;
  let files: ManifestEntry[] = [];
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  try {
    const written = new Map<string, string>();
    files = [];
    for (const entry of shipped.files) {
      const src = entrySourceFile(entry, from, shippedSet);
      const content = entry.template.endsWith('.ejs') ? inlineIncludes(src) : readFileSync(src, 'latin1');
      let name = entry.template;
      if (written.has(name) && written.get(name) !== content) name = name.replace(/(\.ejs)?$/, `.${entry.from}$1`);
      if (!written.has(name)) {
        mkdirSync(dirname(join(staging, name)), { recursive: true });
        writeFileSync(join(staging, name), content, 'latin1');
        written.set(name, content);
      }
      const { from: _from, program: _program, ...rest } = entry;
      files.push({ ...rest, template: name });
    }
    const manifest: Manifest = { version: '1.0.0', files, ...(shipped.answers ? { answers: shipped.answers } : {}), defaults: {} };
    writeFileSync(join(staging, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
    writeFileSync(join(staging, 'README.md'), TEAM_README(from));
    sameOutput(staging, from);
    git(staging, ['init', '-q']);
    git(staging, ['add', '-A']);
    git(staging, ['commit', '-q', '-m', `Team templates 1.0.0, started from create-pyservice's templates ${from}`]);
    git(staging, ['tag', '-a', '-m', 'Team templates 1.0.0', 'v1.0.0']);
    if (existsSync(dir)) rmSync(dir, { recursive: true });
    renameSync(staging, dir);
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    throw err;
  }
  trustSource(parseSource(dir));
  return { dir, version: '1.0.0', from, files: files.length, tag: 'v1.0.0' };
}

/** `<%- include('other.ejs') -%>` of a whole file (no data) → that file's text, recursively. */
export function inlineIncludes(file: string, seen: readonly string[] = []): string {
  if (seen.includes(file)) throw new TemplateInitError(`templates include each other in a loop: ${[...seen, file].join(' → ')}`);
  const text = readFileSync(file, 'latin1');
  const out = text.replace(/<%-\s*include\(\s*(['"])([^'"]+)\1\s*\)\s*(-?)%>(\n?)/g, (_m, _q, path: string, dash: string, nl: string) =>
    inlineIncludes(resolve(dirname(file), path), [...seen, file]) + (dash ? '' : nl),
  );
  // Only ejs code tags can include (not comments, not the file's own text: a Makefile comment may say "include (…").
  const codeTags = out.match(/<%(?!#)[\s\S]*?%>/g) ?? [];
  if (codeTags.some((tag) => /\binclude\s*\(/.test(tag))) throw new TemplateInitError(`${file} includes a template with data; start from it by hand`);
  return out;
}

/** The flattened copy must render what the shipped version renders, byte for byte, for both project types. */
function sameOutput(dir: string, from: string): void {
  // Rendered under the shipped version's number, so templates that print it compare equal.
  const ours = staticSet(dir, { [from]: dir });
  for (const type of ['service', 'library'] as const) {
    const answers = { ...defaultAnswers({ dirName: `init-${type}` }), type };
    const render = (set: TemplateSet) => {
      const m = loadManifest(from, set);
      const record: ProjectRecord = { tool: 'create-pyservice', toolVersion: '0.0.0', templateVersion: from, created: '2026-01-01T00:00:00.000Z', origin: 'create', answers: completeAnswers(answers, m) };
      return new Map(renderFiles(record, m, set).map((f) => [f.path, `${f.mode} ${f.content.toString('base64')}`]));
    };
    const [a, b] = [render(ours), render(shippedSet)];
    const differs = [...new Set([...a.keys(), ...b.keys()])].find((p) => a.get(p) !== b.get(p));
    if (differs !== undefined) throw new FailureError(`the flattened templates do not render like templates ${from} (${differs}); report this as a bug`);
  }
}

function git(cwd: string, args: string[]): void {
  const env: Record<string, string> = {};
  // A machine without a git identity still gets its first commit: the identity is create-pyservice's.
  if (runSync('git', ['var', 'GIT_COMMITTER_IDENT'], { cwd }).exitCode !== 0) Object.assign(env, { GIT_AUTHOR_NAME: 'create-pyservice', GIT_AUTHOR_EMAIL: 'create-pyservice@localhost', GIT_COMMITTER_NAME: 'create-pyservice', GIT_COMMITTER_EMAIL: 'create-pyservice@localhost' });
  const r = runSync('git', args, { cwd, env });
  if (r.exitCode !== 0) throw new FailureError(`git ${args[0]} failed: ${(r.stderr.toString('utf8') || r.stdout.toString('utf8')).trim().split('\n')[0]}`);
}

const TEAM_README = (from: string) => `# Our project templates

Started from create-pyservice's templates ${from} with \`pyservice template init\`. Projects are made from this
repository and updated when it gets a new version tag. The format is documented in create-pyservice's
docs/template-format.md (manifest.json: files, policies, renames, questions, team defaults).

Release a version:

1. edit the files; set \`"version"\` in manifest.json to the new version (e.g. 1.1.0);
2. \`npx -p create-pyservice pyservice template check .\` (every file renders for every answer combination,
   answers are escaped, released versions still render the same: \`--write-goldens\` records this one);
3. commit, \`git tag v1.1.0\`, push the tag.

Projects: \`npx create-pyservice my-service --template <this repository's URL>\`; later
\`pyservice check\` (exit 3 when behind) and \`pyservice update\` (three-way merge keeping each team's edits),
or for many repositories at once \`pyservice update --branch templates-1.1.0 repo1 repo2 …\`.
`;
