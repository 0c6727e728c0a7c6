/**
 * `clinote worker`: claim jobs from the queue of this worker's pipeline version, run their notes
 * (on a pool of worker threads, or on this thread), and write one result row per note with an
 * idempotent insert keyed by (note key, pipeline version), in the transaction that completes the
 * job. docs/scale.md gives the exactly-once argument; in short:
 *
 * - a job is claimed by one worker at a time (pg-boss: `FOR UPDATE SKIP LOCKED`);
 * - the commit first locks the job row and checks it is still this worker's claim (state `active`
 *   and the same `retry_count`, which pg-boss raises on every new claim): a worker whose job expired
 *   and went to another worker writes nothing (CLINOTE_E_QUEUE_JOB_LOST);
 * - the results and the completion are one transaction: either both or neither;
 * - the results insert is `ON CONFLICT DO NOTHING` on (note key, pipeline version): a note done
 *   under another job (the same note submitted twice) is not written twice.
 *
 * A job that fails (the process dies, hangs, loses PostgreSQL) stays `active` until its expiry;
 * pg-boss's maintenance (run by every worker) puts it back with an exponential backoff, and after
 * its retries into the dead-letter queue. Per-note errors are result rows with their code.
 */
import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import PgBoss from 'pg-boss';
import type { BatchRecord, RecordOptions } from '../batch/records.js';
import { type ChunkEngine, runBatch } from '../batch/runner.js';
import type { ResultSink } from '../batch/sink.js';
import { memorySource } from '../batch/source.js';
import type { WorkerTestOptions } from '../batch/wire.js';
import { loadPipeline } from '../engine.js';
import type { NoteInput, Pipeline } from '../pipeline/pipeline.js';
import {
  bossDb,
  createPool,
  dbError,
  isConnectionError,
  type Pool,
  type PoolClient,
  transaction,
} from './db.js';
import type { PipelineChoice } from './pipeline.js';
import { checkSchema, DEAD_LETTER_QUEUE, queueName } from './schema.js';

/** TEST ONLY (env CLINOTE_WORKER_TEST, JSON): make a worker slow, hang, or crash a thread. */
export interface WorkerProcessTestHooks {
  /** Wait this long before committing every job (a job stays active: kill -9 lands mid-job). */
  readonly delayMs?: number;
  /** Hang this long (the event loop stays free) before committing the first `hangJobs` jobs (default 1). */
  readonly hangMs?: number;
  readonly hangJobs?: number;
  /** Passed to the thread pool: a thread exits on this note (a note that crashes its thread). */
  readonly exitOnNote?: string;
}

/** The test hooks of CLINOTE_WORKER_TEST, read only when it is set (tests). */
export function testHooksFromEnv(
  env: Readonly<Record<string, string | undefined>>,
): WorkerProcessTestHooks | undefined {
  const raw = env.CLINOTE_WORKER_TEST;
  if (raw === undefined || raw === '') return undefined;
  return JSON.parse(raw) as WorkerProcessTestHooks;
}

export interface WorkerOptions {
  readonly url: string;
  readonly pipeline: PipelineChoice;
  /** Worker threads; 0 or 1: this thread. */
  readonly threads: number;
  /** Jobs in flight at once (default 2: one runs while the other is read or written). */
  readonly concurrency?: number;
  /** Seconds between polls of an empty queue (default 1; at least 0.5). */
  readonly pollSeconds?: number;
  /** Seconds between pg-boss maintenance runs (expiry of dead workers' jobs; default 30). */
  readonly maintenanceSeconds?: number;
  /** Stop after this many seconds without a job (default: never). */
  readonly idleExitSeconds?: number;
  /** Stop (finish the jobs in hand, claim no more). */
  readonly signal?: AbortSignal;
  /** One line per job and per event: ids, counts, codes, times. */
  readonly log?: (line: string) => void;
  readonly test?: WorkerProcessTestHooks;
  /**
   * Profile the results per window (docs/monitoring.md), in the Clinote store tables of the same
   * database (deployment `batch`, the pipeline version, tenant `batch`); default 300-s windows;
   * false: off.
   */
  readonly monitoring?: { readonly windowSeconds: number } | false;
}

export interface WorkerReport {
  readonly pipelineVersion: string;
  readonly jobs: number;
  readonly notes: number;
  readonly written: number;
  readonly errors: number;
  readonly skipped: number;
  readonly lost: number;
  readonly seconds: number;
  /** Seconds in PostgreSQL statements (reading notes, writing results), summed over slots. */
  readonly dbSeconds: number;
  /** Seconds running notes, summed over slots. */
  readonly runSeconds: number;
  /** CPU seconds of this process, every thread (user + system). */
  readonly cpuSeconds: number;
}

