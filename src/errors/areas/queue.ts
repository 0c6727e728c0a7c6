import type { ErrorSpec } from '../types.js';

export const QUEUE_ERRORS = [] as const satisfies readonly ErrorSpec[];
