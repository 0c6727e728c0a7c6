import type { ErrorSpec } from '../types.js';

export const SERVER_ERRORS = [] as const satisfies readonly ErrorSpec[];
