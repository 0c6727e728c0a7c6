import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalize } from './normalize.js';

describe('normalize: table', () => {
  const rows: { name: string; text: string; expect: string }[] = [
    { name: 'plain ASCII is unchanged', text: 'Pain in chest.', expect: 'Pain in chest.' },
    { name: 'NBSP and tabs become spaces', text: 'BP\u00a0120/80\tHR 88', expect: 'BP 120/80 HR 88' },
    { name: 'CRLF becomes LF', text: 'A\r\nB\rC', expect: 'A\nB\nC' },
    { name: 'zero-width and BOM dropped', text: '\ufeffno\u200b fever', expect: 'no fever' },
    { name: 'NUL read as space', text: 'a\u0000b', expect: 'a b' },
    { name: 'combining accent composed (NFC)', text: 'cafe\u0301', expect: 'café' },
    {
      name: 'typographic quotes and dashes',
      text: '\u201cno\u201d \u2013 it\u2019s',
      expect: '"no" - it\'s',
    },
    {
      name: 'transcription header commas',
      text: 'HPI:,  Pain.,PLAN: , Rest.',
      expect: 'HPI:\n  Pain.\nPLAN: \n Rest.',
    },
    {
      name: 'header with spaces before comma',
      text: 'DIAGNOSIS:  ,Obesity.',
      expect: 'DIAGNOSIS:  \nObesity.',
    },
    {
      name: 'etc., and is kept',
      text: 'pain, swelling, etc., and fever',
      expect: 'pain, swelling, etc., and fever',
    },
    {
      name: 'soft wrap joined',
      text: 'patient reports\nworsening pain',
      expect: 'patient reports worsening pain',
    },
    {
      name: 'list lines kept',
      text: 'Meds:\n- aspirin\n- metformin',
      expect: 'Meds:\n- aspirin\n- metformin',
    },
    { name: 'sentence end keeps newline', text: 'Stable.\nno change', expect: 'Stable.\nno change' },
    { name: 'header line keeps newline', text: 'PLAN\nrest and fluids', expect: 'PLAN\nrest and fluids' },
  ];
  for (const r of rows) it(r.name, () => expect(normalize(r.text).text).toBe(r.expect));

  it('options turn steps off', () => {
    expect(normalize('HPI:, x', { transcriptionCommas: false }).text).toBe('HPI:, x');
    expect(normalize('a\nbc', { softWraps: false }).text).toBe('a\nbc');
    expect(normalize('cafe\u0301', { nfc: false }).text).toBe('cafe\u0301');
  });
});

describe('normalize: offset map', () => {
  it('is the identity when lengths do not change', () => {
    const v = normalize('BP\u00a0120/80, HPI:, pain');
    expect(v.isIdentityMap).toBe(true);
    expect(v.toOriginal(3, 9)).toEqual([3, 9]);
  });

  it('maps spans after CRLF, zero-width and NFC back to the original', () => {
    const original = 'A.\r\nca\u0301fe\u0301\u200b ok';
    const v = normalize(original);
    expect(v.text).toBe('A.\ncáfé ok');
    const i = v.text.indexOf('cáfé');
    const [s, e] = v.toOriginal(i, i + 4);
    expect(original.slice(s, e)).toBe('ca\u0301fe\u0301');
    const j = v.text.indexOf('ok');
    const [s2, e2] = v.toOriginal(j, j + 2);
    expect(original.slice(s2, e2)).toBe('ok');
  });

  // marks that NFC expands (U+0F75 -> U+0F71 U+0F74, U+0344 -> U+0308 U+0301) after a character
  // NFC leaves alone: that character keeps its own offset, only the marks map as one block
  it.each([
    ['\n\u0f75WBC', [0, 1, 1, 2, 3, 4, 5], [1, 2, 2, 3, 4, 5]],
    ['b.i.d\u0344', [0, 1, 2, 3, 4, 5, 5, 6], [1, 2, 3, 4, 5, 6, 6]],
    [' \u0344x', [0, 1, 1, 2, 3], [1, 2, 2, 3]],
  ])('keeps the base before an expanding mark at its own offset: %j', (text, starts, ends) => {
    const v = normalize(text);
    expect(Array.from(v.starts ?? [])).toEqual(starts);
    expect(Array.from(v.ends ?? [])).toEqual(ends);
  });

  it('property: every normalized span maps to an in-bounds, ordered original span', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), fc.nat(), fc.nat(), (text, a, b) => {
        const v = normalize(text);
        const n = v.text.length;
        const s = n === 0 ? 0 : a % (n + 1);
        const e = n === 0 ? 0 : s + (b % (n - s + 1));
        const [os, oe] = v.toOriginal(s, e);
        expect(os).toBeGreaterThanOrEqual(0);
        expect(oe).toBeLessThanOrEqual(text.length);
        expect(os).toBeLessThanOrEqual(oe);
        if (e > s) expect(oe).toBeGreaterThan(os);
        // monotone: a later normalized start never maps before an earlier one
        if (s + 1 <= n) expect(v.offsetToOriginal(s + 1)).toBeGreaterThanOrEqual(v.offsetToOriginal(s));
      }),
      { numRuns: 500 },
    );
  });
});
