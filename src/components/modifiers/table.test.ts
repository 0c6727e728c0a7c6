/**
 * Modifier strings written for Clinote: for each problem or procedure concept, the modifiers
 * expected, as `value (text)` pairs: lat = laterality, site = body site, sev = severity,
 * course, acu = acuity. Concepts are placed by hand (the concepts layer is not under test here).
 */
import { describe, expect, it } from 'vitest';
import { fileResourceContext } from '../../resources.js';
import { segmentedDoc, type TestConcept } from '../measurements/testing.js';
import { loadModifierExtractor, withModifiers } from './index.js';

const extractor = loadModifierExtractor(fileResourceContext());

const P = (text: string, occurrence?: number): TestConcept => ({
  text,
  type: 'problem',
  ...(occurrence !== undefined ? { occurrence } : {}),
});
const X = (text: string): TestConcept => ({ text, type: 'procedure' });
const A = (text: string, code?: string): TestConcept => ({
  text,
  type: 'anatomy',
  ...(code ? { codes: [{ system: 'snomed', code }] } : {}),
});

type Compact = Record<string, string>;

const KEYS: Record<string, string> = {
  laterality: 'lat',
  bodySite: 'site',
  severity: 'sev',
  course: 'course',
  acuity: 'acu',
};

function run(text: string, concepts: readonly TestConcept[]): Compact[] {
  const doc = segmentedDoc(text, concepts);
  return withModifiers(doc, extractor)
    .filter((c) => c.type === 'problem' || c.type === 'procedure')
    .map((c) => {
      const o: Compact = { c: c.text };
      for (const [k, m] of Object.entries(c.modifiers ?? {})) o[KEYS[k]!] = `${m.value} (${m.text})`;
      return o;
    });
}

