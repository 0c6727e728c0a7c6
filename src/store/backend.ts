/**
 * The two backends behind one kysely instance: SQLite (better-sqlite3, WAL) and PostgreSQL (a pg
 * Pool). Opens, migrates, and runs transactions; maps driver errors to catalogue codes. The drivers
 * are imported lazily: the CLI's other commands do not load them.
 *
 * SQLite's busy timeout is 0 and a busy database is retried here, asynchronously (with a growing
 * pause, up to `busyTimeoutMs`): better-sqlite3 waits synchronously, which would block the event loop
 * and, with two stores on one file in one process, never let the holder of the lock finish.
 */
import { mkdirSync } from 'node:fs';
import { chmod } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kysely, type MigrationResultSet, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import { ClinoteError } from '../errors/error.js';
import { describeLocation, type StoreLocation } from './location.js';
import { MIGRATION_LOCK_TABLE, MIGRATION_TABLE, MIGRATIONS } from './migrations.js';
import type { StoreDatabase } from './schema.js';

export type Db = Kysely<StoreDatabase>;

export interface BackendOptions {
  /** How long a busy SQLite database is retried before CLINOTE_E_STORE_QUERY_FAILED (default 10 s). */
  readonly busyTimeoutMs?: number;
  /** PostgreSQL pool size (default 10). */
  readonly poolSize?: number;
}

export interface Backend {
  readonly kind: 'sqlite' | 'postgres';
  readonly db: Db;
  /** The location as it may be printed (no password). */
  readonly where: string;
  /** A read or a single-statement write, with busy retries and error mapping. */
  run<T>(what: string, fn: (db: Db) => Promise<T>): Promise<T>;
  /**
   * A write transaction. SQLite: `BEGIN IMMEDIATE` (the write lock at once, so that two processes
   * serialise instead of failing on upgrade); PostgreSQL: `BEGIN` (lock rows inside with FOR UPDATE).
   */
  write<T>(what: string, fn: (tx: Db) => Promise<T>): Promise<T>;
  /**
   * A read-only snapshot (SQLite: a read transaction in WAL mode, on a connection of its own for a
   * file; PostgreSQL: REPEATABLE READ READ ONLY).
   */
  snapshot<T>(what: string, fn: (tx: Db) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** A short reason from a driver error: its code and first line, never a stack or a detail row. */
export function dbReason(e: unknown): string {
  const code = e && typeof e === 'object' && 'code' in e && typeof e.code === 'string' ? e.code : undefined;
  const message = (e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 200);
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}

const isBusy = (e: unknown): boolean =>
  !!e &&
  typeof e === 'object' &&
  'code' in e &&
  typeof e.code === 'string' &&
  (e.code.startsWith('SQLITE_BUSY') || e.code.startsWith('SQLITE_LOCKED'));

function queryFailed(what: string, e: unknown): ClinoteError {
  if (e instanceof ClinoteError) return e;
  return new ClinoteError(
    'CLINOTE_E_STORE_QUERY_FAILED',
    `store: ${what} failed: ${dbReason(e)}`,
    {},
    { cause: e },
  );
}

async function retryBusy<T>(kind: Backend['kind'], timeoutMs: number, fn: () => Promise<T>): Promise<T> {
  if (kind !== 'sqlite') return fn();
  const until = Date.now() + timeoutMs;
  for (let pause = 1; ; pause = Math.min(pause * 2, 50)) {
    try {
      return await fn();
    } catch (e) {
      if (!isBusy(e) || Date.now() >= until) throw e;
      await sleep(pause * (0.5 + Math.random()));
    }
  }
}

async function openSqlite(path: string, options: { readonly?: boolean; busyMs?: number } = {}): Promise<Db> {
  const where = `sqlite:${path}`;
  let database: import('better-sqlite3').Database | undefined;
  try {
    const { default: Database } = await import('better-sqlite3');
    if (options.readonly) database = new Database(path, { timeout: 0, readonly: true, fileMustExist: true });
    else {
      if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      const db = new Database(path, { timeout: 0 });
      database = db;
      // switching to WAL takes a lock: another process opening the same new file may hold it
      await retryBusy('sqlite', options.busyMs ?? 10_000, async () => db.pragma('journal_mode = WAL'));
      db.pragma('foreign_keys = ON');
      if (path !== ':memory:') await chmod(path, 0o600).catch(() => {});
    }
  } catch (e) {
    database?.close();
    throw new ClinoteError(
      'CLINOTE_E_STORE_UNREACHABLE',
      `the store ${where} could not be opened: ${dbReason(e)}`,
      {},
      { cause: e },
    );
  }
  return new Kysely<StoreDatabase>({ dialect: new SqliteDialect({ database }) });
}

async function openPostgres(url: string, poolSize: number): Promise<Db> {
  const where = describeLocation({ kind: 'postgres', url });
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    allowExitOnIdle: true,
  });
  // an idle client's error (the server restarted) must not crash the process: the next query fails
  pool.on('error', () => {});
  // nor a checked-out client's between two queries (kysely adds no listener): its next query fails
  pool.on('connect', (client) => {
    client.on('error', () => {});
  });
  try {
    const client = await pool.connect();
    client.release();
  } catch (e) {
    await pool.end().catch(() => {});
    throw new ClinoteError(
      'CLINOTE_E_STORE_UNREACHABLE',
      `the store ${where} could not be reached: ${dbReason(e)}`,
      {},
      { cause: e },
    );
  }
  return new Kysely<StoreDatabase>({ dialect: new PostgresDialect({ pool }) });
}

