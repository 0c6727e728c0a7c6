/**
 * Table tests: historical, hypothetical and conditional cues, uncertainty, and the section defaults
 * of past history. Every sentence is written for these tests; none comes from a corpus.
 */
import { describe, expect, it } from 'vitest';
import { checkRow, type TableRow } from './expect.js';
import { defaultContextEngine } from './index.js';

const engine = defaultContextEngine();

const TEMPORALITY_ROWS: readonly TableRow[] = [
  // historical
  {
    text: 'History of myocardial infarction.',
    target: 'myocardial infarction',
    expect: { status: 'historical', cue: 'History of' },
  },
  {
    text: 'Past medical history of hypertension and hyperlipidemia.',
    target: 'hyperlipidemia',
    expect: 'historical',
  },
  { text: 'PMH: asthma, GERD, migraine.', target: 'migraine', expect: 'historical' },
  {
    text: 'Past surgical history: appendectomy.',
    target: 'appendectomy',
    type: 'procedure',
    expect: 'historical',
  },
  { text: 'He has a history of gout.', target: 'gout', expect: 'historical' },
  { text: 'Previous stroke with residual weakness.', target: 'stroke', expect: 'historical' },
  { text: 'Prior myocardial infarction in 2010.', target: 'myocardial infarction', expect: 'historical' },
  { text: 'Remote history of tuberculosis.', target: 'tuberculosis', expect: 'historical' },
  { text: 'Pneumonia two years ago.', target: 'Pneumonia', expect: 'historical' },
  { text: 'Tonsillectomy as a child.', target: 'Tonsillectomy', type: 'procedure', expect: 'historical' },
  { text: 'Former smoker.', target: 'smoker', expect: { status: 'absent', has: ['NEGATED', 'HISTORICAL'] } },
  { text: 'Quit smoking in 2005.', target: 'smoking', expect: { has: ['NEGATED', 'HISTORICAL'] } },
  { text: 'Tobacco: quit 2010', target: 'Tobacco', expect: { has: ['NEGATED', 'HISTORICAL'] } },
  { text: 'Tobacco: former', target: 'Tobacco', expect: { has: ['NEGATED', 'HISTORICAL'] } },
  { text: 'Old lacunar infarct in the left basal ganglia.', target: 'lacunar infarct', expect: 'historical' },
  { text: 'Healed rib fracture on the right.', target: 'rib fracture', expect: 'historical' },
  {
    text: 'Aspirin was discontinued.',
    target: 'Aspirin',
    type: 'medication',
    expect: { has: ['NEGATED', 'HISTORICAL'] },
  },
  { text: 'Known history of seizures.', target: 'seizures', expect: 'historical' },
  { text: 'Medical history is significant for COPD and diabetes.', target: 'diabetes', expect: 'historical' },
  { text: 'Personal history of colon polyps.', target: 'colon polyps', expect: 'historical' },
  {
    text: 'Status post right knee replacement in 2019.',
    target: 'right knee replacement',
    type: 'procedure',
    expect: 'historical',
  },
  {
    text: 'status post splenectomy',
    target: 'status post splenectomy',
    type: 'procedure',
    expect: 'historical',
  },
  // recent despite a history word
  { text: 'A 3-day history of fever.', target: 'fever', expect: 'present' },
  { text: 'Two week history of productive cough.', target: 'productive cough', expect: 'present' },
  { text: 'HISTORY OF PRESENT ILLNESS: cough for two days.', target: 'cough', expect: 'present' },
  {
    text: 'History of DVT, now presents with acute chest pain.',
    target: 'acute chest pain',
    expect: 'present',
  },
  { text: 'History of DVT, now presents with acute chest pain.', target: 'DVT', expect: 'historical' },
  { text: 'He has a history of asthma and presents with wheezing.', target: 'wheezing', expect: 'present' },
  { text: 'A 5-year-old boy with fever.', target: 'fever', expect: 'present' },
  { text: 'A 67 year old man with a cough.', target: 'cough', expect: 'present' },
  { text: 'Prior to admission he had chest pain.', target: 'chest pain', expect: 'present' },
  { text: 'Hypertension, currently well controlled.', target: 'Hypertension', expect: 'present' },
  {
    text: 'PAST MEDICAL HISTORY: PHYSICAL EXAM: in no acute distress.',
    target: 'acute distress',
    expect: { status: 'absent', not: ['HISTORICAL'] },
  },
  // section defaults of past history
  {
    text: 'Hypertension.',
    target: 'Hypertension',
    section: 'past_medical_history',
    expect: { status: 'historical', rule: 'section.past-history', cue: null },
  },
  {
    text: 'Appendectomy in 2001.',
    target: 'Appendectomy',
    section: 'past_surgical_history',
    type: 'procedure',
    expect: 'historical',
  },
  {
    text: 'Denies diabetes.',
    target: 'diabetes',
    section: 'past_medical_history',
    expect: { status: 'absent', has: ['NEGATED', 'HISTORICAL'] },
  },
  { text: 'Hypertension.', target: 'Hypertension', section: 'hpi', expect: 'present' },
  {
    text: 'Asthma, currently on inhalers.',
    target: 'inhalers',
    section: 'past_medical_history',
    type: 'medication',
    expect: 'present',
  },
  // hypothetical
  {
    text: 'Return if fever develops.',
    target: 'fever',
    expect: { status: 'hypothetical', cue: 'Return if' },
  },
  { text: 'Call if chest pain recurs.', target: 'chest pain', expect: 'hypothetical' },
  {
    text: 'Return to the ED for worsening shortness of breath.',
    target: 'shortness of breath',
    expect: 'hypothetical',
  },
  { text: 'Call 911 if chest pain.', target: 'chest pain', expect: 'hypothetical' },
  { text: 'Seek medical attention if bleeding occurs.', target: 'bleeding', expect: 'hypothetical' },
  { text: 'If she develops a rash, stop the medication.', target: 'rash', expect: 'hypothetical' },
  { text: 'In case of fever, take acetaminophen.', target: 'fever', expect: 'hypothetical' },
  { text: 'Should you experience dizziness, sit down.', target: 'dizziness', expect: 'hypothetical' },
  { text: 'Watch for signs of infection.', target: 'infection', expect: 'hypothetical' },
  { text: 'Monitor for bleeding.', target: 'bleeding', expect: 'hypothetical' },
  { text: 'At risk for falls.', target: 'falls', expect: 'hypothetical' },
  { text: 'Risk of DVT was discussed.', target: 'DVT', expect: 'hypothetical' },
  { text: 'DVT prophylaxis with heparin.', target: 'DVT', expect: 'hypothetical' },
  { text: 'To prevent constipation, take docusate.', target: 'constipation', expect: 'hypothetical' },
  { text: 'Screening for colon cancer.', target: 'colon cancer', expect: 'hypothetical' },
  { text: 'Colon cancer screening is due.', target: 'Colon cancer', expect: 'hypothetical' },
  {
    text: 'Will undergo colonoscopy next week.',
    target: 'colonoscopy',
    type: 'procedure',
    expect: 'hypothetical',
  },
  {
    text: 'Scheduled for knee replacement.',
    target: 'knee replacement',
    type: 'procedure',
    expect: 'hypothetical',
  },
  { text: 'Recommend MRI of the lumbar spine.', target: 'MRI', type: 'procedure', expect: 'hypothetical' },
  { text: 'She felt as if she would faint.', target: 'faint', expect: 'hypothetical' },
  {
    text: 'Return for fever, chills, redness, swelling or drainage from the wound.',
    target: 'drainage',
    expect: 'hypothetical',
  },
  {
    text: 'Warning signs: fever, redness, swelling.',
    target: 'swelling',
    section: 'instructions',
    expect: 'hypothetical',
  },
  { text: 'Warning signs: fever, redness, swelling.', target: 'swelling', expect: 'present' },
  { text: 'He will start metformin.', target: 'metformin', type: 'medication', expect: 'hypothetical' },
  { text: 'He will start metformin for diabetes.', target: 'diabetes', expect: 'present' },
  {
    text: 'He should continue aspirin for coronary artery disease.',
    target: 'coronary artery disease',
    expect: 'present',
  },
  { text: 'He will continue metformin.', target: 'metformin', type: 'medication', expect: 'present' },
  { text: 'Should she develop a rash, stop the drug.', target: 'rash', expect: 'hypothetical' },
  // conditional
  {
    text: 'Chest pain with exertion.',
    target: 'Chest pain',
    expect: { status: 'conditional', cue: 'with exertion' },
  },
  { text: 'Shortness of breath on exertion.', target: 'Shortness of breath', expect: 'conditional' },
  { text: 'Dizziness upon standing.', target: 'Dizziness', expect: 'conditional' },
  { text: 'Pain with urination.', target: 'Pain', expect: 'conditional' },
  { text: 'Wheezing when climbing stairs.', target: 'Wheezing', expect: 'conditional' },
  { text: 'When he walks, he gets calf pain.', target: 'calf pain', expect: 'conditional' },
  { text: 'Palpitations only with exercise.', target: 'Palpitations', expect: 'conditional' },
  { text: 'Chest pain at rest.', target: 'Chest pain', expect: 'present' },
  {
    text: 'No pain with walking.',
    target: 'pain',
    expect: { status: 'absent', has: ['NEGATED', 'CONDITIONAL'] },
  },
  // uncertainty
  { text: 'Possible pneumonia in the right base.', target: 'pneumonia', expect: 'possible' },
  { text: 'Probable viral syndrome.', target: 'viral syndrome', expect: 'possible' },
  { text: 'Suspected appendicitis.', target: 'appendicitis', expect: 'possible' },
  { text: 'Appendicitis is suspected.', target: 'Appendicitis', expect: 'possible' },
  { text: 'Concerning for malignancy.', target: 'malignancy', expect: 'possible' },
  { text: 'Suspicious for metastatic disease.', target: 'metastatic disease', expect: 'possible' },
  { text: 'Cannot exclude a small pneumothorax.', target: 'pneumothorax', expect: 'possible' },
  { text: 'A small pneumothorax cannot be excluded.', target: 'pneumothorax', expect: 'possible' },
  { text: '? pneumonia', target: 'pneumonia', expect: 'possible' },
  { text: 'Differential includes lupus and vasculitis.', target: 'vasculitis', expect: 'possible' },
  { text: 'Pneumonia vs atelectasis.', target: 'atelectasis', expect: 'possible' },
  { text: 'Pneumonia vs atelectasis.', target: 'Pneumonia', expect: 'possible' },
  { text: 'Findings may represent early cellulitis.', target: 'cellulitis', expect: 'possible' },
  { text: 'Pulmonary embolism unlikely.', target: 'Pulmonary embolism', expect: 'possible' },
  { text: 'Questionable fracture of the distal radius.', target: 'fracture', expect: 'possible' },
  { text: 'Chest pain, likely musculoskeletal.', target: 'Chest pain', expect: 'present' },
  { text: 'CT to evaluate for appendicitis.', target: 'appendicitis', expect: { not: ['NEGATED'] } },
  { text: 'No evidence of possible abscess.', target: 'abscess', expect: 'possible' },
];

describe('temporality, conditional and uncertainty table', () => {
  it.each(TEMPORALITY_ROWS.map((r) => [r.text, r.target, r] as const))('%j | %s', (_text, _target, row) => {
    expect(checkRow(engine, row).problem).toBeNull();
  });
});
