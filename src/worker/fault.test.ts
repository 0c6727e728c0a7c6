/**
 * Fault tests of the PostgreSQL workers (docs/scale.md, "Failures"): real PostgreSQL, real worker
 * processes (`node dist/cli/main.js worker`). Each test makes its own database and drops it; each
 * ends with every note's result present exactly once per pipeline version. Short expiry (3 s),
 * retry delay (1 s) and maintenance interval (1 s) keep them quick.
 *
 * PostgreSQL restarted mid-run is simulated with pg_terminate_backend of every connection of the
 * test database (the machine's server is shared and is not stopped): the clients see the same
 * broken connections a restart gives them.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PIPELINE, readConfigFile } from '../engine.js';
import { resourcePath } from '../resources.js';
import { createPool, type Pool } from './db.js';
import { choosePipeline } from './pipeline.js';
import { migrate } from './schema.js';
import { runStatus } from './status.js';
import { type SubmitReport, submit } from './submit.js';
import {
  createTestDb,
  pgSkipReason,
  type Spawned,
  spawnCli,
  type TestDb,
  terminateConnections,
  waitFor,
  writeNotes,
} from './testing.js';

const skip = await pgSkipReason();
if (skip && process.env.CI === 'true') throw new Error(`PostgreSQL fault tests must run under CI: ${skip}`);
if (skip) console.warn(`src/worker/fault.test.ts skipped: ${skip}`);

const FAST = ['--poll', '1', '--maintenance', '1'];

interface SubmitFileOptions {
  readonly pipeline?: string;
  readonly source?: string;
  readonly expireSeconds?: number;
}

describe.skipIf(skip !== false)('workers on PostgreSQL: faults', () => {
  let tmp: string;
  let db: TestDb | undefined;
  let pool: Pool | undefined;
  const children: Spawned[] = [];

  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'clinote-fault-'));
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  afterEach(async () => {
    for (const c of children.splice(0)) {
      if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
      await c.exited;
    }
    await pool?.end().catch(() => {});
    pool = undefined;
    await db?.drop();
    db = undefined;
  });

  async function setup(
    count: number,
    submitOptions: SubmitFileOptions = {},
  ): Promise<{ file: string; run: SubmitReport }> {
    db = await createTestDb();
    pool = createPool(db.url, { max: 2 });
    await migrate(pool, db.url);
    const file = writeNotes(tmp, count);
    const run = await submitFile(file, submitOptions);
    return { file, run };
  }

  function submitFile(file: string, o: SubmitFileOptions = {}): Promise<SubmitReport> {
    return submit({
      url: (db as TestDb).url,
      inputs: [file],
      pipeline: choosePipeline(o.pipeline, undefined, {}),
      batchSize: 8,
      // short for the tests that need a job to expire; long for the others (a busy machine makes
      // an 8-note job last seconds, and an expiry there only adds retries and backoff)
      expireSeconds: o.expireSeconds ?? 15,
      retryDelaySeconds: 1,
      retryLimit: 8,
      ...(o.source !== undefined ? { source: o.source } : {}),
    });
  }

  function worker(extra: readonly string[] = [], env: Record<string, string> = {}): Spawned {
    const w = spawnCli(['worker', '--db', (db as TestDb).url, '--workers', '1', ...FAST, ...extra], env);
    children.push(w);
    return w;
  }

  async function pending(runId: string): Promise<number> {
    const [s] = await runStatus(pool as Pool, (db as TestDb).url, runId);
    return s?.pending ?? -1;
  }

  /** Every note of the run has exactly one result for `version`, and nothing else is there. */
  async function expectExactlyOnce(runId: string, version: string, count: number): Promise<void> {
    const { rows } = await (pool as Pool).query<{ results: string; notes: string; missing: string }>(
      `SELECT (SELECT count(*) FROM clinote_results WHERE pipeline_version = $2) AS results,
              (SELECT count(DISTINCT note_key) FROM clinote_results WHERE pipeline_version = $2) AS notes,
              (SELECT count(*) FROM clinote_run_notes rn WHERE rn.run_id = $1 AND NOT EXISTS
                 (SELECT 1 FROM clinote_results r WHERE r.note_key = rn.note_key AND r.pipeline_version = $2)) AS missing`,
      [runId, version],
    );
    expect(rows[0]).toEqual({ results: String(count), notes: String(count), missing: '0' });
  }

  async function stop(w: Spawned): Promise<number | null> {
    w.child.kill('SIGTERM');
    return w.exited;
  }

  it('db migrate is idempotent; a run status and an export of a new run say what is pending', async () => {
    const { run } = await setup(4);
    const again = await migrate(pool as Pool, (db as TestDb).url);
    expect(again.applied).toEqual([]);
    const [s] = await runStatus(pool as Pool, (db as TestDb).url, run.runId);
    expect(s).toMatchObject({ notes: 4, done: 0, failed: 0, pending: 4 });
  });

  it('kill -9 of a worker mid-job: its job expires and another worker does it', async () => {
    const { run } = await setup(40, { expireSeconds: 3 });
    const a = worker([], { CLINOTE_WORKER_TEST: JSON.stringify({ delayMs: 2500 }) });
    // a job is active (claimed, held in the delay) and none is done: kill it there
    await waitFor(
      'a claimed job',
      async () =>
        Number(
          (await (pool as Pool).query("SELECT count(*) AS n FROM pgboss.job WHERE state = 'active'")).rows[0]
            .n,
        ) > 0,
      30_000,
    );
    a.child.kill('SIGKILL');
    await a.exited;
    const b = worker();
    await waitFor('every note done', async () => (await pending(run.runId)) === 0, 45_000, 500);
    expect(await stop(b)).toBe(0);
    await expectExactlyOnce(run.runId, run.pipelineVersion, 40);
    const retried = await (pool as Pool).query('SELECT count(*) AS n FROM clinote_job_log WHERE attempt > 0');
    expect(Number(retried.rows[0].n)).toBeGreaterThan(0);
  });

  it('a worker that hangs past the expiry: another does its job; the late commit is refused', async () => {
    const { run } = await setup(24, { expireSeconds: 3 });
    const a = worker(['--concurrency', '1'], { CLINOTE_WORKER_TEST: JSON.stringify({ hangMs: 7000 }) });
    await waitFor('the hung job', async () => a.stderr().includes('hangs'), 30_000);
    const b = worker();
    await waitFor('every note done', async () => (await pending(run.runId)) === 0, 45_000, 500);
    await waitFor('the late commit', async () => a.stderr().includes('CLINOTE_E_QUEUE_JOB_LOST'), 20_000);
    await Promise.all([stop(a), stop(b)]);
    await expectExactlyOnce(run.runId, run.pipelineVersion, 24);
  });

  it('PostgreSQL connections dropped mid-run (a restart, simulated): the workers reconnect and finish', async () => {
    const { run } = await setup(40);
    const w = worker([], { CLINOTE_WORKER_TEST: JSON.stringify({ delayMs: 400 }) });
    await waitFor(
      'a first job done',
      async () =>
        Number((await (pool as Pool).query('SELECT count(*) AS n FROM clinote_job_log')).rows[0].n) > 0,
      30_000,
    );
    let dropped = 0;
    for (let i = 0; i < 3; i++) {
      await (pool as Pool).end();
      dropped += await terminateConnections((db as TestDb).name);
      pool = createPool((db as TestDb).url, { max: 2 });
      await new Promise((r) => setTimeout(r, 1000));
    }
    expect(dropped).toBeGreaterThan(0);
    await waitFor('every note done', async () => (await pending(run.runId)) === 0, 45_000, 500).catch((e) => {
      throw new Error(`${(e as Error).message}; worker stderr:\n${w.stderr().slice(-3000)}`);
    });
    expect(await stop(w)).toBe(0);
    await expectExactlyOnce(run.runId, run.pipelineVersion, 40);
  });

  it('the same inputs submitted twice: one result per note', async () => {
    const { file, run } = await setup(30);
    const again = await submitFile(file);
    expect(again.stored).toBe(0);
    expect(again.runNotes).toBe(30);
    const w = worker();
    await waitFor(
      'both runs done',
      async () => (await pending(run.runId)) === 0 && (await pending(again.runId)) === 0,
      45_000,
      500,
    );
    // after the first run is done, a third submit enqueues nothing
    const third = await submitFile(file);
    expect(third.enqueued).toBe(0);
    expect(await stop(w)).toBe(0);
    await expectExactlyOnce(run.runId, run.pipelineVersion, 30);
    await expectExactlyOnce(again.runId, run.pipelineVersion, 30);
    // every result went into a monitoring profile once (the window closed when the worker stopped)
    const profiled = await (pool as Pool).query<{ notes: string | null; version: string }>(
      "SELECT sum(notes) AS notes, min(version) AS version FROM monitor_profile WHERE deployment = 'batch'",
    );
    expect(profiled.rows[0]).toEqual({ notes: '30', version: run.pipelineVersion });
  });

  it('two workers with different pipeline versions: one result per note per version', async () => {
    const { file, run } = await setup(24);
    const config = readConfigFile(resourcePath(DEFAULT_PIPELINE)) as { components: { name: string }[] };
    const other = { ...config, components: config.components.filter((c) => c.name !== 'modifiers') };
    const otherPath = join(tmp, 'no-modifiers.json');
    writeFileSync(otherPath, JSON.stringify(other));
    const run2 = await submitFile(file, { pipeline: otherPath });
    expect(run2.pipelineVersion).not.toBe(run.pipelineVersion);
    const a = worker();
    const b = worker(['--pipeline', otherPath]);
    await waitFor(
      'both runs done',
      async () => (await pending(run.runId)) === 0 && (await pending(run2.runId)) === 0,
      45_000,
      500,
    );
    await Promise.all([stop(a), stop(b)]);
    await expectExactlyOnce(run.runId, run.pipelineVersion, 24);
    await expectExactlyOnce(run2.runId, run2.pipelineVersion, 24);
  });

  it('a note that crashes its worker thread is isolated: the other notes of its chunk get results', async () => {
    const { run } = await setup(16);
    const w = worker(['--workers', '2'], { CLINOTE_WORKER_TEST: JSON.stringify({ exitOnNote: 'n5' }) });
    await waitFor('every note done', async () => (await pending(run.runId)) === 0, 45_000, 500);
    expect(await stop(w)).toBe(0);
    await expectExactlyOnce(run.runId, run.pipelineVersion, 16);
    const { rows } = await (pool as Pool).query<{ note_id: string; error_code: string | null }>(
      'SELECT note_id, error_code FROM clinote_results WHERE error_code IS NOT NULL',
    );
    expect(rows).toEqual([{ note_id: 'n5', error_code: 'CLINOTE_E_BATCH_WORKER_FAILED' }]);
  });
});
