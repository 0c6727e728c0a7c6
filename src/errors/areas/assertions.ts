import type { ErrorSpec } from '../types.js';

export const ASSERTION_ERRORS: readonly ErrorSpec[] = [];
