import { describe, expect, it } from 'vitest';
import { fnv1a } from '../hash.js';
import { DEFAULT_FEATURES, Featurizer, findAbbreviations, wordShape } from './features.js';
import type { NerInput, NerToken } from './types.js';

function toks(text: string, sentenceBreaks: number[] = []): NerToken[] {
  const out: NerToken[] = [];
  let sentence = 0;
  let at = 0;
  for (const [i, w] of text.split(' ').entries()) {
    if (sentenceBreaks.includes(i)) sentence++;
    out.push({ text: w, start: at, end: at + w.length, sentence });
    at += w.length + 1;
  }
  return out;
}

describe('wordShape', () => {
  it.each([
    ['BRCA1', false, 'XXXX9'],
    ['BRCA1', true, 'X9'],
    ['Cancer', false, 'Xxxxxx'],
    ['Cancer', true, 'Xx'],
    ['x-linked', true, 'x-x'],
    ['é', false, 'x'],
    ['3.5', true, '9.9'],
  ])('%s (short %s) -> %s', (word, short, shape) => {
    expect(wordShape(word, short)).toBe(shape);
  });
});

describe('findAbbreviations', () => {
  it.each([
    ['the adenomatous polyposis coli ( APC ) gene', 'APC', 'adenomatous polyposis coli'],
    ['in Duchenne muscular dystrophy ( DMD ) patients', 'DMD', 'Duchenne muscular dystrophy'],
    ['the von Hippel-Lindau ( VHL ) tumor', 'VHL', 'von Hippel-Lindau'],
  ])('%s', (text, short, long) => {
    const t = toks(text);
    const [a] = findAbbreviations(t);
    expect(a?.short).toBe(short);
    expect(
      t
        .slice(a?.longStart, a?.longEnd)
        .map((x) => x.text)
        .join(' '),
    ).toBe(long);
  });

  it.each([['a value ( p ) here'], ['see ( Table ) here'], ['in muscular dystrophy . ( DMD ) x']])(
    'no definition in: %s',
    (text) => {
      expect(findAbbreviations(toks(text))).toEqual([]);
    },
  );
});

describe('Featurizer', () => {
  const f = new Featurizer({ ...DEFAULT_FEATURES, bits: 16 });
  const input = (text: string, dict?: string[], breaks: number[] = []): NerInput => {
    const tokens = toks(text, breaks);
    return { tokens, dict: dict ?? tokens.map(() => 'O') };
  };

  it('gives every token features within 2^bits, and is deterministic', () => {
    const a = f.features(input('Familial breast cancer is rare'));
    const b = new Featurizer({ ...DEFAULT_FEATURES, bits: 16 }).features(
      input('Familial breast cancer is rare'),
    );
    expect(a.offsets.length).toBe(6);
    expect([...a.feats]).toEqual([...b.feats]);
    for (const x of a.feats) expect(x).toBeLessThan(1 << 16);
    for (let k = 0; k < 5; k++)
      expect((a.offsets[k + 1] as number) - (a.offsets[k] as number)).toBeGreaterThan(20);
  });

  it('the same word in the same context has the same features; another neighbour changes them', () => {
    const a = f.features(input('a cancer b'));
    const b = f.features(input('a cancer b'));
    const c = f.features(input('x cancer b'));
    const row = (d: typeof a, k: number) => [...d.feats.slice(d.offsets[k], d.offsets[k + 1])];
    expect(row(a, 1)).toEqual(row(b, 1));
    expect(row(a, 1)).not.toEqual(row(c, 1));
  });

  it('context stops at sentence ends', () => {
    const one = f.features(input('x cancer', undefined, []));
    const two = f.features(input('x cancer', undefined, [1]));
    const y = f.features(input('y cancer', undefined, [1]));
    const row = (d: typeof one, k: number) => [...d.feats.slice(d.offsets[k], d.offsets[k + 1])];
    expect(row(one, 1)).not.toEqual(row(two, 1));
    // in its own sentence, the word before does not matter (position features aside)
    expect(row(two, 1)).toEqual(row(y, 1));
  });

  it('the dictionary tag, the document consistency and the abbreviation add features', () => {
    const plain = f.features(input('breast cancer and cancer'));
    const dict = f.features(input('breast cancer and cancer', ['B-problem', 'I-problem', 'O', 'O']));
    const count = (d: typeof plain, k: number) => (d.offsets[k + 1] as number) - (d.offsets[k] as number);
    // the last `cancer` was matched earlier in the document: two consistency features
    expect(count(dict, 3)).toBe(count(plain, 3) + 2);
    const noCons = new Featurizer({ ...DEFAULT_FEATURES, bits: 16, consistency: false }).features(
      input('breast cancer and cancer', ['B-problem', 'I-problem', 'O', 'O']),
    );
    expect(count(noCons, 3)).toBe(count(plain, 3));
    const abbr = f.features(input('in muscular dystrophy ( MD ) and MD'));
    const noAbbr = new Featurizer({ ...DEFAULT_FEATURES, bits: 16, abbreviations: false }).features(
      input('in muscular dystrophy ( MD ) and MD'),
    );
    expect(count(abbr, 7)).toBe(count(noAbbr, 7) + 3);
    expect(count(abbr, 1)).toBe(count(noAbbr, 1) + 1);
  });

  it('hashes with FNV-1a', () => {
    expect(fnv1a('')).toBe(0x811c9dc5);
    expect(fnv1a('a')).toBe(0xe40c292c);
  });
});

describe('word features hashed without building strings', () => {
  /** The definition: fnv1a of `name=value` strings, in this order. */
  function byStrings(text: string, affixes: number, g: number): number[] {
    const lower = text.toLowerCase();
    const feats = [`w=${text}`, `l=${lower}`, `sh=${wordShape(text, false)}`, `ss=${wordShape(text, true)}`];
    const n = lower.length;
    for (let k = 1; k <= affixes && k <= n; k++)
      feats.push(`p${k}=${lower.slice(0, k)}`, `s${k}=${lower.slice(n - k)}`);
    if (g > 0 && n > g) {
      const padded = `^${lower}$`;
      for (let k = 0; k + g <= padded.length; k++) feats.push(`g=${padded.slice(k, k + g)}`);
    }
    if (/[0-9]/.test(text)) feats.push('f=digit');
    if (text.includes('-')) feats.push('f=hyphen');
    if (/^[A-Z]+$/.test(text)) feats.push('f=caps');
    else if (/^[A-Z][a-z]/.test(text)) feats.push('f=init');
    if (/.[A-Z]/.test(text)) feats.push('f=mixed');
    feats.push(`len=${Math.min(n, 12)}`);
    return feats.map((f) => fnv1a(f));
  }

  it.each([
    'Hello',
    'a',
    'abcd',
    'BRCA1',
    'non-Hodgkin',
    'İstanbul',
    'ÉCOLE',
    'supercalifragilistic',
    '(',
    '3.5',
  ])('%s gives the hashes of the concatenated strings', (word) => {
    for (const [affixes, g] of [
      [4, 3],
      [2, 0],
      [6, 4],
    ] as const) {
      const f = new Featurizer({ ...DEFAULT_FEATURES, affixes, ngrams: g });
      expect([...f.word(word).own]).toEqual(byStrings(word, affixes, g));
    }
  });
});
