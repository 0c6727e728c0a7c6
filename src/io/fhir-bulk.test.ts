/**
 * FHIR Bulk Data NDJSON input (./fhir-bulk.ts): DocumentReferences with inline text become notes;
 * every other line is an error record with its line number, never a silent drop; detection by
 * content and by `ndjsonMode`. Messages never hold note text.
 */
import { describe, expect, it } from 'vitest';
import type { ClinoteError } from '../errors/error.js';
import { documentReferenceEvent, type FhirBulkEvent, sniffFhir, textPlainCharset } from './fhir-bulk.js';
import { readLines } from './lines.js';
import { type InputEvent, readSource } from './notes.js';

const SECRET = 'Zebrafinchitis';
const TEXT = `HPI: ${SECRET} for two days. Metformin 500 mg BID.\n`;
const b64 = (s: string | Buffer): string => Buffer.from(s).toString('base64');

const doc = (
  over: Record<string, unknown> = {},
  attachment: Record<string, unknown> = {},
): Record<string, unknown> => ({
  resourceType: 'DocumentReference',
  id: 'doc-1',
  status: 'current',
  subject: { reference: 'Patient/p1' },
  date: '2021-03-04T10:20:30Z',
  type: { coding: [{ system: 'http://loinc.org', code: '11506-3', display: 'Progress note' }] },
  content: [{ attachment: { contentType: 'text/plain', data: b64(TEXT), ...attachment } }],
  ...over,
});

const where = { file: 'DocumentReference.ndjson', line: 7 };
const opts = { maxNoteBytes: 1 << 20 };
const event = (value: unknown): FhirBulkEvent => documentReferenceEvent(value, where, opts);
const errorOf = (e: FhirBulkEvent): ClinoteError => {
  if (e.type !== 'error') throw new Error(`expected an error, got ${e.type}`);
  return e.error;
};

