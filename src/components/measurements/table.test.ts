/**
 * Lab and vital-sign strings written for Clinote, each with the exact normalized structure expected
 * (docs/measurements.md reports the share of rows exactly right). Compact form of one result:
 *
 *   t: test as written, id: lexicon id, v: value (number | [low, high] | 'num/den' | qualitative),
 *   c: comparator, u: UCUM unit written, du: UCUM unit assumed, f: flag, r: reference range
 *   ([low, high] or '<100'), cv: converted [value, UCUM], o2: {d: device, fl: flow L/min, fi: FiO2 %}
 */
import { describe, expect, it } from 'vitest';
import { fileResourceContext } from '../../resources.js';
import { loadMeasurementExtractor, measurementsOf } from './index.js';
import { segmentedDoc, type TestConcept } from './testing.js';
import type { Measurement } from './types.js';

const extractor = loadMeasurementExtractor(fileResourceContext());

type Compact = Record<string, unknown>;

function compact(m: Measurement): Compact {
  const o: Compact = { t: m.test.text };
  if (m.test.id) o.id = m.test.id;
  const v = m.value!;
  o.v =
    v.kind === 'numeric'
      ? v.value
      : v.kind === 'range'
        ? [v.low, v.high]
        : v.kind === 'ratio'
          ? `${v.numerator}/${v.denominator}`
          : v.qualitative;
  if (v.comparator) o.c = v.comparator;
  if (m.unit) o.u = m.unit.ucum;
  if (m.defaultUnit) o.du = m.defaultUnit;
  if (m.flag) o.f = m.flag.code;
  if (m.referenceRange) {
    const r = m.referenceRange;
    o.r = r.comparator ? `${r.comparator}${r.comparator.startsWith('<') ? r.high : r.low}` : [r.low, r.high];
  }
  if (m.converted) o.cv = [m.converted.value, m.converted.ucum];
  if (m.o2) {
    const x: Compact = {};
    if (m.o2.device) x.d = m.o2.device.code;
    if (m.o2.flow) x.fl = m.o2.flow.value;
    if (m.o2.fio2) x.fi = m.o2.fio2.value;
    o.o2 = x;
  }
  return o;
}

function run(text: string, concepts: readonly TestConcept[] = []): Measurement[] {
  return measurementsOf(segmentedDoc(text, concepts), extractor);
}

type Row =
  | readonly [string, readonly Compact[]]
  | readonly [string, readonly Compact[], readonly TestConcept[]];

const NA = { t: 'Na', id: 'sodium' };
const K = { t: 'K', id: 'potassium' };

