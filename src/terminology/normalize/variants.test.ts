import { describe, expect, it } from 'vitest';
import type { SemanticType, TermKind } from '../types.js';
import { MAX_PENALTY, MAX_VARIANTS, termVariants, VARIANT_RULES } from './variants.js';

function variants(text: string, type: SemanticType = 'problem', kind: TermKind = 'preferred') {
  return termVariants({ type }, { text, kind });
}
const keysOf = (text: string, type: SemanticType = 'problem', kind: TermKind = 'preferred') =>
  variants(text, type, kind).map((v) => v.keys.join(' '));

// [title, type, variants included, variants excluded] (variants as space-joined keys)
const TABLE: readonly (readonly [string, SemanticType, readonly string[], readonly string[]])[] = [
  // noise
  [
    'Chronic obstructive pulmonary disease, unspecified',
    'problem',
    ['chronic obstructive pulmonary disease'],
    [],
  ],
  ['Cholera, unspecified', 'problem', ['cholera'], ['unspecified']],
  ['Asthma NOS', 'problem', ['asthma'], []],
  ['Anemia NEC', 'problem', ['anemia'], []],
  ['Disorder of kidney, not elsewhere classified', 'problem', ['disorder of kidney', 'kidney disorder'], []],
  ['Myocardial infarction (disorder)', 'problem', ['myocardial infarction'], []],
  ['Chest pain (finding)', 'problem', ['chest pain'], []],
  ['Hemoglobin [Mass/volume] in Blood', 'lab', ['hemoglobin in blood', 'blood hemoglobin'], []],
  ['Urinary tract infection, site not specified', 'problem', ['urinary tract infection'], []],
  [
    'Malignant neoplasm of unspecified site of left female breast',
    'problem',
    ['malignant neoplasm of left female breast', 'left female breast cancer'],
    [],
  ],
  ['Unspecified fracture of unspecified femur', 'problem', ['fracture of femur', 'femur fracture'], []],
  [
    'Fracture of shaft of right femur, initial encounter for closed fracture',
    'problem',
    ['fracture of shaft of right femur'],
    ['initial encounter'],
  ],
  ['Fracture of left wrist, subsequent encounter', 'problem', ['fracture of left wrist'], []],
  ['Fracture of the femur', 'problem', ['fracture of femur', 'femur fracture'], []],
  ["Crohn's disease", 'problem', ['crohn disease'], []],
  // simplify
  [
    'Essential (primary) hypertension',
    'problem',
    ['essential hypertension', 'hypertension', 'primary hypertension'],
    [],
  ],
  [
    'Chronic kidney disease, stage 4 (severe)',
    'problem',
    ['chronic kidney disease stage 4', 'stage 4 chronic kidney disease'],
    [],
  ],
  [
    'Type 2 diabetes mellitus without complications',
    'problem',
    [
      'type 2 diabetes mellitus',
      'type 2 diabetes',
      'diabetes mellitus type 2',
      'diabetes type 2',
      'type ii diabetes mellitus',
    ],
    [],
  ],
  ['Diabetes mellitus without mention of complication', 'problem', ['diabetes mellitus', 'diabetes'], []],
  [
    'Crohn disease of small intestine without complications',
    'problem',
    ['crohn disease of small intestine'],
    [],
  ],
  ['Migraine without aura', 'problem', ['migraine without aura'], ['migraine']],
  ['Cellulitis with or without lymphangitis', 'problem', ['cellulitis'], []],
  // inversions
  ['Fracture, femur', 'problem', ['femur fracture'], []],
  ['Pain, chest', 'problem', ['chest pain'], []],
  [
    'Diabetes mellitus, type 2',
    'problem',
    ['type 2 diabetes mellitus', 'type 2 diabetes', 'diabetes type 2'],
    [],
  ],
  ['Carbon dioxide, total', 'lab', ['total carbon dioxide'], []],
  ['Pneumonia, due to Streptococcus', 'problem', [], ['due to streptococcus pneumonia']],
  [
    'Cholera due to Vibrio cholerae 01, biovar cholerae',
    'problem',
    [],
    ['biovar cholerae cholera due to vibrio cholerae 01'],
  ],
  ['Pain in left knee', 'problem', ['left knee pain'], []],
  ['Abscess of liver', 'problem', ['liver abscess'], []],
  ['Cellulitis of left lower limb', 'problem', ['left lower limb cellulitis'], []],
  ['Neoplasm of uncertain behavior of skin', 'problem', [], ['uncertain behavior of skin neoplasm']],
  [
    'Atherosclerotic heart disease of native coronary artery without angina pectoris',
    'problem',
    [],
    ['native coronary artery without angina pectoris atherosclerotic heart disease'],
  ],
  // numerals
  ['Type II diabetes mellitus', 'problem', ['type 2 diabetes mellitus', 'type 2 diabetes'], []],
  ['Non-small cell lung cancer, stage IV', 'problem', ['non small cell lung cancer stage 4'], []],
  ['Hypertensive heart disease, class 3', 'problem', ['hypertensive heart disease class iii'], []],
  // neoplasms
  ['Malignant neoplasm of prostate', 'problem', ['prostate cancer', 'cancer of prostate'], []],
  [
    'Secondary malignant neoplasm of liver',
    'problem',
    ['liver metastasis', 'metastasis to liver'],
    ['liver cancer'],
  ],
  ['Malignant neoplasm of bronchus and lung', 'problem', [], ['bronchus and lung cancer']],
  // qualifiers
  ['Other chest pain', 'problem', ['chest pain'], []],
  ['Idiopathic gout', 'problem', ['gout'], []],
  ['Other specified disorders of bone', 'problem', ['disorder of bone'], []],
  // medications
  ['metoprolol succinate', 'medication', ['metoprolol'], []],
  ['amlodipine besylate', 'medication', ['amlodipine'], []],
  ['ferrous sulfate', 'medication', [], ['ferrous']],
  ['potassium chloride', 'medication', [], ['potassium']],
  ['olmesartan medoxomil', 'medication', ['olmesartan'], []],
  // generic results dropped
  ['Disease, unspecified', 'problem', [], ['disease']],
  ['Other disorder', 'problem', [], ['disorder']],
  ['Neoplasm NOS', 'problem', [], ['neoplasm']],
  ['Pain, unspecified', 'problem', ['pain'], []],
];

