/** The manifest of a classifier directory: its TypeBox schema and type. */
import { type Static, Type } from '@sinclair/typebox';
import { DataFileSchema, MODEL_FORMAT, Sha256, WEIGHTS_FILE } from '../artifact.js';

const closed = { additionalProperties: false } as const;

/** Version of the feature extractors' output; a model of another version must be trained again. */
export const CLASSIFY_FEATURES_VERSION = 1;

const SplitMetricsSchema = Type.Object(
  {
    examples: Type.Integer({ minimum: 0 }),
    accuracy: Type.Number(),
    macroF1: Type.Number(),
    microF1: Type.Number(),
    logLoss: Type.Optional(Type.Number()),
    ece: Type.Optional(Type.Number({ description: 'Expected calibration error, 15 bins, calibrated' })),
    rareRecall: Type.Optional(
      Type.Number({ description: 'Recall on the classes with fewer than 20 training examples' }),
    ),
    perClass: Type.Optional(
      Type.Record(
        Type.String(),
        Type.Object(
          {
            support: Type.Integer({ minimum: 0 }),
            precision: Type.Number(),
            recall: Type.Number(),
            f1: Type.Number(),
          },
          closed,
        ),
      ),
    ),
  },
  closed,
);

export const ClassifierManifestSchema = Type.Object(
  {
    format: Type.Literal(MODEL_FORMAT),
    formatVersion: Type.Integer({ minimum: 1 }),
    name: Type.String({ minLength: 1, pattern: '^[a-z0-9][a-z0-9._-]*$' }),
    version: Type.String({ pattern: '^\\d+\\.\\d+\\.\\d+' }),
    task: Type.Literal('classify'),
    kind: Type.String({
      minLength: 1,
      description: 'What is classified: `assertion`, `specialty`, `section`, ...',
    }),
    description: Type.Optional(Type.String()),
    labels: Type.Array(Type.String(), { minItems: 2, uniqueItems: true }),
    features: Type.Object(
      {
        version: Type.Integer({ minimum: 1 }),
        bits: Type.Integer({ minimum: 4, maximum: 24 }),
        normalize: Type.Boolean({ description: 'Feature vectors scaled to unit L2 norm' }),
        description: Type.String({ description: 'The feature templates, in words' }),
      },
      closed,
    ),
    hyperparameters: Type.Record(Type.String(), Type.Union([Type.Number(), Type.String(), Type.Boolean()])),
    seed: Type.Integer(),
    data: Type.Object(
      {
        source: Type.Optional(Type.String()),
        train: Type.Array(DataFileSchema),
        dev: Type.Array(DataFileSchema),
        split: Type.Optional(Type.String({ description: 'How train, dev and held-out were drawn' })),
        license: Type.Optional(Type.String()),
        attribution: Type.Optional(Type.String()),
      },
      closed,
    ),
    metrics: Type.Record(Type.String(), SplitMetricsSchema, {
      description: 'Scores by split (`dev`: the part tuned on; `heldout`: the part only scored)',
    }),
    calibration: Type.Object(
      {
        method: Type.Literal('temperature'),
        temperature: Type.Number({ exclusiveMinimum: 0 }),
        bins: Type.Integer({ minimum: 1 }),
        fittedOn: Type.String(),
        eceBefore: Type.Number(),
        eceAfter: Type.Number(),
        scoredOn: Type.String(),
      },
      closed,
    ),
    thresholds: Type.Union([Type.Array(Type.Number({ exclusiveMinimum: 0 })), Type.Null()], {
      description: 'Per-class thresholds: the decision is the largest p / t (null: the argmax)',
    }),
    code: Type.Object({ package: Type.String(), version: Type.String() }, closed),
    weights: Type.Object(
      {
        file: Type.Literal(WEIGHTS_FILE),
        layout: Type.Literal('sparse-rows-float32le'),
        rows: Type.Integer({ minimum: 1 }),
        cols: Type.Integer({ minimum: 1 }),
        nonzeroRows: Type.Integer({ minimum: 0 }),
        sha256: Sha256,
        bytes: Type.Integer({ minimum: 0 }),
      },
      closed,
    ),
    created: Type.String({ description: 'ISO 8601 time of training' }),
  },
  { ...closed, description: 'manifest.json of a Clinote classifier directory' },
);

export type ClassifierManifest = Static<typeof ClassifierManifestSchema>;
