import type { ErrorSpec } from '../types.js';

export const STORE_ERRORS = [] as const satisfies readonly ErrorSpec[];
