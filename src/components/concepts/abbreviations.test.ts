/**
 * The built-in starter pack in the default pipeline: ambiguous abbreviations (docs/terminology.md,
 * "Ambiguous abbreviations") and the coverage of common findings, social history and drug names
 * (docs/starter-pack.md). The sentences are written for these tests. The last block runs MTSamples
 * from the shared data (skipped when it is absent).
 */
import { describe, expect, it } from 'vitest';
import { missingDataMessage, sharedDataPath } from '../../data.js';
import { Doc } from '../../doc/doc.js';
import type { Concept } from '../../doc/types.js';
import { loadPipelineSync } from '../../engine-sync.js';
import { readCsvObjects } from '../../text/csv.js';

const pipeline = loadPipelineSync();
const concepts = (text: string): Concept[] => pipeline.runSync(new Doc(text, { id: 't' })).get('concepts');

/** The concept the pipeline gives the n-th occurrence of `abbr` (a whole word), or null. */
function reading(text: string, abbr: string, n = 0): Concept | null {
  const re = new RegExp(`(?<![A-Za-z0-9])${abbr}(?![A-Za-z0-9])`, 'g');
  const starts = [...text.matchAll(re)].map((m) => m.index);
  const start = starts[n];
  if (start === undefined) throw new Error(`no ${abbr} #${n} in the sentence`);
  return concepts(text).find((c) => c.start === start && c.end === start + abbr.length) ?? null;
}

const CARPAL_TUNNEL = /^G56\.0/;
const codesOf = (cs: readonly Concept[]): string[] =>
  cs.flatMap((c) => c.codes.filter((k) => k.system === 'icd10cm').map((k) => k.code));