const ROWS: readonly (readonly [string, readonly TestConcept[], readonly Compact[]])[] = [
  // laterality and body site
  ['left knee pain', [P('knee pain')], [{ c: 'knee pain', site: 'knee (knee)', lat: 'left (left)' }]],
  [
    'Severe left knee pain, worsening.',
    [P('knee pain')],
    [
      {
        c: 'knee pain',
        site: 'knee (knee)',
        lat: 'left (left)',
        sev: 'severe (Severe)',
        course: 'worsening (worsening)',
      },
    ],
  ],
  ['R hip pain', [P('hip pain')], [{ c: 'hip pain', site: 'hip (hip)', lat: 'right (R)' }]],
  ['L ankle fracture', [P('fracture')], [{ c: 'fracture', site: 'ankle (ankle)', lat: 'left (L)' }]],
  ['pain in the right knee', [P('pain')], [{ c: 'pain', lat: 'right (right)', site: 'knee (knee)' }]],
  ['fracture of the left hip', [P('fracture')], [{ c: 'fracture', lat: 'left (left)', site: 'hip (hip)' }]],
  [
    'edema to the knees bilaterally',
    [P('edema')],
    [{ c: 'edema', site: 'knee (knees)', lat: 'bilateral (bilaterally)' }],
  ],
  [
    'bilateral lower extremity edema',
    [P('edema')],
    [{ c: 'edema', site: 'lower extremity (lower extremity)', lat: 'bilateral (bilateral)' }],
  ],
  ['bilat knee OA', [P('OA')], [{ c: 'OA', site: 'knee (knee)', lat: 'bilateral (bilat)' }]],
  [
    'Rt shoulder pain',
    [P('shoulder pain')],
    [{ c: 'shoulder pain', site: 'shoulder (shoulder)', lat: 'right (Rt)' }],
  ],
  ['cataract OD', [P('cataract')], [{ c: 'cataract', lat: 'right (OD)' }]],
  ['glaucoma OU', [P('glaucoma')], [{ c: 'glaucoma', lat: 'bilateral (OU)' }]],
  ['Pain under my right ribs', [P('Pain')], [{ c: 'Pain', lat: 'right (right)', site: 'rib (ribs)' }]],
  ['right-sided weakness', [P('weakness')], [{ c: 'weakness', lat: 'right (right-sided)' }]],
  [
    'left lower lobe pneumonia',
    [P('pneumonia')],
    [{ c: 'pneumonia', site: 'lung (lower lobe)', lat: 'left (left)' }],
  ],
  [
    'tenderness over the left flank',
    [P('tenderness')],
    [{ c: 'tenderness', lat: 'left (left)', site: 'flank (flank)' }],
  ],
  [
    'right total knee arthroplasty',
    [X('total knee arthroplasty')],
    [{ c: 'total knee arthroplasty', site: 'knee (knee)', lat: 'right (right)' }],
  ],
  ['MRI of the lumbar spine', [X('MRI')], [{ c: 'MRI', site: 'lumbar spine (lumbar spine)' }]],
  [
    'left carpal tunnel release',
    [X('carpal tunnel release'), A('carpal tunnel', '16256009')],
    [{ c: 'carpal tunnel release', site: 'carpal tunnel (carpal tunnel)', lat: 'left (left)' }],
  ],
  [
    'swelling of the left calf',
    [P('swelling'), A('calf', '53840002')],
    [{ c: 'swelling', lat: 'left (left)', site: 'calf (calf)' }],
  ],
  // severity
  [
    'mild persistent asthma',
    [P('asthma')],
    [{ c: 'asthma', course: 'persistent (persistent)', sev: 'mild (mild)' }],
  ],
  [
    'moderate functional mitral regurgitation',
    [P('mitral regurgitation')],
    [{ c: 'mitral regurgitation', sev: 'moderate (moderate)' }],
  ],
  ['severe aortic stenosis', [P('aortic stenosis')], [{ c: 'aortic stenosis', sev: 'severe (severe)' }]],
  [
    'moderate to severe obstructive sleep apnea',
    [P('obstructive sleep apnea')],
    [{ c: 'obstructive sleep apnea', sev: 'moderate to severe (moderate to severe)' }],
  ],
  [
    'mild-to-moderate depression',
    [P('depression')],
    [{ c: 'depression', sev: 'mild to moderate (mild-to-moderate)' }],
  ],
  [
    'Grade II ankle sprain',
    [P('ankle sprain')],
    [{ c: 'ankle sprain', site: 'ankle (ankle)', sev: 'grade 2 (Grade II)' }],
  ],
  ['hemorrhoids, grade 3', [P('hemorrhoids')], [{ c: 'hemorrhoids', sev: 'grade 3 (grade 3)' }]],
  ['7/10 back pain', [P('back pain')], [{ c: 'back pain', site: 'back (back)', sev: '7/10 (7/10)' }]],
  [
    'Pain 7/10 in the left shoulder',
    [P('Pain')],
    [{ c: 'Pain', sev: '7/10 (7/10)', lat: 'left (left)', site: 'shoulder (shoulder)' }],
  ],
  [
    'markedly elevated blood pressure',
    [P('elevated blood pressure')],
    [{ c: 'elevated blood pressure', sev: 'severe (markedly)' }],
  ],
  // course
  ['CKD stage 3a, improving', [P('CKD')], [{ c: 'CKD', course: 'improving (improving)' }]],
  ['HTN - stable', [P('HTN')], [{ c: 'HTN', course: 'stable (stable)' }]],
  ['HTN: controlled', [P('HTN')], [{ c: 'HTN', course: 'stable (controlled)' }]],
  ['Her headaches are worsening.', [P('headaches')], [{ c: 'headaches', course: 'worsening (worsening)' }]],
  [
    'progressive dyspnea on exertion',
    [P('dyspnea on exertion')],
    [{ c: 'dyspnea on exertion', course: 'progressive (progressive)' }],
  ],
  ['cellulitis, resolving', [P('cellulitis')], [{ c: 'cellulitis', course: 'resolving (resolving)' }]],
  ['rash has resolved', [P('rash')], [{ c: 'rash', course: 'resolved (resolved)' }]],
  ['nodule unchanged from prior', [P('nodule')], [{ c: 'nodule', course: 'unchanged (unchanged)' }]],
  ['recurrent UTIs', [P('UTIs')], [{ c: 'UTIs', course: 'recurrent (recurrent)' }]],
  [
    'intermittent claudication',
    [P('claudication')],
    [{ c: 'claudication', course: 'intermittent (intermittent)' }],
  ],
  [
    'increasing shortness of breath',
    [P('shortness of breath')],
    [{ c: 'shortness of breath', course: 'worsening (increasing)' }],
  ],
  // acuity
  [
    'acute kidney injury',
    [P('acute kidney injury')],
    [{ c: 'acute kidney injury', acu: 'acute (acute)', site: 'kidney (kidney)' }],
  ],
  [
    'Acute on chronic systolic heart failure',
    [P('systolic heart failure')],
    [{ c: 'systolic heart failure', acu: 'acute on chronic (Acute on chronic)' }],
  ],
  [
    'chronic low back pain',
    [P('back pain')],
    [{ c: 'back pain', site: 'back (low back)', acu: 'chronic (chronic)' }],
  ],
  ['subacute cough', [P('cough')], [{ c: 'cough', acu: 'subacute (subacute)' }]],
  [
    'new-onset atrial fibrillation',
    [P('atrial fibrillation')],
    [{ c: 'atrial fibrillation', acu: 'acute (new-onset)' }],
  ],
  ['longstanding diabetes', [P('diabetes')], [{ c: 'diabetes', acu: 'chronic (longstanding)' }]],
  // no crossed links, nothing far away
  [
    '3-pillow orthopnea, PND, bilateral leg swelling',
    [P('orthopnea'), P('PND'), P('swelling')],
    [{ c: 'orthopnea' }, { c: 'PND' }, { c: 'swelling', site: 'leg (leg)', lat: 'bilateral (bilateral)' }],
  ],
  [
    'HTN, chronic kidney disease',
    [P('HTN'), P('chronic kidney disease')],
    [{ c: 'HTN' }, { c: 'chronic kidney disease', acu: 'chronic (chronic)', site: 'kidney (kidney)' }],
  ],
  [
    'no significant past medical history; abdominal pain',
    [P('abdominal pain')],
    [{ c: 'abdominal pain', site: 'abdomen (abdominal)' }],
  ],
  [
    'R knee pain and L hip pain',
    [P('knee pain'), P('hip pain')],
    [
      { c: 'knee pain', site: 'knee (knee)', lat: 'right (R)' },
      { c: 'hip pain', site: 'hip (hip)', lat: 'left (L)' },
    ],
  ],
  ['L 5 mg', [], []],
  ['Continued home CPAP for OSA.', [P('OSA'), X('CPAP')], [{ c: 'CPAP' }, { c: 'OSA' }]],
  ['stable vital signs, pneumonia', [P('pneumonia')], [{ c: 'pneumonia' }]],
  ['pain L', [P('pain')], [{ c: 'pain' }]],
];

