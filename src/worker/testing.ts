/**
 * Test helpers for the PostgreSQL queue (not shipped). Every test gets its own database, created
 * and dropped here; tests skip with a message when PostgreSQL is unreachable, except under CI=true.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { distSkipReason } from '../batch/testing.js';
import { packageRoot } from '../resources.js';

export const PG_ADMIN_URL = process.env.CLINOTE_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Why the PostgreSQL tests cannot run here (false: they can). */
export async function pgSkipReason(): Promise<string | false> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (e) {
    return `PostgreSQL unreachable at ${PG_ADMIN_URL} (${e instanceof Error ? e.message : String(e)}): set CLINOTE_TEST_PG`;
  } finally {
    await client.end().catch(() => {});
  }
  return distSkipReason('dist/cli/main.js', ['src/worker', 'src/batch']);
}

export interface TestDb {
  readonly name: string;
  readonly url: string;
  drop(): Promise<void>;
}

export async function createTestDb(): Promise<TestDb> {
  const name = `clinote_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = PG_ADMIN_URL.replace(/\/[^/]*$/, `/${name}`);
  return {
    name,
    url,
    async drop() {
      const a = new pg.Client({ connectionString: PG_ADMIN_URL });
      await a.connect();
      try {
        await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await a.end();
      }
    },
  };
}

/** Drop every connection to `db` but the admin's own (what a PostgreSQL restart does to clients). */
export async function terminateConnections(db: string): Promise<number> {
  const a = new pg.Client({ connectionString: PG_ADMIN_URL });
  await a.connect();
  try {
    const { rows } = await a.query(
      'SELECT pg_terminate_backend(pid) AS t FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [db],
    );
    return rows.length;
  } finally {
    await a.end();
  }
}

/** An NDJSON file of `count` notes (ids n0..), texts taken in turn from examples/notes (synthetic). */
export function writeNotes(dir: string, count: number, prefix = 'n'): string {
  const examples = join(packageRoot(), 'examples', 'notes');
  const texts = readdirSync(examples)
    .filter((f) => f.endsWith('.txt'))
    .sort()
    .map((f) => readFileSync(join(examples, f), 'utf8'));
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    lines.push(JSON.stringify({ id: `${prefix}${i}`, text: texts[i % texts.length] }));
  }
  const path = join(dir, `notes-${prefix}-${count}.ndjson`);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

export interface Spawned {
  readonly child: ChildProcess;
  stderr(): string;
  exited: Promise<number | null>;
}

/** `node dist/cli/main.js ...args` with CLINOTE_DB set. */
export function spawnCli(args: readonly string[], env: Record<string, string> = {}): Spawned {
  const child = spawn(process.execPath, [join(packageRoot(), 'dist', 'cli', 'main.js'), ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  child.stdout?.resume();
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, stderr: () => err, exited };
}

export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
  everyMs = 250,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
