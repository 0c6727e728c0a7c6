import type { ErrorSpec } from '../types.js';

/**
 * The PostgreSQL job queue: `clinote db migrate`, `submit`, `worker`, `runs status`, `results
 * export` (src/worker, docs/workers.md, docs/scale.md). Messages carry run ids, job ids, note ids,
 * counts and codes: never note text, never a password (URLs are redacted).
 */
export const QUEUE_ERRORS = [
  {
    code: 'CLINOTE_E_DB_URL_MISSING',
    httpStatus: 500,
    severity: 'error',
    meaning:
      'A database command was given no PostgreSQL URL: neither `--db` nor the `CLINOTE_DB` environment variable.',
    remedy: 'Pass `--db postgres://user@host:5432/dbname` or set `CLINOTE_DB`.',
  },
  {
    code: 'CLINOTE_E_DB_UNREACHABLE',
    httpStatus: 503,
    severity: 'error',
    meaning:
      'PostgreSQL could not be reached or refused the connection, the login or the database name. The URL in the message has its password removed.',
    remedy: 'Check that PostgreSQL runs, the URL (host, port, user, database) and that the database exists.',
  },
  {
    code: 'CLINOTE_E_DB_NOT_MIGRATED',
    httpStatus: 503,
    severity: 'error',
    meaning:
      'The database has no Clinote tables, or an older schema version than this Clinote needs, or a newer one it does not know.',
    remedy: 'Run `clinote db migrate --db URL` (idempotent) with this version of Clinote.',
  },
  {
    code: 'CLINOTE_E_DB_QUERY_FAILED',
    httpStatus: 503,
    severity: 'error',
    meaning:
      'A statement failed in PostgreSQL (a lost connection, a server restart, a lock timeout). Workers retry; a command that ends with it did not finish.',
    remedy:
      'Run the command again: submits are deduplicated and result writes are idempotent, so nothing is written twice. The message has the PostgreSQL error code.',
  },
  {
    code: 'CLINOTE_E_QUEUE_RUN_NOT_FOUND',
    httpStatus: 404,
    severity: 'error',
    meaning: 'No run has this id (`clinote runs status RUN`, `clinote results export --run RUN`).',
    remedy: 'List the runs with `clinote runs status --db URL` and use an id it prints.',
  },
  {
    code: 'CLINOTE_E_QUEUE_JOB_LOST',
    httpStatus: 409,
    severity: 'error',
    meaning:
      "A worker finished a job that was no longer its own: the job expired (the worker was too slow or hung) and was handed to another worker, or was cancelled. The results of this attempt were dropped; the job's current holder writes them.",
    remedy:
      'Nothing is lost or written twice. If it happens often, raise the expiry (`clinote submit --expire-seconds`) or lower `--batch-size`.',
  },
  {
    code: 'CLINOTE_E_QUEUE_VERSION_MISMATCH',
    httpStatus: 409,
    severity: 'error',
    meaning:
      "A job asks for another pipeline version than the worker's (the queue of a version is only served by workers that build that version).",
    remedy:
      'Start workers with the pipeline (and pack) the run was submitted with; `clinote runs status` shows the version a run needs.',
  },
  {
    code: 'CLINOTE_E_QUEUE_RUN_INCOMPLETE',
    httpStatus: 409,
    severity: 'error',
    meaning:
      'A run was exported before all its notes had a result: the export holds the notes done, and the pending ones are counted on stderr.',
    remedy: 'Wait for `clinote runs status` to show no pending notes (or start workers), then export again.',
  },
] as const satisfies readonly ErrorSpec[];
