import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Doc } from '../../doc/doc.js';
import type { Concept } from '../../doc/types.js';
import { loadPipelineSync } from '../../engine-sync.js';
import { isClinoteError } from '../../errors/error.js';
import { segmentation } from '../../models/assertion/data.js';
import { ASSERTION_MODEL_NAME, ASSERTION_MODEL_VERSION } from '../../models/assertion/train.js';
import { readClassifierDir, trainLogReg, writeClassifierDir } from '../../models/classify/index.js';
import { specialtyFeatures } from '../../models/classify/tasks/specialty.js';
import type { FactoryContext } from '../../pipeline/component.js';
import { createPipelineSync } from '../../pipeline/pipeline.js';
import { fileResourceContext, packageRoot, resourcePath } from '../../resources.js';
import { type Assertion, assertionsComponent } from '../assertions/index.js';
import { defaultRegistry } from '../index.js';
import { DEFAULT_SECTION_RULES, loadSectionMatcher } from '../sections/index.js';
import { applyNegation, classifyComponent, DEFAULT_CLASSIFY_MODEL } from './index.js';

const MODEL_ID = `${ASSERTION_MODEL_NAME}@${ASSERTION_MODEL_VERSION}`;
const SEGMENT = ['normalize', 'sections', 'sentences', 'tokens'].map((name) => ({ name }));
const ctx = fileResourceContext();
const seg = segmentation();
const rules = assertionsComponent.create({}, ctx) as (doc: Doc) => void;
const classify = classifyComponent.create({}, ctx) as (doc: Doc) => void;

/** Our own note, concepts at the given phrases, asserted by the rules (then by the model when asked). */
function run(text: string, phrases: readonly string[], withModel: boolean): Doc {
  const doc = seg.runSync(new Doc(text, { id: 'n' }));
  let from = 0;
  const concepts: Concept[] = phrases.map((phrase) => {
    const start = text.indexOf(phrase, from);
    if (start < 0) throw new Error(`no '${phrase}'`);
    from = start + 1;
    return {
      start,
      end: start + phrase.length,
      text: phrase,
      type: 'problem',
      codes: [],
      matched: { term: phrase, source: 'test' },
      score: 1,
      evidence: { component: 'test' },
    };
  });
  doc.set('concepts', concepts);
  rules(doc);
  if (withModel) classify(doc);
  return doc;
}

describe('the shipped assertion model', () => {
  const dir = resourcePath(DEFAULT_CLASSIFY_MODEL);

  it('loads, is small, and records its calibration and scores', () => {
    const { manifest, classifier } = readClassifierDir(dir, 'assertion');
    expect(`${manifest.name}@${manifest.version}`).toBe(MODEL_ID);
    expect(classifier.ref).toBe(MODEL_ID);
    expect(manifest.labels).toEqual(['affirmed', 'negated']);
    expect(statSync(join(dir, 'weights.bin')).size).toBeLessThan(2 * 1024 * 1024);
    expect(manifest.calibration.eceAfter).toBeLessThanOrEqual(0.03);
    expect(manifest.metrics.dev?.perClass?.negated?.f1).toBeGreaterThanOrEqual(0.85);
    const card = readFileSync(join(dir, 'model-card.md'), 'utf8');
    expect(card).toContain('Caufield');
    expect(card).toContain('Kury');
    expect(card).toContain('CC BY 4.0');
  });

  it('enters the pipeline version through its files', () => {
    const config = { name: 'c', components: [...SEGMENT, { name: 'classify' }] };
    const a = loadPipelineSync({ config });
    const mine = a.components.find((c) => c.name === 'classify');
    const paths = (mine?.resources ?? []).map((r) => r.path);
    expect(paths.some((p) => p.endsWith(join('assertion-negation', 'manifest.json')))).toBe(true);
    expect(paths.some((p) => p.endsWith(join('assertion-negation', 'weights.bin')))).toBe(true);
    // the same manifest with one more newline: another pipeline version
    const base = fileResourceContext();
    const touched: FactoryContext = {
      readResource: (p) => (p.endsWith('manifest.json') ? `${base.readResource(p)}\n` : base.readResource(p)),
      readResourceBytes: (p) => base.readResourceBytes(p),
    };
    const b = createPipelineSync(config, { registry: defaultRegistry(), context: base });
    expect(b.stamp.version).toBe(a.stamp.version);
    const c = createPipelineSync(config, { registry: defaultRegistry(), context: touched });
    expect(c.stamp.version).not.toBe(a.stamp.version);
  });
});

