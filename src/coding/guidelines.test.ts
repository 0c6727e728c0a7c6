/**
 * Guideline cases, written by the project: one note fragment per row, the codes it must get, the
 * codes (or categories: three characters cover every code under them) that must not appear, and
 * the review items. The whole coding pipeline runs (resources/pipelines/coding.json, the built-in
 * starter pack for concepts, the FY2023 Tabular List and Index from the shared data dir).
 *
 * The last test counts, over the negated, family and hypothetical rows, the suggested codes that a
 * row does not expect: it must be 0.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { missingDataMessage, sharedDataPath } from '../data.js';
import { loadPipeline, readConfigFile } from '../engine.js';
import type { Pipeline } from '../pipeline/pipeline.js';
import { resourcePath } from '../resources.js';
import type { CodeItem } from './schema.js';

type Group =
  | 'negated'
  | 'family'
  | 'hypothetical'
  | 'uncertain'
  | 'history'
  | 'combination'
  | 'integral'
  | 'specificity'
  | 'abbreviation'
  | 'sequence'
  | 'plain';

interface Row {
  readonly group: Group;
  readonly text: string;
  /** Suggested codes that must be there. */
  readonly expect?: readonly string[];
  /** Codes or categories that must not be suggested. */
  readonly forbid?: readonly string[];
  /** Review items that must be there (status `review`). */
  readonly review?: readonly string[];
  /** No suggested code at all. */
  readonly none?: boolean;
  readonly setting?: 'inpatient' | 'outpatient';
  /** Codes in this order among the suggested ones. */
  readonly order?: readonly string[];
  /** Rule ids that must be in the evidence of the first expected code. */
  readonly rules?: readonly string[];
}

const N = (text: string, forbid: string[]): Row => ({ group: 'negated', text, forbid, none: true });
const H = (text: string, forbid: string[]): Row => ({ group: 'hypothetical', text, forbid, none: true });

/** The Neoplasm Table and the Table of Drugs (FY2026 XML, optional): their rows run when present. */
const TABLES =
  sharedDataPath('icd10cm', 'icd10cm-neoplasm-April-1-2026-XML.xml') !== null &&
  sharedDataPath('icd10cm', 'icd10cm-drug-April-1-2026-XML.xml') !== null;

const TABLE_ROWS: readonly Row[] = [
  {
    group: 'plain',
    text: 'Assessment: carcinoma of the lung.',
    expect: ['C34.90'],
    rules: ['source.neoplasm-table', 'neoplasm.primary'],
  },
  { group: 'plain', text: 'Liver metastases were found.', expect: ['C78.7'], rules: ['neoplasm.secondary'] },
  {
    group: 'plain',
    text: 'She had an adverse reaction to penicillin.',
    expect: ['T36.0X5A'],
    rules: ['source.drug-table', 'drug.adverse-effect'],
  },
  {
    group: 'plain',
    text: 'Admitted for digoxin toxicity.',
    expect: ['T46.0X1A'],
    rules: ['drug.accidental'],
  },
  N('No evidence of lung cancer.', ['C34', 'D02', 'D14', 'D38', 'D49']),
  N('No adverse reaction to penicillin.', ['T36']),
  H('Risk of digoxin toxicity.', ['T46']),
  { group: 'family', text: 'His father had lung cancer.', expect: ['Z80.1'], forbid: ['C34', 'D49'] },
];

