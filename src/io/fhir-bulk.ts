/**
 * FHIR Bulk Data NDJSON input (`$export` files: one FHIR resource per line). Each line that is a
 * `DocumentReference` whose `content[].attachment` holds inline `data` (base64) of contentType
 * `text/plain` (charset UTF-8, the default, or US-ASCII) becomes a note:
 *
 * - id: the resource `id` (else `<file>:<line>`);
 * - text: the decoded attachment (the first inline text/plain one), BOM dropped;
 * - meta: `noteDate` from `date` when it is a date (`YYYY-MM-DD...`), `subject` (the reference),
 *   `type` (the codings of `type`).
 *
 * Every other non-blank line is an error record with its line number, never a silent drop: not
 * JSON (CLINOTE_E_INPUT_MALFORMED_JSON), another resource type (CLINOTE_E_INPUT_FHIR_NOT_DOCUMENT),
 * no inline text attachment, e.g. a `url` only (CLINOTE_E_INPUT_FHIR_NO_INLINE_TEXT), bad base64,
 * bytes that are not UTF-8 or another charset (CLINOTE_E_INPUT_FHIR_BAD_ATTACHMENT), a text over
 * the size limit (CLINOTE_E_INPUT_TOO_LARGE). Messages hold line numbers, resource types, content
 * types and codes: never note text.
 *
 * This file does not import ./notes.ts (which reads through it): its events have the same shapes
 * as `InputEvent`.
 */
import { isUtf8 } from 'node:buffer';
import { decodeUtf8 } from '../doc/decode.js';
import type { DocMeta } from '../doc/types.js';
import { ClinoteError } from '../errors/error.js';
import type { NoteInput } from '../pipeline/pipeline.js';
import type { Line } from './lines.js';

/** How NDJSON inputs are read (`--input-format`): by content, as plain notes, or as FHIR Bulk Data. */
export type NdjsonMode = 'auto' | 'ndjson' | 'fhir-ndjson';

export const NDJSON_MODES: readonly NdjsonMode[] = ['auto', 'ndjson', 'fhir-ndjson'];

export interface FhirBulkOptions {
  /** Largest note text, in UTF-8 bytes (decoded attachment). */
  readonly maxNoteBytes: number;
}

/** The events of a FHIR Bulk Data file: the `note`, `error` and `progress` shapes of `InputEvent`. */
export type FhirBulkEvent =
  | { readonly type: 'note'; readonly note: NoteInput }
  | { readonly type: 'error'; readonly id: string; readonly error: ClinoteError }
  | { readonly type: 'progress'; readonly bytes: number };

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Lenient: a line's JSON syntax only needs valid UTF-8 where the payload is (base64 is ASCII). */
const lineDecoder = new TextDecoder('utf-8', { fatal: false });

/** A short token safe to name in a message (a resource type, a content type), else null. */
const token = (v: unknown): string | null =>
  typeof v === 'string' && /^[A-Za-z0-9.+/;=\- ]{1,64}$/.test(v) ? v : null;

/** FHIR base64Binary: groups of 4 base64 characters, whitespace allowed between them. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

const UTF8_CHARSETS = new Set(['utf-8', 'utf8', 'us-ascii', 'ascii']);

/** `text/plain` with an optional charset parameter: the charset (lower case, '' when absent), or null. */
export function textPlainCharset(contentType: string): string | null {
  const [type, ...params] = contentType.split(';');
  if (type?.trim().toLowerCase() !== 'text/plain') return null;
  for (const p of params) {
    const eq = p.indexOf('=');
    if (eq < 0) continue;
    if (p.slice(0, eq).trim().toLowerCase() === 'charset') {
      return p
        .slice(eq + 1)
        .trim()
        .replace(/^"(.*)"$/, '$1')
        .toLowerCase();
    }
  }
  return '';
}

/** True when a line (the first non-blank one of a file) is a JSON object with a string `resourceType`. */
export function isFhirLine(bytes: Uint8Array): boolean {
  try {
    const value: unknown = JSON.parse(lineDecoder.decode(bytes));
    return isRecord(value) && typeof value.resourceType === 'string';
  } catch {
    return false;
  }
}

