/**
 * The contract of Clinote's own store (API keys and the audit log): one interface, two backends
 * (SQLite by default, PostgreSQL when given a URL), one query layer over both (kysely). The server
 * (`clinote serve`) and the CLI (`clinote keys`, `clinote audit`) use only these types; the registry
 * and monitoring issues add their tables to the same store.
 *
 * Nothing here ever holds note text or extracted values: keys are stored as hashes, and audit
 * records carry ids, counts, routes, statuses, codes and versions only.
 */

/** What a key may call. `extract`: the extraction routes; `admin`: keys, audit, pipelines' internals. */
export type Scope = 'extract' | 'admin';

export const SCOPES: readonly Scope[] = ['extract', 'admin'];

/** A stored API key (never its secret: only a hash of it is kept). */
export interface ApiKey {
  /** Public id, safe to log (the secret's prefix holds it). */
  readonly id: string;
  readonly tenant: string;
  readonly scopes: readonly Scope[];
  /** ISO 8601. */
  readonly createdAt: string;
  /** ISO 8601, when revoked. */
  readonly revokedAt?: string;
  /** Requests per minute this key may make; absent: the server's default. */
  readonly rateLimitPerMinute?: number;
  /** A human label ("intake portal"); never required. */
  readonly label?: string;
}

export interface NewKey {
  readonly tenant: string;
  readonly scopes: readonly Scope[];
  readonly rateLimitPerMinute?: number;
  readonly label?: string;
}

/** A new key with its secret, which is shown once and never stored. */
export interface CreatedKey {
  readonly key: ApiKey;
  /** `cln_<id>_<random>`: the value of `Authorization: Bearer ...`. */
  readonly secret: string;
}

export interface KeyStore {
  create(input: NewKey): Promise<CreatedKey>;
  /** The live key a presented secret belongs to; undefined when unknown, revoked or malformed. */
  authenticate(secret: string): Promise<ApiKey | undefined>;
  list(tenant?: string): Promise<ApiKey[]>;
  /** False when no such key. */
  revoke(id: string): Promise<boolean>;
}

/** What happened, for the audit log: who called what, when, with which pipeline, how many notes. */
export interface AuditEntry {
  /** ISO 8601. */
  readonly at: string;
  readonly requestId: string;
  readonly tenant: string;
  readonly keyId?: string;
  readonly method: string;
  /** The route pattern (`/v1/extract`), never a URL with a query. */
  readonly route: string;
  readonly status: number;
  readonly pipeline?: string;
  readonly pipelineVersion?: string;
  readonly notes: number;
  readonly errorCode?: string;
  readonly ms?: number;
}

/** An appended entry, chained: `hash` = SHA-256 of (prevHash, seq, the entry's canonical JSON). */
export interface AuditRecord extends AuditEntry {
  readonly seq: number;
  readonly prevHash: string;
  readonly hash: string;
}

export interface AuditVerdict {
  readonly ok: boolean;
  /** Records checked. */
  readonly checked: number;
  /** The first record whose hash or link does not hold. */
  readonly firstBad?: number;
  readonly reason?: string;
}

export interface AuditLog {
  /** Appends (may buffer; `flush` writes what is buffered). */
  append(entry: AuditEntry): Promise<AuditRecord>;
  flush(): Promise<void>;
  verify(): Promise<AuditVerdict>;
  list(options?: { readonly tenant?: string; readonly limit?: number }): Promise<AuditRecord[]>;
}

export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  readonly keys: KeyStore;
  readonly audit: AuditLog;
  close(): Promise<void>;
}

export interface StoreOptions {
  /**
   * `postgres://...` / `postgresql://...`: PostgreSQL; a file path: SQLite; absent: SQLite at
   * `$CLINOTE_HOME/clinote.db` (else `$XDG_DATA_HOME/clinote/`, else `~/.local/share/clinote/`).
   */
  readonly url?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
}
