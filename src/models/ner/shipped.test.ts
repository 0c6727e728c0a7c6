import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../resources.js';
import { readModelDir } from '../artifact.js';
import { nerModelFromFiles } from './artifact.js';
import { synthetic } from './testing.js';

describe('the built models (resources/models) load and label', () => {
  it.each([
    ['ner-ncbi-disease', ['Disease']],
    ['ner-bc5cdr', ['Chemical', 'Disease']],
  ])('%s', (name, types) => {
    const dir = join(packageRoot(), 'resources', 'models', name);
    const files = readModelDir(dir);
    expect(files.weights.byteLength).toBeLessThan(2_000_000);
    expect(files.manifest.features.clusters?.file).toBe('models/word-clusters/clusters.tsv');
    expect(files.manifest.inference.temperature).toBeGreaterThan(0);
    const model = nerModelFromFiles(files, dir);
    expect(model.labels.slice(1).map((l) => l.slice(2))).toEqual(types.flatMap((t) => [t, t]));
    // a sentence written for this test
    const ex = synthetic(
      's',
      'Patients with [breast cancer] and [cystic fibrosis] were treated with {cisplatin} .',
    );
    const mentions = model.predict(ex);
    expect(mentions.length).toBeGreaterThan(0);
    for (const m of mentions) {
      expect(m.probability).toBeGreaterThanOrEqual(0);
      expect(m.probability).toBeLessThanOrEqual(1);
    }
    const found = new Set(mentions.map((m) => `${m.start}:${m.end}:${m.type}`));
    expect(found.has(`${ex.gold[0]?.start}:${ex.gold[0]?.end}:Disease`)).toBe(true);
  });
});
