/**
 * The engines of the named pipelines: a WorkerPool per pipeline (worker threads, pipelines built
 * once per thread), or the main thread (`threads: 0`: tests, tiny deployments).
 */
import type { BatchRecord, RecordOptions } from '../batch/records.js';
import { observationMaker, outcomeRecord, recordMaker } from '../batch/records.js';
import type { RunHooks } from '../pipeline/component.js';
import type { NoteInput, Pipeline } from '../pipeline/pipeline.js';
import type { PipelineSpec } from './config.js';
import type { Engine } from './dispatcher.js';

/** The notes on the main thread (`threads: 0`). */
export function localEngine(pipeline: Pipeline): Engine {
  const makers = new Map<
    string,
    { make: ReturnType<typeof recordMaker>; observe: ReturnType<typeof observationMaker> }
  >();
  return {
    pipeline,
    threads: 1,
    async run(notes, records, hooks, options) {
      const key = `${records.format ?? ''}|${records.text === true}|${records.tokens === true}|${records.observe === true}`;
      let maker = makers.get(key);
      if (!maker) {
        maker = { make: recordMaker(records), observe: observationMaker(records) };
        makers.set(key, maker);
      }
      const { make, observe } = maker;
      const o = {
        ...(hooks ? { hooks } : {}),
        ...(options?.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      };
      // an asynchronous pipeline (a model) gets the batch together (runMany); else one note at a time,
      // each with the deadline
      if (pipeline.async) {
        const outcomes = await pipeline.processMany(notes, o);
        return outcomes.map((outcome) => outcomeRecord(outcome, pipeline, make, observe));
      }
      const out: BatchRecord[] = [];
      for (const note of notes)
        out.push(outcomeRecord(await pipeline.process(note, o), pipeline, make, observe));
      return out;
    },
    async close() {},
  };
}

/**
 * A pipeline given as a registry URI: the registered pipeline's config (models and `models:/`
 * references resolved to artifact folders on this thread, so worker threads need no registry).
 */
async function registeredSpec(spec: PipelineSpec): Promise<PipelineSpec> {
  const { openRegistry } = await import('../registry/registry.js');
  const registry = await openRegistry({
    ...(spec.registry?.store !== undefined ? { url: spec.registry.store } : {}),
    ...(spec.registry?.artifacts !== undefined ? { artifacts: spec.registry.artifacts } : {}),
  });
  try {
    const config = await registry.pipelineConfig(await registry.resolve(spec.modelUri as string));
    const { modelUri: _uri, configPath: _path, ...rest } = spec;
    return { ...rest, config };
  } finally {
    await registry.close();
  }
}

/** `WorkerPool.run` with the per-note deadline as its 4th argument (taken by the pool once it has one). */
type PoolRun = (
  notes: readonly NoteInput[],
  records: RecordOptions,
  hooks?: RunHooks,
  options?: { readonly timeoutMs?: number; readonly groups?: readonly number[] },
) => Promise<BatchRecord[]>;

export interface EngineOptions {
  /** The worker module (tests). */
  readonly workerFile?: string;
}

/** Build the engine of one named pipeline (config errors throw here, before listening). */
export async function startEngine(spec: PipelineSpec, options: EngineOptions = {}): Promise<Engine> {
  if (spec.modelUri !== undefined) return startEngine(await registeredSpec(spec), options);
  const load = {
    ...(spec.config !== undefined ? { config: spec.config } : {}),
    ...(spec.configPath !== undefined ? { configPath: spec.configPath } : {}),
    ...(spec.pack !== undefined ? { pack: spec.pack } : {}),
  };
  if (spec.threads === 0) {
    const { loadPipeline } = await import('../engine.js');
    return localEngine(await loadPipeline(load));
  }
  const { WorkerPool } = await import('../batch/pool.js');
  const pool = await WorkerPool.start(load, {
    threads: spec.threads,
    ...(options.workerFile !== undefined ? { workerFile: options.workerFile } : {}),
  });
  const run = pool.run.bind(pool) as PoolRun;
  // every thread builds its pipeline now, before the server says it is ready (not on a first request)
  await Promise.all(
    Array.from({ length: pool.threads }, (_, i) => run([{ id: `warm-up-${i}`, text: 'Warm-up.' }], {})),
  );
  return {
    pipeline: pool.pipeline,
    threads: pool.threads,
    concurrency: pool.threads * 2,
    run: (notes, records, hooks, o) => run(notes, records, hooks, o),
    profiles: { onParts: (listener) => pool.onProfiles(listener), drain: () => pool.drainProfiles() },
    close: () => pool.close(),
  };
}