interface JobData {
  readonly run: string;
  readonly version: string;
  readonly notes: readonly number[];
}

interface NoteRow {
  key: string;
  note_id: string;
  text: string;
  metadata: { meta?: NoteInput['meta']; flags?: NoteInput['flags']; byteLength?: number } | null;
}

/** CPU seconds (user + system, every thread) since `from`. */
export function cpuSecondsSince(from: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1e6;
}

/** Retry `fn` while PostgreSQL is unreachable or a transaction is rolled back by a conflict. */
async function retrying<T>(fn: () => Promise<T>, attempts = 7): Promise<T> {
  let wait = 250;
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      const transient = isConnectionError(e) || code === '40001' || code === '40P01' || code === '55P03';
      if (!transient || i >= attempts) throw e;
      await sleep(wait);
      wait = Math.min(wait * 2, 4000);
    }
  }
}

function collectSink(): ResultSink & { records: BatchRecord[] } {
  const records: BatchRecord[] = [];
  return {
    records,
    open() {},
    write(record) {
      records.push(record);
    },
    close() {},
    abort() {},
  };
}

const WORKER_FAILED = 'CLINOTE_E_BATCH_WORKER_FAILED';

/**
 * Run notes, one record each in order. On a pool, a thread that dies fails its whole chunk
 * (CLINOTE_E_BATCH_WORKER_FAILED): those notes run again one by one, so only the note that crashes
 * its thread keeps the error and the others get their results. Returns the records and how many
 * notes were run again alone.
 */
export async function runNotes(
  notes: readonly NoteInput[],
  engine: Pipeline | ChunkEngine,
  records: RecordOptions = {},
): Promise<{ records: BatchRecord[]; isolated: number }> {
  const sink = collectSink();
  await runBatch(memorySource(notes), sink, engine, { records });
  const out = sink.records;
  const failed = out.flatMap((r, i) => (r.type === 'error' && r.code === WORKER_FAILED ? [i] : []));
  if (failed.length <= 1 || !('threads' in engine)) return { records: out, isolated: 0 };
  await Promise.all(
    failed.map(async (i) => {
      const alone = collectSink();
      await runBatch(memorySource([notes[i] as NoteInput]), alone, engine, { records });
      out[i] = alone.records[0] as BatchRecord;
    }),
  );
  return { records: out, isolated: failed.length };
}

const LOAD_NOTES = `
  SELECT n.key, n.note_id, n.text, n.metadata FROM clinote_notes n
  WHERE n.key = ANY($1::bigint[])
    AND NOT EXISTS (SELECT 1 FROM clinote_results r WHERE r.note_key = n.key AND r.pipeline_version = $2)
  ORDER BY n.key`;

/**
 * The results of a job as one multi-row INSERT, one parameter per value: a body is sent as it is
 * (an array parameter would be escaped into one array literal and parsed again by the server).
 */
function insertResults(count: number): string {
  const rows: string[] = [];
  for (let i = 0; i < count; i++) {
    const p = 4 + i * 4;
    rows.push(`($${p}::bigint, $1, $2::uuid, $3::uuid, $${p + 1}, $${p + 2}, $${p + 3})`);
  }
  return `INSERT INTO clinote_results (note_key, pipeline_version, run_id, job_id, note_id, error_code, body)
    VALUES ${rows.join(', ')} ON CONFLICT (note_key, pipeline_version) DO NOTHING`;
}

