import { describe, expect, it } from 'vitest';
import { allowedTransitions, bioLabels, dictionaryTags, spansFromTags, tagsFromSpans } from './labels.js';
import type { NerToken } from './types.js';

const tokens: NerToken[] = ['the', 'breast', 'cancer', 'gene', '.', 'Cancer'].map((text, i, all) => {
  const start = all.slice(0, i).reduce((a, w) => a + w.length + 1, 0);
  return { text, start, end: start + text.length, sentence: i < 5 ? 0 : 1 };
});

describe('BIO labels', () => {
  const labels = bioLabels(['Disease', 'Chemical']);

  it('lists O then B-/I- per type', () => {
    expect(labels).toEqual(['O', 'B-Disease', 'I-Disease', 'B-Chemical', 'I-Chemical']);
  });

  it.each([
    ['start', 'I-Disease', false],
    ['start', 'B-Disease', true],
    ['O', 'I-Chemical', false],
    ['B-Disease', 'I-Disease', true],
    ['B-Disease', 'I-Chemical', false],
    ['I-Chemical', 'I-Chemical', true],
    ['I-Disease', 'B-Chemical', true],
  ])('%s -> %s allowed: %s', (prev, cur, ok) => {
    const a = allowedTransitions(labels);
    const p = prev === 'start' ? -1 : labels.indexOf(prev);
    expect(a[(p + 1) * labels.length + labels.indexOf(cur)] === 1).toBe(ok);
  });

  it('tags from spans and back', () => {
    const spans = [
      { start: 4, end: 17, type: 'Disease' },
      { start: 25, end: 31, type: 'Disease' },
    ];
    const tags = tagsFromSpans(tokens, spans, labels);
    expect([...tags].map((t) => labels[t])).toEqual(['O', 'B-Disease', 'I-Disease', 'O', 'O', 'B-Disease']);
    expect(spansFromTags(tokens, tags, labels)).toEqual(spans);
  });

  it('a span part of a token tags the token; unknown types and overlaps are skipped', () => {
    const tags = tagsFromSpans(
      tokens,
      [
        { start: 6, end: 9, type: 'Disease' },
        { start: 5, end: 17, type: 'Disease' },
        { start: 18, end: 22, type: 'Gene' },
      ],
      labels,
    );
    // 5-17 comes first (sorted by start) and tags `breast cancer`; 6-9 then overlaps it
    expect([...tags].map((t) => labels[t])).toEqual(['O', 'B-Disease', 'I-Disease', 'O', 'O', 'O']);
  });

  it('an I- tag without its B- starts a span; a sentence change closes one', () => {
    const tags = [0, 2, 2, 0, 1, 2].map((x) => x);
    expect(spansFromTags(tokens, tags, labels)).toEqual([
      { start: 4, end: 17, type: 'Disease' },
      { start: 23, end: 24, type: 'Disease' },
      { start: 25, end: 31, type: 'Disease' },
    ]);
  });

  it('dictionary tags keep the longest match', () => {
    const tags = dictionaryTags(tokens, [
      { start: 11, end: 17, type: 'problem' },
      { start: 4, end: 17, type: 'problem' },
      { start: 18, end: 22, type: 'anatomy' },
    ]);
    expect(tags).toEqual(['O', 'B-problem', 'I-problem', 'B-anatomy', 'O', 'O']);
  });
});
