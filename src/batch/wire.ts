/**
 * What crosses between the main thread and the batch worker threads (src/batch/worker.ts): plain
 * data only (structured clone), no functions. Shared by pool.ts and worker.ts.
 */

import type { NoteObservation, Profile } from '../monitoring/profile.js';
import type { ComponentOutcome } from '../pipeline/component.js';
import type { NoteInput } from '../pipeline/pipeline.js';
import type { RecordOptions } from './records.js';

/** The `loadPipeline` options a worker builds its pipeline from (plain data: no registry, no hooks). */
export interface WorkerPipelineOptions {
  /** The config object (the main thread reads a config file once and sends its content). */
  readonly config?: unknown;
  readonly configPath?: string;
  /** Terminology pack path for the `concepts` component. */
  readonly pack?: string;
  readonly maxNoteBytes?: number;
  readonly timeoutMs?: number;
}

/** TEST ONLY: make a worker fail on a given note, to test that its notes are reported, not lost. */
export interface WorkerTestOptions {
  /** The worker thread exits (`process.exit(1)`) when its chunk reaches this note id. */
  readonly exitOnNote?: string;
  /** The task throws outside the pipeline when its chunk reaches this note id. */
  readonly throwOnNote?: string;
  /** The thread spins forever (a stuck synchronous component) when its chunk reaches this note id. */
  readonly spinOnNote?: string;
}

/** `workerData` of every worker thread of a pool. */
export interface WorkerInit {
  readonly kind: 'clinote-batch-worker';
  readonly test?: WorkerTestOptions;
}

/** The pipeline a chunk runs on: a worker builds it once and keeps it (by version). */
export interface WorkerPipelineSpec {
  readonly load: WorkerPipelineOptions;
  /** Binary resources by absolute path: views over SharedArrayBuffers (shared, not copied). */
  readonly shared: readonly (readonly [string, Uint8Array])[];
  /** The main thread's pipeline version: a worker whose pipeline differs refuses to run. */
  readonly version: string;
}

/** One task: a chunk of notes, in input order. */
export interface ChunkTask {
  readonly pipeline: WorkerPipelineSpec;
  readonly notes: readonly NoteInput[];
  readonly records: RecordOptions;
  /** Send back the per-component times (the caller has hooks). */
  readonly timings: boolean;
  /**
   * The per-note deadline (ms), checked by the pipeline between components (a cooperative
   * CLINOTE_E_PIPELINE_DEADLINE); the pool's watchdog terminates a thread stuck past it.
   */
  readonly timeoutMs?: number;
  /**
   * Progress for the pool's watchdog (over a SharedArrayBuffer): `[index of the note running (-1:
   * none yet; the pipeline is being built), Date.now() when it started]`.
   */
  readonly progress?: Float64Array;
  /**
   * With `records.observe`: each note's monitoring group (numbered by the caller: the server's
   * deployment, version and tenant). The thread adds its notes to a profile per group instead of
   * sending an observation per note, and sends the profiles along (`ChunkResult.profiles`) at most
   * once a second, or when a drain task asks.
   */
  readonly groups?: readonly number[];
  /**
   * A drain task (no notes): wait until every thread of the pool has one (`barrier[0]` counts them,
   * up to `threads`; a few seconds at most), then send this thread's profiles.
   */
  readonly drain?: { readonly barrier: Int32Array; readonly threads: number };
}

/** A thread's profile of one monitoring group since it last sent one. */
export type ProfilePart = readonly [group: number, profile: Profile];

/**
 * One note's record, serialized on the worker: its compact JSON is `bytes[ends[i - 1] .. ends[i])`
 * of the chunk result (UTF-8).
 */
export type WireRecord =
  | {
      readonly ok: true;
      readonly id: string;
      readonly flags: readonly string[];
      /** With `records.observe`: the monitoring observation (counts and codes). */
      readonly observation?: NoteObservation;
    }
  | { readonly ok: false; readonly id: string; readonly code: string; readonly message: string };

/** Summed times of one component over a chunk: `[component, ms, outcome, notes]`. */
export type WireTiming = readonly [component: string, ms: number, outcome: ComponentOutcome, notes: number];

export interface ChunkResult {
  /** One per note of the task, in order. */
  readonly records: readonly WireRecord[];
  /**
   * The records' compact JSON, one after the other, as UTF-8 (its buffer is transferred, not
   * copied: the main thread writes these bytes as they are).
   */
  readonly bytes: Uint8Array;
  /** Where each record's JSON ends in `bytes`. */
  readonly ends: readonly number[];
  readonly timings?: readonly WireTiming[];
  /** The thread's monitoring profiles by group (`ChunkTask.groups`), when due. */
  readonly profiles?: readonly ProfilePart[];
}
