/**
 * Read notes from the planned inputs, one event at a time (nothing is held beyond one note, one
 * NDJSON line or one CSV chunk):
 * - `.txt`: the whole file is one note, decoded from bytes (invalid UTF-8 and binary are flagged);
 * - `.ndjson`/`.jsonl`: one note per line, fields named by `textField`, `idField`, `dateField`;
 * - `.csv`: a header row, then one note per record (quoted newlines allowed), same fields;
 * - stdin: one of the three (`stdinFormat`).
 *
 * Every note yields a `note` event or an `error` event; inputs that cannot be read yield an
 * `unreadable` event. Messages never hold note text.
 */
import { isUtf8 } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { decodeUtf8, inspectText } from '../doc/decode.js';
import type { DocMeta, Flag } from '../doc/types.js';
import { ClinoteError } from '../errors/error.js';
import type { NoteInput } from '../pipeline/pipeline.js';
import { CsvParser } from '../text/csv.js';
import { type ByteSource, readLines } from './lines.js';
import { type InputFormat, type PlanItem, unreadable } from './plan.js';
import { countReplacement, Utf8ChunkDecoder } from './utf8.js';

export interface NoteFields {
  /** Field (NDJSON key or CSV column) holding the note text. Default `text`. */
  readonly textField: string;
  /** Field holding the note id. Default `id`; when absent the id is `<file>:<line>` / `<file>:<row>`. */
  readonly idField: string;
  /** Field holding the note date, copied to `meta.noteDate`. Default `noteDate`. */
  readonly dateField: string;
}

export const DEFAULT_FIELDS: NoteFields = { textField: 'text', idField: 'id', dateField: 'noteDate' };

export interface ReadOptions extends NoteFields {
  readonly maxNoteBytes: number;
  /** Non-PHI notes for stderr (e.g. a CSV header lacking the text column). */
  readonly hint?: (message: string) => void;
}

export type InputEvent =
  | { readonly type: 'note'; readonly note: NoteInput }
  /** A note that cannot be processed (malformed line, missing field, too large). */
  | { readonly type: 'error'; readonly id: string; readonly error: ClinoteError }
  /** An input that cannot be read (or not as a note source): reported with its path. */
  | { readonly type: 'unreadable'; readonly id: string; readonly path: string; readonly error: ClinoteError }
  /** Bytes consumed, for progress. */
  | { readonly type: 'progress'; readonly bytes: number };

type Source = ByteSource;

/** Events of every planned item, in order. */
export async function* readPlanItems(
  items: readonly PlanItem[],
  stdin: Source,
  options: ReadOptions,
): AsyncGenerator<InputEvent> {
  for (const item of items) {
    switch (item.kind) {
      case 'failed':
        if (item.error.code === 'CLINOTE_E_INPUT_UNREADABLE') {
          yield { type: 'unreadable', id: item.id, path: item.path, error: item.error };
        } else yield { type: 'error', id: item.id, error: item.error };
        break;
      case 'file':
        yield* readFile(item.path, item.id, item.format, options);
        break;
      case 'stdin':
        yield* readSource(stdin, '-', item.id, item.format, options);
        break;
    }
  }
}

export function readFile(
  path: string,
  id: string,
  format: InputFormat,
  options: ReadOptions,
): AsyncGenerator<InputEvent> {
  if (format === 'text') return readTextFile(path, id, options);
  return readSource(createReadStream(path, { highWaterMark: 1 << 20 }), path, id, format, options);
}

export function tooLarge(id: string, bytes: number, limit: number, what = 'note'): ClinoteError {
  return new ClinoteError(
    'CLINOTE_E_INPUT_TOO_LARGE',
    `${what} '${id}' is ${bytes} bytes, over the limit of ${limit}`,
    { id, bytes, limit },
  );
}

async function* readTextFile(path: string, id: string, options: ReadOptions): AsyncGenerator<InputEvent> {
  let bytes: Buffer;
  let size: number;
  try {
    const fh = await open(path, 'r');
    try {
      size = (await fh.stat()).size;
      if (size > options.maxNoteBytes) {
        yield { type: 'error', id, error: tooLarge(id, size, options.maxNoteBytes) };
        yield { type: 'progress', bytes: size };
        return;
      }
      bytes = await fh.readFile();
    } finally {
      await fh.close();
    }
  } catch (e) {
    yield { type: 'unreadable', id, path, error: unreadable(path, id, e) };
    return;
  }
  yield { type: 'note', note: textNote(id, bytes) };
  yield { type: 'progress', bytes: bytes.length };
}

