/**
 * The `measurements` layer: lab results and vital signs, each with its test, value, unit (UCUM),
 * reference range and abnormal flag as written, with exact offsets. See docs/measurements.md.
 *
 * Every span is half-open [start, end) into the ORIGINAL text and `text` reproduces it.
 */
import type { Evidence } from '../../doc/types.js';

export type MeasurementKind = 'lab' | 'vital';

export type VitalKind = 'bp' | 'hr' | 'rr' | 'temp' | 'spo2' | 'weight' | 'height' | 'bmi' | 'pain';

export type FlagCode = 'H' | 'L' | 'HH' | 'LL' | 'A' | 'critical';

export type Comparator = '<' | '<=' | '>' | '>=';

export interface TextSpan {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

export interface MeasurementTest extends TextSpan {
  /** Canonical test name (lexicon name, or the concept's code display). */
  readonly name?: string;
  /** Lexicon id of the test (`sodium`, `hr`), when the lexicon knows it. */
  readonly id?: string;
  /** LOINC code: from the `lab` concept when it has one, else from the lexicon. */
  readonly loinc?: string;
  /** Index into the concepts layer when a concept covers the test. */
  readonly concept?: number;
  /**
   * For a test named only by its head word (`liver function was normal`, `CT unremarkable`): the
   * FHIR Observation category the head word gives (`laboratory`, `imaging`, `exam`).
   */
  readonly category?: 'laboratory' | 'imaging' | 'exam';
}

export type ValueKind = 'numeric' | 'range' | 'qualitative' | 'ratio';

export interface MeasurementValue extends TextSpan {
  readonly kind: ValueKind;
  /** numeric: the number (`2,340` -> 2340); for a comparator, the limit (`<0.01` -> 0.01). */
  readonly value?: number;
  /** range: the bounds (`2-3`). */
  readonly low?: number;
  readonly high?: number;
  /** ratio: the two numbers (`1:160`, BP `142/88`). */
  readonly numerator?: number;
  readonly denominator?: number;
  /** qualitative: the normalized result (`positive`, `negative`, `trace`, `1+`, `not detected`, `normal`, `elevated`...). */
  readonly qualitative?: string;
  readonly comparator?: Comparator;
}

export interface MeasurementUnit extends TextSpan {
  /** The unit in UCUM (case-sensitive form): `mg/dL`, `meq/L`, `10*3/uL`, `mm[Hg]`, `Cel`, `[degF]`. */
  readonly ucum: string;
}

export interface ReferenceRange extends TextSpan {
  readonly low?: number;
  readonly high?: number;
  /** Set for a one-sided range (`<100`, `>60`). */
  readonly comparator?: Comparator;
}

export interface MeasurementFlag extends TextSpan {
  readonly code: FlagCode;
}

export interface BpComponent extends TextSpan {
  readonly value: number;
}

/** The value in another unit: computed, or as written next to it (`38.2 C (100.8 F)`). */
export interface ConvertedValue {
  readonly value: number;
  readonly ucum: string;
  /** Present when the note writes the converted value itself. */
  readonly start?: number;
  readonly end?: number;
  readonly text?: string;
}

export interface OxygenDevice extends TextSpan {
  /** `room-air`, `nasal-cannula`, `high-flow-nasal-cannula`, `face-mask`, `non-rebreather`, `venturi-mask`, `bipap`, `cpap`, `ventilator`, `trach-collar`, `supplemental-oxygen`. */
  readonly code: string;
  readonly display: string;
}

export interface OxygenFlow extends TextSpan {
  readonly value: number;
  /** Always `L/min`. */
  readonly ucum: string;
}

export interface OxygenSupport {
  readonly device?: OxygenDevice;
  readonly flow?: OxygenFlow;
  /** Inspired oxygen fraction as written (`FiO2 40%`, `40% venturi`), in percent. */
  readonly fio2?: TextSpan & { readonly value: number };
}

export interface Measurement {
  readonly kind: MeasurementKind;
  /** From the test's start to the end of the last part that belongs to this result. */
  readonly start: number;
  readonly end: number;
  readonly test: MeasurementTest;
  readonly value?: MeasurementValue;
  readonly unit?: MeasurementUnit;
  /** UCUM unit assumed when none is written (vital signs only: `/min`, `%`, `mm[Hg]`, `Cel`...). */
  readonly defaultUnit?: string;
  readonly referenceRange?: ReferenceRange;
  readonly flag?: MeasurementFlag;
  readonly vital?: VitalKind;
  /** Blood pressure: systolic and diastolic. */
  readonly components?: { readonly systolic?: BpComponent; readonly diastolic?: BpComponent };
  /** Temperature in the other scale (Cel <-> [degF]), weight (kg <-> [lb_av]), height (cm <-> [in_i]). */
  readonly converted?: ConvertedValue;
  /** SpO2: oxygen device, flow and FiO2. */
  readonly o2?: OxygenSupport;
  /** Index of the sentence holding the test, or -1. */
  readonly sentence: number;
  readonly evidence: Evidence;
}

declare module '../../doc/types.js' {
  interface Layers {
    measurements: Measurement[];
  }
}