describe('the classify component on concepts', () => {
  // our own sentence: the rules carry `No` over the conjunction to `cough`
  const text = 'No fever and a productive cough for a week.';

  it('changes a concept the rules got wrong, and names the model in the evidence', () => {
    const before = run(text, ['fever', 'cough'], false).get('concepts');
    expect(before.map((c) => c.assertion?.status)).toEqual(['absent', 'absent']);

    const doc = run(text, ['fever', 'cough'], true);
    const [fever, cough] = doc.get('concepts');
    // `fever` stays negated, with the rule's cue as its evidence
    expect(fever?.assertion?.status).toBe('absent');
    const ev = fever?.assertion?.evidence.find((e) => e.category === 'NEGATED');
    expect(ev?.source).toBe('cue');
    expect(ev?.rule).not.toBe(MODEL_ID);
    expect(ev?.cue?.text).toBe('No');
    // `cough` is affirmed by the model: the evidence names it
    expect(cough?.assertion?.status).toBe('present');
    expect(cough?.assertion?.categories).toEqual([]);
    expect(cough?.assertion?.evidence).toEqual([
      expect.objectContaining({ category: 'AFFIRMED', source: 'default', rule: MODEL_ID, cue: null }),
    ]);
    // the temporality is the rules'
    expect(cough?.assertion?.temporality).toBe(before[1]?.assertion?.temporality);

    const items = doc.get('classifications');
    expect(items).toHaveLength(2);
    for (const [i, item] of items.entries()) {
      expect(item.target).toBe('concept');
      expect(item.concept).toBe(i);
      expect(item.kind).toBe('assertion');
      expect(item.model).toBe(MODEL_ID);
      expect(item.evidence).toMatchObject({ component: 'classify', source: 'model', model: MODEL_ID });
      expect(text.slice(item.start, item.end)).toBe(doc.get('concepts')[i]?.text);
      expect(item.probability).toBeGreaterThan(0.5);
      expect(item.probability).toBeLessThanOrEqual(1);
    }
    expect(items.map((x) => x.label)).toEqual(['negated', 'affirmed']);
  });

  it('runs after the default pipeline: one classification per concept, in the result', () => {
    const config = JSON.parse(readFileSync(resourcePath('pipelines/default.json'), 'utf8')) as {
      components: unknown[];
    };
    const p = loadPipelineSync({
      config: { name: 'with-classify', components: [...config.components, { name: 'classify' }] },
    });
    const note = readFileSync(join(packageRoot(), 'examples', 'notes', 'ed-note-01.txt'), 'utf8');
    const out = p.processSync({ id: 'ed', text: note });
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    const concepts = out.doc.get('concepts');
    const items = out.doc.get('classifications');
    expect(concepts.length).toBeGreaterThan(0);
    expect(items).toHaveLength(concepts.length);
    for (const item of items) {
      const c = concepts[item.concept as number] as Concept;
      expect([item.start, item.end]).toEqual([c.start, c.end]);
      // the concept's negation is the model's verdict
      expect(c.assertion?.categories.includes('NEGATED')).toBe(item.label === 'negated');
    }
  });

  it('refuses a document model for concepts, and the assertion model for a document', () => {
    const code = (f: () => unknown): string | undefined => {
      try {
        f();
      } catch (e) {
        return isClinoteError(e) ? e.code : String(e);
      }
      return undefined;
    };
    expect(code(() => classifyComponent.create({ target: 'document' }, ctx))).toBe(
      'CLINOTE_E_MODEL_TASK_MISMATCH',
    );
    expect(code(() => classifyComponent.create({ model: '/no/such/model' }, ctx))).toBe(
      'CLINOTE_E_MODEL_NOT_FOUND',
    );
  });
});

describe('applyNegation', () => {
  const span = { start: 10, end: 18 };
  const affirmedHistorical: Assertion = {
    status: 'historical',
    categories: ['HISTORICAL'],
    evidence: [
      {
        category: 'HISTORICAL',
        source: 'cue',
        rule: 'hist.history-of',
        cue: { start: 0, end: 10, text: 'history of' },
        scope: { start: 10, end: 18 },
      },
    ],
    temporality: 'historical',
    temporalityEvidence: [
      {
        temporality: 'historical',
        source: 'cue',
        rule: 'hist.history-of',
        cue: null,
        scope: { start: 10, end: 18 },
      },
    ],
  };

  it('adds NEGATED with the model as the rule and the nearest cue, keeping the other categories', () => {
    const cue = { rule: 'neg.no', start: 30, end: 32, text: 'no', inScope: false, scope: null };
    const a = applyNegation(affirmedHistorical, true, span, cue, MODEL_ID);
    expect(a.status).toBe('absent');
    expect(a.categories).toEqual(['NEGATED', 'HISTORICAL']);
    expect(a.evidence[0]).toEqual({
      category: 'NEGATED',
      source: 'cue',
      rule: MODEL_ID,
      cue: { start: 30, end: 32, text: 'no' },
      scope: { start: 10, end: 32 },
    });
    expect(a.evidence[1]).toBe(affirmedHistorical.evidence[0]);
    expect(a.temporality).toBe('historical');
    // agreeing verdicts leave the assertion as it is
    expect(applyNegation(affirmedHistorical, false, span, cue, MODEL_ID)).toBe(affirmedHistorical);
    expect(applyNegation(a, true, span, cue, MODEL_ID)).toBe(a);
  });

  it('removes NEGATED and its evidence; with nothing left, the model is the default evidence', () => {
    const negated = applyNegation(affirmedHistorical, true, span, null, MODEL_ID);
    expect(negated.evidence[0]?.cue).toBeNull();
    expect(negated.evidence[0]?.scope).toEqual(span);
    const back = applyNegation(negated, false, span, null, MODEL_ID);
    expect(back.categories).toEqual(['HISTORICAL']);
    expect(back.status).toBe('historical');
    expect(back.evidence).toEqual(affirmedHistorical.evidence);

    const onlyNegated: Assertion = {
      ...affirmedHistorical,
      status: 'absent',
      categories: ['NEGATED'],
      evidence: [
        {
          category: 'NEGATED',
          source: 'cue',
          rule: 'neg.no',
          cue: { start: 0, end: 2, text: 'no' },
          scope: { start: 3, end: 20 },
        },
      ],
    };
    const affirmed = applyNegation(onlyNegated, false, span, null, MODEL_ID);
    expect(affirmed.status).toBe('present');
    expect(affirmed.evidence).toEqual([
      { category: 'AFFIRMED', source: 'default', rule: MODEL_ID, cue: null, scope: { start: 3, end: 20 } },
    ]);
  });
});