describe('modifiers: table', () => {
  it('has at least 40 rows', () => {
    expect(ROWS.length).toBeGreaterThanOrEqual(40);
  });

  it.each(ROWS.map((r, i) => [i, ...r] as const))('row %i: %s', (_i, text, concepts, expected) => {
    expect(run(text, concepts)).toEqual(expected);
  });
});

describe('modifiers: layer', () => {
  it('copies only the concepts it modifies, keeps order and offsets, and gives spans and evidence', () => {
    const text = 'Severe left knee pain. Diabetes.';
    const doc = segmentedDoc(text, [P('knee pain'), P('Diabetes')]);
    const before = doc.get('concepts');
    const after = withModifiers(doc, extractor);
    expect(after).toHaveLength(2);
    expect(after[1]).toBe(before[1]);
    expect(after[0]).not.toBe(before[0]);
    expect(after.map((c) => [c.start, c.end])).toEqual(before.map((c) => [c.start, c.end]));
    const lat = after[0]!.modifiers!.laterality!;
    expect(lat).toEqual({
      start: 7,
      end: 11,
      text: 'left',
      value: 'left',
      evidence: { component: 'modifiers', rule: 'mod.left' },
    });
    for (const m of Object.values(after[0]!.modifiers!)) expect(text.slice(m.start, m.end)).toBe(m.text);
  });

  it('gives the pack code and concept of an anatomy concept as the body site', () => {
    const doc = segmentedDoc('swelling of the left calf', [P('swelling'), A('calf', '53840002')]);
    const site = withModifiers(doc, extractor)[0]!.modifiers!.bodySite!;
    expect(site).toMatchObject({ text: 'calf', code: { system: 'snomed', code: '53840002' }, concept: 1 });
  });
});
