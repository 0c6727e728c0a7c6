/**
 * Output formats of `clinote extract` (`--format NAME`). A format turns the stream of per-note
 * records into text; it does no I/O, so the CLI owns streams, backpressure and write errors.
 *
 * A later format (e.g. `fhir`) is one more `registerFormat(...)` call (or one more entry in
 * BUILTIN_FORMATS): the CLI lists the registered names as the `--format` choices.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { fhirFormat } from './fhir/format.js';
import type { JsonRecordWriter, OutputFormat } from './format-types.js';
import type { ErrorResult, Result } from './schema.js';
import { summaryFormat } from './summary.js';

export type {
  FormatWriter,
  JsonRecordWriter,
  OutputFormat,
  OutputSummary,
  WriterOptions,
} from './format-types.js';

/**
 * `json`: one JSON document.
 * - single-note input: the result object (or the error result), pretty-printed;
 * - otherwise: `{"results": [...], "errors": [...], "summary": {...}}`, one record per line.
 *   Results are streamed as they come; error records (id, stamp, code, message) are held
 *   until the end, compressed (ErrorSpool), since they follow the results array.
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
    const errors = new ErrorSpool();
    const resultFrame = (): [string, string] => [results++ === 0 ? '\n' : ',\n', ''];
    const errorJson = (json: string): string => {
      errors.add(json);
      return '';
    };
    const writer: JsonRecordWriter = {
      begin: () => '{"results":[',
      result: (r) => `${resultFrame()[0]}${JSON.stringify(r)}`,
      error: (e) => errorJson(JSON.stringify(e)),
      resultFrame,
      errorJson,
      end(summary) {
        return endParts(results > 0, errors, JSON.stringify(summary));
      },
    };
    return writer;
  },
};

/** The end of the `json` batch document, piece by piece: the error records, then the summary. */
function* endParts(hadResults: boolean, errors: ErrorSpool, summary: string): Generator<string> {
  yield `${hadResults ? '\n' : ''}],"errors":[`;
  let first = true;
  for (const part of errors.drain()) {
    yield `${first ? '\n' : ',\n'}${part}`;
    first = false;
  }
  yield `${first ? '' : '\n'}],"summary":${summary}}\n`;
}

/**
 * Error records compressed together, and written as one piece of the `json` document's end. Small,
 * so that the records die young (a batch that lives longer is promoted to the old generation, and
 * a million of them grow the heap by hundreds of MB before a full GC).
 */
const ERROR_PART = 256;

/**
 * The error records of a `json` batch document, kept until the end (their array follows the
 * results). They are kept compressed, ERROR_PART records at a time: error records repeat the
 * pipeline stamp and differ by a few characters, so a million of them (about 650 MB of JSON with the
 * default pipeline) take about 10 MB. Read back once, part by part: never as one string.
 */
export class ErrorSpool {
  #pending: string[] = [];
  #parts: Buffer[] = [];
  #count = 0;

  get count(): number {
    return this.#count;
  }

  add(json: string): void {
    this.#pending.push(json);
    this.#count++;
    if (this.#pending.length >= ERROR_PART) {
      this.#parts.push(deflateRawSync(this.#pending.join(',\n'), { level: 1 }));
      this.#pending = [];
    }
  }

  /** The records joined by `,\n`, in parts of ERROR_PART records; empties the spool. */
  *drain(): Generator<string> {
    const parts = this.#parts;
    this.#parts = [];
    for (let i = 0; i < parts.length; i++) {
      const text = inflateRawSync(parts[i]!).toString('utf8');
      parts[i] = EMPTY;
      yield text;
    }
    if (this.#pending.length > 0) yield this.#pending.join(',\n');
    this.#pending = [];
    this.#count = 0;
  }
}

const EMPTY = Buffer.alloc(0);

/** `ndjson`: one line per note, in input order: results and error results. No summary line. */
export const ndjsonFormat: OutputFormat = {
  name: 'ndjson',
  description: 'one JSON object per line: a result, or an error result {id, pipeline, error}',
  mediaType: 'application/x-ndjson',
  create() {
    const writer: JsonRecordWriter = {
      begin: () => '',
      result: (r) => `${JSON.stringify(r)}\n`,
      error: (e) => `${JSON.stringify(e)}\n`,
      resultFrame: () => ['', '\n'],
      errorJson: (json) => `${json}\n`,
      end: () => '',
    };
    return writer;
  },
};

export const BUILTIN_FORMATS: readonly OutputFormat[] = [jsonFormat, ndjsonFormat, fhirFormat, summaryFormat];

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
