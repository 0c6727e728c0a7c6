/**
 * The `transformer-ner` component: mentions from a fine-tuned transformer encoder (a model directory
 * made by `clinote train ner --architecture transformer`), served by onnxruntime (docs/models/serving.md).
 *
 * - The ONNX session is loaded once per process (shared by every pipeline that uses the same bytes).
 * - `runMany` batches across notes: every sentence of every note is cut into wordpiece windows
 *   (sentences longer than a window into windows that overlap by `overlap` pieces, each word taking
 *   the prediction of the window where it lies farthest from an edge), the windows are sorted by
 *   length and run `batchSize` at a time, each batch padded only to its longest window.
 * - BIO-constrained Viterbi over each sentence's words gives the mentions; a mention's probability
 *   is the least probability of its word labels.
 * - `ensemble` adds votes of the linear model and of the dictionary's concepts (assigned before by
 *   `concepts`); see ./ensemble.ts.
 * - `link` and `merge` are those of the `ner` component.
 */
import { join } from 'node:path';
import { Type } from '@sinclair/typebox';
import type { Doc } from '../../doc/doc.js';
import { ClinoteError, isClinoteError } from '../../errors/error.js';
import { encoderFeeds } from '../../models/onnx/feeds.js';
import { sharedSession } from '../../models/onnx/session.js';
import {
  parseTransformerNerManifest,
  type TransformerNerManifest,
} from '../../models/transformer/ner-manifest.js';
import {
  alignExamples,
  nerSpans,
  PieceCache,
  servingBatches,
  softmaxRows,
} from '../../models/transformer/windows.js';
import { WordPieceTokenizer } from '../../models/transformer/wordpiece.js';
import type { FactoryContext } from '../../pipeline/component.js';
import { defineComponent } from '../../pipeline/component.js';
import { sha256 } from '../../pipeline/pipeline.js';
import { loadLinearNer, modelDir } from '../ner/index.js';
import { nerInput } from '../ner/input.js';
import { LinkOption, MentionConcepts, MergeOption, type ModelMention } from '../ner/mentions.js';
import { type MergePolicy, mergeConcepts } from '../ner/merge.js';
import { DEFAULT_ENSEMBLE_THRESHOLD, type EnsembleSource, ensembleMentions } from './ensemble.js';

/** The model used when the options name none (under resources/, built by scripts/train-transformer-models.ts). */
export const DEFAULT_TRANSFORMER_MODEL = 'models/transformer-ner-ncbi-disease';

const Weight = (what: string) =>
  Type.Number({ minimum: 0, maximum: 10, description: `Weight of the ${what}'s votes (default 1).` });

const TransformerNerOptions = Type.Object(
  {
    model: Type.Optional(
      Type.String({
        minLength: 1,
        description: `Model directory (manifest.json, model.int8.onnx, model.onnx): absolute, relative to the working directory, else under resources/. Default: \`${DEFAULT_TRANSFORMER_MODEL}\`.`,
      }),
    ),
    precision: Type.Optional(
      Type.Union([Type.Literal('int8'), Type.Literal('fp32')], {
        description:
          'Which ONNX file runs: fp32 (default: the faster for the tiny built models) or the int8 quantized one (smaller; faster from the "small" size up).',
      }),
    ),
    batchSize: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 512, description: 'Windows per onnxruntime call (default 32).' }),
    ),
    maxLength: Type.Optional(
      Type.Integer({
        minimum: 8,
        maximum: 4096,
        description:
          "Most positions of a window, [CLS] and [SEP] included (default: the model's training length).",
      }),
    ),
    overlap: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 256,
        description:
          'Pieces shared by consecutive windows of a sentence longer than a window (default 32; 0 = none).',
      }),
    ),
    threads: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 64,
        description: "onnxruntime's threads per operator (default 0: onnxruntime's own default).",
      }),
    ),
    pack: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          "Terminology pack linked to, and of the linear model's dictionary features (default: the starter pack).",
      }),
    ),
    link: Type.Optional(LinkOption),
    merge: Type.Optional(MergeOption),
    ensemble: Type.Optional(
      Type.Object(
        {
          linear: Type.Optional(
            Type.String({
              minLength: 1,
              description: 'A linear NER model directory (`clinote train ner`) that votes; none when absent.',
            }),
          ),
          dictionary: Type.Optional(
            Type.Boolean({
              description:
                "The `concepts` layer assigned before votes (its concepts of the model's concept types). Default false.",
            }),
          ),
          weights: Type.Optional(
            Type.Object(
              {
                transformer: Type.Optional(Weight('transformer')),
                linear: Type.Optional(Weight('linear model')),
                dictionary: Type.Optional(Weight('dictionary')),
              },
              { additionalProperties: false },
            ),
          ),
          threshold: Type.Optional(
            Type.Number({
              minimum: 0,
              maximum: 1,
              description: `Least share of the total weight a mention needs (default ${DEFAULT_ENSEMBLE_THRESHOLD}).`,
            }),
          ),
        },
        {
          additionalProperties: false,
          description: 'Vote with a linear model and the dictionary (./ensemble.ts).',
        },
      ),
    ),
  },
  { additionalProperties: false },
);

