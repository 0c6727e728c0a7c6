import { describe, expect, it } from 'vitest';
import { expectedCalibrationError, fitTemperature, logLoss, mentionCalibration } from './calibration.js';
import { ForwardBackward } from './crf.js';
import { allowedTransitions, bioLabels } from './labels.js';
import type { LinearModel } from './perceptron.js';
import { SYNTHETIC_TRAIN, synthetic } from './testing.js';
import { scoreModel, trainNer } from './train.js';

/** Every label sequence of length n allowed by the model, with its unnormalised log score. */
function enumerate(
  model: LinearModel,
  emit: Float64Array,
  n: number,
): Array<{ seq: number[]; score: number }> {
  const { L, allowed, transitions: T } = model;
  const out: Array<{ seq: number[]; score: number }> = [];
  const walk = (seq: number[], score: number): void => {
    if (seq.length === n) {
      out.push({ seq: [...seq], score });
      return;
    }
    const k = seq.length;
    const p = k === 0 ? -1 : (seq[k - 1] as number);
    for (let y = 0; y < L; y++) {
      const idx = (p + 1) * L + y;
      if (!allowed[idx]) continue;
      seq.push(y);
      walk(seq, score + (T[idx] as number) + (emit[k * L + y] as number));
      seq.pop();
    }
  };
  walk([], 0);
  return out;
}

describe('forward-backward', () => {
  const labels = bioLabels(['Disease', 'Chemical']);
  const L = labels.length;
  const allowed = allowedTransitions(labels);
  // deterministic pseudo-random scores, some large, to exercise the scaling
  let seed = 12345;
  const rnd = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed / 2 ** 32) * 2 - 1;
  };
  const transitions = Float64Array.from({ length: (L + 1) * L }, () => rnd() * 3);
  const model: LinearModel = { L, allowed, emission: new Float64Array(0), transitions };
  const n = 5;
  const emit = Float64Array.from({ length: n * L }, () => rnd() * 40);
  const all = enumerate(model, emit, n);
  const logZ = Math.log(all.reduce((a, s) => a + Math.exp(s.score - 100), 0)) + 100;
  const prob = (pred: (seq: number[]) => boolean): number =>
    all.filter((s) => pred(s.seq)).reduce((a, s) => a + Math.exp(s.score - logZ), 0);

  it('gives log Z, token and pair marginals of brute-force enumeration', () => {
    const fb = new ForwardBackward();
    fb.run(model, emit, 0, n);
    expect(fb.logZ).toBeCloseTo(logZ, 8);
    for (let k = 0; k < n; k++) {
      let sum = 0;
      for (let y = 0; y < L; y++) {
        expect(fb.marginal(k, y)).toBeCloseTo(
          prob((s) => s[k] === y),
          9,
        );
        sum += fb.marginal(k, y);
      }
      expect(sum).toBeCloseTo(1, 9);
    }
    for (let k = 1; k < n; k++) {
      for (let p = 0; p < L; p++) {
        for (let y = 0; y < L; y++) {
          expect(fb.pairMarginal(k, p, y)).toBeCloseTo(
            prob((s) => s[k - 1] === p && s[k] === y),
            9,
          );
        }
      }
    }
  });

  it('gives the probability of an exact span, and honours the temperature and an offset', () => {
    const fb = new ForwardBackward();
    const padded = new Float64Array(3 * L + emit.length);
    padded.set(emit, 3 * L);
    fb.run(model, padded, 3 * L, n);
    // B-Disease (1) at 1, I-Disease (2) at 2..3, then not I-Disease at 4
    const exact = (s: number[]): boolean => s[1] === 1 && s[2] === 2 && s[3] === 2 && s[4] !== 2;
    expect(fb.span(1, 3, 1, 2)).toBeCloseTo(prob(exact), 9);
    // a span reaching the end
    expect(fb.span(3, 4, 3, 4)).toBeCloseTo(
      prob((s) => s[3] === 3 && s[4] === 4),
      9,
    );
    // temperature 2 equals halving every score
    const half: LinearModel = { ...model, transitions: transitions.map((x) => x / 2) };
    const flat = enumerate(
      half,
      emit.map((x) => x / 2),
      n,
    );
    const z2 = flat.reduce((a, s) => a + Math.exp(s.score), 0);
    fb.run(model, emit, 0, n, 2);
    expect(fb.span(1, 3, 1, 2)).toBeCloseTo(
      flat.filter((s) => exact(s.seq)).reduce((a, s) => a + Math.exp(s.score), 0) / z2,
      9,
    );
  });
});

