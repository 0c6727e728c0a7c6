import type { ErrorSpec } from '../types.js';

/**
 * Clinote's own store: API keys and the audit log (src/store, docs/security.md). Messages never
 * carry a password (URLs are redacted) nor anything a request held.
 */
export const STORE_ERRORS = [
  {
    code: 'CLINOTE_E_STORE_BAD_URL',
    httpStatus: 500,
    severity: 'error',
    meaning:
      'The store location is neither a file path (SQLite) nor a `postgres://` / `postgresql://` URL (for example `mysql://...`).',
    remedy:
      'Pass a file path or a PostgreSQL URL with `--store`, `CLINOTE_STORE` or the server config (docs/security.md, "Store").',
  },
  {
    code: 'CLINOTE_E_STORE_UNREACHABLE',
    httpStatus: 503,
    severity: 'error',
    meaning:
      'The store database could not be opened or reached: a SQLite file in a folder that cannot be created or written, or a PostgreSQL server that refuses the connection, the login or the database name.',
    remedy:
      'Check the path and its permissions, or that PostgreSQL runs, the URL (host, port, user, database) and that the database exists. The URL in the message has its password removed.',
  },
  {
    code: 'CLINOTE_E_STORE_QUERY_FAILED',
    httpStatus: 503,
    severity: 'error',
    meaning:
      'A query of the store failed after it was opened (the connection was lost, the disk is full, the database was locked for longer than the busy timeout).',
    remedy: 'Retry; check the database server, the disk and the other processes using the same database.',
  },
  {
    code: 'CLINOTE_E_STORE_MIGRATION_FAILED',
    httpStatus: 500,
    severity: 'error',
    meaning:
      'A schema migration of the store failed when it was opened; the migration that failed is named and was rolled back.',
    remedy:
      'Check that the database user may create tables; the cause is given. Nothing else was changed: fix it and open the store again.',
  },
  {
    code: 'CLINOTE_E_STORE_SCHEMA_TOO_NEW',
    httpStatus: 500,
    severity: 'error',
    meaning:
      'The store database holds migrations that this version of Clinote does not know: a newer Clinote has upgraded it.',
    remedy: 'Run the newer Clinote against this database, or point this one at another store.',
  },
  {
    code: 'CLINOTE_E_STORE_CLOSED',
    httpStatus: 503,
    severity: 'error',
    meaning: 'The store was used after it was closed (a server shutting down).',
    remedy: 'Open the store again; in the server, this happens only while it stops.',
  },
  {
    code: 'CLINOTE_E_STORE_BAD_SCOPE',
    httpStatus: 422,
    severity: 'error',
    meaning:
      'A key was asked with no scope or with a scope that does not exist (the scopes are `extract` and `admin`).',
    remedy: 'Pass `--scopes extract`, `--scopes admin` or `--scopes extract,admin`.',
  },
  {
    code: 'CLINOTE_E_STORE_BAD_KEY_INPUT',
    httpStatus: 422,
    severity: 'error',
    meaning:
      'A new key has an invalid tenant (1 to 64 letters, digits, `.`, `_` or `-`, starting with a letter or digit), rate limit (a positive integer) or label (at most 200 characters).',
    remedy: 'Fix the named field.',
  },
  {
    code: 'CLINOTE_E_STORE_KEY_NOT_FOUND',
    httpStatus: 404,
    severity: 'error',
    meaning: 'No key has the id given (to `clinote keys revoke`, say).',
    remedy:
      'List the keys with `clinote keys list` and use an id it shows (the `cln_<id>_` part of a secret).',
  },
  {
    code: 'CLINOTE_E_STORE_AUDIT_ENTRY_INVALID',
    httpStatus: 500,
    severity: 'error',
    meaning:
      'An audit entry was refused: a field that an entry does not have (such as `text`: the audit log never holds note text), a missing field, or a value of the wrong type or size. The message names the field, never its value.',
    remedy: 'A bug of the caller (the server): report it. Nothing was appended.',
  },
  {
    code: 'CLINOTE_E_STORE_AUDIT_CHAIN_BROKEN',
    httpStatus: 500,
    severity: 'error',
    meaning:
      'The audit log does not verify: a record was altered, deleted or inserted after it was written (its hash, its link to the previous record or its sequence number does not hold). The first bad record is named.',
    remedy:
      'Treat it as a security incident: keep a copy of the database, find out who could write to it, and compare with your backups. `clinote audit verify` names the first bad record.',
  },
] as const satisfies readonly ErrorSpec[];
