/**
 * Table tests of the temporality axis (ConText's onset: recent / historical / hypothetical), apart
 * from the status. Every sentence is written for these tests; none comes from a corpus.
 */
import { describe, expect, it } from 'vitest';
import { checkRow, type TableRow } from './expect.js';
import { defaultContextEngine } from './index.js';

const engine = defaultContextEngine();

const ONSET_ROWS: readonly TableRow[] = [
  // (a) a HISTORICAL cue: the category and the temporality
  {
    text: 'History of pulmonary embolism.',
    target: 'pulmonary embolism',
    expect: { status: 'historical', temporality: 'historical', temporalityRule: 'hist.history-of' },
  },
  {
    text: 'S/p cholecystectomy.',
    target: 'cholecystectomy',
    type: 'procedure',
    expect: { status: 'historical', temporality: 'historical' },
  },
  { text: 'Prior stroke.', target: 'stroke', expect: { status: 'historical', temporality: 'historical' } },
  {
    text: 'Kidney stones years ago.',
    target: 'Kidney stones',
    expect: { status: 'historical', temporality: 'historical', temporalityRule: 'hist.in-the-past' },
  },
  {
    text: 'Appendicitis in 2009.',
    target: 'Appendicitis',
    expect: {
      status: 'present',
      temporality: 'historical',
      temporalityRule: 'onset.year',
      temporalityCue: 'in 2009',
    },
  },
  // (b) a chronic condition of the lexicon: historical onset, status unchanged
  {
    text: 'Hypertension, well controlled on lisinopril.',
    target: 'Hypertension',
    expect: {
      status: 'present',
      temporality: 'historical',
      temporalityRule: 'chronic.hypertension',
      temporalityCue: 'Hypertension',
    },
  },
  {
    text: 'She has type 2 diabetes.',
    target: 'type 2 diabetes',
    expect: {
      status: 'present',
      temporality: 'historical',
      temporalityRule: 'chronic.diabetes',
      temporalityCue: 'diabetes',
    },
  },
  { text: 'COPD on home oxygen.', target: 'COPD', expect: { status: 'present', temporality: 'historical' } },
  {
    text: 'Patient with CKD stage 3.',
    target: 'CKD',
    expect: { temporality: 'historical', temporalityRule: 'chronic.ckd' },
  },
  {
    text: 'Atrial fibrillation on apixaban.',
    target: 'Atrial fibrillation',
    expect: { temporality: 'historical' },
  },
  {
    text: 'Hypothyroidism on levothyroxine.',
    target: 'Hypothyroidism',
    expect: { temporality: 'historical' },
  },
  { text: 'GERD controlled with omeprazole.', target: 'GERD', expect: { temporality: 'historical' } },
  {
    text: 'Gout, on allopurinol.',
    target: 'Gout',
    expect: { temporality: 'historical', temporalityRule: 'chronic.gout' },
  },
  { text: 'HIV on antiretroviral therapy.', target: 'HIV', expect: { temporality: 'historical' } },
  {
    text: "Parkinson's disease with resting tremor.",
    target: "Parkinson's disease",
    expect: { temporality: 'historical' },
  },
  {
    text: 'Major depressive disorder, stable on sertraline.',
    target: 'Major depressive disorder',
    expect: { status: 'present', temporality: 'historical' },
  },
  {
    text: 'Heart failure with reduced ejection fraction.',
    target: 'Heart failure',
    expect: { temporality: 'historical' },
  },
  { text: 'Asthma, uses albuterol rarely.', target: 'Asthma', expect: { temporality: 'historical' } },
  // (b) a chronic modifier or an explicit duration of more than 14 days
  {
    text: 'Chronic low back pain.',
    target: 'low back pain',
    expect: {
      status: 'present',
      temporality: 'historical',
      temporalityRule: 'onset.chronic',
      temporalityCue: 'Chronic',
    },
  },
  {
    text: 'Known renal cyst.',
    target: 'renal cyst',
    expect: { temporality: 'historical', temporalityRule: 'onset.chronic' },
  },
  { text: 'Longstanding tinnitus.', target: 'tinnitus', expect: { temporality: 'historical' } },
  {
    text: 'He is known to have a heart murmur.',
    target: 'heart murmur',
    expect: { temporality: 'historical' },
  },
  {
    text: 'Nosebleeds since childhood.',
    target: 'Nosebleeds',
    expect: { temporality: 'historical', temporalityRule: 'onset.long-standing' },
  },
  {
    text: 'Knee pain for 3 years.',
    target: 'Knee pain',
    expect: {
      status: 'present',
      temporality: 'historical',
      temporalityRule: 'onset.duration',
      temporalityCue: '3 years',
    },
  },
  {
    text: 'Cough x 6 months.',
    target: 'Cough',
    expect: { temporality: 'historical', temporalityRule: 'onset.duration' },
  },
  {
    text: 'Headaches since 2018.',
    target: 'Headaches',
    expect: { temporality: 'historical', temporalityRule: 'onset.since-year' },
  },
  { text: 'Fatigue for the past two months.', target: 'Fatigue', expect: { temporality: 'historical' } },
  { text: 'Itchy rash for 3 weeks.', target: 'Itchy rash', expect: { temporality: 'historical' } },
  {
    text: 'For many years she has had leg cramps.',
    target: 'leg cramps',
    expect: { temporality: 'historical' },
  },
  // short durations and recent-onset cues
  {
    text: 'Cough for 3 days.',
    target: 'Cough',
    expect: { temporality: 'recent', temporalityRule: 'onset.duration-short', temporalityCue: '3 days' },
  },
  {
    text: 'Fever x2 days.',
    target: 'Fever',
    expect: { temporality: 'recent', temporalityRule: 'onset.duration-short' },
  },
  { text: 'Diarrhea for two weeks.', target: 'Diarrhea', expect: { temporality: 'recent' } },
  {
    text: 'A 2-day history of vomiting.',
    target: 'vomiting',
    expect: { status: 'present', temporality: 'recent' },
  },
  {
    text: 'A 67-year-old man with dizziness.',
    target: 'dizziness',
    expect: { temporality: 'recent', temporalityRule: 'temporality.default' },
  },
  { text: 'Follow up in 3 months for the rash.', target: 'rash', expect: { temporality: 'recent' } },
  {
    text: 'New onset atrial fibrillation.',
    target: 'atrial fibrillation',
    expect: {
      status: 'present',
      temporality: 'recent',
      temporalityRule: 'onset.new',
      temporalityCue: 'New onset',
    },
  },
  {
    text: 'Acute kidney injury.',
    target: 'Acute kidney injury',
    expect: { temporality: 'recent', temporalityRule: 'onset.new' },
  },
  {
    text: 'Acute on chronic kidney disease.',
    target: 'chronic kidney disease',
    expect: { temporality: 'recent', temporalityRule: 'onset.new' },
  },
  {
    text: 'Acute exacerbation of COPD.',
    target: 'COPD',
    expect: { status: 'present', temporality: 'recent', temporalityRule: 'onset.exacerbation' },
  },
  {
    text: 'Asthma exacerbation.',
    target: 'Asthma',
    expect: { temporality: 'recent', temporalityRule: 'onset.exacerbation' },
  },
  { text: 'Gout flare in the left ankle.', target: 'Gout', expect: { temporality: 'recent' } },
  { text: 'Decompensated heart failure.', target: 'heart failure', expect: { temporality: 'recent' } },
  {
    text: 'She presents to the clinic with atrial flutter.',
    target: 'atrial flutter',
    expect: { temporality: 'recent', temporalityRule: 'onset.presents' },
  },
  {
    text: 'The echocardiogram shows severe aortic stenosis.',
    target: 'severe aortic stenosis',
    expect: { temporality: 'recent', temporalityRule: 'onset.finding' },
  },
  {
    text: 'Hypertension, seen today for a refill.',
    target: 'Hypertension',
    expect: { temporality: 'historical', temporalityRule: 'chronic.hypertension' },
  },
  {
    text: 'Chest pain this morning.',
    target: 'Chest pain',
    expect: { temporality: 'recent', temporalityRule: 'onset.today' },
  },
  { text: 'Chronic cough and fever.', target: 'fever', expect: { temporality: 'recent' } },
  { text: 'Septic arthritis of the knee.', target: 'Septic arthritis', expect: { temporality: 'recent' } },
  { text: 'Pneumonia.', target: 'Pneumonia', expect: { status: 'present', temporality: 'recent' } },
  // habits and allergies
  {
    text: 'Smokes one pack per day.',
    target: 'Smokes',
    expect: { status: 'present', temporality: 'historical', temporalityRule: 'habit.tobacco' },
  },
  {
    text: 'Denies alcohol use.',
    target: 'alcohol use',
    expect: { status: 'absent', temporality: 'historical' },
  },
  {
    text: 'Occasional cannabis.',
    target: 'cannabis',
    expect: { temporality: 'historical', temporalityRule: 'habit.drugs' },
  },
  {
    text: 'Allergic to penicillin.',
    target: 'penicillin',
    type: 'medication',
    expect: { status: 'allergy', temporality: 'historical', temporalityRule: 'allergy.allergic-to' },
  },
  {
    text: 'No known drug allergies.',
    target: 'drug allergies',
    expect: { temporality: 'historical', temporalityRule: 'onset.chronic' },
  },
  // (c) sections whose content began before the visit
  {
    text: 'Works night shifts.',
    target: 'night shifts',
    section: 'social_history',
    expect: {
      status: 'present',
      temporality: 'historical',
      temporalityRule: 'section.temporality-history',
      temporalityCue: null,
    },
  },
  {
    text: 'Back pain.',
    target: 'Back pain',
    section: 'problem_list',
    expect: { status: 'present', temporality: 'historical' },
  },
  { text: 'Back pain.', target: 'Back pain', section: 'hpi', expect: { temporality: 'recent' } },
  {
    text: 'Chest pain since yesterday.',
    target: 'Chest pain',
    section: 'problem_list',
    expect: { temporality: 'recent' },
  },
  {
    text: 'Appendectomy.',
    target: 'Appendectomy',
    type: 'procedure',
    section: 'past_surgical_history',
    expect: { status: 'historical', temporality: 'historical', temporalityRule: 'section.past-history' },
  },
  // (d) hypothetical wins over the lexicon
  {
    text: 'Return if fever develops.',
    target: 'fever',
    expect: { status: 'hypothetical', temporality: 'hypothetical', temporalityRule: 'hyp.return-if' },
  },
  {
    text: 'At risk for diabetes.',
    target: 'diabetes',
    expect: { status: 'hypothetical', temporality: 'hypothetical' },
  },
  { text: 'Screening for hepatitis C.', target: 'hepatitis C', expect: { temporality: 'hypothetical' } },
  // the axes are independent
  {
    text: 'No history of asthma.',
    target: 'asthma',
    expect: { status: 'absent', temporality: 'historical' },
  },
  {
    text: 'Mother with hypertension.',
    target: 'hypertension',
    expect: { status: 'family', temporality: 'historical' },
  },
];

describe('temporality (onset) table', () => {
  it('has at least 40 rows', () => {
    expect(ONSET_ROWS.length).toBeGreaterThanOrEqual(40);
  });
  it.each(ONSET_ROWS.map((r) => [r.text, r.target, r] as const))('%j | %s', (_text, _target, row) => {
    expect(checkRow(engine, row).problem).toBeNull();
  });
});
