import type { ErrorSpec } from '../types.js';

/** Errors of the model registry, deployments (shadow, canary), offline comparison and gated promotion (src/registry/, `clinote registry|compare|experiments`). */
export const REGISTRY_ERRORS = [] as const satisfies readonly ErrorSpec[];
