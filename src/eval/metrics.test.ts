import { describe, expect, it } from 'vitest';
import {
  type LabeledSpan,
  matchLenient,
  matchStrict,
  prf,
  SpanScorer,
  scoreSpans,
  spanContext,
} from './metrics.js';

const s = (start: number, end: number, type = 'A'): LabeledSpan => ({ start, end, type });

describe('prf', () => {
  it.each([
    { tp: 0, fp: 0, fn: 0, p: 0, r: 0, f: 0 },
    { tp: 0, fp: 3, fn: 0, p: 0, r: 0, f: 0 },
    { tp: 0, fp: 0, fn: 2, p: 0, r: 0, f: 0 },
    { tp: 2, fp: 0, fn: 0, p: 1, r: 1, f: 1 },
    { tp: 1, fp: 1, fn: 2, p: 0.5, r: 1 / 3, f: 0.4 },
    { tp: 3, fp: 1, fn: 0, p: 0.75, r: 1, f: 6 / 7 },
  ])('tp=$tp fp=$fp fn=$fn', ({ tp, fp, fn, p, r, f }) => {
    const out = prf(tp, fp, fn);
    expect(out.precision).toBeCloseTo(p, 10);
    expect(out.recall).toBeCloseTo(r, 10);
    expect(out.f1).toBeCloseTo(f, 10);
    expect([out.tp, out.fp, out.fn]).toEqual([tp, fp, fn]);
  });
});

describe('span matching (one document, one type unless said)', () => {
  it.each([
    { name: 'exact', gold: [s(0, 5)], pred: [s(0, 5)], strict: [1, 0, 0], lenient: [1, 0, 0] },
    { name: 'overlap only', gold: [s(0, 5)], pred: [s(2, 8)], strict: [0, 1, 1], lenient: [1, 0, 0] },
    {
      name: 'touching is not overlap',
      gold: [s(0, 5)],
      pred: [s(5, 8)],
      strict: [0, 1, 1],
      lenient: [0, 1, 1],
    },
    {
      name: 'type mismatch, same span',
      gold: [s(0, 5, 'A')],
      pred: [s(0, 5, 'B')],
      strict: [0, 1, 1],
      lenient: [0, 1, 1],
    },
    {
      name: 'one prediction over two gold spans matches one',
      gold: [s(0, 5), s(6, 10)],
      pred: [s(0, 10)],
      strict: [0, 1, 2],
      lenient: [1, 0, 1],
    },
    {
      name: 'two predictions inside one gold span: one matches',
      gold: [s(0, 10)],
      pred: [s(0, 4), s(5, 10)],
      strict: [0, 2, 1],
      lenient: [1, 1, 0],
    },
    {
      name: 'greedy by overlap: the longer overlap wins the gold span',
      gold: [s(0, 10)],
      pred: [s(8, 20), s(2, 9)],
      strict: [0, 2, 1],
      lenient: [1, 1, 0],
    },
    {
      name: 'greedy assignment frees the other gold span',
      gold: [s(0, 4), s(5, 12)],
      pred: [s(3, 12), s(0, 2)],
      strict: [0, 2, 2],
      lenient: [2, 0, 0],
    },
    {
      name: 'duplicate predictions count once',
      gold: [s(0, 5)],
      pred: [s(0, 5), s(0, 5)],
      strict: [1, 0, 0],
      lenient: [1, 0, 0],
    },
    {
      name: 'duplicate gold spans count once',
      gold: [s(0, 5), s(0, 5)],
      pred: [],
      strict: [0, 0, 1],
      lenient: [0, 0, 1],
    },
    {
      name: 'a long prediction starting well before the gold span',
      gold: [s(50, 55)],
      pred: [s(10, 12), s(0, 60), s(56, 58)],
      strict: [0, 3, 1],
      lenient: [1, 2, 0],
    },
    { name: 'no gold', gold: [], pred: [s(0, 5)], strict: [0, 1, 0], lenient: [0, 1, 0] },
    { name: 'no predictions', gold: [s(0, 5)], pred: [], strict: [0, 0, 1], lenient: [0, 0, 1] },
    { name: 'empty', gold: [], pred: [], strict: [0, 0, 0], lenient: [0, 0, 0] },
  ])('$name', ({ gold, pred, strict, lenient }) => {
    const r = scoreSpans([{ id: 'd', text: 'x'.repeat(30), gold, pred }]);
    expect([r.strict.tp, r.strict.fp, r.strict.fn]).toEqual(strict);
    expect([r.lenient.tp, r.lenient.fp, r.lenient.fn]).toEqual(lenient);
  });

  it('matchStrict and matchLenient report pairs and leftovers by index', () => {
    const gold = [s(0, 5), s(10, 15), s(20, 25, 'B')];
    const pred = [s(11, 15), s(0, 5), s(30, 31)];
    expect(matchStrict(gold, pred)).toEqual({ pairs: [[0, 1]], missed: [1, 2], spurious: [0, 2] });
    expect(matchLenient(gold, pred)).toEqual({
      pairs: [
        [0, 1],
        [1, 0],
      ],
      missed: [2],
      spurious: [2],
    });
  });
});

