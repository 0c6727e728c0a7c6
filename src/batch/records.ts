/**
 * What a batch run hands its sink, one per note in input order: a result record or an error record.
 * Made on this thread (the body is an object) or on a worker thread (the body is its compact JSON
 * text, so the main thread only writes strings).
 */
import type { Doc } from '../doc/doc.js';
import type { ClinoteError } from '../errors/error.js';
import { type ObserveOptions, observeInto, observeResult } from '../monitoring/observe.js';
import type { NoteObservation, ObservationSink } from '../monitoring/profile.js';
import { loadPackWordSet } from '../monitoring/vocabulary.js';
import { type ResultOptions, toErrorResult, toResult } from '../output/result.js';
import type { Result } from '../output/schema.js';
import { getFormat } from '../output/writers.js';
import type { Pipeline, ProcessOutcome } from '../pipeline/pipeline.js';

const utf8 = new TextDecoder();

/**
 * A record's content: the object, its compact JSON text (`JSON.stringify(object)`), or that text as
 * UTF-8 bytes (from a worker thread: written to the output as they are), whichever it was made as;
 * the others are computed on first use.
 */
export class RecordBody {
  #value: unknown;
  #parsed: boolean;
  #json: string | undefined;
  readonly #bytes: Uint8Array | undefined;

  private constructor(
    value: unknown,
    parsed: boolean,
    json: string | undefined,
    bytes: Uint8Array | undefined,
  ) {
    this.#value = value;
    this.#parsed = parsed;
    this.#json = json;
    this.#bytes = bytes;
  }

  /** A body made as an object (on this thread). */
  static of(value: unknown): RecordBody {
    return new RecordBody(value, true, undefined, undefined);
  }

  /** A body made as compact JSON text. */
  static fromJson(json: string): RecordBody {
    return new RecordBody(undefined, false, json, undefined);
  }

  /** A body made as the UTF-8 bytes of its compact JSON text (on a worker thread). */
  static fromBytes(bytes: Uint8Array): RecordBody {
    return new RecordBody(undefined, false, undefined, bytes);
  }

  /** True when the JSON is at hand, as text or bytes (no serialization needed to write it). */
  get serialized(): boolean {
    return this.#json !== undefined || this.#bytes !== undefined;
  }

  /** The UTF-8 bytes of the compact JSON, when the body was made as bytes. */
  get bytes(): Uint8Array | undefined {
    return this.#bytes;
  }

  /** The object (parsed from the JSON on first use). */
  get value(): unknown {
    if (!this.#parsed) {
      this.#value = JSON.parse(this.json);
      this.#parsed = true;
    }
    return this.#value;
  }

  /** The compact JSON text (decoded or serialized on first use). */
  get json(): string {
    this.#json ??= this.#bytes !== undefined ? utf8.decode(this.#bytes) : JSON.stringify(this.#value);
    return this.#json;
  }
}

/** A processed note. */
export interface ResultRecord {
  readonly type: 'result';
  readonly id: string;
  /** Codes of the note's input flags (invalid UTF-8, binary), for the summary. */
  readonly flags: readonly string[];
  /** The JSON result (`toResult`), or the output format's own record (fhir: a Bundle). */
  readonly body: RecordBody;
  /** With `observe`: what the note adds to a monitoring profile (counts and codes: no text). */
  readonly observation?: NoteObservation;
}

/** A note that failed, or an input that could not be read. */
export interface ErrorRecord {
  readonly type: 'error';
  readonly id: string;
  readonly code: string;
  /** The error message (ids, paths, counts: never note text), for a line on stderr. */
  readonly message: string;
  /** An input (file, directory, stdin) that could not be read at all, not a note that failed. */
  readonly unreadable: boolean;
  /** The error result `{id, pipeline, error}` (`ErrorResult`). */
  readonly body: RecordBody;
}

export type BatchRecord = ResultRecord | ErrorRecord;

