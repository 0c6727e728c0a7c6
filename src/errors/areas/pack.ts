import type { ErrorSpec } from '../types.js';

export const PACK_ERRORS: readonly ErrorSpec[] = [];