describe('SpanScorer', () => {
  const docs = [
    {
      id: 'd1',
      text: 'a'.repeat(40),
      gold: [s(0, 5, 'A'), s(10, 15, 'B')],
      pred: [s(0, 5, 'A'), s(10, 14, 'B')],
    },
    { id: 'd2', text: 'b'.repeat(40), gold: [s(0, 5, 'A')], pred: [s(20, 25, 'A'), s(0, 5, 'A')] },
  ];

  it('scores per type, micro (summed counts) and macro (mean of per-type scores)', () => {
    const r = scoreSpans(docs, { types: ['A', 'B', 'C'] });
    expect(r.byType.A?.strict).toMatchObject({ tp: 2, fp: 1, fn: 0 });
    expect(r.byType.B?.strict).toMatchObject({ tp: 0, fp: 1, fn: 1 });
    expect(r.byType.B?.lenient).toMatchObject({ tp: 1, fp: 0, fn: 0 });
    expect(r.byType.C?.strict).toMatchObject({ tp: 0, fp: 0, fn: 0, f1: 0 });
    expect(r.strict).toMatchObject({ tp: 2, fp: 2, fn: 1 });
    expect(r.strict.precision).toBeCloseTo(0.5, 10);
    expect(r.strict.recall).toBeCloseTo(2 / 3, 10);
    // Macro over the types seen (A and B; C is only declared): A f1 = 0.8, B f1 = 0.
    expect(r.macro.strict.f1).toBeCloseTo(0.4, 10);
    expect(r.macro.strict.precision).toBeCloseTo((2 / 3 + 0) / 2, 10);
    expect(r.macro.lenient.f1).toBeCloseTo((0.8 + 1) / 2, 10);
    expect(r.counts).toEqual({ documents: 2, gold: 3, pred: 4, goldDuplicates: 0, predDuplicates: 0 });
    expect(r.errors).toBeUndefined();
  });

  it('collects error items only when asked: fn, fp, boundary and type errors with context', () => {
    const text = 'Fever and cough.\nNo rash seen.';
    const scorer = new SpanScorer({ errors: true });
    scorer.add({
      id: 'n1',
      text,
      gold: [s(0, 5, 'problem'), s(10, 15, 'problem'), s(20, 24, 'problem')],
      pred: [s(0, 15, 'problem'), s(20, 24, 'drug'), s(25, 29, 'problem')],
      sentences: [
        { start: 0, end: 16 },
        { start: 17, end: 30 },
      ],
    });
    const errors = scorer.result().errors ?? [];
    expect(errors.map((e) => [e.kind, e.start, e.end, e.type, e.text])).toEqual([
      ['boundary', 0, 5, 'problem', 'Fever'],
      ['fn', 10, 15, 'problem', 'cough'],
      ['type', 20, 24, 'problem', 'rash'],
      ['fp', 25, 29, 'problem', 'seen'],
    ]);
    expect(errors[0]?.detail).toBe('predicted problem [0,15) "Fever and cough"');
    expect(errors[2]?.detail).toBe('predicted drug [20,24) "rash"');
    expect(errors[3]?.context).toBe('No rash seen.');
    expect(errors.every((e) => e.doc === 'n1')).toBe(true);
  });
});

describe('spanContext', () => {
  it.each([
    ['the sentence holding the span', 'One. Two three. Four.', 9, 14, [{ start: 5, end: 15 }], 'Two three.'],
    [
      'the sentence holding the span, among several',
      'One. Two three. Four.',
      16,
      20,
      [
        { start: 0, end: 4 },
        { start: 5, end: 15 },
        { start: 16, end: 21 },
      ],
      'Four.',
    ],
    [
      'the line when the span crosses sentences',
      'One. Two three.\nFour.',
      2,
      7,
      [
        { start: 0, end: 4 },
        { start: 5, end: 15 },
      ],
      'One. Two three.',
    ],
    ['the line when there are no sentences', 'a\nb c d\ne', 4, 5, undefined, 'b c d'],
    ['whitespace collapsed', 'x\t\ty  z', 3, 4, undefined, 'x y z'],
  ])('%s', (_n, text, start, end, sentences, expected) => {
    expect(spanContext(text, start, end, sentences)).toBe(expected);
  });

  it('clips long contexts to 80 characters each side', () => {
    const text = `${'a'.repeat(200)} X ${'b'.repeat(200)}`;
    expect(spanContext(text, 201, 202).length).toBe(80 + 1 + 80);
  });
});