describe('a DocumentReference line', () => {
  it('with inline text/plain data is a note: id, text, metadata', () => {
    const e = event(doc());
    expect(e.type).toBe('note');
    if (e.type !== 'note') return;
    expect(e.note.id).toBe('doc-1');
    expect(e.note.text).toBe(TEXT);
    expect(e.note.byteLength).toBe(Buffer.byteLength(TEXT));
    expect(e.note.flags).toEqual([]);
    expect(e.note.meta).toEqual({
      noteDate: '2021-03-04T10:20:30Z',
      subject: 'Patient/p1',
      type: [{ system: 'http://loinc.org', code: '11506-3', display: 'Progress note' }],
    });
  });

  it.each<[string, Record<string, unknown>, Record<string, unknown>, string]>([
    ['charset utf-8', {}, { contentType: 'text/plain; charset=UTF-8' }, TEXT],
    ['charset "utf-8" quoted', {}, { contentType: 'text/plain;charset="utf-8"' }, TEXT],
    ['us-ascii', {}, { contentType: 'text/plain; charset=us-ascii', data: b64('BP 120/80.') }, 'BP 120/80.'],
    ['base64 with line breaks', {}, { data: b64(TEXT).replace(/(.{16})/g, '$1\n') }, TEXT],
    ['a BOM (dropped)', {}, { data: b64(`\uFEFF${TEXT}`) }, TEXT],
    ['an empty text', {}, { data: '' }, ''],
    [
      'a url attachment first, then inline text',
      {
        content: [
          { attachment: { contentType: 'application/pdf', url: 'Binary/1' } },
          { attachment: { contentType: 'text/plain', data: b64(TEXT) } },
        ],
      },
      {},
      TEXT,
    ],
  ])('%s', (_name, over, attachment, text) => {
    const e = event(doc(over, attachment));
    expect(e.type).toBe('note');
    if (e.type === 'note') expect(e.note.text).toBe(text);
  });

  it('keeps a date only when it is a date; no id: <file>:<line>', () => {
    for (const [date, kept] of [
      ['2021-03-04', true],
      ['2021-03-04T10:20:30+01:00', true],
      ['2021', false],
      ['yesterday', false],
      [20210304, false],
    ] as const) {
      const e = event(doc({ date }));
      if (e.type !== 'note') throw new Error('expected a note');
      expect(e.note.meta?.noteDate, String(date)).toBe(kept ? date : undefined);
    }
    const e = event(doc({ id: undefined, subject: undefined, type: undefined, date: undefined }));
    if (e.type !== 'note') throw new Error('expected a note');
    expect(e.note.id).toBe('DocumentReference.ndjson:7');
    expect(e.note.meta).toBeUndefined();
  });

  it('flags binary characters in the text, as other inputs do', () => {
    const e = event(doc({}, { data: b64('a\u0000b') }));
    if (e.type !== 'note') throw new Error('expected a note');
    expect(e.note.flags?.map((f) => f.code)).toEqual(['CLINOTE_W_INPUT_BINARY']);
  });

  it.each<[string, unknown, string, RegExp]>([
    ['not an object', [1, 2], 'CLINOTE_E_INPUT_MALFORMED_JSON', /not a JSON object/],
    ['a Patient', { resourceType: 'Patient', id: 'p1' }, 'CLINOTE_E_INPUT_FHIR_NOT_DOCUMENT', /is a Patient/],
    ['no resourceType', { id: 'x', text: TEXT }, 'CLINOTE_E_INPUT_FHIR_NOT_DOCUMENT', /not a FHIR resource/],
    [
      'a url only',
      doc({ content: [{ attachment: { contentType: 'text/plain', url: 'Binary/9' } }] }),
      'CLINOTE_E_INPUT_FHIR_NO_INLINE_TEXT',
      /text\/plain by url/,
    ],
    [
      'a PDF inline',
      doc({}, { contentType: 'application/pdf' }),
      'CLINOTE_E_INPUT_FHIR_NO_INLINE_TEXT',
      /application\/pdf inline/,
    ],
    [
      'no contentType',
      doc({}, { contentType: undefined }),
      'CLINOTE_E_INPUT_FHIR_NO_INLINE_TEXT',
      /no contentType/,
    ],
    ['no content', doc({ content: [] }), 'CLINOTE_E_INPUT_FHIR_NO_INLINE_TEXT', /no content/],
    ['content not an array', doc({ content: 'x' }), 'CLINOTE_E_INPUT_FHIR_NO_INLINE_TEXT', /no content/],
    ['bad base64', doc({}, { data: 'SGVsbG8*' }), 'CLINOTE_E_INPUT_FHIR_BAD_ATTACHMENT', /not base64/],
    ['base64 cut short', doc({}, { data: 'SGVsbG8' }), 'CLINOTE_E_INPUT_FHIR_BAD_ATTACHMENT', /not base64/],
    [
      'latin-1 bytes',
      doc({}, { data: b64(Buffer.from([0x63, 0x61, 0x66, 0xe9])) }),
      'CLINOTE_E_INPUT_FHIR_BAD_ATTACHMENT',
      /not UTF-8/,
    ],
    [
      'another charset',
      doc({}, { contentType: 'text/plain; charset=ISO-8859-1' }),
      'CLINOTE_E_INPUT_FHIR_BAD_ATTACHMENT',
      /charset 'iso-8859-1'/,
    ],
  ])('%s: an error record with its line', (_name, value, code, message) => {
    const error = errorOf(event(value));
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
    expect(error.message).toMatch(/^line 7 of 'DocumentReference\.ndjson'/);
    expect(error.message).not.toContain(SECRET);
    expect(error.details).toMatchObject({ file: 'DocumentReference.ndjson', line: 7 });
  });

  it('a text over the size limit is CLINOTE_E_INPUT_TOO_LARGE', () => {
    const e = documentReferenceEvent(doc(), where, { maxNoteBytes: 10 });
    expect(errorOf(e).code).toBe('CLINOTE_E_INPUT_TOO_LARGE');
  });

  it('reads the charset of a content type', () => {
    expect(textPlainCharset('text/plain')).toBe('');
    expect(textPlainCharset('TEXT/PLAIN; Charset=UTF-8')).toBe('utf-8');
    expect(textPlainCharset('text/html')).toBeNull();
  });
});

