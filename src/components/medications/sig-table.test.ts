/**
 * The sig table: sig strings written for Clinote (none taken from any corpus), each with the exact
 * normalized structure expected. Every row is asserted; the summary test prints the share of rows
 * exactly right. A row is exactly right when every medication found equals the expectation: drug
 * text, strength, dose, form code, route code, FHIR timing, as-needed (and its reason), duration,
 * status and indication, with no attribute missing and none extra.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Doc } from '../../doc/doc.js';
import { createPipelineSync } from '../../pipeline/pipeline.js';
import { fileResourceContext } from '../../resources.js';
import { standInRegistry } from './testing.js';
import type { Medication, TimingRepeat } from './types.js';

/** Drug names the stand-in concepts component knows (the real one uses a terminology pack). */
const DRUGS = [
  'metformin',
  'lisinopril',
  'atorvastatin',
  'aspirin',
  'insulin glargine',
  'insulin lispro',
  'insulin',
  'albuterol',
  'amoxicillin',
  'prednisone',
  'metoprolol',
  'metoprolol succinate',
  'furosemide',
  'levothyroxine',
  'omeprazole',
  'pantoprazole',
  'gabapentin',
  'sertraline',
  'amlodipine',
  'losartan',
  'hydrochlorothiazide',
  'warfarin',
  'apixaban',
  'clopidogrel',
  'simvastatin',
  'acetaminophen',
  'ibuprofen',
  'oxycodone',
  'morphine',
  'hydromorphone',
  'ondansetron',
  'cephalexin',
  'azithromycin',
  'ceftriaxone',
  'vancomycin',
  'heparin',
  'enoxaparin',
  'potassium chloride',
  'magnesium oxide',
  'fluticasone',
  'tiotropium',
  'budesonide',
  'timolol',
  'latanoprost',
  'ciprofloxacin',
  'ofloxacin',
  'nitroglycerin',
  'fentanyl',
  'estradiol',
  'miconazole',
  'hydrocortisone',
  'triamcinolone',
  'mupirocin',
  'lidocaine',
  'bisacodyl',
  'acetaminophen suppository',
  'promethazine',
  'methotrexate',
  'folic acid',
  'vitamin d',
  'cholecalciferol',
  'cyanocobalamin',
  'ferrous sulfate',
  'docusate',
  'senna',
  'polyethylene glycol',
  'tamsulosin',
  'finasteride',
  'donepezil',
  'quetiapine',
  'trazodone',
  'zolpidem',
  'lorazepam',
  'alprazolam',
  'clonazepam',
  'escitalopram',
  'fluoxetine',
  'bupropion',
  'duloxetine',
  'venlafaxine',
  'tramadol',
  'cyclobenzaprine',
  'meloxicam',
  'naproxen',
  'diclofenac',
  'colchicine',
  'allopurinol',
  'spironolactone',
  'carvedilol',
  'digoxin',
  'diltiazem',
  'amiodarone',
  'rivaroxaban',
  'dexamethasone',
  'methylprednisolone',
  'doxycycline',
  'nitrofurantoin',
  'sulfamethoxazole',
  'trimethoprim',
  'clindamycin',
  'metronidazole',
  'fluconazole',
  'valacyclovir',
  'oseltamivir',
  'montelukast',
  'cetirizine',
  'loratadine',
  'diphenhydramine',
  'sumatriptan',
  'topiramate',
  'levetiracetam',
  'phenytoin',
  'lithium',
  'haloperidol',
  'olanzapine',
  'risperidone',
  'glipizide',
  'sitagliptin',
  'empagliflozin',
  'semaglutide',
  'liraglutide',
  'dulaglutide',
  'pioglitazone',
  'famotidine',
  'sucralfate',
  'loperamide',
  'naloxone',
  'epinephrine',
  'testosterone',
  'medroxyprogesterone',
  'ketorolac',
  'ceftazidime',
  'piperacillin',
  'tazobactam',
  'cefazolin',
  'nystatin',
  'artificial tears',
  'epoetin',
  'amiodarone',
  'amphotericin B',
  'saline',
  'salmeterol',
  'erythromycin',
  'ipratropium',
  'sodium chloride',
  'calcium carbonate',
].map((name) => ({ name }));

interface Qty {
  value: number;
  valueHigh?: number;
  unit: string;
  per?: { value: number; unit: string };
}

/** What a row expects of one medication. Attributes not named must be absent. */
interface Expect {
  drug: string;
  strength?: Qty;
  dose?: Qty;
  form?: string;
  route?: string;
  timing?: TimingRepeat;
  /** true: as needed without a reason; a string: the reason text. */
  prn?: true | string;
  duration?: { value: number; valueHigh?: number; unit: string };
  status?: string;
  indication?: string;
  /** Dose intensity written without an amount (`high-dose`). */
  intensity?: string;
}

interface Row {
  readonly text: string;
  readonly expect: Expect | Expect[];
}

// FHIR Timing.repeat shorthands
const T = (
  frequency: number,
  period: number,
  periodUnit: NonNullable<TimingRepeat['periodUnit']>,
): TimingRepeat => ({
  frequency,
  period,
  periodUnit,
});
const D1 = T(1, 1, 'd');
const D2 = T(2, 1, 'd');
const D3 = T(3, 1, 'd');
const D4 = T(4, 1, 'd');
const W1 = T(1, 1, 'wk');
const H = (hours: number, max?: number): TimingRepeat => ({
  frequency: 1,
  period: hours,
  ...(max !== undefined ? { periodMax: max } : {}),
  periodUnit: 'h',
});
const WHEN = (...when: string[]): TimingRepeat => ({ when });
const DAILY_AT = (...when: string[]): TimingRepeat => ({ ...D1, when });
const mg = (value: number, valueHigh?: number): Qty => ({
  value,
  ...(valueHigh ? { valueHigh } : {}),
  unit: 'mg',
});
const q = (value: number, unit: string, valueHigh?: number): Qty => ({
  value,
  ...(valueHigh ? { valueHigh } : {}),
  unit,
});
const tab = (value: number, valueHigh?: number): Qty => q(value, '{tablet}', valueHigh);
const cap = (value: number, valueHigh?: number): Qty => q(value, '{capsule}', valueHigh);
const puff = (value: number, valueHigh?: number): Qty => q(value, '{puff}', valueHigh);
const days = (value: number) => ({ value, unit: 'd' });
const weeks = (value: number) => ({ value, unit: 'wk' });

