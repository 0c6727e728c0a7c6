/**
 * Code systems and codes used by the FHIR mapping (docs/fhir.md). Written for Clinote from the FHIR
 * R4 specification and its terminology pages; the SNOMED CT codes are those of the FHIR example value
 * sets (route codes, condition severity, qualitative results) and should be checked against a
 * SNOMED CT release before they are relied on (docs/fhir.md, "Codes to verify").
 */
import type { Coding } from './types.js';

export const SYSTEM = {
  icd10cm: 'http://hl7.org/fhir/sid/icd-10-cm',
  icd10pcs: 'http://www.cms.gov/Medicare/Coding/ICD10',
  rxnorm: 'http://www.nlm.nih.gov/research/umls/rxnorm',
  loinc: 'http://loinc.org',
  snomed: 'http://snomed.info/sct',
  hcpcs: 'http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets',
  cpt: 'http://www.ama-assn.org/go/cpt',
  cvx: 'http://hl7.org/fhir/sid/cvx',
  hpo: 'http://human-phenotype-ontology.org',
  ucum: 'http://unitsofmeasure.org',
  conditionClinical: 'http://terminology.hl7.org/CodeSystem/condition-clinical',
  conditionVerification: 'http://terminology.hl7.org/CodeSystem/condition-ver-status',
  conditionCategory: 'http://terminology.hl7.org/CodeSystem/condition-category',
  observationCategory: 'http://terminology.hl7.org/CodeSystem/observation-category',
  interpretation: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation',
  roleCode: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode',
  claimType: 'http://terminology.hl7.org/CodeSystem/claim-type',
  processPriority: 'http://terminology.hl7.org/CodeSystem/processpriority',
  diagnosisType: 'http://terminology.hl7.org/CodeSystem/ex-diagnosistype',
  /** The core extension for a required element with no value (R4 extension-data-absent-reason). */
  dataAbsentReason: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason',
} as const;

/** Clinote's own URLs (extensions, local code systems, identifiers). */
export const CLINOTE = {
  sourceSpan: 'https://clinote.dev/fhir/StructureDefinition/source-span',
  assertion: 'https://clinote.dev/fhir/StructureDefinition/assertion',
  course: 'https://clinote.dev/fhir/StructureDefinition/condition-course',
  acuity: 'https://clinote.dev/fhir/StructureDefinition/condition-acuity',
  pipeline: 'https://clinote.dev/fhir/StructureDefinition/pipeline',
  noteId: 'https://clinote.dev/fhir/NamingSystem/note-id',
  routeSystem: 'https://clinote.dev/fhir/CodeSystem/route',
  o2Device: 'https://clinote.dev/fhir/CodeSystem/oxygen-device',
  pipelineTag: 'https://clinote.dev/fhir/CodeSystem/pipeline',
  localSystem: (s: string): string => `https://clinote.dev/fhir/CodeSystem/${encodeURIComponent(s)}`,
} as const;

/** Pack code system names -> FHIR system URLs. Unknown systems get a Clinote URL. */
const PACK_SYSTEMS: Record<string, string> = {
  icd10cm: SYSTEM.icd10cm,
  'icd-10-cm': SYSTEM.icd10cm,
  icd10pcs: SYSTEM.icd10pcs,
  rxnorm: SYSTEM.rxnorm,
  loinc: SYSTEM.loinc,
  snomed: SYSTEM.snomed,
  snomedct: SYSTEM.snomed,
  sct: SYSTEM.snomed,
  hcpcs: SYSTEM.hcpcs,
  cpt: SYSTEM.cpt,
  cvx: SYSTEM.cvx,
  hpo: SYSTEM.hpo,
};

export function systemUrl(packSystem: string): string {
  return PACK_SYSTEMS[packSystem.toLowerCase()] ?? CLINOTE.localSystem(packSystem);
}