function textNote(id: string, bytes: Buffer): NoteInput {
  const { text, flags } = decodeUtf8(bytes);
  return { id, text, flags, byteLength: bytes.length };
}

/** Read one note source (a file stream or stdin) in the given format. */
export async function* readSource(
  source: Source,
  path: string,
  id: string,
  format: InputFormat,
  options: ReadOptions,
): AsyncGenerator<InputEvent> {
  try {
    if (format === 'ndjson') yield* ndjsonEvents(source, id, options);
    else if (format === 'csv') yield* csvEvents(source, id, options);
    else yield* textEvents(source, id, options);
  } catch (e) {
    if (e instanceof ClinoteError) yield { type: 'error', id, error: e };
    else yield { type: 'unreadable', id, path, error: unreadable(path, id, e) };
  }
}

async function* textEvents(source: Source, id: string, options: ReadOptions): AsyncGenerator<InputEvent> {
  const parts: Buffer[] = [];
  let length = 0;
  for await (const raw of source) {
    const chunk = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : Buffer.from(raw);
    length += chunk.length;
    // past the limit the note fails: keep reading to count, but stop keeping
    if (length <= options.maxNoteBytes) parts.push(chunk);
  }
  if (length > options.maxNoteBytes) {
    yield { type: 'error', id, error: tooLarge(id, length, options.maxNoteBytes) };
  } else {
    yield { type: 'note', note: textNote(id, Buffer.concat(parts, length)) };
  }
  yield { type: 'progress', bytes: length };
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function fieldId(value: unknown): string | null {
  if (typeof value === 'string' && value.length > 0) return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

function meta(date: unknown): DocMeta | undefined {
  return typeof date === 'string' && date.length > 0 ? { noteDate: date } : undefined;
}

function noteOf(id: string, text: string, date: unknown, invalidUtf8: boolean): NoteInput {
  const flags: Flag[] = [];
  if (invalidUtf8) {
    const count = countReplacement(text);
    if (count > 0) {
      flags.push({
        code: 'CLINOTE_W_INPUT_INVALID_UTF8',
        message: `invalid UTF-8: ${count} sequence(s) replaced by U+FFFD`,
        count,
      });
    }
  }
  flags.push(...inspectText(text));
  const m = meta(date);
  return { id, text, flags, ...(m ? { meta: m } : {}) };
}

/** Lenient (U+FFFD for invalid sequences); drops a BOM at the start of a line. */
const lineDecoder = new TextDecoder('utf-8', { fatal: false });

/** Longest NDJSON line / CSV record kept in memory: JSON escapes can take 6 bytes per byte. */
export function maxRecordBytes(maxNoteBytes: number): number {
  return Math.min(maxNoteBytes * 6 + (1 << 20), 2 ** 31 - 1);
}

async function* ndjsonEvents(source: Source, file: string, options: ReadOptions): AsyncGenerator<InputEvent> {
  const { textField, idField, dateField } = options;
  const maxLine = maxRecordBytes(options.maxNoteBytes);
  for await (const line of readLines(source, maxLine)) {
    const lineId = `${file}:${line.number}`;
    const where = { file, line: line.number };
    if (line.bytes === null) {
      yield { type: 'error', id: lineId, error: tooLarge(lineId, line.byteLength, maxLine, 'line') };
      yield { type: 'progress', bytes: line.byteLength };
      continue;
    }
    // the text field is inspected for binary characters below; here only validity matters
    const invalid = !isUtf8(line.bytes);
    const source = lineDecoder.decode(line.bytes);
    if (source.trim() === '') {
      yield { type: 'progress', bytes: line.byteLength };
      continue;
    }
    let value: unknown;
    let parsed = true;
    try {
      value = JSON.parse(source);
    } catch {
      parsed = false;
    }
    if (!parsed || !isRecord(value)) {
      // the JSON.parse message quotes the input: never use it
      yield {
        type: 'error',
        id: lineId,
        error: new ClinoteError(
          'CLINOTE_E_INPUT_MALFORMED_JSON',
          `line ${line.number} of '${file}' is ${parsed ? 'not a JSON object' : 'not valid JSON'}`,
          where,
        ),
      };
    } else {
      const id = fieldId(value[idField]) ?? lineId;
      const text = value[textField];
      if (typeof text !== 'string') {
        yield {
          type: 'error',
          id,
          error: new ClinoteError(
            'CLINOTE_E_INPUT_MISSING_FIELD',
            `line ${line.number} of '${file}' has no string field '${textField}'`,
            { ...where, field: textField },
          ),
        };
      } else {
        yield { type: 'note', note: noteOf(id, text, value[dateField], invalid) };
      }
    }
    yield { type: 'progress', bytes: line.byteLength };
  }
}

async function* csvEvents(source: Source, file: string, options: ReadOptions): AsyncGenerator<InputEvent> {
  const { textField, idField, dateField } = options;
  const parser = new CsvParser();
  const decoder = new Utf8ChunkDecoder();
  const maxRecord = maxRecordBytes(options.maxNoteBytes);
  let header: string[] | null = null;
  let textAt = -1;
  let idAt = -1;
  let dateAt = -1;
  let row = 0;
  let pending = 0; // bytes since the last complete record
  let invalidPending = false; // invalid UTF-8 since the last complete record

  const toEvent = (record: string[], invalid: boolean): InputEvent | null => {
    if (header === null) {
      header = record.map((h) => h.replace(/^\uFEFF/, '').trim());
      textAt = header.indexOf(textField);
      idAt = header.indexOf(idField);
      dateAt = header.indexOf(dateField);
      if (textAt < 0) {
        options.hint?.(
          `'${file}': no column '${textField}' (columns: ${header.join(', ')}); see --text-field`,
        );
      }
      return null;
    }
    row++;
    const rowId = `${file}:${row}`;
    const id = (idAt >= 0 ? fieldId(record[idAt]) : null) ?? rowId;
    const text = textAt >= 0 ? record[textAt] : undefined;
    if (text === undefined) {
      return {
        type: 'error',
        id,
        error: new ClinoteError(
          'CLINOTE_E_INPUT_MISSING_FIELD',
          `row ${row} of '${file}' has no column '${textField}'`,
          { file, row, field: textField },
        ),
      };
    }
    return { type: 'note', note: noteOf(id, text, dateAt >= 0 ? record[dateAt] : undefined, invalid) };
  };

  const push = function* (text: string, invalid: boolean, bytes: number): Generator<InputEvent> {
    const records = parser.push(text);
    for (let i = 0; i < records.length; i++) {
      // the first record may have begun in earlier chunks; the others lie in this one
      const event = toEvent(records[i]!, invalid || (i === 0 && invalidPending));
      if (event) yield event;
    }
    if (records.length > 0) {
      pending = bytes;
      invalidPending = invalid;
    } else {
      pending += bytes;
      invalidPending ||= invalid;
    }
  };

  for await (const raw of source) {
    const chunk = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : Buffer.from(raw);
    const { text, invalid } = decoder.decode(chunk);
    yield* push(text, invalid, chunk.length);
    yield { type: 'progress', bytes: chunk.length };
    if (pending > maxRecord) {
      const id = `${file}:${row + 1}`;
      yield {
        type: 'error',
        id,
        error: new ClinoteError(
          'CLINOTE_E_INPUT_MALFORMED_CSV',
          `row ${row + 1} of '${file}' is over ${maxRecord} bytes (an unterminated quote?); the rest of the file is not read`,
          { file, row: row + 1 },
        ),
      };
      return;
    }
  }
  const rest = decoder.end();
  yield* push(rest.text, rest.invalid, 0);
  let last: string[][];
  try {
    last = parser.end();
  } catch (e) {
    const id = `${file}:${row + 1}`;
    yield {
      type: 'error',
      id,
      error: new ClinoteError(
        'CLINOTE_E_INPUT_MALFORMED_CSV',
        `row ${row + 1} of '${file}': ${e instanceof ClinoteError ? 'unterminated quoted field' : 'cannot be parsed'}`,
        { file, row: row + 1 },
      ),
    };
    return;
  }
  for (const record of last) {
    const event = toEvent(record, invalidPending);
    if (event) yield event;
  }
  if (header === null) {
    // an empty file (or blank lines only): no header row, so no column to read notes from
    yield {
      type: 'error',
      id: `${file}:0`,
      error: new ClinoteError('CLINOTE_E_INPUT_MALFORMED_CSV', `'${file}' has no header row (it is empty)`, {
        file,
        row: 0,
      }),
    };
  }
}
