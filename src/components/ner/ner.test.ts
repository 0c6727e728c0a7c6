import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyPack } from '../../engine.js';
import { saveNerModel } from '../../models/ner/artifact.js';
import { SYNTHETIC_TRAIN } from '../../models/ner/testing.js';
import { trainNer } from '../../models/ner/train.js';
import { createPipelineSync } from '../../pipeline/pipeline.js';
import { Registry } from '../../pipeline/registry.js';
import { fileResourceContext, resourcePath } from '../../resources.js';
import { conceptsComponent } from '../concepts/index.js';
import { defaultRegistry } from '../index.js';
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
  .register(conceptsComponent)
  .register(nerComponent);

const config = (model: string, ner: Record<string, unknown> = {}, before: { name: string }[] = []) => ({
  name: 'ml-test',
  components: [
    { name: 'normalize' },
    { name: 'sections' },
    { name: 'sentences' },
    { name: 'tokens' },
    ...before,
    { name: 'ner', options: { model, ...ner } },
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

describe('the ner component: linking and merging', () => {
  // synthetic text written for these tests
  const text = 'HISTORY: Patients with colon cancer took metformin daily. Asthma noted.';

  it('links mentions to the pack: id, codes, the pack term, the method in the evidence', () => {
    const p = createPipelineSync(config(dir, { link: true }), { registry, context: fileResourceContext() });
    const out = p.processSync({ id: 'l1', text });
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    const concepts = out.doc.get('concepts');
    const cancer = concepts.find((c) => c.text === 'colon cancer');
    expect(cancer).toMatchObject({ type: 'problem', matched: { source: 'starter' } });
    expect(cancer?.id).toMatch(/^starter:/);
    expect(cancer?.codes.some((c) => c.system === 'icd10cm')).toBe(true);
    expect(cancer?.evidence).toMatchObject({
      component: 'ner',
      source: 'model',
      model: 'ner-synthetic@0.1.0',
    });
    expect(cancer?.evidence.detail).toMatch(
      /^linked \(exact, score [0-9.]+\): pack:starter@[0-9a-f]+\/original$/,
    );
    const drug = concepts.find((c) => c.text === 'metformin');
    expect(drug).toMatchObject({ type: 'medication', id: 'starter:metformin' });
  });

  it('a threshold above every score leaves mentions uncoded, with their candidates and methods', () => {
    const p = createPipelineSync(config(dir, { link: { threshold: 1.01 } }), {
      registry,
      context: fileResourceContext(),
    });
    const out = p.processSync({ id: 'l2', text });
    if (!out.ok) throw new Error('failed');
    const cancer = out.doc.get('concepts').find((c) => c.text === 'colon cancer');
    expect(cancer?.codes).toEqual([]);
    expect(cancer?.id).toBeUndefined();
    expect(cancer?.matched).toEqual({ term: 'colon cancer', source: 'model' });
    expect(cancer?.candidates?.[0]).toMatchObject({ method: 'exact' });
    expect(cancer?.evidence.detail).toMatch(/^not linked: best candidate [0-9.]+ below 1.01$/);
  });

  it('merges with the dictionary model first: dictionary concepts only where the model found nothing', () => {
    const merged = createPipelineSync(
      config(dir, { link: true, merge: 'model-first' }, [{ name: 'concepts' }]),
      {
        registry,
        context: fileResourceContext(),
      },
    );
    const out = merged.processSync({ id: 'm1', text });
    if (!out.ok) throw new Error('failed');
    const concepts = out.doc.get('concepts');
    const model = concepts.filter((c) => c.evidence.component === 'ner');
    const dictionary = concepts.filter((c) => c.evidence.component === 'concepts');
    expect(model.map((c) => c.text)).toEqual(['colon cancer', 'metformin']);
    expect(dictionary.map((c) => c.text)).toContain('Asthma');
    for (const c of dictionary) {
      expect(c.evidence.rule).toMatch(/^pack:starter@/);
      for (const m of model) expect(c.end <= m.start || c.start >= m.end).toBe(true);
    }
    // model-only (the default) drops the dictionary's concepts
    const only = createPipelineSync(config(dir, { link: true }, [{ name: 'concepts' }]), {
      registry,
      context: fileResourceContext(),
    }).processSync({ id: 'm2', text });
    if (!only.ok) throw new Error('failed');
    expect(only.doc.get('concepts').every((c) => c.evidence.component === 'ner')).toBe(true);
  });

  it('merges nothing without a concepts layer, and a pipeline running concepts after ner is refused', () => {
    const p = createPipelineSync(config(dir, { merge: 'union' }), {
      registry,
      context: fileResourceContext(),
    });
    const out = p.processSync({ id: 'm3', text });
    if (!out.ok) throw new Error('failed');
    expect(out.doc.get('concepts').every((c) => c.evidence.component === 'ner')).toBe(true);
    const after = { ...config(dir, { merge: 'union' }) };
    after.components = [...after.components, { name: 'concepts' } as never];
    expect(() => createPipelineSync(after, { registry, context: fileResourceContext() })).toThrow(
      expect.objectContaining({ code: 'CLINOTE_E_PIPELINE_LAYER_ORDER' }),
    );
  });

  it('--pack (applyPack) reaches the link of a linking ner component, not a ner component without one', () => {
    type Cfg = { components: { name: string; options?: Record<string, unknown> }[] };
    const linked = applyPack(config(dir, { link: { threshold: 0.6 } }, [{ name: 'concepts' }]), 'p.pack')
      .config as Cfg;
    expect(linked.components.find((c) => c.name === 'ner')?.options?.link).toEqual({
      threshold: 0.6,
      pack: 'p.pack',
    });
    expect(linked.components.find((c) => c.name === 'concepts')?.options).toEqual({ pack: 'p.pack' });
    const plain = applyPack(config(dir), 'p.pack').config as Cfg;
    expect(plain.components.find((c) => c.name === 'ner')?.options).toEqual({ model: dir });
    const yes = applyPack(config(dir, { link: true }), 'p.pack').config as Cfg;
    expect(yes.components.find((c) => c.name === 'ner')?.options?.link).toEqual({ pack: 'p.pack' });
  });

  it('scores each mention with the model probability when it gives one (else 1)', () => {
    const out = createPipelineSync(config(dir), { registry, context: fileResourceContext() }).processSync({
      id: 's1',
      text,
    });
    if (!out.ok) throw new Error('failed');
    for (const c of out.doc.get('concepts')) expect(c.score >= 0 && c.score <= 1).toBe(true);
  });

  it('refuses an unknown merge policy', () => {
    expect(() =>
      createPipelineSync(config(dir, { merge: 'both' }), { registry, context: fileResourceContext() }),
    ).toThrow(expect.objectContaining({ code: expect.stringMatching(/^CLINOTE_E_/) }));
  });
});

describe('resources/pipelines/ml.json with the built model', () => {
  const built = existsSync(resourcePath('models/ner-ncbi-disease/manifest.json'));

  it.skipIf(!built)('finds disease mentions in a note, assertions on them', () => {
    const config = JSON.parse(readFileSync(resourcePath('pipelines/ml.json'), 'utf8'));
    // up to the assertions (the classifier after them is tested with its own model)
    const last = config.components.findIndex((c: { name: string }) => c.name === 'assertions');
    config.components = config.components.slice(0, last + 1);
    const reg = defaultRegistry();
    const p = createPipelineSync(config, { registry: reg, context: fileResourceContext() });
    const text =
      'HISTORY OF PRESENT ILLNESS: A 54-year-old woman with a family history of breast cancer. She denies Huntington disease.';
    const out = p.processSync({ id: 'ml', text });
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    const concepts = out.doc.get('concepts');
    // breast cancer is a coded problem, found by the model or (model-first) by the dictionary
    const cancer = concepts.find((c) => c.text.endsWith('breast cancer') && c.type === 'problem');
    expect(cancer?.codes.some((c) => c.system === 'icd10cm')).toBe(true);
    expect(concepts.some((c) => c.evidence.component === 'ner' && c.codes.length > 0)).toBe(true);
    for (const c of concepts) {
      // model mentions, linked; the dictionary's concepts where the model found nothing
      if (c.evidence.component === 'ner') expect(c.evidence.model).toMatch(/^ner-ncbi-disease@/);
      else expect(c.evidence).toMatchObject({ component: 'concepts', rule: expect.stringMatching(/^pack:/) });
      expect(c.assertion).toBeDefined();
    }
  });

  if (!built)
    it.skip('resources/models/ner-ncbi-disease is not built (node dist/scripts/train-models.js)', () => {});
});
