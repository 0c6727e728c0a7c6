/**
 * A pool of worker threads (piscina) that run a pipeline on chunks of notes. The main thread builds
 * the same pipeline once as the reference (its config errors come first, before any output; its
 * stamp goes on the records made on the main thread), reading every binary resource (the
 * terminology pack) into a SharedArrayBuffer that the workers wrap as it is.
 *
 * A worker that dies (or throws outside the pipeline) fails only the chunk it held: its notes come
 * back as error records CLINOTE_E_BATCH_WORKER_FAILED, and piscina starts a new worker for the
 * next chunks. A pool serves any number of batches (`runBatch(source, sink, pool)`); close it after.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { DEFAULT_PIPELINE, loadPipeline, readConfigFile } from '../engine.js';
import { ClinoteError } from '../errors/error.js';
import type { RunHooks } from '../pipeline/component.js';
import type { NoteInput, Pipeline } from '../pipeline/pipeline.js';
import { packageRoot, resourcePath } from '../resources.js';
import { type BatchRecord, errorRecord, RecordBody, type RecordOptions } from './records.js';
import { binaryResources, SharedBytes } from './shared.js';
import type {
  ChunkResult,
  ChunkTask,
  ProfilePart,
  WorkerInit,
  WorkerPipelineOptions,
  WorkerPipelineSpec,
  WorkerTestOptions,
} from './wire.js';

export type { ProfilePart, WorkerPipelineOptions, WorkerTestOptions } from './wire.js';

export interface WorkerPoolOptions {
  /** Worker threads (>= 1). */
  readonly threads: number;
  /** The worker module (default: `worker.js` next to this module; from the TypeScript sources, dist's). */
  readonly workerFile?: string;
  /**
   * The hard per-note deadline (ms): a note still running this long after it started (plus
   * WATCHDOG_GRACE_MS) gets its thread terminated and replaced; the note becomes an error record
   * CLINOTE_E_PIPELINE_DEADLINE and the other notes of its chunk are run again on the new thread.
   * Default: the pipeline's `limits.timeoutMs`, else DEFAULT_NOTE_TIMEOUT_MS. 0: no watchdog.
   */
  readonly noteTimeoutMs?: number;
  /** TEST ONLY: make a worker exit, throw or spin on a given note. */
  readonly test?: WorkerTestOptions;
}

/** What `run` may be told per call. */
export interface PoolRunOptions {
  /** This chunk's hard per-note deadline (ms), instead of the pool's. 0: none. */
  readonly timeoutMs?: number;
  /**
   * With `records.observe`: each note's monitoring group. The threads then keep a profile per group
   * and send it to the `onProfiles` listener (about once a second, and on `drainProfiles`) instead
   * of an observation per record.
   */
  readonly groups?: readonly number[];
}

/**
 * The hard per-note deadline when neither the pool options nor the pipeline config set one: far
 * above any note of ordinary size (a 1 MB note takes about a second), low enough that a stuck
 * thread is noticed.
 */
export const DEFAULT_NOTE_TIMEOUT_MS = 60_000;

/** The watchdog lets the pipeline's own cooperative deadline (between components) go first. */
export const WATCHDOG_GRACE_MS = 250;

/** The worker module next to this one (dist/src/batch/ or the CLI bundle's dist/cli/), else dist's. */
export function defaultWorkerFile(): string {
  const here = fileURLToPath(new URL('./worker.js', import.meta.url));
  if (existsSync(here)) return here;
  // running from the TypeScript sources (vitest): worker threads need the compiled module
  return join(packageRoot(), 'dist', 'src', 'batch', 'worker.js');
}

function deadlineError(note: NoteInput, timeoutMs: number, chunk: number): ClinoteError {
  return new ClinoteError(
    'CLINOTE_E_PIPELINE_DEADLINE',
    `note '${note.id}' was still running after ${timeoutMs} ms: its worker thread was stopped and replaced`,
    { note: note.id, timeoutMs, terminated: true, ...(chunk > 1 ? { chunk } : {}) },
  );
}

/**
 * One try of a chunk on a thread: its result, or where it failed: the note running when the thread
 * died, threw or was stopped by the watchdog (`at`; -1 when no note had started: the pipeline's
 * build failed), and whether it was the watchdog (`deadline`).
 */
type Attempt =
  | { readonly ok: true; readonly result: ChunkResult }
  | { readonly ok: false; readonly at: number; readonly deadline: boolean; readonly error: unknown };

function workerFailed(note: NoteInput, count: number, reason: string): ClinoteError {
  return new ClinoteError(
    'CLINOTE_E_BATCH_WORKER_FAILED',
    `the worker thread holding note '${note.id}' (in a chunk of ${count}) failed: ${reason}`,
    { note: note.id, chunk: count, reason },
  );
}

