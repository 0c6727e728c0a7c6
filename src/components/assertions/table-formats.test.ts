/**
 * Table tests: the note formats users report as missed (key-value answers, `(-)`/`(+)`, checkboxes,
 * Y/N, review-of-systems lists, `r/o`, `ruled out for`, `h/o`, `s/p`, `FHx:`). Every sentence is
 * written for these tests; none comes from a corpus.
 */
import { describe, expect, it } from 'vitest';
import { checkRow, type TableRow } from './expect.js';
import { defaultContextEngine } from './index.js';

const engine = defaultContextEngine();

const FORMAT_ROWS: readonly TableRow[] = [
  // key: value answers
  { text: 'Fever: none', target: 'Fever', expect: { status: 'absent', cue: 'none', rule: 'neg.key-value' } },
  { text: 'Blood transfusion: No', target: 'Blood transfusion', type: 'procedure', expect: 'absent' },
  { text: 'Chest pain: denies', target: 'Chest pain', expect: { status: 'absent', cue: 'denies' } },
  { text: 'Nausea: denied.', target: 'Nausea', expect: 'absent' },
  { text: 'Fever: negative', target: 'Fever', expect: 'absent' },
  { text: 'Edema: absent', target: 'Edema', expect: 'absent' },
  { text: 'Fevers: N', target: 'Fevers', expect: 'absent' },
  { text: 'Chills: no.', target: 'Chills', expect: 'absent' },
  { text: 'Tobacco: never', target: 'Tobacco', expect: { status: 'absent', cue: 'never' } },
  { text: 'Alcohol: none, Drugs: none', target: 'Alcohol', expect: 'absent' },
  { text: 'Alcohol: none, Drugs: none', target: 'Drugs', expect: 'absent' },
  { text: 'Fever: none, Cough: yes', target: 'Cough', expect: 'present' },
  { text: 'Fever: yes', target: 'Fever', expect: 'present' },
  { text: 'Seizures: not present', target: 'Seizures', expect: 'absent' },
  { text: 'Jaundice: resolved', target: 'Jaundice', expect: 'absent' },
  { text: 'Nausea - no', target: 'Nausea', expect: 'absent' },
  { text: 'Headache - none', target: 'Headache', expect: 'absent' },
  { text: 'Pulmonary - No shortness of breath.', target: 'shortness of breath', expect: 'absent' },
  { text: 'Pain: none at rest', target: 'Pain', expect: 'present' },
  // a key answered on its own line, whatever the key (issue 9)
  { text: 'Cough: No', target: 'Cough', expect: { status: 'absent', cue: 'No', rule: 'neg.key-value' } },
  { text: 'Smoking: None', target: 'Smoking', expect: { status: 'absent', cue: 'None' } },
  { text: 'HIV: Negative', target: 'HIV', expect: { status: 'absent', cue: 'Negative' } },
  { text: 'Cough: no\nfever: yes', target: 'Cough', expect: 'absent' },
  { text: 'Cough: no\nfever: yes', target: 'fever', expect: 'present' },
  { text: 'Recent travel: None\nsick contacts: yes', target: 'Recent travel', expect: 'absent' },
  { text: 'Alcohol use: Negative', target: 'Alcohol use', expect: 'absent' },
  {
    text: 'Any chest pain? No',
    target: 'chest pain',
    expect: { status: 'absent', rule: 'neg.question-answer' },
  },
  { text: 'Any chest pain? No.', target: 'chest pain', expect: 'absent' },
  { text: 'Any chest pain? Yes', target: 'chest pain', expect: { not: ['NEGATED'] } },
  // Y/N
  { text: 'Fever (Y/N): N', target: 'Fever', expect: 'absent' },
  { text: 'Smoker Y/N: N', target: 'Smoker', expect: 'absent' },
  { text: 'Fever N, chills Y', target: 'Fever', section: 'review_of_systems', expect: 'absent' },
  { text: 'Fever N, chills Y', target: 'chills', section: 'review_of_systems', expect: 'present' },
  { text: 'Fever N, chills Y', target: 'Fever', expect: 'present' },
  { text: 'Tobacco use: never smoker', target: 'smoker', expect: 'absent' },
  // (-) / (+)
  { text: '(-) nausea / (+) vomiting', target: 'nausea', expect: { status: 'absent', cue: '(-)' } },
  { text: '(-) nausea / (+) vomiting', target: 'vomiting', expect: 'present' },
  { text: '(-) fever, (+) cough', target: 'cough', expect: 'present' },
  { text: '(-) fever, (+) cough', target: 'fever', expect: 'absent' },
  { text: 'nausea (-), vomiting (+)', target: 'nausea', expect: 'absent' },
  { text: 'nausea (-), vomiting (+)', target: 'vomiting', expect: 'present' },
  { text: '(+) chills (-) rigors', target: 'rigors', expect: 'absent' },
  { text: '(+) chills (-) rigors', target: 'chills', expect: 'present' },
  { text: 'Murphy sign (-)', target: 'Murphy sign', expect: 'absent' },
  // checkboxes
  { text: '[ ] fever', target: 'fever', expect: { status: 'absent', cue: '[ ]' } },
  { text: '[ ] Chest pain [x] Shortness of breath', target: 'Chest pain', expect: 'absent' },
  { text: '[ ] Chest pain [x] Shortness of breath', target: 'Shortness of breath', expect: 'present' },
  { text: '[X] Cough [ ] Wheezing', target: 'Wheezing', expect: 'absent' },
  { text: '[X] Cough [ ] Wheezing', target: 'Cough', expect: 'present' },
  { text: '\u2610 Dizziness \u2611 Fatigue', target: 'Dizziness', expect: 'absent' },
  { text: '\u2610 Dizziness \u2611 Fatigue', target: 'Fatigue', expect: 'present' },
  { text: '[ ] nausea\n[ ] vomiting\n[x] diarrhea', target: 'vomiting', expect: 'absent' },
  { text: '[ ] nausea\n[ ] vomiting\n[x] diarrhea', target: 'diarrhea', expect: 'present' },
  { text: '[] syncope', target: 'syncope', expect: 'absent' },
  // review of systems
  { text: 'Constitutional: negative for fevers, chills', target: 'chills', expect: 'absent' },
  { text: 'Constitutional: negative for fevers, chills', target: 'fevers', expect: 'absent' },
  { text: 'Respiratory: Negative for cough and wheezing.', target: 'wheezing', expect: 'absent' },
  { text: 'Negative: fever, chills, weight loss. Positive: cough.', target: 'weight loss', expect: 'absent' },
  { text: 'Negative: fever, chills, weight loss. Positive: cough.', target: 'cough', expect: 'present' },
  { text: 'Cardiovascular: denies chest pain, palpitations.', target: 'palpitations', expect: 'absent' },
  { text: 'GI: no nausea, no vomiting, no diarrhea', target: 'diarrhea', expect: 'absent' },
  {
    text: 'ROS negative for headache, vision changes and neck stiffness.',
    target: 'neck stiffness',
    expect: 'absent',
  },
  {
    text: 'HEENT: no sore throat. NECK: supple, lymphadenopathy present.',
    target: 'lymphadenopathy',
    expect: 'present',
  },
  { text: 'HEENT: no scleral icterus NECK: lymphadenopathy', target: 'lymphadenopathy', expect: 'present' },
  { text: 'Respiratory: cough - negative', target: 'cough', expect: 'absent' },
  { text: 'Skin: denies rash; GU: reports dysuria', target: 'dysuria', expect: 'present' },
  // r/o, ruled out, h/o, s/p
  { text: 'r/o pneumonia', target: 'pneumonia', expect: { status: 'possible', cue: 'r/o' } },
  { text: 'Admit to r/o MI.', target: 'MI', expect: 'possible' },
  { text: 'Rule out pulmonary embolism.', target: 'pulmonary embolism', expect: 'possible' },
  { text: 'Ruled out for MI.', target: 'MI', expect: { status: 'absent', cue: 'Ruled out for' } },
  { text: 'MI was ruled out by serial troponins.', target: 'MI', expect: 'absent' },
  { text: 'h/o DVT', target: 'DVT', expect: { status: 'historical', cue: 'h/o' } },
  { text: 'H/O stroke in 2015.', target: 'stroke', expect: 'historical' },
  { text: 's/p appendectomy', target: 'appendectomy', type: 'procedure', expect: 'historical' },
  { text: 'S/P CABG x3.', target: 'CABG', type: 'procedure', expect: 'historical' },
  {
    text: 'Status post cholecystectomy.',
    target: 'cholecystectomy',
    type: 'procedure',
    expect: 'historical',
  },
  { text: 'Hx of asthma.', target: 'asthma', expect: 'historical' },
  // family
  {
    text: 'FHx: mother with breast cancer',
    target: 'breast cancer',
    expect: { status: 'family', has: ['FAMILY'] },
  },
  { text: 'FH: father with colon cancer', target: 'colon cancer', expect: 'family' },
  { text: 'Father died of MI at 52.', target: 'MI', expect: { status: 'family', cue: 'Father' } },
  { text: 'Mother: hypertension; Father: stroke', target: 'hypertension', expect: 'family' },
  { text: 'Mother: hypertension; Father: stroke', target: 'stroke', expect: 'family' },
  { text: 'FH is positive for a sister with lupus.', target: 'lupus', expect: 'family' },
];

describe('formats table', () => {
  it.each(FORMAT_ROWS.map((r) => [r.text, r.target, r] as const))('%j | %s', (_text, _target, row) => {
    expect(checkRow(engine, row).problem).toBeNull();
  });
});
