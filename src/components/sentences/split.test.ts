import { describe, expect, it } from 'vitest';
import { Doc } from '../../doc/doc.js';
import { normalize } from '../../doc/normalize.js';
import type { Section, SentenceKind } from '../../doc/types.js';
import { loadPipelineSync } from '../../engine-sync.js';
import { buildSync } from '../../pipeline/testing.js';
import { fileResourceContext } from '../../resources.js';
import { AbbreviationFileSchema, AbbreviationTable, loadAbbreviations } from './abbreviations.js';
import { sentencesComponent, sentencesOf } from './index.js';
import { SentenceSplitter } from './split.js';

const abbreviations = loadAbbreviations(fileResourceContext());
const splitter = new SentenceSplitter(abbreviations);

function texts(text: string, s: SentenceSplitter = splitter): string[] {
  return s.split(text).map((u) => text.slice(u.start, u.end));
}

function kinds(text: string): [SentenceKind, string][] {
  return splitter.split(text).map((u) => [u.kind, text.slice(u.start, u.end)]);
}

// Our own clinical strings (written for these tests) -> the units expected.
const SPLITS: { text: string; expect: string[] }[] = [
  { text: 'Patient is stable. Will follow up.', expect: ['Patient is stable.', 'Will follow up.'] },
  { text: 'Seen by Dr. Smith today. Doing well.', expect: ['Seen by Dr. Smith today.', 'Doing well.'] },
  { text: 'Mr. Jones and Mrs. Lee were seen.', expect: ['Mr. Jones and Mrs. Lee were seen.'] },
  { text: 'He lives on St. Mark Street.', expect: ['He lives on St. Mark Street.'] },
  { text: 'Take 1 tab p.o. b.i.d. with food.', expect: ['Take 1 tab p.o. b.i.d. with food.'] },
  {
    text: 'Take 1 tab p.o. b.i.d. Return in 2 weeks.',
    expect: ['Take 1 tab p.o. b.i.d.', 'Return in 2 weeks.'],
  },
  {
    text: 'Insulin q.d. and metformin t.i.d. are continued.',
    expect: ['Insulin q.d. and metformin t.i.d. are continued.'],
  },
  { text: 'Tylenol q.i.d. as needed.', expect: ['Tylenol q.i.d. as needed.'] },
  { text: 'Avoid NSAIDs, e.g. ibuprofen.', expect: ['Avoid NSAIDs, e.g. ibuprofen.'] },
  { text: 'Avoid NSAIDs, e.g. Motrin or Advil.', expect: ['Avoid NSAIDs, e.g. Motrin or Advil.'] },
  { text: 'Use a statin, i.e. atorvastatin.', expect: ['Use a statin, i.e. atorvastatin.'] },
  { text: 'Use a statin, i.e. Lipitor.', expect: ['Use a statin, i.e. Lipitor.'] },
  { text: 'Pain vs. Anxiety was discussed.', expect: ['Pain vs. Anxiety was discussed.'] },
  { text: 'Weight is approx. 70 kg.', expect: ['Weight is approx. 70 kg.'] },
  { text: 'Seen at 3 p.m. today.', expect: ['Seen at 3 p.m. today.'] },
  { text: 'Seen at 3 p.m. The wound was clean.', expect: ['Seen at 3 p.m.', 'The wound was clean.'] },
  { text: 'Woke at 6 a.m. and ate.', expect: ['Woke at 6 a.m. and ate.'] },
  { text: 'See Fig. 2 for details.', expect: ['See Fig. 2 for details.'] },
  { text: 'Room No. 4 is ready.', expect: ['Room No. 4 is ready.'] },
  { text: 'Labs, imaging, etc. were reviewed.', expect: ['Labs, imaging, etc. were reviewed.'] },
  {
    text: 'Labs, imaging, etc. The plan is unchanged.',
    expect: ['Labs, imaging, etc.', 'The plan is unchanged.'],
  },
  { text: 'Temperature 98.6 and stable.', expect: ['Temperature 98.6 and stable.'] },
  { text: 'BP was 120/80. HR 72.', expect: ['BP was 120/80.', 'HR 72.'] },
  { text: 'Give 0.5 mg now. Recheck later.', expect: ['Give 0.5 mg now.', 'Recheck later.'] },
  { text: 'Arrived at 10:30. Seen promptly.', expect: ['Arrived at 10:30.', 'Seen promptly.'] },
  { text: 'Referred by J. Smith for a rash.', expect: ['Referred by J. Smith for a rash.'] },
  { text: 'Discussed with Dr. J. R. Brown.', expect: ['Discussed with Dr. J. R. Brown.'] },
  {
    text: 'She has hepatitis C. The liver enzymes are normal.',
    expect: ['She has hepatitis C.', 'The liver enzymes are normal.'],
  },
  {
    text: 'Vitamin D is low. Start vitamin D. Recheck in 3 months.',
    expect: ['Vitamin D is low.', 'Start vitamin D.', 'Recheck in 3 months.'],
  },
  { text: 'He paused... then answered.', expect: ['He paused... then answered.'] },
  { text: 'He paused... The answer was no.', expect: ['He paused...', 'The answer was no.'] },
  { text: 'Any chest pain? None reported.', expect: ['Any chest pain?', 'None reported.'] },
  { text: 'Stop smoking! Counseled for 5 minutes.', expect: ['Stop smoking!', 'Counseled for 5 minutes.'] },
  { text: 'He said "I feel fine." Then he left.', expect: ['He said "I feel fine."', 'Then he left.'] },
  {
    text: 'Continue aspirin (see above.) Return soon.',
    expect: ['Continue aspirin (see above.)', 'Return soon.'],
  },
  { text: 'Mild edema. (Improved from last visit.)', expect: ['Mild edema.', '(Improved from last visit.)'] },
  { text: 'Seen today.\n\nPlan to discharge.', expect: ['Seen today.', 'Plan to discharge.'] },
  { text: 'no acute distress\n\nlungs clear', expect: ['no acute distress', 'lungs clear'] },
  { text: 'Chest pain\nShortness of breath', expect: ['Chest pain', 'Shortness of breath'] },
  {
    text: 'The patient reports pain in the\nleft knee after a fall.',
    expect: ['The patient reports pain in the\nleft knee after a fall.'],
  },
  {
    text: 'Allergies include penicillin,\nSulfa and latex.',
    expect: ['Allergies include penicillin,\nSulfa and latex.'],
  },
  { text: '- aspirin\n- metoprolol\n- lisinopril', expect: ['- aspirin', '- metoprolol', '- lisinopril'] },
  { text: '* left knee pain\n* swelling', expect: ['* left knee pain', '* swelling'] },
  { text: '• Hypertension\n• Diabetes', expect: ['• Hypertension', '• Diabetes'] },
  { text: '1. Hypertension.\n2. Diabetes mellitus.', expect: ['1. Hypertension.', '2. Diabetes mellitus.'] },
  { text: '1) Chest pain 2) cough', expect: ['1) Chest pain 2) cough'] },
  { text: '1) Chest pain\n2) Cough', expect: ['1) Chest pain', '2) Cough'] },
  {
    text: '1. Hypertension. Continue lisinopril.\n2. Gout.',
    expect: ['1. Hypertension.', 'Continue lisinopril.', '2. Gout.'],
  },
  { text: 'Problems: 1. HTN 2. DM 3. CAD', expect: ['Problems: 1. HTN', '2. DM', '3. CAD'] },
  { text: 'BP: 120/80\nHR: 72\nRR: 16', expect: ['BP: 120/80', 'HR: 72', 'RR: 16'] },
  { text: 'Neck: supple.\nLungs: clear.', expect: ['Neck: supple.', 'Lungs: clear.'] },
  { text: 'Neck: Supple. No JVD.', expect: ['Neck: Supple.', 'No JVD.'] },
  { text: 'CHIEF COMPLAINT: Chest pain.', expect: ['CHIEF COMPLAINT:', 'Chest pain.'] },
  { text: 'PHYSICAL EXAMINATION:\nVitals stable.', expect: ['PHYSICAL EXAMINATION:', 'Vitals stable.'] },
  { text: 'Physical Exam:\nWell appearing.', expect: ['Physical Exam:', 'Well appearing.'] },
  {
    text: 'CURRENT MEDICATIONS: 1. Lisinopril 10 mg daily.',
    expect: ['CURRENT MEDICATIONS:', '1. Lisinopril 10 mg daily.'],
  },
  { text: 'Medications: 1. Lisinopril 2. Aspirin', expect: ['Medications: 1. Lisinopril', '2. Aspirin'] },
  { text: 'Last seen 03/15/2024. No changes.', expect: ['Last seen 03/15/2024.', 'No changes.'] },
  {
    text: 'Dose was increased to 2.5 mg. He tolerated it.',
    expect: ['Dose was increased to 2.5 mg.', 'He tolerated it.'],
  },
  {
    text: 'Incision was 3 cm. 2 sutures were placed.',
    expect: ['Incision was 3 cm.', '2 sutures were placed.'],
  },
  { text: 'Results (P = 0. 015) were significant.', expect: ['Results (P = 0. 015) were significant.'] },
  { text: 'The value was 0 . 5 mg .', expect: ['The value was 0 . 5 mg .'] },
  { text: 'Seen by Dr . Smith . He agreed .', expect: ['Seen by Dr . Smith .', 'He agreed .'] },
  {
    text: 'It was reported ( ref . 1 ) . The gene is large .',
    expect: ['It was reported ( ref . 1 ) .', 'The gene is large .'],
  },
  {
    text: 'Found in mice . . Repeat studies followed .',
    expect: ['Found in mice . .', 'Repeat studies followed .'],
  },
  {
    text: 'as shown by C . L . Wu and D . W . Melton here .',
    expect: ['as shown by C . L . Wu and D . W . Melton here .'],
  },
  {
    text: 'Seen by Shridhar et al . , 1996 , in mice .',
    expect: ['Seen by Shridhar et al . , 1996 , in mice .'],
  },
  { text: 'Stable.He was discharged.', expect: ['Stable.He was discharged.'] },
  { text: 'Wound is clean.He was discharged home.', expect: ['Wound is clean.', 'He was discharged home.'] },
  {
    text: 'Right inguinal hernia. ,POSTOPERATIVE DIAGNOSIS: Same.',
    expect: ['Right inguinal hernia.', 'POSTOPERATIVE DIAGNOSIS:', 'Same.'],
  },
  { text: '   \n  ', expect: [] },
  { text: '', expect: [] },
  { text: '.', expect: ['.'] },
  { text: 'No complaints', expect: ['No complaints'] },
  { text: 'Phaco with I&A.  Healon was injected.', expect: ['Phaco with I&A.', 'Healon was injected.'] },
  {
    text: 'Vaccinate for hepatitis A and B.  Until then, wait.',
    expect: ['Vaccinate for hepatitis A and B.', 'Until then, wait.'],
  },
  { text: 'Why a transplant?,When did it start?', expect: ['Why a transplant?', 'When did it start?'] },
  { text: 'Plantar fasciitis.,', expect: ['Plantar fasciitis.'] },
  { text: 'No distress.  ,', expect: ['No distress.'] },
  { text: 'Avoid NSAIDs, e.g.,Motrin.', expect: ['Avoid NSAIDs, e.g.,Motrin.'] },
  {
    text: 'Three mutations , viz . , G270D , were found .',
    expect: ['Three mutations , viz . , G270D , were found .'],
  },
  { text: 'Call 911 now!!! Then wait.', expect: ['Call 911 now!!!', 'Then wait.'] },
  { text: 'Is it worse? yes, at night.', expect: ['Is it worse? yes, at night.'] },
  { text: 'Résumé reviewed. Élodie agrees.', expect: ['Résumé reviewed.', 'Élodie agrees.'] },
];