const ROWS: readonly Row[] = [
  ...(TABLES ? TABLE_ROWS : []),
  // negated: never coded (the safety rule), and nothing else is made up
  N('No pneumonia.', ['J18']),
  N('Denies chest pain.', ['R07']),
  N('No evidence of pulmonary embolism.', ['I26']),
  N('Negative for diabetes.', ['E11', 'E10', 'E13']),
  N('The patient has no history of hypertension.', ['I10', 'Z86']),
  N('Without fever.', ['R50']),
  N('No fracture is seen.', ['S', 'T14', 'M84']),
  N('Ruled out myocardial infarction.', ['I21']),
  N('No signs of infection.', ['B99', 'A49']),
  N('Absence of asthma.', ['J45']),
  N('Patient denies headache or nausea.', ['R51', 'R11']),
  N('No cough, no shortness of breath.', ['R05', 'R06']),
  N('Free of seizures.', ['R56', 'G40']),
  N('He does not have COPD.', ['J44']),
  N('No deep vein thrombosis.', ['I82']),
  N('No stroke.', ['I63']),
  N('No appendicitis on CT.', ['K35', 'K37', 'G56']),
  N('Negative for hepatitis C.', ['B19', 'B18']),
  N('No rash.', ['R21']),
  N('Not anemic.', ['D64', 'D50']),
  // family: family history (Z80-Z84) where the Index leads, never the relative's condition
  {
    group: 'family',
    text: 'Mother has breast cancer.',
    expect: ['Z80.3'],
    forbid: ['C50'],
    rules: ['assert.family'],
  },
  { group: 'family', text: 'Family history of diabetes.', expect: ['Z83.3'], forbid: ['E11', 'E10'] },
  { group: 'family', text: 'Father had a myocardial infarction.', forbid: ['I21', 'I25'] },
  { group: 'family', text: 'Family history of colon cancer.', expect: ['Z80.0'], forbid: ['C18'] },
  { group: 'family', text: 'His brother has asthma.', expect: ['Z82.5'], forbid: ['J45'] },
  { group: 'family', text: 'Family history of hypertension.', forbid: ['I10'] },
  { group: 'family', text: 'Sister with epilepsy.', expect: ['Z82.0'], forbid: ['G40'] },
  { group: 'family', text: 'Family history of stroke.', expect: ['Z82.3'], forbid: ['I63', 'Z86.73'] },
  { group: 'family', text: 'Maternal grandmother had Alzheimer disease.', forbid: ['G30', 'F02', 'F03'] },
  {
    group: 'family',
    text: 'Family history of prostate cancer in his father.',
    expect: ['Z80.42'],
    forbid: ['C61'],
  },
  { group: 'family', text: 'Her mother has depression.', forbid: ['F32', 'F33'] },
  { group: 'family', text: 'Family history of glaucoma.', expect: ['Z83.511'], forbid: ['H40'] },
  { group: 'family', text: 'FHx: ovarian cancer in her aunt.', forbid: ['C56'] },
  { group: 'family', text: 'Father with alcoholism.', forbid: ['F10'] },
  {
    group: 'family',
    text: 'Mother had breast cancer; the patient has hypertension.',
    expect: ['I10', 'Z80.3'],
    forbid: ['C50'],
    order: ['I10', 'Z80.3'],
  },
  // hypothetical and conditional: not coded
  H('Return if chest pain develops.', ['R07']),
  H('If fever occurs, call the clinic.', ['R50']),
  H('Monitor for signs of sepsis.', ['A41']),
  H('Risk of stroke was discussed.', ['I63']),
  H('Call if he develops shortness of breath.', ['R06']),
  H('Screening for colon cancer.', ['C18']),
  H('Should she develop a rash, stop the drug.', ['R21']),
  H('Watch for bleeding.', ['R58', 'K92']),
  H('Counseled on the risk of falls.', ['W19', 'R29']),
  H('Return to the clinic if the headache worsens.', ['R51']),
  // uncertain: outpatient (default) -> a review item, no code; inpatient -> coded as established
  { group: 'uncertain', text: 'Possible pneumonia.', none: true, review: ['J18.9'], forbid: ['J18'] },
  {
    group: 'uncertain',
    text: 'Suspected appendicitis.',
    none: true,
    review: ['K37'],
    forbid: ['K35', 'K37'],
  },
  {
    group: 'uncertain',
    text: 'Rule out pulmonary embolism.',
    none: true,
    review: ['I26.99'],
    forbid: ['I26'],
  },
  {
    group: 'uncertain',
    text: 'Probable urinary tract infection.',
    none: true,
    review: ['N39.0'],
    forbid: ['N39'],
  },
  {
    group: 'uncertain',
    text: 'Likely viral gastroenteritis.',
    none: true,
    review: ['A08.4'],
    forbid: ['A08'],
  },
  { group: 'uncertain', text: 'Presumed cellulitis.', none: true, review: ['L03.90'], forbid: ['L03'] },
  { group: 'uncertain', text: 'Concerning for sepsis.', none: true, review: ['A41.9'], forbid: ['A41'] },
  {
    group: 'uncertain',
    text: 'Cannot exclude myocardial infarction.',
    none: true,
    review: ['I21.9'],
    forbid: ['I21'],
  },
  {
    group: 'uncertain',
    text: 'Possible pneumonia.',
    setting: 'inpatient',
    expect: ['J18.9'],
    rules: ['uncertain.inpatient'],
  },
  { group: 'uncertain', text: 'Suspected appendicitis.', setting: 'inpatient', expect: ['K37'] },
  { group: 'uncertain', text: 'Rule out pulmonary embolism.', setting: 'inpatient', expect: ['I26.99'] },
  { group: 'uncertain', text: 'Probable urinary tract infection.', setting: 'inpatient', expect: ['N39.0'] },
  { group: 'uncertain', text: 'Concerning for sepsis.', setting: 'inpatient', expect: ['A41.9'] },
  // history: personal history (Z85-Z87) where the Index leads; chronic conditions stay coded
  { group: 'history', text: 'History of pneumonia.', expect: ['Z87.01'], forbid: ['J18'] },
  { group: 'history', text: 'History of breast cancer.', expect: ['Z85.3'], forbid: ['C50'] },
  { group: 'history', text: 'History of hypertension.', expect: ['I10'], rules: ['history.chronic'] },
  { group: 'history', text: 'History of type 2 diabetes.', expect: ['E11.9'] },
  { group: 'history', text: 'Old myocardial infarction.', expect: ['I25.2'], forbid: ['I21'] },
  {
    group: 'history',
    text: 'History of stroke with no residual deficits.',
    expect: ['Z86.73'],
    forbid: ['I63'],
  },
  { group: 'history', text: 'Past history of kidney stones.', expect: ['Z87.442'], forbid: ['N20'] },
  { group: 'history', text: 'History of tuberculosis.', expect: ['Z86.11'], forbid: ['A15'] },
  { group: 'history', text: 'Remote history of DVT.', expect: ['Z86.718'], forbid: ['I82'] },
  { group: 'history', text: 'History of colon polyps.', expect: ['Z86.010'], forbid: ['K63.5'] },
  // combination codes replace their parts; "use additional code" keeps the part it asks for
  {
    group: 'combination',
    text: 'Type 2 diabetes mellitus with chronic kidney disease.',
    expect: ['E11.22'],
    forbid: ['E11.9', 'E11.29'],
    rules: ['combination.with'],
  },
  {
    group: 'combination',
    text: 'Hypertension. Chronic kidney disease stage 3.',
    expect: ['I12.9', 'N18.30'],
    forbid: ['I10'],
    order: ['I12.9', 'N18.30'],
  },
  {
    group: 'combination',
    text: 'Hypertension and congestive heart failure.',
    expect: ['I11.0', 'I50.9'],
    forbid: ['I10'],
    order: ['I11.0', 'I50.9'],
  },
  {
    group: 'combination',
    text: 'Chronic kidney disease stage 5 on dialysis. Hypertension.',
    expect: ['I12.0', 'N18.5', 'Z99.2'],
    forbid: ['I10'],
  },
  {
    group: 'combination',
    text: 'Type 2 diabetes with diabetic neuropathy.',
    expect: ['E11.40'],
    forbid: ['E11.9', 'G62'],
  },
  { group: 'combination', text: 'Diabetic foot ulcer.', expect: ['E11.621'] },
  { group: 'combination', text: 'Type 1 diabetes with ketoacidosis.', expect: ['E10.10'], forbid: ['E10.9'] },
  {
    group: 'combination',
    text: 'Type 2 diabetes with hyperglycemia.',
    expect: ['E11.65'],
    forbid: ['R73', 'E11.9'],
  },
  { group: 'combination', text: 'Hypertensive heart disease.', expect: ['I11.9'], forbid: ['I10'] },
  {
    group: 'combination',
    text: 'Type 2 diabetes mellitus with diabetic retinopathy.',
    expect: ['E11.319'],
    forbid: ['E11.9', 'H35.0'],
  },
  { group: 'combination', text: 'COPD with acute exacerbation.', expect: ['J44.1'], forbid: ['J44.9'] },
  { group: 'combination', text: 'Asthma with status asthmaticus.', expect: ['J45.902'], forbid: ['J45.909'] },
  {
    group: 'combination',
    text: 'Type 2 diabetes with hypoglycemia.',
    expect: ['E11.649'],
    forbid: ['E16', 'E11.9'],
  },
  {
    group: 'combination',
    text: 'Type 2 diabetes with diabetic cataract.',
    expect: ['E11.36'],
    forbid: ['E11.9', 'H26'],
  },
  { group: 'combination', text: 'Diabetic nephropathy.', expect: ['E11.21'], forbid: ['N08', 'E11.9'] },
  {
    group: 'combination',
    text: 'Hyperglycemia. Type 2 diabetes.',
    expect: ['E11.65'],
    forbid: ['R73', 'E11.9'],
  },
  // signs and symptoms integral to a coded definitive diagnosis are not coded beside it
  {
    group: 'integral',
    text: 'Pneumonia with cough and fever.',
    expect: ['J18.9'],
    forbid: ['R05', 'R50'],
    rules: ['symptom.integral'],
  },
  { group: 'integral', text: 'Acute appendicitis with abdominal pain.', expect: ['K35.80'], forbid: ['R10'] },
  { group: 'integral', text: 'Migraine with headache.', expect: ['G43.909'], forbid: ['R51'] },
  { group: 'integral', text: 'Urinary tract infection with dysuria.', expect: ['N39.0'], forbid: ['R30'] },
  { group: 'integral', text: 'Congestive heart failure with dyspnea.', expect: ['I50.9'], forbid: ['R06'] },
  { group: 'integral', text: 'Asthma with wheezing.', expect: ['J45.909'], forbid: ['R06'] },
  {
    group: 'integral',
    text: 'Gastroenteritis with diarrhea and vomiting.',
    expect: ['K52.9'],
    forbid: ['R19', 'R11'],
  },
  { group: 'integral', text: 'Epilepsy with seizures.', expect: ['G40.909'], forbid: ['R56'] },
  { group: 'integral', text: 'Kidney stone with hematuria.', expect: ['N20.0'], forbid: ['R31'] },
  {
    group: 'integral',
    text: 'Cellulitis of the left leg with swelling.',
    expect: ['L03.116'],
    forbid: ['R60', 'M79.89'],
  },
  { group: 'integral', text: 'Abdominal pain. Acute appendicitis.', expect: ['K35.80'], forbid: ['R10'] },
  { group: 'integral', text: 'Headache. No migraine.', expect: ['R51.9'], forbid: ['G43'] },
  // specificity: laterality, 7th character, type and acuity from the note; valid FY2023 codes
  {
    group: 'specificity',
    text: 'Closed fracture of the left femoral shaft.',
    expect: ['S72.302A'],
    rules: ['specificity.seventh-character'],
  },
  {
    group: 'specificity',
    text: 'Fracture of the right radius.',
    expect: ['S52.91XA'],
    forbid: ['M84', 'T14'],
  },
  {
    group: 'specificity',
    text: 'Fracture of the left hip, follow-up visit.',
    expect: ['S72.002D'],
    forbid: ['T14'],
  },
  { group: 'specificity', text: 'Sequela of a fracture of the right wrist.', expect: ['S62.101S'] },
  { group: 'specificity', text: 'Laceration of the right hand.', expect: ['S61.411A'] },
  {
    group: 'specificity',
    text: 'Left otitis media.',
    expect: ['H66.92'],
    forbid: ['H66.90'],
    rules: ['specificity.laterality'],
  },
  { group: 'specificity', text: 'Right carpal tunnel syndrome.', expect: ['G56.01'], forbid: ['G56.00'] },
  { group: 'specificity', text: 'Left knee pain.', expect: ['M25.562'] },
  {
    group: 'specificity',
    text: 'Hypertension. Chronic kidney disease stage 4.',
    expect: ['I12.9', 'N18.4'],
    forbid: ['N18.9'],
  },
  { group: 'specificity', text: 'Acute on chronic systolic heart failure.', expect: ['I50.23'] },
  {
    group: 'specificity',
    text: 'Major depressive disorder, recurrent.',
    expect: ['F33.9'],
    forbid: ['F32.9'],
  },
  { group: 'specificity', text: 'Osteoarthritis of the knee.', expect: ['M17.9'], forbid: ['M19.90'] },
  { group: 'specificity', text: 'Morbid obesity.', expect: ['E66.01'], forbid: ['E66.9'] },
  { group: 'specificity', text: 'Acute cystitis.', expect: ['N30.00'] },
  // plain diagnoses: the Index entry and the concept agree
  { group: 'plain', text: 'Acute appendicitis.', expect: ['K35.80'] },
  { group: 'plain', text: 'Chronic pancreatitis.', expect: ['K86.1'] },
  { group: 'plain', text: 'Acute bronchitis.', expect: ['J20.9'] },
  { group: 'plain', text: 'Iron deficiency anemia.', expect: ['D50.9'] },
  { group: 'plain', text: 'Essential hypertension.', expect: ['I10'] },
  { group: 'plain', text: 'Hyperlipidemia.', expect: ['E78.5'] },
  { group: 'plain', text: 'Atrial fibrillation.', expect: ['I48.91'] },
  { group: 'plain', text: 'Gout.', expect: ['M10.9'] },
  { group: 'plain', text: 'Hypothyroidism.', expect: ['E03.9'] },
  { group: 'plain', text: 'Community acquired pneumonia.', expect: ['J18.9'] },
  { group: 'plain', text: 'Acute kidney injury.', expect: ['N17.9'] },
  { group: 'plain', text: 'Benign prostatic hyperplasia.', expect: ['N40.0'] },
  { group: 'plain', text: 'Generalized anxiety disorder.', expect: ['F41.1'] },
  { group: 'plain', text: 'Vitamin D deficiency.', expect: ['E55.9'] },
  { group: 'plain', text: 'Acute pharyngitis.', expect: ['J02.9'] },
  {
    group: 'plain',
    text: 'Anxiety. The patient is not depressed.',
    expect: ['F41.9'],
    forbid: ['F32', 'F33'],
  },
  // ambiguous abbreviations: a false diagnosis is worse than a miss
  { group: 'abbreviation', text: 'CT of the abdomen was normal.', none: true, forbid: ['G56'] },
  { group: 'abbreviation', text: 'MS follow up.', none: true, forbid: ['G35', 'I05'] },
  { group: 'abbreviation', text: 'Patient had an MRI.', none: true },
  { group: 'abbreviation', text: 'PT evaluation.', none: true },
  // sequencing: etiology before manifestation ("code first"), principal candidates first
  {
    group: 'sequence',
    text: 'Alzheimer disease with dementia.',
    expect: ['G30.9', 'F02.80'],
    forbid: ['F03'],
    order: ['G30.9', 'F02.80'],
  },
  { group: 'sequence', text: 'Pneumonia. Asthma. Heart failure.', expect: ['J18.9', 'J45.909', 'I50.9'] },
  {
    group: 'sequence',
    text: 'Sepsis due to E. coli urinary tract infection.',
    expect: ['A41.9', 'N39.0'],
    order: ['A41.9', 'N39.0'],
  },
];