const ROWS: Row[] = [
  // ---------------------------------------------------------------- strength
  {
    text: 'metformin 500 mg po bid',
    expect: { drug: 'metformin', strength: mg(500), route: 'PO', timing: D2 },
  },
  {
    text: 'Metformin 1000mg PO BID',
    expect: { drug: 'Metformin', strength: mg(1000), route: 'PO', timing: D2 },
  },
  { text: 'lisinopril 5mg daily', expect: { drug: 'lisinopril', strength: mg(5), timing: D1 } },
  { text: 'lisinopril 2.5 mg daily', expect: { drug: 'lisinopril', strength: mg(2.5), timing: D1 } },
  { text: 'aspirin 81 mg', expect: { drug: 'aspirin', strength: mg(81) } },
  { text: 'aspirin 0.5 g', expect: { drug: 'aspirin', strength: q(0.5, 'g') } },
  {
    text: 'cefazolin 1 g IV q8h',
    expect: { drug: 'cefazolin', strength: q(1, 'g'), route: 'IV', timing: H(8) },
  },
  { text: 'cefazolin 2 gm IV', expect: { drug: 'cefazolin', strength: q(2, 'g'), route: 'IV' } },
  {
    text: 'ceftriaxone 1 gram IV daily',
    expect: { drug: 'ceftriaxone', strength: q(1, 'g'), route: 'IV', timing: D1 },
  },
  {
    text: 'levothyroxine 50 mcg daily',
    expect: { drug: 'levothyroxine', strength: q(50, 'ug'), timing: D1 },
  },
  {
    text: 'levothyroxine 88 micrograms daily',
    expect: { drug: 'levothyroxine', strength: q(88, 'ug'), timing: D1 },
  },
  {
    text: 'levothyroxine 125 µg po qam',
    expect: { drug: 'levothyroxine', strength: q(125, 'ug'), route: 'PO', timing: DAILY_AT('MORN') },
  },
  {
    text: 'potassium chloride 40 mEq PO once',
    expect: { drug: 'potassium chloride', strength: q(40, 'meq'), route: 'PO', timing: { count: 1 } },
  },
  {
    text: 'potassium chloride 20 meq po bid',
    expect: { drug: 'potassium chloride', strength: q(20, 'meq'), route: 'PO', timing: D2 },
  },
  {
    text: 'sodium chloride 3 mmol IV',
    expect: { drug: 'sodium chloride', strength: q(3, 'mmol'), route: 'IV' },
  },
  {
    text: 'insulin glargine 100 units/mL, 20 units SC qhs',
    expect: {
      drug: 'insulin glargine',
      strength: { value: 100, unit: 'U', per: { value: 1, unit: 'mL' } },
      dose: q(20, 'U'),
      route: 'SC',
      timing: DAILY_AT('HS'),
    },
  },
  {
    text: 'amoxicillin 250 mg/5 mL suspension 5 mL po tid',
    expect: {
      drug: 'amoxicillin',
      strength: { value: 250, unit: 'mg', per: { value: 5, unit: 'mL' } },
      form: 'SUSP',
      dose: q(5, 'mL'),
      route: 'PO',
      timing: D3,
    },
  },
  {
    text: 'morphine 0.5 mg/mL solution',
    expect: {
      drug: 'morphine',
      strength: { value: 0.5, unit: 'mg', per: { value: 1, unit: 'mL' } },
      form: 'SOL',
    },
  },
  {
    text: 'heparin 5,000 units SC q8h',
    expect: { drug: 'heparin', dose: q(5000, 'U'), route: 'SC', timing: H(8) },
  },
  {
    text: 'heparin 18 units/kg/hr IV',
    expect: {
      drug: 'heparin',
      strength: { value: 18, unit: 'U', per: { value: 1, unit: 'kg/h' } },
      route: 'IV',
    },
  },
  {
    text: 'methotrexate 15 mg/m2 weekly',
    expect: {
      drug: 'methotrexate',
      strength: { value: 15, unit: 'mg', per: { value: 1, unit: 'm2' } },
      timing: W1,
    },
  },
  {
    text: 'vancomycin 15 mg/kg IV q12h',
    expect: {
      drug: 'vancomycin',
      strength: { value: 15, unit: 'mg', per: { value: 1, unit: 'kg' } },
      route: 'IV',
      timing: H(12),
    },
  },
  { text: 'prednisone 2.5-5 mg daily', expect: { drug: 'prednisone', strength: mg(2.5, 5), timing: D1 } },
  { text: 'prednisone 5 to 10 mg daily', expect: { drug: 'prednisone', strength: mg(5, 10), timing: D1 } },
  {
    text: 'prednisone 40 mg/day',
    expect: { drug: 'prednisone', strength: { value: 40, unit: 'mg', per: { value: 1, unit: 'd' } } },
  },
  {
    text: 'fentanyl 25 mcg/hr patch',
    expect: {
      drug: 'fentanyl',
      strength: { value: 25, unit: 'ug', per: { value: 1, unit: 'h' } },
      form: 'PATCH',
    },
  },
  {
    text: 'hydrocortisone 1% cream topically bid',
    expect: { drug: 'hydrocortisone', strength: q(1, '%'), form: 'CRM', route: 'TOP', timing: D2 },
  },
  {
    text: 'triamcinolone 0.1% ointment',
    expect: { drug: 'triamcinolone', strength: q(0.1, '%'), form: 'OINT' },
  },
  {
    text: 'cholecalciferol 2,000 IU daily',
    expect: { drug: 'cholecalciferol', dose: q(2000, '[iU]'), timing: D1 },
  },
  {
    text: 'vitamin D 50,000 international units weekly',
    expect: { drug: 'vitamin D', dose: q(50000, '[iU]'), timing: W1 },
  },
  {
    text: 'ferrous sulfate 325 mg po daily',
    expect: { drug: 'ferrous sulfate', strength: mg(325), route: 'PO', timing: D1 },
  },
  {
    text: 'magnesium oxide 400 mg PO BID',
    expect: { drug: 'magnesium oxide', strength: mg(400), route: 'PO', timing: D2 },
  },
  {
    text: 'metoprolol 12.5 mg po bid',
    expect: { drug: 'metoprolol', strength: mg(12.5), route: 'PO', timing: D2 },
  },
  {
    text: 'atorvastatin 40 milligrams at bedtime',
    expect: { drug: 'atorvastatin', strength: mg(40), timing: DAILY_AT('HS') },
  },
  {
    text: 'furosemide 40-mg tablet daily',
    expect: { drug: 'furosemide', strength: mg(40), form: 'TAB', timing: D1 },
  },
  {
    text: 'ibuprofen 600mg PO q6h',
    expect: { drug: 'ibuprofen', strength: mg(600), route: 'PO', timing: H(6) },
  },
  { text: 'acetaminophen .5 g PO', expect: { drug: 'acetaminophen', strength: q(0.5, 'g'), route: 'PO' } },
  {
    text: 'enoxaparin 1 mg/kg SC q12h',
    expect: {
      drug: 'enoxaparin',
      strength: { value: 1, unit: 'mg', per: { value: 1, unit: 'kg' } },
      route: 'SC',
      timing: H(12),
    },
  },
  {
    text: 'albuterol 90 mcg/actuation inhaler 2 puffs q4h prn',
    expect: {
      drug: 'albuterol',
      strength: { value: 90, unit: 'ug', per: { value: 1, unit: '{actuation}' } },
      form: 'INHL',
      dose: puff(2),
      timing: H(4),
      prn: true,
    },
  },
  {
    text: 'insulin 10 units/hr IV',
    expect: {
      drug: 'insulin',
      strength: { value: 10, unit: 'U', per: { value: 1, unit: 'h' } },
      route: 'IV',
    },
  },

  // ---------------------------------------------------------------- dose amounts
  {
    text: 'metformin 500 mg 2 tabs po bid',
    expect: { drug: 'metformin', strength: mg(500), dose: tab(2), route: 'PO', timing: D2 },
  },
  {
    text: 'lisinopril 10 mg 1 tablet by mouth daily',
    expect: { drug: 'lisinopril', strength: mg(10), dose: tab(1), route: 'PO', timing: D1 },
  },
  {
    text: 'lisinopril 10 mg, take one tab daily',
    expect: { drug: 'lisinopril', strength: mg(10), dose: tab(1), timing: D1 },
  },
  {
    text: 'senna 8.6 mg two tabs at bedtime',
    expect: { drug: 'senna', strength: mg(8.6), dose: tab(2), timing: DAILY_AT('HS') },
  },
  {
    text: 'gabapentin 300 mg 1 cap po tid',
    expect: { drug: 'gabapentin', strength: mg(300), dose: cap(1), route: 'PO', timing: D3 },
  },
  {
    text: 'gabapentin 300 mg 1-2 caps po qhs',
    expect: { drug: 'gabapentin', strength: mg(300), dose: cap(1, 2), route: 'PO', timing: DAILY_AT('HS') },
  },
  {
    text: 'oxycodone 5 mg 1-2 tablets q4-6h prn pain',
    expect: { drug: 'oxycodone', strength: mg(5), dose: tab(1, 2), timing: H(4, 6), prn: 'pain' },
  },
  {
    text: 'acetaminophen 325 mg 2 tabs PO q6h prn fever',
    expect: {
      drug: 'acetaminophen',
      strength: mg(325),
      dose: tab(2),
      route: 'PO',
      timing: H(6),
      prn: 'fever',
    },
  },
  {
    text: 'insulin lispro 10 units SC with meals',
    expect: { drug: 'insulin lispro', dose: q(10, 'U'), route: 'SC', timing: WHEN('C') },
  },
  {
    text: 'insulin glargine 22 units subcut nightly',
    expect: { drug: 'insulin glargine', dose: q(22, 'U'), route: 'SC', timing: DAILY_AT('NIGHT') },
  },
  {
    text: 'insulin 4 u sc ac',
    expect: { drug: 'insulin', dose: q(4, 'U'), route: 'SC', timing: WHEN('AC') },
  },
  {
    text: 'albuterol 2 puffs q4h prn wheezing',
    expect: { drug: 'albuterol', dose: puff(2), timing: H(4), prn: 'wheezing' },
  },
  {
    text: 'fluticasone 2 sprays in each nostril daily',
    expect: { drug: 'fluticasone', dose: q(2, '{spray}'), route: 'NAS', timing: D1 },
  },
  {
    text: 'fluticasone 1 spray each nostril bid',
    expect: { drug: 'fluticasone', dose: q(1, '{spray}'), route: 'NAS', timing: D2 },
  },
  { text: 'tiotropium 2 inhalations daily', expect: { drug: 'tiotropium', dose: puff(2), timing: D1 } },
  {
    text: 'timolol 1 drop OU bid',
    expect: { drug: 'timolol', dose: q(1, '{drop}'), route: 'OPH', timing: D2 },
  },
  {
    text: 'latanoprost 1 gtt OS qhs',
    expect: { drug: 'latanoprost', dose: q(1, '{drop}'), route: 'OPH', timing: DAILY_AT('HS') },
  },
  {
    text: 'ofloxacin 5 drops in the right ear bid',
    expect: { drug: 'ofloxacin', dose: q(5, '{drop}'), route: 'OT', timing: D2 },
  },
  {
    text: 'polyethylene glycol 17 g in 8 oz water daily',
    expect: { drug: 'polyethylene glycol', strength: q(17, 'g'), timing: D1 },
  },
  {
    text: 'docusate 100 mg 1 capsule po bid',
    expect: { drug: 'docusate', strength: mg(100), dose: cap(1), route: 'PO', timing: D2 },
  },
  {
    text: 'amoxicillin 400 mg/5 mL, 7.5 mL PO BID',
    expect: {
      drug: 'amoxicillin',
      strength: { value: 400, unit: 'mg', per: { value: 5, unit: 'mL' } },
      dose: q(7.5, 'mL'),
      route: 'PO',
      timing: D2,
    },
  },
  {
    text: 'ondansetron 4 mg/2 mL, 2 mL IV q8h prn nausea',
    expect: {
      drug: 'ondansetron',
      strength: { value: 4, unit: 'mg', per: { value: 2, unit: 'mL' } },
      dose: q(2, 'mL'),
      route: 'IV',
      timing: H(8),
      prn: 'nausea',
    },
  },
  {
    text: 'docusate 15 mL PO daily',
    expect: { drug: 'docusate', dose: q(15, 'mL'), route: 'PO', timing: D1 },
  },
  {
    text: 'promethazine 1 tsp po q6h prn',
    expect: { drug: 'promethazine', dose: q(1, '[tsp_us]'), route: 'PO', timing: H(6), prn: true },
  },
  {
    text: 'sucralfate 1 g tablet, 1 tab qid',
    expect: { drug: 'sucralfate', strength: q(1, 'g'), form: 'TAB', dose: tab(1), timing: D4 },
  },
  {
    text: 'nitroglycerin 0.4 mg 1 tab SL q5min prn chest pain',
    expect: {
      drug: 'nitroglycerin',
      strength: mg(0.4),
      dose: tab(1),
      route: 'SL',
      timing: { frequency: 1, period: 5, periodUnit: 'min' },
      prn: 'chest pain',
    },
  },
  {
    text: 'metoprolol 25 mg 1/2 tab po bid',
    expect: { drug: 'metoprolol', strength: mg(25), dose: tab(0.5), route: 'PO', timing: D2 },
  },
  {
    text: 'metoprolol 50 mg half tab daily',
    expect: { drug: 'metoprolol', strength: mg(50), dose: tab(0.5), timing: D1 },
  },
  {
    text: 'warfarin 5 mg 1½ tabs on Mondays',
    expect: { drug: 'warfarin', strength: mg(5), dose: tab(1.5), timing: { ...W1, dayOfWeek: ['mon'] } },
  },
  { text: 'fentanyl 1 patch q72h', expect: { drug: 'fentanyl', dose: q(1, '{patch}'), timing: H(72) } },
  {
    text: 'bisacodyl 1 suppository PR daily prn constipation',
    expect: { drug: 'bisacodyl', dose: q(1, '{suppository}'), route: 'PR', timing: D1, prn: 'constipation' },
  },
  {
    text: 'miconazole 1 applicatorful vaginally qhs x 7 days',
    expect: {
      drug: 'miconazole',
      dose: q(1, '{application}'),
      route: 'PV',
      timing: DAILY_AT('HS'),
      duration: days(7),
    },
  },
  {
    text: 'polyethylene glycol 1 packet daily',
    expect: { drug: 'polyethylene glycol', dose: q(1, '{packet}'), timing: D1 },
  },
  {
    text: 'epinephrine 0.3 mg IM x1',
    expect: { drug: 'epinephrine', strength: mg(0.3), route: 'IM', timing: { count: 1 } },
  },
  { text: 'ipratropium 2 puffs qid', expect: { drug: 'ipratropium', dose: puff(2), timing: D4 } },
  { text: 'nystatin 5 mL swish and swallow qid', expect: { drug: 'nystatin', dose: q(5, 'mL'), timing: D4 } },
  {
    text: 'lidocaine 5% patch, 1 patch daily',
    expect: { drug: 'lidocaine', strength: q(5, '%'), form: 'PATCH', dose: q(1, '{patch}'), timing: D1 },
  },
  { text: 'docusate two capsules daily', expect: { drug: 'docusate', dose: cap(2), timing: D1 } },

  // ---------------------------------------------------------------- forms
  { text: 'metformin 500 mg tablet', expect: { drug: 'metformin', strength: mg(500), form: 'TAB' } },
  {
    text: 'metformin ER 500 mg daily',
    expect: { drug: 'metformin', form: 'ER', strength: mg(500), timing: D1 },
  },
  {
    text: 'metformin XR 750 mg po daily with dinner',
    expect: { drug: 'metformin', form: 'ER', strength: mg(750), route: 'PO', timing: DAILY_AT('CV') },
  },
  {
    text: 'metoprolol succinate ER 25 mg daily',
    expect: { drug: 'metoprolol succinate', form: 'ER', strength: mg(25), timing: D1 },
  },
  {
    text: 'diltiazem SR 120 mg daily',
    expect: { drug: 'diltiazem', form: 'ER', strength: mg(120), timing: D1 },
  },
  {
    text: 'bupropion XL 150 mg qam',
    expect: { drug: 'bupropion', form: 'ER', strength: mg(150), timing: DAILY_AT('MORN') },
  },
  {
    text: 'venlafaxine extended-release capsule 75 mg daily',
    expect: { drug: 'venlafaxine', form: 'ERCAP', strength: mg(75), timing: D1 },
  },
  {
    text: 'omeprazole 20 mg capsule daily before breakfast',
    expect: { drug: 'omeprazole', strength: mg(20), form: 'CAP', timing: DAILY_AT('ACM') },
  },
  {
    text: 'pantoprazole 40 mg DR tablet daily',
    expect: { drug: 'pantoprazole', strength: mg(40), form: 'DRTAB', timing: D1 },
  },
  {
    text: 'aspirin 81 mg enteric-coated tablet daily',
    expect: { drug: 'aspirin', strength: mg(81), form: 'DRTAB', timing: D1 },
  },
  { text: 'aspirin EC 81 mg daily', expect: { drug: 'aspirin', form: 'DR', strength: mg(81), timing: D1 } },
  {
    text: 'aspirin 81 mg chewable tablet daily',
    expect: { drug: 'aspirin', strength: mg(81), form: 'CHEWTAB', timing: D1 },
  },
  {
    text: 'ondansetron 4 mg ODT q8h prn nausea',
    expect: { drug: 'ondansetron', strength: mg(4), form: 'ODT', timing: H(8), prn: 'nausea' },
  },
  {
    text: 'amoxicillin 500 mg capsules tid',
    expect: { drug: 'amoxicillin', strength: mg(500), form: 'CAP', timing: D3 },
  },
  {
    text: 'cephalexin 250 mg/5 mL oral suspension',
    expect: {
      drug: 'cephalexin',
      strength: { value: 250, unit: 'mg', per: { value: 5, unit: 'mL' } },
      form: 'SUSP',
      route: 'PO',
    },
  },
  {
    text: 'lithium citrate syrup 5 mL bid',
    expect: { drug: 'lithium citrate', form: 'SYRUP', dose: q(5, 'mL'), timing: D2 },
  },
  {
    text: 'albuterol HFA 2 puffs q6h prn',
    expect: { drug: 'albuterol', form: 'MDINHL', dose: puff(2), timing: H(6), prn: true },
  },
  {
    text: 'albuterol 2.5 mg/3 mL nebulizer solution q4h',
    expect: {
      drug: 'albuterol',
      strength: { value: 2.5, unit: 'mg', per: { value: 3, unit: 'mL' } },
      form: 'INHSOL',
      route: 'INH',
      timing: H(4),
    },
  },
  {
    text: 'budesonide inhaler 2 puffs bid',
    expect: { drug: 'budesonide', form: 'INHL', dose: puff(2), timing: D2 },
  },
  {
    text: 'nitroglycerin 0.2 mg/hr transdermal patch daily',
    expect: {
      drug: 'nitroglycerin',
      strength: { value: 0.2, unit: 'mg', per: { value: 1, unit: 'h' } },
      form: 'PATCH',
      route: 'TD',
      timing: D1,
    },
  },
  {
    text: 'estradiol patch 0.05 mg twice weekly',
    expect: { drug: 'estradiol', form: 'PATCH', strength: mg(0.05), timing: T(2, 1, 'wk') },
  },
  {
    text: 'ceftriaxone 1 g injection IM once',
    expect: { drug: 'ceftriaxone', strength: q(1, 'g'), form: 'INJ', route: 'IM', timing: { count: 1 } },
  },
  {
    text: 'mupirocin 2% ointment to affected area tid',
    expect: { drug: 'mupirocin', strength: q(2, '%'), form: 'OINT', route: 'TOP', timing: D3 },
  },
  { text: 'hydrocortisone cream bid', expect: { drug: 'hydrocortisone', form: 'CRM', timing: D2 } },
  {
    text: 'diclofenac 1% gel qid',
    expect: { drug: 'diclofenac', strength: q(1, '%'), form: 'GEL', timing: D4 },
  },
  {
    text: 'artificial tears eye drops 1 drop OU qid',
    expect: { drug: 'artificial tears', form: 'OPDROP', route: 'OPH', dose: q(1, '{drop}'), timing: D4 },
  },
  {
    text: 'ciprofloxacin ear drops 4 drops in the left ear bid',
    expect: { drug: 'ciprofloxacin', form: 'OTDROP', route: 'OT', dose: q(4, '{drop}'), timing: D2 },
  },
  {
    text: 'fluticasone nasal spray 2 sprays daily',
    expect: { drug: 'fluticasone', form: 'NASSPRY', route: 'NAS', dose: q(2, '{spray}'), timing: D1 },
  },
  {
    text: 'acetaminophen 650 mg rectal suppository q6h',
    expect: { drug: 'acetaminophen', strength: mg(650), form: 'SUPP', route: 'PR', timing: H(6) },
  },
  {
    text: 'bisacodyl 10 mg suppository daily',
    expect: { drug: 'bisacodyl', strength: mg(10), form: 'SUPP', timing: D1 },
  },
  { text: 'clindamycin lotion bid', expect: { drug: 'clindamycin', form: 'LTN', timing: D2 } },
  {
    text: 'metronidazole 0.75% vaginal cream qhs',
    expect: {
      drug: 'metronidazole',
      strength: q(0.75, '%'),
      form: 'CRM',
      route: 'PV',
      timing: DAILY_AT('HS'),
    },
  },
  {
    text: 'nystatin powder topically bid',
    expect: { drug: 'nystatin', form: 'POWD', route: 'TOP', timing: D2 },
  },
  {
    text: 'erythromycin ophthalmic ointment qid',
    expect: { drug: 'erythromycin', form: 'OINT', route: 'OPH', timing: D4 },
  },
  {
    text: 'clotrimazole troche 10 mg 5 times daily',
    expect: { drug: 'clotrimazole', form: 'LOZ', strength: mg(10), timing: T(5, 1, 'd') },
  },
  {
    text: 'sumatriptan 6 mg/0.5 mL injection SC once',
    expect: {
      drug: 'sumatriptan',
      strength: { value: 6, unit: 'mg', per: { value: 0.5, unit: 'mL' } },
      form: 'INJ',
      route: 'SC',
      timing: { count: 1 },
    },
  },
  {
    text: 'quetiapine 25 mg tab qhs',
    expect: { drug: 'quetiapine', strength: mg(25), form: 'TAB', timing: DAILY_AT('HS') },
  },
  {
    text: 'trazodone 50 mg tabs 1 at bedtime',
    expect: { drug: 'trazodone', strength: mg(50), form: 'TAB', timing: DAILY_AT('HS') },
  },

  // ---------------------------------------------------------------- routes
  {
    text: 'amlodipine 5 mg p.o. daily',
    expect: { drug: 'amlodipine', strength: mg(5), route: 'PO', timing: D1 },
  },
  {
    text: 'amlodipine 5 mg p.o daily',
    expect: { drug: 'amlodipine', strength: mg(5), route: 'PO', timing: D1 },
  },
  {
    text: 'amlodipine 10 mg by mouth daily',
    expect: { drug: 'amlodipine', strength: mg(10), route: 'PO', timing: D1 },
  },
  {
    text: 'amlodipine 10 mg orally once daily',
    expect: { drug: 'amlodipine', strength: mg(10), route: 'PO', timing: D1 },
  },
  {
    text: 'amlodipine 10 mg oral daily',
    expect: { drug: 'amlodipine', strength: mg(10), route: 'PO', timing: D1 },
  },
  {
    text: 'oral prednisone 40 mg daily',
    expect: { drug: 'prednisone', route: 'PO', strength: mg(40), timing: D1 },
  },
  {
    text: 'losartan 50 mg per os daily',
    expect: { drug: 'losartan', strength: mg(50), route: 'PO', timing: D1 },
  },
  {
    text: 'ceftriaxone 2 g i.v. daily',
    expect: { drug: 'ceftriaxone', strength: q(2, 'g'), route: 'IV', timing: D1 },
  },
  {
    text: 'furosemide 40 mg intravenously bid',
    expect: { drug: 'furosemide', strength: mg(40), route: 'IV', timing: D2 },
  },
  {
    text: 'intravenous vancomycin 1 g q12h',
    expect: { drug: 'vancomycin', route: 'IV', strength: q(1, 'g'), timing: H(12) },
  },
  {
    text: 'IV furosemide 40 mg once',
    expect: { drug: 'furosemide', route: 'IV', strength: mg(40), timing: { count: 1 } },
  },
  {
    text: 'morphine 2 mg IV push q2h prn',
    expect: { drug: 'morphine', strength: mg(2), route: 'IV', timing: H(2), prn: true },
  },
  {
    text: 'piperacillin 3.375 g IVPB q6h',
    expect: { drug: 'piperacillin', strength: q(3.375, 'g'), route: 'IV', timing: H(6) },
  },
  {
    text: 'ketorolac 30 mg IM once',
    expect: { drug: 'ketorolac', strength: mg(30), route: 'IM', timing: { count: 1 } },
  },
  {
    text: 'ketorolac 15 mg i.m. q6h',
    expect: { drug: 'ketorolac', strength: mg(15), route: 'IM', timing: H(6) },
  },
  {
    text: 'medroxyprogesterone 150 mg intramuscularly every 3 months',
    expect: {
      drug: 'medroxyprogesterone',
      strength: mg(150),
      route: 'IM',
      timing: { frequency: 1, period: 3, periodUnit: 'mo' },
    },
  },
  {
    text: 'testosterone 200 mg intramuscular injection every 2 weeks',
    expect: {
      drug: 'testosterone',
      strength: mg(200),
      route: 'IM',
      timing: { frequency: 1, period: 2, periodUnit: 'wk' },
    },
  },
  {
    text: 'enoxaparin 40 mg SC daily',
    expect: { drug: 'enoxaparin', strength: mg(40), route: 'SC', timing: D1 },
  },
  {
    text: 'enoxaparin 40 mg subcut daily',
    expect: { drug: 'enoxaparin', strength: mg(40), route: 'SC', timing: D1 },
  },
  {
    text: 'enoxaparin 40 mg subq daily',
    expect: { drug: 'enoxaparin', strength: mg(40), route: 'SC', timing: D1 },
  },
  {
    text: 'heparin 5000 units SQ q12h',
    expect: { drug: 'heparin', dose: q(5000, 'U'), route: 'SC', timing: H(12) },
  },
  {
    text: 'heparin 5000 units sub-q tid',
    expect: { drug: 'heparin', dose: q(5000, 'U'), route: 'SC', timing: D3 },
  },
  {
    text: 'semaglutide 0.25 mg subcutaneously once weekly',
    expect: { drug: 'semaglutide', strength: mg(0.25), route: 'SC', timing: W1 },
  },
  {
    text: 'dulaglutide 1.5 mg subcutaneous injection weekly',
    expect: { drug: 'dulaglutide', strength: mg(1.5), route: 'SC', timing: W1 },
  },
  {
    text: 'nitroglycerin 0.4 mg SL q5min x3 prn chest pain',
    expect: {
      drug: 'nitroglycerin',
      strength: mg(0.4),
      route: 'SL',
      timing: { frequency: 1, period: 5, periodUnit: 'min' },
      prn: 'chest pain',
    },
  },
  {
    text: 'nitroglycerin 0.4 mg sublingually prn',
    expect: { drug: 'nitroglycerin', strength: mg(0.4), route: 'SL', prn: true },
  },
  {
    text: 'albuterol 2.5 mg inhaled q4h',
    expect: { drug: 'albuterol', strength: mg(2.5), route: 'INH', timing: H(4) },
  },
  {
    text: 'albuterol 2.5 mg via nebulizer q6h prn wheezing',
    expect: { drug: 'albuterol', strength: mg(2.5), route: 'INH', timing: H(6), prn: 'wheezing' },
  },
  {
    text: 'ipratropium 0.5 mg nebulized qid',
    expect: { drug: 'ipratropium', strength: mg(0.5), route: 'INH', timing: D4 },
  },
  {
    text: 'budesonide 0.5 mg by inhalation bid',
    expect: { drug: 'budesonide', strength: mg(0.5), route: 'INH', timing: D2 },
  },
  {
    text: 'hydrocortisone 2.5% cream topical bid',
    expect: { drug: 'hydrocortisone', strength: q(2.5, '%'), form: 'CRM', route: 'TOP', timing: D2 },
  },
  {
    text: 'triamcinolone cream applied topically twice a day',
    expect: { drug: 'triamcinolone', form: 'CRM', route: 'TOP', timing: D2 },
  },
  {
    text: 'acetaminophen 650 mg PR q6h prn fever',
    expect: { drug: 'acetaminophen', strength: mg(650), route: 'PR', timing: H(6), prn: 'fever' },
  },
  {
    text: 'bisacodyl 10 mg per rectum daily',
    expect: { drug: 'bisacodyl', strength: mg(10), route: 'PR', timing: D1 },
  },
  {
    text: 'bisacodyl 10 mg rectally once',
    expect: { drug: 'bisacodyl', strength: mg(10), route: 'PR', timing: { count: 1 } },
  },
  {
    text: 'fluticasone 50 mcg nasal daily',
    expect: { drug: 'fluticasone', strength: q(50, 'ug'), route: 'NAS', timing: D1 },
  },
  {
    text: 'naloxone 4 mg intranasal once',
    expect: { drug: 'naloxone', strength: mg(4), route: 'NAS', timing: { count: 1 } },
  },
  {
    text: 'naloxone 4 mg intranasally prn overdose',
    expect: { drug: 'naloxone', strength: mg(4), route: 'NAS', prn: 'overdose' },
  },
  {
    text: 'timolol 0.5% 1 drop ophthalmic bid',
    expect: { drug: 'timolol', strength: q(0.5, '%'), dose: q(1, '{drop}'), route: 'OPH', timing: D2 },
  },
  {
    text: 'timolol 0.5% solution 1 drop OD bid',
    expect: {
      drug: 'timolol',
      strength: q(0.5, '%'),
      form: 'SOL',
      dose: q(1, '{drop}'),
      route: 'OPH',
      timing: D2,
    },
  },
  {
    text: 'latanoprost 0.005% 1 drop in both eyes at bedtime',
    expect: {
      drug: 'latanoprost',
      strength: q(0.005, '%'),
      dose: q(1, '{drop}'),
      route: 'OPH',
      timing: DAILY_AT('HS'),
    },
  },
  {
    text: 'ofloxacin 0.3% otic 5 drops bid',
    expect: { drug: 'ofloxacin', strength: q(0.3, '%'), route: 'OT', dose: q(5, '{drop}'), timing: D2 },
  },
  {
    text: 'nitroglycerin 0.4 mg/hr transdermal daily',
    expect: {
      drug: 'nitroglycerin',
      strength: { value: 0.4, unit: 'mg', per: { value: 1, unit: 'h' } },
      route: 'TD',
      timing: D1,
    },
  },
  {
    text: 'estradiol 10 mcg vaginally twice a week',
    expect: { drug: 'estradiol', strength: q(10, 'ug'), route: 'PV', timing: T(2, 1, 'wk') },
  },
  {
    text: 'methylprednisolone 40 mg intra-articular once',
    expect: { drug: 'methylprednisolone', strength: mg(40), route: 'IA', timing: { count: 1 } },
  },
  { text: 'methotrexate 12 mg intrathecal', expect: { drug: 'methotrexate', strength: mg(12), route: 'IT' } },
  {
    text: 'lidocaine 1% 5 mL intradermal',
    expect: { drug: 'lidocaine', strength: q(1, '%'), dose: q(5, 'mL'), route: 'ID' },
  },
  {
    text: 'metoprolol 25 mg via NG tube bid',
    expect: { drug: 'metoprolol', strength: mg(25), route: 'NG', timing: D2 },
  },
  {
    text: 'levetiracetam 500 mg per PEG tube bid',
    expect: { drug: 'levetiracetam', strength: mg(500), route: 'GT', timing: D2 },
  },
  {
    text: 'vancomycin 125 mg po qid x 10 days',
    expect: { drug: 'vancomycin', strength: mg(125), route: 'PO', timing: D4, duration: days(10) },
  },

  // ---------------------------------------------------------------- frequencies
  { text: 'lisinopril 10 mg qd', expect: { drug: 'lisinopril', strength: mg(10), timing: D1 } },
  { text: 'lisinopril 10 mg q.d.', expect: { drug: 'lisinopril', strength: mg(10), timing: D1 } },
  { text: 'lisinopril 10 mg once daily', expect: { drug: 'lisinopril', strength: mg(10), timing: D1 } },
  { text: 'lisinopril 10 mg once a day', expect: { drug: 'lisinopril', strength: mg(10), timing: D1 } },
  { text: 'lisinopril 10 mg every day', expect: { drug: 'lisinopril', strength: mg(10), timing: D1 } },
  { text: 'lisinopril 10 mg 1x/day', expect: { drug: 'lisinopril', strength: mg(10), timing: D1 } },
  { text: 'metformin 500 mg b.i.d.', expect: { drug: 'metformin', strength: mg(500), timing: D2 } },
  { text: 'metformin 500 mg twice daily', expect: { drug: 'metformin', strength: mg(500), timing: D2 } },
  { text: 'metformin 500 mg twice a day', expect: { drug: 'metformin', strength: mg(500), timing: D2 } },
  { text: 'metformin 500 mg two times a day', expect: { drug: 'metformin', strength: mg(500), timing: D2 } },
  { text: 'metformin 500 mg 2 times daily', expect: { drug: 'metformin', strength: mg(500), timing: D2 } },
  { text: 'metformin 500 mg 2x daily', expect: { drug: 'metformin', strength: mg(500), timing: D2 } },
  { text: 'amoxicillin 500 mg tid', expect: { drug: 'amoxicillin', strength: mg(500), timing: D3 } },
  { text: 'amoxicillin 500 mg t.i.d.', expect: { drug: 'amoxicillin', strength: mg(500), timing: D3 } },
  {
    text: 'amoxicillin 500 mg three times a day',
    expect: { drug: 'amoxicillin', strength: mg(500), timing: D3 },
  },
  {
    text: 'amoxicillin 500 mg 3 times daily',
    expect: { drug: 'amoxicillin', strength: mg(500), timing: D3 },
  },
  { text: 'amoxicillin 500 mg 3x/day', expect: { drug: 'amoxicillin', strength: mg(500), timing: D3 } },
  { text: 'cephalexin 500 mg qid', expect: { drug: 'cephalexin', strength: mg(500), timing: D4 } },
  { text: 'cephalexin 500 mg q.i.d.', expect: { drug: 'cephalexin', strength: mg(500), timing: D4 } },
  {
    text: 'cephalexin 500 mg four times daily',
    expect: { drug: 'cephalexin', strength: mg(500), timing: D4 },
  },
  { text: 'ibuprofen 400 mg q6h', expect: { drug: 'ibuprofen', strength: mg(400), timing: H(6) } },
  { text: 'ibuprofen 400 mg q 6 h', expect: { drug: 'ibuprofen', strength: mg(400), timing: H(6) } },
  { text: 'ibuprofen 400 mg q.6h.', expect: { drug: 'ibuprofen', strength: mg(400), timing: H(6) } },
  { text: 'ibuprofen 400 mg q6hrs', expect: { drug: 'ibuprofen', strength: mg(400), timing: H(6) } },
  { text: 'ibuprofen 400 mg Q6H', expect: { drug: 'ibuprofen', strength: mg(400), timing: H(6) } },
  { text: 'ibuprofen 400 mg every 6 hours', expect: { drug: 'ibuprofen', strength: mg(400), timing: H(6) } },
  {
    text: 'ibuprofen 400 mg every six hours',
    expect: { drug: 'ibuprofen', strength: mg(400), timing: H(6) },
  },
  {
    text: 'oxycodone 5 mg q4-6h prn',
    expect: { drug: 'oxycodone', strength: mg(5), timing: H(4, 6), prn: true },
  },
  {
    text: 'oxycodone 5 mg q 4-6 hours prn pain',
    expect: { drug: 'oxycodone', strength: mg(5), timing: H(4, 6), prn: 'pain' },
  },
  {
    text: 'oxycodone 5 mg every 4 to 6 hours as needed for pain',
    expect: { drug: 'oxycodone', strength: mg(5), timing: H(4, 6), prn: 'pain' },
  },
  {
    text: 'hydromorphone 0.5 mg IV q3h prn',
    expect: { drug: 'hydromorphone', strength: mg(0.5), route: 'IV', timing: H(3), prn: true },
  },
  {
    text: 'vancomycin 1 g IV q12h',
    expect: { drug: 'vancomycin', strength: q(1, 'g'), route: 'IV', timing: H(12) },
  },
  {
    text: 'vancomycin 1 g IV q 12 hours',
    expect: { drug: 'vancomycin', strength: q(1, 'g'), route: 'IV', timing: H(12) },
  },
  {
    text: 'vancomycin 1 g IV every 24 hours',
    expect: { drug: 'vancomycin', strength: q(1, 'g'), route: 'IV', timing: H(24) },
  },
  {
    text: 'atorvastatin 40 mg qhs',
    expect: { drug: 'atorvastatin', strength: mg(40), timing: DAILY_AT('HS') },
  },
  {
    text: 'atorvastatin 40 mg q.h.s.',
    expect: { drug: 'atorvastatin', strength: mg(40), timing: DAILY_AT('HS') },
  },
  {
    text: 'atorvastatin 40 mg at bedtime',
    expect: { drug: 'atorvastatin', strength: mg(40), timing: DAILY_AT('HS') },
  },
  {
    text: 'atorvastatin 40 mg daily at bedtime',
    expect: { drug: 'atorvastatin', strength: mg(40), timing: DAILY_AT('HS') },
  },
  {
    text: 'atorvastatin 40 mg nightly',
    expect: { drug: 'atorvastatin', strength: mg(40), timing: DAILY_AT('NIGHT') },
  },
  {
    text: 'atorvastatin 40 mg in the evening',
    expect: { drug: 'atorvastatin', strength: mg(40), timing: DAILY_AT('EVE') },
  },
  {
    text: 'levothyroxine 75 mcg qam',
    expect: { drug: 'levothyroxine', strength: q(75, 'ug'), timing: DAILY_AT('MORN') },
  },
  {
    text: 'levothyroxine 75 mcg every morning',
    expect: { drug: 'levothyroxine', strength: q(75, 'ug'), timing: DAILY_AT('MORN') },
  },
  { text: 'furosemide 20 mg qpm', expect: { drug: 'furosemide', strength: mg(20), timing: DAILY_AT('EVE') } },
  {
    text: 'furosemide 20 mg qam and qpm',
    expect: {
      drug: 'furosemide',
      strength: mg(20),
      timing: { frequency: 2, period: 1, periodUnit: 'd', when: ['MORN', 'EVE'] },
    },
  },
  {
    text: 'warfarin 5 mg every other day',
    expect: { drug: 'warfarin', strength: mg(5), timing: T(1, 2, 'd') },
  },
  { text: 'warfarin 5 mg QOD', expect: { drug: 'warfarin', strength: mg(5), timing: T(1, 2, 'd') } },
  { text: 'warfarin 5 mg q.o.d.', expect: { drug: 'warfarin', strength: mg(5), timing: T(1, 2, 'd') } },
  { text: 'methotrexate 15 mg weekly', expect: { drug: 'methotrexate', strength: mg(15), timing: W1 } },
  { text: 'methotrexate 15 mg once a week', expect: { drug: 'methotrexate', strength: mg(15), timing: W1 } },
  { text: 'methotrexate 15 mg once weekly', expect: { drug: 'methotrexate', strength: mg(15), timing: W1 } },
  { text: 'methotrexate 15 mg every week', expect: { drug: 'methotrexate', strength: mg(15), timing: W1 } },
  { text: 'methotrexate 15 mg q week', expect: { drug: 'methotrexate', strength: mg(15), timing: W1 } },
  {
    text: 'folic acid 1 mg daily except on methotrexate day',
    expect: [{ drug: 'folic acid', strength: mg(1), timing: D1 }, { drug: 'methotrexate' }],
  },
  {
    text: 'cyanocobalamin 1000 mcg IM monthly',
    expect: { drug: 'cyanocobalamin', strength: q(1000, 'ug'), route: 'IM', timing: T(1, 1, 'mo') },
  },
  {
    text: 'cyanocobalamin 1000 mcg IM once a month',
    expect: { drug: 'cyanocobalamin', strength: q(1000, 'ug'), route: 'IM', timing: T(1, 1, 'mo') },
  },
  {
    text: 'cyanocobalamin 1000 mcg IM every month',
    expect: { drug: 'cyanocobalamin', strength: q(1000, 'ug'), route: 'IM', timing: T(1, 1, 'mo') },
  },
  {
    text: 'liraglutide 1.2 mg subq every 2 weeks',
    expect: { drug: 'liraglutide', strength: mg(1.2), route: 'SC', timing: T(1, 2, 'wk') },
  },
  {
    text: 'liraglutide 1.2 mg subq every other week',
    expect: { drug: 'liraglutide', strength: mg(1.2), route: 'SC', timing: T(1, 2, 'wk') },
  },
  {
    text: 'vitamin D 50,000 units q2wk',
    expect: { drug: 'vitamin D', dose: q(50000, 'U'), timing: T(1, 2, 'wk') },
  },
  {
    text: 'epoetin 10,000 units 3x/week',
    expect: { drug: 'epoetin', dose: q(10000, 'U'), timing: T(3, 1, 'wk') },
  },
  { text: 'alendronate 70 mg once weekly', expect: { drug: 'alendronate', strength: mg(70), timing: W1 } },
  {
    text: 'methotrexate 2.5 mg three times a week',
    expect: { drug: 'methotrexate', strength: mg(2.5), timing: T(3, 1, 'wk') },
  },
  {
    text: 'methotrexate 2.5 mg 3 times weekly',
    expect: { drug: 'methotrexate', strength: mg(2.5), timing: T(3, 1, 'wk') },
  },
  {
    text: 'methotrexate 2.5 mg 2-3 times per week',
    expect: {
      drug: 'methotrexate',
      strength: mg(2.5),
      timing: { frequency: 2, frequencyMax: 3, period: 1, periodUnit: 'wk' },
    },
  },
  {
    text: 'estradiol 10 mcg twice weekly',
    expect: { drug: 'estradiol', strength: q(10, 'ug'), timing: T(2, 1, 'wk') },
  },
  {
    text: 'medroxyprogesterone 150 mg IM q3 months',
    expect: { drug: 'medroxyprogesterone', strength: mg(150), route: 'IM', timing: T(1, 3, 'mo') },
  },
  {
    text: 'medroxyprogesterone 150 mg IM q12 weeks',
    expect: { drug: 'medroxyprogesterone', strength: mg(150), route: 'IM', timing: T(1, 12, 'wk') },
  },
  {
    text: 'insulin lispro 6 units with meals',
    expect: { drug: 'insulin lispro', dose: q(6, 'U'), timing: WHEN('C') },
  },
  {
    text: 'insulin lispro 6 units before meals',
    expect: { drug: 'insulin lispro', dose: q(6, 'U'), timing: WHEN('AC') },
  },
  {
    text: 'insulin lispro 6 units ac',
    expect: { drug: 'insulin lispro', dose: q(6, 'U'), timing: WHEN('AC') },
  },
  {
    text: 'insulin lispro 6 units tid ac',
    expect: { drug: 'insulin lispro', dose: q(6, 'U'), timing: { ...D3, when: ['AC'] } },
  },
  {
    text: 'insulin lispro sliding scale ac and hs',
    expect: { drug: 'insulin lispro', timing: WHEN('AC', 'HS') },
  },
  {
    text: 'metformin 500 mg bid with meals',
    expect: { drug: 'metformin', strength: mg(500), timing: { ...D2, when: ['C'] } },
  },
  {
    text: 'metformin 500 mg twice daily with food',
    expect: { drug: 'metformin', strength: mg(500), timing: { ...D2, when: ['C'] } },
  },
  {
    text: 'ibuprofen 400 mg tid after meals',
    expect: { drug: 'ibuprofen', strength: mg(400), timing: { ...D3, when: ['PC'] } },
  },
  { text: 'sucralfate 1 g pc', expect: { drug: 'sucralfate', strength: q(1, 'g'), timing: WHEN('PC') } },
  {
    text: 'omeprazole 20 mg daily before breakfast',
    expect: { drug: 'omeprazole', strength: mg(20), timing: DAILY_AT('ACM') },
  },
  {
    text: 'omeprazole 40 mg 30 minutes before breakfast',
    expect: { drug: 'omeprazole', strength: mg(40), timing: WHEN('ACM') },
  },
  {
    text: 'glipizide 5 mg daily with breakfast',
    expect: { drug: 'glipizide', strength: mg(5), timing: DAILY_AT('CM') },
  },
  {
    text: 'simvastatin 20 mg with dinner',
    expect: { drug: 'simvastatin', strength: mg(20), timing: WHEN('CV') },
  },
  { text: 'prednisone 60 mg x1', expect: { drug: 'prednisone', strength: mg(60), timing: { count: 1 } } },
  { text: 'prednisone 60 mg once', expect: { drug: 'prednisone', strength: mg(60), timing: { count: 1 } } },
  {
    text: 'ceftriaxone 1 g IM stat',
    expect: { drug: 'ceftriaxone', strength: q(1, 'g'), route: 'IM', timing: { count: 1 } },
  },
  {
    text: 'azithromycin 1 g po single dose',
    expect: { drug: 'azithromycin', strength: q(1, 'g'), route: 'PO', timing: { count: 1 } },
  },
  {
    text: 'ondansetron 4 mg IV x 2 doses',
    expect: { drug: 'ondansetron', strength: mg(4), route: 'IV', timing: { count: 2 } },
  },
  { text: 'docusate 100 mg hourly', expect: { drug: 'docusate', strength: mg(100), timing: T(1, 1, 'h') } },
  {
    text: 'digoxin 0.125 mg MWF',
    expect: { drug: 'digoxin', strength: mg(0.125), timing: { ...D1, dayOfWeek: ['mon', 'wed', 'fri'] } },
  },
  {
    text: 'warfarin 2.5 mg daily at 5 pm',
    expect: { drug: 'warfarin', strength: mg(2.5), timing: { ...D1, timeOfDay: ['17:00:00'] } },
  },
  {
    text: 'lisinopril 10 mg daily at 8 am',
    expect: { drug: 'lisinopril', strength: mg(10), timing: { ...D1, timeOfDay: ['08:00:00'] } },
  },
  {
    text: 'metformin 500 mg bid (take with meals)',
    expect: { drug: 'metformin', strength: mg(500), timing: { ...D2, when: ['C'] } },
  },
  { text: 'pioglitazone 30 mg per day', expect: { drug: 'pioglitazone', strength: mg(30), timing: D1 } },
  {
    text: 'colchicine 0.6 mg 1 tab q1h',
    expect: { drug: 'colchicine', strength: mg(0.6), dose: tab(1), timing: H(1) },
  },
  {
    text: 'oseltamivir 75 mg po bid x 5 days',
    expect: { drug: 'oseltamivir', strength: mg(75), route: 'PO', timing: D2, duration: days(5) },
  },
  {
    text: 'budesonide 9 mg every morning',
    expect: { drug: 'budesonide', strength: mg(9), timing: DAILY_AT('MORN') },
  },
  {
    text: 'spironolactone 25 mg daily in the morning',
    expect: { drug: 'spironolactone', strength: mg(25), timing: DAILY_AT('MORN') },
  },
  {
    text: 'testosterone 100 mg IM every 7 days',
    expect: { drug: 'testosterone', strength: mg(100), route: 'IM', timing: T(1, 7, 'd') },
  },
  { text: 'magnesium oxide 400 mg BD', expect: { drug: 'magnesium oxide', strength: mg(400), timing: D2 } },
  {
    text: 'ceftazidime 2 g IV q8 hrs',
    expect: { drug: 'ceftazidime', strength: q(2, 'g'), route: 'IV', timing: H(8) },
  },

  // ---------------------------------------------------------------- as needed
  {
    text: 'acetaminophen 650 mg q6h prn pain',
    expect: { drug: 'acetaminophen', strength: mg(650), timing: H(6), prn: 'pain' },
  },
  {
    text: 'acetaminophen 650 mg q6h p.r.n. pain',
    expect: { drug: 'acetaminophen', strength: mg(650), timing: H(6), prn: 'pain' },
  },
  {
    text: 'ondansetron 4 mg q8h p.r.n. nausea',
    expect: { drug: 'ondansetron', strength: mg(4), timing: H(8), prn: 'nausea' },
  },
  {
    text: 'ondansetron 4 mg q8h prn nausea/vomiting',
    expect: { drug: 'ondansetron', strength: mg(4), timing: H(8), prn: 'nausea/vomiting' },
  },
  {
    text: 'ondansetron 4 mg q8h prn nausea or vomiting',
    expect: { drug: 'ondansetron', strength: mg(4), timing: H(8), prn: 'nausea or vomiting' },
  },
  {
    text: 'albuterol 2 puffs as needed for wheezing',
    expect: { drug: 'albuterol', dose: puff(2), prn: 'wheezing' },
  },
  {
    text: 'albuterol 2 puffs q4h as needed for shortness of breath',
    expect: { drug: 'albuterol', dose: puff(2), timing: H(4), prn: 'shortness of breath' },
  },
  {
    text: 'lorazepam 0.5 mg po prn anxiety',
    expect: { drug: 'lorazepam', strength: mg(0.5), route: 'PO', prn: 'anxiety' },
  },
  {
    text: 'lorazepam 0.5 mg po bid prn for anxiety',
    expect: { drug: 'lorazepam', strength: mg(0.5), route: 'PO', timing: D2, prn: 'anxiety' },
  },
  {
    text: 'zolpidem 5 mg qhs prn insomnia',
    expect: { drug: 'zolpidem', strength: mg(5), timing: DAILY_AT('HS'), prn: 'insomnia' },
  },
  {
    text: 'zolpidem 5 mg at bedtime as needed for sleep',
    expect: { drug: 'zolpidem', strength: mg(5), timing: DAILY_AT('HS'), prn: 'sleep' },
  },
  {
    text: 'loperamide 2 mg after each loose stool prn',
    expect: { drug: 'loperamide', strength: mg(2), prn: true },
  },
  {
    text: 'docusate 100 mg bid prn constipation',
    expect: { drug: 'docusate', strength: mg(100), timing: D2, prn: 'constipation' },
  },
  { text: 'ibuprofen 400 mg PRN', expect: { drug: 'ibuprofen', strength: mg(400), prn: true } },
  {
    text: 'cetirizine 10 mg daily as needed',
    expect: { drug: 'cetirizine', strength: mg(10), timing: D1, prn: true },
  },
  {
    text: 'sumatriptan 50 mg at onset of migraine, may repeat in 2 hours prn',
    expect: { drug: 'sumatriptan', strength: mg(50) },
  },
  {
    text: 'diphenhydramine 25 mg po q6h prn itching',
    expect: { drug: 'diphenhydramine', strength: mg(25), route: 'PO', timing: H(6), prn: 'itching' },
  },
  {
    text: 'hydromorphone 1 mg IV q2h prn severe pain',
    expect: { drug: 'hydromorphone', strength: mg(1), route: 'IV', timing: H(2), prn: 'severe pain' },
  },
  {
    text: 'oxycodone 5 mg q4h prn moderate-severe pain',
    expect: { drug: 'oxycodone', strength: mg(5), timing: H(4), prn: 'moderate-severe pain' },
  },
  {
    text: 'promethazine 12.5 mg IV q6h as needed for nausea',
    expect: { drug: 'promethazine', strength: mg(12.5), route: 'IV', timing: H(6), prn: 'nausea' },
  },
  {
    text: 'acetaminophen 1 g q8h prn (max 3 g/day)',
    expect: { drug: 'acetaminophen', strength: q(1, 'g'), timing: H(8), prn: true },
  },
  {
    text: 'cyclobenzaprine 10 mg tid prn muscle spasm',
    expect: { drug: 'cyclobenzaprine', strength: mg(10), timing: D3, prn: 'muscle spasm' },
  },

  // ---------------------------------------------------------------- duration
  {
    text: 'amoxicillin 500 mg tid x 7 days',
    expect: { drug: 'amoxicillin', strength: mg(500), timing: D3, duration: days(7) },
  },
  {
    text: 'amoxicillin 500 mg tid x7 days',
    expect: { drug: 'amoxicillin', strength: mg(500), timing: D3, duration: days(7) },
  },
  {
    text: 'amoxicillin 500 mg tid x10d',
    expect: { drug: 'amoxicillin', strength: mg(500), timing: D3, duration: days(10) },
  },
  {
    text: 'amoxicillin 500 mg tid for 10 days',
    expect: { drug: 'amoxicillin', strength: mg(500), timing: D3, duration: days(10) },
  },
  {
    text: 'amoxicillin 500 mg tid for ten days',
    expect: { drug: 'amoxicillin', strength: mg(500), timing: D3, duration: days(10) },
  },
  {
    text: 'prednisone 40 mg daily for 5 more days',
    expect: { drug: 'prednisone', strength: mg(40), timing: D1, duration: days(5) },
  },
  {
    text: 'prednisone 40 mg daily for 2 weeks',
    expect: { drug: 'prednisone', strength: mg(40), timing: D1, duration: weeks(2) },
  },
  {
    text: 'prednisone 40 mg daily x 2 wks',
    expect: { drug: 'prednisone', strength: mg(40), timing: D1, duration: weeks(2) },
  },
  {
    text: 'prednisone 40 mg daily for a total of 5 days',
    expect: { drug: 'prednisone', strength: mg(40), timing: D1, duration: days(5) },
  },
  {
    text: 'prednisone 40 mg daily for the next 3 days',
    expect: { drug: 'prednisone', strength: mg(40), timing: D1, duration: days(3) },
  },
  {
    text: 'nitrofurantoin 100 mg bid x 5d',
    expect: { drug: 'nitrofurantoin', strength: mg(100), timing: D2, duration: days(5) },
  },
  {
    text: 'doxycycline 100 mg bid for 1 month',
    expect: { drug: 'doxycycline', strength: mg(100), timing: D2, duration: { value: 1, unit: 'mo' } },
  },
  {
    text: 'doxycycline 100 mg bid for 3 months',
    expect: { drug: 'doxycycline', strength: mg(100), timing: D2, duration: { value: 3, unit: 'mo' } },
  },
  {
    text: 'azithromycin 250 mg daily x 4 days',
    expect: { drug: 'azithromycin', strength: mg(250), timing: D1, duration: days(4) },
  },
  {
    text: 'fluconazole 150 mg once, repeat in 3 days',
    expect: { drug: 'fluconazole', strength: mg(150), timing: { count: 1 } },
  },
  {
    text: 'valacyclovir 1 g tid for 7-10 days',
    expect: {
      drug: 'valacyclovir',
      strength: q(1, 'g'),
      timing: D3,
      duration: { value: 7, valueHigh: 10, unit: 'd' },
    },
  },
  {
    text: 'ciprofloxacin 500 mg bid, 14-day course',
    expect: { drug: 'ciprofloxacin', strength: mg(500), timing: D2, duration: days(14) },
  },
  {
    text: 'clopidogrel 75 mg daily for 12 months',
    expect: { drug: 'clopidogrel', strength: mg(75), timing: D1, duration: { value: 12, unit: 'mo' } },
  },
  {
    text: 'enoxaparin 40 mg SC daily for 4 weeks',
    expect: { drug: 'enoxaparin', strength: mg(40), route: 'SC', timing: D1, duration: weeks(4) },
  },
  {
    text: 'metronidazole 500 mg po tid × 14 days',
    expect: { drug: 'metronidazole', strength: mg(500), route: 'PO', timing: D3, duration: days(14) },
  },
  {
    text: 'cephalexin 500 mg qid for one week',
    expect: { drug: 'cephalexin', strength: mg(500), timing: D4, duration: weeks(1) },
  },

  // ---------------------------------------------------------------- status
  {
    text: 'Started metformin 500 mg bid',
    expect: { drug: 'metformin', status: 'started', strength: mg(500), timing: D2 },
  },
  {
    text: 'Start lisinopril 10 mg daily',
    expect: { drug: 'lisinopril', status: 'started', strength: mg(10), timing: D1 },
  },
  {
    text: 'She was started on atorvastatin 40 mg qhs',
    expect: { drug: 'atorvastatin', status: 'started', strength: mg(40), timing: DAILY_AT('HS') },
  },
  {
    text: 'Metformin was started at 500 mg daily',
    expect: { drug: 'Metformin', status: 'started', strength: mg(500), timing: D1 },
  },
  {
    text: 'Initiated apixaban 5 mg bid',
    expect: { drug: 'apixaban', status: 'started', strength: mg(5), timing: D2 },
  },
  {
    text: 'Added amlodipine 5 mg daily',
    expect: { drug: 'amlodipine', status: 'started', strength: mg(5), timing: D1 },
  },
  { text: 'Stop aspirin', expect: { drug: 'aspirin', status: 'stopped' } },
  { text: 'Aspirin was stopped', expect: { drug: 'Aspirin', status: 'stopped' } },
  { text: 'Discontinue simvastatin', expect: { drug: 'simvastatin', status: 'stopped' } },
  { text: 'simvastatin discontinued', expect: { drug: 'simvastatin', status: 'stopped' } },
  { text: "ibuprofen d/c'd", expect: { drug: 'ibuprofen', status: 'stopped' } },
  { text: 'd/c naproxen', expect: { drug: 'naproxen', status: 'stopped' } },
  {
    text: 'Continue lisinopril 10 mg daily',
    expect: { drug: 'lisinopril', status: 'continued', strength: mg(10), timing: D1 },
  },
  {
    text: 'continued on levothyroxine 100 mcg daily',
    expect: { drug: 'levothyroxine', status: 'continued', strength: q(100, 'ug'), timing: D1 },
  },
  { text: 'Hold metformin', expect: { drug: 'metformin', status: 'held' } },
  { text: 'Metformin held for contrast study', expect: { drug: 'Metformin', status: 'held' } },
  { text: 'lisinopril on hold', expect: { drug: 'lisinopril', status: 'held' } },
  {
    text: 'Increase lisinopril to 20 mg daily',
    expect: { drug: 'lisinopril', status: 'increased', strength: mg(20), timing: D1 },
  },
  {
    text: 'Lisinopril increased from 10 mg to 20 mg daily',
    expect: { drug: 'Lisinopril', status: 'increased', strength: mg(20), timing: D1 },
  },
  {
    text: 'gabapentin uptitrated to 600 mg tid',
    expect: { drug: 'gabapentin', status: 'increased', strength: mg(600), timing: D3 },
  },
  {
    text: 'Decrease metoprolol to 25 mg bid',
    expect: { drug: 'metoprolol', status: 'decreased', strength: mg(25), timing: D2 },
  },
  {
    text: 'furosemide reduced to 20 mg daily',
    expect: { drug: 'furosemide', status: 'decreased', strength: mg(20), timing: D1 },
  },
  {
    text: 'prednisone tapered to 10 mg daily',
    expect: { drug: 'prednisone', status: 'decreased', strength: mg(10), timing: D1 },
  },
  {
    text: 'Taper prednisone by 5 mg weekly',
    expect: { drug: 'prednisone', status: 'decreased', strength: mg(5), timing: W1 },
  },
  {
    text: 'Switched to losartan 50 mg daily',
    expect: { drug: 'losartan', status: 'changed', strength: mg(50), timing: D1 },
  },
  {
    text: 'Changed from lisinopril to losartan 25 mg daily',
    expect: [{ drug: 'lisinopril' }, { drug: 'losartan', status: 'changed', strength: mg(25), timing: D1 }],
  },
  {
    text: 'switch omeprazole to pantoprazole 40 mg daily',
    expect: [
      { drug: 'omeprazole' },
      { drug: 'pantoprazole', status: 'changed', strength: mg(40), timing: D1 },
    ],
  },
  {
    text: 'Resume warfarin 5 mg daily',
    expect: { drug: 'warfarin', status: 'started', strength: mg(5), timing: D1 },
  },
  { text: 'metoprolol - HELD', expect: { drug: 'metoprolol', status: 'held' } },
  { text: 'sertraline: continue', expect: { drug: 'sertraline', status: 'continued' } },
  {
    text: 'Restarted home amlodipine 5 mg daily',
    expect: { drug: 'amlodipine', status: 'started', strength: mg(5), timing: D1 },
  },
  {
    text: 'Discontinued clopidogrel and started aspirin 81 mg daily',
    expect: [
      { drug: 'clopidogrel', status: 'stopped' },
      { drug: 'aspirin', status: 'started', strength: mg(81), timing: D1 },
    ],
  },
  { text: 'duloxetine was weaned off', expect: { drug: 'duloxetine', status: 'decreased' } },

  // ---------------------------------------------------------------- indication
  {
    text: 'lisinopril 10 mg daily for hypertension',
    expect: { drug: 'lisinopril', strength: mg(10), timing: D1, indication: 'hypertension' },
  },
  {
    text: 'amlodipine 5 mg daily for BP',
    expect: { drug: 'amlodipine', strength: mg(5), timing: D1, indication: 'BP' },
  },
  {
    text: 'amlodipine 5 mg daily for blood pressure',
    expect: { drug: 'amlodipine', strength: mg(5), timing: D1, indication: 'blood pressure' },
  },
  {
    text: 'tramadol 50 mg q6h for pain',
    expect: { drug: 'tramadol', strength: mg(50), timing: H(6), indication: 'pain' },
  },
  {
    text: 'gabapentin 300 mg tid for neuropathic pain',
    expect: { drug: 'gabapentin', strength: mg(300), timing: D3, indication: 'neuropathic pain' },
  },
  {
    text: 'sertraline 50 mg daily for depression',
    expect: { drug: 'sertraline', strength: mg(50), timing: D1, indication: 'depression' },
  },
  {
    text: 'tamsulosin 0.4 mg qhs for BPH',
    expect: { drug: 'tamsulosin', strength: mg(0.4), timing: DAILY_AT('HS'), indication: 'BPH' },
  },
  {
    text: 'apixaban 5 mg bid for atrial fibrillation',
    expect: { drug: 'apixaban', strength: mg(5), timing: D2, indication: 'atrial fibrillation' },
  },
  {
    text: 'enoxaparin 40 mg SC daily for DVT prophylaxis',
    expect: { drug: 'enoxaparin', strength: mg(40), route: 'SC', timing: D1, indication: 'DVT prophylaxis' },
  },
  {
    text: 'allopurinol 300 mg daily for gout',
    expect: { drug: 'allopurinol', strength: mg(300), timing: D1, indication: 'gout' },
  },
  {
    text: 'metformin 500 mg bid for type 2 diabetes',
    expect: { drug: 'metformin', strength: mg(500), timing: D2, indication: 'type 2 diabetes' },
  },
  {
    text: 'donepezil 10 mg qhs for dementia',
    expect: { drug: 'donepezil', strength: mg(10), timing: DAILY_AT('HS'), indication: 'dementia' },
  },
  {
    text: 'montelukast 10 mg daily for his asthma',
    expect: { drug: 'montelukast', strength: mg(10), timing: D1, indication: 'asthma' },
  },
  {
    text: 'omeprazole 20 mg daily (for GERD)',
    expect: { drug: 'omeprazole', strength: mg(20), timing: D1, indication: 'GERD' },
  },
  {
    text: 'colchicine 0.6 mg bid for 3 days for gout flare',
    expect: {
      drug: 'colchicine',
      strength: mg(0.6),
      timing: D2,
      duration: days(3),
      indication: 'gout flare',
    },
  },
  {
    text: 'ciprofloxacin 500 mg bid x 3 days for UTI',
    expect: { drug: 'ciprofloxacin', strength: mg(500), timing: D2, duration: days(3), indication: 'UTI' },
  },

  // ---------------------------------------------------------------- lists and several drugs
  {
    text: 'continue lisinopril 10 mg daily, metformin 500 mg bid and atorvastatin 40 mg qhs',
    expect: [
      { drug: 'lisinopril', status: 'continued', strength: mg(10), timing: D1 },
      { drug: 'metformin', status: 'continued', strength: mg(500), timing: D2 },
      { drug: 'atorvastatin', status: 'continued', strength: mg(40), timing: DAILY_AT('HS') },
    ],
  },
  {
    text: 'She takes aspirin 81 mg daily, clopidogrel 75 mg daily and metoprolol 25 mg bid.',
    expect: [
      { drug: 'aspirin', strength: mg(81), timing: D1 },
      { drug: 'clopidogrel', strength: mg(75), timing: D1 },
      { drug: 'metoprolol', strength: mg(25), timing: D2 },
    ],
  },
  {
    text: 'Piperacillin 4 g and tazobactam 0.5 g IV q8h',
    expect: [
      { drug: 'Piperacillin', strength: q(4, 'g') },
      { drug: 'tazobactam', strength: q(0.5, 'g'), route: 'IV', timing: H(8) },
    ],
  },
  {
    text: 'Medications: lisinopril 20 mg daily; metformin 1000 mg bid; aspirin 81 mg daily',
    expect: [
      { drug: 'lisinopril', strength: mg(20), timing: D1 },
      { drug: 'metformin', strength: mg(1000), timing: D2 },
      { drug: 'aspirin', strength: mg(81), timing: D1 },
    ],
  },
  {
    text: 'MEDICATIONS:\n1. Metformin 1000 mg PO BID\n2. Lisinopril 10 mg PO daily\n3. Atorvastatin 40 mg PO qhs\n',
    expect: [
      { drug: 'Metformin', strength: mg(1000), route: 'PO', timing: D2 },
      { drug: 'Lisinopril', strength: mg(10), route: 'PO', timing: D1 },
      { drug: 'Atorvastatin', strength: mg(40), route: 'PO', timing: DAILY_AT('HS') },
    ],
  },
  {
    text: 'Current medications:\n- aspirin 81 mg daily\n- furosemide 20 mg po qam\n- potassium chloride 10 mEq po daily\n',
    expect: [
      { drug: 'aspirin', strength: mg(81), timing: D1 },
      { drug: 'furosemide', strength: mg(20), route: 'PO', timing: DAILY_AT('MORN') },
      { drug: 'potassium chloride', strength: q(10, 'meq'), route: 'PO', timing: D1 },
    ],
  },
  {
    text: 'MEDICATIONS:\n* Amlodipine 5 mg daily\n* Omeprazole 20 mg daily before breakfast\n',
    expect: [
      { drug: 'Amlodipine', strength: mg(5), timing: D1 },
      { drug: 'Omeprazole', strength: mg(20), timing: DAILY_AT('ACM') },
    ],
  },
  {
    text: 'Medication        Dose      Route   Frequency\nlisinopril        10 mg     PO      daily\nmetformin         500 mg    PO      BID\n',
    expect: [
      { drug: 'lisinopril', strength: mg(10), route: 'PO', timing: D1 },
      { drug: 'metformin', strength: mg(500), route: 'PO', timing: D2 },
    ],
  },
  {
    text: 'Medication\tDose\tRoute\tFrequency\tIndication\nlisinopril\t10 mg\tPO\tdaily\thypertension\nsertraline\t50 mg\tPO\tdaily\tdepression\n',
    expect: [
      { drug: 'lisinopril', strength: mg(10), route: 'PO', timing: D1, indication: 'hypertension' },
      { drug: 'sertraline', strength: mg(50), route: 'PO', timing: D1, indication: 'depression' },
    ],
  },
  {
    text: '| Drug | Dose | Route | Frequency | Status |\n|---|---|---|---|---|\n| warfarin | 5 mg | PO | daily | HOLD |\n| apixaban | 5 mg | PO | BID | NEW |\n',
    expect: [
      { drug: 'warfarin', strength: mg(5), route: 'PO', timing: D1, status: 'held' },
      { drug: 'apixaban', strength: mg(5), route: 'PO', timing: D2, status: 'started' },
    ],
  },
  {
    text: 'Medications:\nlisinopril    10 mg    daily\nmetoprolol    25 mg    bid\n',
    expect: [
      { drug: 'lisinopril', strength: mg(10), timing: D1 },
      { drug: 'metoprolol', strength: mg(25), timing: D2 },
    ],
  },
  {
    text: 'He received 40 mg of intravenous furosemide.',
    expect: { drug: 'furosemide', strength: mg(40), route: 'IV' },
  },
  {
    text: 'He was treated with 1 g of IV methylprednisolone daily for 5 days.',
    expect: { drug: 'methylprednisolone', strength: q(1, 'g'), route: 'IV', timing: D1, duration: days(5) },
  },
  {
    text: 'Her medications included oral furosemide 20 mg and levothyroxine 100 mcg, both once daily.',
    expect: [
      { drug: 'furosemide', route: 'PO', strength: mg(20), timing: D1 },
      { drug: 'levothyroxine', strength: q(100, 'ug'), timing: D1 },
    ],
  },
  {
    text: 'Acetaminophen 1 g, ibuprofen 400 mg and oxycodone 5 mg were given.',
    expect: [
      { drug: 'Acetaminophen', strength: q(1, 'g') },
      { drug: 'ibuprofen', strength: mg(400) },
      { drug: 'oxycodone', strength: mg(5) },
    ],
  },
  {
    text: 'aspirin 81 mg daily and oral metformin 500 mg bid',
    expect: [
      { drug: 'aspirin', strength: mg(81), timing: D1 },
      { drug: 'metformin', route: 'PO', strength: mg(500), timing: D2 },
    ],
  },
  {
    text: 'prednisone 60 mg daily for 7 days, then 40 mg daily for 7 days',
    expect: { drug: 'prednisone', strength: mg(60), timing: D1, duration: days(7) },
  },
  {
    text: 'Senna 2 tabs qhs + docusate 100 mg bid',
    expect: [
      { drug: 'Senna', dose: tab(2), timing: DAILY_AT('HS') },
      { drug: 'docusate', strength: mg(100), timing: D2 },
    ],
  },
  {
    text: 'ceftriaxone 1 g IV daily, azithromycin 500 mg IV daily',
    expect: [
      { drug: 'ceftriaxone', strength: q(1, 'g'), route: 'IV', timing: D1 },
      { drug: 'azithromycin', strength: mg(500), route: 'IV', timing: D1 },
    ],
  },
  {
    text: 'sulfamethoxazole/trimethoprim 800/160 mg po bid',
    expect: { drug: 'sulfamethoxazole/trimethoprim', route: 'PO', timing: D2 },
  },
  {
    text: 'cholecalciferol (vitamin D3) 1000 units daily',
    expect: { drug: 'cholecalciferol', dose: q(1000, 'U'), timing: D1 },
  },
  {
    text: 'metoprolol succinate 50 mg daily and lisinopril 5 mg daily for heart failure',
    expect: [
      { drug: 'metoprolol succinate', strength: mg(50), timing: D1 },
      { drug: 'lisinopril', strength: mg(5), timing: D1, indication: 'heart failure' },
    ],
  },
  {
    text: 'Held lisinopril and metformin.',
    expect: [
      { drug: 'lisinopril', status: 'held' },
      { drug: 'metformin', status: 'held' },
    ],
  },
  {
    text: 'lisinopril and metformin were held',
    expect: [
      { drug: 'lisinopril', status: 'held' },
      { drug: 'metformin', status: 'held' },
    ],
  },
  {
    text: 'Discharge medications:\n1. apixaban 5 mg PO BID for atrial fibrillation\n2. metoprolol tartrate 25 mg PO BID\n3. acetaminophen 650 mg PO q6h prn pain\n',
    expect: [
      { drug: 'apixaban', strength: mg(5), route: 'PO', timing: D2, indication: 'atrial fibrillation' },
      { drug: 'metoprolol tartrate', strength: mg(25), route: 'PO', timing: D2 },
      { drug: 'acetaminophen', strength: mg(650), route: 'PO', timing: H(6), prn: 'pain' },
    ],
  },

  // ---------------------------------------------------------------- drug heads without a concept
  {
    text: 'Medications:\n1. Zyrtexa 10 mg PO daily\n',
    expect: { drug: 'Zyrtexa', strength: mg(10), route: 'PO', timing: D1 },
  },
  {
    text: 'Home meds:\n- Brandolex 25 mg po bid\n- aspirin 81 mg daily\n',
    expect: [
      { drug: 'Brandolex', strength: mg(25), route: 'PO', timing: D2 },
      { drug: 'aspirin', strength: mg(81), timing: D1 },
    ],
  },
  {
    text: 'MEDICATIONS:\nNovadrine HCl 5 mg tid\n',
    expect: { drug: 'Novadrine HCl', strength: mg(5), timing: D3 },
  },
  {
    text: 'Muscle relaxation was obtained with cisatracurium 0.15 mg/kg.',
    expect: { drug: 'cisatracurium', strength: { value: 0.15, unit: 'mg', per: { value: 1, unit: 'kg' } } },
  },
  {
    text: 'The patient was given zanubrutinib 160 mg po bid.',
    expect: { drug: 'zanubrutinib', strength: mg(160), route: 'PO', timing: D2 },
  },
  {
    text: 'Induction with remifentanil (0.5 mcg/kg).',
    expect: { drug: 'remifentanil', strength: { value: 0.5, unit: 'ug', per: { value: 1, unit: 'kg' } } },
  },
  {
    text: 'She received 500 mg of tocilizumab IV.',
    expect: { drug: 'tocilizumab', strength: mg(500), route: 'IV' },
  },
  { text: 'Meds: Fexorvin 180 mg daily', expect: { drug: 'Fexorvin', strength: mg(180), timing: D1 } },
  {
    text: '| Medication | Dose | Frequency |\n| Quelmarin | 2 tabs | bid |\n',
    expect: { drug: 'Quelmarin', dose: tab(2), timing: D2 },
  },
  {
    text: 'MEDICATIONS:\n1. Velorab ER 200 mg daily\n',
    expect: { drug: 'Velorab', form: 'ER', strength: mg(200), timing: D1 },
  },

  // ---------------------------------------------------------------- prose: intensity, classes, parentheses
  {
    text: 'She was treated with high-dose prednisone 60 mg daily.',
    expect: { drug: 'prednisone', intensity: 'high', strength: mg(60), timing: D1 },
  },
  {
    text: 'Low-dose aspirin 81 mg daily was continued.',
    expect: { drug: 'aspirin', intensity: 'low', strength: mg(81), timing: D1, status: 'continued' },
  },
  {
    text: 'A loading dose of amiodarone 150 mg IV was given.',
    expect: { drug: 'amiodarone', intensity: 'loading', strength: mg(150), route: 'IV' },
  },
  {
    text: 'He remained on a maintenance dose of prednisone.',
    expect: { drug: 'prednisone', intensity: 'maintenance', status: 'continued' },
  },
  { text: 'She received IV antibiotics.', expect: { drug: 'antibiotics', route: 'IV' } },
  {
    text: 'He was started on oral corticosteroids.',
    expect: { drug: 'corticosteroids', status: 'started', route: 'PO' },
  },
  {
    text: 'Anticoagulation was continued with Xarelta (20 mg daily).',
    expect: { drug: 'Xarelta', strength: mg(20), timing: D1 },
  },
  {
    text: 'Analgesia with acetaminophen 1 g, Dipyrona 1 g and morphine 2 mg.',
    expect: [
      { drug: 'acetaminophen', strength: q(1, 'g') },
      { drug: 'Dipyrona', strength: q(1, 'g') },
      { drug: 'morphine', strength: mg(2) },
    ],
  },
  {
    text: 'She was started on oral Ribaxin 400 mg bid.',
    expect: { drug: 'Ribaxin', status: 'started', route: 'PO', strength: mg(400), timing: D2 },
  },
  { text: 'Then 800 mg of VPA was given.', expect: { drug: 'VPA', strength: mg(800) } },
  {
    text: 'prednisone 60 mg daily, then tapered to 10 mg daily',
    expect: { drug: 'prednisone', strength: mg(60), timing: D1 },
  },
  {
    text: 'prednisone was tapered from 60 mg daily to 10 mg daily',
    expect: { drug: 'prednisone', status: 'decreased', strength: mg(10), timing: D1 },
  },
  {
    text: 'zoledronic acid 5 mg IV once vitamin D is repleted',
    expect: [{ drug: 'zoledronic acid', strength: mg(5), route: 'IV' }, { drug: 'vitamin D' }],
  },
  {
    text: 'amphotericin B (L-AMB) 3 mg/kg/day',
    expect: { drug: 'amphotericin B', strength: { value: 3, unit: 'mg', per: { value: 1, unit: 'kg/d' } } },
  },
  { text: 'A 14G catheter and 2 L of saline were placed.', expect: { drug: 'saline', dose: q(2, 'L') } },
  {
    text: 'Medications:\nfluticasone/salmeterol 250/50 mcg 1 inhalation BID\nalbuterol 2 puffs q4h prn\n',
    expect: [
      { drug: 'fluticasone/salmeterol', dose: puff(1), timing: D2 },
      { drug: 'albuterol', dose: puff(2), timing: H(4), prn: true },
    ],
  },

  // ---------------------------------------------------------------- not medication sigs
  { text: 'Glucose 120 mg/dL, creatinine 1.1 mg/dL.', expect: [] },
  { text: 'Weight 70 kg, blood loss 200 mL.', expect: [] },
  { text: 'Cough for 3 days, fever x 2 days.', expect: [] },
  { text: 'Allergies: penicillin (rash), sulfa.', expect: [] },
  { text: 'Stage IV lung cancer.', expect: [] },
  { text: 'Labs: Na 138, K 4.1, Cr 0.9 mg/dL, Hgb 12.0 g/dL', expect: [] },
  { text: 'Follow up in 2 weeks.', expect: [] },
  { text: 'She walks 2 miles daily.', expect: [] },
];

