import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalize } from '../../doc/normalize.js';
import { ClinoteError } from '../../errors/error.js';
import { resourcePath } from '../../resources.js';
import { tokenizerJson } from './tokenizer-train.js';
import { WordPieceTokenizer } from './wordpiece.js';

// An invented vocabulary: a few words, their pieces, and every letter alone and as "##x".
const letters = 'abcdefghijklmnopqrstuvwxyz0123456789'.split('');
const PIECES = [
  ...letters,
  ...letters.map((c) => `##${c}`),
  ...'.,;:()-/\'"%'.split(''),
  'the',
  'patient',
  'denies',
  'chest',
  'pain',
  'fever',
  'cafe',
  'naive',
  'mg',
  'meto',
  '##pro',
  '##lol',
  '##ing',
  'bleed',
];
const json = tokenizerJson(PIECES);
const tok = new WordPieceTokenizer(json);
const require = createRequire(import.meta.url);

/** Each token's span, BERT-normalized, is the token text (without "##"). */
function checkOffsets(t: WordPieceTokenizer, text: string): void {
  const e = t.encode(text, { special: false });
  for (let i = 0; i < e.ids.length; i++) {
    const s = e.starts[i]!;
    const en = e.ends[i]!;
    expect(s).toBeGreaterThanOrEqual(0);
    expect(en).toBeGreaterThan(s);
    expect(en).toBeLessThanOrEqual(text.length);
    if (i > 0) expect(s).toBeGreaterThanOrEqual(e.starts[i - 1]!);
    const token = e.tokens[i]!;
    if (token === '[UNK]') continue;
    const piece = token.startsWith('##') ? token.slice(2) : token;
    expect(t.normalizeString(normalize(text.slice(s, en)).text)).toBe(piece);
  }
}

describe('WordPieceTokenizer', () => {
  it('puts the special tokens at ids 0-4', () => {
    expect([tok.padId, tok.unkId, tok.clsId, tok.sepId, tok.maskId]).toEqual([0, 1, 2, 3, 4]);
  });

  it.each([
    ['The patient denies chest pain.', ['the', 'patient', 'denies', 'chest', 'pain', '.']],
    ['Metoprolol 25mg', ['meto', '##pro', '##lol', '2', '##5', '##m', '##g']],
    ['Café NAÏVE', ['cafe', 'naive']],
    ['bleeding', ['bleed', '##ing']],
    ['fever\u00a0(none)', ['fever', '(', 'n', '##o', '##n', '##e', ')']],
    ['pain™ β', ['[UNK]', '[UNK]']], // ™ is a symbol, not punctuation: "pain™" is one unknown word
    ['x'.repeat(101), ['[UNK]']],
  ])('encodes %j', (text, tokens) => {
    expect(tok.encode(text, { special: false }).tokens).toEqual(tokens);
  });

  it.each([
    // [text, expected [start, end) of each token]
    [
      'The  pain',
      [
        [0, 3],
        [5, 9],
      ],
    ],
    [
      'Cafe\u0301 ok',
      [
        [0, 5],
        [6, 7],
        [7, 8],
      ],
    ],
    [
      'chest\r\npain',
      [
        [0, 5],
        [7, 11],
      ],
    ],
    ['pa\u200bin', [[0, 5]]], // the zero-width space is dropped by the view: one word
    [
      '\u2019the\u2019',
      [
        [0, 1],
        [1, 4],
        [4, 5],
      ],
    ],
    [
      '𝐀 pain',
      [
        [0, 2],
        [3, 7],
      ],
    ],
  ])('keeps original offsets of %j', (text, spans) => {
    const e = tok.encode(text, { special: false });
    expect([...e.starts].map((s, i) => [s, e.ends[i]])).toEqual(spans);
  });

  it('adds [CLS] and [SEP] with empty spans', () => {
    const e = tok.encode('the pain');
    expect(e.tokens).toEqual(['[CLS]', 'the', 'pain', '[SEP]']);
    expect([e.starts[0], e.ends[0], e.starts[3], e.ends[3]]).toEqual([0, 0, 0, 0]);
  });

  it('offsets reproduce each token (property, case and accents aside)', () => {
    const alphabet = fc.constantFrom(
      ...'aeiouptchsnlm AEIOU.,-()12 \n\t'.split(''),
      'é',
      'e\u0301',
      'Ü',
      '\u00a0',
      '世',
      'ß',
    );
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 60 }), (chars) => {
        checkOffsets(tok, chars.join(''));
      }),
      { numRuns: 300 },
    );
  });

  it('gives the ids of the tokenizers package on the same text', async () => {
    const hf = require('tokenizers') as {
      Tokenizer: {
        fromString(s: string): {
          encode(s: string): Promise<{ getIds(): number[]; getOffsets(): [number, number][] }>;
        };
      };
    };
    const ref = hf.Tokenizer.fromString(JSON.stringify(json));
    for (const text of [
      'The patient denies chest pain.',
      'Café NAÏVE metoprolol 25mg, bleeding (none)!',
      'x'.repeat(120),
      'pain™ β 世界 fever',
    ]) {
      const ours = tok.encode(text);
      const theirs = await ref.encode(text);
      expect([...ours.ids]).toEqual(theirs.getIds());
    }
  });

  it('refuses a tokenizer.json that is not WordPiece', () => {
    const bad = { ...json, model: { type: 'BPE', vocab: {} } };
    expect(() => new WordPieceTokenizer(bad)).toThrow(ClinoteError);
    try {
      new WordPieceTokenizer(bad);
    } catch (e) {
      expect((e as ClinoteError).code).toBe('CLINOTE_E_MODEL_MANIFEST_INVALID');
    }
    const noMask = tokenizerJson(['a']);
    delete (noMask.model as { vocab: Record<string, number> }).vocab['[MASK]'];
    expect(() => new WordPieceTokenizer(noMask)).toThrow(/\[MASK\]|contiguous/);
  });

  it('reports a missing file with CLINOTE_E_MODEL_NOT_FOUND', () => {
    expect(() => WordPieceTokenizer.fromFile('/nonexistent/tokenizer.json')).toThrow(
      expect.objectContaining({ code: 'CLINOTE_E_MODEL_NOT_FOUND' }),
    );
  });
});

const committed = resourcePath('models/tokenizer/tokenizer.json');
describe.skipIf(!existsSync(committed))('the committed tokenizer', () => {
  const t = WordPieceTokenizer.fromFile(committed);

  it('has 8192 entries with the special tokens first', () => {
    expect(t.vocabSize).toBe(8192);
    expect(t.idToToken.slice(0, 5)).toEqual(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']);
    expect(readFileSync(committed).length).toBeLessThan(2_000_000);
  });

  it('splits an invented note into pieces whose offsets reproduce the text', () => {
    const note = 'HPI:  72-yo man, denies dyspnea;\r\nstarted lisinopril 10 mg daily. Naïve to “statins”.';
    checkOffsets(t, note);
    expect(t.encode(note).tokens).toContain('denies');
  });

  it('agrees with the tokenizers package', async () => {
    const hf = require('tokenizers') as {
      Tokenizer: { fromFile(p: string): { encode(s: string): Promise<{ getIds(): number[] }> } };
    };
    const ref = hf.Tokenizer.fromFile(committed);
    const text = 'The patient was started on metoprolol tartrate 25 mg twice daily; no chest pain, no fever.';
    expect([...t.encode(text).ids]).toEqual((await ref.encode(text)).getIds());
  });
});
