import { describe, expect, it } from 'vitest';
import { ClinoteError } from '../errors/error.js';
import type { KeyStore } from '../store/types.js';
import { Authenticator, TokenBucket } from './auth.js';
import { parseServerConfig } from './config.js';
import { memoryStore } from './testing.js';

const codeOf = async (p: Promise<unknown>): Promise<string | undefined> => {
  try {
    await p;
    return undefined;
  } catch (e) {
    return e instanceof ClinoteError ? e.code : 'not a ClinoteError';
  }
};

describe('TokenBucket', () => {
  it('grants the capacity at once, then refills per minute', () => {
    const b = new TokenBucket(60, 0);
    for (let i = 0; i < 60; i++) expect(b.take(0)).toBe(0);
    expect(b.take(0)).toBe(1); // one token a second
    expect(b.take(1000)).toBe(0);
    expect(b.take(1000)).toBeGreaterThan(0);
  });
});

describe('Authenticator', () => {
  it('checks the key, its scope and its rate; caches lookups by a hash of the secret', async () => {
    const store = memoryStore();
    let now = 0;
    const a = new Authenticator(store.keys, { rateLimitPerMinute: 2, cacheTtlMs: 1000, now: () => now });
    const { secret, key } = await store.keys.create({ tenant: 't', scopes: ['extract'] });
    expect(await a.check(`Bearer ${secret}`, 'extract')).toMatchObject({ tenant: 't', keyId: key.id });
    expect(await codeOf(a.check(`Bearer ${secret}`, 'admin'))).toBe('CLINOTE_E_AUTH_FORBIDDEN');
    expect(await codeOf(a.check(`Bearer ${secret}`, 'extract'))).toBeUndefined(); // a 403 took no token
    expect(await codeOf(a.check(`Bearer ${secret}`, 'extract'))).toBe('CLINOTE_E_AUTH_RATE_LIMITED');
    expect(store.authentications).toBe(1);
    now = 60_000;
    await store.keys.revoke(key.id);
    expect(await codeOf(a.check(`Bearer ${secret}`, 'extract'))).toBe('CLINOTE_E_AUTH_INVALID');
    expect(await codeOf(a.check(undefined, 'extract'))).toBe('CLINOTE_E_AUTH_MISSING');
    expect(await codeOf(a.check('Token abc', 'extract'))).toBe('CLINOTE_E_AUTH_INVALID');
  });

  it('a store that fails is a 503, not a 401', async () => {
    const broken: KeyStore = {
      create: () => Promise.reject(new Error('down')),
      authenticate: () => Promise.reject(new Error('connection refused')),
      list: () => Promise.resolve([]),
      revoke: () => Promise.resolve(false),
    };
    const a = new Authenticator(broken, { rateLimitPerMinute: 10, cacheTtlMs: 0 });
    const code = await codeOf(a.check('Bearer cln_x_y', 'extract'));
    expect(code).toBe('CLINOTE_E_SERVER_STORE_UNAVAILABLE');
    expect(new ClinoteError('CLINOTE_E_SERVER_STORE_UNAVAILABLE', 'x').httpStatus).toBe(503);
  });
});

describe('threads', () => {
  it('--threads overrides the config; a pipeline of its own threads keeps them', () => {
    const c = parseServerConfig(
      {
        threads: 4,
        pipelines: {
          a: { name: 'a', components: [{ name: 'normalize' }] },
          b: { config: 'b.json', threads: 3 },
        },
      },
      { threads: 2, threadsOverride: 1 },
    );
    expect(c.pipelines.map((p) => p.threads)).toEqual([1, 3]);
    expect(parseServerConfig({ threads: 4 }, { threads: 2 }).pipelines[0]?.threads).toBe(4);
    expect(parseServerConfig({}, { threads: 2 }).pipelines[0]?.threads).toBe(2);
  });
});
