/**
 * The batch runner: notes from a source, through a pipeline (on this thread, or on a pool of worker
 * threads), to a sink, one record per note in input order. The CLI (`clinote extract`), the HTTP
 * server and the database workers all call `runBatch`. See docs/batch.md.
 *
 * Notes are grouped into chunks (64 notes or 256 KB of text, whichever first; smaller when a worker
 * is idle). Chunks run concurrently on the pool and are written back in order; at most two chunks
 * per thread are in flight, so a slow output slows the reading (backpressure) and memory stays
 * bounded. On this thread, notes run one by one (a synchronous pipeline) or as the chunk that
 * gathered while the previous one ran (an asynchronous pipeline: `processMany`, so model
 * components batch across notes).
 *
 * Abort (`signal`, Ctrl-C): reading stops; the notes already read are finished (on this thread an
 * asynchronous pipeline fails them with CLINOTE_E_PIPELINE_ABORTED instead) and written; the sink
 * is closed with the summary of what was written. Nothing is lost or written twice: the output is
 * the records of a prefix of the input.
 */
import { toClinoteError } from '../errors/error.js';
import type { RunHooks } from '../pipeline/component.js';
import type { NoteInput, Pipeline, ProcessOptions, ProcessOutcome } from '../pipeline/pipeline.js';
import {
  type BatchRecord,
  errorRecord,
  observationMaker,
  outcomeRecord,
  type RecordOptions,
  recordMaker,
} from './records.js';
import type { ResultSink } from './sink.js';
import type { NoteSource } from './source.js';
import { BatchStats } from './stats.js';

export interface RunBatchOptions {
  /** How a processed note becomes a record: the output format's `record()` hook, text, tokens. */
  readonly records?: RecordOptions;
  /** Stop reading (Ctrl-C); the notes already read are finished and written, the sink closed. */
  readonly signal?: AbortSignal;
  /** After each progress event of the source and each chunk written (a progress bar). */
  readonly onProgress?: (stats: BatchStats) => void;
  /** After each record is written, with the counts so far (per-note error lines on stderr). */
  readonly onRecord?: (record: BatchRecord, stats: BatchStats) => void;
  /** Per-component times (from a pool: summed per chunk, `notes` = the notes of the chunk). */
  readonly hooks?: RunHooks;
  /** Most notes in a chunk (default 64). */
  readonly chunkNotes?: number;
  /** Most UTF-16 code units of text in a chunk (default 256 Ki); a larger note goes alone. */
  readonly chunkChars?: number;
}

export const DEFAULT_CHUNK_NOTES = 64;
export const DEFAULT_CHUNK_CHARS = 256 * 1024;

/**
 * What `runBatch` needs of a pool of worker threads (`WorkerPool`, ./pool.ts, implements it; the
 * runner does not import it, so in-thread runs never load the thread machinery).
 */
export interface ChunkEngine {
  /** The reference pipeline (built on this thread). */
  readonly pipeline: Pipeline;
  readonly threads: number;
  /** One record per note, in order. Never rejects. */
  run(notes: readonly NoteInput[], records: RecordOptions, hooks?: RunHooks): Promise<BatchRecord[]>;
}

const isChunkEngine = (e: Pipeline | ChunkEngine): e is ChunkEngine => 'threads' in e;

/** Runs chunks of notes: on this thread, or on a worker pool. `run` never rejects. */
interface Executor {
  /** Reference pipeline: its stamp goes on the records made here (source errors). */
  readonly pipeline: Pipeline;
  /** Chunks that run at once. */
  readonly concurrency: number;
  /** Chunks dispatched and not yet written, at most. */
  readonly maxQueued: number;
  run(notes: readonly NoteInput[]): Promise<BatchRecord[]>;
}

function localExecutor(
  pipeline: Pipeline,
  records: RecordOptions,
  hooks: RunHooks | undefined,
  signal: AbortSignal | undefined,
): Executor {
  const make = recordMaker(records);
  const observe = observationMaker(records);
  const base: ProcessOptions = hooks ? { hooks } : {};
  const record = (outcome: ProcessOutcome): BatchRecord => {
    try {
      return outcomeRecord(outcome, pipeline, make, observe);
    } catch (e) {
      // the record of this note cannot be made (a bug in a format): the note fails, the batch goes on
      return errorRecord(outcome.ok ? outcome.doc.id : outcome.id, toClinoteError(e), pipeline);
    }
  };
  return {
    pipeline,
    concurrency: 1,
    maxQueued: 1,
    async run(notes) {
      if (pipeline.async) {
        // a model may be slow: Ctrl-C fails the notes still running instead of waiting for them
        const outcomes = await pipeline.processMany(notes, { ...base, ...(signal ? { signal } : {}) });
        return outcomes.map(record);
      }
      // synchronous: each note runs to its end (nothing can interrupt it anyway)
      return notes.map((note) => record(pipeline.processSync(note, base)));
    },
  };
}

