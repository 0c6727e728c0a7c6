/**
 * The JSON result of one note: the documented contract of `clinote extract`. `schemas/result.schema.json`
 * is generated from this (`npm run generate`) and a test keeps it in step.
 *
 * One schema per layer, composed here: the core layers from `src/doc/schema.ts` (the layer types
 * are `Static<>` of the same schemas), the fields components add to concepts (`assertion`,
 * `modifiers`) and the layers they add to the result (`medications`, `measurements`, `dates`) from
 * the components. Every object is closed (`additionalProperties: false`): a component that adds a
 * field or a layer to the result adds its schema here, or `src/output/examples.test.ts` fails.
 */
import { type Static, type TObject, type TProperties, Type } from '@sinclair/typebox';
import { CodeItemSchema } from '../coding/schema.js';
import { AssertionSchema } from '../components/assertions/schema.js';
import { DateMentionSchema } from '../components/dates/types.js';
import { MeasurementSchema } from '../components/measurements/types.js';
import { MedicationSchema } from '../components/medications/types.js';
import { ModifiersSchema } from '../components/modifiers/types.js';
import {
  ClassificationSchema,
  ConceptSchema,
  closed,
  FlagSchema,
  type ReadonlyDeep,
  SectionSchema,
  SentenceSchema,
  SpanText,
  TokenSchema,
} from '../doc/schema.js';

/** A layer item as written in the result: its fields, then the `text` of [start, end). */
function withText<P extends TProperties>(schema: TObject<P>, description: string) {
  return Type.Object({ ...schema.properties, text: SpanText }, { ...closed, description });
}

export const StampSchema = Type.Object(
  {
    name: Type.String({ description: "The config's `name`" }),
    version: Type.String({
      description: '16 hex digits: a hash of the config, the component versions and the resource files',
    }),
    components: Type.Array(
      Type.Object(
        {
          name: Type.String({ description: 'Registered name of the component' }),
          version: Type.String({ description: 'Semantic version' }),
        },
        { ...closed, description: 'A component of the pipeline' },
      ),
      { description: 'The components, in order' },
    ),
  },
  { ...closed, description: 'The stamp of the pipeline that made the result' },
);

/** A layer item as written in the result: its fields, then the `text` of [start, end) with `--text`. */
function withOptionalText<P extends TProperties>(schema: TObject<P>, description: string) {
  return Type.Object(
    {
      ...schema.properties,
      text: Type.Optional(
        Type.String({ description: 'The original text of [start, end); only with --text (text: true)' }),
      ),
    },
    { ...closed, description },
  );
}

export const ResultSectionSchema = withOptionalText(SectionSchema, 'A section: its header and body');
export const ResultSentenceSchema = withOptionalText(SentenceSchema, 'A sentence');
export const ResultTokenSchema = withText(TokenSchema, 'A token');

/** A concept with the fields components add: `assertion` (assertions) and `modifiers` (modifiers). */
export const ResultConceptSchema = Type.Object(
  {
    ...ConceptSchema.properties,
    assertion: Type.Optional(AssertionSchema),
    modifiers: Type.Optional(ModifiersSchema),
  },
  { ...closed, description: 'A coded concept mention, with its assertion and modifiers when computed' },
);

export const ErrorSchema = Type.Object(
  {
    code: Type.String({ description: 'Stable code from docs/errors.md' }),
    message: Type.String({ description: 'For people; never quotes note text' }),
    details: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), {
        description:
          'Machine-readable context (docs/output.md#error-result): `line`, `row`, `file`, `field`, `path`, `reason`, `bytes`, `limit`',
      }),
    ),
  },
  { ...closed, description: 'Why the note could not be processed' },
);

export const ResultSchema = Type.Object(
  {
    id: Type.String({ description: 'The note id' }),
    pipeline: StampSchema,
    flags: Type.Array(FlagSchema, { description: 'Input problems that did not stop processing' }),
    text: Type.Optional(Type.String({ description: 'The original text (with --text)' })),
    sections: Type.Array(ResultSectionSchema, { description: 'Sections in text order' }),
    sentences: Type.Array(ResultSentenceSchema, { description: 'Sentences in text order' }),
    tokens: Type.Optional(
      Type.Array(ResultTokenSchema, { description: 'Tokens in text order (with --tokens)' }),
    ),
    concepts: Type.Array(ResultConceptSchema, {
      description: 'Coded concept mentions (empty when the pipeline has no concept component)',
    }),
    medications: Type.Optional(
      Type.Array(MedicationSchema, {
        description: 'Medication mentions with their sig (the `medications` component; docs/medications.md)',
      }),
    ),
    measurements: Type.Optional(
      Type.Array(MeasurementSchema, {
        description: 'Lab results and vital signs (the `measurements` component; docs/measurements.md)',
      }),
    ),
    dates: Type.Optional(
      Type.Array(DateMentionSchema, {
        description:
          'Dates, times, relative dates, durations and ages (the `dates` component; docs/dates.md)',
      }),
    ),
    codes: Type.Optional(
      Type.Array(CodeItemSchema, {
        description:
          'ICD-10-CM codes suggested for the note, sequenced, with evidence; review items last (the `coding` component; docs/coding.md)',
      }),
    ),
    classifications: Type.Optional(
      Type.Array(ClassificationSchema, {
        description:
          'Classifications of the note or of its concepts by trained classifiers, each with its calibrated probability (the `classify` component; docs/classify.md)',
      }),
    ),
  },
  {
    $id: 'https://clinote.dev/schemas/result.json',
    title: 'Clinote result',
    description:
      'One note processed by a Clinote pipeline. The optional layers are there when the pipeline has their component.',
    ...closed,
  },
);

export const ErrorResultSchema = Type.Object(
  { id: Type.String({ description: 'The note id' }), pipeline: StampSchema, error: ErrorSchema },
  {
    $id: 'https://clinote.dev/schemas/error-result.json',
    title: 'Clinote error result',
    description: 'A note that could not be processed; the batch went on.',
    ...closed,
  },
);

export type Result = ReadonlyDeep<Static<typeof ResultSchema>>;
export type ErrorResult = ReadonlyDeep<Static<typeof ErrorResultSchema>>;