/** A short reason for a failed task: never a stack, and only the first line of a message. */
function failureReason(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  const line = message.split('\n', 1)[0] ?? '';
  return line.length > 200 ? `${line.slice(0, 200)}...` : line;
}

export class WorkerPool {
  /** The reference pipeline, built on this thread (stamp, limits, resources). */
  readonly pipeline: Pipeline;
  readonly threads: number;
  /** The binary resources shared with the workers, by absolute path. */
  readonly sharedBytes: ReadonlyMap<string, Uint8Array>;
  readonly #piscina: Piscina<ChunkTask, ChunkResult>;
  /** The hard per-note deadline (ms; 0: none): see WorkerPoolOptions.noteTimeoutMs. */
  readonly noteTimeoutMs: number;
  readonly #spec: WorkerPipelineSpec;
  #closed = false;
  #onProfiles: ((parts: readonly ProfilePart[]) => void) | undefined;

  private constructor(
    pipeline: Pipeline,
    threads: number,
    spec: WorkerPipelineSpec,
    piscina: Piscina<ChunkTask, ChunkResult>,
    noteTimeoutMs: number,
  ) {
    this.pipeline = pipeline;
    this.threads = threads;
    this.sharedBytes = new Map(spec.shared);
    this.#spec = spec;
    this.#piscina = piscina;
    this.noteTimeoutMs = noteTimeoutMs;
  }

  /**
   * Start the threads (they load their modules meanwhile), build the reference pipeline on this
   * thread (a config error throws here, before any output) reading its binary resources into
   * SharedArrayBuffers. A config file is read once and its content sent to the workers, so every
   * thread runs the same config. Each worker builds its pipeline on its first chunk.
   */
  static async start(load: WorkerPipelineOptions, options: WorkerPoolOptions): Promise<WorkerPool> {
    const threads = Math.max(1, Math.floor(options.threads));
    const { configPath, ...rest } = load;
    const config = rest.config ?? readConfigFile(configPath ?? resourcePath(DEFAULT_PIPELINE));
    const plain: WorkerPipelineOptions = { ...rest, config };
    const filename = options.workerFile ?? defaultWorkerFile();
    if (!existsSync(filename)) {
      throw new ClinoteError(
        'CLINOTE_E_BATCH_WORKER_FAILED',
        `the worker thread module '${filename}' is missing (run npm run build)`,
        { path: filename },
      );
    }
    const init: WorkerInit = {
      kind: 'clinote-batch-worker',
      ...(options.test ? { test: options.test } : {}),
    };
    const piscina = new Piscina<ChunkTask, ChunkResult>({
      filename,
      minThreads: threads,
      maxThreads: threads,
      idleTimeout: Number.POSITIVE_INFINITY,
      concurrentTasksPerWorker: 1,
      // tasks come through the message port: a worker's event loop stays free between chunks
      atomics: 'disabled',
      workerData: init,
    });
    // a worker that dies while idle: the next chunks go to its replacement
    piscina.on('error', () => {});
    try {
      const lazy = new SharedBytes();
      const pipeline = await loadPipeline({ ...plain, sharedBytes: lazy });
      const spec: WorkerPipelineSpec = {
        load: plain,
        shared: binaryResources(pipeline, lazy),
        version: pipeline.stamp.version,
      };
      const timeout = options.noteTimeoutMs ?? pipeline.timeoutMs ?? DEFAULT_NOTE_TIMEOUT_MS;
      return new WorkerPool(pipeline, threads, spec, piscina, Math.max(0, timeout));
    } catch (e) {
      await piscina.destroy();
      throw e;
    }
  }

  /**
   * Run a chunk of notes on a worker: one record per note, in order (records serialized by the
   * worker). Never rejects: when the worker fails, every note of the chunk is an error record
   * CLINOTE_E_BATCH_WORKER_FAILED; a note past the hard deadline is an error record
   * CLINOTE_E_PIPELINE_DEADLINE (its thread replaced) and the others are run again.
   */
  async run(
    notes: readonly NoteInput[],
    records: RecordOptions,
    hooks?: RunHooks,
    options: PoolRunOptions = {},
  ): Promise<BatchRecord[]> {
    if (notes.length === 0) return [];
    const timeoutMs = options.timeoutMs ?? this.noteTimeoutMs;
    // the pipeline checks its config's deadline itself; any other is sent along for it to check
    const cooperative = timeoutMs > 0 && timeoutMs !== this.pipeline.timeoutMs ? timeoutMs : undefined;
    const attempt = await this.#attempt(notes, records, hooks, timeoutMs, cooperative, options.groups);
    if (attempt.ok) return this.#records(attempt.result, hooks);
    const fail = (note: NoteInput, count: number): ClinoteError =>
      attempt.deadline
        ? deadlineError(note, timeoutMs, count)
        : workerFailed(note, count, failureReason(attempt.error));
    // no note had started (the thread could not build its pipeline), or the notes ran as one batch
    // (an asynchronous pipeline: processMany): the whole chunk failed
    if (attempt.at < 0 || this.pipeline.async) {
      return notes.map((note) => errorRecord(note.id, fail(note, notes.length), this.pipeline));
    }
    // the note the thread died on (or was stopped on) fails alone; the others go again, on a fresh
    // thread (recursively: each try removes one note, so a chunk of n notes takes at most n + 1)
    const culprit = notes[attempt.at] as NoteInput;
    const others = notes.filter((_, i) => i !== attempt.at);
    const groups = options.groups?.filter((_, i) => i !== attempt.at);
    const out = await this.run(others, records, hooks, { ...options, ...(groups ? { groups } : {}) });
    out.splice(attempt.at, 0, errorRecord(culprit.id, fail(culprit, 1), this.pipeline));
    return out;
  }

