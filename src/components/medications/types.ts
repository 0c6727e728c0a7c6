/**
 * The `medications` layer: one Medication per drug mention, with the sig attributes linked to it.
 * Every span is half-open [start, end) into the ORIGINAL text and reproduces `text` exactly.
 * See docs/medications.md for the attributes, their normalization and the rule ids.
 *
 * `MedicationSchema` is the JSON Schema (TypeBox) of one item, for the result schema
 * (`src/output/schema.ts`); the types below are `Static<>` of these schemas.
 */
import { CloneType, type Static, Type } from '@sinclair/typebox';
import {
  closed,
  EvidenceSchema,
  Literals,
  type ReadonlyDeep,
  SpanProperties,
  SpanText,
  TextSpanSchema,
} from '../../doc/schema.js';
import { SIG_INTENSITIES, SIG_STATUSES, TimingSchema } from './lexicon.js';

/** The span of an attribute: start, end and its text. */
const Span = { ...SpanProperties, text: SpanText };

/** A span of the original text with the text it covers. */
export interface TextSpan extends ReadonlyDeep<Static<typeof TextSpanSchema>> {}

export const MedicationDrugSchema = Type.Object(
  {
    ...Span,
    concept: Type.Optional(
      Type.Integer({
        minimum: 0,
        description:
          'Index into the concepts layer when the drug is a concept mention (absent for a head found by rule)',
      }),
    ),
    rxnorm: Type.Optional(
      Type.String({
        description: 'RxNorm code of the concept, when it has one and the drug is a single concept',
      }),
    ),
  },
  { ...closed, description: 'The drug as written' },
);
export interface MedicationDrug extends ReadonlyDeep<Static<typeof MedicationDrugSchema>> {}

export const PerSchema = Type.Object(
  {
    value: Type.Number({ description: 'The amount of the denominator' }),
    unit: Type.String({
      description: 'UCUM unit of the denominator (`mL`, `kg`, `m2`, `h`, `d`, `{dose}`, `kg/d`...)',
    }),
  },
  {
    ...closed,
    description:
      "A quantity per something: `0.5 mg/mL` -> per {value 1, unit 'mL'}; `250 mg/5 mL` -> per {value 5, unit 'mL'}",
  },
);
export interface Per extends ReadonlyDeep<Static<typeof PerSchema>> {}

const ValueHigh = Type.Optional(Type.Number({ description: 'Upper bound of a range (`2.5-5 mg`)' }));

export const MedicationStrengthSchema = Type.Object(
  {
    ...Span,
    value: Type.Number({ description: 'The amount of drug' }),
    valueHigh: ValueHigh,
    unit: Type.String({
      description: 'UCUM unit of the amount (`mg`, `ug`, `g`, `meq`, `mmol`, `U`, `[iU]`, `%`, `mL`, `L`)',
    }),
    per: Type.Optional(PerSchema),
  },
  { ...closed, description: 'The strength: an amount of drug, maybe per an amount of product' },
);
export interface MedicationStrength extends ReadonlyDeep<Static<typeof MedicationStrengthSchema>> {}

export const MedicationDoseSchema = Type.Object(
  {
    ...Span,
    value: Type.Number({ description: 'How much is taken at a time' }),
    valueHigh: ValueHigh,
    unit: Type.String({
      description:
        'UCUM (`mL`, `U`, `[iU]`, `[tsp_us]`) or a form unit in braces (`{tablet}`, `{capsule}`, `{puff}`, `{drop}`...)',
    }),
  },
  { ...closed, description: 'The dose: how much is taken at a time' },
);
export interface MedicationDose extends ReadonlyDeep<Static<typeof MedicationDoseSchema>> {}

export const MedicationFormSchema = Type.Object(
  {
    ...Span,
    code: Type.String({
      description:
        'Clinote form code (docs/medications.md: `TAB`, `CAP`, `ERTAB`, `SOL`, `MDINHL`, `PATCH`, `INJ`, `CRM`...)',
    }),
    display: Type.String({ description: 'Display name of the form (`tablet`)' }),
  },
  { ...closed, description: 'The dose form' },
);
export interface MedicationForm extends ReadonlyDeep<Static<typeof MedicationFormSchema>> {}

/** Route codes (docs/medications.md). */
export const ROUTE_CODES = [
  'PO',
  'IV',
  'IM',
  'SC',
  'SL',
  'BUCC',
  'INH',
  'TOP',
  'TD',
  'PR',
  'PV',
  'NAS',
  'OPH',
  'OT',
  'ID',
  'IT',
  'EPI',
  'IA',
  'IVT',
  'IO',
  'NG',
  'GT',
  'UR',
] as const;
export type RouteCode = (typeof ROUTE_CODES)[number];

