/**
 * Store figures (docs/security.md, "Figures"): not a test, skipped unless CLINOTE_STORE_BENCH=1.
 *
 *   CLINOTE_STORE_BENCH=1 npx vitest run src/store/bench.test.ts
 *
 * Prints audit appends/s (a burst, one at a time, paced at 500/s with latency, two stores on one
 * database), verify records/s and authenticate calls/s, for SQLite (temp dir) and PostgreSQL.
 */
import { describe, it } from 'vitest';
import { openStore } from './index.js';
import { pgSkipReason, postgresTestBackend, sqliteTestBackend, type TestBackend } from './testing.js';
import type { AuditEntry } from './types.js';

const enabled = process.env.CLINOTE_STORE_BENCH === '1';
const pgSkip = enabled ? await pgSkipReason() : 'CLINOTE_STORE_BENCH is not 1';

const entry = (i: number): AuditEntry => ({
  at: new Date().toISOString(),
  requestId: `req-${i}`,
  tenant: 'acme',
  keyId: '0123456789abcdef',
  method: 'POST',
  route: '/v1/extract',
  status: 200,
  pipeline: 'default',
  pipelineVersion: 'sha256:abcdef',
  notes: 1,
  ms: 3.21,
});

const rate = (n: number, t0: number): string => (n / ((performance.now() - t0) / 1000)).toFixed(0);

async function bench(make: () => Promise<TestBackend>): Promise<void> {
  const b = await make();
  const s = await openStore({ url: b.url });
  const s2 = await openStore({ url: b.url });
  const lines: string[] = [`store figures, ${b.kind}`];
  try {
    let n = 20_000;
    let t = performance.now();
    await Promise.all(Array.from({ length: n }, (_, i) => s.audit.append(entry(i))));
    lines.push(`  burst of ${n} appends: ${rate(n, t)} appends/s`);
    n = 1_000;
    t = performance.now();
    for (let i = 0; i < n; i++) await s.audit.append(entry(i));
    lines.push(`  ${n} appends one at a time (a transaction each): ${rate(n, t)} appends/s`);
    const lat: number[] = [];
    const paced: Promise<unknown>[] = [];
    n = 2_000;
    t = performance.now();
    for (let i = 0; i < n; i++) {
      const wait = t + i * 2 - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const t0 = performance.now();
      paced.push(s.audit.append(entry(i)).then(() => lat.push(performance.now() - t0)));
    }
    await Promise.all(paced);
    lat.sort((x, y) => x - y);
    lines.push(
      `  paced at 500/s: ${rate(n, t)} appends/s, append-to-commit p50 ${lat[n / 2]!.toFixed(2)} ms, p99 ${lat[Math.floor(n * 0.99)]!.toFixed(2)} ms`,
    );
    n = 10_000;
    t = performance.now();
    const both: Promise<unknown>[] = [];
    for (let i = 0; i < n; i++) both.push(s.audit.append(entry(i)), s2.audit.append(entry(i)));
    await Promise.all(both);
    lines.push(`  two stores on one database, ${2 * n} appends: ${rate(2 * n, t)} appends/s`);
    t = performance.now();
    const v = await s.audit.verify();
    lines.push(`  verify ${v.checked} records (ok ${v.ok}): ${rate(v.checked, t)} records/s`);
    const { secret } = await s.keys.create({ tenant: 'acme', scopes: ['extract'] });
    await s.keys.authenticate(secret);
    n = 100_000;
    t = performance.now();
    for (let i = 0; i < n; i++) await s.keys.authenticate(secret);
    lines.push(`  authenticate, cached: ${rate(n, t)} calls/s`);
    const uncached = await openStore({ url: b.url, keyCacheMs: 0 });
    n = 2_000;
    t = performance.now();
    for (let i = 0; i < n; i++) await uncached.keys.authenticate(secret);
    lines.push(`  authenticate, not cached (a query each): ${rate(n, t)} calls/s`);
    await uncached.close();
  } finally {
    await s.close();
    await s2.close();
    await b.dispose();
    console.log(lines.join('\n'));
  }
}

describe.skipIf(!enabled)('store figures', () => {
  it('sqlite', () => bench(sqliteTestBackend), 600_000);
  it.skipIf(pgSkip)('postgres', () => bench(postgresTestBackend), 600_000);
});
