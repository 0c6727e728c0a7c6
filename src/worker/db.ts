/**
 * PostgreSQL connections of the queue commands: the URL (`--db`, else `CLINOTE_DB`), a pool, one
 * transaction helper, and the mapping of driver errors to catalogue codes. Messages carry the URL
 * without its password, and never a statement's parameters (they may hold note text).
 */
import pg from 'pg';
import type PgBoss from 'pg-boss';
import { ClinoteError } from '../errors/error.js';

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;

/** Where to connect: `--db`, else the CLINOTE_DB environment variable. */
export function databaseUrl(
  option: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): string {
  const url = option ?? env.CLINOTE_DB;
  if (url === undefined || url === '') {
    throw new ClinoteError('CLINOTE_E_DB_URL_MISSING', 'no database: pass --db URL or set CLINOTE_DB', {});
  }
  return url;
}

/** The URL without its password (for messages). */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    return u.toString();
  } catch {
    return url.replace(/:\/\/([^:/@]+):[^@]*@/, '://$1:***@');
  }
}

/** Connection-level failures (the server is down, restarting, or dropped us). */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EPIPE',
  '57P01',
  '57P02',
  '57P03',
  '08006',
  '08003',
  '08001',
  '08004',
  '3D000',
  '28P01',
  '28000',
]);

/** True when `e` is a lost or refused connection (a worker waits and tries again). */
export function isConnectionError(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string' && CONNECTION_CODES.has(code)) return true;
  return /Connection terminated|connection.*(closed|ended|terminated)|Client has encountered a connection error|timeout exceeded when trying to connect/i.test(
    e.message,
  );
}

/** A driver error as a ClinoteError (the PostgreSQL code and message; never parameters). */
export function dbError(e: unknown, url: string, what: string): ClinoteError {
  if (e instanceof ClinoteError) return e;
  const code = e instanceof Error ? (e as { code?: unknown }).code : undefined;
  const message = e instanceof Error ? e.message.split('\n', 1)[0] : String(e);
  const details = { url: redactUrl(url), ...(typeof code === 'string' ? { pgCode: code } : {}) };
  if (code === '42P01' || code === '3F000') {
    return new ClinoteError(
      'CLINOTE_E_DB_NOT_MIGRATED',
      `${what}: the Clinote tables are missing in ${redactUrl(url)}: run clinote db migrate`,
      details,
      { cause: e },
    );
  }
  if (isConnectionError(e)) {
    return new ClinoteError(
      'CLINOTE_E_DB_UNREACHABLE',
      `${what}: cannot reach PostgreSQL at ${redactUrl(url)}: ${message}`,
      details,
      { cause: e },
    );
  }
  return new ClinoteError(
    'CLINOTE_E_DB_QUERY_FAILED',
    `${what}: ${typeof code === 'string' ? `${code} ` : ''}${message}`,
    details,
    { cause: e },
  );
}

export interface PoolOptions {
  /** Most connections (default 4). */
  readonly max?: number;
  /** application_name, shown in pg_stat_activity (default `clinote`). */
  readonly name?: string;
}

/** A pool on `url`; idle clients that lose their connection are dropped, not thrown. */
export function createPool(url: string, options: PoolOptions = {}): Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 4,
    application_name: options.name ?? 'clinote',
    connectionTimeoutMillis: 10_000,
  });
  // an idle client whose server went away: the pool drops it and the next query connects again
  pool.on('error', () => {});
  // a checked-out client's connection lost between two queries: its next query fails (no crash)
  pool.on('connect', (client) => {
    client.on('error', () => {});
  });
  return pool;
}

/** Run `fn` in one transaction (BEGIN ... COMMIT; ROLLBACK when it throws). */
export async function transaction<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('BEGIN');
    const out = await fn(client);
    await client.query('COMMIT');
    return out;
  } catch (e) {
    broken = isConnectionError(e);
    if (!broken) {
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = true;
      }
    }
    throw e;
  } finally {
    client.release(broken);
  }
}

/** pg-boss's `db` option over one client: its statements run in our transaction. */
export function bossDb(client: PoolClient): PgBoss.Db {
  return { executeSql: (text, values) => client.query(text, values) };
}