/** Vital signs: LOINC code and display (the FHIR R4 vital signs profiles), by `Measurement.vital`. */
export const VITAL_CODES: Record<string, Coding[]> = {
  bp: [{ system: SYSTEM.loinc, code: '85354-9', display: 'Blood pressure panel with all children optional' }],
  hr: [{ system: SYSTEM.loinc, code: '8867-4', display: 'Heart rate' }],
  rr: [{ system: SYSTEM.loinc, code: '9279-1', display: 'Respiratory rate' }],
  temp: [{ system: SYSTEM.loinc, code: '8310-5', display: 'Body temperature' }],
  spo2: [
    {
      system: SYSTEM.loinc,
      code: '59408-5',
      display: 'Oxygen saturation in Arterial blood by Pulse oximetry',
    },
    { system: SYSTEM.loinc, code: '2708-6', display: 'Oxygen saturation in Arterial blood' },
  ],
  weight: [{ system: SYSTEM.loinc, code: '29463-7', display: 'Body weight' }],
  height: [{ system: SYSTEM.loinc, code: '8302-2', display: 'Body height' }],
  bmi: [{ system: SYSTEM.loinc, code: '39156-5', display: 'Body mass index (BMI) [Ratio]' }],
  pain: [
    {
      system: SYSTEM.loinc,
      code: '72514-3',
      display: 'Pain severity - 0-10 verbal numeric rating [Score] - Reported',
    },
  ],
};

export const BP_SYSTOLIC: Coding = {
  system: SYSTEM.loinc,
  code: '8480-6',
  display: 'Systolic blood pressure',
};
export const BP_DIASTOLIC: Coding = {
  system: SYSTEM.loinc,
  code: '8462-4',
  display: 'Diastolic blood pressure',
};
export const O2_FLOW: Coding = { system: SYSTEM.loinc, code: '3151-8', display: 'Inhaled oxygen flow rate' };
export const O2_CONCENTRATION: Coding = {
  system: SYSTEM.loinc,
  code: '3150-0',
  display: 'Inhaled oxygen concentration',
};

/** Medication route codes of the medications layer -> SNOMED CT route of administration. */
export const ROUTE_SNOMED: Record<string, { code: string; display: string }> = {
  PO: { code: '26643006', display: 'Oral route' },
  IV: { code: '47625008', display: 'Intravenous route' },
  IM: { code: '78421000', display: 'Intramuscular route' },
  SC: { code: '34206005', display: 'Subcutaneous route' },
  SL: { code: '37839007', display: 'Sublingual route' },
  BUCC: { code: '54471007', display: 'Buccal route' },
  INH: { code: '447694001', display: 'Respiratory tract route' },
  TOP: { code: '6064005', display: 'Topical route' },
  TD: { code: '45890007', display: 'Transdermal route' },
  PR: { code: '37161004', display: 'Rectal route' },
  PV: { code: '16857009', display: 'Vaginal route' },
  NAS: { code: '46713006', display: 'Nasal route' },
  OPH: { code: '54485002', display: 'Ophthalmic route' },
  OT: { code: '10547007', display: 'Otic route' },
  ID: { code: '372464004', display: 'Intradermal route' },
  IT: { code: '72607000', display: 'Intrathecal route' },
  EPI: { code: '404820008', display: 'Epidural route' },
  IA: { code: '58100008', display: 'Intra-arterial route' },
  IO: { code: '60213007', display: 'Intraosseous route' },
  NG: { code: '127492001', display: 'Nasogastric route' },
  GT: { code: '127490009', display: 'Gastrostomy route' },
  UR: { code: '90028008', display: 'Urethral route' },
};

/** Condition severity (the FHIR condition-severity value set). */
export const SEVERITY_SNOMED: Record<string, { code: string; display: string }> = {
  mild: { code: '255604002', display: 'Mild' },
  moderate: { code: '6736007', display: 'Moderate' },
  severe: { code: '24484000', display: 'Severe' },
};

