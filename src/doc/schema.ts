/**
 * TypeBox schemas of the core layers of the document model: sections, sentences, tokens, concepts
 * (with their codes, candidates, matched term and evidence) and input flags. The layer types of
 * `src/doc/types.ts` are `Static<>` of these schemas, and the result schema (`src/output/schema.ts`,
 * generated into `schemas/result.schema.json`) is composed from them: one schema per layer.
 *
 * Every object is closed (`additionalProperties: false`); a component that adds a field to a core
 * item declares it by merging into the interface (`declare module '../../doc/types.js'`) AND adds
 * its schema where the result schema composes the item (`src/output/schema.ts`).
 */
import { type TLiteral, type TUnion, Type } from '@sinclair/typebox';

/**
 * `T` with every property readonly, all the way down (arrays become readonly arrays). The layer
 * types are `ReadonlyDeep<Static<typeof XSchema>>`: components never mutate a layer in place.
 */
export type ReadonlyDeep<T> = T extends readonly (infer U)[]
  ? readonly ReadonlyDeep<U>[]
  : T extends object
    ? { readonly [K in keyof T]: ReadonlyDeep<T[K]> }
    : T;

/** A union of string literals, e.g. `Literals(['text', 'header'] as const)`. */
export function Literals<T extends string>(
  values: readonly T[],
  options: { description?: string } = {},
): TUnion<TLiteral<T>[]> {
  return Type.Union(
    values.map((v) => Type.Literal(v)),
    options,
  );
}

/** A closed object (`additionalProperties: false`), the rule for every schema of the document model. */
export const closed = { additionalProperties: false } as const;

/** A text offset: UTF-16 code units of the original text. */
export const Offset = (description: string) => Type.Integer({ minimum: 0, description });

/** Index into another layer, or -1 when there is none. */
export const LayerIndex = (description: string) => Type.Integer({ minimum: -1, description });

/** `start`/`end` of a span: half-open [start, end) into the ORIGINAL text. */
export const SpanProperties = {
  start: Offset('Start offset, inclusive, in UTF-16 code units of the original text'),
  end: Offset('End offset, exclusive'),
};

/** The text of a span: `original.slice(start, end)`. */
export const SpanText = Type.String({ description: 'The original text of [start, end)' });

export const SpanSchema = Type.Object(SpanProperties, {
  ...closed,
  description: 'Half-open [start, end) into the original text',
});

/** A span with the text it covers. */
export const TextSpanSchema = Type.Object(
  { ...SpanProperties, text: SpanText },
  { ...closed, description: 'A span of the original text with its text' },
);

export const EvidenceSchema = Type.Object(
  {
    component: Type.String({ description: 'The component that made the annotation' }),
    rule: Type.Optional(Type.String({ description: 'Rule id (resources) or model id@version' })),
    detail: Type.Optional(Type.String({ description: 'More about the rule or the match' })),
    source: Type.Optional(
      Type.Literal('model', { description: 'Present when a trained model made the annotation' }),
    ),
    model: Type.Optional(Type.String({ description: 'The model that made it: `name@version`' })),
  },
  { ...closed, description: 'What made an annotation: the component, and the rule or model inside it' },
);

// ---------------------------------------------------------------------------------------------
// sections

export const SectionHeaderSchema = Type.Object(
  {
    ...SpanProperties,
    text: Type.String({
      description: 'The header as written (without its colon), e.g. `HISTORY OF PRESENT ILLNESS`',
    }),
  },
  { ...closed, description: 'A section header as written' },
);

export const SectionSchema = Type.Object(
  {
    ...SpanProperties,
    category: Type.String({
      description:
        'Normalized category (`hpi`, `medications`, ...); `other` when the header is unknown; `preamble` before any header',
    }),
    header: Type.Union([SectionHeaderSchema, Type.Null()], {
      description: 'The header, when there is one; the section starts at the header',
    }),
    bodyStart: Offset('Where the body begins, after the header and its colon'),
    parent: Type.Optional(
      Type.Integer({
        minimum: 0,
        description:
          'Index (in sections) of the section this one is a part of: an exam or ROS system; absent for top-level sections',
      }),
    ),
    evidence: EvidenceSchema,
  },
  { ...closed, description: 'A section: its header and body' },
);

// ---------------------------------------------------------------------------------------------
// sentences

export const SENTENCE_KINDS = ['text', 'header', 'list-item', 'key-value', 'line'] as const;

export const SentenceKindSchema = Literals(SENTENCE_KINDS, {
  description: 'Why the sentence is a unit: `text`, `header`, `list-item`, `key-value`, `line`',
});

export const SentenceSchema = Type.Object(
  {
    ...SpanProperties,
    section: LayerIndex('Index into sections, or -1 when there is no sections layer'),
    kind: SentenceKindSchema,
  },
  { ...closed, description: 'A sentence (or a header, list item, key-value pair, line)' },
);

// ---------------------------------------------------------------------------------------------
// tokens

export const TOKEN_KINDS = ['word', 'number', 'measure', 'punct', 'symbol'] as const;

export const TokenKindSchema = Literals(TOKEN_KINDS, {
  description: '`word`, `number`, `measure` (`5mg`), `punct`, `symbol`',
});

