import type { ErrorSpec } from '../types.js';

export const TERMINOLOGY_ERRORS: readonly ErrorSpec[] = [];