function poolExecutor(pool: ChunkEngine, records: RecordOptions, hooks: RunHooks | undefined): Executor {
  return {
    pipeline: pool.pipeline,
    concurrency: pool.threads,
    maxQueued: pool.threads * 2,
    run: (notes) => pool.run(notes, records, hooks),
  };
}

/** Records and notes in input order, until the chunk is dispatched. */
class Pending {
  /** A record made here (a source error), or the index of a note in `notes`. */
  readonly entries: (BatchRecord | number)[] = [];
  readonly notes: NoteInput[] = [];
  chars = 0;

  addNote(note: NoteInput): void {
    this.entries.push(this.notes.length);
    this.notes.push(note);
    this.chars += note.text.length;
  }

  addRecord(record: BatchRecord): void {
    this.entries.push(record);
  }
}

interface Dispatched {
  readonly promise: Promise<BatchRecord[]>;
  records: BatchRecord[] | undefined;
}

/**
 * Run every note of `source` through `engine` (a pipeline: on this thread; a WorkerPool: on its
 * threads) and hand `sink` one record per note, in input order, then close it with the summary.
 * Returns the counts (`interrupted` when the signal stopped it). Throws when the sink fails (after
 * `sink.abort`); a note that fails is an error record, never an exception.
 */
export async function runBatch(
  source: NoteSource,
  sink: ResultSink,
  engine: Pipeline | ChunkEngine,
  options: RunBatchOptions = {},
): Promise<BatchStats> {
  const { signal, onProgress, onRecord, hooks } = options;
  const records = options.records ?? {};
  recordMaker(records); // an unknown format fails here, before any output
  const executor = isChunkEngine(engine)
    ? poolExecutor(engine, records, hooks)
    : localExecutor(engine, records, hooks, signal);
  const { pipeline } = executor;
  const maxNotes = Math.max(1, options.chunkNotes ?? DEFAULT_CHUNK_NOTES);
  const maxChars = Math.max(1, options.chunkChars ?? DEFAULT_CHUNK_CHARS);

  const stats = new BatchStats();
  stats.skippedFiles = source.skipped;
  const queue: Dispatched[] = [];
  let current = new Pending();
  let running = 0;

  const dispatch = (): void => {
    if (current.entries.length === 0) return;
    const chunk = current;
    current = new Pending();
    let promise: Promise<BatchRecord[]>;
    if (chunk.notes.length === 0) {
      promise = Promise.resolve(chunk.entries as BatchRecord[]);
    } else {
      running++;
      promise = executor.run(chunk.notes).then((done) => {
        running--;
        return chunk.entries.map((e) => (typeof e === 'number' ? (done[e] as BatchRecord) : e));
      });
    }
    const d: Dispatched = { promise, records: undefined };
    promise.then((r) => {
      d.records = r;
    });
    queue.push(d);
  };

  const writeHead = async (): Promise<void> => {
    const head = queue[0] as Dispatched;
    const done = head.records ?? (await head.promise);
    queue.shift();
    for (const record of done) {
      if (record.type === 'result') stats.addResult(record.flags);
      else stats.addError(record.code, record.unreadable);
      await sink.write(record);
      onRecord?.(record, stats);
    }
    onProgress?.(stats);
  };

  try {
    await sink.open();
    for await (const event of source.events(signal)) {
      switch (event.type) {
        case 'note':
          current.addNote(event.note);
          break;
        case 'error':
          current.addRecord(errorRecord(event.id, event.error, pipeline));
          break;
        case 'unreadable':
          current.addRecord(errorRecord(event.id, event.error, pipeline, true));
          break;
        case 'progress':
          stats.bytes += event.bytes;
          onProgress?.(stats);
          break;
      }
      const full = current.entries.length >= maxNotes || current.chars >= maxChars;
      const idle = running < executor.concurrency;
      // a chunk goes when it is full, when a thread waits for work, or (only records made here)
      // when nothing is ahead of it
      if (
        full ||
        (idle && current.notes.length > 0) ||
        (current.notes.length === 0 && current.entries.length > 0 && queue.length === 0)
      ) {
        while (queue.length >= executor.maxQueued) await writeHead();
        dispatch();
      }
      while (queue.length > 0 && (queue[0] as Dispatched).records !== undefined) await writeHead();
      if (signal?.aborted) {
        stats.interrupted = true;
        break;
      }
    }
    if (signal?.aborted) stats.interrupted = true;
    // the notes already read are finished and written
    dispatch();
    while (queue.length > 0) await writeHead();
    await sink.close(stats.summary());
  } catch (e) {
    sink.abort(e);
    throw e;
  }
  return stats;
}
