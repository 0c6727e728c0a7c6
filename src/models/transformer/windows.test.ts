import { describe, expect, it } from 'vitest';
import { resourcePath } from '../../resources.js';
import type { NerToken } from '../ner/types.js';
import { alignExamples, alignWords, nerSpans, PieceCache, servingBatches } from './windows.js';
import { WordPieceTokenizer } from './wordpiece.js';

const tok = WordPieceTokenizer.fromFile(resourcePath('models/tokenizer/tokenizer.json'));
const pieces = new PieceCache(tok);

/** Tokens of a text split at spaces, all in sentence 0. */
function words(text: string, sentence = 0, offset = 0): NerToken[] {
  const out: NerToken[] = [];
  for (const m of text.matchAll(/\S+/g))
    out.push({ text: m[0], start: offset + m.index!, end: offset + m.index! + m[0].length, sentence });
  return out;
}

const LONG = Array.from({ length: 60 }, (_, i) => `word${i} hypertension`).join(' ');

describe('alignWords with an overlap', () => {
  const tokens = words(LONG);
  it.each([
    [24, 8],
    [32, 12],
    [64, 20],
  ])(
    'T %i, overlap %i: windows fit, start at words, cover every word, and overlap at most by the overlap',
    (T, overlap) => {
      const windows = alignWords(tokens, 0, tokens.length, pieces, T, overlap);
      expect(windows.length).toBeGreaterThan(1);
      const covered = new Set<number>();
      let lastFirst = -1;
      for (const w of windows) {
        expect(w.ids.length).toBeLessThanOrEqual(T);
        expect(w.ids[0]).toBe(tok.clsId);
        expect(w.ids[w.ids.length - 1]).toBe(tok.sepId);
        expect(w.wordAt[1]).toBeGreaterThanOrEqual(0); // starts at a word
        const ws = [...w.wordAt].filter((k) => k >= 0);
        expect(ws[0]!).toBeGreaterThan(lastFirst); // progress
        lastFirst = ws[0]!;
        for (const k of ws) covered.add(k);
      }
      expect(covered.size).toBe(tokens.length);
      for (let i = 1; i < windows.length; i++) {
        const prev = new Set([...windows[i - 1]!.wordAt].filter((k) => k >= 0));
        const shared = [...windows[i]!.wordAt].filter((k) => prev.has(k)).length;
        expect(shared).toBeGreaterThan(0);
        expect(shared).toBeLessThanOrEqual(overlap);
      }
    },
  );

  it('one window when the sentence fits, whatever the overlap; consecutive windows without one', () => {
    const short = words('no acute distress');
    expect(alignWords(short, 0, short.length, pieces, 32, 8)).toEqual(
      alignWords(short, 0, short.length, pieces, 32),
    );
    expect(alignWords(short, 0, short.length, pieces, 32)).toHaveLength(1);
    const plain = alignWords(tokens, 0, tokens.length, pieces, 32);
    const starts = plain.flatMap((w) => [...w.wordAt].filter((k) => k >= 0));
    expect(starts).toEqual(tokens.map((_, k) => k)); // every word once, in order
  });
});

describe('servingBatches', () => {
  const examples = [
    {
      tokens: [...words('chest pain', 0), ...words('history of diabetes mellitus type two', 1, 11)],
      dict: [],
    },
    { tokens: words(LONG), dict: [] },
  ];
  // windows of 32 positions sharing 16 pieces: a word near one window's edge is in the middle of the next
  const items = alignExamples(examples, pieces, 32, 16);

  it('sorts windows by length, pads each batch to its longest (a multiple of 8), and keeps every window', () => {
    const batches = servingBatches(items, 3, tok.padId);
    expect(batches.flatMap((b) => b.items).length).toBe(items.length);
    let last = 0;
    for (const b of batches) {
      const longest = Math.max(...b.items.map((it) => it.seq.ids.length));
      expect(b.bucket).toBe(Math.ceil(longest / 8) * 8);
      expect(b.batch.B).toBe(b.items.length);
      expect(b.batch.ids.length).toBe(b.items.length * b.bucket);
      expect(longest).toBeGreaterThanOrEqual(last);
      last = longest;
      b.items.forEach((it, r) => {
        const row = b.batch.attention.subarray(r * b.bucket, (r + 1) * b.bucket);
        expect(row.reduce((s, x) => s + x, 0)).toBe(it.seq.ids.length);
      });
    }
  });

  it('merges overlapping windows: each word takes the window where it is farthest from an edge', () => {
    const L = 3;
    const labels = ['O', 'B-Disease', 'I-Disease'];
    const batches = servingBatches(items, 4, tok.padId);
    // every window says "B-Disease" for words near its edges and "O" in its middle third
    const outputs = batches.map(({ bucket, items: its }) => {
      const out = new Float32Array(its.length * bucket * L);
      its.forEach((it, b) => {
        const len = it.seq.ids.length;
        for (let t = 0; t < len; t++) {
          const edge = Math.min(t, len - 1 - t) < len / 6;
          out[(b * bucket + t) * L + (edge ? 1 : 0)] = 1;
        }
      });
      return out;
    });
    const spans = nerSpans(examples, batches, outputs, labels);
    // the long sentence: inner windows' edges are overlapped by a neighbour's middle, so only the
    // first words of the first window and the last words of the last window are mentions
    const long = spans[1]!;
    const tokens = examples[1]!.tokens;
    expect(long.length).toBeGreaterThanOrEqual(2);
    for (const s of long) {
      const inFirst = s.start < tokens[6]!.end;
      const inLast = s.end > tokens[tokens.length - 6]!.start;
      expect(inFirst || inLast).toBe(true);
    }
  });
});