describe('ambiguous abbreviations with the built-in pack', () => {
  it.each([
    // sentence, abbreviation, which occurrence, expected concept id (null: no mention)
    ['The patient underwent computed tomography (CT) of the chest.', 'CT', 0, 'starter:computed-tomography'],
    ['Computed tomography (CT) was done. CT showed a nodule.', 'CT', 1, 'starter:computed-tomography'],
    ['CT showed no acute bleed.', 'CT', 0, 'starter:computed-tomography'],
    ['Phenylalanine hydroxylase (PAH) was low. PAH activity was measured again.', 'PAH', 1, null],
    [
      'Pulmonary arterial hypertension (PAH) on sildenafil. PAH is stable.',
      'PAH',
      1,
      'starter:pulmonary-hypertension',
    ],
    [
      'She has carpal tunnel syndrome (CTS). CTS release was discussed.',
      'CTS',
      1,
      'starter:carpal-tunnel-syndrome',
    ],
    ['MRI showed a disc bulge.', 'MRI', 0, 'starter:magnetic-resonance-imaging'],
    [
      'Started on heparin for a PE seen on the angiogram; the D-dimer was high.',
      'PE',
      0,
      'starter:pulmonary-embolism',
    ],
    ['Risks of surgery include bleeding and PE.', 'PE', 0, null],
    ['Saturating 97% on RA.', 'RA', 0, null],
    ['Room air (RA) saturation was 97%. On RA she was comfortable.', 'RA', 1, null],
    ['RA flare with swollen joints, on methotrexate.', 'RA', 0, 'starter:rheumatoid-arthritis'],
    ['She was seen in the ER last night.', 'ER', 0, null],
    ['He was taken to the OR in stable condition.', 'OR', 0, null],
    ['ER positive, HER2 negative breast carcinoma.', 'ER', 0, 'abbreviation:er/estrogen-receptor'],
    ['History of MS.', 'MS', 0, null],
    ['MS with relapsing course on interferon.', 'MS', 0, 'starter:multiple-sclerosis'],
    ['Vitals: AF, pulse 80, BP 120/80.', 'AF', 0, null],
    ['AF with rapid ventricular rate on diltiazem.', 'AF', 0, 'starter:atrial-fibrillation'],
    ['PT and OT for gait training.', 'PT', 0, 'starter:physical-therapy'],
    ['PT 12.1 seconds, INR 1.0.', 'PT', 0, 'starter:prothrombin-time'],
    ['CA of the breast, metastatic, on chemotherapy.', 'CA', 0, 'starter:cancer'],
    ['CA 8.9, sodium 140.', 'CA', 0, 'starter:calcium'],
    ['DM on insulin and metformin.', 'DM', 0, 'starter:diabetes-mellitus'],
    ['The patient is a 60-year-old man with DM.', 'DM', 0, null],
    ['CVA tenderness is absent.', 'CVA', 0, 'abbreviation:cva/costovertebral-angle'],
    ['Prior CVA with residual hemiparesis.', 'CVA', 0, 'starter:stroke'],
    ['MUST BE TAKEN AS DIRECTED.', 'AS', 0, null],
  ])('%s (%s #%i)', (text, abbr, n, expected) => {
    const c = reading(text, abbr, n);
    expect(c?.id ?? null).toBe(expected);
    if (c?.evidence.rule?.endsWith('/abbreviation') || c?.evidence.rule?.endsWith('/original'))
      expect(c.evidence.rule).toMatch(/^pack:starter@[0-9a-f]{12}\//);
  });

  it('never reads CT as carpal tunnel syndrome', () => {
    for (const text of [
      'CT of the wrist was normal. CT chest next week.',
      'COMPUTED TOMOGRAPHY (CT) OF THE HAND. CT WAS NORMAL.',
      'CTs of the chest and abdomen were reviewed.',
    ])
      expect(codesOf(concepts(text)).filter((c) => CARPAL_TUNNEL.test(c))).toEqual([]);
  });

  it('says how the sense was chosen: cue counts, never note words', () => {
    const af = reading('AF with rapid ventricular rate on diltiazem.', 'AF');
    expect(af?.evidence.detail).toMatch(/^cues \d+:0$/);
    // the senses that lost stay as candidates, far below
    const ca = reading('CA 8.9, sodium 140.', 'CA');
    expect(ca?.candidates?.map((k) => k.id)).toContain('starter:cancer');
    expect(ca!.candidates![0]!.score).toBeLessThan(ca!.score / 2);
  });
});

describe('coverage of the built-in pack', () => {
  it.each([
    // sentence, the words that must be a mention, its type, the ICD-10-CM code (none: no code)
    ['Chest x-ray shows a right lower lobe consolidation.', 'consolidation', 'problem', 'R91.8'],
    ['Patchy infiltrate at the left base.', 'infiltrate', 'problem', 'R91.8'],
    ['Ground-glass opacity in both lungs.', 'Ground-glass opacity', 'problem', 'R91.8'],
    ['Small left pleural effusion.', 'pleural effusion', 'problem', 'J90'],
    ['Bibasilar crackles on auscultation.', 'Bibasilar crackles', 'problem', 'R09.89'],
    ['Scattered rhonchi that clear with cough.', 'rhonchi', 'problem', undefined],
    ['Stress test showed ischemia in the anterior wall.', 'ischemia', 'problem', 'I99.8'],
    ['Right carotid bruit.', 'carotid bruit', 'problem', 'R09.89'],
    ['No clubbing, cyanosis or edema.', 'clubbing', 'problem', 'R68.3'],
    ['SOCIAL HISTORY: Smoking: one pack a day.', 'Smoking', 'problem', 'Z72.0'],
    ['SOCIAL HISTORY: Tobacco use: none.', 'Tobacco use', 'problem', 'Z72.0'],
    ['SOCIAL HISTORY: Alcohol use: two beers a week.', 'Alcohol use', 'problem', undefined],
    ['SOCIAL HISTORY: He denies drug use.', 'drug use', 'problem', undefined],
    ['MEDICATIONS: Insulin, Zantac and nitro as needed.', 'Insulin', 'medication', undefined],
    ['MEDICATIONS: Insulin, Zantac and nitro as needed.', 'Zantac', 'medication', undefined],
    ['MEDICATIONS: Insulin, Zantac and nitro as needed.', 'nitro', 'medication', undefined],
    ['She is on 2 liters of oxygen at home.', 'oxygen', 'medication', undefined],
    ['Takes Ultracet for pain.', 'Ultracet', 'medication', undefined],
  ])('%s: %s', (text, words, type, code) => {
    const start = text.indexOf(words);
    const c = concepts(text).find((x) => x.start === start && x.end === start + words.length);
    expect(c?.type).toBe(type);
    if (code) expect(codesOf([c!])).toContain(code);
    else if (type === 'problem') expect(codesOf([c!])).toEqual([]);
  });

  it('gives a drug written alone its RxNorm ingredient code', () => {
    const text = 'MEDICATIONS: Zantac, oxygen.';
    const rx = concepts(text).flatMap((c) => c.codes.filter((k) => k.system === 'rxnorm').map((k) => k.code));
    expect(rx).toEqual(expect.arrayContaining(['9143', '7806']));
  });
});

describe('ICD-10-CM codes of the default pipeline over MTSamples (shared data)', () => {
  const notesPath = sharedDataPath('mtsamples', 'mtsamples.csv');
  const orderPath = sharedDataPath('icd10cm', 'icd10cm_order_FY2022_from_icd10us.csv');
  const ready = notesPath !== null && orderPath !== null;
  // a sample that runs in well under a minute on a busy 2-core machine
  const NOTES = 1500;

  it.skipIf(!ready)(
    'emits only FY2022 codes, and a carpal tunnel code only where the note says carpal tunnel',
    async () => {
      const { readIcd10cmCodeSet } = await import('../../terminology/pack/filters.js');
      const codeSet = await readIcd10cmCodeSet(orderPath!);
      let noteCount = 0;
      let emitted = 0;
      const outside = new Set<string>();
      let carpal = 0;
      const carpalUnsaid: number[] = [];
      for await (const { row } of readCsvObjects(notesPath!)) {
        const text = row.transcription ?? '';
        if (text.trim() === '') continue;
        if (++noteCount > NOTES) break;
        const cs = concepts(text);
        const codes = [
          ...codesOf(cs),
          ...cs
            .flatMap((c) => (c.candidates ?? []).flatMap((k) => k.codes))
            .filter((k) => k.system === 'icd10cm')
            .map((k) => k.code),
        ];
        emitted += codes.length;
        for (const code of codes) if (!codeSet.has(code)) outside.add(code);
        if (codesOf(cs).some((c) => CARPAL_TUNNEL.test(c))) {
          carpal++;
          if (!/carpal\s+tunnel/i.test(text)) carpalUnsaid.push(noteCount);
        }
      }
      // counts and codes only, never note text
      console.log(
        `MTSamples: ${NOTES} notes, ${emitted} ICD-10-CM codes, ${outside.size} outside FY2022, ` +
          `${carpal} notes with a carpal tunnel code`,
      );
      expect(noteCount).toBeGreaterThan(NOTES);
      expect(emitted).toBeGreaterThan(5_000);
      expect([...outside]).toEqual([]);
      expect(carpalUnsaid).toEqual([]);
    },
    120_000,
  );
  if (!ready) it.skip(missingDataMessage('mtsamples', 'mtsamples.csv'), () => {});
});