  async #attempt(
    notes: readonly NoteInput[],
    records: RecordOptions,
    hooks: RunHooks | undefined,
    timeoutMs: number,
    cooperative: number | undefined,
    groups: readonly number[] | undefined,
  ): Promise<Attempt> {
    if (this.#closed) {
      return { ok: false, at: -1, deadline: false, error: new Error('the pool is closed') };
    }
    // the worker says which note runs since when: the watchdog reads it, and a failure names its note
    const progress = new Float64Array(new SharedArrayBuffer(16));
    progress[0] = -1;
    const task: ChunkTask = {
      pipeline: this.#spec,
      notes,
      records,
      timings: hooks?.onComponent !== undefined,
      progress,
      ...(cooperative !== undefined ? { timeoutMs: cooperative } : {}),
      ...(groups ? { groups } : {}),
    };
    // past the deadline, the task is aborted, which terminates its thread (piscina starts another)
    const controller = new AbortController();
    let deadline = false;
    const limit = timeoutMs + WATCHDOG_GRACE_MS;
    const watchdog =
      timeoutMs > 0
        ? setInterval(
            () => {
              if ((progress[0] as number) >= 0 && Date.now() - (progress[1] as number) > limit) {
                deadline = true;
                clearInterval(watchdog);
                controller.abort();
              }
            },
            Math.min(100, Math.max(10, timeoutMs / 4)),
          )
        : undefined;
    try {
      const result = await this.#piscina.run(task, { signal: controller.signal });
      if (result.records.length !== notes.length || result.ends.length !== notes.length) {
        throw new Error(`${result.records.length} records for ${notes.length} notes`);
      }
      return { ok: true, result };
    } catch (error) {
      return { ok: false, at: progress[0] as number, deadline, error };
    } finally {
      clearInterval(watchdog);
    }
  }

  #records(result: ChunkResult, hooks: RunHooks | undefined): BatchRecord[] {
    if (result.profiles) this.#onProfiles?.(result.profiles);
    if (hooks?.onComponent && result.timings) {
      for (const [component, ms, outcome, n] of result.timings) hooks.onComponent(component, ms, outcome, n);
    }
    const { bytes, ends } = result;
    return result.records.map((r, i): BatchRecord => {
      const body = RecordBody.fromBytes(bytes.subarray(i === 0 ? 0 : (ends[i - 1] as number), ends[i]));
      return r.ok
        ? {
            type: 'result',
            id: r.id,
            flags: r.flags,
            body,
            ...(r.observation ? { observation: r.observation } : {}),
          }
        : { type: 'error', id: r.id, code: r.code, message: r.message, unreadable: false, body };
    });
  }

  /** Where the threads' monitoring profiles go (`PoolRunOptions.groups`); one listener. */
  onProfiles(listener: (parts: readonly ProfilePart[]) => void): void {
    this.#onProfiles = listener;
  }

  /**
   * Collect every thread's monitoring profiles now (a window closes): one drain task per thread,
   * each waiting at a barrier until all have one. A thread busy with a long chunk answers a few
   * seconds later or with its next chunk. A thread that died with its part loses at most a second
   * of notes from the profiles (never a record).
   */
  async drainProfiles(): Promise<void> {
    if (this.#closed || !this.#onProfiles) return;
    const task: ChunkTask = {
      pipeline: this.#spec,
      notes: [],
      records: {},
      timings: false,
      drain: { barrier: new Int32Array(new SharedArrayBuffer(4)), threads: this.threads },
    };
    const results = await Promise.allSettled(
      Array.from({ length: this.threads }, () => this.#piscina.run(task)),
    );
    for (const r of results)
      if (r.status === 'fulfilled' && r.value.profiles) this.#onProfiles?.(r.value.profiles);
  }

  /** Stop the threads (chunks still running are cut off: wait for them first). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#piscina.destroy();
  }
}
