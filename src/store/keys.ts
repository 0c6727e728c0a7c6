/**
 * API keys. A secret reads `cln_<id>_<secret>`: `id` is 16 hex digits (public, safe to log, the row's
 * primary key), `secret` 32 random bytes in base64url (43 characters). Only SHA-256 of the whole
 * secret is stored; a presented secret is hashed and compared in constant time.
 *
 * SHA-256, not a slow password hash: the secret is 256 random bits, not something a person chose, so
 * there is no dictionary to try and 2^256 guesses to make; a slow hash only adds cost to every
 * request (docs/security.md).
 *
 * `authenticate` runs on every request: a looked-up key (live or revoked) is cached in memory for
 * `cacheMs` (30 s by default). A revocation through the same store object takes effect at once; one
 * made by another process (`clinote keys revoke` while the server runs) within `cacheMs`.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { ClinoteError } from '../errors/error.js';
import type { Backend } from './backend.js';
import type { ApiKeyTable } from './schema.js';
import { type ApiKey, type CreatedKey, type KeyStore, type NewKey, SCOPES, type Scope } from './types.js';

const SECRET = /^cln_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;
const TENANT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const CACHE_MAX = 10_000;

/** The key id of a presented secret, or undefined when it is not of the form `cln_<id>_<secret>`. */
export function keyIdOf(secret: string): string | undefined {
  return typeof secret === 'string' ? SECRET.exec(secret)?.[1] : undefined;
}

const sha256 = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/** Checks and normalises scopes: known, at least one, sorted in SCOPES order, no duplicates. */
export function checkScopes(scopes: readonly string[]): Scope[] {
  if (!Array.isArray(scopes) || scopes.length === 0)
    throw new ClinoteError(
      'CLINOTE_E_STORE_BAD_SCOPE',
      `a key needs at least one scope (${SCOPES.join(', ')})`,
    );
  for (const s of scopes) {
    if (!(SCOPES as readonly string[]).includes(s)) {
      const shown = typeof s === 'string' && /^[\w-]{1,32}$/.test(s) ? `"${s}"` : 'a value';
      throw new ClinoteError(
        'CLINOTE_E_STORE_BAD_SCOPE',
        `${shown} is not a scope: the scopes are ${SCOPES.join(', ')}`,
      );
    }
  }
  return SCOPES.filter((s) => scopes.includes(s));
}

function checkNewKey(input: NewKey): {
  tenant: string;
  scopes: Scope[];
  rate: number | null;
  label: string | null;
} {
  const bad = (field: string, why: string) =>
    new ClinoteError('CLINOTE_E_STORE_BAD_KEY_INPUT', `key ${field}: ${why}`);
  if (typeof input?.tenant !== 'string' || !TENANT.test(input.tenant))
    throw bad('tenant', '1 to 64 letters, digits, ".", "_" or "-", starting with a letter or a digit');
  const scopes = checkScopes(input.scopes);
  const rate = input.rateLimitPerMinute;
  if (rate !== undefined && !(Number.isSafeInteger(rate) && rate > 0 && rate <= 1_000_000_000))
    throw bad('rate limit', 'a positive integer of requests per minute');
  const label = input.label;
  if (
    label !== undefined &&
    (typeof label !== 'string' || label.length > 200 || /[\u0000-\u001f\u007f]/.test(label))
  )
    throw bad('label', 'at most 200 characters, no control characters');
  return { tenant: input.tenant, scopes, rate: rate ?? null, label: label ?? null };
}

function toKey(row: ApiKeyTable): ApiKey {
  return {
    id: row.id,
    tenant: row.tenant,
    scopes: row.scopes.split(',').filter((s): s is Scope => (SCOPES as readonly string[]).includes(s)),
    createdAt: row.created_at,
    ...(row.revoked_at !== null ? { revokedAt: row.revoked_at } : {}),
    ...(row.rate_limit_per_minute !== null ? { rateLimitPerMinute: Number(row.rate_limit_per_minute) } : {}),
    ...(row.label !== null ? { label: row.label } : {}),
  };
}

interface Cached {
  readonly key: ApiKey;
  readonly hash: Buffer;
  readonly until: number;
}

export interface KeyStoreOptions {
  /** How long a looked-up key is trusted without reading the database again (default 30 s; 0: never cached). */
  readonly cacheMs?: number;
  readonly now?: () => number;
}

export function createKeyStore(backend: Backend, options: KeyStoreOptions = {}): KeyStore {
  const cacheMs = options.cacheMs ?? 30_000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, Cached>();

  const remember = (row: ApiKeyTable): Cached => {
    const entry = { key: toKey(row), hash: Buffer.from(row.secret_hash, 'hex'), until: now() + cacheMs };
    if (cacheMs > 0) {
      if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value as string);
      cache.set(row.id, entry);
    }
    return entry;
  };

  return {
    async create(input) {
      const { tenant, scopes, rate, label } = checkNewKey(input);
      const id = randomBytes(8).toString('hex');
      const secret = `cln_${id}_${randomBytes(32).toString('base64url')}`;
      const row: ApiKeyTable = {
        id,
        tenant,
        scopes: scopes.join(','),
        secret_hash: sha256(secret).toString('hex'),
        created_at: new Date().toISOString(),
        revoked_at: null,
        rate_limit_per_minute: rate,
        label,
      };
      await backend.write('creating a key', (tx) => tx.insertInto('api_key').values(row).execute());
      return { key: toKey(row), secret } satisfies CreatedKey;
    },

    async authenticate(secret) {
      const id = keyIdOf(secret);
      if (id === undefined) return undefined;
      let entry = cache.get(id);
      if (entry === undefined || entry.until <= now()) {
        cache.delete(id);
        const row = await backend.run('looking up a key', (db) =>
          db.selectFrom('api_key').selectAll().where('id', '=', id).executeTakeFirst(),
        );
        if (row === undefined) return undefined;
        entry = remember(row);
      }
      const presented = sha256(secret);
      if (entry.hash.length !== presented.length || !timingSafeEqual(entry.hash, presented)) return undefined;
      return entry.key.revokedAt === undefined ? entry.key : undefined;
    },

    async list(tenant) {
      const rows = await backend.run('listing keys', (db) => {
        let q = db.selectFrom('api_key').selectAll();
        if (tenant !== undefined) q = q.where('tenant', '=', tenant);
        return q.orderBy('created_at').orderBy('id').execute();
      });
      return rows.map(toKey);
    },

    async revoke(id) {
      if (typeof id !== 'string' || !/^[0-9a-f]{16}$/.test(id)) return false;
      const found = await backend.write('revoking a key', async (tx) => {
        const row = await tx
          .selectFrom('api_key')
          .select(['id', 'revoked_at'])
          .where('id', '=', id)
          .executeTakeFirst();
        if (row === undefined) return false;
        if (row.revoked_at === null)
          await tx
            .updateTable('api_key')
            .set({ revoked_at: new Date().toISOString() })
            .where('id', '=', id)
            .execute();
        return true;
      });
      cache.delete(id);
      return found;
    },
  };
}
