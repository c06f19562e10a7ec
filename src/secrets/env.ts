/**
 * Environment variables that hold secrets this tool reads. No child process ever sees them: exec/run.ts removes
 * them from every child's environment (project code — setup.py, a PEP 517 backend, the version script, git hooks —
 * runs in those children).
 */
export const INDEX_PASSWORD_ENV = 'PYSERVICE_INDEX_PASSWORD';
export const SECRET_ENV: readonly string[] = [INDEX_PASSWORD_ENV];

/** A copy of `env` without the secret variables. */
export function withoutSecrets<T extends Record<string, string | undefined>>(env: T): T {
  const out = { ...env };
  for (const k of SECRET_ENV) delete out[k];
  return out;
}