describe('termVariants', () => {
  it('has a large table', () => {
    expect(TABLE.length).toBeGreaterThanOrEqual(40);
  });

  it.each(TABLE)('%s (%s)', (title, type, included, excluded) => {
    const got = keysOf(title, type);
    for (const v of included) expect(got, `${title} -> ${v}`).toContain(v);
    for (const v of excluded) expect(got, `${title} -/-> ${v}`).not.toContain(v);
    expect(new Set(got).size).toBe(got.length); // deduplicated
    expect(got.length).toBeLessThanOrEqual(MAX_VARIANTS);
  });

  it('puts the term as written first with penalty 0 and rule `original`', () => {
    for (const [title, type] of TABLE) {
      const [first] = variants(title, type);
      expect(first).toMatchObject({ penalty: 0, rule: 'original' });
    }
  });

  it('gives every other variant a positive penalty, rule ids from VARIANT_RULES, ordered by penalty', () => {
    for (const [title, type] of TABLE) {
      const [, ...rest] = variants(title, type);
      for (const v of rest) {
        expect(v.penalty).toBeGreaterThan(0);
        expect(v.penalty).toBeLessThanOrEqual(MAX_PENALTY);
        for (const id of v.rule.split('+')) expect(Object.keys(VARIANT_RULES)).toContain(id);
      }
      const penalties = rest.map((v) => v.penalty);
      expect(penalties).toEqual([...penalties].sort((a, b) => a - b));
    }
  });

  it('charges more for aggressive rules than for noise removal', () => {
    const v = variants('Essential (primary) hypertension');
    const essential = v.find((x) => x.keys.join(' ') === 'essential hypertension')!;
    const bare = v.find((x) => x.keys.join(' ') === 'hypertension')!;
    expect(essential).toMatchObject({ rule: 'paren.drop', penalty: 0.05 });
    expect(bare.rule).toBe('paren.drop+qualifier.drop');
    expect(bare.penalty).toBeGreaterThan(essential.penalty);
    const later = variants('Fracture of left wrist, subsequent encounter').find(
      (x) => x.keys.join(' ') === 'fracture of left wrist',
    )!;
    expect(later).toMatchObject({ rule: 'noise.later-encounter', penalty: 0.4 });
  });

  it('uses abbreviations and brand names as written (noise removal only)', () => {
    expect(keysOf('T2DM', 'problem', 'abbreviation')).toEqual(['t2dm']);
    expect(keysOf('Diabetes, type 2', 'problem', 'abbreviation')).toEqual(['diabetes type 2']);
    expect(keysOf('Lipitor', 'medication', 'brand')).toEqual(['lipitor']);
  });

  it('keeps a one-word term as written, even a generic one, but never generates one', () => {
    expect(keysOf('Disease')).toEqual(['disease']);
    expect(keysOf('Pain')).toEqual(['pain']);
  });

  it('returns nothing for a term without words', () => {
    expect(variants('')).toEqual([]);
    expect(variants(' -- ')).toEqual([]);
  });
});