/** How a processed note becomes a record. Plain data: it crosses to worker threads. */
export interface RecordOptions extends ResultOptions {
  /**
   * The output format whose `record()` hook makes a note's record (`fhir`: a FHIR Bundle). Default,
   * or for a format without the hook: the JSON result (`toResult`).
   */
  readonly format?: string;
  /** Also make each result's monitoring observation (docs/monitoring.md), where the Doc is at hand. */
  readonly observe?: boolean;
}

/** The function that turns a Doc into its record, for these options. Throws on an unknown format. */
export function recordMaker(options: RecordOptions = {}): (doc: Doc, pipeline: Pipeline) => unknown {
  const resultOptions: ResultOptions = {
    ...(options.text !== undefined ? { text: options.text } : {}),
    ...(options.tokens !== undefined ? { tokens: options.tokens } : {}),
  };
  let hook: ((doc: Doc, pipeline: Pipeline, o: ResultOptions) => unknown) | undefined;
  if (options.format !== undefined) {
    const format = getFormat(options.format);
    if (!format) throw new Error(`batch: unknown output format '${options.format}'`);
    hook = format.record;
  }
  return hook
    ? (doc, pipeline) => hook(doc, pipeline, resultOptions)
    : (doc, pipeline) => toResult(doc, pipeline, resultOptions);
}

/** The observation of a made record, for these options; undefined without `observe`. */
export function observationMaker(
  options: RecordOptions = {},
): ((doc: Doc, pipeline: Pipeline, made: unknown) => NoteObservation) | undefined {
  if (!options.observe) return undefined;
  return (doc, pipeline, made) =>
    observeResult(observedResult(doc, pipeline, made, options), { text: doc.text }, observeOptions());
}

/** What a made record adds to a monitoring profile, told to `sink` (the server's worker threads). */
export function observeRecordInto(
  sink: ObservationSink,
  doc: Doc,
  pipeline: Pipeline,
  made: unknown,
  options: RecordOptions,
): void {
  observeInto(sink, observedResult(doc, pipeline, made, options), { text: doc.text }, observeOptions());
}

/** The result an observation reads: the made record, or for a format's own record (a FHIR Bundle) the result. */
function observedResult(doc: Doc, pipeline: Pipeline, made: unknown, options: RecordOptions): Result {
  const own = options.format !== undefined && getFormat(options.format)?.record !== undefined;
  return (own ? toResult(doc, pipeline) : made) as Result;
}

/**
 * Character classes and the OOV rate of a note read about 512 of its characters, spread over it: a
 * bounded cost per note (docs/monitoring.md#overhead).
 */
const TEXT_BUDGET = 512;

let observing: ObserveOptions | undefined;
/** The observation options: the built-in starter pack's words (loaded once per thread), the text budget. */
function observeOptions(): ObserveOptions {
  observing ??= { words: loadPackWordSet(), textBudget: TEXT_BUDGET };
  return observing;
}

export function errorRecord(
  id: string,
  error: ClinoteError,
  pipeline: Pipeline,
  unreadable = false,
): ErrorRecord {
  return {
    type: 'error',
    id,
    code: error.code,
    message: error.message,
    unreadable,
    body: RecordBody.of(toErrorResult(id, error, pipeline)),
  };
}

/** The record of a process outcome, made on this thread. */
export function outcomeRecord(
  outcome: ProcessOutcome,
  pipeline: Pipeline,
  make: (doc: Doc, pipeline: Pipeline) => unknown,
  observe?: (doc: Doc, pipeline: Pipeline, made: unknown) => NoteObservation,
): BatchRecord {
  if (!outcome.ok) return errorRecord(outcome.id, outcome.error, pipeline);
  const { doc } = outcome;
  const made = make(doc, pipeline);
  return {
    type: 'result',
    id: doc.id,
    flags: doc.flags.map((f) => f.code),
    body: RecordBody.of(made),
    ...(observe ? { observation: observe(doc, pipeline, made) } : {}),
  };
}
