import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../store/index.js';
import { pgSkipReason, postgresTestBackend } from '../../store/testing.js';
import type { AuditEntry } from '../../store/types.js';
import { type CliRun, runCliForTest } from '../testing.js';

let dir: string;
let db: string;

const run = (argv: string[]): Promise<CliRun> =>
  runCliForTest(argv, { env: { CLINOTE_HOME: join(dir, 'data'), CLINOTE_STORE: db } });

const entry = (i: number, tenant: string): AuditEntry => ({
  at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
  requestId: `req-${i}`,
  tenant,
  method: 'POST',
  route: '/v1/extract',
  status: 200,
  pipeline: 'default',
  pipelineVersion: 'v1',
  notes: i,
  ms: 2.5,
});

async function fill(url: string, n: number): Promise<void> {
  const store = await openStore({ url });
  try {
    for (let i = 1; i <= n; i++) void store.audit.append(entry(i, i % 2 ? 'odd' : 'even'));
  } finally {
    await store.close();
  }
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'clinote-audit-'));
  db = join(dir, 'store.db');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('clinote audit', () => {
  it('verifies an empty log and a good chain with exit 0', async () => {
    const empty = await run(['audit', 'verify']);
    expect(empty.code, empty.stderr).toBe(0);
    expect(empty.stdout).toMatch(/^audit chain holds: 0 records/);
    await fill(db, 12);
    const ok = await run(['audit', 'verify', '--json']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toEqual({ ok: true, checked: 12 });
  });

  it('exits 1 with the first bad seq when a record was altered in SQL', async () => {
    await fill(db, 12);
    const { default: Database } = await import('better-sqlite3');
    const raw = new Database(db);
    raw.prepare('update audit_record set status = 500 where seq = 7').run();
    raw.close();
    const r = await run(['audit', 'verify']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^audit chain broken at record 7: /);
    expect(r.stderr).toContain('CLINOTE_E_STORE_AUDIT_CHAIN_BROKEN');
    const json = await run(['audit', 'verify', '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, firstBad: 7, checked: 6 });
  });

  it('lists records newest first, by tenant, with a limit', async () => {
    await fill(db, 12);
    const all = await run(['audit', 'list']);
    expect(all.code, all.stderr).toBe(0);
    const lines = all.stdout.trim().split('\n');
    expect(lines[0]).toMatch(
      /^seq +at +tenant +key +method +route +status +notes +pipeline +ms +error +hash$/,
    );
    expect(lines).toHaveLength(13);
    expect(lines[1]).toMatch(
      /^12 +2026-01-01T00:00:12.000Z +even +- +POST +\/v1\/extract +200 +12 +default@v1 +2.5 +- +[0-9a-f]{12}$/,
    );
    const odd = await run(['audit', 'list', '--tenant', 'odd', '--limit', '2', '--json']);
    const records = JSON.parse(odd.stdout) as { seq: number; tenant: string }[];
    expect(records.map((r) => [r.seq, r.tenant])).toEqual([
      [11, 'odd'],
      [9, 'odd'],
    ]);
    const none = await run(['audit', 'list', '--tenant', 'nobody']);
    expect(none.code).toBe(0);
    expect(none.stderr).toContain('no audit record');
    expect((await run(['audit', 'list', '--limit', '0'])).code).toBe(64);
  });
});

const pgSkip = await pgSkipReason();
describe.skipIf(pgSkip)(
  `clinote keys and audit over PostgreSQL${pgSkip ? ` (skipped: ${pgSkip})` : ''}`,
  () => {
    it('creates a key and verifies the audit log in a PostgreSQL store', async () => {
      const pg = await postgresTestBackend();
      try {
        const created = await run([
          'keys',
          'create',
          '--tenant',
          'acme',
          '--scopes',
          'extract',
          '--store',
          pg.url,
          '--json',
        ]);
        expect(created.code, created.stderr).toBe(0);
        await fill(pg.url, 5);
        const ok = await run(['audit', 'verify', '--store', pg.url]);
        expect(ok.code, ok.stderr).toBe(0);
        expect(ok.stdout).toMatch(/^audit chain holds: 5 records \(postgres:\/\//);
        await pg.query('delete from audit_record where seq = 2');
        const bad = await run(['audit', 'verify', '--store', pg.url, '--json']);
        expect(bad.code).toBe(1);
        expect(JSON.parse(bad.stdout)).toMatchObject({ ok: false, firstBad: 2 });
      } finally {
        await pg.dispose();
      }
    });
  },
);
