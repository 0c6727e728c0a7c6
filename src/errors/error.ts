import { type ErrorCode, errorSpec } from './catalogue.js';

/** One error class for the whole engine. `code` is stable; `message` may change. */
export class ClinoteError extends Error {
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(
    code: ErrorCode,
    message: string,
    details: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    if (!errorSpec(code)) throw new Error(`ClinoteError: code ${code} is not in the catalogue`);
    this.name = 'ClinoteError';
    this.code = code;
    this.details = details;
  }

  /** What a REST server returns when this error ends a request (see the catalogue). */
  get httpStatus(): number {
    return errorSpec(this.code)?.httpStatus ?? 500;
  }

  toJSON(): { code: ErrorCode; message: string; details?: Record<string, unknown> } {
    return Object.keys(this.details).length > 0
      ? { code: this.code, message: this.message, details: { ...this.details } }
      : { code: this.code, message: this.message };
  }
}

export function isClinoteError(e: unknown): e is ClinoteError {
  return e instanceof ClinoteError;
}

/** Wrap anything thrown into a ClinoteError (unknown errors become CLINOTE_E_INTERNAL). */
export function toClinoteError(e: unknown): ClinoteError {
  if (e instanceof ClinoteError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new ClinoteError('CLINOTE_E_INTERNAL', message, {}, { cause: e });
}

/** A short reason for a failed I/O call: the system code (`ENOENT`) or the message. Never a stack. */
export function errorReason(e: unknown): string {
  if (e && typeof e === 'object' && 'code' in e && typeof e.code === 'string') return e.code;
  return e instanceof Error ? e.message : String(e);
}

/**
 * Why JSON.parse failed, without the text it was given: V8's message quotes the start of the input
 * ("Unexpected token 'H', \"HPI: chest pain\" is not valid JSON"), which may be a note. Keeps only
 * the position, when the message has one.
 */
export function jsonErrorReason(e: unknown): string {
  const message = e instanceof Error ? e.message : '';
  const at = /at position (\d+)/.exec(message);
  if (at) return `syntax error at position ${at[1]}`;
  if (/Unexpected end/.test(message)) return 'unexpected end of the input';
  return 'syntax error';
}
