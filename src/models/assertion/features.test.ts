import { describe, expect, it } from 'vitest';
import { assertConcepts, defaultContextEngine } from '../../components/assertions/index.js';
import { Doc } from '../../doc/doc.js';
import type { Concept } from '../../doc/types.js';
import { segmentation, splitOf } from './data.js';
import { assertionFeatures, distanceBucket } from './features.js';
import { negationScore } from './train.js';

const pipeline = segmentation();
const engine = defaultContextEngine();

/** A note of our own, its concepts at the given phrases (first occurrence after `from`), asserted. */
function featurize(text: string, phrases: readonly (readonly [string, string])[]) {
  const doc = pipeline.runSync(new Doc(text, { id: 't' }));
  let from = 0;
  const concepts: Concept[] = phrases.map(([phrase, type]) => {
    const start = text.indexOf(phrase, from);
    if (start < 0) throw new Error(`no '${phrase}' in the note`);
    from = start + 1;
    return {
      start,
      end: start + phrase.length,
      text: phrase,
      type,
      codes: [],
      matched: { term: phrase, source: 'test' },
      score: 1,
      evidence: { component: 'test' },
    };
  });
  doc.set('concepts', concepts);
  const asserted = assertConcepts(doc, engine);
  doc.set('concepts', asserted);
  return { doc, asserted, features: assertionFeatures(doc, engine, asserted) };
}

const has = (f: readonly string[], x: string): boolean => f.includes(x);

describe('assertion features', () => {
  it('carry the rule verdict, its cue and rule id, and the cue distance and scope', () => {
    const { features, asserted } = featurize('ASSESSMENT: The patient denies chest pain.', [
      ['chest pain', 'problem'],
    ]);
    const f = (features[0] as { features: string[] }).features;
    expect(asserted[0]?.assertion?.categories).toContain('NEGATED');
    expect(has(f, 'rule.neg=1')).toBe(true);
    expect(f.some((x) => x.startsWith('rule.neg.rule=neg.'))).toBe(true);
    expect(has(f, 'rule.neg.cue=denies')).toBe(true);
    expect(has(f, 'negB.cue=denies')).toBe(true);
    expect(has(f, 'negB.dist=0')).toBe(true);
    expect(has(f, 'negB.adjacent')).toBe(true);
    expect(has(f, 'negB.scope=1')).toBe(true);
    expect(has(f, 'negA.none')).toBe(true);
    expect(has(f, 'type=problem')).toBe(true);
    expect(has(f, 'c.w=chest')).toBe(true);
    expect(has(f, 'L1=denies')).toBe(true);
    expect(f.some((x) => x.startsWith('sec='))).toBe(true);
    // the evidence cue: offsets into the note
    const cue = features[0]?.cue;
    expect(cue?.text).toBe('denies');
    expect(cue?.inScope).toBe(true);
  });

  it('see a negation cue whose scope stops before the concept, with the punctuation and words between', () => {
    const text = 'No fever; she reports a productive cough, and wheezing.';
    const { features, asserted } = featurize(text, [
      ['fever', 'problem'],
      ['productive cough', 'problem'],
      ['wheezing', 'problem'],
    ]);
    expect(asserted[1]?.assertion?.categories ?? []).not.toContain('NEGATED');
    const f = (features[1] as { features: string[] }).features;
    expect(has(f, 'rule.neg=0')).toBe(true);
    expect(has(f, 'negB.cue=no')).toBe(true);
    expect(has(f, 'negB.scope=0')).toBe(true);
    expect(has(f, 'negB.between.punct=;')).toBe(true);
    expect(has(f, 'negB.concepts=1')).toBe(true);
    expect(f.some((x) => x.startsWith('negB.dist=') && x !== 'negB.dist=0')).toBe(true);
    // the nearest cue is kept as the evidence, out of scope
    expect(features[1]?.cue?.text).toBe('No');
    expect(features[1]?.cue?.inScope).toBe(false);
  });

  it('read the words past a list of concepts and the word classes around a concept', () => {
    const text = 'The rash, fever and arthralgia resolved after two weeks.';
    const { features } = featurize(text, [
      ['rash', 'problem'],
      ['fever', 'problem'],
      ['arthralgia', 'problem'],
    ]);
    const first = (features[0] as { features: string[] }).features;
    expect(has(first, 'RS.passed')).toBe(true);
    expect(has(first, 'RS1=resolved')).toBe(true);
    expect(has(first, 'lexR=resolve')).toBe(true);
    const last = (features[2] as { features: string[] }).features;
    expect(has(last, 'R1=resolved')).toBe(true);
    expect(has(last, 'lexR=resolve&0')).toBe(true);
    expect(has(last, 'LS.passed')).toBe(true);
    expect(has(last, 'negB.none')).toBe(true);
  });

  it('mark nested concepts and a cue inside the concept', () => {
    const text = 'There was no evidence of recurrence of lymphoma.';
    const { features } = featurize(text, [
      ['recurrence of lymphoma', 'problem'],
      ['lymphoma', 'problem'],
    ]);
    expect(has((features[0] as { features: string[] }).features, 'c.nested=holds')).toBe(true);
    expect(has((features[1] as { features: string[] }).features, 'c.nested=in')).toBe(true);
  });

  it('are the same on the same note (the model depends on it)', () => {
    const text = 'Denies nausea. Vomiting was not observed.';
    const a = featurize(text, [
      ['nausea', 'problem'],
      ['Vomiting', 'problem'],
    ]).features;
    const b = featurize(text, [
      ['nausea', 'problem'],
      ['Vomiting', 'problem'],
    ]).features;
    expect(a).toEqual(b);
    // a negation cue after the concept
    const after = (a[1] as { features: string[] }).features.find((x) => x.startsWith('negA.cue='));
    expect(after).toContain('not');
  });

  it('bucket distances', () => {
    expect([0, 1, 2, 3, 4, 5, 7, 8, 12, 13, 40].map(distanceBucket)).toEqual([
      '0',
      '1',
      '2',
      '3-4',
      '3-4',
      '5-7',
      '5-7',
      '8-12',
      '8-12',
      '13+',
      '13+',
    ]);
  });
});

describe('splits and scores', () => {
  it('split documents deterministically, about 60 / 20 / 20, and by seed', () => {
    const names = Array.from({ length: 2000 }, (_, i) => `doc-${i}`);
    const counts = { train: 0, dev: 0, heldout: 0 };
    for (const n of names) counts[splitOf(n)]++;
    expect(counts.train / 2000).toBeGreaterThan(0.55);
    expect(counts.train / 2000).toBeLessThan(0.65);
    expect(counts.dev / 2000).toBeGreaterThan(0.16);
    expect(counts.heldout / 2000).toBeGreaterThan(0.16);
    expect(names.map((n) => splitOf(n))).toEqual(names.map((n) => splitOf(n)));
    expect(names.filter((n) => splitOf(n, 1) !== splitOf(n, 2)).length).toBeGreaterThan(500);
  });

  it('score entity-level negation', () => {
    const s = negationScore([true, true, false, false, true], [true, false, true, false, true]);
    expect(s).toMatchObject({ tp: 2, fp: 1, fn: 1, negated: 3, examples: 5 });
    expect(s.precision).toBeCloseTo(2 / 3);
    expect(s.recall).toBeCloseTo(2 / 3);
    expect(s.f1).toBeCloseTo(2 / 3);
    expect(negationScore([false], [false]).f1).toBe(0);
  });
});
