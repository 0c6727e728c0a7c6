/**
 * The store's tables as kysely sees them. Timestamps are ISO 8601 text (the audit hash covers the
 * exact string). PostgreSQL returns `bigint` columns as strings: read them through `Number()`.
 */
import type { ColumnType } from 'kysely';

type Int8 = ColumnType<number | string, number, number>;

export interface ApiKeyTable {
  id: string;
  tenant: string;
  /** Comma-separated scopes, sorted. */
  scopes: string;
  /** SHA-256 of the whole secret, hex. */
  secret_hash: string;
  created_at: string;
  revoked_at: string | null;
  rate_limit_per_minute: number | null;
  label: string | null;
}

export interface AuditRecordTable {
  seq: Int8;
  prev_hash: string;
  hash: string;
  at: string;
  request_id: string;
  tenant: string;
  key_id: string | null;
  method: string;
  route: string;
  status: number;
  pipeline: string | null;
  pipeline_version: string | null;
  notes: number;
  error_code: string | null;
  ms: number | null;
}

/** One row (id 1): the last record's seq and hash, updated in the same transaction as the inserts. */
export interface AuditHeadTable {
  id: number;
  seq: Int8;
  hash: string;
}

export interface StoreDatabase {
  api_key: ApiKeyTable;
  audit_record: AuditRecordTable;
  audit_head: AuditHeadTable;
}
