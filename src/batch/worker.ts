/**
 * The worker thread of a batch pool (piscina: the default export runs one task). Each thread builds
 * its pipeline ONCE, on its first chunk, from the spec every task carries (src/batch/wire.ts): the
 * config, and the binary resources as views over the main thread's SharedArrayBuffers (never
 * copied). A failed build fails every task (the pool reports their notes as
 * CLINOTE_E_BATCH_WORKER_FAILED).
 *
 * A task is a chunk of notes in input order; the worker runs them and SERIALIZES each record (the
 * JSON of the result, or of the format's record, or of the error result) into one UTF-8 buffer that
 * is moved (not copied) to the main thread, which only writes those bytes.
 *
 * Built twice: by tsc (dist/src/batch/worker.js) and by esbuild as an entry of the CLI bundle
 * (dist/cli/worker.js). The pool finds it next to its own module.
 */
import { workerData } from 'node:worker_threads';
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { loadPipeline } from '../engine.js';
import { type ClinoteError, toClinoteError } from '../errors/error.js';
import type { NoteObservation } from '../monitoring/profile.js';
import { toErrorResult } from '../output/result.js';
import type { ComponentOutcome, RunHooks } from '../pipeline/component.js';
import type { Pipeline, ProcessOutcome } from '../pipeline/pipeline.js';
import { observationMaker, recordMaker } from './records.js';
import type {
  ChunkResult,
  ChunkTask,
  WireRecord,
  WireTiming,
  WorkerInit,
  WorkerPipelineSpec,
} from './wire.js';

const init = workerData as WorkerInit | undefined;

/** This thread's pipeline, built once, on the first chunk (a new spec, never seen in practice, rebuilds). */
let built: { readonly version: string; readonly pipeline: Promise<Pipeline> } | undefined;

function pipelineOf(spec: WorkerPipelineSpec): Promise<Pipeline> {
  if (built?.version !== spec.version) {
    const pipeline = (async () => {
      const p = await loadPipeline({ ...spec.load, sharedBytes: new Map(spec.shared) });
      if (p.stamp.version !== spec.version) {
        throw new Error(
          `the worker's pipeline version ${p.stamp.version} differs from the main thread's ${spec.version}`,
        );
      }
      return p;
    })();
    built = { version: spec.version, pipeline };
  }
  return built.pipeline;
}

/** Summed component times of a chunk, for the caller's hooks. */
function timer(): { hooks: RunHooks; timings: () => WireTiming[] } {
  const sums = new Map<string, [string, number, ComponentOutcome, number]>();
  return {
    hooks: {
      onComponent(component, ms, outcome, notes) {
        const key = `${component}\0${outcome}`;
        const s = sums.get(key);
        if (s) {
          s[1] += ms;
          s[3] += notes;
        } else sums.set(key, [component, ms, outcome, notes]);
      },
    },
    timings: () => [...sums.values()],
  };
}

function testHook(id: string): void {
  const test = init?.test;
  if (!test) return;
  if (test.exitOnNote === id) process.exit(1);
  if (test.throwOnNote === id) throw new Error(`test: the worker throws on note '${id}'`);
  if (test.spinOnNote === id) for (;;);
}

/** The chunk result, with its bytes' buffer moved to the main thread (not copied). */
class Moved {
  readonly #value: ChunkResult;
  constructor(value: ChunkResult) {
    this.#value = value;
  }
  get [transferableSymbol](): ArrayBuffer[] {
    return [this.#value.bytes.buffer as ArrayBuffer];
  }
  get [valueSymbol](): ChunkResult {
    return this.#value;
  }
}

/** The records' JSON texts as one UTF-8 buffer of its own (so it can be transferred), and where each ends. */
function encode(texts: readonly string[]): { bytes: Uint8Array; ends: number[] } {
  let total = 0;
  const ends = texts.map((t) => (total += Buffer.byteLength(t, 'utf8')));
  const bytes = Buffer.allocUnsafeSlow(total);
  let at = 0;
  for (const t of texts) at += bytes.write(t, at, 'utf8');
  return { bytes, ends };
}

export default async function runChunk(task: ChunkTask): Promise<unknown> {
  const p = await pipelineOf(task.pipeline);
  const make = recordMaker(task.records);
  const observe = observationMaker(task.records);
  const t = task.timings ? timer() : undefined;
  const options = {
    ...(t ? { hooks: t.hooks } : {}),
    ...(task.timeoutMs !== undefined ? { timeoutMs: task.timeoutMs } : {}),
  };
  const { progress } = task;
  /** Tell the pool's watchdog which note starts now. */
  const starting = (index: number): void => {
    if (!progress) return;
    progress[1] = Date.now();
    progress[0] = index;
  };
  const texts: string[] = [];
  const records: WireRecord[] = [];
  const failed = (id: string, error: ClinoteError): void => {
    texts.push(JSON.stringify(toErrorResult(id, error, p)));
    records.push({ ok: false, id, code: error.code, message: error.message });
  };
  const add = (outcome: ProcessOutcome): void => {
    if (!outcome.ok) {
      failed(outcome.id, outcome.error);
      return;
    }
    const { doc } = outcome;
    let json: string;
    let observation: NoteObservation | undefined;
    try {
      const made = make(doc, p);
      json = JSON.stringify(made);
      observation = observe?.(doc, p, made);
    } catch (e) {
      // the record of this note cannot be made (a bug in a format): the note fails, the chunk goes on
      failed(doc.id, toClinoteError(e));
      return;
    }
    texts.push(json);
    records.push({
      ok: true,
      id: doc.id,
      flags: doc.flags.map((f) => f.code),
      ...(observation ? { observation } : {}),
    });
  };
  if (p.async) {
    // together: components with a batch form (a model) get the whole chunk (its deadline too)
    starting(0);
    for (const note of task.notes) testHook(note.id);
    for (const outcome of await p.processMany(task.notes, options)) add(outcome);
  } else {
    // one by one: each Doc is garbage as soon as its record is serialized (young-generation GC)
    for (let i = 0; i < task.notes.length; i++) {
      const note = task.notes[i] as ChunkTask['notes'][number];
      starting(i);
      testHook(note.id);
      add(p.processSync(note, options));
    }
  }
  const { bytes, ends } = encode(texts);
  const result: ChunkResult = t ? { records, bytes, ends, timings: t.timings() } : { records, bytes, ends };
  return move(new Moved(result));
}