export const TokenSchema = Type.Object(
  {
    ...SpanProperties,
    kind: TokenKindSchema,
    norm: Type.String({ description: 'Lower-cased, NFC, from the normalized view (what matchers compare)' }),
    value: Type.Optional(
      Type.Number({ description: 'Numeric value of `number` and `measure` tokens (`5mg` -> 5)' }),
    ),
    unit: Type.Optional(Type.String({ description: 'Unit of `measure` tokens (`5mg` -> `mg`)' })),
    sentence: LayerIndex('Index of the sentence holding the token, or -1'),
  },
  { ...closed, description: 'A token' },
);

// ---------------------------------------------------------------------------------------------
// concepts

export const CodeSchema = Type.Object(
  {
    system: Type.String({
      description: '`icd10cm`, `rxnorm`, `loinc`, `doid`, `hpo`, `mesh`, `omim`, `hcpcs`, ...',
    }),
    code: Type.String({ description: 'The code in its system' }),
    display: Type.String({ description: 'The display name of the code' }),
    score: Type.Number({ description: 'How well the code fits the mention (higher is better)' }),
  },
  { ...closed, description: 'A code of a concept' },
);

export const ConceptCandidateSchema = Type.Object(
  {
    id: Type.String({ description: 'Pack id of the concept, e.g. `doid:9352`' }),
    type: Type.String({ description: 'Semantic type' }),
    preferred: Type.String({ description: 'Preferred name' }),
    score: Type.Number({ description: 'Score of this sense (higher is more likely)' }),
    codes: Type.Array(CodeSchema, { description: 'Codes of this sense, best first' }),
    method: Type.Optional(
      Type.String({
        description:
          'How a linked mention found this candidate: `exact`, `variant`, `abbreviation`, `local-abbreviation`, `partial`, `fuzzy` (absent for dictionary matches)',
      }),
    ),
  },
  { ...closed, description: 'Another sense of an ambiguous mention' },
);

export const MatchedSchema = Type.Object(
  {
    term: Type.String({ description: 'The pack term that matched' }),
    source: Type.String({ description: 'Where the term comes from (a source vocabulary, `abbreviations`)' }),
    similarity: Type.Optional(
      Type.Number({ description: 'Similarity of a misspelled match (0..1); absent for an exact match' }),
    ),
  },
  { ...closed, description: 'The pack term that matched and where it comes from' },
);

/**
 * A concept mention, as the terminology component (the `concepts` layer) makes it. Components add
 * fields to concepts (`assertion`, `modifiers`): the result schema composes them onto this one.
 */
export const ConceptSchema = Type.Object(
  {
    ...SpanProperties,
    text: SpanText,
    type: Type.String({
      description: 'Semantic type: problem, medication, procedure, lab, anatomy, device, ...',
    }),
    subtype: Type.Optional(
      Type.String({
        description: 'Finer type: disorder, finding, symptom (problems); ingredient (drugs); ...',
      }),
    ),
    id: Type.Optional(Type.String({ description: 'Pack id of the leading concept, e.g. `doid:9352`' })),
    preferred: Type.Optional(Type.String({ description: 'Preferred name of the leading concept' })),
    codes: Type.Array(CodeSchema, { description: 'Codes, best first' }),
    matched: MatchedSchema,
    score: Type.Number({ description: 'The match score (higher is more confident)' }),
    candidates: Type.Optional(
      Type.Array(ConceptCandidateSchema, {
        description: 'Other senses, ranked, when the mention is ambiguous',
      }),
    ),
    section: Type.Optional(Type.Integer({ minimum: 0, description: 'Index into sections' })),
    sentence: Type.Optional(Type.Integer({ minimum: 0, description: 'Index into sentences' })),
    evidence: EvidenceSchema,
  },
  { ...closed, description: 'A coded concept mention' },
);

// ---------------------------------------------------------------------------------------------
// classifications (the `classify` component's layer)

export const ClassificationSchema = Type.Object(
  {
    ...SpanProperties,
    target: Literals(['document', 'concept'] as const, {
      description: '`document`: the whole note ([0, text length)); `concept`: one concept (its offsets)',
    }),
    concept: Type.Optional(
      Type.Integer({ minimum: 0, description: 'Index into concepts (target `concept`)' }),
    ),
    kind: Type.String({ description: 'What was classified: `assertion`, `specialty`, ... (the model kind)' }),
    label: Type.String({ description: 'The decided label' }),
    probability: Type.Number({
      minimum: 0,
      maximum: 1,
      description: 'Calibrated probability of the label (temperature scaling, docs/classify.md)',
    }),
    model: Type.String({ description: 'The model that made it: `name@version`' }),
    evidence: EvidenceSchema,
  },
  {
    ...closed,
    description:
      'A classification of the note or of one concept by a trained classifier, with its probability',
  },
);

// ---------------------------------------------------------------------------------------------
// flags

export const FlagSchema = Type.Object(
  {
    code: Type.String({
      description: 'Stable code from docs/errors.md, e.g. `CLINOTE_W_INPUT_INVALID_UTF8`',
    }),
    message: Type.String({ description: 'For people; never quotes note text' }),
    count: Type.Optional(Type.Integer({ minimum: 0, description: 'How many times the problem occurs' })),
  },
  {
    ...closed,
    description: 'An input problem found while decoding or checking a note; it does not stop processing',
  },
);
