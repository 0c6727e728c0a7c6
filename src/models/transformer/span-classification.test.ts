import { describe, expect, it } from 'vitest';
import { resourcePath } from '../../resources.js';
import {
  labelScore,
  markedWindow,
  SPAN_END_MARKER,
  SPAN_START_MARKER,
  spanItems,
} from './span-classification.js';
import { WordPieceTokenizer } from './wordpiece.js';

const tok = WordPieceTokenizer.fromFile(resourcePath('models/tokenizer/tokenizer.json'));
const decode = (ids: Int32Array) => [...ids].map((i) => tok.idToToken[i]).join(' ');

describe('markedWindow', () => {
  it('wraps the target in the markers; the label is read at the start marker', () => {
    const text = 'No evidence of pleural effusion today.';
    const start = text.indexOf('pleural');
    const w = markedWindow(tok, { text, start, end: start + 'pleural effusion'.length, label: 1 }, 32)!;
    const tokens = [...w.ids].map((i) => tok.idToToken[i]!);
    const at = w.wordAt.indexOf(0);
    expect(tokens[at]).toBe(SPAN_START_MARKER);
    expect(tokens[0]).toBe('[CLS]');
    expect(tokens[tokens.length - 1]).toBe('[SEP]');
    const close = tokens.indexOf(SPAN_END_MARKER);
    expect(decode(w.ids.subarray(at + 1, close)).replace(/ ##/g, '')).toBe('pleural effusion');
    expect([...w.wordAt].filter((x) => x >= 0)).toEqual([0]);
  });

  it.each([16, 24, 40])(
    'fits T %i around a target in a long sentence, the target kept whole when it fits',
    (T) => {
      const text = `${'the patient was seen again in clinic today and '.repeat(8)}denies chest pain ${'after a long walk '.repeat(8)}`;
      const start = text.indexOf('chest pain');
      const w = markedWindow(tok, { text, start, end: start + 10, label: 1 }, T)!;
      expect(w.ids.length).toBeLessThanOrEqual(T);
      const tokens = [...w.ids].map((i) => tok.idToToken[i]!);
      const at = w.wordAt.indexOf(0);
      expect(decode(w.ids.subarray(at + 1, tokens.indexOf(SPAN_END_MARKER)))).toBe('chest pain');
      expect(at).toBeGreaterThan(1); // context on the left
      expect(tokens.indexOf(SPAN_END_MARKER)).toBeLessThan(tokens.length - 2); // and on the right
    },
  );

  it('a span with no piece has no window (its example is not scored)', () => {
    expect(markedWindow(tok, { text: 'a   b', start: 2, end: 3, label: 0 }, 16)).toBeUndefined();
    const { items, tags } = spanItems(tok, [{ text: 'a   b', start: 2, end: 3, label: 0 }], 16);
    expect(items).toEqual([]);
    expect(tags).toHaveLength(1);
  });
});

describe('labelScore', () => {
  it('scores the positive label of the argmax of each row', () => {
    const probs = Float32Array.from([0.9, 0.1, 0.2, 0.8, 0.4, 0.6, 0.7, 0.3]);
    const s = labelScore(probs, [0, 1, 0, 1], 2, 1);
    expect([s.tp, s.fp, s.fn]).toEqual([1, 1, 1]);
  });
});