/**
 * Decide how an NDJSON source is read from its first non-blank line (`"resourceType"`: FHIR Bulk
 * Data), and give back every line, the ones already read included.
 */
export async function sniffFhir(
  lines: AsyncIterable<Line>,
): Promise<{ readonly fhir: boolean; readonly lines: AsyncIterable<Line> }> {
  const it = lines[Symbol.asyncIterator]();
  const head: Line[] = [];
  let fhir = false;
  let done = false;
  for (;;) {
    const next = await it.next();
    if (next.done) {
      done = true;
      break;
    }
    head.push(next.value);
    const { bytes } = next.value;
    if (bytes === null) break; // too long to look at: read as plain NDJSON (it fails there anyway)
    if (lineDecoder.decode(bytes).trim() === '') continue;
    fhir = isFhirLine(bytes);
    break;
  }
  async function* replay(): AsyncGenerator<Line> {
    yield* head;
    if (done) return;
    for (;;) {
      const next = await it.next();
      if (next.done) return;
      yield next.value;
    }
  }
  return { fhir, lines: replay() };
}

interface Where {
  readonly file: string;
  readonly line: number;
}

const lineError = (
  code:
    | 'CLINOTE_E_INPUT_MALFORMED_JSON'
    | 'CLINOTE_E_INPUT_FHIR_NOT_DOCUMENT'
    | 'CLINOTE_E_INPUT_FHIR_NO_INLINE_TEXT'
    | 'CLINOTE_E_INPUT_FHIR_BAD_ATTACHMENT'
    | 'CLINOTE_E_INPUT_TOO_LARGE',
  id: string,
  where: Where,
  what: string,
  details: Record<string, unknown> = {},
): FhirBulkEvent => ({
  type: 'error',
  id,
  error: new ClinoteError(code, `line ${where.line} of '${where.file}' ${what}`, {
    ...where,
    ...details,
  }),
});

function metaOf(resource: Record<string, unknown>): DocMeta | undefined {
  const meta: Record<string, unknown> = {};
  const { date, subject, type } = resource;
  // a FHIR instant or date: keep it when it starts with a calendar date
  if (typeof date === 'string' && /^\d{4}-\d{2}-\d{2}(?:$|T)/.test(date)) meta.noteDate = date;
  if (isRecord(subject) && typeof subject.reference === 'string' && subject.reference !== '') {
    meta.subject = subject.reference;
  }
  if (isRecord(type) && Array.isArray(type.coding)) {
    const coding = type.coding.filter(isRecord).map((c) => ({
      ...(typeof c.system === 'string' ? { system: c.system } : {}),
      ...(typeof c.code === 'string' ? { code: c.code } : {}),
      ...(typeof c.display === 'string' ? { display: c.display } : {}),
    }));
    if (coding.length > 0) meta.type = coding;
  }
  return Object.keys(meta).length > 0 ? (meta as DocMeta) : undefined;
}

/**
 * The note of one parsed line, or its error event. `value` is the parsed JSON of line `where.line`.
 */
