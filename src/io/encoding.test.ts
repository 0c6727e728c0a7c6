import { describe, expect, it } from 'vitest';
import { binaryKind, detectEncoding, looksLikeCp1252 } from './encoding.js';
import { type InputEvent, readSource, textNoteEvent } from './notes.js';

const note = (e: InputEvent) => (e.type === 'note' ? e.note : null);
const utf16 = (s: string, be = false): Buffer => {
  const le = Buffer.from(s, 'utf16le');
  return be ? Buffer.from(le).swap16() : le;
};

describe('encodings', () => {
  const text = 'Patient takes aspirin bid. Temp 38\u00b0C, caf\u00e9.';

  it('UTF-16 with a BOM is decoded (LE and BE) and flagged with its encoding', () => {
    for (const [bytes, enc] of [
      [Buffer.concat([Buffer.from([0xff, 0xfe]), utf16(text)]), 'utf-16le'],
      [Buffer.concat([Buffer.from([0xfe, 0xff]), utf16(text, true)]), 'utf-16be'],
    ] as const) {
      const n = note(textNoteEvent('a.txt', bytes));
      expect(n?.text).toBe(text);
      expect(n?.flags).toEqual([
        { code: 'CLINOTE_W_INPUT_ENCODING', message: `decoded as ${enc} (byte order mark)` },
      ]);
    }
  });

  it('UTF-16 without a BOM is guessed', () => {
    const n = note(textNoteEvent('a.txt', utf16(text)));
    expect(n?.text).toBe(text);
    expect(n?.flags?.[0]?.code).toBe('CLINOTE_W_INPUT_ENCODING_GUESSED');
  });

  it('a UTF-8 BOM is dropped, no flag', () => {
    const n = note(textNoteEvent('a.txt', Buffer.from(`\ufeff${text}`, 'utf8')));
    expect(n?.text).toBe(text);
    expect(n?.flags).toEqual([]);
  });

  it('Windows-1252 is guessed when invalid UTF-8 reads sensibly, or named', () => {
    const bytes = Buffer.from([
      ...Buffer.from('Temp 38'),
      0xb0,
      ...Buffer.from('C \u2013 '),
      0x93,
      0x6f,
      0x6b,
      0x94,
    ]);
    const cp = Buffer.from([
      ...Buffer.from('Seen at the caf'),
      0xe9,
      0x20,
      0x93,
      0x71,
      0x94,
      0x20,
      0x96,
      0x20,
      0xb5,
      0x67,
    ]);
    expect(looksLikeCp1252(cp)).toBe(true);
    const n = note(textNoteEvent('a.txt', cp));
    expect(n?.text).toBe('Seen at the caf\u00e9 \u201cq\u201d \u2013 \u00b5g');
    expect(n?.flags).toEqual([
      { code: 'CLINOTE_W_INPUT_ENCODING_GUESSED', message: 'decoded as windows-1252 (guessed)' },
    ]);
    expect(note(textNoteEvent('a.txt', cp, 'latin1'))?.flags?.[0]?.message).toBe(
      'decoded as latin1 (--encoding)',
    );
    // named as UTF-8: U+FFFD and the invalid-UTF-8 flag, as before
    expect(note(textNoteEvent('a.txt', bytes, 'utf-8'))?.flags?.[0]?.code).toBe(
      'CLINOTE_W_INPUT_INVALID_UTF8',
    );
    expect(detectEncoding(Buffer.from('plain ascii'), 'auto')).toEqual({
      encoding: 'utf-8',
      source: 'default',
      bomLength: 0,
    });
  });

  it('binary files are refused with a coded error that quotes no bytes', () => {
    const cases: [Buffer, string][] = [
      [Buffer.from('%PDF-1.7\n1 0 obj'), 'PDF'],
      [Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 6, 0]), 'ZIP (DOCX, XLSX, ODT)'],
      [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]), 'PNG'],
      [Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]), 'JPEG'],
      [Buffer.from([0x1f, 0x8b, 8, 0, 0, 0]), 'GZIP'],
      [Buffer.from('abc\0def bid aspirin'), 'NUL bytes'],
      [Buffer.from('\x01\x02\x03\x04 bid aspirin'), 'control bytes'],
    ];
    for (const [bytes, kind] of cases) {
      expect(binaryKind(bytes)).toBe(kind);
      const e = textNoteEvent('x.txt', bytes);
      expect(e.type).toBe('error');
      if (e.type === 'error') {
        expect(e.error.code).toBe('CLINOTE_E_INPUT_BINARY');
        expect(e.error.message).not.toMatch(/aspirin|obj/);
      }
    }
    expect(binaryKind(Buffer.from('Tab\there\r\nform\ffeed'))).toBeNull();
  });

  it('NDJSON and CSV streams: UTF-16 transcoded, binary refused', async () => {
    const events = async (chunks: Buffer[], format: 'ndjson' | 'csv') => {
      const out: InputEvent[] = [];
      for await (const e of readSource(chunks, 'f', 'f', format, {
        textField: 'text',
        idField: 'id',
        dateField: 'noteDate',
        maxNoteBytes: 1 << 20,
      })) {
        if (e.type !== 'progress') out.push(e);
      }
      return out;
    };
    const nd = utf16('{"id":"a","text":"caf\u00e9"}\n{"id":"b","text":"bid"}\n');
    const bom = Buffer.from([0xff, 0xfe]);
    // split inside a code unit: the decoder carries the odd byte
    const ev = await events([Buffer.concat([bom, nd.subarray(0, 7)]), nd.subarray(7)], 'ndjson');
    expect(
      ev.map((e) => (e.type === 'note' ? [e.note.id, e.note.text, e.note.flags?.[0]?.code] : e.type)),
    ).toEqual([
      ['a', 'caf\u00e9', 'CLINOTE_W_INPUT_ENCODING'],
      ['b', 'bid', 'CLINOTE_W_INPUT_ENCODING'],
    ]);
    const csv = await events([Buffer.concat([bom, utf16('id,text\n1,caf\u00e9\n')])], 'csv');
    expect(csv.map((e) => (e.type === 'note' ? e.note.text : e.type))).toEqual(['caf\u00e9']);
    const zip = await events([Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3])], 'csv');
    expect(zip.map((e) => (e.type === 'error' ? e.error.code : e.type))).toEqual(['CLINOTE_E_INPUT_BINARY']);
  });
});
