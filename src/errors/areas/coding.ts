import type { ErrorSpec } from '../types.js';

/** Errors of ICD-10-CM coding: coding packs from the Tabular List and the Index, the `coding` component, `clinote code` and `clinote eval coding` (src/coding/). */
export const CODING_ERRORS = [] as const satisfies readonly ErrorSpec[];
