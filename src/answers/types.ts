import type { CiProvider, ProjectType } from '../types.js';
import { CI_PROVIDER_IDS } from '../ci/providers.js';

export type { Answers, DerivedNames, ProjectType, CiProvider } from '../types.js';

export const PROJECT_TYPES: readonly ProjectType[] = ['service', 'library', 'tool'];
/** Derived from the registry (src/ci/providers.ts). */
export const CI_PROVIDERS: readonly CiProvider[] = CI_PROVIDER_IDS;
