/**
 * The `measurements` layer: lab results and vital signs, each with its test, value, unit (UCUM),
 * reference range and abnormal flag as written, with exact offsets. See docs/measurements.md.
 *
 * Every span is half-open [start, end) into the ORIGINAL text and `text` reproduces it.
 *
 * `MeasurementSchema` is the JSON Schema (TypeBox) of one item, for the result schema
 * (`src/output/schema.ts`); the types below are `Static<>` of these schemas.
 */
import { type Static, Type } from '@sinclair/typebox';
import {
  closed,
  EvidenceSchema,
  LayerIndex,
  Literals,
  type ReadonlyDeep,
  SpanProperties,
  SpanText,
  type TextSpanSchema,
} from '../../doc/schema.js';

/** The span of a part: start, end and its text. */
const Span = { ...SpanProperties, text: SpanText };

export const MEASUREMENT_KINDS = ['lab', 'vital'] as const;
export const MeasurementKindSchema = Literals(MEASUREMENT_KINDS, {
  description: '`lab` (a lab or other test result) or `vital` (a vital sign)',
});
export type MeasurementKind = Static<typeof MeasurementKindSchema>;

export const VITAL_KINDS = ['bp', 'hr', 'rr', 'temp', 'spo2', 'weight', 'height', 'bmi', 'pain'] as const;
export const VitalKindSchema = Literals(VITAL_KINDS, {
  description:
    'The vital sign: blood pressure, heart rate, respiratory rate, temperature, SpO2, weight, height, BMI, pain score',
});
export type VitalKind = Static<typeof VitalKindSchema>;

export const FLAG_CODES = ['H', 'L', 'HH', 'LL', 'A', 'critical'] as const;
export const FlagCodeSchema = Literals(FLAG_CODES, {
  description: 'High, low, critically high, critically low, abnormal, critical',
});
export type FlagCode = Static<typeof FlagCodeSchema>;

export const COMPARATORS = ['<', '<=', '>', '>='] as const;
export const ComparatorSchema = Literals(COMPARATORS, {
  description: 'A comparator written before the number (`<0.01`, `less than 5`, `>60`)',
});
export type Comparator = Static<typeof ComparatorSchema>;

export const TEST_CATEGORIES = ['laboratory', 'imaging', 'exam'] as const;

/** A span of the original text with the text it covers. */
export interface TextSpan extends ReadonlyDeep<Static<typeof TextSpanSchema>> {}

export const MeasurementTestSchema = Type.Object(
  {
    ...Span,
    name: Type.Optional(
      Type.String({ description: "Canonical test name (lexicon name, or the concept's code display)" }),
    ),
    id: Type.Optional(
      Type.String({ description: 'Lexicon id of the test (`sodium`, `hr`), when the lexicon knows it' }),
    ),
    loinc: Type.Optional(
      Type.String({
        description: 'LOINC code: from the `lab` concept when it has one, else from the lexicon',
      }),
    ),
    concept: Type.Optional(
      Type.Integer({
        minimum: 0,
        description: 'Index into the concepts layer when a concept covers the test',
      }),
    ),
    category: Type.Optional(
      Literals(TEST_CATEGORIES, {
        description:
          'For a test named only by its head word (`liver function was normal`, `CT unremarkable`): the FHIR Observation category the head word gives',
      }),
    ),
  },
  { ...closed, description: 'The test as written' },
);
export interface MeasurementTest extends ReadonlyDeep<Static<typeof MeasurementTestSchema>> {}

export const VALUE_KINDS = ['numeric', 'range', 'qualitative', 'ratio'] as const;
export const ValueKindSchema = Literals(VALUE_KINDS, {
  description: 'A number, a range (`2-3`), a qualitative result (`positive`), a ratio (`1:160`, BP `142/88`)',
});
export type ValueKind = Static<typeof ValueKindSchema>;

export const MeasurementValueSchema = Type.Object(
  {
    ...Span,
    kind: ValueKindSchema,
    value: Type.Optional(
      Type.Number({
        description: 'numeric: the number (`2,340` -> 2340); with a comparator, the limit (`<0.01` -> 0.01)',
      }),
    ),
    low: Type.Optional(Type.Number({ description: 'range: the lower bound (`2-3` -> 2)' })),
    high: Type.Optional(Type.Number({ description: 'range: the upper bound (`2-3` -> 3)' })),
    numerator: Type.Optional(Type.Number({ description: 'ratio: the first number (`1:160` -> 1)' })),
    denominator: Type.Optional(Type.Number({ description: 'ratio: the second number (`1:160` -> 160)' })),
    qualitative: Type.Optional(
      Type.String({
        description:
          'qualitative: the normalized result (`positive`, `negative`, `trace`, `1+`, `not detected`, `normal`, `elevated`...)',
      }),
    ),
    comparator: Type.Optional(ComparatorSchema),
  },
  { ...closed, description: 'The value as written, normalized' },
);
export interface MeasurementValue extends ReadonlyDeep<Static<typeof MeasurementValueSchema>> {}

export const MeasurementUnitSchema = Type.Object(
  {
    ...Span,
    ucum: Type.String({
      description:
        'The unit in UCUM (case-sensitive form): `mg/dL`, `meq/L`, `10*3/uL`, `mm[Hg]`, `Cel`, `[degF]`',
    }),
  },
  { ...closed, description: 'The unit as written, normalized to UCUM' },
);
export interface MeasurementUnit extends ReadonlyDeep<Static<typeof MeasurementUnitSchema>> {}

