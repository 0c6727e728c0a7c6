/**
 * The store's schema migrations, in code: kysely's `Migrator` with an in-code provider, applied when
 * the store is opened (`openStore`, backend.ts): PostgreSQL in one transaction under kysely's advisory
 * lock, SQLite in one `BEGIN IMMEDIATE` transaction (so that processes opening a new file at once take
 * turns). Applied names are kept in the table `clinote_migration`.
 *
 * Rules: a migration, once released, is never edited; a change is a new entry. Names sort in the
 * order they apply (`NNNN_what`). Other parts of Clinote (the registry, monitoring) add their tables
 * with new entries here. Both backends run the same migration: use kysely's schema builder and
 * types that both accept (`text`, `integer`, `bigint`, `double precision`).
 *
 * | name | what |
 * | --- | --- |
 * | 0001_keys_and_audit | `api_key`, `audit_record` (+ index on tenant, seq), `audit_head` (one row: seq 0, 64 zeros) |
 * | 0002_registry | `registry_model`, `registry_version`, `registry_alias`, `registry_eval`, `registry_promotion`, `registry_deployment`, `registry_shadow` (src/registry, docs/registry.md) |
 * | 0003_monitoring | `monitor_profile`, `monitor_alert`, `feedback` (src/monitoring, docs/monitoring.md) |
 */
import type { Kysely, Migration } from 'kysely';
import { GENESIS_HASH } from './chain.js';

export const MIGRATION_TABLE = 'clinote_migration';
export const MIGRATION_LOCK_TABLE = 'clinote_migration_lock';

// Migrations run against any schema: `Kysely<any>` is what kysely's Migration type takes.
// biome-ignore lint/suspicious/noExplicitAny: kysely's Migration signature
type AnyDb = Kysely<any>;

export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001_keys_and_audit': {
    async up(db: AnyDb) {
      await db.schema
        .createTable('api_key')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('tenant', 'text', (c) => c.notNull())
        .addColumn('scopes', 'text', (c) => c.notNull())
        .addColumn('secret_hash', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('revoked_at', 'text')
        .addColumn('rate_limit_per_minute', 'integer')
        .addColumn('label', 'text')
        .execute();
      await db.schema.createIndex('api_key_tenant').on('api_key').column('tenant').execute();
      await db.schema
        .createTable('audit_record')
        .addColumn('seq', 'bigint', (c) => c.primaryKey())
        .addColumn('prev_hash', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('request_id', 'text', (c) => c.notNull())
        .addColumn('tenant', 'text', (c) => c.notNull())
        .addColumn('key_id', 'text')
        .addColumn('method', 'text', (c) => c.notNull())
        .addColumn('route', 'text', (c) => c.notNull())
        .addColumn('status', 'integer', (c) => c.notNull())
        .addColumn('pipeline', 'text')
        .addColumn('pipeline_version', 'text')
        .addColumn('notes', 'integer', (c) => c.notNull())
        .addColumn('error_code', 'text')
        .addColumn('ms', 'double precision')
        .execute();
      await db.schema
        .createIndex('audit_record_tenant_seq')
        .on('audit_record')
        .columns(['tenant', 'seq'])
        .execute();
      await db.schema
        .createTable('audit_head')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .execute();
      await db.insertInto('audit_head').values({ id: 1, seq: 0, hash: GENESIS_HASH }).execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropTable('audit_head').execute();
      await db.schema.dropTable('audit_record').execute();
      await db.schema.dropTable('api_key').execute();
    },
  },
  '0002_registry': {
    async up(db: AnyDb) {
      await db.schema
        .createTable('registry_model')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('policy', 'text')
        .execute();
      await db.schema
        .createTable('registry_version')
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('artifact_hash', 'text', (c) => c.notNull())
        .addColumn('tags', 'text', (c) => c.notNull())
        .addColumn('lineage', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('registry_version_pk', ['name', 'version'])
        .execute();
      await db.schema
        .createTable('registry_alias')
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('alias', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('registry_alias_pk', ['name', 'alias'])
        .execute();
      await db.schema
        .createTable('registry_eval')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('suite', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('f1', 'double precision', (c) => c.notNull())
        .addColumn('report', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('registry_eval_version')
        .on('registry_eval')
        .columns(['name', 'version', 'suite'])
        .execute();
      await db.schema
        .createTable('registry_promotion')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('alias', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('from_version', 'integer')
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('checks', 'text', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('audit_seq', 'bigint')
        .execute();
      await db.schema
        .createTable('registry_deployment')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('spec', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('registry_shadow')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('deployment', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('request_id', 'text', (c) => c.notNull())
        .addColumn('variant', 'text', (c) => c.notNull())
        .addColumn('champion', 'text', (c) => c.notNull())
        .addColumn('candidate', 'text', (c) => c.notNull())
        .addColumn('champion_ms', 'double precision')
        .addColumn('candidate_ms', 'double precision')
        .addColumn('champion_error', 'text')
        .addColumn('candidate_error', 'text')
        .addColumn('agreement', 'text', (c) => c.notNull())
        .addColumn('result', 'text')
        .execute();
      await db.schema
        .createIndex('registry_shadow_deployment_at')
        .on('registry_shadow')
        .columns(['deployment', 'at'])
        .execute();
    },
    async down(db: AnyDb) {
      for (const t of [
        'registry_shadow',
        'registry_deployment',
        'registry_promotion',
        'registry_eval',
        'registry_alias',
        'registry_version',
        'registry_model',
      ])
        await db.schema.dropTable(t).execute();
    },
  },
  '0003_monitoring': {
    async up(db: AnyDb) {
      await db.schema
        .createTable('monitor_profile')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('deployment', 'text', (c) => c.notNull())
        .addColumn('version', 'text', (c) => c.notNull())
        .addColumn('tenant', 'text', (c) => c.notNull())
        .addColumn('window_start', 'text', (c) => c.notNull())
        .addColumn('window_end', 'text', (c) => c.notNull())
        .addColumn('notes', 'integer', (c) => c.notNull())
        .addColumn('worker', 'text', (c) => c.notNull())
        .addColumn('profile', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('monitor_profile_key_window')
        .on('monitor_profile')
        .columns(['deployment', 'version', 'tenant', 'window_start'])
        .execute();
      await db.schema
        .createTable('monitor_alert')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('deployment', 'text', (c) => c.notNull())
        .addColumn('version', 'text', (c) => c.notNull())
        .addColumn('tenant', 'text', (c) => c.notNull())
        .addColumn('drifted', 'text', (c) => c.notNull())
        .addColumn('share', 'double precision', (c) => c.notNull())
        .addColumn('report', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('monitor_alert_at').on('monitor_alert').column('at').execute();
      await db.schema
        .createTable('feedback')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('tenant', 'text', (c) => c.notNull())
        .addColumn('key_id', 'text')
        .addColumn('note_id', 'text', (c) => c.notNull())
        .addColumn('pipeline', 'text', (c) => c.notNull())
        .addColumn('version', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('item', 'text', (c) => c.notNull())
        .addColumn('note_text', 'text')
        .addColumn('request_id', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('feedback_tenant_pipeline')
        .on('feedback')
        .columns(['tenant', 'pipeline', 'version', 'at'])
        .execute();
    },
    async down(db: AnyDb) {
      for (const t of ['feedback', 'monitor_alert', 'monitor_profile'])
        await db.schema.dropTable(t).execute();
    },
  },
};
