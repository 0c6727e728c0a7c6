/**
 * Minimal FHIR R4 (4.0.1) shapes for the resources Clinote emits, written for Clinote from the
 * specification (https://hl7.org/fhir/R4/). Only the elements Clinote fills are declared; names and
 * value types follow R4. `@types/fhir` (the `fhir4` namespace) can replace these: every interface
 * here is a structural subset of its namesake there.
 */

export interface Coding {
  system?: string;
  version?: string;
  code?: string;
  display?: string;
}

export interface CodeableConcept {
  coding?: Coding[];
  text?: string;
}

export interface Identifier {
  use?: 'usual' | 'official' | 'temp' | 'secondary' | 'old';
  system?: string;
  value?: string;
}

export interface Reference {
  /** Only the data-absent-reason extension, where a required reference has no value (Claim). */
  extension?: Extension[];
  reference?: string;
  type?: string;
  identifier?: Identifier;
  display?: string;
}

export interface Quantity {
  value?: number;
  comparator?: '<' | '<=' | '>=' | '>';
  unit?: string;
  system?: string;
  code?: string;
}

export interface Range {
  low?: Quantity;
  high?: Quantity;
}

export interface Ratio {
  numerator?: Quantity;
  denominator?: Quantity;
}

export interface Period {
  start?: string;
  end?: string;
}

export interface Extension {
  url: string;
  valueInteger?: number;
  valueString?: string;
  valueCode?: string;
  valueReference?: Reference;
  extension?: Extension[];
}

export interface Meta {
  profile?: string[];
  tag?: Coding[];
}

export interface Annotation {
  text: string;
}

export interface Attachment {
  contentType?: string;
  language?: string;
  data?: string;
  url?: string;
  size?: number;
  hash?: string;
  title?: string;
}

interface DomainResource {
  id?: string;
  meta?: Meta;
  extension?: Extension[];
}

export interface Patient extends DomainResource {
  resourceType: 'Patient';
  identifier?: Identifier[];
}

export interface DocumentReference extends DomainResource {
  resourceType: 'DocumentReference';
  identifier?: Identifier[];
  status: 'current' | 'superseded' | 'entered-in-error';
  type?: CodeableConcept;
  subject?: Reference;
  description?: string;
  content: { attachment: Attachment; format?: Coding }[];
  context?: { period?: Period };
}

export interface Condition extends DomainResource {
  resourceType: 'Condition';
  clinicalStatus?: CodeableConcept;
  verificationStatus?: CodeableConcept;
  category?: CodeableConcept[];
  severity?: CodeableConcept;
  code?: CodeableConcept;
  bodySite?: CodeableConcept[];
  subject: Reference;
  onsetDateTime?: string;
  note?: Annotation[];
}

export interface FamilyMemberHistoryCondition {
  extension?: Extension[];
  code: CodeableConcept;
  note?: Annotation[];
}

export interface FamilyMemberHistory extends DomainResource {
  resourceType: 'FamilyMemberHistory';
  status: 'partial' | 'completed' | 'entered-in-error' | 'health-unknown';
  patient: Reference;
  relationship: CodeableConcept;
  condition?: FamilyMemberHistoryCondition[];
}

export interface TimingRepeat {
  boundsDuration?: Quantity;
  count?: number;
  frequency?: number;
  frequencyMax?: number;
  period?: number;
  periodMax?: number;
  periodUnit?: 's' | 'min' | 'h' | 'd' | 'wk' | 'mo' | 'a';
  dayOfWeek?: ('mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun')[];
  timeOfDay?: string[];
  when?: string[];
}

export interface Timing {
  repeat?: TimingRepeat;
  code?: CodeableConcept;
}

export interface Dosage {
  text?: string;
  timing?: Timing;
  asNeededBoolean?: boolean;
  asNeededCodeableConcept?: CodeableConcept;
  route?: CodeableConcept;
  doseAndRate?: { doseQuantity?: Quantity; doseRange?: Range }[];
}

export interface MedicationStatement extends DomainResource {
  resourceType: 'MedicationStatement';
  status:
    | 'active'
    | 'completed'
    | 'entered-in-error'
    | 'intended'
    | 'stopped'
    | 'on-hold'
    | 'unknown'
    | 'not-taken';
  statusReason?: CodeableConcept[];
  medicationCodeableConcept: CodeableConcept;
  subject: Reference;
  effectiveDateTime?: string;
  reasonCode?: CodeableConcept[];
  dosage?: Dosage[];
}

export interface ObservationComponent {
  code: CodeableConcept;
  valueQuantity?: Quantity;
  valueCodeableConcept?: CodeableConcept;
  valueString?: string;
}

export interface ObservationReferenceRange {
  low?: Quantity;
  high?: Quantity;
  text?: string;
}

export interface Observation extends DomainResource {
  resourceType: 'Observation';
  status:
    | 'registered'
    | 'preliminary'
    | 'final'
    | 'amended'
    | 'corrected'
    | 'cancelled'
    | 'entered-in-error'
    | 'unknown';
  category?: CodeableConcept[];
  code: CodeableConcept;
  subject?: Reference;
  effectiveDateTime?: string;
  valueQuantity?: Quantity;
  valueCodeableConcept?: CodeableConcept;
  valueString?: string;
  valueRange?: Range;
  valueRatio?: Ratio;
  interpretation?: CodeableConcept[];
  referenceRange?: ObservationReferenceRange[];
  component?: ObservationComponent[];
  derivedFrom?: Reference[];
}

export interface Procedure extends DomainResource {
  resourceType: 'Procedure';
  status:
    | 'preparation'
    | 'in-progress'
    | 'not-done'
    | 'on-hold'
    | 'stopped'
    | 'completed'
    | 'entered-in-error'
    | 'unknown';
  code?: CodeableConcept;
  subject: Reference;
  performedDateTime?: string;
  bodySite?: CodeableConcept[];
}

/** An element holding only extensions: the JSON `_name` of a primitive with no value (`_created`). */
export interface PrimitiveExtension {
  extension: Extension[];
}

export interface ClaimDiagnosis {
  extension?: Extension[];
  sequence: number;
  diagnosisCodeableConcept?: CodeableConcept;
  diagnosisReference?: Reference;
  type?: CodeableConcept[];
}

export interface ClaimInsurance {
  sequence: number;
  focal: boolean;
  coverage: Reference;
}

/**
 * Claim (R4), used only to carry the suggested ICD-10-CM codes as a sequenced diagnosis list
 * (docs/fhir.md, "Claim"). `created` is a dateTime, or absent with `_created` carrying the
 * data-absent-reason extension.
 */
export interface Claim extends DomainResource {
  resourceType: 'Claim';
  status: 'active' | 'cancelled' | 'draft' | 'entered-in-error';
  type: CodeableConcept;
  use: 'claim' | 'preauthorization' | 'predetermination';
  patient: Reference;
  created?: string;
  _created?: PrimitiveExtension;
  provider: Reference;
  priority: CodeableConcept;
  diagnosis?: ClaimDiagnosis[];
  insurance: ClaimInsurance[];
}

export type FhirResource =
  | Patient
  | DocumentReference
  | Condition
  | FamilyMemberHistory
  | MedicationStatement
  | Observation
  | Procedure
  | Claim;

export interface BundleEntry {
  fullUrl: string;
  resource: FhirResource;
}

export interface Bundle {
  resourceType: 'Bundle';
  id: string;
  meta?: Meta;
  identifier?: Identifier;
  type: 'collection';
  timestamp?: string;
  entry: BundleEntry[];
}
