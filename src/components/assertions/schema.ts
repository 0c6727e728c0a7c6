/**
 * JSON Schema (TypeBox) of the `assertion` object the component puts on every concept, for the
 * result schema (`ConceptSchema`) and for consumers that validate the output.
 */
import { Type } from '@sinclair/typebox';
import { ASSERTION_CATEGORIES, TEMPORALITIES } from './types.js';

const Category = Type.Union(ASSERTION_CATEGORIES.map((c) => Type.Literal(c)));
const SpanObject = Type.Object(
  { start: Type.Integer({ minimum: 0 }), end: Type.Integer({ minimum: 0 }) },
  { additionalProperties: false },
);

export const AssertionEvidenceSchema = Type.Object(
  {
    category: Type.Union([Category, Type.Literal('AFFIRMED')]),
    source: Type.Union([Type.Literal('cue'), Type.Literal('section'), Type.Literal('default')]),
    rule: Type.String({ description: 'Rule id: `neg.no`, `section.family-history`, `assertions.default`' }),
    cue: Type.Union(
      [
        Type.Object(
          { start: Type.Integer({ minimum: 0 }), end: Type.Integer({ minimum: 0 }), text: Type.String() },
          { additionalProperties: false },
        ),
        Type.Null(),
      ],
      { description: 'The cue as written (or the section header); original offsets' },
    ),
    scope: SpanObject,
  },
  { additionalProperties: false },
);

const TemporalitySchema = Type.Union(
  TEMPORALITIES.map((t) => Type.Literal(t)),
  {
    description:
      "ConText's onset axis: historical when the condition began more than 14 days before the visit, hypothetical, otherwise recent",
  },
);

export const TemporalityEvidenceSchema = Type.Object(
  {
    temporality: TemporalitySchema,
    source: Type.Union([
      Type.Literal('cue'),
      Type.Literal('lexicon'),
      Type.Literal('section'),
      Type.Literal('default'),
    ]),
    rule: Type.String({
      description:
        'Rule or lexicon id: `hist.h-o`, `onset.duration`, `chronic.hypertension`, `temporality.default`',
    }),
    cue: Type.Union(
      [
        Type.Object(
          { start: Type.Integer({ minimum: 0 }), end: Type.Integer({ minimum: 0 }), text: Type.String() },
          { additionalProperties: false },
        ),
        Type.Null(),
      ],
      { description: 'The cue or lexicon term as written (or the section header); original offsets' },
    ),
    scope: SpanObject,
  },
  { additionalProperties: false },
);

export const AssertionSchema = Type.Object(
  {
    status: Type.Union(
      ['present', 'absent', 'possible', 'hypothetical', 'historical', 'family', 'conditional', 'allergy'].map(
        (s) => Type.Literal(s),
      ),
      { description: 'Summary; only `present` is a current, affirmed problem of the patient' },
    ),
    categories: Type.Array(Category, { uniqueItems: true }),
    evidence: Type.Array(AssertionEvidenceSchema, { minItems: 1 }),
    temporality: TemporalitySchema,
    temporalityEvidence: Type.Array(TemporalityEvidenceSchema, { minItems: 1 }),
  },
  {
    additionalProperties: false,
    description:
      'Negation, uncertainty, temporality and experiencer of a concept, with evidence (docs/assertions.md)',
  },
);
