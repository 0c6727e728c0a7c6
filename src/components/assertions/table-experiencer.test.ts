/**
 * Table tests: experiencer (family members and other people), allergies, and the section defaults
 * of family history and allergies. Every sentence is written for these tests; none comes from a
 * corpus.
 */
import { describe, expect, it } from 'vitest';
import { checkRow, type TableRow } from './expect.js';
import { defaultContextEngine } from './index.js';

const engine = defaultContextEngine();

const EXPERIENCER_ROWS: readonly TableRow[] = [
  // relatives
  {
    text: 'Mother with breast cancer.',
    target: 'breast cancer',
    expect: { status: 'family', cue: 'Mother', rule: 'fam.relative' },
  },
  { text: 'His father had a stroke at 60.', target: 'stroke', expect: 'family' },
  { text: 'Sister has type 1 diabetes.', target: 'type 1 diabetes', expect: 'family' },
  { text: 'Brother died of colon cancer.', target: 'colon cancer', expect: 'family' },
  { text: 'Maternal grandmother with Alzheimer disease.', target: 'Alzheimer disease', expect: 'family' },
  { text: 'Paternal uncle had lymphoma.', target: 'lymphoma', expect: 'family' },
  {
    text: 'Breast cancer in her mother.',
    target: 'Breast cancer',
    expect: { status: 'family', rule: 'fam.in-relative' },
  },
  { text: 'Colon cancer in his father and uncle.', target: 'Colon cancer', expect: 'family' },
  { text: 'Diabetes runs in the family.', target: 'Diabetes', expect: 'family' },
  { text: "Mother's ovarian cancer was found at 45.", target: 'ovarian cancer', expect: 'family' },
  { text: 'Cousin with cystic fibrosis.', target: 'cystic fibrosis', expect: 'family' },
  { text: 'Twin brother has autism.', target: 'autism', expect: 'family' },
  { text: 'Both parents have hypertension.', target: 'hypertension', expect: 'family' },
  { text: 'Daughter with sickle cell trait.', target: 'sickle cell trait', expect: 'family' },
  // family history cues
  {
    text: 'Family history of coronary artery disease.',
    target: 'coronary artery disease',
    expect: { status: 'family', has: ['FAMILY', 'HISTORICAL'] },
  },
  { text: 'Family history is significant for hypertension.', target: 'hypertension', expect: 'family' },
  { text: 'Family history: mother with asthma.', target: 'asthma', expect: 'family' },
  { text: 'FHx: father with prostate cancer.', target: 'prostate cancer', expect: 'family' },
  { text: 'Family hx of sudden cardiac death.', target: 'sudden cardiac death', expect: 'family' },
  {
    text: 'No family history of colon cancer.',
    target: 'colon cancer',
    expect: { status: 'absent', has: ['NEGATED', 'FAMILY'] },
  },
  {
    text: 'Denies family history of diabetes.',
    target: 'diabetes',
    expect: { status: 'absent', has: ['FAMILY'] },
  },
  {
    text: 'Family history negative for early coronary disease.',
    target: 'early coronary disease',
    expect: { status: 'absent', has: ['FAMILY'] },
  },
  // other people
  { text: 'His wife has the flu.', target: 'flu', expect: 'family' },
  { text: 'Her husband was recently treated for tuberculosis.', target: 'tuberculosis', expect: 'family' },
  { text: 'Exposure: roommate with strep throat.', target: 'strep throat', expect: 'family' },
  // the patient after all
  { text: 'Mother reports that the patient has a fever.', target: 'fever', expect: 'present' },
  { text: 'Per her mother, she has had a cough for two days.', target: 'cough', expect: 'present' },
  { text: 'Brought in by his daughter for confusion.', target: 'confusion', expect: 'present' },
  { text: 'Lives with her husband and has COPD.', target: 'COPD', expect: 'present' },
  { text: 'Family at bedside; patient in pain.', target: 'pain', expect: 'present' },
  { text: 'Mother had breast cancer; patient has diabetes.', target: 'diabetes', expect: 'present' },
  {
    text: 'Father had a stroke, patient denies headache.',
    target: 'headache',
    expect: { status: 'absent', not: ['FAMILY'] },
  },
  { text: 'Father had a stroke, patient denies headache.', target: 'stroke', expect: 'family' },
  {
    text: 'Family history of colon cancer and a personal history of polyps.',
    target: 'polyps',
    expect: { status: 'historical', not: ['FAMILY'] },
  },
  { text: 'She is a mother of two with asthma.', target: 'asthma', expect: 'present' },
  {
    text: 'Discussed with family; no fever.',
    target: 'fever',
    expect: { status: 'absent', not: ['FAMILY'] },
  },
  { text: 'Patient was agitated in a child state.', target: 'agitated', expect: 'present' },
  // family history section
  {
    text: 'Diabetes.',
    target: 'Diabetes',
    section: 'family_history',
    expect: { status: 'family', rule: 'section.family-history' },
  },
  { text: 'Mother: hypertension.', target: 'hypertension', section: 'family_history', expect: 'family' },
  {
    text: 'Non-contributory except for diabetes.',
    target: 'diabetes',
    section: 'family_history',
    expect: 'family',
  },
  { text: 'Patient has asthma.', target: 'asthma', section: 'family_history', expect: 'present' },
  {
    text: 'No cancer in the family.',
    target: 'cancer',
    section: 'family_history',
    expect: { status: 'absent', has: ['FAMILY'] },
  },
  // allergies
  {
    text: 'Allergic to penicillin.',
    target: 'penicillin',
    type: 'medication',
    expect: { status: 'allergy', cue: 'Allergic to' },
  },
  { text: 'Allergies: sulfa, codeine.', target: 'codeine', type: 'medication', expect: 'allergy' },
  { text: 'Penicillin allergy.', target: 'Penicillin', type: 'medication', expect: 'allergy' },
  { text: 'Allergy to shellfish.', target: 'shellfish', type: 'other', expect: 'allergy' },
  { text: 'Intolerant of statins.', target: 'statins', type: 'medication', expect: 'allergy' },
  { text: 'Anaphylaxis to peanuts.', target: 'peanuts', type: 'other', expect: 'allergy' },
  {
    text: 'Adverse reaction to contrast dye.',
    target: 'contrast dye',
    type: 'medication',
    expect: 'allergy',
  },
  {
    text: 'No known allergies to latex.',
    target: 'latex',
    type: 'other',
    expect: { status: 'absent', has: ['NEGATED', 'ALLERGY'] },
  },
  { text: 'Takes penicillin for strep throat.', target: 'penicillin', type: 'medication', expect: 'present' },
  {
    text: 'Penicillin - hives.',
    target: 'Penicillin',
    section: 'allergies',
    type: 'medication',
    expect: { status: 'allergy', rule: 'section.allergies' },
  },
  { text: 'Penicillin - hives.', target: 'hives', section: 'allergies', expect: 'allergy' },
  { text: 'Seasonal allergies.', target: 'Seasonal allergies', expect: 'present' },
];

describe('experiencer and allergy table', () => {
  it.each(EXPERIENCER_ROWS.map((r) => [r.text, r.target, r] as const))('%j | %s', (_text, _target, row) => {
    expect(checkRow(engine, row).problem).toBeNull();
  });
});
