/**
 * Test helpers for the store (not shipped): a backend to run the one shared suite on, SQLite in a
 * temp dir or PostgreSQL in a database of its own (random name, dropped after), with raw SQL access
 * for tampering. PostgreSQL: `CLINOTE_TEST_PG_URL` (default postgres://postgres@127.0.0.1:5432/postgres,
 * trust auth); when it cannot be reached the PostgreSQL half is skipped with the reason, except under
 * CI=true, where it runs and fails.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GENESIS_HASH } from './chain.js';

export const PG_ADMIN_URL = process.env.CLINOTE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestBackend {
  readonly kind: 'sqlite' | 'postgres';
  /** What `openStore({ url })` takes. */
  readonly url: string;
  /** A temp folder of its own (removed by dispose). */
  readonly dir: string;
  /** Raw SQL, outside the store (tampering). */
  query(text: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  /** Empties the store's tables (after a first open has created them). */
  reset(): Promise<void>;
  dispose(): Promise<void>;
}

/** Why the PostgreSQL half cannot run, or false when it can (always false under CI=true). */
export async function pgSkipReason(): Promise<string | false> {
  if (process.env.CI === 'true') return false;
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query('select 1');
    return false;
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    return `PostgreSQL is not reachable at ${PG_ADMIN_URL.replace(/\/\/[^@/]*@/, '//')} (${why}); set CLINOTE_TEST_PG_URL or start it`;
  } finally {
    await client.end().catch(() => {});
  }
}

async function reset(query: TestBackend['query']): Promise<void> {
  await query('delete from audit_record');
  await query('update audit_head set seq = 0, hash = $1 where id = 1', [GENESIS_HASH]);
  await query('delete from api_key');
}

export async function sqliteTestBackend(): Promise<TestBackend> {
  const dir = await mkdtemp(join(tmpdir(), 'clinote-store-'));
  const path = join(dir, 'nested', 'clinote.db');
  const { default: Database } = await import('better-sqlite3');
  const query: TestBackend['query'] = async (text, params = []) => {
    const db = new Database(path, { timeout: 5_000 });
    try {
      const sqliteText = text.replace(/\$\d+/g, '?');
      const stmt = db.prepare(sqliteText);
      if (stmt.reader) return stmt.all(...params) as Record<string, unknown>[];
      stmt.run(...params);
      return [];
    } finally {
      db.close();
    }
  };
  return {
    kind: 'sqlite',
    url: path,
    dir,
    query,
    reset: () => reset(query),
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}

export async function postgresTestBackend(): Promise<TestBackend> {
  const { default: pg } = await import('pg');
  const name = `clinote_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 5_000 });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const u = new URL(PG_ADMIN_URL);
  u.pathname = `/${name}`;
  const url = u.toString();
  const dir = await mkdtemp(join(tmpdir(), 'clinote-store-pg-'));
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const query: TestBackend['query'] = async (text, params = []) => (await client.query(text, params)).rows;
  return {
    kind: 'postgres',
    url,
    dir,
    query,
    reset: () => reset(query),
    async dispose() {
      await client.end().catch(() => {});
      await rm(dir, { recursive: true, force: true });
      const drop = new pg.Client({ connectionString: PG_ADMIN_URL });
      await drop.connect();
      try {
        await drop.query(`drop database if exists ${name} with (force)`);
      } finally {
        await drop.end();
      }
    },
  };
}
