/**
 * One suite over both backends: SQLite in a temp dir, PostgreSQL in a database of its own (skipped
 * with the reason when PostgreSQL is not reachable, except under CI=true).
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isClinoteError } from '../errors/error.js';
import { GENESIS_HASH, MIGRATIONS, type OpenedStore, openStore, recordHash } from './index.js';
import { pgSkipReason, postgresTestBackend, sqliteTestBackend, type TestBackend } from './testing.js';
import type { AuditEntry } from './types.js';

/** Stands for note text: it must never reach a table. */
const NOTE_CANARY = 'Zebrafinchitis-canary-4f1c';

const pgSkip = await pgSkipReason();
if (pgSkip) console.warn(`store tests: the PostgreSQL half is skipped: ${pgSkip}`);

const entry = (i: number, tenant = 'acme', over: Partial<AuditEntry> = {}): AuditEntry => ({
  at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
  requestId: `req-${i}`,
  tenant,
  keyId: '0123456789abcdef',
  method: 'POST',
  route: '/v1/extract',
  status: 200,
  pipeline: 'default',
  pipelineVersion: 'sha256:abc',
  notes: 1,
  ms: 1.25 + i / 7,
  ...over,
});

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (isClinoteError(e)) return e.code;
    throw e;
  }
  throw new Error('expected a rejection');
}

const BACKENDS: { name: 'sqlite' | 'postgres'; make: () => Promise<TestBackend>; skip: string | false }[] = [
  { name: 'sqlite', make: sqliteTestBackend, skip: false },
  { name: 'postgres', make: postgresTestBackend, skip: pgSkip },
];

