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
import { CSV_PROBLEMS, CsvReader } from './csv.js';
import {
  binaryError,
  binaryKind,
  decoderFor,
  detectEncoding,
  type EncodingChoice,
  encodingFlag,
} from './encoding.js';
import { fhirBulkEvents, type NdjsonMode, sniffFhir } from './fhir-bulk.js';
import { type ByteSource, type Line, readLines } from './lines.js';
import { checkNoteDate } from './note-date.js';
import { type InputFormat, type PlanItem, unreadable } from './plan.js';
import { completeLength, countReplacement, Utf8ChunkDecoder } from './utf8.js';

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
  /** `--encoding`: how input bytes are decoded (default `auto`: see src/io/encoding.ts). */
  readonly encoding?: EncodingChoice;
  /**
   * How NDJSON inputs are read (`--input-format`): `auto` (default) reads a file whose first
   * non-blank line has a `resourceType` as FHIR Bulk Data (src/io/fhir-bulk.ts), else as notes.
   */
  readonly ndjsonMode?: NdjsonMode;
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
  yield textNoteEvent(id, bytes, options.encoding);
  yield { type: 'progress', bytes: bytes.length };
}

/**
 * One plain-text note from its bytes: decoded (a BOM, `--encoding`, else detected), or refused
 * when the bytes are binary (`CLINOTE_E_INPUT_BINARY`: a PDF, a ZIP/DOCX, an image, NUL bytes...).
 */
export function textNoteEvent(id: string, bytes: Buffer, choice: EncodingChoice = 'auto'): InputEvent {
  const detected = detectEncoding(bytes, choice);
  const utf16 = detected.encoding === 'utf-16le' || detected.encoding === 'utf-16be';
  const kind = binaryKind(bytes.subarray(detected.bomLength), utf16 ? detected.encoding : null);
  if (kind !== null) return { type: 'error', id, error: binaryError(id, kind) };
  if (detected.encoding === 'utf-8') {
    const { text, flags } = decodeUtf8(detected.bomLength > 0 ? bytes.subarray(detected.bomLength) : bytes);
    return { type: 'note', note: { id, text, flags, byteLength: bytes.length } };
  }
  const text = decoderFor(detected.encoding).decode(bytes.subarray(detected.bomLength), false);
  const flag = encodingFlag(detected);
  const flags: Flag[] = flag ? [flag, ...inspectText(text)] : inspectText(text);
  return { type: 'note', note: { id, text, flags, byteLength: bytes.length } };
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
    if (format === 'text') {
      yield* textEvents(source, id, options);
      return;
    }
    const input = await openStream(source, options.encoding ?? 'auto');
    if (input.binary !== null) {
      yield { type: 'error', id, error: binaryError(id, input.binary) };
      return;
    }
    const events =
      format === 'ndjson'
        ? ndjsonOrFhirEvents(input.source, id, options)
        : csvEvents(input.source, id, options);
    if (input.flag === null) yield* events;
    else {
      for await (const event of events) {
        yield event.type === 'note'
          ? { type: 'note', note: { ...event.note, flags: [input.flag, ...(event.note.flags ?? [])] } }
          : event;
      }
    }
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
    yield textNoteEvent(id, Buffer.concat(parts, length), options.encoding);
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
  // a date that is not a real date is flagged, never passed on silently (src/io/note-date.ts)
  const noteDate = checkNoteDate(date);
  if (noteDate.flag) flags.push(noteDate.flag);
  const m: DocMeta | undefined = noteDate.date !== undefined ? { noteDate: noteDate.date } : undefined;
  return { id, text, flags, ...(m ? { meta: m } : {}) };
}

/** Lenient (U+FFFD for invalid sequences); drops a BOM at the start of a line. */
const lineDecoder = new TextDecoder('utf-8', { fatal: false });

/** Longest NDJSON line / CSV record kept in memory: JSON escapes can take 6 bytes per byte. */
export function maxRecordBytes(maxNoteBytes: number): number {
  return Math.min(maxNoteBytes * 6 + (1 << 20), 2 ** 31 - 1);
}

/** NDJSON notes, or FHIR Bulk Data DocumentReferences (`ndjsonMode`, by default by content). */
async function* ndjsonOrFhirEvents(
  source: Source,
  file: string,
  options: ReadOptions,
): AsyncGenerator<InputEvent> {
  const mode = options.ndjsonMode ?? 'auto';
  let lines: AsyncIterable<Line> = readLines(source, maxRecordBytes(options.maxNoteBytes));
  let fhir = mode === 'fhir-ndjson';
  if (mode === 'auto') ({ fhir, lines } = await sniffFhir(lines));
  if (fhir) yield* fhirBulkEvents(lines, file, options);
  else yield* ndjsonEvents(lines, file, options);
}

