import type { ErrorSpec } from '../types.js';

/** Errors of the HTTP server (`clinote serve`, docs/server.md): each ends a request with its status. */
export const SERVER_ERRORS = [
  {
    code: 'CLINOTE_E_SERVER_MALFORMED_REQUEST',
    httpStatus: 400,
    severity: 'error',
    meaning:
      'The request body could not be read: JSON that does not parse, an NDJSON line that is not a JSON object, FHIR content that is not base64. The detail gives a position, never the body.',
    remedy: 'Send valid JSON (or NDJSON, one object per line) in UTF-8.',
  },
  {
    code: 'CLINOTE_E_SERVER_INVALID_REQUEST',
    httpStatus: 422,
    severity: 'error',
    meaning:
      'The request parsed but does not match the route schema (a missing `text`, a wrong type, an unknown key, a FHIR resource without a text/plain attachment).',
    remedy: 'Check the body against the route schema in `/openapi.json` (docs/server.md).',
  },
  {
    code: 'CLINOTE_E_SERVER_UNSUPPORTED_MEDIA_TYPE',
    httpStatus: 415,
    severity: 'error',
    meaning: 'The Content-Type of the request is not one the route reads.',
    remedy:
      'Use `application/json` or `text/plain` (`/v1/extract`), `application/x-ndjson` (`/v1/extract/batch`), `application/fhir+json` (`/v1/extract/fhir`).',
  },
  {
    code: 'CLINOTE_E_SERVER_BODY_TOO_LARGE',
    httpStatus: 413,
    severity: 'error',
    meaning: 'The request body is larger than `limits.maxBodyBytes` of the server config.',
    remedy: 'Send fewer or smaller notes per request, or raise `limits.maxBodyBytes`.',
  },
  {
    code: 'CLINOTE_E_SERVER_TOO_MANY_NOTES',
    httpStatus: 413,
    severity: 'error',
    meaning: 'A batch request holds more notes than `limits.maxBatchNotes` of the server config.',
    remedy: 'Split the batch, or raise `limits.maxBatchNotes`.',
  },
  {
    code: 'CLINOTE_E_SERVER_NOT_FOUND',
    httpStatus: 404,
    severity: 'error',
    meaning: 'No such route, or no such model/version on an Open Inference Protocol route.',
    remedy: 'See `/openapi.json` for the routes and `GET /v1/pipelines` for the loaded pipelines.',
  },
  {
    code: 'CLINOTE_E_SERVER_UNKNOWN_PIPELINE',
    httpStatus: 404,
    severity: 'error',
    meaning:
      'The request names a pipeline the server did not load. A request never sends a config or a path: only the names in the server config (the name is not echoed back).',
    remedy: '`GET /v1/pipelines` lists the loaded pipelines; add one to `pipelines` in the server config.',
  },
  {
    code: 'CLINOTE_E_SERVER_OVERLOADED',
    httpStatus: 503,
    severity: 'error',
    meaning:
      'The server sheds load: its queue of notes is full (`limits.maxQueuedNotes`), its event loop or memory is under pressure, or it is shutting down. Sent at once with `Retry-After`, never after a wait.',
    remedy: 'Retry after the `Retry-After` seconds, with backoff; add threads or replicas for more capacity.',
  },
  {
    code: 'CLINOTE_E_SERVER_CONFIG_INVALID',
    httpStatus: 500,
    severity: 'error',
    meaning:
      'The server config file (`clinote serve --config`) is not valid JSON or does not match its schema; the message names every bad key (unknown keys are refused).',
    remedy: 'Fix the keys named in the message (docs/server.md lists them).',
  },
  {
    code: 'CLINOTE_E_SERVER_LISTEN_FAILED',
    httpStatus: 500,
    severity: 'error',
    meaning:
      '`clinote serve` could not listen on its host and port (the port is taken, the address is not local, no permission).',
    remedy:
      'Choose another `--port` or `--host` (or `port`/`host` in the server config), or stop what holds the port.',
  },
  {
    code: 'CLINOTE_E_SERVER_STORE_UNAVAILABLE',
    httpStatus: 503,
    severity: 'error',
    meaning: 'The key store could not be reached to authenticate a request.',
    remedy: 'Check the `store` of the server config (the SQLite file or the PostgreSQL URL) and retry.',
  },
  {
    code: 'CLINOTE_E_AUTH_MISSING',
    httpStatus: 401,
    severity: 'error',
    meaning: 'The route needs an API key and the request has no `Authorization: Bearer <key>` header.',
    remedy:
      'Create a key with `clinote keys create --tenant T --scopes extract` and send it as a Bearer token.',
  },
  {
    code: 'CLINOTE_E_AUTH_INVALID',
    httpStatus: 401,
    severity: 'error',
    meaning: 'The API key is unknown, revoked or malformed.',
    remedy: 'Check the key (it is printed once, at creation); create a new one if it was lost or revoked.',
  },
  {
    code: 'CLINOTE_E_AUTH_FORBIDDEN',
    httpStatus: 403,
    severity: 'error',
    meaning: 'The API key is valid but lacks the scope the route needs (`extract` or `admin`).',
    remedy: 'Use a key with that scope (`clinote keys create --scopes extract,admin`).',
  },
  {
    code: 'CLINOTE_E_AUTH_RATE_LIMITED',
    httpStatus: 429,
    severity: 'error',
    meaning:
      "The API key made more requests than its rate limit (the key's `rateLimitPerMinute`, else the server's `auth.rateLimitPerMinute`).",
    remedy: 'Wait the `Retry-After` seconds; ask for a higher limit on the key.',
  },
] as const satisfies readonly ErrorSpec[];
