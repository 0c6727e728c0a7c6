/**
 * The one error catalogue. Every code is stable: tests assert codes, never messages.
 * Codes read CLINOTE_E_<AREA>_<WHAT> (errors) or CLINOTE_W_<AREA>_<WHAT> (warnings/flags that do not
 * stop processing). `docs/errors.md` is generated from this table (`npm run docs:errors`) and a test
 * fails when it is out of date.
 *
 * Areas add their rows in their own files under `./areas/` so that parts of the engine can grow
 * without editing one shared list. Each area list is `as const satisfies readonly ErrorSpec[]`, so
 * that `ErrorCode` is the union of the literal codes.
 *
 * Each row has the HTTP status a server returns when the error ends a request. CLI exit codes are
 * not here (the catalogue knows nothing of the CLI): see src/cli/exit-codes.ts.
 */
import { ASSERTION_ERRORS } from './areas/assertions.js';
import { CODING_ERRORS } from './areas/coding.js';
import { CORE_ERRORS } from './areas/core.js';
import { EVAL_ERRORS } from './areas/eval.js';
import { IO_ERRORS } from './areas/io.js';
import { MODEL_ERRORS } from './areas/models.js';
import { MONITOR_ERRORS } from './areas/monitor.js';
import { PACK_ERRORS } from './areas/pack.js';
import { QUEUE_ERRORS } from './areas/queue.js';
import { REGISTRY_ERRORS } from './areas/registry.js';
import { RESUME_ERRORS } from './areas/resume.js';
import { SERVER_ERRORS } from './areas/server.js';
import { STORE_ERRORS } from './areas/store.js';
import { TERMINOLOGY_ERRORS } from './areas/terminology.js';
import { UI_ERRORS } from './areas/ui.js';
import type { ErrorSpec } from './types.js';

export type { ErrorSpec } from './types.js';

const ALL_ERRORS = [
  ...CORE_ERRORS,
  ...IO_ERRORS,
  ...EVAL_ERRORS,
  ...TERMINOLOGY_ERRORS,
  ...PACK_ERRORS,
  ...ASSERTION_ERRORS,
  ...MODEL_ERRORS,
  ...SERVER_ERRORS,
  ...STORE_ERRORS,
  ...QUEUE_ERRORS,
  ...RESUME_ERRORS,
  ...REGISTRY_ERRORS,
  ...CODING_ERRORS,
  ...UI_ERRORS,
  ...MONITOR_ERRORS,
] as const;

/** Every code of the catalogue, as a union of string literals: a typo in a code is a compile error. */
export type ErrorCode = (typeof ALL_ERRORS)[number]['code'];

export const ERROR_CATALOGUE: readonly ErrorSpec<ErrorCode>[] = ALL_ERRORS;

const byCode = new Map<string, ErrorSpec<ErrorCode>>();
for (const spec of ERROR_CATALOGUE) {
  if (byCode.has(spec.code)) throw new Error(`duplicate error code ${spec.code}`);
  byCode.set(spec.code, spec);
}

export function errorSpec(code: string): ErrorSpec<ErrorCode> | undefined {
  return byCode.get(code);
}

/** Whether a string (read from JSON, say) is a code of the catalogue. */
export function isErrorCode(code: string): code is ErrorCode {
  return byCode.has(code);
}
