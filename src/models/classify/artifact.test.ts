import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../artifact.js';
import {
  type ClassifierMeta,
  decodeWeights,
  encodeWeights,
  readClassifierDir,
  writeClassifierDir,
} from './artifact.js';
import { type ClassifyExample, trainLogReg } from './logreg.js';

const root = mkdtempSync(join(tmpdir(), 'clinote-classify-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const train: ClassifyExample[] = Array.from({ length: 60 }, (_, i) => ({
  features: [`w${i % 3}`, `x${i % 7}`],
  label: i % 3,
}));

function trained(seed = 1) {
  return trainLogReg(train, { labels: ['neg', 'pos', 'unk'], bits: 8, epochs: 3, seed, normalize: true });
}

const file = { name: 'toy/train.txt', sha256: 'a'.repeat(64), bytes: 10 };
const meta: ClassifierMeta = {
  name: 'classify-toy',
  version: '0.1.0',
  kind: 'toy',
  features: { description: 'toy words' },
  hyperparameters: { epochs: 3 },
  seed: 1,
  data: { train: [file], dev: [file], license: 'none', attribution: 'the test' },
  metrics: { dev: { examples: 3, accuracy: 1, macroF1: 1, microF1: 1 } },
  calibration: {
    method: 'temperature',
    temperature: 1.5,
    bins: 15,
    fittedOn: 'dev',
    eceBefore: 0.1,
    eceAfter: 0.05,
    scoredOn: 'heldout',
  },
  thresholds: [1, 0.5, 2],
  code: { package: 'clinote', version: '0.0.0' },
  created: '2026-01-01T00:00:00.000Z',
};

describe('classifier artifact', () => {
  it('writes the same bytes for the same data, seed and options', () => {
    const a = join(root, 'a');
    const b = join(root, 'b');
    writeClassifierDir(a, trained().model, meta);
    writeClassifierDir(b, trained().model, meta);
    for (const f of ['manifest.json', 'weights.bin', 'model-card.md']) {
      expect(readFileSync(join(a, f)).equals(readFileSync(join(b, f)))).toBe(true);
    }
    const c = join(root, 'c');
    writeClassifierDir(c, trained(2).model, meta);
    expect(readFileSync(join(a, 'weights.bin')).equals(readFileSync(join(c, 'weights.bin')))).toBe(false);
  });

  it('reads back a classifier that predicts as the model did, calibrated', () => {
    const dir = join(root, 'round');
    const { model } = trained();
    const manifest = writeClassifierDir(dir, model, meta);
    expect(manifest.task).toBe('classify');
    expect(manifest.kind).toBe('toy');
    const back = readClassifierDir(dir, 'toy');
    expect(back.manifest).toEqual(manifest);
    expect(Array.from(back.model.weights)).toEqual(Array.from(model.weights));
    const p = back.classifier.predict(['w1', 'x2']);
    expect(p.model).toBe('classify-toy@0.1.0');
    expect(Array.from(p.probabilities)).toEqual(Array.from(model.predictProba(['w1', 'x2'], 1.5)));
    expect(p.probability).toBe(p.probabilities[p.index]);
    expect(readFileSync(join(dir, 'model-card.md'), 'utf8')).toMatch(/Temperature scaling: T = 1\.5000/);
  });

  it('stores only the used slots', () => {
    const { model } = trained();
    const bytes = encodeWeights(model);
    expect(bytes.byteLength).toBeLessThan(model.weights.byteLength);
    expect(Array.from(decodeWeights(bytes, 8, 3, 'x'))).toEqual(Array.from(model.weights));
  });

  it('fails with coded errors', () => {
    const dir = join(root, 'errors');
    writeClassifierDir(dir, trained().model, meta);
    const manifestText = readFileSync(join(dir, 'manifest.json'), 'utf8');
    const code = (fn: () => unknown): string | undefined => {
      try {
        fn();
      } catch (e) {
        return (e as { code?: string }).code;
      }
      return undefined;
    };
    expect(code(() => readClassifierDir(join(root, 'nowhere')))).toBe('CLINOTE_E_MODEL_NOT_FOUND');
    expect(code(() => readClassifierDir(dir, 'assertion'))).toBe('CLINOTE_E_MODEL_TASK_MISMATCH');
    // another task's manifest
    writeFileSync(join(dir, 'manifest.json'), canonicalJson({ ...JSON.parse(manifestText), task: 'ner' }));
    expect(code(() => readClassifierDir(dir))).toBe('CLINOTE_E_MODEL_TASK_MISMATCH');
    // not the schema
    writeFileSync(join(dir, 'manifest.json'), canonicalJson({ ...JSON.parse(manifestText), labels: 'x' }));
    expect(code(() => readClassifierDir(dir))).toBe('CLINOTE_E_MODEL_MANIFEST_INVALID');
    writeFileSync(join(dir, 'manifest.json'), '{ not json');
    expect(code(() => readClassifierDir(dir))).toBe('CLINOTE_E_MODEL_MANIFEST_INVALID');
    // damaged weights
    writeFileSync(join(dir, 'manifest.json'), manifestText);
    const weights = readFileSync(join(dir, 'weights.bin'));
    weights[weights.length - 1] = (weights[weights.length - 1] as number) ^ 0xff;
    writeFileSync(join(dir, 'weights.bin'), weights);
    expect(code(() => readClassifierDir(dir))).toBe('CLINOTE_E_MODEL_HASH_MISMATCH');
    writeFileSync(join(dir, 'weights.bin'), weights.subarray(0, 10));
    expect(code(() => readClassifierDir(dir))).toBe('CLINOTE_E_MODEL_HASH_MISMATCH');
  });

  it('refuses to write an invalid manifest', () => {
    expect(() =>
      writeClassifierDir(join(root, 'bad'), trained().model, { ...meta, name: 'Bad Name' }),
    ).toThrow(expect.objectContaining({ code: 'CLINOTE_E_MODEL_MANIFEST_INVALID' }));
  });
});
