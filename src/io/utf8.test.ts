import { describe, expect, it } from 'vitest';
import { completeLength, countReplacement, Utf8ChunkDecoder } from './utf8.js';

describe('completeLength', () => {
  it('cuts before an incomplete trailing character', () => {
    const euro = Buffer.from('a€'); // 61 e2 82 ac
    expect(completeLength(euro)).toBe(4);
    expect(completeLength(euro.subarray(0, 3))).toBe(1);
    expect(completeLength(euro.subarray(0, 2))).toBe(1);
    expect(completeLength(Buffer.from('abc'))).toBe(3);
    expect(completeLength(Buffer.from([0x61, 0xff]))).toBe(2); // invalid, not incomplete
    expect(completeLength(Buffer.from([0xf0, 0x9f, 0x98]))).toBe(0);
  });
});

describe('Utf8ChunkDecoder', () => {
  it('decodes characters split across chunks without flagging them', () => {
    const bytes = Buffer.from('\uFEFFnote: 😀 café');
    const d = new Utf8ChunkDecoder();
    let text = '';
    let invalid = false;
    for (const b of bytes) {
      const r = d.decode(Buffer.from([b]));
      text += r.text;
      invalid ||= r.invalid;
    }
    const end = d.end();
    expect(text + end.text).toBe('note: 😀 café'); // BOM dropped at the start only
    expect(invalid || end.invalid).toBe(false);
  });

  it('flags the chunk holding invalid bytes', () => {
    const d = new Utf8ChunkDecoder();
    expect(d.decode(Buffer.from('ok '))).toEqual({ text: 'ok ', invalid: false });
    const r = d.decode(Buffer.from([0x43, 0x61, 0x66, 0xe9, 0x20]));
    expect(r).toEqual({ text: 'Caf\uFFFD ', invalid: true });
    expect(d.decode(Buffer.from('\uFEFFx'))).toEqual({ text: '\uFEFFx', invalid: false });
  });

  it('an incomplete character at the end is invalid', () => {
    const d = new Utf8ChunkDecoder();
    d.decode(Buffer.from([0x61, 0xe2, 0x82]));
    expect(d.end()).toEqual({ text: '\uFFFD', invalid: true });
  });

  it('countReplacement', () => {
    expect(countReplacement('a\uFFFDb\uFFFD')).toBe(2);
    expect(countReplacement('abc')).toBe(0);
  });
});
