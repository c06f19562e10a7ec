import type { CiProvider, ProjectType } from '../types.js';

export type { Answers, DerivedNames, ProjectType, CiProvider } from '../types.js';

export const PROJECT_TYPES: readonly ProjectType[] = ['service', 'library', 'tool'];
export const CI_PROVIDERS: readonly CiProvider[] = ['github', 'gitlab', 'circleci', 'jenkins', 'none'];
