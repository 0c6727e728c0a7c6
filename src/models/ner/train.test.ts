import { describe, expect, it } from 'vitest';
import { float32ToBytes, sha256 } from '../artifact.js';
import { SYNTHETIC_TRAIN, synthetic } from './testing.js';
import { scoreModel, trainNer } from './train.js';

const options = { types: ['Disease', 'Chemical'], features: { bits: 16 }, epochs: 20, seed: 7 } as const;

describe('trainNer on a tiny synthetic corpus', () => {
  const trained = trainNer(SYNTHETIC_TRAIN, [], options);

  it('fits the training set: errors go down to 0 and strict F1 on train is 1', () => {
    const errors = trained.epochs.map((e) => e.errors);
    expect(errors[0]).toBeGreaterThan(0);
    expect(errors[errors.length - 1]).toBe(0);
    expect(Math.min(...errors.slice(1))).toBeLessThan(errors[0] as number);
    expect(scoreModel(trained.model, SYNTHETIC_TRAIN).f1).toBe(1);
  });

  it('labels an unseen sentence made of known parts', () => {
    const ex = synthetic('u', 'Patients with [colon cancer] took {metformin} .');
    const spans = trained.model.predict(ex);
    expect(spans.map(({ start, end, type }) => ({ start, end, type }))).toEqual(ex.gold);
    for (const s of spans) {
      expect(s.probability).toBeGreaterThan(0);
      expect(s.probability).toBeLessThanOrEqual(1);
    }
  });

  it('is deterministic: two trainings give the same bytes; another seed may not', () => {
    const again = trainNer(SYNTHETIC_TRAIN, [], options);
    const bytes = (t: typeof trained) => sha256(float32ToBytes(t.model.emission, t.model.transitions));
    expect(bytes(again)).toBe(bytes(trained));
    expect(again.epochs.map((e) => e.errors)).toEqual(trained.epochs.map((e) => e.errors));
  });

  it('stops early on dev and keeps the best epoch', () => {
    const dev = [synthetic('d', 'Patients with [breast cancer] took {insulin} .')];
    const t = trainNer(SYNTHETIC_TRAIN, dev, { ...options, patience: 2 });
    const best = Math.max(...t.epochs.map((e) => e.devF1));
    expect(t.epochs.find((e) => e.epoch === t.bestEpoch)?.devF1).toBe(best);
    expect(scoreModel(t.model, dev).f1).toBe(best);
    expect(t.epochs.length).toBeLessThanOrEqual(20);
  });

  it('refuses training data without entities (CLINOTE_E_MODEL_TRAINING_DATA)', () => {
    expect(() => trainNer([synthetic('x', 'nothing here .')], [], options)).toThrow(
      expect.objectContaining({ code: 'CLINOTE_E_MODEL_TRAINING_DATA' }),
    );
  });
});

describe('the fast decoding path', () => {
  it('gives the labels of plain Viterbi over all features', async () => {
    const { decode } = await import('./perceptron.js');
    for (const window of [0, 1, 2]) {
      const t = trainNer(SYNTHETIC_TRAIN, [], { ...options, epochs: 3, features: { bits: 12, window } });
      for (const ex of SYNTHETIC_TRAIN) {
        expect([...t.model.tags(ex)]).toEqual([
          ...decode(t.model, ex.tokens, t.model.featurizer.features(ex)),
        ]);
      }
    }
    const trained = trainNer(SYNTHETIC_TRAIN, [], { ...options, features: { bits: 12 } });
    const m = trained.model;
    for (const ex of [
      ...SYNTHETIC_TRAIN,
      synthetic('u', 'Patients with [colon cancer] took {metformin} .'),
    ]) {
      expect([...m.tags(ex)]).toEqual([...decode(m, ex.tokens, m.featurizer.features(ex))]);
    }
  });
});
