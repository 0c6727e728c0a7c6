import type { ErrorSpec } from '../types.js';

export const RESUME_ERRORS = [] as const satisfies readonly ErrorSpec[];
