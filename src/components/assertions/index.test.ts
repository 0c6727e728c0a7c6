import { Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { Doc } from '../../doc/doc.js';
import type { Concept } from '../../doc/types.js';
import { toResult } from '../../output/result.js';
import { defineComponent } from '../../pipeline/component.js';
import { createPipelineSync, type Pipeline } from '../../pipeline/pipeline.js';
import { Registry } from '../../pipeline/registry.js';
import { fileResourceContext } from '../../resources.js';
import { normalizeComponent } from '../normalize/index.js';
import { sectionsComponent } from '../sections/index.js';
import { sentencesComponent } from '../sentences/index.js';
import { tokensComponent } from '../tokens/index.js';
import { assertConcepts, assertionsComponent, defaultContextEngine } from './index.js';
import { AssertionSchema } from './schema.js';

/** Concepts from `doc.meta.concepts` ([text, type, nth?]): gold concepts for the test. */
const testConcepts = defineComponent({
  name: 'test-concepts',
  version: '0.0.0',
  description: 'concepts given in the note metadata (tests)',
  requires: ['normalized', 'sections', 'sentences', 'tokens'],
  assigns: ['concepts'],
  options: Type.Object({}, { additionalProperties: false }),
  create: () => (doc) => {
    const wanted = (doc.meta.concepts ?? []) as [string, string, number?][];
    doc.set(
      'concepts',
      wanted.map(([text, type, nth = 0]) => {
        let start = -1;
        for (let k = 0; k <= nth; k++) start = doc.text.indexOf(text, start + 1);
        if (start < 0) throw new Error(`no ${text}`);
        return {
          start,
          end: start + text.length,
          text,
          type,
          codes: [],
          matched: { term: text.toLowerCase(), source: 'test' },
          score: 1,
          evidence: { component: 'test-concepts' },
        } satisfies Concept;
      }),
    );
  },
});

function pipeline(options: Record<string, unknown> = {}): Pipeline {
  const registry = new Registry()
    .register(normalizeComponent)
    .register(sectionsComponent)
    .register(sentencesComponent)
    .register(tokensComponent)
    .register(testConcepts)
    .register(assertionsComponent);
  return createPipelineSync(
    {
      name: 'assertions-test',
      components: [
        { name: 'normalize' },
        { name: 'sections' },
        { name: 'sentences' },
        { name: 'tokens' },
        { name: 'test-concepts' },
        { name: 'assertions', options },
      ],
    },
    { registry, context: fileResourceContext() },
  );
}

const NOTE = [
  'CHIEF COMPLAINT: Chest pain.',
  '',
  'HISTORY OF PRESENT ILLNESS:',
  'The patient reports chest pain with exertion. He denies fever or chills.',
  '',
  'PAST MEDICAL HISTORY:',
  'Hypertension. Diabetes.',
  '',
  'FAMILY HISTORY:',
  'Mother with breast cancer. Father had a stroke at 60.',
  '',
  'ALLERGIES:',
  'Penicillin (rash).',
  '',
  'REVIEW OF SYSTEMS:',
  'Constitutional: negative for fevers, night sweats.',
  'Respiratory: (-) cough / (+) wheezing',
  '',
  'PLAN:',
  'Return if fever or worsening chest pain.',
  '',
].join('\n');

const CONCEPTS: [string, string, number?][] = [
  ['Chest pain', 'problem'],
  ['chest pain', 'problem', 0],
  ['fever', 'problem', 0],
  ['chills', 'problem'],
  ['Hypertension', 'problem'],
  ['Diabetes', 'problem'],
  ['breast cancer', 'problem'],
  ['stroke', 'problem'],
  ['Penicillin', 'medication'],
  ['rash', 'problem'],
  ['night sweats', 'problem'],
  ['cough', 'problem'],
  ['wheezing', 'problem'],
  ['fever', 'problem', 2],
  ['chest pain', 'problem', 1],
];

const EXPECTED: [string, string, string][] = [
  // [concept text, status, first evidence rule]
  ['Chest pain', 'present', 'assertions.default'],
  ['chest pain', 'conditional', 'cond.with-exertion'],
  ['fever', 'absent', 'neg.denies'],
  ['chills', 'absent', 'neg.denies'],
  ['Hypertension', 'historical', 'section.past-history'],
  ['Diabetes', 'historical', 'section.past-history'],
  ['breast cancer', 'family', 'fam.relative'],
  ['stroke', 'family', 'fam.relative'],
  ['Penicillin', 'allergy', 'section.allergies'],
  ['rash', 'allergy', 'section.allergies'],
  ['night sweats', 'absent', 'neg.negative-for'],
  ['cough', 'absent', 'neg.minus-sign'],
  ['wheezing', 'present', 'assertions.default'],
  ['fever', 'hypothetical', 'hyp.return-if'],
  ['chest pain', 'hypothetical', 'hyp.return-if'],
];

describe('assertionsComponent', () => {
  const p = pipeline();
  const doc = p.runSync(new Doc(NOTE, { id: 'n1', meta: { concepts: CONCEPTS } }));
  const concepts = doc.get('concepts');

  it('asserts every concept, with the sections of the note', () => {
    expect(concepts.map((c) => [c.text, c.assertion?.status, c.assertion?.evidence[0]?.rule])).toEqual(
      EXPECTED,
    );
  });

  it('gives the section header as the cue of a section default', () => {
    const hypertension = concepts.find((c) => c.text === 'Hypertension');
    const evidence = hypertension?.assertion?.evidence[0];
    expect(evidence?.source).toBe('section');
    expect(evidence?.cue?.text).toBe('PAST MEDICAL HISTORY');
    expect(NOTE.slice(evidence?.scope.start, evidence?.scope.end)).toContain('Hypertension. Diabetes.');
    const penicillin = concepts.find((c) => c.text === 'Penicillin');
    expect(penicillin?.assertion?.evidence[0]?.cue?.text).toBe('ALLERGIES');
  });

  it('gives every concept a temporality with its evidence (ConText onset axis)', () => {
    expect(
      concepts.map((c) => [c.text, c.assertion?.temporality, c.assertion?.temporalityEvidence[0]?.rule]),
    ).toEqual([
      ['Chest pain', 'recent', 'temporality.default'],
      ['chest pain', 'recent', 'temporality.default'],
      ['fever', 'recent', 'temporality.default'],
      ['chills', 'recent', 'temporality.default'],
      ['Hypertension', 'historical', 'section.past-history'],
      ['Diabetes', 'historical', 'section.past-history'],
      ['breast cancer', 'recent', 'temporality.default'],
      ['stroke', 'recent', 'temporality.default'],
      ['Penicillin', 'historical', 'section.allergies'],
      ['rash', 'historical', 'section.allergies'],
      ['night sweats', 'recent', 'temporality.default'],
      ['cough', 'recent', 'temporality.default'],
      ['wheezing', 'recent', 'temporality.default'],
      ['fever', 'hypothetical', 'hyp.return-if'],
      ['chest pain', 'hypothetical', 'hyp.return-if'],
    ]);
    const penicillin = concepts.find((c) => c.text === 'Penicillin')?.assertion?.temporalityEvidence[0];
    expect(penicillin).toMatchObject({ source: 'section', cue: { text: 'ALLERGIES' } });
  });

  it('gives evidence spans that reproduce the original text', () => {
    for (const c of concepts) {
      const a = c.assertion;
      expect(a, c.text).toBeDefined();
      expect(Value.Check(AssertionSchema, a)).toBe(true);
      for (const e of [...(a?.evidence ?? []), ...(a?.temporalityEvidence ?? [])]) {
        if (e.cue) expect(NOTE.slice(e.cue.start, e.cue.end)).toBe(e.cue.text);
        expect(e.scope.start).toBeGreaterThanOrEqual(0);
        expect(e.scope.end).toBeLessThanOrEqual(NOTE.length);
        expect(e.scope.start).toBeLessThanOrEqual(e.scope.end);
      }
    }
  });

  it('keeps the concepts as they were, with the assertion added', () => {
    const before = { ...(concepts[0] as Concept) };
    delete (before as { assertion?: unknown }).assertion;
    expect(before).toMatchObject({
      text: 'Chest pain',
      type: 'problem',
      evidence: { component: 'test-concepts' },
    });
  });

  it('puts the assertion in the JSON result', () => {
    const result = JSON.parse(JSON.stringify(toResult(doc, p))) as { concepts: { assertion: unknown }[] };
    expect(result.concepts[2]?.assertion).toMatchObject({
      status: 'absent',
      categories: ['NEGATED'],
      evidence: [{ category: 'NEGATED', source: 'cue', rule: 'neg.denies', cue: { text: 'denies' } }],
    });
  });

  it('can leave out the section defaults', () => {
    const plain = pipeline({ sectionDefaults: false }).runSync(
      new Doc(NOTE, { id: 'n2', meta: { concepts: CONCEPTS } }),
    );
    const hypertension = plain.get('concepts').find((c) => c.text === 'Hypertension');
    expect(hypertension?.assertion?.status).toBe('present');
  });

  it('records the rule file in the pipeline version and refuses unknown options', () => {
    expect(p.components.find((c) => c.name === 'assertions')?.resources.map((r) => r.path)).toEqual([
      'assertions/rules.json',
      'assertions/chronic.json',
    ]);
    expect(() => pipeline({ rulez: 'x' })).toThrow(
      expect.objectContaining({ code: 'CLINOTE_E_CONFIG_INVALID' }),
    );
  });

  it('describes itself', () => {
    expect(assertionsComponent).toMatchObject({
      name: 'assertions',
      version: '1.2.0',
      requires: ['normalized', 'sections', 'sentences', 'tokens', 'concepts'],
      assigns: ['concepts.assertion'],
    });
  });

  it('reads a key with its answer when the note cuts them apart (`Smoking:` taken for a header)', () => {
    const note = [
      'SOCIAL HISTORY:',
      'Smoking: None',
      'Alcohol: occasional',
      '',
      'LABS:',
      'HIV: Negative',
      'Troponin: 0.01',
      '',
      'REVIEW OF SYSTEMS:',
      'Any chest pain? No. Dysuria is present.',
      'Cough: no',
      'fever: yes',
      '',
    ].join('\n');
    const wanted: [string, string][] = [
      ['Smoking', 'problem'],
      ['Alcohol', 'problem'],
      ['HIV', 'lab'],
      ['Troponin', 'lab'],
      ['chest pain', 'problem'],
      ['Dysuria', 'problem'],
      ['Cough', 'problem'],
      ['fever', 'problem'],
    ];
    const out = p.runSync(new Doc(note, { id: 'kv', meta: { concepts: wanted } })).get('concepts');
    expect(out.map((c) => [c.text, c.assertion?.status, c.assertion?.evidence[0]?.rule])).toEqual([
      ['Smoking', 'absent', 'neg.key-value'],
      ['Alcohol', 'present', 'assertions.default'],
      ['HIV', 'absent', 'neg.key-value'],
      ['Troponin', 'present', 'assertions.default'],
      ['chest pain', 'absent', 'neg.question-answer'],
      ['Dysuria', 'present', 'assertions.default'],
      ['Cough', 'absent', 'neg.key-value'],
      ['fever', 'present', 'assertions.default'],
    ]);
    const hiv = out.find((c) => c.text === 'HIV')?.assertion?.evidence[0];
    expect(hiv?.cue).toMatchObject({ text: 'Negative' });
    expect(note.slice(hiv?.cue?.start, hiv?.cue?.end)).toBe('Negative');
  });

  it('asserts a concept outside every sentence from its line', () => {
    const d = new Doc('No fever.');
    d.set('concepts', [
      {
        start: 3,
        end: 8,
        text: 'fever',
        type: 'problem',
        codes: [],
        matched: { term: 'fever', source: 'test' },
        score: 1,
        evidence: { component: 'test' },
      },
    ]);
    d.set('tokens', [
      { start: 0, end: 2, kind: 'word', norm: 'no', sentence: -1 },
      { start: 3, end: 8, kind: 'word', norm: 'fever', sentence: -1 },
      { start: 8, end: 9, kind: 'punct', norm: '.', sentence: -1 },
    ]);
    expect(assertConcepts(d, defaultContextEngine())[0]?.assertion?.status).toBe('absent');
    expect(assertConcepts(new Doc('x'), defaultContextEngine())).toEqual([]);
  });
});