export async function runWorker(options: WorkerOptions): Promise<WorkerReport> {
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  const { url, signal } = options;
  const log = options.log ?? (() => {});
  const concurrency = Math.max(1, options.concurrency ?? 2);
  const test = options.test;
  const name = `${hostname()}:${process.pid}`;

  let engine: Pipeline | ChunkEngine;
  let closeEngine = async (): Promise<void> => {};
  if (options.threads > 1) {
    const { WorkerPool } = await import('../batch/pool.js');
    const poolTest: WorkerTestOptions | undefined =
      test?.exitOnNote !== undefined ? { exitOnNote: test.exitOnNote } : undefined;
    const p = await WorkerPool.start(options.pipeline.load, {
      threads: options.threads,
      ...(poolTest ? { test: poolTest } : {}),
    });
    engine = p;
    closeEngine = () => p.close();
  } else {
    engine = await loadPipeline(options.pipeline.load);
  }
  const pipeline = 'threads' in engine ? engine.pipeline : engine;
  const version = pipeline.stamp.version;
  const queue = queueName(version);

  // results feed monitoring profiles in the store's tables of the same database (docs/monitoring.md)
  let monitor: import('../monitoring/live.js').LiveMonitor | undefined;
  let monitorStore: import('../store/index.js').OpenedStore | undefined;
  const monitorKey = { deployment: 'batch', version, tenant: 'batch' };
  if (options.monitoring !== false) {
    const { openStore } = await import('../store/index.js');
    const { LiveMonitor } = await import('../monitoring/live.js');
    monitorStore = await openStore({ url });
    monitor = new LiveMonitor(
      { windowMs: (options.monitoring?.windowSeconds ?? 300) * 1000, drift: {} },
      { store: monitorStore, hooks: { onError: (what, code) => log(`${what} (${code})`) } },
    );
    monitor.start();
  }
  const pool: Pool = createPool(url, { max: concurrency + 1, name: 'clinote-worker' });
  const boss = new PgBoss({
    connectionString: url,
    application_name: 'clinote-worker-boss',
    max: 2,
    schedule: false,
    migrate: false,
    supervise: true,
    maintenanceIntervalSeconds: Math.max(1, Math.round(options.maintenanceSeconds ?? 30)),
  });
  let bossErrors = 0;
  boss.on('error', (e) => {
    // a lost connection during maintenance: pg-boss tries again at its next interval
    if (bossErrors++ < 5 || bossErrors % 100 === 0) log(`queue: ${dbError(e, url, 'pg-boss').message}`);
  });

  const totals = { jobs: 0, notes: 0, written: 0, errors: 0, skipped: 0, lost: 0, dbMs: 0, runMs: 0 };
  let hangs = test?.hangMs !== undefined ? (test.hangJobs ?? 1) : 0;

  const timed = async <T>(fn: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    try {
      return await retrying(fn);
    } finally {
      totals.dbMs += performance.now() - t;
    }
  };

  /** Lock the job row; true when it is still this claim (active, same retry count). */
  const holds = async (client: PoolClient, job: PgBoss.JobWithMetadata<JobData>): Promise<boolean> => {
    const held = await client.query<{ state: string; retry_count: number }>(
      'SELECT state, retry_count FROM pgboss.job WHERE name = $1 AND id = $2 FOR UPDATE',
      [queue, job.id],
    );
    const row = held.rows[0];
    return row !== undefined && row.state === 'active' && row.retry_count === job.retryCount;
  };

  /** Fail the job (pg-boss retries it with its backoff, then dead-letters it), if it is still ours. */
  const release = (job: PgBoss.JobWithMetadata<JobData>, code: string): Promise<void> =>
    transaction(pool, async (client) => {
      if (await holds(client, job)) await boss.fail(queue, job.id, { code }, { db: bossDb(client) });
    });

  const processJob = async (job: PgBoss.JobWithMetadata<JobData>): Promise<void> => {
    const t0 = performance.now();
    const startedOn = new Date();
    const data = job.data;
    if (data.version !== version) {
      log(`job ${job.id}: CLINOTE_E_QUEUE_VERSION_MISMATCH (job ${data.version}, worker ${version})`);
      await release(job, 'CLINOTE_E_QUEUE_VERSION_MISMATCH').catch(() => {});
      return;
    }
    const rows = await timed(async () => (await pool.query<NoteRow>(LOAD_NOTES, [data.notes, version])).rows);
    const notes: NoteInput[] = rows.map((r) => ({
      id: r.note_id,
      text: r.text,
      ...(r.metadata?.meta !== undefined ? { meta: r.metadata.meta } : {}),
      ...(r.metadata?.flags !== undefined ? { flags: r.metadata.flags } : {}),
      ...(r.metadata?.byteLength !== undefined ? { byteLength: r.metadata.byteLength } : {}),
    }));
    const t1 = performance.now();
    const { records, isolated } = await runNotes(notes, engine, monitor ? { observe: true } : {});
    totals.runMs += performance.now() - t1;
    if (test?.delayMs !== undefined) await sleep(test.delayMs);
    if (hangs > 0 && test?.hangMs !== undefined) {
      hangs--;
      log(`test: job ${job.id} hangs ${test.hangMs} ms`);
      await sleep(test.hangMs);
    }
    const keys = rows.map((r) => r.key);
    const errors = records.filter((r) => r.type === 'error').length;
    const outcome = await timed(() =>
      transaction(pool, async (client) => {
        if (!(await holds(client, job))) return { lost: true, written: 0 };
        let written = 0;
        if (records.length > 0) {
          const values: unknown[] = [version, data.run, job.id];
          records.forEach((r, i) => {
            values.push(keys[i], r.id, r.type === 'error' ? r.code : null, r.body.json);
          });
          written = (await client.query(insertResults(records.length), values)).rowCount ?? 0;
        }
        await client.query(
          `INSERT INTO clinote_job_log (job_id, attempt, run_id, pipeline_version, worker, notes, written, skipped, errors, isolated, started_on)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING`,
          [
            job.id,
            job.retryCount,
            data.run,
            version,
            name,
            notes.length,
            written,
            data.notes.length - notes.length,
            errors,
            isolated,
            startedOn,
          ],
        );
        await boss.complete(queue, job.id, { notes: notes.length, written, errors }, { db: bossDb(client) });
        return { lost: false, written };
      }),
    );
    totals.jobs++;
    if (monitor && !outcome.lost) {
      for (const r of records) {
        if (r.type === 'result' && r.observation) monitor.observe(monitorKey, r.observation);
        else if (r.type === 'error') monitor.observeError(monitorKey, r.code);
      }
    }
    if (outcome.lost) {
      totals.lost++;
      log(
        `job ${job.id}: CLINOTE_E_QUEUE_JOB_LOST: it expired and went to another worker; this attempt's results dropped`,
      );
      return;
    }
    totals.notes += notes.length;
    totals.written += outcome.written;
    totals.errors += errors;
    totals.skipped += data.notes.length - notes.length;
    log(
      `job ${job.id} run ${data.run}: ${notes.length} notes, ${outcome.written} written, ${errors} errors` +
        `${isolated > 0 ? `, ${isolated} run again alone` : ''}${data.notes.length > notes.length ? `, ${data.notes.length - notes.length} already done` : ''}` +
        ` in ${Math.round(performance.now() - t0)} ms`,
    );
  };

  let lastJob = performance.now();
  const pollMs = Math.max(500, Math.round((options.pollSeconds ?? 1) * 1000));
  const stopped = (): boolean => signal?.aborted === true;
  const idleOver = (): boolean =>
    options.idleExitSeconds !== undefined && performance.now() - lastJob > options.idleExitSeconds * 1000;

  const slot = async (): Promise<void> => {
    while (!stopped() && !idleOver()) {
      const jobs = (await boss
        .fetch<JobData>(queue, { batchSize: 1, includeMetadata: true })
        .catch(() => [])) as PgBoss.JobWithMetadata<JobData>[];
      const job = jobs[0];
      if (job === undefined) {
        await sleep(pollMs, undefined, signal ? { signal } : {}).catch(() => {});
        continue;
      }
      lastJob = performance.now();
      try {
        await processJob(job);
      } catch (e) {
        const err = dbError(e, url, `job ${job.id}`);
        log(`job ${job.id}: ${err.code}: ${err.message} (left to expire and retry)`);
        // hand the job back (retry with backoff) if it is still ours and PostgreSQL answers
        await release(job, err.code).catch(() => {});
      }
      lastJob = performance.now();
    }
  };

  try {
    try {
      await checkSchema(pool, url);
      await boss.start();
      if (!(await boss.getQueue(queue))) {
        try {
          await boss.createQueue(queue, { name: queue, deadLetter: DEAD_LETTER_QUEUE });
        } catch (e) {
          if (!(await boss.getQueue(queue))) throw e;
        }
      }
    } catch (e) {
      throw dbError(e, url, 'worker');
    }
    log(
      `worker ${name}: pipeline ${options.pipeline.name} version ${version}, queue ${queue}, ` +
        `${options.threads > 1 ? `${options.threads} threads` : 'this thread'}, ${concurrency} jobs in flight`,
    );
    await Promise.all(Array.from({ length: concurrency }, () => slot()));
  } finally {
    await boss.stop({ graceful: false, wait: true, close: true }).catch(() => {});
    await pool.end().catch(() => {});
    await closeEngine();
    await monitor?.close().catch(() => {});
    await monitorStore?.close().catch(() => {});
  }
  return {
    pipelineVersion: version,
    jobs: totals.jobs,
    notes: totals.notes,
    written: totals.written,
    errors: totals.errors,
    skipped: totals.skipped,
    lost: totals.lost,
    seconds: (performance.now() - started) / 1000,
    dbSeconds: totals.dbMs / 1000,
    runSeconds: totals.runMs / 1000,
    cpuSeconds: cpuSecondsSince(cpu0),
  };
}
