/**
 * API keys: `Authorization: Bearer <secret>` checked through the store (cached a few seconds, keyed
 * by a hash of the secret, never the secret), scopes per route, a token bucket per key.
 */
import { createHash } from 'node:crypto';
import { ClinoteError } from '../errors/error.js';
import type { ApiKey, KeyStore, Scope } from '../store/types.js';

/** A token bucket: `capacity` tokens, refilled at `perMinute` per minute. */
export class TokenBucket {
  #tokens: number;
  #at: number;
  readonly #capacity: number;
  readonly #perMs: number;

  constructor(perMinute: number, now: number) {
    this.#capacity = perMinute;
    this.#tokens = perMinute;
    this.#perMs = perMinute / 60_000;
    this.#at = now;
  }

  /** Take one token: 0 when granted, else the seconds until one is available. */
  take(now: number): number {
    this.#tokens = Math.min(this.#capacity, this.#tokens + (now - this.#at) * this.#perMs);
    this.#at = now;
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - this.#tokens) / this.#perMs / 1000));
  }
}

export interface Caller {
  readonly tenant: string;
  readonly keyId?: string;
  readonly scopes: readonly Scope[];
}

/** The caller when auth is off (local development). */
export const ANONYMOUS: Caller = { tenant: 'anonymous', scopes: ['extract', 'admin'] };

export interface AuthOptions {
  readonly rateLimitPerMinute: number;
  readonly cacheTtlMs: number;
  readonly now?: () => number;
}

export class Authenticator {
  readonly #keys: KeyStore;
  readonly #o: AuthOptions;
  readonly #cache = new Map<string, { key: ApiKey | undefined; until: number }>();
  readonly #buckets = new Map<string, { bucket: TokenBucket; limit: number }>();
  readonly #now: () => number;

  constructor(keys: KeyStore, options: AuthOptions) {
    this.#keys = keys;
    this.#o = options;
    this.#now = options.now ?? Date.now;
  }

  /** The caller of a request, or a ClinoteError (401, 403, 429, 503) with `retryAfter` for 429. */
  async check(authorization: string | undefined, scope: Scope): Promise<Caller> {
    if (authorization === undefined || authorization === '') {
      throw new ClinoteError(
        'CLINOTE_E_AUTH_MISSING',
        'this route needs an API key (Authorization: Bearer <key>)',
      );
    }
    const m = /^Bearer[ \t]+(\S{1,512})[ \t]*$/i.exec(authorization);
    if (!m) throw new ClinoteError('CLINOTE_E_AUTH_INVALID', 'the Authorization header is not a Bearer key');
    const key = await this.#lookup(m[1] as string);
    if (!key) throw new ClinoteError('CLINOTE_E_AUTH_INVALID', 'the API key is unknown or revoked');
    const caller: Caller = { tenant: key.tenant, keyId: key.id, scopes: key.scopes };
    if (!key.scopes.includes(scope)) {
      throw Object.assign(
        new ClinoteError('CLINOTE_E_AUTH_FORBIDDEN', `this route needs the '${scope}' scope`, { scope }),
        { caller },
      );
    }
    const limit = key.rateLimitPerMinute ?? this.#o.rateLimitPerMinute;
    const now = this.#now();
    let b = this.#buckets.get(key.id);
    if (!b || b.limit !== limit) {
      b = { bucket: new TokenBucket(limit, now), limit };
      this.#buckets.set(key.id, b);
    }
    const wait = b.bucket.take(now);
    if (wait > 0) {
      throw Object.assign(
        new ClinoteError(
          'CLINOTE_E_AUTH_RATE_LIMITED',
          `the key's rate limit (${limit} per minute) is reached`,
          {
            limit,
          },
        ),
        { caller, retryAfter: wait },
      );
    }
    return caller;
  }

  async #lookup(secret: string): Promise<ApiKey | undefined> {
    const h = createHash('sha256').update(secret).digest('base64');
    const now = this.#now();
    const hit = this.#cache.get(h);
    if (hit && hit.until > now) return hit.key;
    let key: ApiKey | undefined;
    try {
      key = await this.#keys.authenticate(secret);
    } catch (e) {
      throw new ClinoteError(
        'CLINOTE_E_SERVER_STORE_UNAVAILABLE',
        'the key store is unavailable',
        {},
        { cause: e },
      );
    }
    if (this.#o.cacheTtlMs > 0) {
      if (this.#cache.size > 10_000) this.#cache.clear();
      this.#cache.set(h, { key, until: now + this.#o.cacheTtlMs });
    }
    return key;
  }
}