async function read(
  lines: readonly string[],
  ndjsonMode?: 'auto' | 'ndjson' | 'fhir-ndjson',
): Promise<Exclude<InputEvent, { type: 'progress' }>[]> {
  const out: Exclude<InputEvent, { type: 'progress' }>[] = [];
  const options = {
    textField: 'text',
    idField: 'id',
    dateField: 'noteDate',
    maxNoteBytes: 1 << 20,
    ...(ndjsonMode ? { ndjsonMode } : {}),
  };
  for await (const e of readSource([lines.join('\n')], 'f.ndjson', 'f.ndjson', 'ndjson', options)) {
    if (e.type !== 'progress') out.push(e);
  }
  return out;
}

const summary = (events: Exclude<InputEvent, { type: 'progress' }>[]): string[] =>
  events.map((e) => (e.type === 'note' ? `note ${e.note.id}` : `${e.error.code} ${e.id}`));

describe('a FHIR Bulk Data file', () => {
  const file = [
    '',
    JSON.stringify(doc()),
    JSON.stringify(doc({ id: 'doc-2' })),
    JSON.stringify({ resourceType: 'Patient', id: 'p1' }),
    '{"resourceType": "DocumentReference", "id": "torn',
    '   ',
    JSON.stringify(doc({ id: 'doc-3', content: [{ attachment: { contentType: 'text/plain', url: 'x' } }] })),
    JSON.stringify(doc({ id: 'doc-4' })),
  ];

  it('is detected by its first non-blank line; one event per non-blank line, in order, with line numbers', async () => {
    const events = await read(file);
    expect(summary(events)).toEqual([
      'note doc-1',
      'note doc-2',
      'CLINOTE_E_INPUT_FHIR_NOT_DOCUMENT p1',
      'CLINOTE_E_INPUT_MALFORMED_JSON f.ndjson:5',
      'CLINOTE_E_INPUT_FHIR_NO_INLINE_TEXT doc-3',
      'note doc-4',
    ]);
    const lines = events.flatMap((e) =>
      e.type === 'error' ? [(e.error.details as { line: number }).line] : [],
    );
    expect(lines).toEqual([4, 5, 7]);
    expect(await read(file, 'fhir-ndjson')).toHaveLength(6);
  });

  it('plain NDJSON notes stay notes; --input-format forces either reading', async () => {
    const notes = [
      JSON.stringify({ id: 'a', text: 'Note A.' }),
      JSON.stringify({ id: 'b', text: 'Note B.' }),
    ];
    expect(summary(await read(notes))).toEqual(['note a', 'note b']);
    // forced as FHIR: every line is an error record, none dropped
    expect(summary(await read(notes, 'fhir-ndjson'))).toEqual([
      'CLINOTE_E_INPUT_FHIR_NOT_DOCUMENT a',
      'CLINOTE_E_INPUT_FHIR_NOT_DOCUMENT b',
    ]);
    // forced as notes: DocumentReferences have no text field
    expect(summary(await read(file.slice(1, 2), 'ndjson'))).toEqual(['CLINOTE_E_INPUT_MISSING_FIELD doc-1']);
  });

  it('sniffing gives every line back, the ones it read included', async () => {
    const { fhir, lines } = await sniffFhir(readLines(['\n\n', JSON.stringify(doc()), '\nx\n'], 1 << 20));
    expect(fhir).toBe(true);
    const numbers: number[] = [];
    for await (const l of lines) numbers.push(l.number);
    expect(numbers).toEqual([1, 2, 3, 4]);
    expect((await sniffFhir(readLines(['{"resourceType": 1}'], 100))).fhir).toBe(false);
    expect((await sniffFhir(readLines(['not json'], 100))).fhir).toBe(false);
    expect((await sniffFhir(readLines([], 100))).fhir).toBe(false);
  });
});
