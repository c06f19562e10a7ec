/**
 * The CI providers, one entry each: everything that differs per provider and is not template text lives here, and
 * the provider list is derived from it (validation, prompts, --help, the templates' manifest check, the tests'
 * models, which are keyed by CiProvider so a provider without one fails to compile). Adding a provider: its
 * entry here (the CiProvider type is this registry's keys), its template (manifest entry `when: { ci: id }` at
 * `file`), and its test model in test/ci/ci-model.ts.
 */
export interface CiProviderSpec {
  /** Where the provider's pipeline file lives in a project; null for no CI. */
  file: string | null;
  /** How the provider is named in help texts and prompts. */
  label: string;
  /** Where a team stores the pipeline's secrets, in that provider's words. */
  secrets: string;
}

export const CI_REGISTRY = {
  github: { file: '.github/workflows/ci.yml', label: 'GitHub Actions', secrets: 'repository secrets (Settings → Secrets and variables → Actions)' },
  gitlab: { file: '.gitlab-ci.yml', label: 'GitLab CI', secrets: 'masked CI/CD variables (Settings → CI/CD → Variables)' },
  circleci: { file: '.circleci/config.yml', label: 'CircleCI', secrets: 'a context or project environment variables' },
  jenkins: { file: 'Jenkinsfile', label: 'Jenkins (declarative pipeline)', secrets: 'Jenkins credentials bound with withCredentials' },
  none: { file: null, label: 'no CI', secrets: 'no CI: nothing to store' },
} as const satisfies Readonly<Record<string, CiProviderSpec>>;

/** A CI provider's id: a key of the registry, so the registry is the one list. */
export type CiProvider = keyof typeof CI_REGISTRY;

/** Provider ids in registry order (the order prompts and --help show). */
export const CI_PROVIDER_IDS = Object.keys(CI_REGISTRY) as CiProvider[];