/** A transformer NER model directory read through the factory context. */
function readTransformerModel(
  ctx: FactoryContext,
  dir: string,
  precision: 'int8' | 'fp32',
): { manifest: TransformerNerManifest; onnx: Uint8Array; tokenizer: WordPieceTokenizer; file: string } {
  let manifestText: string;
  const file = join(dir, 'manifest.json');
  try {
    manifestText = ctx.readResource(file);
  } catch (e) {
    if (isClinoteError(e) && e.code === 'CLINOTE_E_RESOURCE_NOT_FOUND')
      throw new ClinoteError(
        'CLINOTE_E_MODEL_NOT_FOUND',
        `transformer model '${dir}' cannot be read (a directory with manifest.json and its ONNX files)`,
        { path: dir },
        { cause: e },
      );
    throw e;
  }
  const manifest = parseTransformerNerManifest(manifestText, dir);
  const onnxFile = join(dir, manifest.onnx[precision]);
  let onnx: Uint8Array;
  try {
    onnx = ctx.readResourceBytes(onnxFile);
  } catch (e) {
    throw new ClinoteError(
      'CLINOTE_E_MODEL_NOT_FOUND',
      `transformer model '${dir}': cannot read ${manifest.onnx[precision]}`,
      {
        path: onnxFile,
      },
      { cause: e },
    );
  }
  const hash = sha256(onnx);
  if (hash !== manifest.onnx.sha256[precision])
    throw new ClinoteError(
      'CLINOTE_E_MODEL_HASH_MISMATCH',
      `${dir}: ${manifest.onnx[precision]} does not match its manifest (sha256 ${hash.slice(0, 12)}…; expected ${manifest.onnx.sha256[precision].slice(0, 12)}…)`,
      { path: onnxFile, sha256: hash, expected: manifest.onnx.sha256[precision] },
    );
  let tokenizerJson: unknown;
  try {
    tokenizerJson = JSON.parse(ctx.readResource(manifest.tokenizer.file));
  } catch (e) {
    if (isClinoteError(e)) throw e;
    throw new ClinoteError('CLINOTE_E_MODEL_MANIFEST_INVALID', `${dir}: its tokenizer is not valid JSON`, {
      path: manifest.tokenizer.file,
    });
  }
  const tokenizer = new WordPieceTokenizer(tokenizerJson);
  if (tokenizer.vocabSize !== manifest.config.vocabSize)
    throw new ClinoteError(
      'CLINOTE_E_MODEL_MANIFEST_INVALID',
      `${dir}: the tokenizer has ${tokenizer.vocabSize} entries, the encoder ${manifest.config.vocabSize}`,
      { path: manifest.tokenizer.file },
    );
  return { manifest, onnx, tokenizer, file: onnxFile };
}