export const MedicationRouteSchema = Type.Object(
  {
    ...Span,
    code: Type.String({
      description: `Route code (docs/medications.md): ${ROUTE_CODES.map((c) => `\`${c}\``).join(', ')}, or a code of the rule data`,
    }),
    display: Type.String({ description: 'Display name of the route (`oral`)' }),
  },
  { ...closed, description: 'The route' },
);
export interface MedicationRoute extends ReadonlyDeep<Static<typeof MedicationRouteSchema>> {}

const timing = TimingSchema.properties;

/** FHIR R4 Timing.repeat (the fields Clinote fills: all but the bounds): the rule data's schema, described. */
export const TimingRepeatSchema = Type.Object(
  {
    count: CloneType(timing.count, { description: 'How many times in all (`x 3`)' }),
    frequency: CloneType(timing.frequency, { description: 'Times per period (`twice daily` -> 2)' }),
    frequencyMax: CloneType(timing.frequencyMax, {
      description: 'Upper bound of the frequency (`1-2 times daily` -> 2)',
    }),
    period: CloneType(timing.period, { description: 'The period (`every 6 hours` -> 6)' }),
    periodMax: CloneType(timing.periodMax, {
      description: 'Upper bound of the period (`every 4-6 hours` -> 6)',
    }),
    periodUnit: CloneType(timing.periodUnit, {
      description: 'Unit of the period: `s`, `min`, `h`, `d`, `wk`, `mo`, `a`',
    }),
    dayOfWeek: CloneType(timing.dayOfWeek, { description: 'Days of the week: `mon` ... `sun`' }),
    timeOfDay: CloneType(timing.timeOfDay, { description: 'Times of day, `hh:mm:ss`' }),
    when: CloneType(timing.when, {
      description: 'FHIR EventTiming codes: `HS` (bedtime), `AC` (before meals), `MORN`, ...',
    }),
  },
  { ...closed, description: 'FHIR R4 Timing.repeat (all but the bounds)' },
);
export type TimingRepeat = ReadonlyDeep<Static<typeof TimingRepeatSchema>>;

export const MedicationFrequencySchema = Type.Object(
  { ...Span, timing: TimingRepeatSchema },
  { ...closed, description: 'The frequency, as FHIR Timing.repeat' },
);
export interface MedicationFrequency extends ReadonlyDeep<Static<typeof MedicationFrequencySchema>> {}

export const MedicationAsNeededSchema = Type.Object(
  { ...Span, reason: Type.Optional(TextSpanSchema) },
  { ...closed, description: 'As needed (PRN), with its reason when written' },
);
export interface MedicationAsNeeded extends ReadonlyDeep<Static<typeof MedicationAsNeededSchema>> {}

export const MedicationDurationSchema = Type.Object(
  {
    ...Span,
    value: Type.Number({ description: 'How long' }),
    valueHigh: ValueHigh,
    unit: Type.String({ description: 'FHIR duration unit: `min`, `h`, `d`, `wk`, `mo`, `a`' }),
  },
  { ...closed, description: 'How long the drug is taken' },
);
export interface MedicationDuration extends ReadonlyDeep<Static<typeof MedicationDurationSchema>> {}

export const MEDICATION_STATUS_VALUES = SIG_STATUSES;
export type MedicationStatusValue = (typeof MEDICATION_STATUS_VALUES)[number];

export const MedicationStatusSchema = Type.Object(
  {
    ...Span,
    value: Literals(MEDICATION_STATUS_VALUES, {
      description: `The change: ${MEDICATION_STATUS_VALUES.map((v) => `\`${v}\``).join(', ')}`,
    }),
  },
  { ...closed, description: 'A change of the medication written with it (`started`, `stopped`, `held`...)' },
);
export interface MedicationStatus extends ReadonlyDeep<Static<typeof MedicationStatusSchema>> {}

export const MEDICATION_INTENSITIES = SIG_INTENSITIES;

export const MedicationIntensitySchema = Type.Object(
  {
    ...Span,
    value: Literals(MEDICATION_INTENSITIES, {
      description: `The intensity: ${MEDICATION_INTENSITIES.map((v) => `\`${v}\``).join(', ')}`,
    }),
  },
  {
    ...closed,
    description:
      'How strong the dose is, when written without an amount: `high-dose`, `low-dose`, `maintenance dose`',
  },
);
export interface MedicationIntensity extends ReadonlyDeep<Static<typeof MedicationIntensitySchema>> {}

export const MedicationSchema = Type.Object(
  {
    start: SpanProperties.start,
    end: SpanProperties.end,
    drug: MedicationDrugSchema,
    strength: Type.Optional(MedicationStrengthSchema),
    dose: Type.Optional(MedicationDoseSchema),
    form: Type.Optional(MedicationFormSchema),
    route: Type.Optional(MedicationRouteSchema),
    frequency: Type.Optional(MedicationFrequencySchema),
    asNeeded: Type.Optional(MedicationAsNeededSchema),
    duration: Type.Optional(MedicationDurationSchema),
    status: Type.Optional(MedicationStatusSchema),
    indication: Type.Optional(TextSpanSchema),
    intensity: Type.Optional(MedicationIntensitySchema),
    evidence: EvidenceSchema,
  },
  {
    ...closed,
    description:
      "A medication mention: the drug and the attributes written with it (attributes shared with other drugs excluded). Evidence: `component: 'medications'`, `rule`: the rule ids that made the mention, space-separated",
  },
);
export interface Medication extends ReadonlyDeep<Static<typeof MedicationSchema>> {}
