/**
 * The batch runner (docs/batch.md): sources of notes, sinks of records, the runner, worker pools.
 * Importing this index loads the worker-pool machinery (piscina); in-thread users may import
 * ./runner.js, ./source.js and ./sink.js directly.
 */

export { defaultWorkerFile, WorkerPool, type WorkerPoolOptions } from './pool.js';
export {
  type BatchRecord,
  type ErrorRecord,
  errorRecord,
  outcomeRecord,
  RecordBody,
  type RecordOptions,
  type ResultRecord,
  recordMaker,
} from './records.js';
export {
  type ChunkEngine,
  DEFAULT_CHUNK_CHARS,
  DEFAULT_CHUNK_NOTES,
  type RunBatchOptions,
  runBatch,
} from './runner.js';
export { binaryResources, readShared, SharedBytes } from './shared.js';
export { formatSink, type MemorySink, memorySink, type ResultSink } from './sink.js';
export {
  fileSource,
  knownNoteCount,
  memorySource,
  type NoteSource,
  type PlanFilesOptions,
  planFiles,
  type SourceEvent,
} from './source.js';
export { BatchStats } from './stats.js';
export type { WorkerPipelineOptions, WorkerTestOptions } from './wire.js';
