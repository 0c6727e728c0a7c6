import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { saveNerModel } from '../../models/ner/artifact.js';
import { SYNTHETIC_TRAIN } from '../../models/ner/testing.js';
import { trainNer } from '../../models/ner/train.js';
import { createPipelineSync } from '../../pipeline/pipeline.js';
import { Registry } from '../../pipeline/registry.js';
import { fileResourceContext, resourcePath } from '../../resources.js';
import { assertionsComponent } from '../assertions/index.js';
import { normalizeComponent } from '../normalize/index.js';
import { sectionsComponent } from '../sections/index.js';
import { sentencesComponent } from '../sentences/index.js';
import { tokensComponent } from '../tokens/index.js';
import { nerComponent } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'clinote-ner-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const trained = trainNer(SYNTHETIC_TRAIN, [], {
  types: ['Disease', 'Chemical'],
  features: { bits: 14 },
  seed: 1,
});
saveNerModel(dir, trained, {
  name: 'ner-synthetic',
  version: '0.1.0',
  types: { Disease: 'problem', Chemical: 'medication' },
  seed: 1,
  data: { train: [], dev: [] },
  metrics: {},
  code: { package: 'clinote', version: '0.0.0' },
  created: '2026-01-01T00:00:00.000Z',
});

const registry = new Registry()
  .register(normalizeComponent)
  .register(sectionsComponent)
  .register(sentencesComponent)
  .register(tokensComponent)
  .register(nerComponent);

const config = (model: string) => ({
  name: 'ml-test',
  components: [
    { name: 'normalize' },
    { name: 'sections' },
    { name: 'sentences' },
    { name: 'tokens' },
    { name: 'ner', options: { model } },
  ],
});

describe('the ner component', () => {
  const pipeline = createPipelineSync(config(dir), { registry, context: fileResourceContext() });

  it('assigns model mentions as concepts, with the model as evidence', () => {
    const text = 'HISTORY: Patients with colon cancer took metformin daily.';
    const out = pipeline.processSync({ id: 'n1', text });
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    const concepts = out.doc.get('concepts');
    expect(concepts.map((c) => [c.text, c.type, c.subtype])).toEqual([
      ['colon cancer', 'problem', 'Disease'],
      ['metformin', 'medication', 'Chemical'],
    ]);
    for (const c of concepts) {
      expect(text.slice(c.start, c.end)).toBe(c.text);
      expect(c.evidence).toEqual({
        component: 'ner',
        rule: 'ner-synthetic@0.1.0',
        source: 'model',
        model: 'ner-synthetic@0.1.0',
      });
      expect(c.matched.source).toBe('model');
    }
  });

  it("puts the model's files in the pipeline stamp", () => {
    const ner = pipeline.components.find((c) => c.name === 'ner');
    const paths = (ner?.resources ?? []).map((r) => r.path);
    expect(paths.some((p) => p.endsWith('manifest.json'))).toBe(true);
    expect(paths.some((p) => p.endsWith('weights.bin'))).toBe(true);
    expect(paths.some((p) => p.endsWith('.pack'))).toBe(true);
    // another model (other seed: other weights) gives another version
    const other = mkdtempSync(join(tmpdir(), 'clinote-ner-'));
    try {
      const t = trainNer(SYNTHETIC_TRAIN, [], {
        types: ['Disease', 'Chemical'],
        features: { bits: 13 },
        seed: 1,
      });
      saveNerModel(other, t, {
        name: 'ner-synthetic',
        version: '0.1.0',
        types: { Disease: 'problem', Chemical: 'medication' },
        seed: 1,
        data: { train: [], dev: [] },
        metrics: {},
        code: { package: 'clinote', version: '0.0.0' },
        created: '2026-01-01T00:00:00.000Z',
      });
      const p2 = createPipelineSync(config(other), { registry, context: fileResourceContext() });
      expect(p2.stamp.version).not.toBe(pipeline.stamp.version);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('a missing model is CLINOTE_E_MODEL_NOT_FOUND; damaged weights CLINOTE_E_MODEL_HASH_MISMATCH', () => {
    expect(() =>
      createPipelineSync(config(join(dir, 'nope')), { registry, context: fileResourceContext() }),
    ).toThrow(expect.objectContaining({ code: 'CLINOTE_E_MODEL_NOT_FOUND' }));
    const bad = mkdtempSync(join(tmpdir(), 'clinote-ner-'));
    try {
      saveNerModel(bad, trained, {
        name: 'ner-synthetic',
        version: '0.1.0',
        types: {},
        seed: 1,
        data: { train: [], dev: [] },
        metrics: {},
        code: { package: 'clinote', version: '0.0.0' },
        created: '2026-01-01T00:00:00.000Z',
      });
      writeFileSync(join(bad, 'weights.bin'), new Uint8Array(8));
      expect(() => createPipelineSync(config(bad), { registry, context: fileResourceContext() })).toThrow(
        expect.objectContaining({ code: 'CLINOTE_E_MODEL_HASH_MISMATCH' }),
      );
    } finally {
      rmSync(bad, { recursive: true, force: true });
    }
  });
});

describe('resources/pipelines/ml.json with the built model', () => {
  const built = existsSync(resourcePath('models/ner-ncbi-disease/manifest.json'));

  it.skipIf(!built)('finds disease mentions in a note, assertions on them', () => {
    const config = JSON.parse(readFileSync(resourcePath('pipelines/ml.json'), 'utf8'));
    const reg = new Registry()
      .register(normalizeComponent)
      .register(sectionsComponent)
      .register(sentencesComponent)
      .register(tokensComponent)
      .register(nerComponent)
      .register(assertionsComponent);
    const p = createPipelineSync(config, { registry: reg, context: fileResourceContext() });
    const text =
      'HISTORY OF PRESENT ILLNESS: A 54-year-old woman with a family history of breast cancer. She denies Huntington disease.';
    const out = p.processSync({ id: 'ml', text });
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    const concepts = out.doc.get('concepts');
    expect(concepts.some((c) => c.text === 'breast cancer' && c.type === 'problem')).toBe(true);
    for (const c of concepts) {
      expect(c.evidence.model).toMatch(/^ner-ncbi-disease@/);
      expect(c.assertion).toBeDefined();
    }
  });

  if (!built)
    it.skip('resources/models/ner-ncbi-disease is not built (node dist/scripts/train-models.js)', () => {});
});
