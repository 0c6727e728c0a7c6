/**
 * Clinote's own store: API keys and the append-only audit log, over SQLite (default) or PostgreSQL,
 * through one query layer (kysely). See docs/security.md.
 *
 *   const store = await openStore({ url: process.env.CLINOTE_STORE });
 *   const { secret } = await store.keys.create({ tenant: 'acme', scopes: ['extract'] });
 *   const key = await store.keys.authenticate(secret);          // cached 30 s; revoke is immediate here
 *   await store.audit.append({ at, requestId, tenant, method, route, status, notes });
 *   await store.close();                                          // writes what the audit log buffers
 */
import { createAuditLog } from './audit.js';
import { type Db, openBackend } from './backend.js';
import { createKeyStore } from './keys.js';
import { describeLocation, resolveStoreLocation } from './location.js';
import type { Store, StoreOptions } from './types.js';

export { AUDIT_LIST_DEFAULT, AUDIT_LIST_MAX } from './audit.js';
export { AUDIT_ENTRY_FIELDS, canonicalJson, checkAuditEntry, GENESIS_HASH, recordHash } from './chain.js';
export { checkScopes, keyIdOf } from './keys.js';
export {
  defaultStorePath,
  describeLocation,
  redactUrl,
  resolveStoreLocation,
  type StoreLocation,
} from './location.js';
export { MIGRATIONS } from './migrations.js';
export type { StoreDatabase } from './schema.js';
export * from './types.js';

export interface OpenStoreOptions extends StoreOptions {
  /** How long `keys.authenticate` trusts a looked-up key (default 30,000 ms; 0: read every time). */
  readonly keyCacheMs?: number;
  /** Most audit entries written in one transaction (default 500). */
  readonly auditBatchMax?: number;
  /** How long a busy SQLite database is retried (default 10,000 ms). */
  readonly busyTimeoutMs?: number;
  /** PostgreSQL pool size (default 10). */
  readonly poolSize?: number;
}

/** A store with what other parts of Clinote (the registry) build on: the location and the kysely db. */
export interface OpenedStore extends Store {
  /** Where it is, safe to print (no password). */
  readonly location: string;
  /** The query layer, for tables that other parts add through MIGRATIONS. */
  readonly db: Db;
}

/**
 * Opens (creating the file or the tables when needed) and migrates the store. Throws
 * CLINOTE_E_STORE_BAD_URL, _UNREACHABLE, _MIGRATION_FAILED or _SCHEMA_TOO_NEW.
 */
export async function openStore(options: OpenStoreOptions = {}): Promise<OpenedStore> {
  const location = resolveStoreLocation(options.url, options.env ?? process.env);
  const backend = await openBackend(location, {
    ...(options.busyTimeoutMs !== undefined ? { busyTimeoutMs: options.busyTimeoutMs } : {}),
    ...(options.poolSize !== undefined ? { poolSize: options.poolSize } : {}),
  });
  const keys = createKeyStore(
    backend,
    options.keyCacheMs !== undefined ? { cacheMs: options.keyCacheMs } : {},
  );
  const audit = createAuditLog(
    backend,
    options.auditBatchMax !== undefined ? { batchMax: options.auditBatchMax } : {},
  );
  let closing: Promise<void> | undefined;
  return {
    kind: backend.kind,
    location: describeLocation(location),
    db: backend.db,
    keys,
    audit: { append: audit.append, flush: audit.flush, verify: audit.verify, list: audit.list },
    close() {
      closing ??= (async () => {
        try {
          await audit.close();
        } finally {
          await backend.close();
        }
      })();
      return closing;
    },
  };
}
