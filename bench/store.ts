/**
 * Store figures (docs/security.md, "Figures"): `npm run bench:store` (builds, then
 * node dist/bench/store.js). A script, never a test: nothing here asserts a time.
 *
 * Prints audit appends/s (a burst, one at a time, paced at 500/s with latency, two stores on one
 * database), verify records/s and authenticate calls/s, for SQLite (a temp folder) and PostgreSQL
 * (a database of its own, created and dropped; CLINOTE_BENCH_PG, default
 * postgres://postgres@127.0.0.1:5432/postgres; skipped with a line when unreachable).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openStore } from '../src/store/index.js';
import type { AuditEntry } from '../src/store/types.js';

const PG_ADMIN = process.env.CLINOTE_BENCH_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres';

interface Backend {
  readonly kind: string;
  readonly url: string;
  dispose(): Promise<void>;
}

async function sqlite(): Promise<Backend> {
  const dir = await mkdtemp(join(tmpdir(), 'clinote-bench-store-'));
  return {
    kind: 'sqlite',
    url: join(dir, 'clinote.db'),
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_ADMIN, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function postgres(): Promise<Backend> {
  const name = `clinote_bench_${randomBytes(6).toString('hex')}`;
  await admin(`create database ${name}`);
  const u = new URL(PG_ADMIN);
  u.pathname = `/${name}`;
  return { kind: 'postgres', url: u.toString(), dispose: () => admin(`drop database if exists ${name}`) };
}

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

async function bench(b: Backend): Promise<void> {
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

await bench(await sqlite());
let pgBackend: Backend | undefined;
try {
  pgBackend = await postgres();
} catch (e) {
  console.log(`store figures, postgres: skipped (${e instanceof Error ? e.message : String(e)})`);
}
if (pgBackend) await bench(pgBackend);
