import { describe, expect, it } from 'vitest';
import { decodeUtf8, inspectText } from './decode.js';

describe('decodeUtf8', () => {
  it('decodes valid UTF-8 without flags', () => {
    const r = decodeUtf8(new TextEncoder().encode('Temp 38.2 °C'));
    expect(r.text).toBe('Temp 38.2 °C');
    expect(r.flags).toEqual([]);
  });

  it('replaces invalid sequences and flags them', () => {
    const r = decodeUtf8(Uint8Array.from([0x6e, 0x6f, 0xc3, 0x28, 0x20, 0x66, 0xff]));
    expect(r.text).toBe('no\ufffd( f\ufffd');
    expect(r.flags.map((f) => f.code)).toEqual(['CLINOTE_W_INPUT_INVALID_UTF8']);
    expect(r.flags[0]?.count).toBe(2);
  });

  it('flags NUL and binary bytes', () => {
    const r = decodeUtf8(Uint8Array.from([0x61, 0x00, 0x62, 0x07, 0x0a]));
    expect(r.flags.map((f) => f.code)).toEqual(['CLINOTE_W_INPUT_BINARY']);
    expect(r.flags[0]?.count).toBe(2);
  });

  it('does not flag tabs, newlines and form feeds', () => {
    expect(inspectText('a\tb\r\nc\fd')).toEqual([]);
  });
});