describe('the classify component on documents', () => {
  const dir = mkdtempSync(join(tmpdir(), 'clinote-classify-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // a tiny specialty model trained here on notes of our own
  const NOTES: readonly [string, number][] = [
    ['HISTORY: Chest pain on exertion. EKG shows ST depression. Plan: cardiac catheterization.', 0],
    ['Palpitations and atrial fibrillation; echocardiogram shows reduced ejection fraction.', 0],
    ['Coronary artery disease, stent placed in the left anterior descending artery.', 0],
    ['Murmur heard; echocardiogram and troponin ordered for possible myocardial infarction.', 0],
    ['Right knee pain after a fall. X-ray shows a tibial plateau fracture. Plan: ORIF.', 1],
    ['Lumbar spine stenosis with radiculopathy; laminectomy is planned.', 1],
    ['Rotator cuff tear of the left shoulder; arthroscopic repair discussed.', 1],
    ['Hip osteoarthritis, total hip arthroplasty scheduled; fracture of the wrist healed.', 1],
  ];
  const matcher = loadSectionMatcher(ctx, DEFAULT_SECTION_RULES);
  const { model } = trainLogReg(
    NOTES.map(([text, label]) => ({ features: specialtyFeatures(text, matcher), label })),
    { labels: ['cardiology', 'orthopedics'], bits: 12, epochs: 30, seed: 1, normalize: true },
  );
  writeClassifierDir(dir, model, {
    name: 'specialty-test',
    version: '0.0.1',
    kind: 'specialty',
    features: { description: 'specialty features (test)' },
    hyperparameters: { epochs: 30 },
    seed: 1,
    data: { train: [], dev: [] },
    metrics: {},
    calibration: {
      method: 'temperature',
      temperature: 1,
      bins: 15,
      fittedOn: 'none',
      eceBefore: 0,
      eceAfter: 0,
      scoredOn: 'none',
    },
    code: { package: 'clinote', version: '0.0.0' },
    created: '2026-01-01T00:00:00.000Z',
  });

  it('attaches one classification for the whole note, with its probability and model', () => {
    const p = loadPipelineSync({
      config: { name: 'doc', components: [...SEGMENT, { name: 'classify', options: { model: dir } }] },
    });
    const text = 'Knee fracture after a fall; orthopedic repair with ORIF planned.';
    const out = p.processSync({ id: 'd', text });
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    const [item, ...rest] = out.doc.get('classifications');
    expect(rest).toEqual([]);
    expect(item).toMatchObject({
      start: 0,
      end: text.length,
      target: 'document',
      kind: 'specialty',
      label: 'orthopedics',
      model: 'specialty-test@0.0.1',
      evidence: { component: 'classify', source: 'model', model: 'specialty-test@0.0.1' },
    });
    expect(item?.probability).toBeGreaterThan(0.5);
    expect(item?.concept).toBeUndefined();
    // and a cardiology note
    const heart = p.processSync({
      id: 'h',
      text: 'Chest pain; echocardiogram and EKG for atrial fibrillation.',
    });
    expect(heart.ok && heart.doc.get('classifications')[0]?.label).toBe('cardiology');
  });

  it('refuses a document model for concepts', () => {
    let code: string | undefined;
    try {
      classifyComponent.create({ model: dir, target: 'concepts' }, ctx);
    } catch (e) {
      code = isClinoteError(e) ? e.code : undefined;
    }
    expect(code).toBe('CLINOTE_E_MODEL_TASK_MISMATCH');
  });
});
