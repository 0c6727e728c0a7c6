/**
 * Sigs written in the prose of case reports (sentences written for Clinote): the span of a duration
 * leaves out its lead word and an article after it, as TimeML does (`for [7 days]`; the value and
 * unit are unchanged), and an amount that opens a parenthesis goes to the drug of its clause across
 * the words of a noun phrase (`zorbitrexate for early arthritis (15 mg weekly)`).
 */
import { describe, expect, it } from 'vitest';
import { Doc } from '../../doc/doc.js';
import { createPipelineSync } from '../../pipeline/pipeline.js';
import { fileResourceContext } from '../../resources.js';
import { standInRegistry } from './testing.js';

const p = createPipelineSync(
  {
    name: 'meds',
    components: [
      { name: 'normalize' },
      { name: 'sections' },
      { name: 'sentences' },
      { name: 'tokens' },
      { name: 'concepts' },
      { name: 'medications' },
    ],
  },
  {
    registry: standInRegistry([{ name: 'amoxicillin' }, { name: 'prednisone' }, { name: 'zorbitrexate' }]),
    context: fileResourceContext(),
  },
);

const ROWS: readonly (readonly [string, string, number, string])[] = [
  ['amoxicillin 500 mg tid x 7 days', '7 days', 7, 'd'],
  ['prednisone 40 mg daily for 2 weeks', '2 weeks', 2, 'wk'],
  ['prednisone 10 mg daily for a period of 3 weeks', 'period of 3 weeks', 3, 'wk'],
  ['amoxicillin 875 mg bid for the next 5 days', 'next 5 days', 5, 'd'],
  ['amoxicillin 500 mg tid for 10 days total', '10 days', 10, 'd'],
];

describe('medications: duration spans', () => {
  it.each(ROWS.map((r, i) => [i, ...r] as const))('row %i: %s', (_i, text, span, value, unit) => {
    const [m] = p.runSync(new Doc(text)).get('medications');
    expect(m?.duration && [m.duration.text, m.duration.value, m.duration.unit]).toEqual([span, value, unit]);
    expect(m && text.slice(m.duration?.start, m.duration?.end)).toBe(span);
  });
});

const PARENS: readonly (readonly [string, readonly (readonly [string, string | undefined])[]])[] = [
  ['She took zorbitrexate for early arthritis of the knees (15 mg weekly).', [['zorbitrexate', '15 mg']]],
  [
    'He stayed on zorbitrexate maintenance treatment (25 mg three times a day) at home.',
    [['zorbitrexate', '25 mg']],
  ],
  // a concentration per volume in parentheses is a lab value, not a dose
  ['She took prednisone and had renal failure of the kidneys (3.4 mg/dL).', [['prednisone', undefined]]],
  // the clause ends at `;`
  ['She took prednisone daily; her weight was stable over months (60 kg).', [['prednisone', undefined]]],
];

describe('medications: an amount that opens a parenthesis', () => {
  it.each(PARENS.map((r, i) => [i, ...r] as const))('row %i: %s', (_i, text, expected) => {
    const meds = p.runSync(new Doc(text)).get('medications');
    expect(meds.map((m) => [m.drug.text, (m.strength ?? m.dose)?.text])).toEqual(expected);
  });
});