const ROWS: readonly Row[] = [
  // ------------------------------------------------------------------ electrolytes, inline
  ['Na 138', [{ ...NA, v: 138 }]],
  ['Na 128 (L)', [{ ...NA, v: 128, f: 'L' }]],
  ['K 6.1 H', [{ ...K, v: 6.1, f: 'H' }]],
  [
    'Na 138, K 4.1, Cl 101',
    [
      { ...NA, v: 138 },
      { ...K, v: 4.1 },
      { t: 'Cl', id: 'chloride', v: 101 },
    ],
  ],
  ['Na 134 mEq/L', [{ ...NA, v: 134, u: 'meq/L' }]],
  ['sodium 131 mmol/L [135-145]', [{ t: 'sodium', id: 'sodium', v: 131, u: 'mmol/L', r: [135, 145] }]],
  ['Sodium: 138 mmol/L (135-145)', [{ t: 'Sodium', id: 'sodium', v: 138, u: 'mmol/L', r: [135, 145] }]],
  ['serum sodium of 122 mEq/L', [{ t: 'serum sodium', id: 'sodium', v: 122, u: 'meq/L' }]],
  ['Potassium 3.1 mmol/L L', [{ t: 'Potassium', id: 'potassium', v: 3.1, u: 'mmol/L', f: 'L' }]],
  ['K+ 5.8 (H)', [{ t: 'K+', id: 'potassium', v: 5.8, f: 'H' }]],
  [
    'Cl 99, CO2 22',
    [
      { t: 'Cl', id: 'chloride', v: 99 },
      { t: 'CO2', id: 'bicarbonate', v: 22 },
    ],
  ],
  ['HCO3 18 L', [{ t: 'HCO3', id: 'bicarbonate', v: 18, f: 'L' }]],
  ['bicarb 14', [{ t: 'bicarb', id: 'bicarbonate', v: 14 }]],
  [
    'BUN 38 H, Cr 1.9 H',
    [
      { t: 'BUN', id: 'bun', v: 38, f: 'H' },
      { t: 'Cr', id: 'creatinine', v: 1.9, f: 'H' },
    ],
  ],
  [
    'Creatinine 1.4 mg/dL ref 0.5-1.2',
    [{ t: 'Creatinine', id: 'creatinine', v: 1.4, u: 'mg/dL', r: [0.5, 1.2] }],
  ],
  ['creatinine 110 umol/L', [{ t: 'creatinine', id: 'creatinine', v: 110, u: 'umol/L' }]],
  ['creatinine 98 µmol/L', [{ t: 'creatinine', id: 'creatinine', v: 98, u: 'umol/L' }]],
  ['Glu 118', [{ t: 'Glu', id: 'glucose', v: 118 }]],
  ['glucose 312 mg/dL', [{ t: 'glucose', id: 'glucose', v: 312, u: 'mg/dL' }]],
  ['fasting glucose 6.9 mmol/L', [{ t: 'fasting glucose', id: 'glucose', v: 6.9, u: 'mmol/L' }]],
  ['FSBG 245', [{ t: 'FSBG', id: 'glucose', v: 245 }]],
  ['Ca 8.1 L', [{ t: 'Ca', id: 'calcium', v: 8.1, f: 'L' }]],
  ['Mg 1.5 mg/dL', [{ t: 'Mg', id: 'magnesium', v: 1.5, u: 'mg/dL' }]],
  ['Phos 2.1', [{ t: 'Phos', id: 'phosphorus', v: 2.1 }]],
  ['anion gap 18', [{ t: 'anion gap', id: 'anion-gap', v: 18 }]],
  ['eGFR 48 mL/min/1.73m2', [{ t: 'eGFR', id: 'egfr', v: 48, u: 'mL/min/{1.73_m2}' }]],
  ['eGFR >60', [{ t: 'eGFR', id: 'egfr', v: 60, c: '>' }]],
  ['GFR < 15 mL/min/1.73 m2', [{ t: 'GFR', id: 'egfr', v: 15, c: '<', u: 'mL/min/{1.73_m2}' }]],
  // ------------------------------------------------------------------ liver, cardiac, other chemistry
  [
    'AST 64 (H), ALT 88 (H)',
    [
      { t: 'AST', id: 'ast', v: 64, f: 'H' },
      { t: 'ALT', id: 'alt', v: 88, f: 'H' },
    ],
  ],
  ['Alk phos 148 U/L', [{ t: 'Alk phos', id: 'alkaline-phosphatase', v: 148, u: 'U/L' }]],
  ['ALP 212 IU/L', [{ t: 'ALP', id: 'alkaline-phosphatase', v: 212, u: '[IU]/L' }]],
  ['T bili 1.6 (H)', [{ t: 'T bili', id: 'total-bilirubin', v: 1.6, f: 'H' }]],
  ['total bilirubin 3.2 mg/dL', [{ t: 'total bilirubin', id: 'total-bilirubin', v: 3.2, u: 'mg/dL' }]],
  ['D bili 0.6', [{ t: 'D bili', id: 'direct-bilirubin', v: 0.6 }]],
  ['albumin 2.8 g/dL', [{ t: 'albumin', id: 'albumin', v: 2.8, u: 'g/dL' }]],
  ['lipase 1,240 U/L', [{ t: 'lipase', id: 'lipase', v: 1240, u: 'U/L' }]],
  ['GGT 310', [{ t: 'GGT', id: 'ggt', v: 310 }]],
  ['LDH 480 U/L', [{ t: 'LDH', id: 'ldh', v: 480, u: 'U/L' }]],
  ['CK 12,400', [{ t: 'CK', id: 'ck', v: 12400 }]],
  ['Trop <0.01', [{ t: 'Trop', id: 'troponin-i', v: 0.01, c: '<' }]],
  [
    'troponin I 0.45 ng/mL *critical*',
    [{ t: 'troponin I', id: 'troponin-i', v: 0.45, u: 'ng/mL', f: 'critical' }],
  ],
  [
    'Troponin 0.04 -> 0.09 ng/mL',
    [
      { t: 'Troponin', id: 'troponin-i', v: 0.04, u: 'ng/mL' },
      { t: 'Troponin', id: 'troponin-i', v: 0.09, u: 'ng/mL' },
    ],
  ],
  ['hs-troponin T 9 ng/L', [{ t: 'hs-troponin T', id: 'troponin-t', v: 9, u: 'ng/L' }]],
  ['BNP 2,340 pg/mL', [{ t: 'BNP', id: 'bnp', v: 2340, u: 'pg/mL' }]],
  ['NT-proBNP 5400 pg/mL', [{ t: 'NT-proBNP', id: 'nt-probnp', v: 5400, u: 'pg/mL' }]],
  ['lactate 4.2 mmol/L', [{ t: 'lactate', id: 'lactate', v: 4.2, u: 'mmol/L' }]],
  ['lactic acid 2.1', [{ t: 'lactic acid', id: 'lactate', v: 2.1 }]],
  ['CRP 128 mg/L', [{ t: 'CRP', id: 'crp', v: 128, u: 'mg/L' }]],
  ['ESR 85 mm/hr', [{ t: 'ESR', id: 'esr', v: 85, u: 'mm/h' }]],
  ['procalcitonin 1.4 ng/mL', [{ t: 'procalcitonin', id: 'procalcitonin', v: 1.4, u: 'ng/mL' }]],
  ['ferritin 12 ng/mL', [{ t: 'ferritin', id: 'ferritin', v: 12, u: 'ng/mL' }]],
  ['D-dimer 1.2 ug/mL', [{ t: 'D-dimer', id: 'd-dimer', v: 1.2, u: 'ug/mL' }]],
  ['ammonia 88 umol/L', [{ t: 'ammonia', id: 'ammonia', v: 88, u: 'umol/L' }]],
  ['uric acid 9.1 mg/dL', [{ t: 'uric acid', id: 'uric-acid', v: 9.1, u: 'mg/dL' }]],
  ['PSA 4.6 ng/mL', [{ t: 'PSA', id: 'psa', v: 4.6, u: 'ng/mL' }]],
  ['vitamin D 14 ng/mL', [{ t: 'vitamin D', id: 'vitamin-d', v: 14, u: 'ng/mL' }]],
  ['B12 180 pg/mL', [{ t: 'B12', id: 'vitamin-b12', v: 180, u: 'pg/mL' }]],
  ['PTH 95 pg/mL', [{ t: 'PTH', id: 'pth', v: 95, u: 'pg/mL' }]],
  // ------------------------------------------------------------------ lipids, diabetes, thyroid
  ['LDL 162 mg/dL', [{ t: 'LDL', id: 'ldl', v: 162, u: 'mg/dL' }]],
  [
    'HDL 34, TG 230',
    [
      { t: 'HDL', id: 'hdl', v: 34 },
      { t: 'TG', id: 'triglycerides', v: 230 },
    ],
  ],
  ['total cholesterol 245 mg/dL', [{ t: 'total cholesterol', id: 'total-cholesterol', v: 245, u: 'mg/dL' }]],
  ['A1c 8.4%', [{ t: 'A1c', id: 'hba1c', v: 8.4, u: '%' }]],
  ['HbA1c 7.2 %', [{ t: 'HbA1c', id: 'hba1c', v: 7.2, u: '%' }]],
  ['Hemoglobin A1c 9.1% (H)', [{ t: 'Hemoglobin A1c', id: 'hba1c', v: 9.1, u: '%', f: 'H' }]],
  ['A1c pending', [{ t: 'A1c', id: 'hba1c', v: 'pending' }]],
  ['TSH 0.02 mIU/L', [{ t: 'TSH', id: 'tsh', v: 0.02, u: 'm[IU]/L' }]],
  ['TSH 5.6 uIU/mL', [{ t: 'TSH', id: 'tsh', v: 5.6, u: 'u[IU]/mL' }]],
  ['free T4 0.6 ng/dL', [{ t: 'free T4', id: 'free-t4', v: 0.6, u: 'ng/dL' }]],
  ['TSH normal', [{ t: 'TSH', id: 'tsh', v: 'normal' }]],
  ['TSH was within normal limits', [{ t: 'TSH', id: 'tsh', v: 'normal' }]],
  // ------------------------------------------------------------------ hematology, coagulation
  [
    'WBC 13.4 (H), Hgb 13.2, Plt 281',
    [
      { t: 'WBC', id: 'wbc', v: 13.4, f: 'H' },
      { t: 'Hgb', id: 'hemoglobin', v: 13.2 },
      { t: 'Plt', id: 'platelets', v: 281 },
    ],
  ],
  ['WBC 7.8 K/uL', [{ t: 'WBC', id: 'wbc', v: 7.8, u: '10*3/uL' }]],
  ['WBC 11.2 x10^3/µL', [{ t: 'WBC', id: 'wbc', v: 11.2, u: '10*3/uL' }]],
  ['WBC 4.5 thou/mcL', [{ t: 'WBC', id: 'wbc', v: 4.5, u: '10*3/uL' }]],
  ['WBC 16.4 x 10^9/L', [{ t: 'WBC', id: 'wbc', v: 16.4, u: '10*9/L' }]],
  ['white blood cell count of 16,400/mm3', [{ t: 'white blood cell count', id: 'wbc', v: 16400, u: '/mm3' }]],
  ['platelets 42 K/uL (L)', [{ t: 'platelets', id: 'platelets', v: 42, u: '10*3/uL', f: 'L' }]],
  ['platelet count 98,000/uL', [{ t: 'platelet count', id: 'platelets', v: 98000, u: '/uL' }]],
  ['Hgb 7.1 g/dL', [{ t: 'Hgb', id: 'hemoglobin', v: 7.1, u: 'g/dL' }]],
  ['Hb 9.8 g/dL (13.5-17.5)', [{ t: 'Hb', id: 'hemoglobin', v: 9.8, u: 'g/dL', r: [13.5, 17.5] }]],
  [
    'hemoglobin of 6.9 g/dL *critical*',
    [{ t: 'hemoglobin', id: 'hemoglobin', v: 6.9, u: 'g/dL', f: 'critical' }],
  ],
  ['Hct 29.5%', [{ t: 'Hct', id: 'hematocrit', v: 29.5, u: '%' }]],
  [
    'H/H 9.8/29',
    [
      { t: 'H/H', id: 'hemoglobin', v: 9.8 },
      { t: 'H/H', id: 'hematocrit', v: 29 },
    ],
  ],
  ['MCV 72 fL', [{ t: 'MCV', id: 'mcv', v: 72, u: 'fL' }]],
  ['ANC 450', [{ t: 'ANC', id: 'anc', v: 450 }]],
  ['INR 2.6', [{ t: 'INR', id: 'inr', v: 2.6 }]],
  ['PT 14.2 sec', [{ t: 'PT', id: 'pt', v: 14.2, u: 's' }]],
  ['PTT 38 s', [{ t: 'PTT', id: 'ptt', v: 38, u: 's' }]],
  ['aPTT 92 seconds (H)', [{ t: 'aPTT', id: 'ptt', v: 92, u: 's', f: 'H' }]],
  [
    'INR 1.1, PTT 31',
    [
      { t: 'INR', id: 'inr', v: 1.1 },
      { t: 'PTT', id: 'ptt', v: 31 },
    ],
  ],
  ['fibrinogen 95 mg/dL (LL)', [{ t: 'fibrinogen', id: 'fibrinogen', v: 95, u: 'mg/dL', f: 'LL' }]],
  ['K 6.9 (HH)', [{ ...K, v: 6.9, f: 'HH' }]],
  // ------------------------------------------------------------------ blood gas
  ['pH 7.22', [{ t: 'pH', id: 'arterial-ph', v: 7.22 }]],
  ['PaCO2 58 mmHg', [{ t: 'PaCO2', id: 'pco2', v: 58, u: 'mm[Hg]' }]],
  ['PaO2 62 mm Hg', [{ t: 'PaO2', id: 'po2', v: 62, u: 'mm[Hg]' }]],
  [
    'base excess -6',
    [{ t: 'base excess', v: -6 }],
    [{ text: 'base excess', type: 'lab', codes: [{ system: 'loinc', code: '1925-7' }] }],
  ],
  // ------------------------------------------------------------------ qualitative and urine
  ['Urine hCG: negative', [{ t: 'Urine hCG', id: 'urine-hcg', v: 'negative' }]],
  [
    'UA: negative for nitrite and leukocyte esterase',
    [
      { t: 'nitrite', id: 'urine-nitrite', v: 'negative' },
      { t: 'leukocyte esterase', id: 'urine-leukocyte-esterase', v: 'negative' },
    ],
  ],
  ['nitrite positive', [{ t: 'nitrite', id: 'urine-nitrite', v: 'positive' }]],
  ['urine protein 2+', [{ t: 'urine protein', id: 'urine-protein', v: '2+' }]],
  ['ketones trace', [{ t: 'ketones', id: 'urine-ketones', v: 'trace' }]],
  ['urine glucose 1+', [{ t: 'urine glucose', id: 'urine-glucose', v: '1+' }]],
  ['specific gravity 1.025', [{ t: 'specific gravity', id: 'urine-specific-gravity', v: 1.025 }]],
  ['troponin negative x2', [{ t: 'troponin', id: 'troponin-i', v: 'negative' }]],
  ['troponin was elevated', [{ t: 'troponin', id: 'troponin-i', v: 'elevated' }]],
  ['elevated troponin', [{ t: 'troponin', id: 'troponin-i', v: 'elevated' }]],
  ['normal lipase', [{ t: 'lipase', id: 'lipase', v: 'normal' }]],
  [
    'HCV antibody not detected',
    [{ t: 'HCV antibody', v: 'not detected' }],
    [{ text: 'HCV antibody', type: 'lab', codes: [{ system: 'loinc', code: '16128-1' }] }],
  ],
  [
    'RPR non-reactive',
    [{ t: 'RPR', v: 'nonreactive' }],
    [{ text: 'RPR', type: 'lab', codes: [{ system: 'loinc', code: '20507-0' }] }],
  ],
  ['ANA positive at 1:160', [{ t: 'ANA', v: 'positive' }], [{ text: 'ANA', type: 'lab' }]],
  ['ANA 1:320', [{ t: 'ANA', v: '1/320' }], [{ text: 'ANA', type: 'lab' }]],
  ['TSH elevated at 12.4', [{ t: 'TSH', id: 'tsh', v: 12.4, f: 'H' }]],
  ['potassium low at 2.9', [{ t: 'potassium', id: 'potassium', v: 2.9, f: 'L' }]],
  // ------------------------------------------------------------------ concepts give the test
  [
    'serum ferritin 1,850 ng/mL',
    [{ t: 'serum ferritin', id: 'ferritin', v: 1850, u: 'ng/mL' }],
    [{ text: 'serum ferritin', type: 'lab', codes: [{ system: 'loinc', code: '2276-4' }] }],
  ],
  [
    'haptoglobin <10 mg/dL',
    [{ t: 'haptoglobin', v: 10, c: '<', u: 'mg/dL' }],
    [{ text: 'haptoglobin', type: 'lab' }],
  ],
  // ------------------------------------------------------------------ unknown test, lab-only unit
  ['CA 19-9 level of 2207 U/mL', [{ t: 'CA 19-9', id: 'ca-19-9', v: 2207, u: 'U/mL' }]],
  ['Kappa free light chains 112 mg/L', [{ t: 'Kappa free light chains', v: 112, u: 'mg/L' }]],
  ['serum IgG4 concentration was 258 mg/dL', [{ t: 'serum IgG4', v: 258, u: 'mg/dL' }]],
  // ------------------------------------------------------------------ tables (one row per line)
  ['Sodium   138   135-145   mmol/L', [{ t: 'Sodium', id: 'sodium', v: 138, u: 'mmol/L', r: [135, 145] }]],
  [
    'Sodium (mmol/L)        134 L        136          137          135-145',
    [
      { t: 'Sodium', id: 'sodium', v: 134, u: 'mmol/L', f: 'L', r: [135, 145] },
      { t: 'Sodium', id: 'sodium', v: 136, u: 'mmol/L', r: [135, 145] },
      { t: 'Sodium', id: 'sodium', v: 137, u: 'mmol/L', r: [135, 145] },
    ],
  ],
  [
    'BNP (pg/mL)            2,340 H      --           980 H        <100',
    [
      { t: 'BNP', id: 'bnp', v: 2340, u: 'pg/mL', f: 'H', r: '<100' },
      { t: 'BNP', id: 'bnp', v: 980, u: 'pg/mL', f: 'H', r: '<100' },
    ],
  ],
  [
    'eGFR (mL/min/1.73m2)   36 L         41 L         >60',
    [
      { t: 'eGFR', id: 'egfr', v: 36, u: 'mL/min/{1.73_m2}', f: 'L', r: '>60' },
      { t: 'eGFR', id: 'egfr', v: 41, u: 'mL/min/{1.73_m2}', f: 'L', r: '>60' },
    ],
  ],
  [
    'Potassium\t5.9\tH\t3.5-5.1\tmmol/L',
    [{ t: 'Potassium', id: 'potassium', v: 5.9, u: 'mmol/L', f: 'H', r: [3.5, 5.1] }],
  ],
  [
    'Glucose:        212 mg/dL    (70-99)   H',
    [{ t: 'Glucose', id: 'glucose', v: 212, u: 'mg/dL', f: 'H', r: [70, 99] }],
  ],
  ['WBC      7.8     4.0-11.0   K/uL', [{ t: 'WBC', id: 'wbc', v: 7.8, u: '10*3/uL', r: [4, 11] }]],
  [
    'Hemoglobin   12.1 L   13.5-17.5 g/dL',
    [{ t: 'Hemoglobin', id: 'hemoglobin', v: 12.1, u: 'g/dL', f: 'L', r: [13.5, 17.5] }],
  ],
  [
    'Time  Temp  HR  SpO2\n08:00  37.2  88  97% RA\n12:00  38.4  104  93% 2L NC',
    [
      { t: 'Temp', id: 'temp', v: 37.2, du: 'Cel', cv: [99, '[degF]'] },
      { t: 'HR', id: 'hr', v: 88, du: '/min' },
      { t: 'SpO2', id: 'spo2', v: 97, u: '%', o2: { d: 'room-air' } },
      { t: 'Temp', id: 'temp', v: 38.4, du: 'Cel', cv: [101.1, '[degF]'] },
      { t: 'HR', id: 'hr', v: 104, du: '/min' },
      { t: 'SpO2', id: 'spo2', v: 93, u: '%', o2: { d: 'nasal-cannula', fl: 2 } },
    ],
  ],
  // ------------------------------------------------------------------ panels
  [
    'BMP: 138/4.1/101/24/18/1.1/142',
    [
      { t: 'BMP', id: 'sodium', v: 138 },
      { t: 'BMP', id: 'potassium', v: 4.1 },
      { t: 'BMP', id: 'chloride', v: 101 },
      { t: 'BMP', id: 'bicarbonate', v: 24 },
      { t: 'BMP', id: 'bun', v: 18 },
      { t: 'BMP', id: 'creatinine', v: 1.1 },
      { t: 'BMP', id: 'glucose', v: 142 },
    ],
  ],
  [
    'Chem 7 135 / 3.9 / 100 / 25 / 12 / 0.8 / 96',
    [
      { t: 'Chem 7', id: 'sodium', v: 135 },
      { t: 'Chem 7', id: 'potassium', v: 3.9 },
      { t: 'Chem 7', id: 'chloride', v: 100 },
      { t: 'Chem 7', id: 'bicarbonate', v: 25 },
      { t: 'Chem 7', id: 'bun', v: 12 },
      { t: 'Chem 7', id: 'creatinine', v: 0.8 },
      { t: 'Chem 7', id: 'glucose', v: 96 },
    ],
  ],
  [
    'CBC 7.8 > 12.1/36 < 214',
    [
      { t: 'CBC', id: 'wbc', v: 7.8 },
      { t: 'CBC', id: 'hemoglobin', v: 12.1 },
      { t: 'CBC', id: 'hematocrit', v: 36 },
      { t: 'CBC', id: 'platelets', v: 214 },
    ],
  ],
  [
    'lytes 141/3.4/104/27',
    [
      { t: 'lytes', id: 'sodium', v: 141 },
      { t: 'lytes', id: 'potassium', v: 3.4 },
      { t: 'lytes', id: 'chloride', v: 104 },
      { t: 'lytes', id: 'bicarbonate', v: 27 },
    ],
  ],
  ['BMP in 1 week', []],
  ['BMP 138/4.1/101/24', []],
  // ------------------------------------------------------------------ blood pressure
  ['BP 142/88', [{ t: 'BP', id: 'bp', v: '142/88', du: 'mm[Hg]' }]],
  ['blood pressure 120 over 80', [{ t: 'blood pressure', id: 'bp', v: '120/80', du: 'mm[Hg]' }]],
  ['BP: 118/76 mmHg', [{ t: 'BP', id: 'bp', v: '118/76', u: 'mm[Hg]' }]],
  ['B/P 160/100', [{ t: 'B/P', id: 'bp', v: '160/100', du: 'mm[Hg]' }]],
  ['blood pressure was 90/60 mmHg', [{ t: 'blood pressure', id: 'bp', v: '90/60', u: 'mm[Hg]' }]],
  ['BP 210/130 *critical*', [{ t: 'BP', id: 'bp', v: '210/130', du: 'mm[Hg]', f: 'critical' }]],
  ['SBP 88', [{ t: 'SBP', id: 'sbp', v: 88, du: 'mm[Hg]' }]],
  ['BP 80/120', []],
  ['BP 03/14/2025', []],
  // ------------------------------------------------------------------ heart and respiratory rate
  ['HR 104', [{ t: 'HR', id: 'hr', v: 104, du: '/min' }]],
  ['HR 104 (AFib)', [{ t: 'HR', id: 'hr', v: 104, du: '/min' }]],
  ['pulse 58 bpm', [{ t: 'pulse', id: 'hr', v: 58, u: '/min' }]],
  ['heart rate of 76 beats per minute', [{ t: 'heart rate', id: 'hr', v: 76, u: '/min' }]],
  ['HR 84-102', [{ t: 'HR', id: 'hr', v: [84, 102], du: '/min' }]],
  ['HR 350', []],
  ['RR 24', [{ t: 'RR', id: 'rr', v: 24, du: '/min' }]],
  ['respiratory rate 22 breaths/min', [{ t: 'respiratory rate', id: 'rr', v: 22, u: '/min' }]],
  ['resp rate of 18', [{ t: 'resp rate', id: 'rr', v: 18, du: '/min' }]],
  [
    'T 98.6 P 72 R 16',
    [
      { t: 'T', id: 'temp', v: 98.6, du: '[degF]', cv: [37, 'Cel'] },
      { t: 'P', id: 'hr', v: 72, du: '/min' },
      { t: 'R', id: 'rr', v: 16, du: '/min' },
    ],
  ],
  ['P 72', []],
  // ------------------------------------------------------------------ temperature
  ['T 37.1 C', [{ t: 'T', id: 'temp', v: 37.1, u: 'Cel', cv: [98.8, '[degF]'] }]],
  ['Temp: 101.8 F', [{ t: 'Temp', id: 'temp', v: 101.8, u: '[degF]', cv: [38.8, 'Cel'] }]],
  ['T 38.2 C (100.8 F)', [{ t: 'T', id: 'temp', v: 38.2, u: 'Cel', cv: [100.8, '[degF]'] }]],
  ['T 36.8 °C', [{ t: 'T', id: 'temp', v: 36.8, u: 'Cel', cv: [98.2, '[degF]'] }]],
  ['temperature of 38.5°C', [{ t: 'temperature', id: 'temp', v: 38.5, u: 'Cel', cv: [101.3, '[degF]'] }]],
  ['Tmax 101.2', [{ t: 'Tmax', id: 'temp', v: 101.2, du: '[degF]', cv: [38.4, 'Cel'] }]],
  ['temp 98.6F', [{ t: 'temp', id: 'temp', v: 98.6, u: '[degF]', cv: [37, 'Cel'] }]],
  ['Temp 102.3 °F (39.1 °C)', [{ t: 'Temp', id: 'temp', v: 102.3, u: '[degF]', cv: [39.1, 'Cel'] }]],
  [
    'temperature 39 degrees Celsius',
    [{ t: 'temperature', id: 'temp', v: 39, u: 'Cel', cv: [102.2, '[degF]'] }],
  ],
  ['temp 55', []],
  // ------------------------------------------------------------------ oxygen saturation
  ['SpO2 94% on 2L NC', [{ t: 'SpO2', id: 'spo2', v: 94, u: '%', o2: { d: 'nasal-cannula', fl: 2 } }]],
  ['sat 88% RA', [{ t: 'sat', id: 'spo2', v: 88, u: '%', o2: { d: 'room-air' } }]],
  ['O2 sat 97% on room air', [{ t: 'O2 sat', id: 'spo2', v: 97, u: '%', o2: { d: 'room-air' } }]],
  [
    'SpO2 92% on 4 L nasal cannula',
    [{ t: 'SpO2', id: 'spo2', v: 92, u: '%', o2: { d: 'nasal-cannula', fl: 4 } }],
  ],
  ['SpO2 90% on BiPAP', [{ t: 'SpO2', id: 'spo2', v: 90, u: '%', o2: { d: 'bipap' } }]],
  ['sats 85% on 15L NRB', [{ t: 'sats', id: 'spo2', v: 85, u: '%', o2: { d: 'non-rebreather', fl: 15 } }]],
  [
    'SpO2 96% on 40% venturi mask',
    [{ t: 'SpO2', id: 'spo2', v: 96, u: '%', o2: { fi: 40, d: 'venturi-mask' } }],
  ],
  ['SpO2 93% on FiO2 60%', [{ t: 'SpO2', id: 'spo2', v: 93, u: '%', o2: { fi: 60 } }]],
  ['pulse ox 91% on 2 L/min', [{ t: 'pulse ox', id: 'spo2', v: 91, u: '%', o2: { fl: 2 } }]],
  ['SpO2 95% 2LNC', [{ t: 'SpO2', id: 'spo2', v: 95, u: '%', o2: { fl: 2, d: 'nasal-cannula' } }]],
  ['oxygen saturation of 89%', [{ t: 'oxygen saturation', id: 'spo2', v: 89, u: '%' }]],
  [
    'SpO2 89% on RA improving to 95% on 3L NC',
    [
      { t: 'SpO2', id: 'spo2', v: 89, u: '%', o2: { d: 'room-air' } },
      { t: 'SpO2', id: 'spo2', v: 95, u: '%', o2: { d: 'nasal-cannula', fl: 3 } },
    ],
  ],
  ['SpO2 96', [{ t: 'SpO2', id: 'spo2', v: 96, du: '%' }]],
  ['SpO2 188%', []],
  // ------------------------------------------------------------------ weight, height, BMI, pain
  ['Wt 96.4 kg', [{ t: 'Wt', id: 'weight', v: 96.4, u: 'kg', cv: [212.5, '[lb_av]'] }]],
  ['weight 180 lb', [{ t: 'weight', id: 'weight', v: 180, u: '[lb_av]', cv: [81.6, 'kg'] }]],
  ['Weight: 212 lbs', [{ t: 'Weight', id: 'weight', v: 212, u: '[lb_av]', cv: [96.2, 'kg'] }]],
  ['weighs 80 kg (176 lb)', [{ t: 'weighs', id: 'weight', v: 80, u: 'kg', cv: [176, '[lb_av]'] }]],
  [
    'Weight 96.4 kg on admission -> 91.1 kg at discharge',
    [
      { t: 'Weight', id: 'weight', v: 96.4, u: 'kg', cv: [212.5, '[lb_av]'] },
      { t: 'Weight', id: 'weight', v: 91.1, u: 'kg', cv: [200.8, '[lb_av]'] },
    ],
  ],
  ['weight gain of 4 kg', []],
  ['Ht 178 cm', [{ t: 'Ht', id: 'height', v: 178, u: 'cm', cv: [70.1, '[in_i]'] }]],
  ['height 5\'10"', [{ t: 'height', id: 'height', v: 70, u: '[in_i]', cv: [177.8, 'cm'] }]],
  ['Height: 5 ft 4 in', [{ t: 'Height', id: 'height', v: 64, u: '[in_i]', cv: [162.6, 'cm'] }]],
  ['height 1.65 m', [{ t: 'height', id: 'height', v: 1.65, u: 'm', cv: [65, '[in_i]'] }]],
  ['Ht 68 in', [{ t: 'Ht', id: 'height', v: 68, u: '[in_i]', cv: [172.7, 'cm'] }]],
  ['BMI 31.2', [{ t: 'BMI', id: 'bmi', v: 31.2, du: 'kg/m2' }]],
  ['BMI 41.5 kg/m2', [{ t: 'BMI', id: 'bmi', v: 41.5, u: 'kg/m2' }]],
  ['body mass index of 27', [{ t: 'body mass index', id: 'bmi', v: 27, du: 'kg/m2' }]],
  ['Pain 8/10', [{ t: 'Pain', id: 'pain', v: 8, du: '{score}' }]],
  ['pain score 5/10', [{ t: 'pain score', id: 'pain', v: 5, du: '{score}' }]],
  ['8/10 pain', [{ t: 'pain', id: 'pain', v: 8, du: '{score}' }]],
  ['pain 3 out of 10', [{ t: 'pain', id: 'pain', v: 3, du: '{score}' }]],
  ['pain for 3 days', []],
  // ------------------------------------------------------------------ vitals lines
  [
    'VS: T 37.1 C, BP 158/94, HR 104 irregular, RR 24, SpO2 95% on 3L NC, Wt 96.4 kg',
    [
      { t: 'T', id: 'temp', v: 37.1, u: 'Cel', cv: [98.8, '[degF]'] },
      { t: 'BP', id: 'bp', v: '158/94', du: 'mm[Hg]' },
      { t: 'HR', id: 'hr', v: 104, du: '/min' },
      { t: 'RR', id: 'rr', v: 24, du: '/min' },
      { t: 'SpO2', id: 'spo2', v: 95, u: '%', o2: { d: 'nasal-cannula', fl: 3 } },
      { t: 'Wt', id: 'weight', v: 96.4, u: 'kg', cv: [212.5, '[lb_av]'] },
    ],
  ],
  [
    'Vitals: BP 128/82, HR 72, Temp 98.1 F, SpO2 99% RA, BMI 27.4',
    [
      { t: 'BP', id: 'bp', v: '128/82', du: 'mm[Hg]' },
      { t: 'HR', id: 'hr', v: 72, du: '/min' },
      { t: 'Temp', id: 'temp', v: 98.1, u: '[degF]', cv: [36.7, 'Cel'] },
      { t: 'SpO2', id: 'spo2', v: 99, u: '%', o2: { d: 'room-air' } },
      { t: 'BMI', id: 'bmi', v: 27.4, du: 'kg/m2' },
    ],
  ],
  // ------------------------------------------------------------------ ejection fraction
  ['LVEF 25-30%', [{ t: 'LVEF', id: 'ejection-fraction', v: [25, 30], u: '%' }]],
  ['ejection fraction of 55%', [{ t: 'ejection fraction', id: 'ejection-fraction', v: 55, u: '%' }]],
  // ------------------------------------------------------------------ not results
  ['Heparin gtt if troponin rises', []],
  ['Serial hs-troponin at 3 h', []],
  ['If your blood sugar is below 70, call the clinic.', []],
  ['hold for SBP < 100', []],
  ['Na restriction 2 g daily', []],
  ['K supplements given', []],
  ['check BMP, Mg and Phos tomorrow', []],
  ['CKD stage 3a', []],
  ['Negative for palpitations, orthopnea, PND, LE edema.', []],
  ['nicotine patch 21 mg/24 h daily', []],
  ['PT 2x/week for 6 weeks', []],
  ['Tylenol 650 mg q6h prn', []],
  ['sat up in bed', []],
  ['weight loss of 10 lb over 3 months', []],
  ['temp 2 days ago', []],
];

