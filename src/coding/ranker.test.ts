import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { missingDataMessage, sharedDataPath } from '../data.js';
import { loadPipeline, readConfigFile } from '../engine.js';
import { isClinoteError } from '../errors/error.js';
import { fileResourceContext, resourcePath } from '../resources.js';
import { Coder } from './engine.js';
import { loadCodingPack } from './load.js';
import {
  type CandidateSignals,
  CodePriors,
  DEFAULT_CODE_RANKER,
  loadCodeRanker,
  PRIORS_FILE,
  RANKER_FEATURES_VERSION,
  rankerFeatures,
} from './ranker.js';
import { DEFAULT_CODING_RULES, loadCodingRules } from './rules.js';

const base: CandidateSignals = {
  code: 'J18.9',
  title: 'Pneumonia, unspecified organism',
  billable: true,
  ruleScore: 0.85,
  rules: ['source.concept', 'source.index', 'specificity.stated'],
  mentions: 2,
  statuses: ['present'],
  sections: ['assessment_plan'],
  inPrincipalSection: true,
  coverage: 1,
  conceptScore: 1,
  sibling: false,
  alternative: false,
  distinctOverlap: 0.5,
  position: 0.2,
  titleOverlap: 0.5,
  noteCandidates: 4,
};

describe('rankerFeatures', () => {
  it.each([
    ['code and category', {}, ['code=J18.9', 'cat=J18', 'ch=J', 'len=4']],
    ['rules that fired', {}, ['r=source.concept', 'r=source.index', 'r=specificity.stated']],
    ['both sources', {}, ['src=concept+index', 'src=concept+index|ch=J']],
    ['an alternative', { alternative: true }, ['src=alt']],
    ['a sibling wins over the sources', { sibling: true, alternative: true }, ['src=sibling']],
    ['an unspecified title', {}, ['title.unspecified']],
    ['mentions bucket', { mentions: 1 }, ['mentions=0']],
    ['mentions bucket, many', { mentions: 7 }, ['mentions=3']],
    [
      'statuses and sections',
      { statuses: ['present', 'historical'] },
      ['status=historical', 'section=assessment_plan'],
    ],
    ['principal section', {}, ['principal-section']],
    ['full coverage', {}, ['cov=4']],
    ['no Index source', { coverage: 0 }, ['cov=0']],
    ['no own title words', { distinctOverlap: -1 }, ['distinct=none']],
    ['chapter D split: neoplasm', { code: 'D49.9' }, ['ch=D-neo']],
    ['chapter D split: blood', { code: 'D64.9' }, ['ch=D-blood']],
  ] as const)('%s', (_name, over, expected) => {
    const f = rankerFeatures({ ...base, ...over } as CandidateSignals);
    for (const e of expected) expect(f).toContain(e);
  });

  it('reads the prior of the code', () => {
    expect(rankerFeatures(base)).toEqual(expect.arrayContaining(['prior=0', 'hprec=none']));
    const f = rankerFeatures(base, { gold: 12, proposed: 10, correct: 8 });
    expect(f).toEqual(expect.arrayContaining(['prior=4', 'hprec=2:4']));
  });

  it('is deterministic', () => {
    expect(rankerFeatures(base)).toEqual(rankerFeatures({ ...base }));
  });
});

describe('CodePriors', () => {
  it('round-trips through its JSON', () => {
    const p = new CodePriors(new Map([['I10', { gold: 3, proposed: 4, correct: 2 }]]), 10);
    const back = CodePriors.parse(JSON.stringify(p.toJSON('test')), 'mem');
    expect(back.get('I10')).toEqual({ gold: 3, proposed: 4, correct: 2 });
    expect(back.get('Z99.9')).toEqual({ gold: 0, proposed: 0, correct: 0 });
    expect(back.documents).toBe(10);
  });

  it.each([
    ['not JSON', '{'],
    ['wrong shape', '{"features":1,"documents":1,"source":"x","codes":{"I10":[1]}}'],
    [
      'another features version',
      `{"features":${RANKER_FEATURES_VERSION + 1},"documents":1,"source":"x","codes":{}}`,
    ],
  ])('refuses %s with a coded error', (_name, text) => {
    try {
      CodePriors.parse(text, 'mem');
      expect.unreachable();
    } catch (e) {
      expect(isClinoteError(e) && e.code).toBe('CLINOTE_E_MODEL_MANIFEST_INVALID');
    }
  });
});

