/**
 * ONNX export of the BERT-style encoder of src/models/transformer/ (opset 17, standard operators
 * only), optionally with a token-classification head and int8 dynamic quantization of the weight
 * matrices. The graph reproduces encoder.ts exactly: summed word + position embeddings, an
 * embedding LayerNorm, per layer multi-head attention (scores scaled by 1/sqrt(head size) after the
 * Q.K^T product, an additive mask of -1e9 on padded keys, softmax over keys), post- or pre-layer
 * norm as the config says, the exact (erf) GELU, LayerNorm epsilon from the config. Shapes and
 * names are in docs/models/onnx.md.
 */
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256 } from '../artifact.js';
import { checkConfig, type EncoderConfig } from '../transformer/config.js';
import { parameterShapes } from '../transformer/encoder.js';
import type { NamedTensors } from '../transformer/tensors.js';
import { Graph } from './graph.js';
import { DataType, encodeModel } from './proto.js';
import { quantizeGraphInt8 } from './quantize.js';

/** A token-classification head: logits = hidden . weight + bias, weight [hidden, labels] ([in, out]). */
export interface TokenClassificationHead {
  readonly weight: Float32Array;
  readonly bias: Float32Array;
  /** Label names, in logit order (their count is the head's width). */
  readonly labels: readonly string[];
}

export interface ExportOptions {
  /** 'int8': dynamic quantization of every MatMul whose right operand is a weight (quantize.ts). */
  readonly quantize?: 'none' | 'int8';
  /** Int8 weight scales per output column (default) or one per tensor. */
  readonly perColumn?: boolean;
  /** Int8 activation scales per row (default: a token's result does not depend on its batch) or per tensor. */
  readonly activations?: 'per-row' | 'per-tensor';
  /** Int8: the word-embedding table too, one scale per row (default true: most of a small model's bytes). */
  readonly embeddings?: boolean;
  /** Quantize the classification head's matrix too (default false: it is small, and its error lands straight in the logits). */
  readonly quantizeHead?: boolean;
}

export const ONNX_OPSET = 17;
export const ONNX_IR_VERSION = 8;
/** The additive mask value on padded keys (encoder.ts maskAdditive). */
const MASK_NEGATIVE = -1e9;

function tensor(params: NamedTensors, name: string, shape: readonly number[]): Float32Array {
  const t = params.get(name);
  if (!t) throw new Error(`missing parameter ${name}`);
  if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i]))
    throw new Error(`parameter ${name} has shape [${t.shape}], expected [${shape}]`);
  return t.data;
}

