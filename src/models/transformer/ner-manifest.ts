/**
 * The manifest of a transformer NER model directory (`clinote train ner --architecture transformer`):
 * its labels and entity types, the encoder's sizes, the tokenizer, and the ONNX files onnxruntime
 * serves, with their SHA-256. Read by the `transformer-ner` component; no training code is loaded.
 */
import { type Static, Type } from '@sinclair/typebox';
import { parseTaskManifest, Sha256 } from '../artifact.js';

export const TRANSFORMER_NER_KIND = 'clinote-transformer-ner';
export const TRANSFORMER_NER_VERSION = 1;

export const TransformerNerManifestSchema = Type.Object(
  {
    kind: Type.Literal(TRANSFORMER_NER_KIND),
    version: Type.Integer({ minimum: 1, maximum: TRANSFORMER_NER_VERSION }),
    task: Type.Literal('ner'),
    name: Type.String({ minLength: 1, pattern: '^[a-z0-9][a-z0-9._-]*$' }),
    labels: Type.Array(Type.String(), { minItems: 1, description: 'BIO labels, `O` first' }),
    types: Type.Record(Type.String(), Type.String(), { description: 'Entity type -> Clinote concept type' }),
    config: Type.Object(
      {
        vocabSize: Type.Integer({ minimum: 1 }),
        hidden: Type.Integer({ minimum: 1 }),
        layers: Type.Integer({ minimum: 1 }),
        heads: Type.Integer({ minimum: 1 }),
        maxPositions: Type.Integer({ minimum: 4 }),
      },
      { additionalProperties: true },
    ),
    tokenizer: Type.Object(
      {
        file: Type.String({
          minLength: 1,
          description: 'tokenizer.json: a path under resources/, or absolute',
        }),
      },
      { additionalProperties: true },
    ),
    onnx: Type.Object(
      {
        fp32: Type.String({ minLength: 1 }),
        int8: Type.String({ minLength: 1 }),
        opset: Type.Integer({ minimum: 1 }),
        sha256: Type.Object({ fp32: Sha256, int8: Sha256 }, { additionalProperties: false }),
      },
      { additionalProperties: true },
    ),
    hyperparameters: Type.Object({ seqLen: Type.Integer({ minimum: 4 }) }, { additionalProperties: true }),
  },
  { additionalProperties: true },
);

export type TransformerNerManifest = Static<typeof TransformerNerManifestSchema>;

/** Parse and validate the manifest text (`where` names the model in messages). */
export function parseTransformerNerManifest(text: string, where: string): TransformerNerManifest {
  return parseTaskManifest(text, where, 'ner', TransformerNerManifestSchema, 'the transformer NER manifest');
}

/** Whether manifest text is a transformer NER model's (without validating it). */
export function isTransformerNerManifest(text: string): boolean {
  try {
    return (JSON.parse(text) as { kind?: unknown } | null)?.kind === TRANSFORMER_NER_KIND;
  } catch {
    return false;
  }
}
