/**
 * Why a project-relative path from a plan cannot be a project file, or null. Pure and syntactic: every path a
 * template set plans (manifest paths, renames, {{importName}} patterns, whatever a team's render child returns)
 * passes here before any writer sees it, so create's staging writer, update and deb refuse the same paths.
 * update/worktree.ts adds the checks that need the disk (symlinked parents).
 */
export function plannedPathProblem(path: string): string | null {
  if (typeof path !== 'string' || path === '' || path.startsWith('/') || path.includes('\\') || path.includes('\0')) return `the path ${JSON.stringify(path)} is not a plain relative path`;
  const parts = path.split('/');
  if (parts.some((p) => p === '' || p === '.' || p === '..')) return `the path ${path} leaves the repository`;
  // .git in any case: case-insensitive file systems (macOS, Windows checkouts) treat .GIT as .git.
  if (parts.some((p) => p.toLowerCase() === '.git')) return `the path ${path} is inside .git`;
  return null;
}