/**
 * Applies the pending migrations. PostgreSQL: kysely's Migrator, one transaction under its advisory
 * lock. SQLite: kysely's lock is a no-op there (one connection per process), so the whole run goes in
 * one `BEGIN IMMEDIATE` transaction of ours: two processes opening a new file at once take turns, and
 * the second finds the migrations applied.
 */
async function migrate(backend: Backend, timeoutMs: number): Promise<void> {
  const migrator = (db: Db) =>
    new Migrator({
      db,
      provider: { getMigrations: async () => MIGRATIONS },
      migrationTableName: MIGRATION_TABLE,
      migrationLockTableName: MIGRATION_LOCK_TABLE,
      disableTransactions: backend.kind === 'sqlite',
    });
  const run = async (): Promise<MigrationResultSet> => {
    if (backend.kind === 'postgres') return migrator(backend.db).migrateToLatest();
    return backend.db.connection().execute(async (conn) => {
      await sql`begin immediate`.execute(conn);
      let r: MigrationResultSet;
      try {
        r = await migrator(conn).migrateToLatest();
      } catch (e) {
        await sql`rollback`.execute(conn).catch(() => {});
        throw e;
      }
      if (r.error) await sql`rollback`.execute(conn).catch(() => {});
      else await sql`commit`.execute(conn);
      return r;
    });
  };
  const result = await retryBusy(backend.kind, timeoutMs, async () => {
    const r = await run();
    if (r.error && isBusy(r.error)) throw r.error;
    return r;
  }).catch((error: unknown): MigrationResultSet => ({ error }));
  if (!result.error) return;
  // a migration this version does not know: a newer Clinote upgraded the database
  const applied = await backend.db
    .selectFrom(MIGRATION_TABLE as 'api_key')
    .select(sql<string>`name`.as('name'))
    .execute()
    .catch(() => [] as { name: string }[]);
  const unknown = applied.map((r) => r.name).filter((n) => !Object.hasOwn(MIGRATIONS, n));
  if (unknown.length > 0)
    throw new ClinoteError(
      'CLINOTE_E_STORE_SCHEMA_TOO_NEW',
      `the store ${backend.where} has migrations this version does not know (${unknown.slice(0, 3).join(', ')})`,
    );
  const failed = result.results?.find((r) => r.status === 'Error')?.migrationName;
  throw new ClinoteError(
    'CLINOTE_E_STORE_MIGRATION_FAILED',
    `the store ${backend.where}: migration ${failed ?? '(setup)'} failed: ${dbReason(result.error)}`,
    {},
    { cause: result.error },
  );
}

export async function openBackend(location: StoreLocation, options: BackendOptions = {}): Promise<Backend> {
  const busyMs = options.busyTimeoutMs ?? 10_000;
  const kind = location.kind;
  const db =
    location.kind === 'sqlite'
      ? await openSqlite(location.path, { busyMs })
      : await openPostgres(location.url, options.poolSize ?? 10);
  const backend: Backend = {
    kind,
    db,
    where: describeLocation(location),
    async run(what, fn) {
      try {
        return await retryBusy(kind, busyMs, () => fn(db));
      } catch (e) {
        throw queryFailed(what, e);
      }
    },
    async write(what, fn) {
      try {
        if (kind === 'postgres') return await db.transaction().execute(fn);
        return await db.connection().execute(async (conn) => {
          await retryBusy(kind, busyMs, () => sql`begin immediate`.execute(conn));
          try {
            const out = await fn(conn);
            await sql`commit`.execute(conn);
            return out;
          } catch (e) {
            await sql`rollback`.execute(conn).catch(() => {});
            throw e;
          }
        });
      } catch (e) {
        throw queryFailed(what, e);
      }
    },
    async snapshot(what, fn) {
      try {
        if (kind === 'postgres')
          return await db
            .transaction()
            .setIsolationLevel('repeatable read')
            .setAccessMode('read only')
            .execute(fn);
        // a file: a connection of its own, so that a long read does not hold up the store's writes
        // and key lookups (one SQLite connection runs one statement at a time)
        const reader =
          location.kind === 'sqlite' && location.path !== ':memory:'
            ? await openSqlite(location.path, { readonly: true })
            : undefined;
        try {
          return await (reader ?? db).connection().execute(async (conn) => {
            await sql`begin`.execute(conn);
            try {
              return await retryBusy(kind, busyMs, () => fn(conn));
            } finally {
              await sql`commit`.execute(conn).catch(() => {});
            }
          });
        } finally {
          await reader?.destroy();
        }
      } catch (e) {
        throw queryFailed(what, e);
      }
    },
    async close() {
      await db.destroy();
    },
  };
  try {
    await migrate(backend, busyMs);
  } catch (e) {
    await db.destroy().catch(() => {});
    throw e;
  }
  return backend;
}