describe('the committed code ranker', () => {
  const dir = resourcePath(DEFAULT_CODE_RANKER);

  it('is small, attributed and loads', () => {
    let bytes = 0;
    for (const f of ['manifest.json', 'weights.bin', 'model-card.md', PRIORS_FILE])
      bytes += statSync(join(dir, f)).size;
    expect(bytes).toBeLessThan(2 * 1024 * 1024);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    expect(manifest.kind).toBe('code-ranker');
    expect(manifest.data.license).toBe('CC BY 4.0');
    expect(manifest.data.attribution).toMatch(/CLEF eHealth 2020/);
    expect(readFileSync(join(dir, 'model-card.md'), 'utf8')).toMatch(/CC BY 4\.0/);
    const ranker = loadCodeRanker(fileResourceContext(), DEFAULT_CODE_RANKER);
    expect(ranker.threshold).toBeGreaterThan(0);
    expect(ranker.threshold).toBeLessThan(1);
    const p = ranker.probability(base);
    expect(p).toBeGreaterThan(0);
    expect(p).toBeLessThan(1);
    // a candidate both sources agree on, fully covered, scores above a sibling nothing supports
    const weak = ranker.probability({
      ...base,
      code: 'J18.1',
      title: 'Lobar pneumonia, unspecified organism',
      rules: ['source.concept', 'source.sibling'],
      sibling: true,
      ruleScore: 0.3,
      distinctOverlap: 0,
      titleOverlap: 0.3,
    });
    expect(p).toBeGreaterThan(weak);
  });

  it('a missing folder is a coded error', () => {
    try {
      loadCodeRanker(fileResourceContext(), 'models/no-such-ranker');
      expect.unreachable();
    } catch (e) {
      expect(isClinoteError(e) && e.code).toBe('CLINOTE_E_MODEL_NOT_FOUND');
    }
  });
});

const missingData = ['icd10cm', 'icd10cm_index_2023.xml.gz'] as const;
describe.skipIf(sharedDataPath(...missingData) === null)(
  sharedDataPath(...missingData) === null ? missingDataMessage(...missingData) : 'ranker candidates',
  () => {
    it('collects candidates only from mentions the rules may code, each with its evidence', async () => {
      const p = await loadPipeline({ config: readConfigFile(resourcePath('pipelines/coding.json')) });
      const text =
        'No pneumonia. Iron deficiency anemia. Family history of colon cancer. Rule out appendicitis.';
      const out = await p.process({ id: 'c', text });
      expect(out.ok).toBe(true);
      if (!out.ok) return;
      const ctx = fileResourceContext();
      const pack = loadCodingPack(ctx).pack;
      const coder = new Coder(pack, loadCodingRules(ctx, DEFAULT_CODING_RULES), {});
      const concepts = out.doc.get('concepts');
      const cands = coder.collect({ text, concepts, sentences: out.doc.get('sentences') });
      const codes = cands.map((k) => k.signals.code);
      expect(codes).toContain('D50.9');
      // the other codes of a small category are candidates too, with the mention's evidence
      const sibling = cands.find((k) => k.signals.code !== 'D50.9' && k.signals.code.startsWith('D50.'));
      expect(sibling?.signals.sibling).toBe(true);
      expect(sibling?.signals.rules).toContain('source.sibling');
      // never the negated pneumonia, the family member's cancer as the patient's, or the hypothetical
      for (const bad of ['J18', 'C18', 'K35', 'K37'])
        expect(codes.filter((c) => c.startsWith(bad))).toEqual([]);
      for (const k of cands) {
        expect(k.concepts.length).toBeGreaterThan(0);
        for (const ci of k.concepts) expect(concepts[ci]!.assertion?.status).not.toBe('absent');
      }
    }, 60_000);
  },
);
