/**
 * `clinote submit`: read the inputs through the batch note sources (files, directories, NDJSON,
 * CSV, stdin), store the notes in `clinote_notes` (deduplicated by (source, note id, content
 * hash)), list them in the run, and enqueue pg-boss jobs of note keys (never text) on the queue of
 * the pipeline version. Each batch of notes and its job are one transaction: a crash leaves whole
 * batches, and submitting again skips what is stored and done.
 */
import { createHash, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import PgBoss from 'pg-boss';
import { errorRecord } from '../batch/records.js';
import { fileSource, planFiles } from '../batch/source.js';
import { loadPipeline } from '../engine.js';
import type { ByteSource } from '../io/lines.js';
import type { InputFormat } from '../io/plan.js';
import type { NoteInput } from '../pipeline/pipeline.js';
import { bossDb, createPool, dbError, type PoolClient, transaction } from './db.js';
import type { PipelineChoice } from './pipeline.js';
import { checkSchema, DEAD_LETTER_QUEUE, queueName } from './schema.js';

export interface SubmitOptions {
  readonly url: string;
  readonly inputs: readonly string[];
  readonly pipeline: PipelineChoice;
  /** Notes per job (default 500). */
  readonly batchSize?: number;
  /** The namespace of note ids for deduplication (default `default`). */
  readonly source?: string;
  readonly textField?: string;
  readonly idField?: string;
  readonly dateField?: string;
  readonly stdinFormat?: InputFormat;
  readonly stdin?: ByteSource;
  /** A job still active this long is handed to another worker (default 300 s). */
  readonly expireSeconds?: number;
  /** Retries of a failed or expired job before the dead-letter queue (default 4). */
  readonly retryLimit?: number;
  /** First retry delay in seconds, doubled each retry (default 5). */
  readonly retryDelaySeconds?: number;
  readonly signal?: AbortSignal;
  /** Per-note input errors (id and code, never text). */
  readonly onError?: (id: string, code: string) => void;
}

export interface SubmitReport {
  readonly runId: string;
  readonly pipelineVersion: string;
  readonly queue: string;
  /** Notes read. */
  readonly notes: number;
  /** Distinct notes of the run. */
  readonly runNotes: number;
  /** Notes new to the notes table. */
  readonly stored: number;
  /** Notes put in jobs (not already done for this pipeline version). */
  readonly enqueued: number;
  readonly jobs: number;
  readonly sourceErrors: number;
  readonly seconds: number;
  /** Seconds spent waiting on PostgreSQL. */
  readonly dbSeconds: number;
  /** CPU seconds of this process (user + system). */
  readonly cpuSeconds: number;
  readonly interrupted: boolean;
}

/** What identifies a note's content: its text and metadata (the note date changes dates). */
export function contentHash(note: NoteInput): Buffer {
  const h = createHash('sha256').update(note.text);
  if (note.meta !== undefined) h.update('\u0000').update(JSON.stringify(note.meta));
  return h.digest();
}

function metadataOf(note: NoteInput): string | null {
  const m: Record<string, unknown> = {};
  if (note.meta !== undefined) m.meta = note.meta;
  if (note.flags !== undefined && note.flags.length > 0) m.flags = note.flags;
  if (note.byteLength !== undefined) m.byteLength = note.byteLength;
  return Object.keys(m).length > 0 ? JSON.stringify(m) : null;
}

/**
 * Store a batch of notes, deduplicated, and return every note's key in order (`new`: stored now).
 * One parameter per value: texts are sent as they are, not escaped into an array literal.
 */
function insertNotes(count: number): string {
  const rows: string[] = [];
  for (let i = 0; i < count; i++) {
    const p = 2 + i * 5;
    rows.push(
      `($${p}::text, $${p + 1}::bytea, $${p + 2}::text, $${p + 3}::jsonb, $${p + 4}::text, ${i + 1})`,
    );
  }
  return `
  WITH input (note_id, content_hash, text, metadata, input, ord) AS (VALUES ${rows.join(', ')}),
  ins AS (
    INSERT INTO clinote_notes (source, note_id, content_hash, text, metadata, input)
    SELECT $1, note_id, content_hash, text, metadata, input FROM input ORDER BY ord
    ON CONFLICT ON CONSTRAINT clinote_notes_dedupe DO NOTHING
    RETURNING key, note_id, content_hash
  )
  SELECT i.ord, COALESCE(ins.key, n.key) AS key, ins.key IS NOT NULL AS new
  FROM input i
  LEFT JOIN ins ON ins.note_id = i.note_id AND ins.content_hash = i.content_hash
  LEFT JOIN clinote_notes n
    ON ins.key IS NULL AND n.source = $1 AND n.note_id = i.note_id AND n.content_hash = i.content_hash
  ORDER BY i.ord`;
}

const FIND_NOTES = `
  SELECT t.ord, n.key FROM unnest($2::text[], $3::bytea[]) WITH ORDINALITY AS t(note_id, content_hash, ord)
  JOIN clinote_notes n ON n.source = $1 AND n.note_id = t.note_id AND n.content_hash = t.content_hash`;

interface Pending {
  readonly notes: NoteInput[];
  readonly inputs: string[];
}

export async function submit(options: SubmitOptions): Promise<SubmitReport> {
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  const { url } = options;
  // at most 10,000 notes per job: one statement holds 5 parameters per note (PostgreSQL: 65,535)
  const batchSize = Math.min(10_000, Math.max(1, options.batchSize ?? 500));
  const source = options.source ?? 'default';
  const pipeline = await loadPipeline(options.pipeline.load);
  const version = pipeline.stamp.version;
  const queue = queueName(version);
  const pool = createPool(url, { max: 2, name: 'clinote-submit' });
  let dbMs = 0;
  const timed = async <T>(p: Promise<T>): Promise<T> => {
    const t = performance.now();
    try {
      return await p;
    } finally {
      dbMs += performance.now() - t;
    }
  };
  const boss = new PgBoss({
    connectionString: url,
    supervise: false,
    schedule: false,
    migrate: false,
    max: 1,
  });
  boss.on('error', () => {});
  const runId = randomUUID();
  let notes = 0;
  let runNotes = 0;
  let stored = 0;
  let enqueued = 0;
  let jobs = 0;
  let sourceErrors = 0;
  let interrupted = false;
  try {
    await checkSchema(pool, url);
    try {
      await boss.start();
      if (!(await boss.getQueue(queue))) {
        try {
          await boss.createQueue(queue, { name: queue, deadLetter: DEAD_LETTER_QUEUE });
        } catch (e) {
          // another submit made it meanwhile
          if (!(await boss.getQueue(queue))) throw e;
        }
      }
      await pool.query(
        `INSERT INTO clinote_runs (run_id, pipeline, pipeline_version, queue, source, batch_size)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [runId, options.pipeline.name, version, queue, source, batchSize],
      );
    } catch (e) {
      throw dbError(e, url, 'submit');
    }

    const jobOptions = {
      retryLimit: options.retryLimit ?? 4,
      retryDelay: options.retryDelaySeconds ?? 5,
      retryBackoff: true,
      expireInSeconds: options.expireSeconds ?? 300,
      deadLetter: DEAD_LETTER_QUEUE,
    };

    const flush = async (batch: Pending): Promise<void> => {
      if (batch.notes.length === 0) return;
      const ids = batch.notes.map((n) => n.id);
      const hashes = batch.notes.map(contentHash);
      await timed(
        transaction(pool, async (client: PoolClient) => {
          const values: unknown[] = [source];
          batch.notes.forEach((n, i) => {
            values.push(ids[i], hashes[i], n.text, metadataOf(n), batch.inputs[i]);
          });
          const { rows } = await client.query<{ ord: string; key: string | null; new: boolean }>(
            insertNotes(batch.notes.length),
            values,
          );
          const keys: (string | null)[] = rows.map((r) => r.key);
          stored += rows.filter((r) => r.new).length;
          const missing = keys.flatMap((k, i) => (k === null ? [i] : []));
          if (missing.length > 0) {
            // inserted by a concurrent submit after this statement's snapshot: read them now
            const found = await client.query<{ ord: string; key: string }>(FIND_NOTES, [
              source,
              missing.map((i) => ids[i]),
              missing.map((i) => hashes[i]),
            ]);
            for (const r of found.rows) keys[missing[Number(r.ord) - 1] as number] = r.key;
          }
          const added = await client.query<{ note_key: string }>(
            `INSERT INTO clinote_run_notes (run_id, note_key) SELECT $1, unnest($2::bigint[])
             ON CONFLICT DO NOTHING RETURNING note_key`,
            [runId, keys],
          );
          const todo = await client.query<{ key: string }>(
            `SELECT k AS key FROM unnest($1::bigint[]) AS k
             WHERE NOT EXISTS (SELECT 1 FROM clinote_results r WHERE r.note_key = k AND r.pipeline_version = $2)`,
            [added.rows.map((r) => r.note_key), version],
          );
          const work = todo.rows.map((r) => Number(r.key));
          if (work.length > 0) {
            await boss.insert([{ name: queue, data: { run: runId, version, notes: work }, ...jobOptions }], {
              db: bossDb(client),
            });
          }
          await client.query(
            `UPDATE clinote_runs SET notes = notes + $2, enqueued = enqueued + $3, jobs = jobs + $4 WHERE run_id = $1`,
            [runId, added.rowCount ?? 0, work.length, work.length > 0 ? 1 : 0],
          );
          runNotes += added.rowCount ?? 0;
          enqueued += work.length;
          if (work.length > 0) jobs++;
        }),
      ).catch((e) => {
        throw dbError(e, url, 'submit');
      });
    };

    const plan = await planFiles(options.inputs, { stdinFormat: options.stdinFormat ?? 'text' });
    const stdin: ByteSource = options.stdin ?? (async function* () {})();
    const readOptions = {
      textField: options.textField ?? 'text',
      idField: options.idField ?? 'id',
      dateField: options.dateField ?? 'noteDate',
      maxNoteBytes: pipeline.maxNoteBytes,
    };
    let batch: Pending = { notes: [], inputs: [] };
    // one source per planned input, so that every note knows the input it came from
    for (const item of plan.items) {
      if (options.signal?.aborted) break;
      const input = item.kind === 'stdin' ? '-' : item.path;
      const reader = fileSource({ ...plan, items: [item] }, stdin, readOptions);
      for await (const event of reader.events(options.signal)) {
        if (event.type === 'note') {
          notes++;
          batch.notes.push(event.note);
          batch.inputs.push(input);
          if (batch.notes.length >= batchSize) {
            const full = batch;
            batch = { notes: [], inputs: [] };
            await flush(full);
          }
        } else if (event.type === 'error' || event.type === 'unreadable') {
          const record = errorRecord(event.id, event.error, pipeline, event.type === 'unreadable');
          options.onError?.(event.id, event.error.code);
          await timed(
            pool.query(
              `INSERT INTO clinote_run_errors (run_id, seq, note_id, error_code, body) VALUES ($1, $2, $3, $4, $5)`,
              [runId, sourceErrors, event.id, event.error.code, record.body.json],
            ),
          ).catch((e) => {
            throw dbError(e, url, 'submit');
          });
          sourceErrors++;
        }
      }
    }
    interrupted = options.signal?.aborted === true;
    await flush(batch);
    await timed(
      pool.query(`UPDATE clinote_runs SET source_errors = $2, submitted_on = now() WHERE run_id = $1`, [
        runId,
        sourceErrors,
      ]),
    ).catch((e) => {
      throw dbError(e, url, 'submit');
    });
  } finally {
    await boss.stop({ graceful: false, wait: true }).catch(() => {});
    await pool.end().catch(() => {});
  }
  return {
    runId,
    pipelineVersion: version,
    queue,
    notes,
    runNotes,
    stored,
    enqueued,
    jobs,
    sourceErrors,
    seconds: (performance.now() - started) / 1000,
    dbSeconds: dbMs / 1000,
    cpuSeconds: (process.cpuUsage(cpu0).user + process.cpuUsage(cpu0).system) / 1e6,
    interrupted,
  };
}
