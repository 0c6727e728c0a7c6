/**
 * Data-driven checks of the assertion classifier (skipped without the shared MACCROBAT data): the
 * shipped model reproduces, from the data and this code's features, the dev figure its manifest
 * records (so features and model have not drifted apart), and a small training run end to end.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultContextEngine } from '../../components/assertions/index.js';
import { readBratDir } from '../../corpora/brat.js';
import { missingDataMessage, sharedDataPath } from '../../data.js';
import { resourcePath } from '../../resources.js';
import { readClassifierDir } from '../classify/index.js';
import { CORPORA, documentExamples, segmentation, splitOf } from './data.js';
import { ASSERTION_MODEL_DIR, negationScore, trainAssertionClassifier } from './train.js';

const data = sharedDataPath(...CORPORA.maccrobat.data);
if (!data) console.warn(missingDataMessage(...CORPORA.maccrobat.data));

describe.skipIf(!data)('assertion classifier on MACCROBAT', () => {
  const out = mkdtempSync(join(tmpdir(), 'clinote-assertion-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('the shipped model scores on MACCROBAT dev what its manifest says, above the rules', () => {
    const { manifest, classifier } = readClassifierDir(resourcePath(ASSERTION_MODEL_DIR), 'assertion');
    const { docs } = readBratDir(data as string);
    const dev = docs.filter((d) => splitOf(d.id, manifest.seed) === 'dev');
    const pipeline = segmentation();
    const engine = defaultContextEngine();
    const ex = dev.flatMap((d) => documentExamples(d, CORPORA.maccrobat, pipeline, engine, manifest.seed));
    const gold = ex.map((e) => e.negated);
    const model = negationScore(
      gold,
      ex.map((e) => classifier.predict(e.features).label === 'negated'),
    );
    const rules = negationScore(
      gold,
      ex.map((e) => e.ruleNegated),
    );
    expect(ex.length).toBe(manifest.metrics.dev?.examples);
    expect(model.f1).toBeCloseTo(manifest.metrics.dev?.perClass?.negated?.f1 as number, 3);
    expect(model.f1).toBeGreaterThan(rules.f1);
  });

  it('trains, calibrates and writes a model from a few documents', () => {
    const lines: string[] = [];
    const r = trainAssertionClassifier({
      train: data as string,
      limit: 30,
      epochs: 2,
      chiaWeight: 0,
      out,
      created: '2026-01-01T00:00:00.000Z',
      log: (l) => lines.push(l),
    });
    expect(r.report.cv).toHaveLength(1);
    expect(r.temperature).toBeGreaterThan(0);
    expect(r.threshold).toBeGreaterThan(0);
    expect(r.threshold).toBeLessThan(1);
    const dev = r.report.scores['maccrobat/dev'];
    expect(dev?.model.examples).toBeGreaterThan(0);
    expect(dev?.model.f1).toBeGreaterThan(0.5);
    // progress lines hold counts and scores only
    expect(lines.some((l) => l.startsWith('data: maccrobat 30 documents'))).toBe(true);
    const back = readClassifierDir(out, 'assertion');
    expect(back.manifest.thresholds?.[1]).toBeCloseTo(r.threshold / (1 - r.threshold), 4);
    expect(back.manifest.calibration.temperature).toBeCloseTo(r.temperature, 4);
    // same data, seed and options: the same weights
    const again = trainAssertionClassifier({ train: data as string, limit: 30, epochs: 2, chiaWeight: 0 });
    expect(Array.from(again.model.weights)).toEqual(Array.from(r.model.weights));
  });
});