/** The comparable form of a medication (see Expect). */
function normalizeMedication(m: Medication): Expect {
  const out: Expect = { drug: m.drug.text };
  const qty = (x: {
    value: number;
    valueHigh?: number;
    unit: string;
    per?: { value: number; unit: string };
  }): Qty => ({
    value: x.value,
    ...(x.valueHigh !== undefined ? { valueHigh: x.valueHigh } : {}),
    unit: x.unit,
    ...(x.per ? { per: { ...x.per } } : {}),
  });
  if (m.strength) out.strength = qty(m.strength);
  if (m.dose) out.dose = qty(m.dose);
  if (m.form) out.form = m.form.code;
  if (m.route) out.route = m.route.code;
  if (m.frequency) out.timing = m.frequency.timing;
  if (m.asNeeded) out.prn = m.asNeeded.reason ? m.asNeeded.reason.text : true;
  if (m.duration) {
    out.duration = {
      value: m.duration.value,
      ...(m.duration.valueHigh !== undefined ? { valueHigh: m.duration.valueHigh } : {}),
      unit: m.duration.unit,
    };
  }
  if (m.status) out.status = m.status.value;
  if (m.indication) out.indication = m.indication.text;
  if (m.intensity) out.intensity = m.intensity.value;
  return out;
}

