/**
 * The `fhir` output format for `clinote extract --format fhir` (docs/fhir.md). Its records are FHIR
 * Bundles made by `toFhirBundle(doc, pipeline, options)` where the Doc is at hand (the CLI), not the
 * JSON results the other formats take:
 *
 * - a single-note input: the Bundle, pretty-printed;
 * - otherwise: FHIR NDJSON (`application/fhir+ndjson`), one Bundle per line, in input order;
 * - a note that failed: an OperationOutcome on its line, naming the note and the error code.
 */

import type { JsonRecordWriter, OutputFormat, WriterOptions } from '../format-types.js';
import type { ErrorResult, Result } from '../schema.js';
import { toFhirBundle } from './bundle.js';
import type { Bundle } from './types.js';

export interface OperationOutcome {
  resourceType: 'OperationOutcome';
  issue: {
    severity: 'fatal' | 'error' | 'warning' | 'information';
    code: string;
    details?: { coding?: { system: string; code: string }[]; text?: string };
    diagnostics?: string;
    expression?: string[];
  }[];
}

/** The OperationOutcome of a note Clinote could not process. */
export function errorOutcome(e: ErrorResult): OperationOutcome {
  return {
    resourceType: 'OperationOutcome',
    issue: [
      {
        severity: 'error',
        code: 'processing',
        details: {
          coding: [{ system: 'https://clinote.dev/fhir/CodeSystem/error', code: e.error.code }],
          text: `note '${e.id}'`,
        },
        diagnostics: e.error.message,
      },
    ],
  };
}

function isBundle(x: unknown): x is Bundle {
  return typeof x === 'object' && x !== null && (x as { resourceType?: unknown }).resourceType === 'Bundle';
}

export const fhirFormat: OutputFormat = {
  name: 'fhir',
  description:
    'FHIR R4: one Bundle per note (NDJSON for several notes); a failed note is an OperationOutcome',
  mediaType: 'application/fhir+ndjson',
  record: (doc, pipeline, options) =>
    toFhirBundle(doc, pipeline, { sourceDocument: { text: options.text === true } }),
  create({ single }: WriterOptions): JsonRecordWriter {
    const write = (record: unknown): string =>
      single ? `${JSON.stringify(record, null, 2)}\n` : `${JSON.stringify(record)}\n`;
    return {
      begin: () => '',
      result(r: Result): string {
        // the CLI passes this format's record(): toFhirBundle(doc, pipeline)
        if (!isBundle(r))
          throw new Error(
            'fhir writer: expected a FHIR Bundle (call toFhirBundle(doc, pipeline)), got a JSON result',
          );
        return write(r);
      },
      error: (e: ErrorResult) => write(errorOutcome(e)),
      end: () => '',
      // several notes: one compact Bundle per line, so a worker thread's serialized Bundle is written as is
      ...(single ? {} : { resultFrame: (): readonly [string, string] => ['', '\n'] }),
    };
  },
};