/** Qualitative lab results -> SNOMED CT qualifier values. */
export const QUALITATIVE_SNOMED: Record<string, { code: string; display: string }> = {
  positive: { code: '10828004', display: 'Positive' },
  negative: { code: '260385009', display: 'Negative' },
  detected: { code: '260373001', display: 'Detected' },
  'not detected': { code: '260415000', display: 'Not detected' },
  normal: { code: '17621005', display: 'Normal' },
  abnormal: { code: '263654008', display: 'Abnormal' },
};

/** Abnormal flags -> v3 ObservationInterpretation. */
export const INTERPRETATION: Record<string, { code: string; display: string }> = {
  H: { code: 'H', display: 'High' },
  L: { code: 'L', display: 'Low' },
  HH: { code: 'HH', display: 'Critical high' },
  LL: { code: 'LL', display: 'Critical low' },
  A: { code: 'A', display: 'Abnormal' },
  critical: { code: 'AA', display: 'Critical abnormal' },
};

/** Family relationships as written -> v3 RoleCode. Longest phrases are tried first. */
export const RELATIONSHIPS: readonly {
  readonly written: string;
  readonly code: string;
  readonly display: string;
}[] = [
  { written: 'maternal grandmother', code: 'MGRMTH', display: 'maternal grandmother' },
  { written: 'paternal grandmother', code: 'PGRMTH', display: 'paternal grandmother' },
  { written: 'maternal grandfather', code: 'MGRFTH', display: 'maternal grandfather' },
  { written: 'paternal grandfather', code: 'PGRFTH', display: 'paternal grandfather' },
  { written: 'maternal aunt', code: 'MAUNT', display: 'maternal aunt' },
  { written: 'paternal aunt', code: 'PAUNT', display: 'paternal aunt' },
  { written: 'maternal uncle', code: 'MUNCLE', display: 'maternal uncle' },
  { written: 'paternal uncle', code: 'PUNCLE', display: 'paternal uncle' },
  { written: 'half-brother', code: 'HBRO', display: 'half-brother' },
  { written: 'half brother', code: 'HBRO', display: 'half-brother' },
  { written: 'half-sister', code: 'HSIS', display: 'half-sister' },
  { written: 'half sister', code: 'HSIS', display: 'half-sister' },
  { written: 'grandmother', code: 'GRMTH', display: 'grandmother' },
  { written: 'grandfather', code: 'GRFTH', display: 'grandfather' },
  { written: 'grandparent', code: 'GRPRN', display: 'grandparent' },
  { written: 'grandparents', code: 'GRPRN', display: 'grandparent' },
  { written: 'mother', code: 'MTH', display: 'mother' },
  { written: 'mom', code: 'MTH', display: 'mother' },
  { written: 'father', code: 'FTH', display: 'father' },
  { written: 'dad', code: 'FTH', display: 'father' },
  { written: 'parents', code: 'PRN', display: 'parent' },
  { written: 'parent', code: 'PRN', display: 'parent' },
  { written: 'brothers', code: 'BRO', display: 'brother' },
  { written: 'brother', code: 'BRO', display: 'brother' },
  { written: 'sisters', code: 'SIS', display: 'sister' },
  { written: 'sister', code: 'SIS', display: 'sister' },
  { written: 'siblings', code: 'SIB', display: 'sibling' },
  { written: 'sibling', code: 'SIB', display: 'sibling' },
  { written: 'sons', code: 'SON', display: 'natural son' },
  { written: 'son', code: 'SON', display: 'natural son' },
  { written: 'daughters', code: 'DAU', display: 'natural daughter' },
  { written: 'daughter', code: 'DAU', display: 'natural daughter' },
  { written: 'children', code: 'CHILD', display: 'child' },
  { written: 'child', code: 'CHILD', display: 'child' },
  { written: 'aunt', code: 'AUNT', display: 'aunt' },
  { written: 'uncle', code: 'UNCLE', display: 'uncle' },
  { written: 'cousin', code: 'COUSN', display: 'cousin' },
  { written: 'twin', code: 'TWIN', display: 'twin' },
];

export const FAMILY_MEMBER: Coding = { system: SYSTEM.roleCode, code: 'FAMMEMB', display: 'family member' };
