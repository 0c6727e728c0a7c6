/**
 * Output formats of `clinote extract` (`--format NAME`). A format turns the stream of per-note
 * records into text; it does no I/O, so the CLI owns streams, backpressure and write errors.
 *
 * A later format (e.g. `fhir`) is one more `registerFormat(...)` call (or one more entry in
 * BUILTIN_FORMATS): the CLI lists the registered names as the `--format` choices.
 */
import { fhirFormat } from './fhir/format.js';
import type { JsonRecordWriter, OutputFormat } from './format-types.js';
import type { ErrorResult, Result } from './schema.js';

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
    const resultFrame = (): [string, string] => [results++ === 0 ? '\n' : ',\n', ''];
    const errorJson = (json: string): string => {
      errors.push(json);
      return '';
    };
    const writer: JsonRecordWriter = {
      begin: () => '{"results":[',
      result: (r) => `${resultFrame()[0]}${JSON.stringify(r)}`,
      error: (e) => errorJson(JSON.stringify(e)),
      resultFrame,
      errorJson,
      end(summary) {
        // the error records in parts of ERROR_PART records: a million of them would overflow one string
        const parts = [`${results > 0 ? '\n' : ''}],"errors":[`];
        for (let i = 0; i < errors.length; i += ERROR_PART) {
          parts.push(`${i === 0 ? '\n' : ',\n'}${errors.slice(i, i + ERROR_PART).join(',\n')}`);
        }
        parts.push(`${errors.length > 0 ? '\n' : ''}],"summary":${JSON.stringify(summary)}}\n`);
        errors.length = 0;
        return parts;
      },
    };
    return writer;
  },
};

/** Error records joined into one piece of the `json` document's end. */
const ERROR_PART = 4096;

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