export const ReferenceRangeSchema = Type.Object(
  {
    ...Span,
    low: Type.Optional(Type.Number({ description: 'Lower limit' })),
    high: Type.Optional(Type.Number({ description: 'Upper limit' })),
    comparator: Type.Optional(
      Type.Union(
        COMPARATORS.map((c) => Type.Literal(c)),
        { description: 'Set for a one-sided range (`<100`, `>60`)' },
      ),
    ),
  },
  { ...closed, description: 'The reference range as written (`[135-145]`, `ref 0.5-1.2`, `<100`)' },
);
export interface ReferenceRange extends ReadonlyDeep<Static<typeof ReferenceRangeSchema>> {}

export const MeasurementFlagSchema = Type.Object(
  { ...Span, code: FlagCodeSchema },
  {
    ...closed,
    description: 'The abnormal flag as written (`H`, `(L)`, `critical`), or the filler word that sets it',
  },
);
export interface MeasurementFlag extends ReadonlyDeep<Static<typeof MeasurementFlagSchema>> {}

export const BpComponentSchema = Type.Object(
  { ...Span, value: Type.Number({ description: 'The pressure, in mm[Hg]' }) },
  { ...closed, description: 'A blood pressure component as written' },
);
export interface BpComponent extends ReadonlyDeep<Static<typeof BpComponentSchema>> {}

export const BpComponentsSchema = Type.Object(
  {
    systolic: Type.Optional(BpComponentSchema),
    diastolic: Type.Optional(BpComponentSchema),
  },
  { ...closed, description: 'Blood pressure: systolic and diastolic' },
);
export type BpComponents = ReadonlyDeep<Static<typeof BpComponentsSchema>>;

export const ConvertedValueSchema = Type.Object(
  {
    value: Type.Number({ description: 'The value in the other unit (computed to 1 decimal, or as written)' }),
    ucum: Type.String({ description: 'Its UCUM unit: `Cel`, `[degF]`, `kg`, `[lb_av]`, `cm`, `[in_i]`' }),
    start: Type.Optional(
      Type.Integer({
        minimum: 0,
        description: 'Start offset, when the note writes the converted value itself',
      }),
    ),
    end: Type.Optional(Type.Integer({ minimum: 0, description: 'End offset, exclusive (when written)' })),
    text: Type.Optional(Type.String({ description: 'The converted value as written (when written)' })),
  },
  {
    ...closed,
    description:
      'The value in another unit: temperature (Cel <-> [degF]), weight (kg <-> [lb_av]), height (cm <-> [in_i]); computed, or as written next to it (`38.2 C (100.8 F)`)',
  },
);
export interface ConvertedValue extends ReadonlyDeep<Static<typeof ConvertedValueSchema>> {}

export const OxygenDeviceSchema = Type.Object(
  {
    ...Span,
    code: Type.String({
      description:
        '`room-air`, `nasal-cannula`, `high-flow-nasal-cannula`, `face-mask`, `non-rebreather`, `venturi-mask`, `bipap`, `cpap`, `ventilator`, `trach-collar`, `supplemental-oxygen`',
    }),
    display: Type.String({ description: 'Display name of the device' }),
  },
  { ...closed, description: 'The oxygen device as written' },
);
export interface OxygenDevice extends ReadonlyDeep<Static<typeof OxygenDeviceSchema>> {}

export const OxygenFlowSchema = Type.Object(
  {
    ...Span,
    value: Type.Number({ description: 'The flow, in litres per minute' }),
    ucum: Type.Literal('L/min', { description: 'Always `L/min`' }),
  },
  { ...closed, description: 'The oxygen flow as written (`2L`, `3 L/min`)' },
);
export interface OxygenFlow extends ReadonlyDeep<Static<typeof OxygenFlowSchema>> {}

export const Fio2Schema = Type.Object(
  { ...Span, value: Type.Number({ description: 'Inspired oxygen fraction, in percent' }) },
  { ...closed, description: 'The inspired oxygen fraction as written (`FiO2 40%`, `40% venturi`)' },
);
export interface Fio2 extends ReadonlyDeep<Static<typeof Fio2Schema>> {}

export const OxygenSupportSchema = Type.Object(
  {
    device: Type.Optional(OxygenDeviceSchema),
    flow: Type.Optional(OxygenFlowSchema),
    fio2: Type.Optional(Fio2Schema),
  },
  { ...closed, description: 'SpO2: the oxygen device, flow and FiO2 written with it' },
);
export interface OxygenSupport extends ReadonlyDeep<Static<typeof OxygenSupportSchema>> {}

export const MeasurementSchema = Type.Object(
  {
    kind: MeasurementKindSchema,
    ...SpanProperties,
    test: MeasurementTestSchema,
    value: Type.Optional(MeasurementValueSchema),
    unit: Type.Optional(MeasurementUnitSchema),
    defaultUnit: Type.Optional(
      Type.String({
        description:
          'UCUM unit assumed when none is written (vital signs: `/min`, `%`, `mm[Hg]`, `Cel`, `{score}`...)',
      }),
    ),
    referenceRange: Type.Optional(ReferenceRangeSchema),
    flag: Type.Optional(MeasurementFlagSchema),
    vital: Type.Optional(VitalKindSchema),
    components: Type.Optional(BpComponentsSchema),
    converted: Type.Optional(ConvertedValueSchema),
    o2: Type.Optional(OxygenSupportSchema),
    sentence: LayerIndex('Index of the sentence holding the test, or -1'),
    evidence: EvidenceSchema,
  },
  {
    ...closed,
    description:
      'A lab result or vital sign: from the test to the last part that belongs to it (`start`, `end`), with its parts as written (docs/measurements.md)',
  },
);
export interface Measurement extends ReadonlyDeep<Static<typeof MeasurementSchema>> {}

declare module '../../doc/types.js' {
  interface Layers {
    measurements: Measurement[];
  }
}
