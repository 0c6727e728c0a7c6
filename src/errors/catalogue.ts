/**
 * The one error catalogue. Every code is stable: tests assert codes, never messages.
 * Codes read CLINOTE_E_<AREA>_<WHAT> (errors) or CLINOTE_W_<AREA>_<WHAT> (warnings/flags that do not
 * stop processing). `docs/errors.md` is generated from this table (`npm run docs:errors`) and a test
 * fails when it is out of date.
 *
 * Areas add their rows in their own files under `./areas/` so that parts of the engine can grow
 * without editing one shared list.
 */
import { ASSERTION_ERRORS } from './areas/assertions.js';
import { CORE_ERRORS } from './areas/core.js';
import { EVAL_ERRORS } from './areas/eval.js';
import { IO_ERRORS } from './areas/io.js';
import { PACK_ERRORS } from './areas/pack.js';
import { TERMINOLOGY_ERRORS } from './areas/terminology.js';
import type { ErrorSpec } from './types.js';

export type { ErrorSpec } from './types.js';

export const ERROR_CATALOGUE: readonly ErrorSpec[] = [
  ...CORE_ERRORS,
  ...IO_ERRORS,
  ...EVAL_ERRORS,
  ...TERMINOLOGY_ERRORS,
  ...PACK_ERRORS,
  ...ASSERTION_ERRORS,
];

const byCode = new Map<string, ErrorSpec>();
for (const spec of ERROR_CATALOGUE) {
  if (byCode.has(spec.code)) throw new Error(`duplicate error code ${spec.code}`);
  byCode.set(spec.code, spec);
}

export function errorSpec(code: string): ErrorSpec | undefined {
  return byCode.get(code);
}