/** The encoder (and head) as a graph in the export's own representation (before serialization). */
export function buildEncoderGraph(
  params: NamedTensors,
  c: EncoderConfig,
  head?: TokenClassificationHead,
  options: ExportOptions = {},
): Graph {
  const invalid = checkConfig(c);
  if (invalid) throw new Error(`invalid encoder config: ${invalid}`);
  const g = new Graph('clinote_encoder');
  const H = c.hidden;
  const dh = H / c.heads;
  const shapes = new Map(parameterShapes(c));
  const param = (name: string): string => {
    if (g.initializers.has(name)) return name;
    const shape = shapes.get(name);
    if (!shape) throw new Error(`unknown parameter ${name}`);
    return g.floats(name, shape, tensor(params, name, shape));
  };

  const ids = g.input('input_ids', DataType.INT64, ['batch', 'sequence']);
  const attention = g.input('attention_mask', DataType.INT64, ['batch', 'sequence']);

  // Embeddings: word rows by id plus the first `sequence` rows of the position table.
  const words = g.op('Gather', [param('embeddings.word_embeddings.weight'), ids], { axis: { int: 0 } });
  const seqLen = g.op('Slice', [g.op('Shape', [ids]), g.int64s([1]), g.int64s([2])]); // [1]: sequence
  const positions = g.op('Slice', [
    param('embeddings.position_embeddings.weight'),
    g.int64s([0]),
    seqLen,
    g.int64s([0]),
  ]); // [sequence, H]
  const x0 = g.op('Add', [words, positions]); // [batch, sequence, H]

  const layerNorm = (x: string, prefix: string): string =>
    g.op('LayerNormalization', [x, param(`${prefix}.weight`), param(`${prefix}.bias`)], {
      axis: { int: -1 },
      epsilon: { float: c.layerNormEps },
    });
  const dense = (x: string, prefix: string): string =>
    g.op('Add', [g.op('MatMul', [x, param(`${prefix}.weight`)]), param(`${prefix}.bias`)]);

  // Additive mask [batch, 1, 1, sequence]: (1 - mask) * -1e9, so 0 on real keys.
  const maskF = g.op('Cast', [attention], { to: { int: DataType.FLOAT } });
  const maskAdd = g.op('Unsqueeze', [
    g.op('Mul', [g.op('Sub', [g.scalar(1, 'one'), maskF]), g.scalar(MASK_NEGATIVE, 'mask_value')]),
    g.int64s([1, 2], 'axes'),
  ]);

  const splitShape = g.int64s([0, 0, c.heads, dh]); // Reshape's 0 keeps batch and sequence
  const mergeShape = g.int64s([0, 0, H]);
  const scale = g.scalar(1 / Math.sqrt(dh), 'attention_scale');
  const attend = (x: string, p: string): string => {
    const split = (y: string, perm: number[]): string =>
      g.op('Transpose', [g.op('Reshape', [y, splitShape])], { perm: { ints: perm } });
    const q = split(dense(x, `${p}attention.self.query`), [0, 2, 1, 3]); // [B, h, T, dh]
    const kT = split(dense(x, `${p}attention.self.key`), [0, 2, 3, 1]); // [B, h, dh, T]
    const v = split(dense(x, `${p}attention.self.value`), [0, 2, 1, 3]); // [B, h, T, dh]
    const scores = g.op('Mul', [g.op('MatMul', [q, kT]), scale]); // [B, h, T, T]
    const weights = g.op('Softmax', [g.op('Add', [scores, maskAdd])], { axis: { int: -1 } });
    const ctx = g.op('Transpose', [g.op('MatMul', [weights, v])], { perm: { ints: [0, 2, 1, 3] } });
    return dense(g.op('Reshape', [ctx, mergeShape]), `${p}attention.output.dense`);
  };
  const sqrt2 = g.scalar(Math.SQRT2, 'sqrt2');
  const half = g.scalar(0.5, 'half');
  const one = g.scalar(1, 'one');
  const gelu = (x: string): string =>
    g.op('Mul', [g.op('Mul', [x, g.op('Add', [g.op('Erf', [g.op('Div', [x, sqrt2])]), one])]), half]);
  const ffn = (x: string, p: string): string =>
    dense(gelu(dense(x, `${p}intermediate.dense`)), `${p}output.dense`);

  let h = layerNorm(x0, 'embeddings.LayerNorm');
  for (let l = 0; l < c.layers; l++) {
    const p = `encoder.layer.${l}.`;
    const ln1 = `${p}attention.output.LayerNorm`;
    const ln2 = `${p}output.LayerNorm`;
    if (c.norm === 'post') {
      h = layerNorm(g.op('Add', [h, attend(h, p)]), ln1);
      h = layerNorm(g.op('Add', [h, ffn(h, p)]), ln2);
    } else {
      h = g.op('Add', [h, attend(layerNorm(h, ln1), p)]);
      h = g.op('Add', [h, ffn(layerNorm(h, ln2), p)]);
    }
  }
  if (c.norm === 'pre') h = layerNorm(h, 'encoder.final_layer_norm');

  if (head) {
    const n = head.labels.length;
    if (n === 0) throw new Error('the head needs at least one label');
    if (head.weight.length !== H * n || head.bias.length !== n)
      throw new Error(`head weight must be [${H}, ${n}] and bias [${n}]`);
    const w = g.floats('classifier.weight', [H, n], head.weight);
    const b = g.floats('classifier.bias', [n], head.bias);
    g.op('Add', [g.op('MatMul', [h, w]), b], undefined, 'logits');
    g.output('logits', DataType.FLOAT, ['batch', 'sequence', n]);
  } else {
    g.op('Identity', [h], undefined, 'last_hidden_state');
    g.output('last_hidden_state', DataType.FLOAT, ['batch', 'sequence', H]);
  }

  if (options.quantize === 'int8')
    quantizeGraphInt8(g, {
      perColumn: options.perColumn ?? true,
      ...(options.activations ? { activations: options.activations } : {}),
      embeddings: options.embeddings ?? true,
      exclude: options.quantizeHead ? [] : ['classifier.weight'],
    });
  return g;
}

