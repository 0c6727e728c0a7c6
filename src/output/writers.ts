/**
 * Output formats of `clinote extract` (`--format NAME`). A format turns the stream of per-note
 * records into text; it does no I/O, so the CLI owns streams, backpressure and write errors.
 *
 * A later format (e.g. `fhir`) is one more `registerFormat(...)` call (or one more entry in
 * BUILTIN_FORMATS): the CLI lists the registered names as the `--format` choices.
 */
import type { Doc } from '../doc/doc.js';
import type { Pipeline } from '../pipeline/pipeline.js';
import { fhirFormat } from './fhir/format.js';
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
}

/** Turns records into text. Each method returns what to write next (possibly ''). */
export interface FormatWriter {
  /** Before the first record. */
  begin(): string;
  result(result: Result): string;
  error(error: ErrorResult): string;
  /** After the last record. */
  end(summary: OutputSummary): string;
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
 * `json`: one JSON document.
 * - single-note input: the result object (or the error result), pretty-printed;
 * - otherwise: `{"results": [...], "errors": [...], "summary": {...}}`, one record per line.
 *   Results are streamed as they come; error records (small: id, stamp, code, message) are held
 *   until the end, since they follow the results array.
 */
export const jsonFormat: OutputFormat = {
  name: 'json',
  description: 'one JSON document: the result for a single note, else {results, errors, summary}',
  mediaType: 'application/json',
  create({ single }) {
    if (single) {
      let written = 0;
      const one = (record: Result | ErrorResult): string => {
        if (written++ > 0) throw new Error('json writer: more than one record for a single-note input');
        return `${JSON.stringify(record, null, 2)}\n`;
      };
      return { begin: () => '', result: one, error: one, end: () => '' };
    }
    let results = 0;
    const errors: string[] = [];
    return {
      begin: () => '{"results":[',
      result(r) {
        return `${results++ === 0 ? '\n' : ',\n'}${JSON.stringify(r)}`;
      },
      error(e) {
        errors.push(JSON.stringify(e));
        return '';
      },
      end(summary) {
        const errs = errors.length > 0 ? `\n${errors.join(',\n')}\n` : '';
        errors.length = 0;
        return `${results > 0 ? '\n' : ''}],"errors":[${errs}],"summary":${JSON.stringify(summary)}}\n`;
      },
    };
  },
};

/** `ndjson`: one line per note, in input order: results and error results. No summary line. */
export const ndjsonFormat: OutputFormat = {
  name: 'ndjson',
  description: 'one JSON object per line: a result, or an error result {id, pipeline, error}',
  mediaType: 'application/x-ndjson',
  create() {
    return {
      begin: () => '',
      result: (r) => `${JSON.stringify(r)}\n`,
      error: (e) => `${JSON.stringify(e)}\n`,
      end: () => '',
    };
  },
};

export const BUILTIN_FORMATS: readonly OutputFormat[] = [jsonFormat, ndjsonFormat, fhirFormat];

const formats = new Map<string, OutputFormat>(BUILTIN_FORMATS.map((f) => [f.name, f]));

/** Add a format (e.g. `fhir`). Names are unique. */
export function registerFormat(format: OutputFormat): void {
  if (formats.has(format.name)) throw new Error(`output format '${format.name}' is already registered`);
  formats.set(format.name, format);
}

export function getFormat(name: string): OutputFormat | undefined {
  return formats.get(name);
}

export function formatNames(): string[] {
  return [...formats.keys()];
}
