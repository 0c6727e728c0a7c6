/**
 * The `dates` layer: dates, times, relative dates, durations and ages, normalized to ISO 8601
 * against the note date when one is given, and attached to the concepts they govern when local.
 * See docs/dates.md.
 *
 * `DateMentionSchema` is the JSON Schema (TypeBox) of one item, for the result schema
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
} from '../../doc/schema.js';

export const DATE_KINDS = ['date', 'datetime', 'time', 'relative', 'duration', 'age'] as const;
export const DateKindSchema = Literals(DATE_KINDS, {
  description:
    'A calendar date (maybe partial), a date with a time, a time of day, a relative date (`3 days ago`, `POD #2`), a duration (`for 6 weeks`), an age (`74 yo`)',
});
export type DateKind = Static<typeof DateKindSchema>;

export const DATE_PRECISIONS = ['year', 'month', 'week', 'day', 'minute', 'second'] as const;
export const DatePrecisionSchema = Literals(DATE_PRECISIONS, { description: 'How precise `value` is' });
export type DatePrecision = Static<typeof DatePrecisionSchema>;

export const DATE_ANCHORS = ['note', 'event', 'admission', 'surgery', 'birth'] as const;
export const DateAnchorSchema = Literals(DATE_ANCHORS, {
  description:
    'What a relative date counts from: the note date, an event the text names, the admission, the surgery, the birth',
});
export type DateAnchor = Static<typeof DateAnchorSchema>;

export const TIME_UNITS = ['min', 'h', 'd', 'wk', 'mo', 'a'] as const;
export const TimeUnitSchema = Literals(TIME_UNITS, {
  description: 'UCUM unit of time: `min`, `h`, `d`, `wk`, `mo`, `a` (year)',
});
export type TimeUnit = Static<typeof TimeUnitSchema>;

export const TimeAmountSchema = Type.Object(
  {
    value: Type.Number({ description: 'The amount (signed for an offset: `3 days ago` -> -3)' }),
    high: Type.Optional(Type.Number({ description: 'Upper bound of a range (`3-4 days`)' })),
    unit: TimeUnitSchema,
  },
  { ...closed, description: 'An amount of time in UCUM units' },
);
export interface TimeAmount extends ReadonlyDeep<Static<typeof TimeAmountSchema>> {}

export const DateMentionSchema = Type.Object(
  {
    ...SpanProperties,
    text: SpanText,
    kind: DateKindSchema,
    value: Type.Optional(
      Type.String({
        description:
          'ISO 8601: `2025-03-14`, partial `2025-03` / `2025`, a week `2025-W11`, a datetime `2025-03-14T10:30`, a time `10:30`, a day without a year `--03-14` (no note date). Absent when it cannot be known (a relative date counted from an event, or from a missing note date)',
      }),
    ),
    precision: Type.Optional(DatePrecisionSchema),
    duration: Type.Optional(
      Type.Object(TimeAmountSchema.properties, {
        ...closed,
        description: 'Durations and ages: the amount (relative dates use `offset`)',
      }),
    ),
    anchor: Type.Optional(DateAnchorSchema),
    offset: Type.Optional(
      Type.Object(TimeAmountSchema.properties, {
        ...closed,
        description: 'Relative dates: the signed amount from the anchor (`3 days ago` -> -3 d)',
      }),
    ),
    approximate: Type.Optional(
      Type.Literal(true, {
        description:
          'Set when the amount or the date is vague (`several days ago`, `within 2 weeks`, `mid-March`)',
      }),
    ),
    governs: Type.Optional(
      Type.Array(Type.Integer({ minimum: 0 }), {
        minItems: 1,
        description: 'Indexes (in concepts) of the concepts the date attaches to (same sentence and clause)',
      }),
    ),
    sentence: LayerIndex('Index of the sentence holding the mention, or -1'),
    evidence: EvidenceSchema,
  },
  {
    ...closed,
    description: 'A date, time, relative date, duration or age as written, normalized (docs/dates.md)',
  },
);
export interface DateMention extends ReadonlyDeep<Static<typeof DateMentionSchema>> {}

declare module '../../doc/types.js' {
  interface Layers {
    dates: DateMention[];
  }
}
