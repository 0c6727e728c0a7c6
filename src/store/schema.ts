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

/** Model registry (src/registry): one row per registered name. */
export interface RegistryModelTable {
  name: string;
  created_at: string;
  /** The promotion policy (JSON, validated), when one is set. */
  policy: string | null;
}

/** One registered version of a name: its artifact (content-addressed) and lineage (JSON). */
export interface RegistryVersionTable {
  name: string;
  version: number;
  kind: string;
  artifact_hash: string;
  /** JSON: tags. */
  tags: string;
  /** JSON: training data hashes, parent version, code version, source. */
  lineage: string;
  created_at: string;
}

export interface RegistryAliasTable {
  name: string;
  alias: string;
  version: number;
  updated_at: string;
}

/** An evaluation report attached to a version (JSON; corpus document ids and counts, no text). */
export interface RegistryEvalTable {
  id: string;
  name: string;
  version: number;
  suite: string;
  created_at: string;
  f1: number;
  report: string;
}

/** A promotion attempt: its gate checks (JSON), outcome and, when forced, the reason. */
export interface RegistryPromotionTable {
  id: string;
  name: string;
  alias: string;
  version: number;
  from_version: number | null;
  at: string;
  outcome: string;
  checks: string;
  reason: string | null;
  audit_seq: Int8 | null;
}

/** A deployment of the server: champion, canary and shadow (JSON spec), changed without restart. */
export interface RegistryDeploymentTable {
  name: string;
  spec: string;
  updated_at: string;
}

/**
 * A request mirrored to a shadow (or a canary compared with its champion): the variant's result
 * (PHI-bearing, like stored results: kept in the store only) and the comparison counts.
 */
export interface RegistryShadowTable {
  id: string;
  deployment: string;
  at: string;
  request_id: string;
  variant: string;
  champion: string;
  candidate: string;
  champion_ms: number | null;
  candidate_ms: number | null;
  champion_error: string | null;
  candidate_error: string | null;
  /** JSON: agreement counts by type, assertions, codes. */
  agreement: string;
  /** JSON: the candidate's result record. */
  result: string | null;
}

/** A profile of one window of served or batch results (counts and codes only: no text, no values). */
export interface MonitorProfileTable {
  id: string;
  deployment: string;
  version: string;
  tenant: string;
  window_start: string;
  window_end: string;
  notes: number;
  /** The process that wrote it (profiles of several workers merge). */
  worker: string;
  /** JSON: the profile (src/monitoring/profile.ts). */
  profile: string;
}

/** A drift alert: the features that drifted and the report (distances, counts). */
export interface MonitorAlertTable {
  id: string;
  at: string;
  deployment: string;
  version: string;
  tenant: string;
  /** JSON: names of the drifted features. */
  drifted: string;
  share: number;
  /** JSON: the drift report. */
  report: string;
}

/**
 * A reviewer's verdict on a served result. `item` is the JSON of what it is about (a span with
 * offsets and type, a code); `note_text` the note, when the reviewer sent it so that the feedback can
 * train (PHI-bearing, like stored results: kept in the store, never logged or returned).
 */
export interface FeedbackTable {
  id: string;
  at: string;
  tenant: string;
  key_id: string | null;
  note_id: string;
  pipeline: string;
  version: string;
  kind: string;
  item: string;
  note_text: string | null;
  request_id: string;
}

export interface StoreDatabase {
  api_key: ApiKeyTable;
  audit_record: AuditRecordTable;
  audit_head: AuditHeadTable;
  registry_model: RegistryModelTable;
  registry_version: RegistryVersionTable;
  registry_alias: RegistryAliasTable;
  registry_eval: RegistryEvalTable;
  registry_promotion: RegistryPromotionTable;
  registry_deployment: RegistryDeploymentTable;
  registry_shadow: RegistryShadowTable;
  monitor_profile: MonitorProfileTable;
  monitor_alert: MonitorAlertTable;
  feedback: FeedbackTable;
}