describe('measurements: lab and vital table', () => {
  it('has at least 150 rows', () => {
    expect(ROWS.length).toBeGreaterThanOrEqual(150);
  });

  it.each(ROWS.map((r, i) => [i, r[0], r[1], r[2] ?? []] as const))(
    'row %i: %s',
    (_i, text, expected, concepts) => {
      const got = run(text, concepts).map(compact);
      expect(got).toEqual(expected);
    },
  );
});

describe('measurements: spans', () => {
  it('every span of every row reproduces its text, and the measurement covers its test and value', () => {
    for (const [text, , concepts] of ROWS) {
      const doc = segmentedDoc(text, concepts ?? []);
      for (const m of measurementsOf(doc, extractor)) {
        const spans = [
          m.test,
          m.value,
          m.unit,
          m.flag,
          m.referenceRange,
          m.o2?.device,
          m.o2?.flow,
          m.o2?.fio2,
        ];
        for (const s of spans) {
          if (!s) continue;
          expect(doc.text.slice(s.start, s.end)).toBe(s.text);
          expect(s.text).toBe(s.text.trim());
        }
        // a column-table result spans its cell (the header names the test); others start at the test
        if (m.evidence.rule === 'meas.column-table') expect(m.start).toBe(m.value!.start);
        else expect(m.start).toBeLessThanOrEqual(Math.min(m.test.start, m.value!.start));
        expect(m.end).toBeGreaterThanOrEqual(m.value!.end);
        expect(m.evidence.component).toBe('measurements');
        expect(m.evidence.rule).toMatch(/^meas\./);
      }
    }
  });

  it('gives blood pressure components with their own spans', () => {
    const [m] = run('BP: 118/76 mmHg');
    expect(m?.components?.systolic).toEqual({ start: 4, end: 7, text: '118', value: 118 });
    expect(m?.components?.diastolic).toEqual({ start: 8, end: 10, text: '76', value: 76 });
    expect(m?.unit).toEqual({ start: 11, end: 15, text: 'mmHg', ucum: 'mm[Hg]' });
  });

  it('keeps the converted value as written when the note writes it', () => {
    const [m] = run('T 38.2 C (100.8 F)');
    expect(m?.converted).toEqual({ value: 100.8, ucum: '[degF]', start: 10, end: 17, text: '100.8 F' });
  });

  it('takes the LOINC code of a lab concept, and keeps the vital-signs code for a vital sign', () => {
    const [lab] = run('Na 131', [
      { text: 'Na', type: 'lab', codes: [{ system: 'loinc', code: '2947-0', display: 'Sodium blood' }] },
    ]);
    expect(lab?.test).toMatchObject({ loinc: '2947-0', concept: 0, id: 'sodium' });
    const [sat] = run('O2 sat 93%', [
      { text: 'O2 sat', type: 'lab', codes: [{ system: 'loinc', code: '2708-6' }] },
    ]);
    expect(sat?.test).toMatchObject({ loinc: '59408-5', concept: 0, id: 'spo2' });
  });

  it('maps offsets back to the original text when normalization changes lengths', () => {
    const text = 'Labs:\r\nNa\u00a0138 mmol/L\r\nK 4.1\r\n';
    const doc = segmentedDoc(text);
    const ms = measurementsOf(doc, extractor);
    expect(ms.map((m) => [m.test.text, m.value?.text, m.unit?.text])).toEqual([
      ['Na', '138', 'mmol/L'],
      ['K', '4.1', undefined],
    ]);
    for (const m of ms) expect(text.slice(m.value!.start, m.value!.end)).toBe(m.value!.text);
  });
});
