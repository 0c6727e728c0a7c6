import type { ErrorSpec } from '../types.js';

export const IO_ERRORS = [] as const satisfies readonly ErrorSpec[];