/** The ONNX model bytes of the encoder (and head); see docs/models/onnx.md. */
export function exportEncoderOnnx(
  params: NamedTensors,
  config: EncoderConfig,
  head?: TokenClassificationHead,
  options: ExportOptions = {},
): Uint8Array {
  const graph = buildEncoderGraph(params, config, head, options);
  const metadata: Record<string, string> = {
    'clinote.norm': config.norm,
    'clinote.layers': String(config.layers),
    'clinote.hidden': String(config.hidden),
    'clinote.heads': String(config.heads),
    'clinote.max_positions': String(config.maxPositions),
    'clinote.quantize': options.quantize ?? 'none',
  };
  if (head) metadata['clinote.labels'] = JSON.stringify(head.labels);
  return encodeModel({
    graph: graph.toValue(),
    opset: ONNX_OPSET,
    irVersion: ONNX_IR_VERSION,
    producerName: 'clinote',
    producerVersion: '0.1.0',
    docString: 'BERT-style encoder exported by clinote (src/models/onnx/export.ts)',
    metadata,
  });
}

/** The `onnx` entry of a transformer model manifest. */
export interface OnnxFiles {
  readonly fp32: string;
  readonly int8: string;
  readonly opset: number;
  readonly sha256: { readonly fp32: string; readonly int8: string };
}

/**
 * Writes a fine-tuned encoder with its token-classification head (`classifier.weight`,
 * `classifier.bias`) into `dir` as `model.onnx` (fp32) and `model.int8.onnx`; returns the manifest entry.
 */
export function writeTokenClassifierOnnx(
  dir: string,
  params: NamedTensors,
  config: EncoderConfig,
  labels: readonly string[],
): OnnxFiles {
  const weight = params.get('classifier.weight');
  const bias = params.get('classifier.bias');
  if (!weight || !bias) throw new Error('missing the classifier parameters');
  const head = { weight: weight.data, bias: bias.data, labels };
  const fp32 = exportEncoderOnnx(params, config, head);
  const int8 = exportEncoderOnnx(params, config, head, { quantize: 'int8' });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'model.onnx'), fp32);
  writeFileSync(join(dir, 'model.int8.onnx'), int8);
  return {
    fp32: 'model.onnx',
    int8: 'model.int8.onnx',
    opset: ONNX_OPSET,
    sha256: { fp32: sha256(fp32), int8: sha256(int8) },
  };
}

/**
 * The "Size" section of a model card: why each ONNX file of `dir` is as large as it is (the word
 * embeddings are most of a small encoder; the fp32 file is what the `transformer-ner` component
 * runs by default because for the tiny size it is the faster one).
 */
export function onnxSizeSection(
  dir: string,
  files: OnnxFiles,
  config: EncoderConfig,
  kept = 'because for this size it is the faster file (int8 with per-row activation scales is slower at batch 32, docs/models/serving.md), and it is what `transformer-ner` runs by default',
): string {
  const mb = (f: string): string => (statSync(join(dir, f)).size / 1e6).toFixed(2);
  const table = ((config.vocabSize * config.hidden * 4) / 1e6).toFixed(2);
  return `## Size

\`${files.fp32}\` (${mb(files.fp32)} MB) is the fp32 export: ${table} MB of it is the word-embedding table
(${config.vocabSize} x ${config.hidden} floats). It is kept ${kept}. \`${files.int8}\` (${mb(files.int8)} MB) stores the embedding table and the
dense weights as int8 (docs/models/onnx.md) in about a quarter of the bytes (for the NCBI-disease
model, dev strict F1 0.599 against 0.598 for fp32: docs/models/serving.md).
`;
}
