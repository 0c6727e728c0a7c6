/**
 * The `medications` layer: one Medication per drug mention, with the sig attributes linked to it.
 * Every span is half-open [start, end) into the ORIGINAL text and reproduces `text` exactly.
 * See docs/medications.md for the attributes, their normalization and the rule ids.
 */

import type { Evidence } from '../../doc/types.js';
import type { TimingRepeat as FhirTimingRepeat } from '../../output/fhir/types.js';

/** A span of the original text with the text it covers. */
export interface TextSpan {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

export interface MedicationDrug extends TextSpan {
  /** Index into `doc.get('concepts')` when the drug is a concept mention (absent for a head found by rule). */
  readonly concept?: number;
  /** RxNorm code of the concept, when it has one and the drug is a single concept. */
  readonly rxnorm?: string;
}

/** A quantity per something: `0.5 mg/mL` -> per {value 1, unit 'mL'}; `250 mg/5 mL` -> per {value 5, unit 'mL'}. */
export interface Per {
  readonly value: number;
  /** UCUM unit of the denominator (`mL`, `kg`, `m2`, `h`, `d`, `{dose}`, `kg/d`...). */
  readonly unit: string;
}

export interface MedicationStrength extends TextSpan {
  readonly value: number;
  /** Upper bound of a range (`2.5-5 mg`). */
  readonly valueHigh?: number;
  /** UCUM unit of the amount (`mg`, `ug`, `g`, `meq`, `mmol`, `U`, `[iU]`, `%`, `mL`, `L`). */
  readonly unit: string;
  readonly per?: Per;
}

export interface MedicationDose extends TextSpan {
  readonly value: number;
  readonly valueHigh?: number;
  /** UCUM (`mL`, `U`, `[iU]`, `[tsp_us]`) or a form unit in braces (`{tablet}`, `{capsule}`, `{puff}`, `{drop}`...). */
  readonly unit: string;
}

export interface MedicationForm extends TextSpan {
  /** Clinote form code (docs/medications.md: `TAB`, `CAP`, `ERTAB`, `SOL`, `MDINHL`, `PATCH`, `INJ`, `CRM`...). */
  readonly code: string;
  readonly display: string;
}

/** Route codes (docs/medications.md). */
export type RouteCode =
  | 'PO'
  | 'IV'
  | 'IM'
  | 'SC'
  | 'SL'
  | 'BUCC'
  | 'INH'
  | 'TOP'
  | 'TD'
  | 'PR'
  | 'PV'
  | 'NAS'
  | 'OPH'
  | 'OT'
  | 'ID'
  | 'IT'
  | 'EPI'
  | 'IA'
  | 'IVT'
  | 'IO'
  | 'NG'
  | 'GT'
  | 'UR';

export interface MedicationRoute extends TextSpan {
  readonly code: RouteCode | string;
  readonly display: string;
}

/** FHIR R4 Timing.repeat (the fields Clinote fills: all but the bounds). */
export type TimingRepeat = Omit<FhirTimingRepeat, 'boundsDuration'>;

export interface MedicationFrequency extends TextSpan {
  readonly timing: TimingRepeat;
}

export interface MedicationAsNeeded extends TextSpan {
  readonly reason?: TextSpan;
}

export interface MedicationDuration extends TextSpan {
  readonly value: number;
  readonly valueHigh?: number;
  /** FHIR duration unit: `min`, `h`, `d`, `wk`, `mo`, `a`. */
  readonly unit: string;
}

export type MedicationStatusValue =
  | 'started'
  | 'stopped'
  | 'continued'
  | 'held'
  | 'increased'
  | 'decreased'
  | 'changed';

export interface MedicationStatus extends TextSpan {
  readonly value: MedicationStatusValue;
}

/** How strong the dose is, when written without an amount: `high-dose`, `low-dose`, `maintenance dose`. */
export interface MedicationIntensity extends TextSpan {
  readonly value: 'high' | 'low' | 'standard' | 'maintenance' | 'loading' | 'prophylactic' | 'stress';
}

export interface Medication {
  /** The whole mention: the drug and the attributes written with it (attributes shared with other drugs excluded). */
  readonly start: number;
  readonly end: number;
  readonly drug: MedicationDrug;
  readonly strength?: MedicationStrength;
  readonly dose?: MedicationDose;
  readonly form?: MedicationForm;
  readonly route?: MedicationRoute;
  readonly frequency?: MedicationFrequency;
  readonly asNeeded?: MedicationAsNeeded;
  readonly duration?: MedicationDuration;
  readonly status?: MedicationStatus;
  readonly indication?: TextSpan;
  /** Dose intensity written without an amount (an addition to the agreed contract; FHIR: dosage text). */
  readonly intensity?: MedicationIntensity;
  /** `component: 'medications'`; `rule`: the rule ids that made the mention, space-separated. */
  readonly evidence: Evidence;
}
