/**
 * TEST ONLY: an in-memory Store (keys and a hash-chained audit log), for the server's tests and
 * benchmark while no real store is at hand. Secrets are kept as SHA-256 hashes, like the real one.
 */
import { createHash, randomBytes } from 'node:crypto';
import type {
  ApiKey,
  AuditEntry,
  AuditRecord,
  AuditVerdict,
  CreatedKey,
  NewKey,
  Store,
} from '../store/types.js';

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export interface MemoryStore extends Store {
  readonly records: AuditRecord[];
  /** Calls of `keys.authenticate`. */
  authentications: number;
}

export function memoryStore(): MemoryStore {
  const keys = new Map<string, { key: ApiKey; hash: string }>();
  const records: AuditRecord[] = [];
  let n = 0;
  const store: MemoryStore = {
    kind: 'sqlite',
    records,
    authentications: 0,
    keys: {
      async create(input: NewKey): Promise<CreatedKey> {
        const id = `k${(++n).toString(36)}${randomBytes(3).toString('hex')}`;
        const secret = `cln_${id}_${randomBytes(18).toString('base64url')}`;
        const key: ApiKey = {
          id,
          tenant: input.tenant,
          scopes: [...input.scopes],
          createdAt: new Date().toISOString(),
          ...(input.rateLimitPerMinute !== undefined ? { rateLimitPerMinute: input.rateLimitPerMinute } : {}),
          ...(input.label !== undefined ? { label: input.label } : {}),
        };
        keys.set(id, { key, hash: sha256(secret) });
        return { key, secret };
      },
      async authenticate(secret: string): Promise<ApiKey | undefined> {
        store.authentications++;
        const id = /^cln_([a-z0-9]+)_/.exec(secret)?.[1];
        const k = id === undefined ? undefined : keys.get(id);
        if (!k || k.hash !== sha256(secret) || k.key.revokedAt !== undefined) return undefined;
        return k.key;
      },
      async list(tenant?: string): Promise<ApiKey[]> {
        return [...keys.values()]
          .map((k) => k.key)
          .filter((k) => tenant === undefined || k.tenant === tenant);
      },
      async revoke(id: string): Promise<boolean> {
        const k = keys.get(id);
        if (!k) return false;
        k.key = { ...k.key, revokedAt: new Date().toISOString() };
        return true;
      },
    },
    audit: {
      async append(entry: AuditEntry): Promise<AuditRecord> {
        const prevHash = records.at(-1)?.hash ?? '0'.repeat(64);
        const seq = records.length + 1;
        const hash = sha256(`${prevHash}\n${seq}\n${canonical(entry)}`);
        const record: AuditRecord = { ...entry, seq, prevHash, hash };
        records.push(record);
        return record;
      },
      async flush(): Promise<void> {},
      async verify(): Promise<AuditVerdict> {
        let prev = '0'.repeat(64);
        for (const [i, r] of records.entries()) {
          const { seq, prevHash, hash, ...entry } = r;
          if (prevHash !== prev || hash !== sha256(`${prevHash}\n${seq}\n${canonical(entry)}`)) {
            return { ok: false, checked: i + 1, firstBad: seq, reason: 'hash mismatch' };
          }
          prev = hash;
        }
        return { ok: true, checked: records.length };
      },
      async list(options = {}): Promise<AuditRecord[]> {
        const out = records.filter((r) => options.tenant === undefined || r.tenant === options.tenant);
        return options.limit !== undefined ? out.slice(-options.limit) : out;
      },
    },
    async close(): Promise<void> {},
  };
  return store;
}
