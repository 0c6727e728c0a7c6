/**
 * Doses of drugs the terminology pack does not know: investigational code names, hyphenated names
 * with a drug stem, and `the <name> dose` (rules `head.shape`, `head.dosage`). Sentences written for
 * Clinote; the drug names are invented. Each row: the text, then the expected [drug, dose regimen
 * text, rule of the head] of every medication, or [] when no drug must be named.
 */
import { describe, expect, it } from 'vitest';
import { Doc } from '../../doc/doc.js';
import { createPipelineSync } from '../../pipeline/pipeline.js';
import { fileResourceContext } from '../../resources.js';
import { standInRegistry } from './testing.js';
import type { Medication } from './types.js';

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
  { registry: standInRegistry([{ name: 'aspirin' }]), context: fileResourceContext() },
);

const UNKNOWN = 'drug not in the terminology pack, named by the shape of the word: lower confidence';

function amount(m: Medication): string | undefined {
  return (m.strength ?? m.dose)?.text;
}

type Row = readonly [string, readonly (readonly [string, string | undefined, string])[]];

const ROWS: readonly Row[] = [
  // code names of investigational drugs
  ['She was started on QRT-4471 200 mg orally twice daily.', [['QRT-4471', '200 mg', 'head.shape']]],
  ['He then received K-7 60 mg/m2 per day for 14 days.', [['K-7', '60 mg/m2', 'head.shape']]],
  ['The trial drug ZX-12b 5 mg was given once.', [['ZX-12b', '5 mg', 'head.shape']]],
  // hyphenated names with a drug stem in a part
  ['She also received zanoparin-beta 2000 units daily.', [['zanoparin-beta', '2000 units', 'head.shape']]],
  ['Dorvotinib-X 150 mg daily was continued.', [['Dorvotinib-X', '150 mg', 'head.shape']]],
  // a part that is a whole stem of six letters or more
  [
    'She also got epoetin-zeta 3000 units three times a week.',
    [['epoetin-zeta', '3000 units', 'head.shape']],
  ],
  // `the <name> dose`: an abbreviation, a stem word, or a long lowercase name after a determiner
  ['The QLB dosage was changed to 400 mg twice a day.', [['QLB', '400 mg', 'head.dosage']]],
  [
    'The velotrapine dose was raised from 150 mg/day last week.',
    [['velotrapine', '150 mg/day', 'head.dosage']],
  ],
  // no drug name is invented
  ['The total dose was 30 mg.', []],
  ['The radiation dose was 60 Gy in 30 fractions.', []],
  ['The target dose was 20 mg daily.', []],
  ['The starting dose was 5 mg.', []],
  ['The second dose was 5 mg and the single dose 10 mg.', []],
  ['The highest dose reached 40 mg.', []],
  ['Stage T-2 disease, 10 mm lesion.', []],
  ['A G2P2 woman was given 2 L of fluid.', []],
  ['The room-temperature sample was 5 mL.', []],
];

describe('medications: drugs the pack does not know', () => {
  it.each(ROWS.map((r, i) => [i, r[0], r[1]] as const))('row %i: %s', (_i, text, expected) => {
    const meds = p.runSync(new Doc(text)).get('medications');
    expect(meds.map((m) => [m.drug.text, amount(m), (m.evidence.rule ?? '').split(' ')[0]])).toEqual(
      expected,
    );
    for (const m of meds) {
      // marked as such in the evidence, and the drug span reproduces the text
      expect(m.evidence.detail).toBe(UNKNOWN);
      expect(text.slice(m.drug.start, m.drug.end)).toBe(m.drug.text);
    }
  });

  it('keeps known drugs as concepts, without the lower-confidence detail', () => {
    const meds = p.runSync(new Doc('She takes aspirin 81 mg daily.')).get('medications');
    expect(meds.map((m) => [m.drug.text, (m.evidence.rule ?? '').split(' ')[0], m.evidence.detail])).toEqual([
      ['aspirin', 'drug.concept', undefined],
    ]);
  });
});
