import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bytesToFloat32, float32ToBytes, parseManifest, readModelDir, sha256 } from './artifact.js';
import { buildWordClasses, clusterKey, formatWordClasses, parseWordClasses } from './clusters/index.js';
import { nerModelFromFiles, saveNerModel } from './ner/artifact.js';
import { SYNTHETIC_TRAIN } from './ner/testing.js';
import { trainNer } from './ner/train.js';

const dirs: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'clinote-model-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const meta = {
  name: 'ner-test',
  version: '0.1.0',
  types: { Disease: 'problem', Chemical: 'medication' },
  seed: 3,
  data: { train: [{ name: 'synthetic', sha256: 'a'.repeat(64), bytes: 1 }], dev: [] },
  metrics: {
    dev: { documents: 1, strict: { precision: 1, recall: 1, f1: 1, tp: 1, fp: 0, fn: 0 } },
  },
  code: { package: 'clinote', version: '0.0.0' },
  created: '2026-01-01T00:00:00.000Z',
};

function train() {
  return trainNer(SYNTHETIC_TRAIN, [], { types: ['Disease', 'Chemical'], features: { bits: 12 }, seed: 3 });
}

describe('model artifacts', () => {
  it('float32 little-endian round trip', () => {
    const a = Float32Array.from([1.5, -2, 0, 3.25]);
    const bytes = float32ToBytes(a.subarray(0, 2), a.subarray(2));
    expect([...bytes.slice(0, 4)]).toEqual([0, 0, 0xc0, 0x3f]);
    expect([...bytesToFloat32(bytes)]).toEqual([...a]);
  });

  it('round trip: the model read back predicts what the trained one does', () => {
    const trained = train();
    const dir = tmp();
    const manifest = saveNerModel(dir, trained, meta);
    expect(manifest.weights.bytes).toBe(((1 << 12) * 5 + 6 * 5) * 4);
    const files = readModelDir(dir);
    expect(files.manifest).toEqual(manifest);
    const model = nerModelFromFiles(files, dir);
    for (const ex of SYNTHETIC_TRAIN) expect(model.predict(ex)).toEqual(trained.model.predict(ex));
    const card = readFileSync(join(dir, 'model-card.md'), 'utf8');
    expect(card).toContain('## Intended use');
    expect(card).toContain('## Known limits');
  });

  it('same data, seed and options give the same bytes (weights and manifest)', () => {
    const a = tmp();
    const b = tmp();
    saveNerModel(a, train(), meta);
    saveNerModel(b, train(), meta);
    for (const f of ['weights.bin', 'manifest.json', 'model-card.md']) {
      expect(readFileSync(join(a, f)).equals(readFileSync(join(b, f))), f).toBe(true);
    }
  });

  it('a changed weights file is CLINOTE_E_MODEL_HASH_MISMATCH', () => {
    const dir = tmp();
    saveNerModel(dir, train(), meta);
    const w = readFileSync(join(dir, 'weights.bin'));
    w[100] = (w[100] as number) ^ 0xff;
    writeFileSync(join(dir, 'weights.bin'), w);
    expect(() => readModelDir(dir)).toThrow(
      expect.objectContaining({ code: 'CLINOTE_E_MODEL_HASH_MISMATCH' }),
    );
  });

  it('a bad manifest is CLINOTE_E_MODEL_MANIFEST_INVALID; a missing dir CLINOTE_E_MODEL_NOT_FOUND', () => {
    expect(() => parseManifest('{', 'x')).toThrow(
      expect.objectContaining({ code: 'CLINOTE_E_MODEL_MANIFEST_INVALID' }),
    );
    expect(() => parseManifest('{"format":"clinote-model"}', 'x')).toThrow(
      expect.objectContaining({ code: 'CLINOTE_E_MODEL_MANIFEST_INVALID' }),
    );
    expect(() => parseManifest('{"formatVersion": 99}', 'x')).toThrow(/newer/);
    expect(() => readModelDir(join(tmp(), 'nope'))).toThrow(
      expect.objectContaining({ code: 'CLINOTE_E_MODEL_NOT_FOUND' }),
    );
  });

  it('parseManifest and readModelDir answer CLINOTE_E_MODEL_TASK_MISMATCH for another task', () => {
    const dir = tmp();
    saveNerModel(dir, train(), meta);
    const text = readFileSync(join(dir, 'manifest.json'), 'utf8');
    const other = JSON.stringify({ ...JSON.parse(text), task: 'classify', labels: ['a', 'b'] });
    expect(() => parseManifest(other, 'x')).toThrow(
      expect.objectContaining({ code: 'CLINOTE_E_MODEL_TASK_MISMATCH' }),
    );
    writeFileSync(join(dir, 'manifest.json'), other);
    expect(() => readModelDir(dir)).toThrow(
      expect.objectContaining({ code: 'CLINOTE_E_MODEL_TASK_MISMATCH' }),
    );
  });

  it('word classes: recorded by hash, read back, a changed file is CLINOTE_E_MODEL_HASH_MISMATCH', () => {
    const classesText = formatWordClasses(
      buildWordClasses(
        SYNTHETIC_TRAIN.map((ex) => ex.tokens.map((t) => clusterKey(t.text))),
        { vocabulary: 50, contexts: 20, dimensions: 4, branching: [2, 2], minCount: 1 },
      ),
      'test',
    );
    const classes = parseWordClasses(classesText, 'test');
    const trained = trainNer(SYNTHETIC_TRAIN, [], {
      types: ['Disease', 'Chemical'],
      features: { bits: 12, classes },
      seed: 3,
    });
    const dir = tmp();
    const clusters = { file: 'classes.tsv', sha256: sha256(classesText), levels: 2 };
    saveNerModel(dir, trained, { ...meta, clusters });
    const files = readModelDir(dir);
    expect(files.manifest.features.clusters).toEqual(clusters);
    const model = nerModelFromFiles(files, dir, () => classesText);
    for (const ex of SYNTHETIC_TRAIN) expect(model.predict(ex)).toEqual(trained.model.predict(ex));
    expect(() => nerModelFromFiles(files, dir, () => `${classesText}extra\t0\t0\n`)).toThrow(
      expect.objectContaining({ code: 'CLINOTE_E_MODEL_HASH_MISMATCH' }),
    );
  });

  it('a model of another task is CLINOTE_E_MODEL_TASK_MISMATCH', () => {
    const dir = tmp();
    saveNerModel(dir, train(), meta);
    const files = readModelDir(dir);
    const other = { ...files, manifest: { ...files.manifest, task: 'classify' as 'ner' } };
    expect(() => nerModelFromFiles(other, dir)).toThrow(
      expect.objectContaining({ code: 'CLINOTE_E_MODEL_TASK_MISMATCH' }),
    );
  });
});
