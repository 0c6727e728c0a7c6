/**
 * The interfaces of output formats (`--format NAME`), apart from the formats themselves so that
 * `writers.ts` (the registry and the `json`/`ndjson` formats) and `fhir/format.ts` both import
 * them without importing each other. `writers.ts` re-exports them.
 */
import type { Doc } from '../doc/doc.js';
import type { Pipeline } from '../pipeline/pipeline.js';
import type { ResultOptions } from './result.js';
import type { ErrorResult, Result } from './schema.js';

/** Counts of a batch, written at the end of the `json` batch document (never timings: output is deterministic). */
export interface OutputSummary {
  /** Records written: ok + errors (an unreadable file or a malformed line counts as one failed note). */
  readonly notes: number;
  readonly ok: number;
  readonly errors: number;
  /** Error records by code, sorted by code. */
  readonly errorsByCode: Readonly<Record<string, number>>;
  /** Notes (ok ones) with at least one input flag. */
  readonly flagged: number;
  /** Flags by code, sorted by code. */
  readonly flagsByCode: Readonly<Record<string, number>>;
  /** Files in directories skipped for their extension (or because they are not regular files). */
  readonly skippedFiles: number;
  /** Inputs (files, directories, stdin) that could not be read: each also has an error record. */
  readonly unreadable: number;
}

export interface WriterOptions {
  /**
   * The input is one note by nature (one `.txt` file, or stdin read as text): formats that have a
   * batch wrapper write the bare record instead.
   */
  readonly single: boolean;
  /** Colour the text (the `summary` format, on a terminal that supports it). Default: no colour. */
  readonly color?: boolean;
}

/** Turns records into text. Each method returns what to write next (possibly ''). */
export interface FormatWriter {
  /** Before the first record. */
  begin(): string;
  result(result: Result): string;
  error(error: ErrorResult): string;
  /**
   * After the last record: the text, or its parts in order, made as they are taken (a document
   * holding a million error records is written piece by piece, never built as one string).
   */
  end(summary: OutputSummary): string | Iterable<string>;
}

export interface OutputFormat {
  readonly name: string;
  readonly description: string;
  readonly mediaType: string;
  /**
   * The record of a processed note, when it is not the JSON result (`toResult`): e.g. the FHIR
   * Bundle. The CLI calls it where the Doc is at hand and hands the record to `result()`.
   */
  readonly record?: (doc: Doc, pipeline: Pipeline, options: ResultOptions) => unknown;
  create(options: WriterOptions): FormatWriter;
}

/**
 * A writer that also takes records already serialized as compact JSON (`JSON.stringify` of what
 * `result()` / `error()` take), e.g. by a worker thread (src/batch/), so they are written without
 * being serialized again. Each method is optional; without it the caller parses the JSON and calls
 * `result()` / `error()`.
 */
export interface JsonRecordWriter extends FormatWriter {
  /**
   * The text before and after the next result's JSON (its place in the document): `before + json +
   * after` is what `result()` returns for that record. The JSON may be written as UTF-8 bytes.
   */
  resultFrame?(): readonly [before: string, after: string];
  /** What `error()` returns for the error result whose compact JSON this is. */
  errorJson?(json: string): string;
}
