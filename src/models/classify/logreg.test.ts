import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../prng.js';
import {
  argmax,
  type ClassifyExample,
  classWeightsFor,
  hashFeatures,
  lossAndGradient,
  softmax,
  trainLogReg,
} from './logreg.js';

/** Three classes, each marked by its own words, with shared noise words. */
function toy(n: number, seed: number): ClassifyExample[] {
  const random = mulberry32(seed);
  const out: ClassifyExample[] = [];
  for (let i = 0; i < n; i++) {
    const label = i % 3;
    const features = [
      `cue${label}`,
      `cue${label}b`,
      `noise${Math.floor(random() * 5)}`,
      `noise${Math.floor(random() * 5)}`,
    ];
    out.push({ features, label });
  }
  return out;
}

describe('logistic regression', () => {
  it('learns a separable toy set', () => {
    const train = toy(90, 1);
    const dev = toy(30, 2);
    const { model, history } = trainLogReg(
      train,
      { labels: ['a', 'b', 'c'], bits: 10, epochs: 10, seed: 3 },
      dev,
    );
    for (const ex of dev) expect(argmax(model.predictProba(ex.features))).toBe(ex.label);
    expect(history.at(-1)?.trainLoss).toBeLessThan(history[0]?.trainLoss ?? 0);
    expect(history.some((h) => h.devMacroF1 === 1)).toBe(true);
    const p = model.predictProba(['cue1']);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
    // a higher temperature flattens the distribution, the argmax stays
    const hot = model.predictProba(['cue1'], 5);
    expect(argmax(hot)).toBe(argmax(p));
    expect(Math.max(...hot)).toBeLessThan(Math.max(...p));
  });

  it('gives the same weights for the same data, seed and options', () => {
    const train = toy(60, 4);
    const a = trainLogReg(train, { labels: ['a', 'b', 'c'], bits: 8, epochs: 3, seed: 7, oversampleTo: 25 });
    const b = trainLogReg(train, { labels: ['a', 'b', 'c'], bits: 8, epochs: 3, seed: 7, oversampleTo: 25 });
    expect(Buffer.from(a.model.weights.buffer).equals(Buffer.from(b.model.weights.buffer))).toBe(true);
    const c = trainLogReg(train, { labels: ['a', 'b', 'c'], bits: 8, epochs: 3, seed: 8, oversampleTo: 25 });
    expect(Buffer.from(a.model.weights.buffer).equals(Buffer.from(c.model.weights.buffer))).toBe(false);
  });

  it('has the gradient of its objective (finite differences)', () => {
    const bits = 4;
    const L = 3;
    const random = mulberry32(11);
    const weights = Float64Array.from({ length: (1 << bits) * L + L }, () => random() - 0.5);
    const examples: ClassifyExample[] = [
      { features: ['x', 'y', 'y'], label: 0 },
      { features: ['y', 'z'], label: 2, weight: 2.5 },
      { features: ['w', 'x', 'q'], label: 1, weight: 0.5 },
    ];
    for (const normalize of [false, true]) {
      const l2 = 0.01;
      const { gradient } = lossAndGradient(weights, L, bits, examples, l2, normalize);
      const h = 1e-6;
      let checked = 0;
      for (let i = 0; i < weights.length; i++) {
        const plus = Float64Array.from(weights);
        const minus = Float64Array.from(weights);
        plus[i] = (plus[i] as number) + h;
        minus[i] = (minus[i] as number) - h;
        const numeric =
          (lossAndGradient(plus, L, bits, examples, l2, normalize).loss -
            lossAndGradient(minus, L, bits, examples, l2, normalize).loss) /
          (2 * h);
        expect(gradient[i]).toBeCloseTo(numeric, 6);
        if (Math.abs(numeric) > 1e-3) checked++;
      }
      expect(checked).toBeGreaterThan(L * 3);
    }
  });

  it('weights classes and oversamples rare ones', () => {
    expect(classWeightsFor([30, 10, 0], 'balanced')).toEqual([40 / 60, 40 / 20, 1]);
    expect(classWeightsFor([30, 10], 'none')).toEqual([1, 1]);
    expect(classWeightsFor([30, 10], [2, 3])).toEqual([2, 3]);
    expect(() => classWeightsFor([30, 10], [2])).toThrow(/class weights/);
    const train: ClassifyExample[] = [
      ...Array.from({ length: 40 }, () => ({ features: ['common'], label: 0 })),
      ...Array.from({ length: 3 }, () => ({ features: ['rare'], label: 1 })),
    ];
    const r = trainLogReg(train, { labels: ['a', 'b'], bits: 6, epochs: 1, oversampleTo: 20 });
    expect(r.classCounts).toEqual([40, 20]);
  });

  it('hashes features into counts or a unit vector', () => {
    const x = hashFeatures(['a', 'b', 'a'], 12);
    expect([...x.values].sort()).toEqual([1, 2]);
    const n = hashFeatures(['a', 'b', 'a'], 12, true);
    expect([...n.values].reduce((s, v) => s + v * v, 0)).toBeCloseTo(1, 6);
    expect(softmax([0, Math.log(3)])[1]).toBeCloseTo(0.75, 12);
  });

  it('rejects bad data with coded errors', () => {
    expect(() => trainLogReg([], { labels: ['a', 'b'] })).toThrow(
      expect.objectContaining({ code: 'CLINOTE_E_MODEL_TRAINING_DATA' }),
    );
    expect(() => trainLogReg([{ features: ['x'], label: 2 }], { labels: ['a', 'b'] })).toThrow(
      expect.objectContaining({ code: 'CLINOTE_E_MODEL_TRAINING_DATA' }),
    );
    expect(() => trainLogReg([{ features: ['x'], label: 0 }], { labels: ['a'] })).toThrow(
      expect.objectContaining({ code: 'CLINOTE_E_MODEL_TRAINING_DATA' }),
    );
  });
});
