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
  WorkerInit,
  WorkerPipelineOptions,
  WorkerPipelineSpec,
  WorkerTestOptions,
} from './wire.js';

export type { WorkerPipelineOptions, WorkerTestOptions } from './wire.js';

export interface WorkerPoolOptions {
  /** Worker threads (>= 1). */
  readonly threads: number;
  /** The worker module (default: `worker.js` next to this module; from the TypeScript sources, dist's). */
  readonly workerFile?: string;
  /** TEST ONLY: make a worker exit or throw on a given note. */
  readonly test?: WorkerTestOptions;
}

/** The worker module next to this one (dist/src/batch/ or the CLI bundle's dist/cli/), else dist's. */
export function defaultWorkerFile(): string {
  const here = fileURLToPath(new URL('./worker.js', import.meta.url));
  if (existsSync(here)) return here;
  // running from the TypeScript sources (vitest): worker threads need the compiled module
  return join(packageRoot(), 'dist', 'src', 'batch', 'worker.js');
}

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
  readonly #spec: WorkerPipelineSpec;
  #closed = false;

  private constructor(
    pipeline: Pipeline,
    threads: number,
    spec: WorkerPipelineSpec,
    piscina: Piscina<ChunkTask, ChunkResult>,
  ) {
    this.pipeline = pipeline;
    this.threads = threads;
    this.sharedBytes = new Map(spec.shared);
    this.#spec = spec;
    this.#piscina = piscina;
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
      return new WorkerPool(pipeline, threads, spec, piscina);
    } catch (e) {
      await piscina.destroy();
      throw e;
    }
  }

  /**
   * Run a chunk of notes on a worker: one record per note, in order (records serialized by the
   * worker). Never rejects: when the worker fails, every note of the chunk is an error record
   * CLINOTE_E_BATCH_WORKER_FAILED.
   */
  async run(notes: readonly NoteInput[], records: RecordOptions, hooks?: RunHooks): Promise<BatchRecord[]> {
    if (notes.length === 0) return [];
    let result: ChunkResult;
    try {
      if (this.#closed) throw new Error('the pool is closed');
      result = await this.#piscina.run({
        pipeline: this.#spec,
        notes,
        records,
        timings: hooks?.onComponent !== undefined,
      });
      if (result.records.length !== notes.length || result.ends.length !== notes.length) {
        throw new Error(`${result.records.length} records for ${notes.length} notes`);
      }
    } catch (e) {
      const reason = failureReason(e);
      return notes.map((note) =>
        errorRecord(note.id, workerFailed(note, notes.length, reason), this.pipeline),
      );
    }
    if (hooks?.onComponent && result.timings) {
      for (const [component, ms, outcome, n] of result.timings) hooks.onComponent(component, ms, outcome, n);
    }
    const { bytes, ends } = result;
    return result.records.map((r, i): BatchRecord => {
      const body = RecordBody.fromBytes(bytes.subarray(i === 0 ? 0 : (ends[i - 1] as number), ends[i]));
      return r.ok
        ? { type: 'result', id: r.id, flags: r.flags, body }
        : { type: 'error', id: r.id, code: r.code, message: r.message, unreadable: false, body };
    });
  }

  /** Stop the threads (chunks still running are cut off: wait for them first). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#piscina.destroy();
  }
}