for (const b of BACKENDS) {
  describe.skipIf(b.skip)(`store over ${b.name}${b.skip ? ` (skipped: ${b.skip})` : ''}`, () => {
    let backend: TestBackend;
    const open: OpenedStore[] = [];
    const openOne = async (extra: Parameters<typeof openStore>[0] = {}): Promise<OpenedStore> => {
      const s = await openStore({ url: backend.url, ...extra });
      open.push(s);
      return s;
    };

    beforeAll(async () => {
      backend = await b.make();
      const s = await openStore({ url: backend.url });
      await s.close();
    });
    afterAll(async () => {
      await backend?.dispose();
    });
    beforeEach(async () => {
      await backend.reset();
    });
    afterEach(async () => {
      await Promise.all(open.splice(0).map((s) => s.close()));
    });

    it('opens, migrates once, and opens again', async () => {
      const s = await openOne();
      expect(s.kind).toBe(b.name);
      const again = await openOne();
      expect(again.kind).toBe(b.name);
      const names = await backend.query('select name from clinote_migration order by name');
      expect(names.map((r) => r.name)).toEqual(Object.keys(MIGRATIONS).sort());
      expect(names[0]?.name).toBe('0001_keys_and_audit');
    });

    it('creates a key whose secret is printed once and stored only as its SHA-256', async () => {
      const s = await openOne();
      const { key, secret } = await s.keys.create({
        tenant: 'acme',
        scopes: ['admin', 'extract', 'extract'],
        rateLimitPerMinute: 600,
        label: 'intake portal',
      });
      expect(secret).toMatch(/^cln_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
      expect(secret.startsWith(`cln_${key.id}_`)).toBe(true);
      expect(key).toMatchObject({
        tenant: 'acme',
        scopes: ['extract', 'admin'],
        rateLimitPerMinute: 600,
        label: 'intake portal',
      });
      expect(key.revokedAt).toBeUndefined();
      const rows = await backend.query('select * from api_key');
      expect(rows).toHaveLength(1);
      expect(rows[0]!.secret_hash).toBe(createHash('sha256').update(secret).digest('hex'));
      const random = secret.slice(secret.lastIndexOf('_') + 1);
      expect(JSON.stringify(rows)).not.toContain(random.slice(0, 20));
    });

    it('authenticates the right secret and refuses wrong and malformed ones', async () => {
      const s = await openOne();
      const { key, secret } = await s.keys.create({ tenant: 'acme', scopes: ['extract'] });
      expect(await s.keys.authenticate(secret)).toEqual(key);
      expect(await s.keys.authenticate(secret)).toEqual(key); // from the cache
      const other = `cln_${key.id}_${'A'.repeat(43)}`;
      expect(await s.keys.authenticate(other)).toBeUndefined();
      const flipped = secret.slice(0, -1) + (secret.endsWith('A') ? 'B' : 'A');
      expect(await s.keys.authenticate(flipped)).toBeUndefined();
      for (const bad of [
        '',
        'cln_',
        `${secret}x`,
        secret.slice(0, -1),
        `Bearer ${secret}`,
        `cln_${'0'.repeat(16)}_${'A'.repeat(43)}`,
        'cln_ZZ_x',
        `${secret}\n`,
      ])
        expect(await s.keys.authenticate(bad), JSON.stringify(bad)).toBeUndefined();
      expect(await s.keys.authenticate(undefined as unknown as string)).toBeUndefined();
    });

    it('revokes at once in this process, and lists keys by tenant', async () => {
      const s = await openOne();
      const a = await s.keys.create({ tenant: 'acme', scopes: ['extract'] });
      const b2 = await s.keys.create({ tenant: 'beta', scopes: ['extract', 'admin'] });
      expect(await s.keys.authenticate(a.secret)).toBeDefined();
      expect(await s.keys.revoke(a.key.id)).toBe(true);
      expect(await s.keys.authenticate(a.secret)).toBeUndefined();
      expect(await s.keys.revoke(a.key.id)).toBe(true); // already revoked: still a key
      expect(await s.keys.revoke('0000000000000000')).toBe(false);
      expect(await s.keys.revoke('not an id')).toBe(false);
      expect(await s.keys.authenticate(b2.secret)).toEqual(b2.key);
      const acme = await s.keys.list('acme');
      expect(acme.map((k) => k.id)).toEqual([a.key.id]);
      expect(acme[0]!.revokedAt).toMatch(/^\d{4}-/);
      expect((await s.keys.list('beta')).map((k) => k.id)).toEqual([b2.key.id]);
      expect((await s.keys.list()).map((k) => k.id).sort()).toEqual([a.key.id, b2.key.id].sort());
      expect(await s.keys.list('nobody')).toEqual([]);
    });

    it('sees a revocation by another process within the key cache time', async () => {
      const admin = await openOne();
      const server = await openOne({ keyCacheMs: 60_000 });
      const uncached = await openOne({ keyCacheMs: 0 });
      const { secret, key } = await admin.keys.create({ tenant: 'acme', scopes: ['extract'] });
      expect(await server.keys.authenticate(secret)).toBeDefined();
      expect(await uncached.keys.authenticate(secret)).toBeDefined();
      await admin.keys.revoke(key.id);
      expect(await server.keys.authenticate(secret)).toBeDefined(); // cached: documented, up to keyCacheMs
      expect(await uncached.keys.authenticate(secret)).toBeUndefined();
    });

    it('refuses bad scopes, tenants, rate limits and labels with codes', async () => {
      const s = await openOne();
      expect(await codeOf(s.keys.create({ tenant: 'acme', scopes: [] }))).toBe('CLINOTE_E_STORE_BAD_SCOPE');
      expect(await codeOf(s.keys.create({ tenant: 'acme', scopes: ['root' as 'admin'] }))).toBe(
        'CLINOTE_E_STORE_BAD_SCOPE',
      );
      expect(await codeOf(s.keys.create({ tenant: '', scopes: ['extract'] }))).toBe(
        'CLINOTE_E_STORE_BAD_KEY_INPUT',
      );
      expect(await codeOf(s.keys.create({ tenant: 'a b', scopes: ['extract'] }))).toBe(
        'CLINOTE_E_STORE_BAD_KEY_INPUT',
      );
      expect(
        await codeOf(s.keys.create({ tenant: 'acme', scopes: ['extract'], rateLimitPerMinute: 0 })),
      ).toBe('CLINOTE_E_STORE_BAD_KEY_INPUT');
      expect(
        await codeOf(s.keys.create({ tenant: 'acme', scopes: ['extract'], label: 'x'.repeat(201) })),
      ).toBe('CLINOTE_E_STORE_BAD_KEY_INPUT');
      expect(await s.keys.list()).toEqual([]);
    });

    it('appends chained records and verifies the chain', async () => {
      const s = await openOne();
      const records = await Promise.all(Array.from({ length: 50 }, (_, i) => s.audit.append(entry(i + 1))));
      expect(records.map((r) => r.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      expect(records[0]!.prevHash).toBe(GENESIS_HASH);
      for (let i = 1; i < records.length; i++) expect(records[i]!.prevHash).toBe(records[i - 1]!.hash);
      const { seq, prevHash, hash, ...first } = records[0]!;
      expect(hash).toBe(recordHash(prevHash, seq, first));
      expect(await s.audit.verify()).toEqual({ ok: true, checked: 50 });
      const more = await s.audit.append(
        entry(51, 'acme', { status: 422, errorCode: 'CLINOTE_E_INPUT_MISSING_FIELD', notes: 0 }),
      );
      expect(more.seq).toBe(51);
      expect(await s.audit.verify()).toEqual({ ok: true, checked: 51 });
    });

    it('lists records newest first, with a limit, by tenant', async () => {
      const s = await openOne();
      for (let i = 1; i <= 10; i++) void s.audit.append(entry(i, i % 2 === 0 ? 'even' : 'odd'));
      await s.audit.flush();
      const all = await s.audit.list();
      expect(all.map((r) => r.seq)).toEqual([10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
      const even = await s.audit.list({ tenant: 'even', limit: 3 });
      expect(even.map((r) => r.seq)).toEqual([10, 8, 6]);
      expect(even.every((r) => r.tenant === 'even')).toBe(true);
      expect(await s.audit.list({ tenant: 'nobody' })).toEqual([]);
      // what was appended is what is listed, fields and numbers exactly
      const [ten] = await s.audit.list({ limit: 1 });
      expect(ten).toMatchObject(entry(10, 'even'));
    });

    it('refuses an entry with a field it does not have (note text), naming the field and not the value', async () => {
      const s = await openOne();
      await s.audit.append(entry(1));
      const withText = { ...entry(2), text: `${NOTE_CANARY} for two days` } as AuditEntry;
      let message = '';
      try {
        await s.audit.append(withText);
      } catch (e) {
        expect(isClinoteError(e) && e.code).toBe('CLINOTE_E_STORE_AUDIT_ENTRY_INVALID');
        message = (e as Error).message;
      }
      expect(message).toContain('"text"');
      expect(message).not.toContain(NOTE_CANARY);
      const bads: unknown[] = [
        { ...entry(3), body: NOTE_CANARY },
        { ...entry(3), requestId: undefined },
        { ...entry(3), route: `/v1/extract?q=${NOTE_CANARY}` },
        { ...entry(3), tenant: NOTE_CANARY.repeat(10) },
        { ...entry(3), status: 'ok' },
        { ...entry(3), notes: -1 },
        { ...entry(3), at: 'yesterday' },
        { ...entry(3), pipeline: `a\n${NOTE_CANARY}` },
        null,
        [],
      ];
      for (const bad of bads)
        expect(await codeOf(s.audit.append(bad as AuditEntry)), JSON.stringify(bad)).toBe(
          'CLINOTE_E_STORE_AUDIT_ENTRY_INVALID',
        );
      // optional fields set to undefined are fine (and not stored)
      const r = await s.audit.append({
        ...entry(4),
        keyId: undefined,
        ms: undefined,
      } as unknown as AuditEntry);
      expect(r.seq).toBe(2);
      expect('keyId' in r).toBe(false);
      expect(await s.audit.verify()).toEqual({ ok: true, checked: 2 });
    });

    it('keeps no canary in any table: keys, labels aside, and refused audit entries', async () => {
      const s = await openOne();
      await s.keys.create({ tenant: 'acme', scopes: ['extract'], label: 'intake portal' });
      for (let i = 1; i <= 5; i++) await s.audit.append(entry(i));
      await s.audit.append({ ...entry(6), text: NOTE_CANARY } as AuditEntry).catch(() => {});
      await s.audit
        .append({ ...entry(7), note: { text: NOTE_CANARY } } as unknown as AuditEntry)
        .catch(() => {});
      await s.audit.flush();
      for (const table of ['api_key', 'audit_record', 'audit_head', 'clinote_migration']) {
        const rows = await backend.query(`select * from ${table}`);
        expect(JSON.stringify(rows), table).not.toContain(NOTE_CANARY);
      }
      expect(await s.audit.verify()).toEqual({ ok: true, checked: 5 });
    });

    it('detects an altered record at its seq', async () => {
      const s = await openOne();
      for (let i = 1; i <= 10; i++) void s.audit.append(entry(i));
      await s.audit.flush();
      await backend.query('update audit_record set status = 500 where seq = 3');
      const v = await s.audit.verify();
      expect(v).toMatchObject({ ok: false, firstBad: 3, checked: 2 });
      expect(v.reason).toMatch(/altered/);
    });

    it('detects an altered record whose hash was recomputed, at the next seq', async () => {
      const s = await openOne();
      for (let i = 1; i <= 10; i++) void s.audit.append(entry(i));
      await s.audit.flush();
      const [row] = await s.audit
        .list({ limit: 1, tenant: 'acme' })
        .then(() => s.audit.list({ limit: 10 }))
        .then((all) => all.filter((r) => r.seq === 4));
      const { seq, prevHash, hash: _h, ...e } = row!;
      const forged = recordHash(prevHash, seq, { ...e, status: 204 });
      await backend.query('update audit_record set status = 204, hash = $1 where seq = 4', [forged]);
      expect(await s.audit.verify()).toMatchObject({ ok: false, firstBad: 5 });
    });

    it('detects a deleted record, a truncated tail and an inserted record', async () => {
      const s = await openOne();
      for (let i = 1; i <= 10; i++) void s.audit.append(entry(i));
      await s.audit.flush();
      await backend.query('delete from audit_record where seq = 5');
      const v = await s.audit.verify();
      expect(v).toMatchObject({ ok: false, firstBad: 5, checked: 4 });
      expect(v.reason).toMatch(/missing/);

      await backend.reset();
      for (let i = 1; i <= 10; i++) void s.audit.append(entry(i));
      await s.audit.flush();
      await backend.query('delete from audit_record where seq >= 9');
      expect(await s.audit.verify()).toMatchObject({ ok: false, firstBad: 9, checked: 8 });

      await backend.reset();
      for (let i = 1; i <= 3; i++) void s.audit.append(entry(i));
      await s.audit.flush();
      const rows = await backend.query('select * from audit_record where seq = 3');
      const r3 = rows[0]!;
      await backend.query(
        'insert into audit_record (seq, prev_hash, hash, at, request_id, tenant, method, route, status, notes) values (4, $1, $2, $3, $4, $5, $6, $7, $8, $9)',
        [r3.hash, 'f'.repeat(64), r3.at, 'forged', 'acme', 'GET', '/v1/pipelines', 200, 0],
      );
      expect(await s.audit.verify()).toMatchObject({ ok: false, firstBad: 4 });
    });

    it('keeps one valid chain with two stores appending concurrently on one database', async () => {
      const a = await openOne({ auditBatchMax: 50 });
      const c = await openOne({ auditBatchMax: 50 });
      const n = 300;
      const appends: Promise<unknown>[] = [];
      for (let i = 1; i <= n; i++) {
        appends.push(a.audit.append(entry(i, 'from-a')));
        appends.push(c.audit.append(entry(i, 'from-c')));
        if (i % 50 === 0) await new Promise((r) => setImmediate(r));
      }
      const records = (await Promise.all(appends)) as { seq: number }[];
      const seqs = records.map((r) => r.seq).sort((x, y) => x - y);
      expect(seqs).toEqual(Array.from({ length: 2 * n }, (_, i) => i + 1));
      expect(await a.audit.verify()).toEqual({ ok: true, checked: 2 * n });
      expect(await c.audit.verify()).toEqual({ ok: true, checked: 2 * n });
      expect(await a.audit.list({ tenant: 'from-c', limit: 1000 })).toHaveLength(n);
    });

    it('writes what is buffered on close, and refuses appends after', async () => {
      const s = await openOne();
      const pending = Array.from({ length: 20 }, (_, i) => s.audit.append(entry(i + 1)));
      await s.close();
      expect((await Promise.all(pending)).map((r) => r.seq).at(-1)).toBe(20);
      expect(await codeOf(s.audit.append(entry(21)))).toBe('CLINOTE_E_STORE_CLOSED');
      const again = await openOne();
      expect(await again.audit.verify()).toEqual({ ok: true, checked: 20 });
    });

    it.runIf(b.name === 'postgres')(
      'survives lost connections: a code at worst, then a new connection',
      async () => {
        const s = await openOne();
        await s.audit.append(entry(1));
        await backend.query(
          'select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
        );
        await new Promise((r) => setTimeout(r, 100));
        const second = await s.audit.append(entry(2)).then(
          () => 'appended',
          (e: unknown) => (isClinoteError(e) ? e.code : String(e)),
        );
        expect(['appended', 'CLINOTE_E_STORE_QUERY_FAILED']).toContain(second);
        await s.audit.append(entry(3));
        expect(await s.audit.verify()).toMatchObject({ ok: true });
      },
    );

    it('refuses a database that a newer Clinote migrated', async () => {
      const s = await openOne();
      await s.close();
      await backend.query(
        b.name === 'sqlite'
          ? "insert into clinote_migration (name, timestamp) values ('9999_future', '2030-01-01T00:00:00.000Z')"
          : "insert into clinote_migration (name, timestamp) values ('9999_future', '2030-01-01T00:00:00.000Z')",
      );
      try {
        expect(await codeOf(openStore({ url: backend.url }))).toBe('CLINOTE_E_STORE_SCHEMA_TOO_NEW');
      } finally {
        await backend.query("delete from clinote_migration where name = '9999_future'");
      }
    });
  });
}

describe('store locations and open errors', () => {
  it('refuses an unknown URL scheme', async () => {
    expect(await codeOf(openStore({ url: 'mysql://root:pw@localhost/db' }))).toBe('CLINOTE_E_STORE_BAD_URL');
  });

  it('reports an unreachable PostgreSQL without its password', async () => {
    try {
      await openStore({ url: 'postgres://u:hunter2@127.0.0.1:1/clinote' });
      expect.unreachable();
    } catch (e) {
      expect(isClinoteError(e) && e.code).toBe('CLINOTE_E_STORE_UNREACHABLE');
      expect((e as Error).message).not.toContain('hunter2');
    }
  });

  it('reports a SQLite file that cannot be created', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'clinote-store-'));
    try {
      await writeFile(join(dir, 'a-file'), '');
      // a folder under a file: ENOTDIR
      expect(await codeOf(openStore({ url: join(dir, 'a-file', 'clinote.db') }))).toBe(
        'CLINOTE_E_STORE_UNREACHABLE',
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('opens a new SQLite file from three stores at once (the migration runs once)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'clinote-store-'));
    try {
      const url = join(dir, 'clinote.db');
      const stores = await Promise.all([openStore({ url }), openStore({ url }), openStore({ url })]);
      await Promise.all(stores.map((s, i) => s.audit.append(entry(i + 1))));
      expect(await stores[0]!.audit.verify()).toEqual({ ok: true, checked: 3 });
      await Promise.all(stores.map((s) => s.close()));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('opens an in-memory SQLite store', async () => {
    const s = await openStore({ url: ':memory:' });
    await s.audit.append(entry(1));
    expect(await s.audit.verify()).toEqual({ ok: true, checked: 1 });
    await s.close();
  });
});
