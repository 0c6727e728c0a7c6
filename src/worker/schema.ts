/**
 * The Clinote tables in PostgreSQL, as versioned migrations applied in order by
 * `clinote db migrate` (idempotent: a migration already in `clinote_schema_migrations` is not run
 * again; concurrent runs wait on an advisory lock). pg-boss installs its own schema (`pgboss`)
 * the same way. docs/scale.md describes the tables.
 */
import PgBoss from 'pg-boss';
import { ClinoteError } from '../errors/error.js';
import { dbError, type Pool, transaction } from './db.js';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'notes, runs, results',
    sql: `
      CREATE TABLE clinote_notes (
        key bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        source text NOT NULL,
        note_id text NOT NULL,
        content_hash bytea NOT NULL,
        text text NOT NULL,
        metadata jsonb,
        input text,
        created_on timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT clinote_notes_dedupe UNIQUE (source, note_id, content_hash)
      );
      CREATE TABLE clinote_runs (
        run_id uuid PRIMARY KEY,
        created_on timestamptz NOT NULL DEFAULT now(),
        submitted_on timestamptz,
        pipeline text NOT NULL,
        pipeline_version text NOT NULL,
        queue text NOT NULL,
        source text NOT NULL,
        batch_size int NOT NULL,
        notes bigint NOT NULL DEFAULT 0,
        enqueued bigint NOT NULL DEFAULT 0,
        jobs bigint NOT NULL DEFAULT 0,
        source_errors bigint NOT NULL DEFAULT 0
      );
      CREATE TABLE clinote_run_notes (
        run_id uuid NOT NULL REFERENCES clinote_runs (run_id) ON DELETE CASCADE,
        note_key bigint NOT NULL REFERENCES clinote_notes (key),
        PRIMARY KEY (run_id, note_key)
      );
      CREATE TABLE clinote_run_errors (
        run_id uuid NOT NULL REFERENCES clinote_runs (run_id) ON DELETE CASCADE,
        seq int NOT NULL,
        note_id text NOT NULL,
        error_code text NOT NULL,
        body text NOT NULL,
        PRIMARY KEY (run_id, seq)
      );
      CREATE TABLE clinote_results (
        note_key bigint NOT NULL REFERENCES clinote_notes (key),
        pipeline_version text NOT NULL,
        run_id uuid NOT NULL,
        job_id uuid,
        note_id text NOT NULL,
        error_code text,
        body text NOT NULL,
        created_on timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (note_key, pipeline_version)
      );
      CREATE TABLE clinote_job_log (
        job_id uuid NOT NULL,
        attempt int NOT NULL,
        run_id uuid NOT NULL,
        pipeline_version text NOT NULL,
        worker text NOT NULL,
        notes int NOT NULL,
        written int NOT NULL,
        skipped int NOT NULL,
        errors int NOT NULL,
        isolated int NOT NULL,
        started_on timestamptz NOT NULL,
        finished_on timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (job_id, attempt)
      );
      CREATE INDEX clinote_job_log_run ON clinote_job_log (run_id, finished_on);
      -- results are large JSON (tens of KB): lz4 compresses them several times faster than pglz
      DO $$ BEGIN
        ALTER TABLE clinote_results ALTER COLUMN body SET COMPRESSION lz4;
        ALTER TABLE clinote_notes ALTER COLUMN text SET COMPRESSION lz4;
      EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN NULL;
      END $$;
    `,
  },
];

/** The schema version this Clinote needs. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;

/** The dead-letter queue of every pipeline queue (jobs that failed past their retries). */
export const DEAD_LETTER_QUEUE = 'clinote-dead';

/** The pg-boss queue of a pipeline version: only workers building that version serve it. */
export function queueName(pipelineVersion: string): string {
  return `clinote-${pipelineVersion}`;
}

const LOCK = "pg_advisory_xact_lock(hashtext('clinote_schema_migrations'))";

export interface MigrateReport {
  readonly applied: readonly number[];
  readonly version: number;
}

/** Apply the migrations not yet applied, then install or upgrade pg-boss's schema. Idempotent. */
export async function migrate(pool: Pool, url: string): Promise<MigrateReport> {
  let applied: number[];
  try {
    applied = await transaction(pool, async (client) => {
      await client.query(`SELECT ${LOCK}`);
      await client.query(`CREATE TABLE IF NOT EXISTS clinote_schema_migrations (
        version int PRIMARY KEY,
        name text NOT NULL,
        applied_on timestamptz NOT NULL DEFAULT now()
      )`);
      const { rows } = await client.query<{ version: number }>(
        'SELECT version FROM clinote_schema_migrations',
      );
      const done = new Set(rows.map((r) => r.version));
      const now: number[] = [];
      for (const m of MIGRATIONS) {
        if (done.has(m.version)) continue;
        await client.query(m.sql);
        await client.query('INSERT INTO clinote_schema_migrations (version, name) VALUES ($1, $2)', [
          m.version,
          m.name,
        ]);
        now.push(m.version);
      }
      return now;
    });
  } catch (e) {
    throw dbError(e, url, 'db migrate');
  }
  const boss = new PgBoss({ connectionString: url, supervise: false, schedule: false, max: 2 });
  boss.on('error', () => {});
  try {
    await boss.start();
    if (!(await boss.getQueue(DEAD_LETTER_QUEUE))) await boss.createQueue(DEAD_LETTER_QUEUE);
  } catch (e) {
    throw dbError(e, url, 'db migrate (pg-boss)');
  } finally {
    await boss.stop({ graceful: false, wait: true }).catch(() => {});
  }
  return { applied, version: SCHEMA_VERSION };
}

/** Throws CLINOTE_E_DB_NOT_MIGRATED unless the database is at this Clinote's schema version. */
export async function checkSchema(pool: Pool, url: string): Promise<void> {
  let version: number | null;
  try {
    const { rows } = await pool.query<{ v: number | null }>(
      "SELECT CASE WHEN to_regclass('clinote_schema_migrations') IS NULL THEN NULL ELSE (SELECT max(version) FROM clinote_schema_migrations) END AS v",
    );
    version = rows[0]?.v ?? null;
  } catch (e) {
    throw dbError(e, url, 'schema check');
  }
  if (version !== SCHEMA_VERSION) {
    throw new ClinoteError(
      'CLINOTE_E_DB_NOT_MIGRATED',
      version === null
        ? 'the database has no Clinote tables: run clinote db migrate'
        : `the database schema is version ${version}, this Clinote needs ${SCHEMA_VERSION}: run clinote db migrate`,
      { found: version, needed: SCHEMA_VERSION },
    );
  }
}
