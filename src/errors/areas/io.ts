import type { ErrorSpec } from '../types.js';

/** Input decoding: encodings and binary files (src/io/encoding.ts). */
export const IO_ERRORS = [
  {
    code: 'CLINOTE_E_INPUT_BINARY',
    httpStatus: 415,
    severity: 'error',
    meaning:
      'An input is a binary file, not text: a known file type (PDF, ZIP/DOCX/XLSX, PNG, JPEG, GIF, TIFF, GZIP, OLE2 DOC/XLS, ...), NUL bytes, or a high share of control bytes. Nothing is extracted from it; the batch goes on.',
    remedy:
      'Extract the text first (e.g. `pdftotext`, `unzip`/`docx2txt`, OCR), or decompress (`zcat notes.ndjson.gz | clinote extract - --stdin-format ndjson`). A UTF-16 file without a byte order mark is read with `--encoding utf-16le` or `utf-16be`.',
  },
  {
    code: 'CLINOTE_W_INPUT_ENCODING',
    httpStatus: 200,
    severity: 'warning',
    meaning:
      'The note was not UTF-8 and was decoded as the encoding its byte order mark or `--encoding` named (`utf-16le`, `utf-16be`, `windows-1252`, `latin1`); the message names it. Offsets index the decoded text.',
    remedy: 'Nothing to do; convert the files to UTF-8 to drop the flag.',
  },
  {
    code: 'CLINOTE_W_INPUT_ENCODING_GUESSED',
    httpStatus: 200,
    severity: 'warning',
    meaning:
      'The note had no byte order mark and was not valid UTF-8: its encoding was guessed (`windows-1252` when its high bytes read as accents, quotes, dashes and symbols; `utf-16le`/`utf-16be` from its zero bytes); the message names it.',
    remedy:
      'Check a few notes; name the encoding with `--encoding` to drop the guess (and the flag for UTF-8).',
  },
  {
    code: 'CLINOTE_W_INPUT_NOTE_DATE_INVALID',
    httpStatus: 200,
    severity: 'warning',
    meaning:
      'The note date of an NDJSON/CSV record (`--date-field`) is not an ISO 8601 calendar date (`YYYY-MM-DD`, optionally with a time), or not a real date (`2024-02-30`). The note is processed without a note date: relative dates ("3 days ago") are not resolved.',
    remedy: 'Write the dates as `YYYY-MM-DD`, or name the right column with `--date-field`.',
  },
] as const satisfies readonly ErrorSpec[];
