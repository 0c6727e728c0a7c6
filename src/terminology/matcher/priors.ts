/**
 * Section-aware priors: the same words are more likely a drug under Medications and a lab under
 * Labs. Categories are the sectionizer's (resources/sections/sections.json); unknown categories
 * have no prior. Multipliers of the entry score; 1 = no effect.
 */
type Priors = Readonly<Partial<Record<string, number>>>;

const MEDS: Priors = { medication: 1.6, lab: 0.6, procedure: 0.8 };
const LABS: Priors = { lab: 1.6, medication: 0.6 };
const PROCS: Priors = { procedure: 1.4, medication: 0.8 };
const PROBLEMS: Priors = { problem: 1.3 };
const EXAM: Priors = { problem: 1.1, anatomy: 1.2 };

export const SECTION_PRIORS: Readonly<Record<string, Priors>> = {
  medications: MEDS,
  admission_medications: MEDS,
  discharge_medications: MEDS,
  allergies: { medication: 1.4, problem: 0.9 },
  immunizations: { medication: 1.3 },
  labs: LABS,
  diagnostic_data: LABS,
  vital_signs: { lab: 1.2 },
  procedures: PROCS,
  procedure_details: PROCS,
  past_surgical_history: PROCS,
  anesthesia: { medication: 1.3, procedure: 1.2 },
  imaging: { procedure: 1.1, anatomy: 1.1 },
  physical_exam: EXAM,
  review_of_systems: { problem: 1.2 },
  chief_complaint: PROBLEMS,
  past_medical_history: PROBLEMS,
  problem_list: PROBLEMS,
  diagnoses: PROBLEMS,
  admission_diagnoses: PROBLEMS,
  discharge_diagnoses: PROBLEMS,
  preoperative_diagnosis: PROBLEMS,
  postoperative_diagnosis: PROBLEMS,
  assessment: PROBLEMS,
  assessment_and_plan: PROBLEMS,
  impression: PROBLEMS,
  family_history: PROBLEMS,
};

export function sectionPrior(category: string | undefined, type: string): number {
  if (category === undefined) return 1;
  return SECTION_PRIORS[category]?.[type] ?? 1;
}

/** Units that mark a dose (medication) rather than a lab value after a term. */
export const DOSE_UNITS: ReadonlySet<string> = new Set([
  'mg',
  'mcg',
  'µg',
  'g',
  'gm',
  'ml',
  'l',
  'unit',
  'units',
  'iu',
  'meq',
  'tab',
  'tabs',
  'tablet',
  'tablets',
  'cap',
  'caps',
  'capsule',
  'capsules',
  'puff',
  'puffs',
  'patch',
  'drop',
  'drops',
  'mg/kg',
  'mcg/kg',
]);

/** Weight of a term by its kind: the preferred name is the surest. */
export const KIND_WEIGHT: Readonly<Record<string, number>> = {
  preferred: 1,
  exact: 1,
  synonym: 0.97,
  index: 0.96,
  brand: 0.97,
  lay: 0.95,
  abbreviation: 0.92,
  related: 0.85,
  narrow: 0.85,
  broad: 0.8,
};