describe('the CRF', () => {
  const options = { types: ['Disease', 'Chemical'], features: { bits: 14 }, epochs: 15, seed: 7 } as const;
  const trained = trainNer(SYNTHETIC_TRAIN, [], {
    ...options,
    algorithm: 'crf',
    crf: { eta0: 0.5, c2: 0.1 },
  });

  it('fits the training set: the negative log-likelihood falls, strict F1 on train is 1', () => {
    const nll = trained.epochs.map((e) => e.errors);
    expect(nll[nll.length - 1]).toBeLessThan((nll[0] as number) / 4);
    expect(scoreModel(trained.model, SYNTHETIC_TRAIN).f1).toBe(1);
    expect(trained.hyperparameters.algorithm).toBe('crf-sgd-l2');
  });

  it('labels an unseen sentence and gives confident mentions', () => {
    const ex = synthetic('u', 'Patients with [colon cancer] took {metformin} .');
    const spans = trained.model.predict(ex);
    expect(spans.map(({ start, end, type }) => ({ start, end, type }))).toEqual(ex.gold);
    for (const s of spans) expect(s.probability).toBeGreaterThan(0.5);
  });

  it('is deterministic', () => {
    const again = trainNer(SYNTHETIC_TRAIN, [], {
      ...options,
      algorithm: 'crf',
      crf: { eta0: 0.5, c2: 0.1 },
    });
    expect([...again.model.emission]).toEqual([...trained.model.emission]);
  });
});

describe('calibration', () => {
  it('ECE over equal-width bins', () => {
    expect(expectedCalibrationError([])).toBe(0);
    // one bin [0.8, 0.867): confidence 0.8, accuracy 0.5 -> 0.3
    expect(
      expectedCalibrationError([
        { probability: 0.8, correct: true },
        { probability: 0.8, correct: false },
      ]),
    ).toBeCloseTo(0.3, 12);
    // two bins, each perfectly calibrated
    expect(
      expectedCalibrationError([
        { probability: 1, correct: true },
        { probability: 0, correct: false },
      ]),
    ).toBeCloseTo(0, 12);
    expect(logLoss([{ probability: 0.5, correct: true }])).toBeCloseTo(Math.log(2), 12);
  });

  it('the fitted temperature does not raise the log-loss on the data it is fitted on', () => {
    const t = trainNer(SYNTHETIC_TRAIN, [], {
      types: ['Disease', 'Chemical'],
      features: { bits: 12 },
      epochs: 3,
    });
    const dev = [
      synthetic('d1', 'Patients with [breast cancer] took {insulin} .'),
      synthetic('d2', 'A family with [diabetes] and {aspirin} use .'),
    ];
    t.model.temperature = 1;
    const before = logLoss(mentionCalibration(t.model, dev));
    const temperature = fitTemperature(t.model, dev);
    expect(t.model.temperature).toBe(temperature);
    expect(logLoss(mentionCalibration(t.model, dev))).toBeLessThanOrEqual(before + 1e-9);
    // labels do not move with the temperature
    t.model.temperature = 1;
    const spans1 = dev.map((d) => t.model.predict(d).map((s) => `${s.start}:${s.end}:${s.type}`));
    t.model.temperature = 5;
    expect(dev.map((d) => t.model.predict(d).map((s) => `${s.start}:${s.end}:${s.type}`))).toEqual(spans1);
  });
});