describe('sentence splitter: table', () => {
  it.each(SPLITS)('$text', ({ text, expect: expected }) => {
    expect(texts(text)).toEqual(expected);
  });
});

const KINDS: { text: string; expect: [SentenceKind, string][] }[] = [
  {
    text: 'HISTORY:\nHe is well. No fever\n- cough\nBP: 120/80\n2. Gout',
    expect: [
      ['header', 'HISTORY:'],
      ['text', 'He is well.'],
      ['line', 'No fever'],
      ['list-item', '- cough'],
      ['key-value', 'BP: 120/80'],
      ['list-item', '2. Gout'],
    ],
  },
  {
    text: 'ASSESSMENT AND PLAN: Stable angina.',
    expect: [
      ['header', 'ASSESSMENT AND PLAN:'],
      ['text', 'Stable angina.'],
    ],
  },
  {
    text: 'A.  Left main is free.\nB.  LAD is narrow.\nIV. Summary',
    expect: [
      ['list-item', 'A.  Left main is free.'],
      ['list-item', 'B.  LAD is narrow.'],
      ['list-item', 'IV. Summary'],
    ],
  },
  { text: 'Neck: supple.', expect: [['key-value', 'Neck: supple.']] },
  { text: 'Vitals stable', expect: [['line', 'Vitals stable']] },
  {
    text: 'The plan is as follows:\n1. Rest.',
    expect: [
      ['line', 'The plan is as follows:'],
      ['list-item', '1. Rest.'],
    ],
  },
  { text: 'BRCA1 R841W: a gene variant.', expect: [['key-value', 'BRCA1 R841W: a gene variant.']] },
  {
    text: 'SOCIAL HISTORY: None.',
    expect: [
      ['header', 'SOCIAL HISTORY:'],
      ['text', 'None.'],
    ],
  },
  { text: 'MEDICATIONS: None.', expect: [['key-value', 'MEDICATIONS: None.']] },
];

