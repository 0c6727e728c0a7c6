import type { ErrorSpec } from '../types.js';

export const IO_ERRORS: readonly ErrorSpec[] = [];