const pipeline = createPipelineSync(
  {
    name: 'sig-table',
    components: [
      { name: 'normalize' },
      { name: 'sections' },
      { name: 'sentences' },
      { name: 'tokens' },
      { name: 'concepts' },
      { name: 'medications' },
    ],
  },
  {
    registry: standInRegistry(DRUGS),
    context: fileResourceContext(),
  },
);

function runSig(text: string): { meds: Medication[]; text: string } {
  const doc = pipeline.runSync(new Doc(text));
  return { meds: doc.get('medications'), text };
}

const results: { row: Row; ok: boolean }[] = [];

describe('sig table', () => {
  for (const row of ROWS) {
    it(JSON.stringify(row.text), () => {
      const { meds, text } = runSig(row.text);
      const got = meds.map(normalizeMedication);
      const want = Array.isArray(row.expect) ? row.expect : [row.expect];
      const ok = JSON.stringify(sortKeys(got)) === JSON.stringify(sortKeys(want));
      results.push({ row, ok });
      expect(got).toEqual(want);
      // every span reproduces its text
      for (const m of meds) {
        for (const s of [
          m,
          m.drug,
          m.strength,
          m.dose,
          m.form,
          m.route,
          m.frequency,
          m.asNeeded,
          m.duration,
          m.status,
          m.indication,
          m.asNeeded?.reason,
          m.intensity,
        ]) {
          if (!s) continue;
          expect(s.start).toBeLessThan(s.end);
          if ('text' in s) expect(text.slice(s.start, s.end)).toBe(s.text);
        }
        expect(m.start).toBeLessThanOrEqual(m.drug.start);
        expect(m.end).toBeGreaterThanOrEqual(m.drug.end);
        expect(m.evidence.component).toBe('medications');
        expect(m.evidence.rule).toBeTruthy();
      }
    });
  }
});

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    return Object.fromEntries(
      Object.entries(v as Record<string, unknown>)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, x]) => [k, sortKeys(x)]),
    );
  }
  return v;
}

describe('sig table summary', () => {
  it('has at least 300 rows, and reports the share exactly right', () => {
    expect(ROWS.length).toBeGreaterThanOrEqual(300);
    expect(new Set(ROWS.map((r) => r.text)).size).toBe(ROWS.length);
  });
  afterAll(() => {
    const ok = results.filter((r) => r.ok).length;
    const share = results.length === 0 ? 0 : ok / results.length;
    console.log(`[sig table] ${ok}/${results.length} rows exactly right (${(share * 100).toFixed(1)}%)`);
  });
});
