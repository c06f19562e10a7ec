import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { compareVersions, shippedSet, type TemplateSet } from '../templates/template-set.js';
import { exportTag, FetchError, findSymlink, remoteTags } from './git-cache.js';
import { parseSemver, versionsFromTags } from './semver.js';
import { parseSource, SourceError, type SourceSpec } from './spec.js';
import { parseJson } from '../files/json.js';
import { packageRoot } from '../paths.js';

/**
 * SourceSpec → TemplateSet. A git source's versions are its semver tags (listed with `git ls-remote`, once per
 * process); a version's folder is its tag's tree, fetched into the per-user cache on first use. A local
 * directory that is a git repository with version tags is used the same way; any other local directory is a
 * working tree: its manifest.json (or its <version>/manifest.json folders, like the shipped layout).
 */
const opened = new Map<string, TemplateSet>();

export function openSource(spec: SourceSpec): TemplateSet {
  if (spec.kind === 'shipped') return shippedSet;
  let set = opened.get(spec.canonical);
  if (!set) {
    set = spec.kind === 'git' ? gitSet(spec) : localSet(spec);
    opened.set(spec.canonical, set);
  }
  return set;
}

/** The set a record was made from (its `template.source`), or the shipped one. */
export function setForSource(source: string | undefined | null): TemplateSet {
  return source ? openSource(parseSource(source)) : shippedSet;
}

function gitSet(spec: SourceSpec, url = spec.fetchUrl): TemplateSet {
  let tags: Map<string, string> | undefined;
  const allTags = () => (tags ??= remoteTags(url));
  const tagOf = (version: string) => {
    const found = versionsFromTags([...allTags().keys()], true).find((v) => v.version === version);
    if (!found) throw new FetchError(`template source ${spec.canonical} has no tag for version ${version} (v${version} or ${version}); see pyservice templates --template ${spec.canonical}`);
    return found.tag;
  };
  return {
    source: spec.canonical,
    versions: (pre = false) => versionsFromTags([...allTags().keys()], pre).map((v) => v.version),
    dir: (version) => {
      const tag = tagOf(version);
      return exportTag(spec.canonical, url, tag, allTags().get(tag)!);
    },
    commit: (version) => allTags().get(tagOf(version)) ?? null,
  };
}

function localSet(spec: SourceSpec): TemplateSet {
  const root = spec.canonical;
  let st;
  try {
    st = statSync(root);
  } catch {
    throw new SourceError(`template directory ${root} does not exist; pass a directory, a git URL or gh:org/repo (--template)`);
  }
  if (!st.isDirectory()) throw new SourceError(`template source ${root} is not a directory`);
  if (existsSync(join(root, '.git')) || existsSync(join(root, 'HEAD'))) {
    try {
      const set = gitSet(spec, root);
      if (set.versions(true).length) return set;
    } catch (err) {
      if (!(err instanceof FetchError)) throw err;
    }
  }
  return workingTreeSet(root);
}

/** A directory used as it is: manifest.json at its root (one version), or version folders. */
export function workingTreeSet(root: string): TemplateSet {
  const dirs: Record<string, string> = {};
  if (existsSync(join(root, 'manifest.json'))) {
    let version: unknown;
    try {
      version = (parseJson(readFileSync(join(root, 'manifest.json'), 'utf8')) as { version?: unknown }).version;
    } catch (err) {
      throw new SourceError(`${join(root, 'manifest.json')} is not valid JSON (${(err as Error).message})`);
    }
    if (typeof version !== 'string' || !parseSemver(version)) throw new SourceError(`${join(root, 'manifest.json')} needs "version": "X.Y.Z" (or tag the repository v X.Y.Z)`);
    dirs[version] = root;
  } else {
    for (const d of readdirSync(root, { withFileTypes: true })) if (d.isDirectory() && parseSemver(d.name) && existsSync(join(root, d.name, 'manifest.json'))) dirs[d.name] = join(root, d.name);
  }
  if (!Object.keys(dirs).length) throw new SourceError(`${root} holds no template: expected manifest.json (see ${join(packageRoot(), 'docs', 'template-format.md')}), version folders, or a git repository with version tags`);
  const link = findSymlink(root, '');
  if (link) throw new SourceError(`template ${root} contains a symlink (${link}); template files must be regular files`);
  const versions = Object.keys(dirs).sort(compareVersions);
  return {
    source: root,
    versions: (pre = false) => versions.filter((v) => pre || !parseSemver(v)!.pre.length),
    dir: (v) => {
      const d = dirs[v];
      if (!d) throw new SourceError(`template directory ${root} has no version ${v} (it has ${versions.join(', ')})`);
      return d;
    },
    commit: () => null,
  };
}
