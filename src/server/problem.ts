/**
 * Errors as `application/problem+json` (RFC 9457) with the catalogue code. The `detail` is a
 * message the server wrote (ids, counts, positions, scopes), never input text: errors of the
 * engine (a note's failure) get the catalogue's meaning instead of their message.
 */
import { STATUS_CODES } from 'node:http';
import { errorSpec } from '../errors/catalogue.js';
import { ClinoteError, isClinoteError } from '../errors/error.js';

export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly instance?: string;
  /** Open Inference Protocol routes: the same text, where OIP clients look for it. */
  readonly error?: string;
}

/** A problem to send, with the Retry-After seconds when there is one. */
export interface ProblemReply {
  readonly problem: Problem;
  readonly retryAfter?: number;
}

const OWN = /^CLINOTE_E_(SERVER|AUTH)_/;

export function problemOf(code: string, detail: string, status?: number): Problem {
  const s = status ?? errorSpec(code)?.httpStatus ?? 500;
  return {
    type: `https://clinote.dev/errors/${code}`,
    title: STATUS_CODES[s] ?? 'Error',
    status: s,
    code,
    detail,
  };
}

/** The detail of a ClinoteError: its message when the server wrote it, else the catalogue's meaning. */
export function safeDetail(e: ClinoteError): string {
  if (OWN.test(e.code)) return e.message;
  return errorSpec(e.code)?.meaning ?? 'error';
}

interface FastifyLikeError {
  readonly code?: string;
  readonly statusCode?: number;
  readonly validation?: readonly { instancePath?: string; message?: string; keyword?: string }[];
  readonly validationContext?: string;
}

/** Any error of a request (ours, fastify's, a bug) as a problem that never echoes input. */
export function toProblem(e: unknown): ProblemReply {
  if (isClinoteError(e)) {
    const retryAfter = (e as { retryAfter?: unknown }).retryAfter;
    return {
      problem: problemOf(e.code, safeDetail(e), e.httpStatus),
      ...(typeof retryAfter === 'number' ? { retryAfter } : {}),
    };
  }
  const f = (typeof e === 'object' && e !== null ? e : {}) as FastifyLikeError;
  if (Array.isArray(f.validation)) {
    const where = f.validationContext ?? 'request';
    const issues = f.validation
      .slice(0, 5)
      .map(
        (v) =>
          `${where}${(v.instancePath ?? '').replace(/\//g, '.')}: ${v.message ?? v.keyword ?? 'invalid'}`,
      );
    return { problem: problemOf('CLINOTE_E_SERVER_INVALID_REQUEST', issues.join('; ')) };
  }
  switch (f.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return {
        problem: problemOf('CLINOTE_E_SERVER_BODY_TOO_LARGE', 'the request body is larger than the limit'),
      };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return {
        problem: problemOf(
          'CLINOTE_E_SERVER_UNSUPPORTED_MEDIA_TYPE',
          'this Content-Type is not read by this route',
        ),
      };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { problem: problemOf('CLINOTE_E_SERVER_MALFORMED_REQUEST', 'the JSON body is empty') };
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return {
        problem: problemOf(
          'CLINOTE_E_SERVER_MALFORMED_REQUEST',
          'the Content-Length does not match the body',
        ),
      };
    case 'FST_ERR_NOT_FOUND':
      return { problem: problemOf('CLINOTE_E_SERVER_NOT_FOUND', 'no such route') };
  }
  const status = f.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    if (status === 413)
      return { problem: problemOf('CLINOTE_E_SERVER_BODY_TOO_LARGE', 'the request is too large') };
    if (status === 415) {
      return { problem: problemOf('CLINOTE_E_SERVER_UNSUPPORTED_MEDIA_TYPE', 'unsupported Content-Type') };
    }
    if (status === 404) return { problem: problemOf('CLINOTE_E_SERVER_NOT_FOUND', 'not found') };
    return {
      problem: problemOf(
        'CLINOTE_E_SERVER_MALFORMED_REQUEST',
        `the request could not be read (${f.code ?? status})`,
        400,
      ),
    };
  }
  if (typeof status === 'number' && status === 503) {
    return {
      problem: problemOf('CLINOTE_E_SERVER_OVERLOADED', 'the server is under pressure: retry later'),
      retryAfter: 1,
    };
  }
  return {
    problem: problemOf('CLINOTE_E_INTERNAL', 'internal error (see the server log by its request id)'),
  };
}

/** A ClinoteError of the server's own, for a request. */
export function serverError(
  code: ConstructorParameters<typeof ClinoteError>[0],
  message: string,
  retryAfter?: number,
): ClinoteError {
  const e = new ClinoteError(code, message);
  return retryAfter === undefined ? e : Object.assign(e, { retryAfter });
}
