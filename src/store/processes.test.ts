/**
 * Two processes appending to one database keep one valid chain (SQLite: BEGIN IMMEDIATE; PostgreSQL:
 * SELECT ... FOR UPDATE on the head row). The child script is the store bundled by esbuild, run by
 * `node --input-type=module` from the package root (so that its drivers resolve). The children also
 * open the new database at the same time: the migrations run once.
 */
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../resources.js';
import { openStore } from './index.js';
import { pgSkipReason, postgresTestBackend, sqliteTestBackend, type TestBackend } from './testing.js';

const pgSkip = await pgSkipReason();

const CHILD = `
import { openStore } from './index.js';
const [url, tag, n] = [process.env.STORE_URL, process.env.TAG, Number(process.env.N)];
const store = await openStore({ url, auditBatchMax: 20 });
// both children start appending together: the parent creates GO once both are ready
process.stdout.write('ready');
const { existsSync } = await import('node:fs');
while (!existsSync(process.env.GO)) await new Promise((r) => setTimeout(r, 2));
const appends = [];
for (let i = 1; i <= n; i++) {
  appends.push(store.audit.append({ at: new Date().toISOString(), requestId: tag + '-' + i, tenant: tag,
    method: 'POST', route: '/v1/extract', status: 200, notes: 1 }));
  if (i % 10 === 0) await new Promise((r) => setTimeout(r, 2));
}
await Promise.all(appends);
await store.close();
`;

let script = '';

beforeAll(async () => {
  const out = await build({
    stdin: { contents: CHILD, resolveDir: join(packageRoot(), 'src', 'store'), loader: 'ts' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    external: ['better-sqlite3', 'pg', 'kysely'],
    logLevel: 'silent',
  });
  script = out.outputFiles[0]!.text;
});

interface Child {
  readonly ready: Promise<void>;
  readonly done: Promise<void>;
}

function child(url: string, tag: string, n: number, go: string): Child {
  const p = spawn(process.execPath, ['--input-type=module'], {
    cwd: packageRoot(),
    env: { ...process.env, STORE_URL: url, TAG: tag, N: String(n), GO: go },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  p.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const ready = new Promise<void>((resolve) => {
    p.stdout.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) resolve();
    });
  });
  const done = new Promise<void>((resolve, reject) => {
    p.on('error', reject);
    p.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`child ${tag} exited ${code}: ${stderr}`)),
    );
  });
  p.stdin.end(script);
  return { ready: Promise.race([ready, done]), done };
}

const BACKENDS = [
  { name: 'sqlite', make: sqliteTestBackend, skip: false as const },
  { name: 'postgres', make: postgresTestBackend, skip: pgSkip },
];

for (const b of BACKENDS) {
  describe.skipIf(b.skip)(
    `two processes appending, ${b.name}${b.skip ? ` (skipped: ${b.skip})` : ''}`,
    () => {
      let backend: TestBackend;
      beforeAll(async () => {
        // no first open here: the two children create the tables at the same time
        backend = await b.make();
      });
      afterAll(async () => {
        await backend?.dispose();
      });

      it('keeps one valid chain', async () => {
        const n = 400;
        const go = join(backend.dir, 'go');
        const children = [child(backend.url, 'p1', n, go), child(backend.url, 'p2', n, go)];
        await Promise.all(children.map((c) => c.ready));
        await writeFile(go, '');
        await Promise.all(children.map((c) => c.done));
        const store = await openStore({ url: backend.url });
        try {
          expect(await store.audit.verify()).toEqual({ ok: true, checked: 2 * n });
          expect(await store.audit.list({ tenant: 'p1', limit: 1000 })).toHaveLength(n);
          expect(await store.audit.list({ tenant: 'p2', limit: 1000 })).toHaveLength(n);
          // they did interleave: some batch of one process lies between two of the other
          const tenants = (await store.audit.list({ limit: 1000 })).map((r) => r.tenant);
          let switches = 0;
          for (let i = 1; i < tenants.length; i++) if (tenants[i] !== tenants[i - 1]) switches++;
          expect(switches).toBeGreaterThan(1);
        } finally {
          await store.close();
        }
      });
    },
  );
}
