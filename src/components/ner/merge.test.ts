import { describe, expect, it } from 'vitest';
import type { Concept } from '../../doc/types.js';
import { MERGE_POLICIES, type MergePolicy, mergeConcepts } from './merge.js';

const concept = (start: number, end: number, type: string, component: 'ner' | 'concepts'): Concept => ({
  start,
  end,
  text: 'x'.repeat(end - start),
  type,
  codes: [],
  matched: { term: 'x', source: component === 'ner' ? 'model' : 'test' },
  score: 1,
  evidence: component === 'ner' ? { component, source: 'model', model: 'm@1' } : { component },
});

// model: [0,10) problem, [20,30) problem, [40,45) problem
const model = [
  concept(0, 10, 'problem', 'ner'),
  concept(20, 30, 'problem', 'ner'),
  concept(40, 45, 'problem', 'ner'),
];
// dictionary: [0,10) same span, [22,26) inside, [30,35) touching (no overlap), [50,60) alone, [44,52) overlapping one
const dictionary = [
  concept(0, 10, 'problem', 'concepts'),
  concept(22, 26, 'medication', 'concepts'),
  concept(30, 35, 'problem', 'concepts'),
  concept(44, 52, 'problem', 'concepts'),
  concept(55, 60, 'lab', 'concepts'),
];

const spans = (list: readonly Concept[]): string[] =>
  list.map((c) => `${c.start}-${c.end}:${c.evidence.component}`);

describe('mergeConcepts', () => {
  it.each<[MergePolicy, string[]]>([
    ['model-only', ['0-10:ner', '20-30:ner', '40-45:ner']],
    ['model-first', ['0-10:ner', '20-30:ner', '30-35:concepts', '40-45:ner', '55-60:concepts']],
    [
      'dictionary-first',
      ['0-10:concepts', '22-26:concepts', '30-35:concepts', '44-52:concepts', '55-60:concepts'],
    ],
    [
      'union',
      [
        '0-10:concepts',
        '20-30:ner',
        '22-26:concepts',
        '30-35:concepts',
        '40-45:ner',
        '44-52:concepts',
        '55-60:concepts',
      ],
    ],
  ])('%s', (policy, expected) => {
    expect(spans(mergeConcepts(model, dictionary, policy))).toEqual(expected);
  });

  it('dictionary-first drops a model mention that overlaps a dictionary concept anywhere', () => {
    // the dictionary concept [22,26) inside the model mention [20,30): the mention goes
    const out = mergeConcepts(
      [concept(20, 30, 'problem', 'ner')],
      [concept(22, 26, 'problem', 'concepts')],
      'dictionary-first',
    );
    expect(spans(out)).toEqual(['22-26:concepts']);
  });

  it('union keeps a model mention of another type on the same span', () => {
    const out = mergeConcepts(
      [concept(0, 10, 'problem', 'ner')],
      [concept(0, 10, 'medication', 'concepts')],
      'union',
    );
    expect(out).toHaveLength(2);
  });

  it('keeps each concept as it was (evidence included), and every policy is listed', () => {
    for (const p of MERGE_POLICIES) {
      for (const c of mergeConcepts(model, dictionary, p)) {
        expect([...model, ...dictionary]).toContain(c);
      }
    }
    expect(mergeConcepts([], dictionary, 'model-first')).toHaveLength(dictionary.length);
    expect(mergeConcepts(model, [], 'dictionary-first')).toHaveLength(model.length);
  });
});