const DATA = [
  ['icd10cm', 'icd10cm_tabular_2023.xml.gz'],
  ['icd10cm', 'icd10cm_index_2023.xml.gz'],
] as const;
const missing = DATA.find((p) => sharedDataPath(...p) === null);
const SAFETY = new Set(['negated', 'family', 'hypothetical']);

const covers = (pattern: string, code: string) =>
  pattern.length <= 3 ? code.replace('.', '').startsWith(pattern.replace('.', '')) : code === pattern;

describe.skipIf(missing !== undefined)(
  missing ? missingDataMessage(...missing) : 'coding guideline table',
  () => {
    const pipelines = new Map<string, Pipeline>();
    const results = new Map<Row, CodeItem[]>();
    const rankedResults = new Map<Row, CodeItem[]>();

    beforeAll(async () => {
      const base = readConfigFile(resourcePath('pipelines/coding.json')) as {
        components: { name: string; options?: object }[];
      };
      for (const setting of ['outpatient', 'inpatient'] as const) {
        const config = {
          ...base,
          components: base.components.map((c) => (c.name === 'coding' ? { ...c, options: { setting } } : c)),
        };
        pipelines.set(setting, await loadPipeline({ config }));
      }
      // the learned ranker (opt-in) on the safety rows: it only reorders and filters what the rules allow
      const ranked = {
        ...base,
        components: base.components.map((c) =>
          c.name === 'coding' ? { ...c, options: { ranker: true } } : c,
        ),
      };
      const withRanker = await loadPipeline({ config: ranked });
      for (const [n, row] of ROWS.entries()) {
        if (!SAFETY.has(row.group) || row.setting === 'inpatient') continue;
        const out = await withRanker.process({ id: `ranked${n}`, text: row.text });
        if (!out.ok) throw out.error;
        rankedResults.set(row, [...out.doc.get('codes')]);
      }
      for (const [n, row] of ROWS.entries()) {
        const out = await pipelines
          .get(row.setting ?? 'outpatient')!
          .process({ id: `row${n}`, text: row.text });
        if (!out.ok) throw out.error;
        results.set(row, [...out.doc.get('codes')]);
      }
    }, 120_000);

    it('has at least 100 rows, in every group', () => {
      expect(ROWS.length).toBeGreaterThanOrEqual(100);
      const groups = new Set(ROWS.map((r) => r.group));
      expect(groups.size).toBe(11);
    });

    it.each(
      ROWS.map((r, n) => [`${n} ${r.group}${r.setting ? ` (${r.setting})` : ''}: ${r.text}`, r] as const),
    )('%s', (_name, row) => {
      const codes = results.get(row)!;
      const suggested = codes.filter((k) => k.status === 'suggested').map((k) => k.code);
      const review = codes.filter((k) => k.status === 'review').map((k) => k.code);
      for (const e of row.expect ?? []) expect(suggested, `expected ${e}`).toContain(e);
      for (const f of row.forbid ?? [])
        expect(
          suggested.filter((c) => covers(f, c)),
          `forbidden ${f}`,
        ).toEqual([]);
      for (const r of row.review ?? []) expect(review, `review ${r}`).toContain(r);
      if (row.none) expect(suggested).toEqual([]);
      if (row.order) {
        const at = row.order.map((c) => suggested.indexOf(c));
        expect(
          at.every((x, i) => x >= 0 && (i === 0 || x > at[i - 1]!)),
          `order ${row.order.join(' < ')}: ${suggested.join(' ')}`,
        ).toBe(true);
      }
      if (row.rules) {
        const first = codes.find((k) => k.code === row.expect?.[0]);
        for (const id of row.rules) expect(first?.evidence.rules, `rule ${id}`).toContain(id);
      }
      // every code carries its evidence: spans that reproduce the text, rule ids, the fiscal year
      for (const k of codes) {
        expect(k.fiscalYear).toBe(2023);
        expect(k.evidence.rules.length).toBeGreaterThan(0);
        for (const s of k.evidence.spans) expect(row.text.slice(s.start, s.end)).toBe(s.text);
        if (k.status === 'suggested') expect(k.billable).toBe(true);
      }
    });

    it('makes 0 false codes from negated, family and hypothetical mentions with the ranker either', () => {
      expect(rankedResults.size).toBeGreaterThanOrEqual(40);
      let falseCodes = 0;
      for (const [row, codes] of rankedResults) {
        const allowed = new Set(row.expect ?? []);
        // a family row may only yield family-history codes (Z80-Z84), never the condition itself
        const ok = (code: string) => allowed.has(code) || (row.group === 'family' && /^Z8[0-4]/.test(code));
        falseCodes += codes.filter((k) => k.status === 'suggested' && !ok(k.code)).length;
        for (const k of codes)
          for (const sp of k.evidence.spans) expect(row.text.slice(sp.start, sp.end)).toBe(sp.text);
      }
      expect(falseCodes).toBe(0);
    });

    it('makes 0 false codes from negated, family and hypothetical mentions', () => {
      let falseCodes = 0;
      for (const row of ROWS) {
        if (row.group !== 'negated' && row.group !== 'family' && row.group !== 'hypothetical') continue;
        const allowed = new Set(row.expect ?? []);
        falseCodes += results
          .get(row)!
          .filter((k) => k.status === 'suggested' && !allowed.has(k.code)).length;
      }
      expect(falseCodes).toBe(0);
    });
  },
);
