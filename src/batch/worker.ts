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
import { type NoteObservation, ProfileBuilder } from '../monitoring/profile.js';
import { toErrorResult } from '../output/result.js';
import type { ComponentOutcome, RunHooks } from '../pipeline/component.js';
import type { Pipeline, ProcessOutcome } from '../pipeline/pipeline.js';
import { observationMaker, observeRecordInto, recordMaker } from './records.js';
import type {
  ChunkResult,
  ChunkTask,
  ProfilePart,
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

/** This thread's monitoring profiles by group (ChunkTask.groups), since they were last sent. */
const parts = new Map<number, ProfileBuilder>();
let partsSentAt = Date.now();
/** The profiles go along with a chunk result at most this often (and when a drain task asks). */
const PARTS_EVERY_MS = 1000;

function partOf(group: number): ProfileBuilder {
  let b = parts.get(group);
  if (!b) {
    b = new ProfileBuilder();
    parts.set(group, b);
  }
  return b;
}

/** The profiles to send now (and forget): all when `force`, else when a second has passed. */
function takeParts(force: boolean): ProfilePart[] | undefined {
  if (parts.size === 0 || (!force && Date.now() - partsSentAt < PARTS_EVERY_MS)) return undefined;
  const out: ProfilePart[] = [];
  // uncapped: the main thread adds the parts up and caps the window's profile once
  for (const [group, b] of parts) out.push([group, b.toProfile(false)]);
  parts.clear();
  partsSentAt = Date.now();
  return out;
}

/** A drain task: wait (a few seconds at most) until every thread holds one, so each thread answers once. */
function drain(barrier: Int32Array, threads: number): ChunkResult {
  Atomics.add(barrier, 0, 1);
  Atomics.notify(barrier, 0);
  const until = Date.now() + DRAIN_WAIT_MS;
  for (let seen = Atomics.load(barrier, 0); seen < threads; seen = Atomics.load(barrier, 0)) {
    const left = until - Date.now();
    if (left <= 0) break;
    Atomics.wait(barrier, 0, seen, left);
  }
  const profiles = takeParts(true);
  return { records: [], bytes: new Uint8Array(0), ends: [], ...(profiles ? { profiles } : {}) };
}

/** How long a drain task waits for the other threads (one busy with a long chunk sends its part later). */
const DRAIN_WAIT_MS = 2000;

export default async function runChunk(task: ChunkTask): Promise<unknown> {
  if (task.drain) return drain(task.drain.barrier, task.drain.threads);
  const p = await pipelineOf(task.pipeline);
  const make = recordMaker(task.records);
  // with groups, notes go to this thread's profiles; without, each record carries its observation
  const { groups } = task;
  const observe = groups ? undefined : observationMaker(task.records);
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
  const add = (outcome: ProcessOutcome, index: number): void => {
    if (!outcome.ok) {
      failed(outcome.id, outcome.error);
      return;
    }
    const { doc } = outcome;
    let json: string;
    let observation: NoteObservation | undefined;
    let made: unknown;
    try {
      made = make(doc, p);
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
    if (groups && task.records.observe) {
      try {
        observeRecordInto(partOf(groups[index] ?? -1), doc, p, made, task.records);
      } catch {
        // monitoring never fails a note: the note is missing from its profile, its record stands
      }
    }
  };
  if (p.async) {
    // together: components with a batch form (a model) get the whole chunk (its deadline too)
    starting(0);
    for (const note of task.notes) testHook(note.id);
    const outcomes = await p.processMany(task.notes, options);
    for (let i = 0; i < outcomes.length; i++) add(outcomes[i] as ProcessOutcome, i);
  } else {
    // one by one: each Doc is garbage as soon as its record is serialized (young-generation GC)
    for (let i = 0; i < task.notes.length; i++) {
      const note = task.notes[i] as ChunkTask['notes'][number];
      starting(i);
      testHook(note.id);
      add(p.processSync(note, options), i);
    }
  }
  const { bytes, ends } = encode(texts);
  const profiles = groups ? takeParts(false) : undefined;
  const result: ChunkResult = {
    records,
    bytes,
    ends,
    ...(t ? { timings: t.timings() } : {}),
    ...(profiles ? { profiles } : {}),
  };
  return move(new Moved(result));
}