describe('sentence splitter: kinds', () => {
  it.each(KINDS)('$text', ({ text, expect: expected }) => {
    expect(kinds(text)).toEqual(expected);
  });
});

describe('sentence splitter: options', () => {
  it('splits before lower case with lowercaseStarts, but not after an abbreviation or initial', () => {
    const lower = new SentenceSplitter(abbreviations, { lowercaseStarts: true });
    expect(texts('pt seen. no complaints. will call back etc. and so on.', lower)).toEqual([
      'pt seen.',
      'no complaints.',
      'will call back etc. and so on.',
    ]);
    expect(texts('pt seen. no complaints.')).toEqual(['pt seen. no complaints.']);
  });

  it('treats labels as text when labels is false', () => {
    const plain = new SentenceSplitter(abbreviations, { labels: false });
    expect(plain.split('CHIEF COMPLAINT: Chest pain.').map((u) => u.kind)).toEqual(['text']);
  });

  it('reads its abbreviation table from the resource file and rejects a bad one', () => {
    expect(abbreviations.size).toBeGreaterThan(100);
    const table = new AbbreviationTable({
      version: 1,
      never: ['zz.'],
      beforeNumber: [],
      notBeforeLowercase: [],
    });
    const s = new SentenceSplitter(table);
    expect(texts('Ask Zz. Jones.', s)).toEqual(['Ask Zz. Jones.']);
    expect(texts('Ask Dr. Jones.', s)).toEqual(['Ask Dr.', 'Jones.']);
    const bad = { version: 1, never: ['no period'], beforeNumber: [], notBeforeLowercase: [] };
    const ctx = { readResource: () => JSON.stringify(bad), readResourceBytes: () => new Uint8Array() };
    expect(() => loadAbbreviations(ctx, 'bad.json')).toThrow(/bad\.json/);
    expect(AbbreviationFileSchema.additionalProperties).toBe(false);
  });
});

