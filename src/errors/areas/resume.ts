import type { ErrorSpec } from '../types.js';

/**
 * Resumable local runs (`clinote extract --out FILE --resume`, src/batch/resume.ts) and the FHIR
 * Bulk Data NDJSON reader (src/io/fhir-bulk.ts).
 */
export const RESUME_ERRORS = [
  {
    code: 'CLINOTE_E_RESUME_FORMAT',
    httpStatus: 400,
    severity: 'error',
    meaning:
      '`--resume` was given with an output that cannot be appended to: the `json` document, or a FHIR Bundle written alone (one note). Nothing was written.',
    remedy:
      'Use `--format ndjson`, or `--format fhir` with several notes (FHIR NDJSON, one Bundle per line).',
  },
  {
    code: 'CLINOTE_E_RESUME_NO_OUTPUT',
    httpStatus: 400,
    severity: 'error',
    meaning: '`--resume` was given without `--out`: the progress is kept beside the output file.',
    remedy: 'Name the output file with `--out results.ndjson`.',
  },
  {
    code: 'CLINOTE_E_RESUME_STDIN',
    httpStatus: 400,
    severity: 'error',
    meaning:
      '`--resume` was given with `-` (stdin) among the inputs: stdin cannot be read again nor checked against the first run.',
    remedy: 'Write the input to a file first (e.g. `zcat notes.ndjson.gz > notes.ndjson`) and extract that.',
  },
  {
    code: 'CLINOTE_E_RESUME_INPUT_CHANGED',
    httpStatus: 409,
    severity: 'error',
    meaning:
      'The run to resume was made on other inputs (a path, size or modification time differs, a file was added or removed), with other options that change the results, or with another pipeline version; or the input no longer holds the notes already done. Nothing was appended.',
    remedy:
      'Run the same command as the interrupted run. To start over, run without `--resume` (the output and the state are rewritten).',
  },
  {
    code: 'CLINOTE_E_RESUME_OUTPUT_MISMATCH',
    httpStatus: 409,
    severity: 'error',
    meaning:
      'The output file is not the one the resume state describes: it is shorter than the committed length, or its last committed bytes differ (it was replaced or edited). Nothing was appended.',
    remedy: 'Run without `--resume` to start over (the output and the state are rewritten).',
  },
  {
    code: 'CLINOTE_E_RESUME_STATE_INVALID',
    httpStatus: 500,
    severity: 'error',
    meaning:
      'The resume state file beside the output (`<out>.clinote-state`) cannot be read: not a state file, damaged, or written by a newer Clinote.',
    remedy: 'Run without `--resume` to start over (the output and the state are rewritten).',
  },
  {
    code: 'CLINOTE_E_RESUME_LOCKED',
    httpStatus: 409,
    severity: 'error',
    meaning: 'Another `clinote extract` process is writing the same output and its resume state.',
    remedy: 'Wait for it to end (or stop it), then resume.',
  },
  {
    code: 'CLINOTE_E_INPUT_FHIR_NOT_DOCUMENT',
    httpStatus: 422,
    severity: 'error',
    meaning:
      'A line of a FHIR Bulk Data NDJSON input is a FHIR resource other than a DocumentReference (the message gives its line and type). It is an error record in its place; the other lines go on.',
    remedy: 'Extract only the DocumentReference files of the export (e.g. `DocumentReference.ndjson`).',
  },
  {
    code: 'CLINOTE_E_INPUT_FHIR_NO_INLINE_TEXT',
    httpStatus: 422,
    severity: 'error',
    meaning:
      'A DocumentReference has no attachment with inline `data` and contentType text/plain (e.g. only a `url`, or a PDF). The message gives the line and what was found.',
    remedy:
      'Export the notes with their text inline (base64 `data`, text/plain), or fetch the attachments first.',
  },
  {
    code: 'CLINOTE_E_INPUT_FHIR_BAD_ATTACHMENT',
    httpStatus: 422,
    severity: 'error',
    meaning:
      'The inline text attachment of a DocumentReference cannot be decoded: invalid base64, bytes that are not UTF-8, or a charset other than UTF-8 (or US-ASCII).',
    remedy: 'Fix the exporter; the message gives the line and the reason. The other lines were processed.',
  },
] as const satisfies readonly ErrorSpec[];
