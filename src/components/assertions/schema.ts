/**
 * JSON Schema (TypeBox) of the `assertion` object the component puts on every concept, for the
 * result schema (`src/output/schema.ts` composes it onto `ConceptSchema`) and for consumers that
 * validate the output. The types of `./types.ts` are `Static<>` of these schemas.
 */
import { Type } from '@sinclair/typebox';
import { closed, Literals, SpanProperties, TextSpanSchema } from '../../doc/schema.js';

/** The categories a cue or a section default can give (the order of `Assertion.categories`). */
export const ASSERTION_CATEGORY_VALUES = [
  'NEGATED',
  'POSSIBLE',
  'HYPOTHETICAL',
  'HISTORICAL',
  'FAMILY',
  'CONDITIONAL',
  'ALLERGY',
] as const;

/** The summary values (see `statusOf`). */
export const ASSERTION_STATUS_VALUES = [
  'present',
  'absent',
  'possible',
  'hypothetical',
  'historical',
  'family',
  'conditional',
  'allergy',
] as const;

/** ConText's onset axis. */
export const TEMPORALITY_VALUES = ['recent', 'historical', 'hypothetical'] as const;

export const AssertionCategorySchema = Literals(ASSERTION_CATEGORY_VALUES, {
  description: 'A category a cue or a section default gives',
});

export const AssertionStatusSchema = Literals(ASSERTION_STATUS_VALUES, {
  description: 'Summary; only `present` is a current, affirmed problem of the patient',
});

export const TemporalitySchema = Literals(TEMPORALITY_VALUES, {
  description:
    "ConText's onset axis: historical when the condition began more than 14 days before the visit, hypothetical, otherwise recent",
});

export const AssertionEvidenceSchema = Type.Object(
  {
    category: Type.Union([AssertionCategorySchema, Type.Literal('AFFIRMED')], {
      description: 'The category this evidence supports; `AFFIRMED` for the default evidence',
    }),
    source: Literals(['cue', 'section', 'default'] as const, {
      description:
        '`cue`: a rule matched in the sentence; `section`: a section default; `default`: nothing fired',
    }),
    rule: Type.String({ description: 'Rule id: `neg.no`, `section.family-history`, `assertions.default`' }),
    cue: Type.Union([TextSpanSchema, Type.Null()], {
      description: 'The cue as written (or the section header); original offsets; null for the default',
    }),
    scope: Type.Object(SpanProperties, {
      ...closed,
      description:
        'The scope the cue governs (original offsets): tokens after and/or before the cue; the section; the sentence',
    }),
  },
  { ...closed, description: 'Why a category holds (or, for `AFFIRMED`, that nothing fired)' },
);

export const TemporalityEvidenceSchema = Type.Object(
  {
    temporality: TemporalitySchema,
    source: Literals(['cue', 'lexicon', 'section', 'default'] as const, {
      description:
        '`cue`: a cue in the sentence; `lexicon`: the concept names a chronic condition, habit or allergy; `section`: a section default; `default`: nothing fired (recent)',
    }),
    rule: Type.String({
      description:
        'Rule or lexicon id: `hist.h-o`, `onset.duration`, `chronic.hypertension`, `temporality.default`',
    }),
    cue: Type.Union([TextSpanSchema, Type.Null()], {
      description:
        'The cue or lexicon term as written (or the section header); original offsets; null for the default',
    }),
    scope: Type.Object(SpanProperties, {
      ...closed,
      description:
        'What the cue governs: the category scope, the cue through the concept, the concept, the section or the clause',
    }),
  },
  { ...closed, description: 'Why the temporality holds' },
);

export const AssertionSchema = Type.Object(
  {
    status: AssertionStatusSchema,
    categories: Type.Array(AssertionCategorySchema, {
      uniqueItems: true,
      description: 'The categories that hold, in canonical order; empty when the concept is present',
    }),
    evidence: Type.Array(AssertionEvidenceSchema, {
      minItems: 1,
      description: 'The evidence of every category, or the default',
    }),
    temporality: TemporalitySchema,
    temporalityEvidence: Type.Array(TemporalityEvidenceSchema, {
      minItems: 1,
      description: 'The evidence that decided the temporality',
    }),
  },
  {
    ...closed,
    description:
      'Set by the `assertions` component on every concept: negation, uncertainty, temporality and experiencer, with evidence (docs/assertions.md)',
  },
);