const NOTE = [
  'CHIEF COMPLAINT: Chest pain.',
  '',
  'HISTORY OF PRESENT ILLNESS: The patient is a 58-year-old man seen by Dr. Patel at 9 a.m. He',
  'describes pressure-like pain, 7/10, lasting approx. 20 minutes. No radiation.',
  '',
  'MEDICATIONS:',
  '1. Aspirin 81mg p.o. daily.',
  '2. Metoprolol 25 mg b.i.d.',
  '',
  'PHYSICAL EXAMINATION:',
  'Vitals: BP 142/88, HR 76, T 98.6 F.',
  'Neck: Supple. No JVD.',
  'Lungs: Clear.',
  '',
  'PLAN:',
  '- ECG and troponin',
  '- Follow up in 1 wk.',
].join('\n');

describe('sentence splitter: whole notes', () => {
  it('splits a short note into headers, sentences, list items and key-value lines', () => {
    expect(kinds(NOTE)).toEqual([
      ['header', 'CHIEF COMPLAINT:'],
      ['text', 'Chest pain.'],
      ['header', 'HISTORY OF PRESENT ILLNESS:'],
      ['text', 'The patient is a 58-year-old man seen by Dr. Patel at 9 a.m.'],
      ['text', 'He\ndescribes pressure-like pain, 7/10, lasting approx. 20 minutes.'],
      ['text', 'No radiation.'],
      ['header', 'MEDICATIONS:'],
      ['list-item', '1. Aspirin 81mg p.o. daily.'],
      ['list-item', '2. Metoprolol 25 mg b.i.d.'],
      ['header', 'PHYSICAL EXAMINATION:'],
      ['key-value', 'Vitals: BP 142/88, HR 76, T 98.6 F.'],
      ['key-value', 'Neck: Supple.'],
      ['text', 'No JVD.'],
      ['key-value', 'Lungs: Clear.'],
      ['header', 'PLAN:'],
      ['list-item', '- ECG and troponin'],
      ['list-item', '- Follow up in 1 wk.'],
    ]);
  });

  it('handles a transcribed note with comma line breaks through the normalized view', () => {
    const text =
      'PREOPERATIVE DIAGNOSIS:,  Left knee pain.,PROCEDURE:,  Arthroscopy.,FINDINGS: , ,1.  Torn meniscus.,2.  Mild chondromalacia.';
    const doc = new Doc(text);
    const view = normalize(text);
    doc.set('normalized', view);
    const got = sentencesOf(splitter, view, []).map((s) => [s.kind, text.slice(s.start, s.end)]);
    expect(got).toEqual([
      ['header', 'PREOPERATIVE DIAGNOSIS:'],
      ['text', 'Left knee pain.'],
      ['header', 'PROCEDURE:'],
      ['text', 'Arthroscopy.'],
      ['header', 'FINDINGS:'],
      ['list-item', '1.  Torn meniscus.'],
      ['list-item', '2.  Mild chondromalacia.'],
    ]);
  });
});