export function documentReferenceEvent(
  value: unknown,
  where: Where,
  options: FhirBulkOptions,
): FhirBulkEvent {
  const lineId = `${where.file}:${where.line}`;
  if (!isRecord(value))
    return lineError('CLINOTE_E_INPUT_MALFORMED_JSON', lineId, where, 'is not a JSON object');
  const rawId = value.id;
  const id = typeof rawId === 'string' && rawId !== '' ? rawId : lineId;
  if (value.resourceType !== 'DocumentReference') {
    const type = token(value.resourceType);
    return lineError(
      'CLINOTE_E_INPUT_FHIR_NOT_DOCUMENT',
      id,
      where,
      type === null ? 'is not a FHIR resource (no resourceType)' : `is a ${type}, not a DocumentReference`,
      type === null ? {} : { resourceType: type },
    );
  }
  const content = Array.isArray(value.content) ? value.content : [];
  /** What the attachments held, for the message when none is usable. */
  const seen: string[] = [];
  for (const entry of content) {
    const attachment = isRecord(entry) ? entry.attachment : undefined;
    if (!isRecord(attachment)) continue;
    const contentType = typeof attachment.contentType === 'string' ? attachment.contentType : '';
    const charset = textPlainCharset(contentType);
    const hasData = typeof attachment.data === 'string';
    if (charset === null || !hasData) {
      const kind = token(contentType) ?? (contentType === '' ? 'no contentType' : 'another contentType');
      seen.push(`${kind}${hasData ? ' inline' : typeof attachment.url === 'string' ? ' by url' : ''}`);
      continue;
    }
    if (charset !== '' && !UTF8_CHARSETS.has(charset)) {
      return lineError(
        'CLINOTE_E_INPUT_FHIR_BAD_ATTACHMENT',
        id,
        where,
        `has a text attachment in charset '${token(charset) ?? '?'}' (only UTF-8 is read)`,
        { reason: 'charset' },
      );
    }
    const b64 = (attachment.data as string).replace(/\s+/g, '');
    if (!BASE64.test(b64)) {
      return lineError(
        'CLINOTE_E_INPUT_FHIR_BAD_ATTACHMENT',
        id,
        where,
        'has attachment data that is not base64',
        {
          reason: 'base64',
        },
      );
    }
    const bytes = Buffer.from(b64, 'base64');
    if (bytes.length > options.maxNoteBytes) {
      return lineError(
        'CLINOTE_E_INPUT_TOO_LARGE',
        id,
        where,
        `has a text of ${bytes.length} bytes, over the limit of ${options.maxNoteBytes}`,
        { id, bytes: bytes.length, limit: options.maxNoteBytes },
      );
    }
    if (!isUtf8(bytes)) {
      return lineError(
        'CLINOTE_E_INPUT_FHIR_BAD_ATTACHMENT',
        id,
        where,
        'has a text attachment that is not UTF-8',
        {
          reason: 'utf-8',
        },
      );
    }
    const { text, flags } = decodeUtf8(bytes);
    const meta = metaOf(value);
    return { type: 'note', note: { id, text, flags, byteLength: bytes.length, ...(meta ? { meta } : {}) } };
  }
  return lineError(
    'CLINOTE_E_INPUT_FHIR_NO_INLINE_TEXT',
    id,
    where,
    `has no inline text/plain attachment${seen.length > 0 ? ` (found: ${seen.join(', ')})` : ' (no content)'}`,
    { found: seen },
  );
}

/** Longest line kept in memory: base64 takes 4/3 of the text, JSON escapes and metadata the rest. */
export function maxFhirLineBytes(maxNoteBytes: number): number {
  return Math.min(maxNoteBytes * 6 + (1 << 20), 2 ** 31 - 1);
}

/** The events of the lines of a FHIR Bulk Data NDJSON file, in order (blank lines: progress only). */
export async function* fhirBulkEvents(
  lines: AsyncIterable<Line>,
  file: string,
  options: FhirBulkOptions,
): AsyncGenerator<FhirBulkEvent> {
  for await (const line of lines) {
    const where: Where = { file, line: line.number };
    if (line.bytes === null) {
      const maxLine = maxFhirLineBytes(options.maxNoteBytes);
      yield lineError(
        'CLINOTE_E_INPUT_TOO_LARGE',
        `${file}:${line.number}`,
        where,
        `is ${line.byteLength} bytes, over the limit of ${maxLine}`,
        { bytes: line.byteLength, limit: maxLine },
      );
    } else {
      const source = lineDecoder.decode(line.bytes);
      if (source.trim() !== '') {
        let value: unknown;
        let parsed = true;
        try {
          value = JSON.parse(source);
        } catch {
          parsed = false;
        }
        // the JSON.parse message quotes the input: never use it
        yield parsed
          ? documentReferenceEvent(value, where, options)
          : lineError('CLINOTE_E_INPUT_MALFORMED_JSON', `${file}:${line.number}`, where, 'is not valid JSON');
      }
    }
    yield { type: 'progress', bytes: line.byteLength };
  }
}