export const transformerNerComponent = defineComponent({
  name: 'transformer-ner',
  version: '0.1.0',
  description:
    'Concept mentions from a fine-tuned transformer encoder served by onnxruntime (`clinote train ner --architecture transformer`), batched across notes; optionally an ensemble with a linear model and the dictionary.',
  requires: ['normalized', 'sections', 'sentences', 'tokens'],
  reads: ['concepts'],
  assigns: ['concepts'],
  async: true,
  options: TransformerNerOptions,
  async create(options, ctx) {
    const dir = modelDir(options.model ?? DEFAULT_TRANSFORMER_MODEL);
    const precision = options.precision ?? 'fp32';
    const { manifest, onnx, tokenizer, file } = readTransformerModel(ctx, dir, precision);
    const { ort, session } = await sharedSession(onnx, file, {
      ...(options.threads ? { intraOpThreads: options.threads } : {}),
    });
    const labels = manifest.labels;
    const L = labels.length;
    const T = Math.min(options.maxLength ?? manifest.hyperparameters.seqLen, manifest.config.maxPositions);
    const B = options.batchSize ?? 32;
    const overlap = Math.min(options.overlap ?? 32, Math.max(0, T - 3));
    const pieces = new PieceCache(tokenizer);
    const id = `${manifest.name}@${manifest.onnx.sha256[precision].slice(0, 12)}`;
    const make = new MentionConcepts(ctx, manifest.types, 'transformer-ner', id, options.link, options.pack);
    const policy: MergePolicy = options.merge ?? 'model-only';
    const ens = options.ensemble;
    const linear = ens?.linear !== undefined ? loadLinearNer(ctx, ens.linear, options.pack) : undefined;
    const entityOf = new Map(Object.entries(manifest.types).map(([entity, concept]) => [concept, entity]));

    /** The transformer's mentions of each doc. */
    const predict = async (docs: readonly Doc[], signal: AbortSignal): Promise<ModelMention[][]> => {
      const inputs = docs.map((d) => nerInput(d, undefined));
      const batches = servingBatches(alignExamples(inputs, pieces, T, overlap), B, tokenizer.padId);
      const outputs: Float32Array[] = [];
      for (const nb of batches) {
        signal.throwIfAborted();
        let logits: Float32Array;
        try {
          const r = await session.run(encoderFeeds(ort, nb.batch));
          logits = (r.logits as { data: Float32Array }).data;
        } catch (e) {
          throw new ClinoteError('CLINOTE_E_MODEL_RUNTIME', `onnxruntime failed on a batch of ${dir}`, {
            model: dir,
            reason: e instanceof Error ? e.message.slice(0, 300) : String(e),
          });
        }
        outputs.push(softmaxRows(Float32Array.from(logits), L));
      }
      return nerSpans(inputs, batches, outputs, labels);
    };

    const assign = (doc: Doc, mine: readonly ModelMention[]): void => {
      let mentions = mine;
      const dictionary = doc.has('concepts') ? doc.get('concepts') : undefined;
      if (ens) {
        const w = ens.weights ?? {};
        const sources: EnsembleSource[] = [
          { name: 'transformer', weight: w.transformer ?? 1, mentions: mine },
        ];
        if (linear) sources.push({ name: 'linear', weight: w.linear ?? 1, mentions: linear.predict(doc) });
        if (ens.dictionary && dictionary) {
          const votes: ModelMention[] = [];
          for (const c of dictionary) {
            const entity = entityOf.get(c.type);
            if (entity !== undefined) votes.push({ start: c.start, end: c.end, type: entity });
          }
          sources.push({ name: 'dictionary', weight: w.dictionary ?? 1, mentions: votes });
        }
        mentions = ensembleMentions(sources, ens.threshold ?? DEFAULT_ENSEMBLE_THRESHOLD);
      }
      const concepts = make.concepts(doc, mentions);
      const keep = policy !== 'model-only' ? dictionary : undefined;
      doc.set('concepts', keep ? mergeConcepts(concepts, keep, policy) : concepts);
    };

    return {
      run: async (doc, runCtx) => {
        const [mine] = await predict([doc], runCtx.signal);
        assign(doc, mine ?? []);
      },
      runMany: async (docs, runCtx) => {
        const all = await predict(docs, runCtx.signal);
        for (const [i, d] of docs.entries()) assign(d, all[i] ?? []);
      },
    };
  },
});
