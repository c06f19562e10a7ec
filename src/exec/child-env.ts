import { withoutSecrets } from '../secrets/env.js';

/**
 * Variables that point git at a repository, an index or an object store. A caller sets them when it runs us
 * from a git hook, `git rebase --exec` or a CI step of another repository; inherited, they make every git we
 * start work on *that* repository (create's first commit would commit the caller's staged files, update would
 * stage into the caller's index). Git's own list: `git rev-parse --local-env-vars` (what git clears when it
 * enters a submodule), without the user's `-c` settings (GIT_CONFIG_*), plus GIT_NAMESPACE. A caller of run()
 * may still set one explicitly (opts.env); only inherited ones are dropped.
 */
export const INHERITED_GIT_VARIABLES: readonly string[] = [
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_IMPLICIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_COMMON_DIR',
  'GIT_GRAFT_FILE',
  'GIT_NO_REPLACE_OBJECTS',
  'GIT_REPLACE_REF_BASE',
  'GIT_PREFIX',
  'GIT_INTERNAL_SUPER_PREFIX',
  'GIT_SHALLOW_FILE',
  'GIT_NAMESPACE',
];

/**
 * The environment a child starts with: the caller's (or none, `clean`), without the variables above, then the
 * `extra` the call site sets, and never the secret variables (secrets/env.ts), whatever either holds.
 */
export function childEnv(extra: Record<string, string | undefined> = {}, clean = false, inherited: Record<string, string | undefined> = process.env): Record<string, string> {
  const env: Record<string, string | undefined> = clean ? {} : { ...inherited };
  for (const k of INHERITED_GIT_VARIABLES) delete env[k];
  const out = withoutSecrets({ ...env, ...extra });
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
  return out as Record<string, string>;
}
