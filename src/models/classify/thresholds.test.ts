import { describe, expect, it } from 'vitest';
import { classificationScores, recallOn } from './metrics.js';
import { chooseThresholds, decide } from './thresholds.js';

describe('metrics', () => {
  it.each([
    // gold, pred, accuracy, macro-F1, micro-F1
    { gold: [0, 0, 1, 1], pred: [0, 0, 1, 1], accuracy: 1, macro: 1, micro: 1 },
    { gold: [0, 0, 1, 1], pred: [0, 0, 0, 0], accuracy: 0.5, macro: (2 / 3 + 0) / 2, micro: 0.5 },
    // abstentions (-1): false negatives only
    { gold: [0, 1], pred: [0, -1], accuracy: 0.5, macro: (1 + 0) / 2, micro: 2 / 3 },
  ])('scores $pred against $gold', ({ gold, pred, accuracy, macro, micro }) => {
    const s = classificationScores(gold, pred, 2);
    expect(s.accuracy).toBeCloseTo(accuracy, 12);
    expect(s.macroF1).toBeCloseTo(macro, 12);
    expect(s.microF1).toBeCloseTo(micro, 12);
  });

  it('pools the recall of a set of classes', () => {
    expect(recallOn([0, 1, 2, 2], [0, 0, 2, 1], new Set([1, 2]))).toBeCloseTo(1 / 3, 12);
  });
});

describe('per-class thresholds', () => {
  it('decides by p / t', () => {
    expect(decide([0.6, 0.4])).toBe(0);
    expect(decide([0.6, 0.4], [1, 0.5])).toBe(1);
  });

  it('raises macro-F1 on the data it is chosen on', () => {
    // class 1 is always under-confident: the argmax never predicts it
    const probs = [
      [0.9, 0.1],
      [0.8, 0.2],
      [0.6, 0.4],
      [0.65, 0.35],
      [0.7, 0.3],
    ];
    const gold = [0, 0, 1, 1, 1];
    const before = classificationScores(
      gold,
      probs.map((p) => decide(p)),
      2,
    ).macroF1;
    const t = chooseThresholds(probs, gold, 2);
    const after = classificationScores(
      gold,
      probs.map((p) => decide(p, t)),
      2,
    ).macroF1;
    expect(after).toBeGreaterThan(before);
    expect(after).toBe(1);
    expect(chooseThresholds(probs, gold, 2)).toEqual(t);
  });
});
