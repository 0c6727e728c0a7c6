import type { ErrorSpec } from '../types.js';

/** Errors of the web UI served by `clinote serve` (src/ui/). */
export const UI_ERRORS = [] as const satisfies readonly ErrorSpec[];
