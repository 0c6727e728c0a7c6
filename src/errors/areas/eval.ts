import type { ErrorSpec } from '../types.js';

export const EVAL_ERRORS: readonly ErrorSpec[] = [];
