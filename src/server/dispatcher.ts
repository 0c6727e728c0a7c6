/**
 * The queue between requests and the CPU work. A request's notes are a job; concurrent jobs of one
 * pipeline and record format are gathered into micro-batches (at most `maxBatchNotes` notes; a job
 * waits at most `maxDelayMs` for others, 0 by default: no added delay, jobs that arrive while every
 * thread is busy are batched together). At most `engine.threads` batches run at once. The queue is
 * bounded (`maxQueuedNotes`): a job that does not fit is refused at once (503 + Retry-After), never
 * left to time out. A job whose deadline passed while it waited fails without running.
 */

import type { ProfilePart } from '../batch/pool.js';
import type { BatchRecord, RecordOptions } from '../batch/records.js';
import { errorRecord } from '../batch/records.js';
import { ClinoteError } from '../errors/error.js';
import type { RunHooks } from '../pipeline/component.js';
import type { NoteInput, Pipeline } from '../pipeline/pipeline.js';

/** What runs the notes: a WorkerPool (worker threads) or the main thread (`localEngine`). */
export interface Engine {
  readonly pipeline: Pipeline;
  readonly threads: number;
  /**
   * Batches sent at once (default `threads`). A pool takes `2 * threads`: a thread that finishes a
   * batch starts the next one at once instead of waiting for the main thread to send it.
   */
  readonly concurrency?: number;
  /** One record per note, in order; never rejects. `timeoutMs`: a deadline per note. */
  run(
    notes: readonly NoteInput[],
    records: RecordOptions,
    hooks?: RunHooks,
    options?: { readonly timeoutMs?: number; readonly groups?: readonly number[] },
  ): Promise<BatchRecord[]>;
  /**
   * An engine whose threads keep the monitoring profiles of the notes per group (`groups` of run,
   * with `records.observe`): where those profiles go, and a drain that collects them now. Without
   * it, each record carries its own observation.
   */
  readonly profiles?: {
    onParts(listener: (parts: readonly ProfilePart[]) => void): void;
    drain(): Promise<void>;
  };
  close(): Promise<void>;
}

export interface DispatcherOptions {
  readonly maxBatchNotes: number;
  readonly maxDelayMs: number;
  readonly maxQueuedNotes: number;
  readonly hooks?: RunHooks;
  /** Called with the queue depth (notes) and batches in flight after every change. */
  readonly onDepth?: (queuedNotes: number, inFlight: number) => void;
  /** Called with the notes of each batch sent. */
  readonly onBatch?: (notes: number) => void;
}

interface Job {
  readonly notes: readonly NoteInput[];
  readonly records: RecordOptions;
  readonly key: string;
  /** The monitoring group of the job's notes (with `records.observe`). */
  readonly group: number | undefined;
  readonly deadline: number;
  readonly enqueued: number;
  readonly resolve: (records: BatchRecord[]) => void;
}

export class Overloaded extends ClinoteError {
  readonly retryAfter: number;
  constructor(reason: string, retryAfter: number) {
    super('CLINOTE_E_SERVER_OVERLOADED', `the server is overloaded (${reason}): retry later`, { reason });
    this.retryAfter = retryAfter;
  }
}

export class Dispatcher {
  readonly engine: Engine;
  readonly #o: DispatcherOptions;
  readonly #queue: Job[] = [];
  #queued = 0;
  #inFlight = 0;
  #timer: NodeJS.Timeout | undefined;
  #idle: (() => void)[] = [];

  constructor(engine: Engine, options: DispatcherOptions) {
    this.engine = engine;
    this.#o = options;
  }

