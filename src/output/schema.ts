/**
 * The JSON result of one note: the documented contract of `clinote extract`. `schemas/result.schema.json`
 * is generated from this (`npm run schemas`) and a test keeps it in step.
 */
import { type Static, Type } from '@sinclair/typebox';
import { AssertionSchema } from '../components/assertions/schema.js';

const Int = (description: string) => Type.Integer({ minimum: 0, description });

export const SpanSchema = Type.Object({
  start: Int('Start offset, inclusive, in UTF-16 code units of the original text'),
  end: Int('End offset, exclusive'),
  text: Type.String({ description: 'The original text of [start, end)' }),
});

export const EvidenceSchema = Type.Object(
  {
    component: Type.String(),
    rule: Type.Optional(Type.String({ description: 'Rule id (resources) or model id@version' })),
    detail: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

export const FlagSchema = Type.Object(
  { code: Type.String(), message: Type.String(), count: Type.Optional(Type.Integer()) },
  { additionalProperties: false },
);

export const StampSchema = Type.Object(
  {
    name: Type.String(),
    version: Type.String({ description: 'Hash of the config, component versions and resource files' }),
    components: Type.Array(Type.Object({ name: Type.String(), version: Type.String() })),
  },
  { additionalProperties: false },
);

export const SectionSchema = Type.Composite([
  SpanSchema,
  Type.Object({
    category: Type.String({
      description: 'Normalized category (hpi, medications, ...), `other` or `preamble`',
    }),
    header: Type.Union([SpanSchema, Type.Null()]),
    bodyStart: Int('Where the body starts, after the header'),
    parent: Type.Optional(
      Type.Integer({ description: 'Index of the enclosing section (exam or ROS parts)' }),
    ),
    evidence: EvidenceSchema,
  }),
]);

export const SentenceSchema = Type.Composite([
  SpanSchema,
  Type.Object({
    section: Type.Integer({ description: 'Index into sections, or -1' }),
    kind: Type.Union(['text', 'header', 'list-item', 'key-value', 'line'].map((k) => Type.Literal(k))),
  }),
]);

export const TokenSchema = Type.Composite([
  SpanSchema,
  Type.Object({
    kind: Type.String(),
    norm: Type.String(),
    value: Type.Optional(Type.Number()),
    unit: Type.Optional(Type.String()),
    sentence: Type.Integer(),
  }),
]);

export const CodeSchema = Type.Object({
  system: Type.String({ description: 'icd10cm, rxnorm, loinc, doid, hpo, mesh, omim, hcpcs, ...' }),
  code: Type.String(),
  display: Type.String(),
  score: Type.Number(),
});

export const ConceptSchema = Type.Composite(
  [
    SpanSchema,
    Type.Object({
      type: Type.String({ description: 'problem, medication, procedure, lab, anatomy, device, ...' }),
      codes: Type.Array(CodeSchema),
      matched: Type.Object({
        term: Type.String(),
        source: Type.String(),
        similarity: Type.Optional(Type.Number()),
      }),
      score: Type.Number(),
      evidence: EvidenceSchema,
      assertion: Type.Optional(AssertionSchema),
    }),
  ],
  { additionalProperties: true, description: 'Later components add fields (assertion, attributes).' },
);

export const ErrorSchema = Type.Object(
  {
    code: Type.String({ description: 'Stable code from docs/errors.md' }),
    message: Type.String(),
    details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { additionalProperties: false },
);

export const ResultSchema = Type.Object(
  {
    id: Type.String(),
    pipeline: StampSchema,
    flags: Type.Array(FlagSchema, { description: 'Input problems that did not stop processing' }),
    text: Type.Optional(Type.String({ description: 'The original text (with --text)' })),
    sections: Type.Array(SectionSchema),
    sentences: Type.Array(SentenceSchema),
    tokens: Type.Optional(Type.Array(TokenSchema, { description: 'With --tokens' })),
    concepts: Type.Array(ConceptSchema),
  },
  {
    $id: 'https://clinote.dev/schemas/result.json',
    title: 'Clinote result',
    description: 'One note processed by a Clinote pipeline. Components may add layers as extra keys.',
    additionalProperties: true,
  },
);

export const ErrorResultSchema = Type.Object(
  { id: Type.String(), pipeline: StampSchema, error: ErrorSchema },
  {
    $id: 'https://clinote.dev/schemas/error-result.json',
    title: 'Clinote error result',
    description: 'A note that could not be processed; the batch went on.',
    additionalProperties: false,
  },
);

export type Result = Static<typeof ResultSchema>;
export type ErrorResult = Static<typeof ErrorResultSchema>;