function section(
  start: number,
  end: number,
  category: string,
  header: { start: number; end: number; text: string } | null,
  bodyStart: number,
): Section {
  return { start, end, category, header, bodyStart, evidence: { component: 'test' } };
}

describe('sentences component', () => {
  const run = buildSync(sentencesComponent, {}, fileResourceContext());

  it('splits an inline header from its body and never crosses a section boundary', () => {
    const text = 'HPI: 45 yo M with chest pain. Seen today PLAN: Rest. Fluids.';
    const planAt = text.indexOf('PLAN');
    const doc = new Doc(text);
    doc.set('normalized', normalize(text));
    doc.set('sections', [
      section(0, planAt, 'hpi', { start: 0, end: 3, text: 'HPI' }, 4),
      section(planAt, text.length, 'plan', { start: planAt, end: planAt + 4, text: 'PLAN' }, planAt + 5),
    ]);
    run(doc);
    expect(doc.get('sentences').map((s) => [s.kind, s.section, doc.textOf(s)])).toEqual([
      ['header', 0, 'HPI:'],
      ['text', 0, '45 yo M with chest pain.'],
      ['line', 0, 'Seen today'],
      ['header', 1, 'PLAN:'],
      ['text', 1, 'Rest.'],
      ['text', 1, 'Fluids.'],
    ]);
  });

  it('gives the innermost section of nested ones, and -1 outside any section', () => {
    const text = 'Intro line.\nEXAM: General: well. Neck: supple.';
    const examAt = text.indexOf('EXAM');
    const neckAt = text.indexOf('Neck');
    const doc = new Doc(text);
    doc.set('normalized', normalize(text));
    doc.set('sections', [
      section(
        examAt,
        text.length,
        'physical_exam',
        { start: examAt, end: examAt + 4, text: 'EXAM' },
        examAt + 5,
      ),
      section(neckAt, text.length, 'neck', { start: neckAt, end: neckAt + 4, text: 'Neck' }, neckAt + 5),
    ]);
    run(doc);
    expect(doc.get('sentences').map((s) => [s.section, doc.textOf(s)])).toEqual([
      [-1, 'Intro line.'],
      [0, 'EXAM:'],
      [0, 'General: well.'],
      [1, 'Neck:'],
      [1, 'supple.'],
    ]);
  });

  it('maps offsets back to the original text when normalization changed lengths', () => {
    const text = 'Seen\u200b by Dr. Smith.\r\nPlan: rest\u00a0now.\r\n\r\nCafe\u0301 visit. Done.';
    const doc = new Doc(text);
    doc.set('normalized', normalize(text));
    doc.set('sections', []);
    run(doc);
    expect(doc.get('sentences').map((s) => doc.textOf(s))).toEqual([
      'Seen\u200b by Dr. Smith.',
      'Plan: rest\u00a0now.',
      'Cafe\u0301 visit.',
      'Done.',
    ]);
  });

  it('runs in the default pipeline', () => {
    const pipeline = loadPipelineSync();
    const doc = pipeline.runSync(new Doc(NOTE));
    const sentences = doc.get('sentences');
    expect(sentences.length).toBeGreaterThan(10);
    expect(sentences.some((s) => s.kind === 'header' && doc.textOf(s).startsWith('MEDICATIONS'))).toBe(true);
  });
});
