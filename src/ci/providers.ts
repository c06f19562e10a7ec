/**
 * The CI providers, one entry each: everything that differs per provider and is not template text lives here, and
 * the provider list is derived from it (validation, prompts, --help, the templates' manifest check, the tests'
 * models, which are keyed by CiProvider so a provider without one fails to compile). Adding a provider: the
 * README's contributor steps ("Adding a CI provider").
 */
export interface CiProviderSpec {
  /** Where the provider's pipeline file lives in a project; null for no CI. */
  file: string | null;
  /** How the provider is named in help texts and prompts. */
  label: string;
  /** Where a team stores the pipeline's secrets, in that provider's words. */
  secrets: string;
  /**
   * How a project below its repository's top (a monorepo's service, `sub`) gets its pipeline run: every provider
   * here reads its pipeline only at the top, so the project's own file is never read where it is.
   */
  fromTop: (sub: string) => string;
}

export const CI_REGISTRY = {
  github: {
    file: '.github/workflows/ci.yml',
    label: 'GitHub Actions',
    secrets: 'repository secrets (Settings → Secrets and variables → Actions)',
    fromTop: (sub) => `GitHub runs workflows only from the repository's top .github/workflows/: move its jobs there, with defaults.run.working-directory: ${sub}`,
  },
  gitlab: {
    file: '.gitlab-ci.yml',
    label: 'GitLab CI',
    secrets: 'masked CI/CD variables (Settings → CI/CD → Variables)',
    fromTop: (sub) => `GitLab reads only the top .gitlab-ci.yml: include it from there (include: local: ${sub}/.gitlab-ci.yml), with its scripts run in ${sub} (cd ${sub} first)`,
  },
  circleci: {
    file: '.circleci/config.yml',
    label: 'CircleCI',
    secrets: 'a context or project environment variables',
    fromTop: (sub) => `CircleCI reads only the top .circleci/config.yml: merge its jobs into that one, with working_directory in ${sub}`,
  },
  jenkins: {
    file: 'Jenkinsfile',
    label: 'Jenkins (declarative pipeline)',
    secrets: 'Jenkins credentials bound with withCredentials',
    fromTop: (sub) => `a pipeline job reads the top Jenkinsfile unless told otherwise: set the job's Script Path to ${sub}/Jenkinsfile and run its steps in dir('${sub}')`,
  },
  none: { file: null, label: 'no CI', secrets: 'no CI: nothing to store', fromTop: () => '' },
} as const satisfies Readonly<Record<string, CiProviderSpec>>;

/** A CI provider's id: a key of the registry, so the registry is the one list. */
export type CiProvider = keyof typeof CI_REGISTRY;

/** Provider ids in registry order (the order prompts and --help show). */
export const CI_PROVIDER_IDS = Object.keys(CI_REGISTRY) as CiProvider[];

/**
 * The warning for a pipeline file written into a project `sub` folders below its repository's top (a monorepo):
 * GitHub, GitLab and CircleCI read a pipeline at the repository's top only, a Jenkins job at its Script Path.
 * Null for no CI, a project at the top, or a run that did not write the file (`wrote`: a team template may have none).
 */
export function unreadPipelineWarning(provider: CiProvider, sub: string, wrote: (path: string) => boolean): string | null {
  const spec: CiProviderSpec = CI_REGISTRY[provider];
  if (spec.file === null || sub === '' || sub === '.' || !wrote(spec.file)) return null;
  return `${sub}/${spec.file} will not run as it is: ${spec.fromTop(sub)}`;
}