async function* ndjsonEvents(
  lines: AsyncIterable<Line>,
  file: string,
  options: ReadOptions,
): AsyncGenerator<InputEvent> {
  const { textField, idField, dateField } = options;
  const maxLine = maxRecordBytes(options.maxNoteBytes);
  for await (const line of lines) {
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

/**
 * An NDJSON or CSV byte stream, ready to be read as UTF-8: its first chunk decides the encoding (a
 * BOM, `--encoding`, else detected) and whether it is binary (then nothing more is read). A stream
 * in another encoding is transcoded to UTF-8, and each of its notes carries the encoding's flag.
 */
async function openStream(
  source: Source,
  choice: EncodingChoice,
): Promise<{ source: Source; binary: string | null; flag: Flag | null }> {
  const iterator: AsyncIterator<Buffer | Uint8Array | string> | Iterator<Buffer | Uint8Array | string> =
    Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : source[Symbol.iterator]();
  const toBuffer = (raw: Buffer | Uint8Array | string): Buffer =>
    typeof raw === 'string' ? Buffer.from(raw, 'utf8') : Buffer.isBuffer(raw) ? raw : Buffer.from(raw);
  const head = await iterator.next();
  if (head.done) return { source: [], binary: null, flag: null };
  const first = toBuffer(head.value);
  const detected = detectEncoding(first.subarray(0, completeLength(first)), choice);
  const utf16 = detected.encoding === 'utf-16le' || detected.encoding === 'utf-16be';
  const binary = binaryKind(first.subarray(detected.bomLength, 8192), utf16 ? detected.encoding : null);
  if (binary !== null) {
    await iterator.return?.();
    return { source: [], binary, flag: null };
  }
  async function* rest(): AsyncGenerator<Buffer> {
    if (detected.encoding === 'utf-8') {
      yield first;
      for (let r = await iterator.next(); !r.done; r = await iterator.next()) yield toBuffer(r.value);
      return;
    }
    const decoder = decoderFor(detected.encoding);
    yield Buffer.from(decoder.decode(first.subarray(detected.bomLength), true), 'utf8');
    for (let r = await iterator.next(); !r.done; r = await iterator.next()) {
      yield Buffer.from(decoder.decode(toBuffer(r.value), true), 'utf8');
    }
    const tail = decoder.decode(new Uint8Array(0), false);
    if (tail.length > 0) yield Buffer.from(tail, 'utf8');
  }
  return { source: rest(), binary: null, flag: encodingFlag(detected) };
}

/**
 * CSV notes: a header row, then one note per record (src/io/csv.ts: malformed records, such as a
 * stray quote, are `CLINOTE_E_INPUT_MALFORMED_CSV` error records with their line numbers, and the
 * rows after them are still read).
 */
async function* csvEvents(source: Source, file: string, options: ReadOptions): AsyncGenerator<InputEvent> {
  const { textField, idField, dateField } = options;
  const reader = new CsvReader({ maxRecordChars: maxRecordBytes(options.maxNoteBytes) });
  const decoder = new Utf8ChunkDecoder();
  let header: string[] | null = null;
  let textAt = -1;
  let idAt = -1;
  let dateAt = -1;
  let row = 0;
  let stop = false;
  let invalidPending = false; // invalid UTF-8 since the last complete record

  const toEvent = (item: ReturnType<CsvReader['push']>[number], invalid: boolean): InputEvent | null => {
    if (header === null) {
      if (item.kind === 'malformed') {
        stop = true;
        return {
          type: 'error',
          id: `${file}:0`,
          error: new ClinoteError(
            'CLINOTE_E_INPUT_MALFORMED_CSV',
            `the header row of '${file}' (line ${item.line}) is malformed: ${CSV_PROBLEMS[item.problem]}; the file is not read`,
            { file, row: 0, line: item.line, reason: item.problem },
          ),
        };
      }
      header = item.fields.map((h) => h.replace(/^\uFEFF/, '').trim());
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
    if (item.kind === 'malformed') {
      const lines = item.endLine > item.line ? `lines ${item.line}-${item.endLine}` : `line ${item.line}`;
      return {
        type: 'error',
        id: rowId,
        error: new ClinoteError(
          'CLINOTE_E_INPUT_MALFORMED_CSV',
          `row ${row} of '${file}' (${lines}) is malformed: ${CSV_PROBLEMS[item.problem]}`,
          {
            file,
            row,
            line: item.line,
            ...(item.endLine > item.line ? { endLine: item.endLine } : {}),
            reason: item.problem,
          },
        ),
      };
    }
    const record = item.fields;
    const id = (idAt >= 0 ? fieldId(record[idAt]) : null) ?? rowId;
    const text = textAt >= 0 ? record[textAt] : undefined;
    if (text === undefined) {
      return {
        type: 'error',
        id,
        error: new ClinoteError(
          'CLINOTE_E_INPUT_MISSING_FIELD',
          `row ${row} of '${file}' has no column '${textField}'`,
          { file, row, line: item.line, field: textField },
        ),
      };
    }
    return { type: 'note', note: noteOf(id, text, dateAt >= 0 ? record[dateAt] : undefined, invalid) };
  };

  const push = function* (items: ReturnType<CsvReader['push']>, invalid: boolean): Generator<InputEvent> {
    for (let i = 0; i < items.length && !stop; i++) {
      // the first record may have begun in earlier chunks; the others lie in this one
      const event = toEvent(items[i]!, invalid || (i === 0 && invalidPending));
      if (event) yield event;
    }
    if (items.length > 0) invalidPending = invalid;
    else invalidPending ||= invalid;
  };

  for await (const raw of source) {
    const chunk = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : Buffer.from(raw);
    const { text, invalid } = decoder.decode(chunk);
    yield* push(reader.push(text), invalid);
    yield { type: 'progress', bytes: chunk.length };
    if (stop) return;
  }
  const rest = decoder.end();
  yield* push(reader.push(rest.text), rest.invalid);
  if (stop) return;
  yield* push(reader.end(), invalidPending);
  if (stop) return;
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