  get queuedNotes(): number {
    return this.#queued;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  /** Whether `notes` more notes fit in the queue now. */
  fits(notes: number): boolean {
    return this.#queued === 0 || this.#queued + notes <= this.#o.maxQueuedNotes;
  }

  /**
   * Queue a job; its records come back in order. Throws Overloaded (at once) when the queue is full,
   * unless `force` (the next chunk of a batch already being streamed: it waits its turn). `group`:
   * the monitoring group of the notes (Engine.profiles).
   */
  submit(
    notes: readonly NoteInput[],
    records: RecordOptions,
    deadline: number,
    force = false,
    group?: number,
  ): Promise<BatchRecord[]> {
    if (notes.length === 0) return Promise.resolve([]);
    if (!force && !this.fits(notes.length)) throw new Overloaded('queue full', 1);
    return new Promise<BatchRecord[]>((resolve) => {
      this.#queue.push({
        notes,
        records,
        key: `${records.format ?? 'json'}${records.observe ? '+observe' : ''}`,
        group,
        deadline,
        enqueued: performance.now(),
        resolve,
      });
      this.#queued += notes.length;
      this.#depth();
      this.#pump();
    });
  }

  /** Resolves when nothing is queued or running. */
  idle(): Promise<void> {
    if (this.#queue.length === 0 && this.#inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #depth(): void {
    this.#o.onDepth?.(this.#queued, this.#inFlight);
  }

  #pump(): void {
    while (this.#queue.length > 0 && this.#inFlight < (this.engine.concurrency ?? this.engine.threads)) {
      const head = this.#queue[0] as Job;
      if (this.#o.maxDelayMs > 0) {
        const waited = performance.now() - head.enqueued;
        const pending = this.#queue.reduce((n, j) => (j.key === head.key ? n + j.notes.length : n), 0);
        if (pending < this.#o.maxBatchNotes && waited < this.#o.maxDelayMs) {
          if (this.#timer === undefined) {
            this.#timer = setTimeout(() => {
              this.#timer = undefined;
              this.#pump();
            }, this.#o.maxDelayMs - waited);
          }
          return;
        }
      }
      this.#dispatch(this.#take(head.key));
    }
  }

  /** The jobs of one key, oldest first, up to maxBatchNotes notes (a bigger job goes alone). */
  #take(key: string): Job[] {
    const batch: Job[] = [];
    let notes = 0;
    for (let i = 0; i < this.#queue.length; ) {
      const job = this.#queue[i] as Job;
      if (job.key !== key) {
        i++;
        continue;
      }
      if (batch.length > 0 && notes + job.notes.length > this.#o.maxBatchNotes) break;
      batch.push(job);
      notes += job.notes.length;
      this.#queue.splice(i, 1);
      if (notes >= this.#o.maxBatchNotes) break;
    }
    this.#queued -= notes;
    return batch;
  }

  #dispatch(jobs: Job[]): void {
    const now = Date.now();
    const live: Job[] = [];
    for (const job of jobs) {
      if (job.deadline <= now) job.resolve(job.notes.map((n) => this.#late(n)));
      else live.push(job);
    }
    if (live.length === 0) {
      this.#depth();
      this.#settle();
      return;
    }
    const notes = live.length === 1 ? (live[0] as Job).notes : live.flatMap((j) => j.notes);
    const timeoutMs = Math.max(1, Math.min(...live.map((j) => j.deadline)) - now);
    this.#inFlight++;
    this.#depth();
    this.#o.onBatch?.(notes.length);
    const recordOptions = (live[0] as Job).records;
    const groups =
      recordOptions.observe && this.engine.profiles
        ? live.flatMap((j) => j.notes.map(() => j.group ?? -1))
        : undefined;
    this.engine
      .run(notes, recordOptions, this.#o.hooks, { timeoutMs, ...(groups ? { groups } : {}) })
      .then(
        (records) => {
          let at = 0;
          for (const job of live) {
            job.resolve(records.slice(at, at + job.notes.length));
            at += job.notes.length;
          }
        },
        (e: unknown) => {
          // engines never reject; should one, every note gets an error record
          const error = new ClinoteError(
            'CLINOTE_E_INTERNAL',
            `the engine failed: ${e instanceof Error ? e.name : 'error'}`,
          );
          for (const job of live)
            job.resolve(job.notes.map((n) => errorRecord(n.id, error, this.engine.pipeline)));
        },
      )
      .finally(() => {
        this.#inFlight--;
        this.#depth();
        this.#pump();
        this.#settle();
      });
  }

  #late(note: NoteInput): BatchRecord {
    return errorRecord(
      note.id,
      new ClinoteError(
        'CLINOTE_E_PIPELINE_DEADLINE',
        `note '${note.id}' passed its deadline while it waited in the queue`,
        {
          note: note.id,
        },
      ),
      this.engine.pipeline,
    );
  }

  #settle(): void {
    if (this.#queue.length === 0 && this.#inFlight === 0 && this.#idle.length > 0) {
      const waiting = this.#idle;
      this.#idle = [];
      for (const f of waiting) f();
    }
  }
}
