/**
 * A fine-tuned transformer NER model (`clinote train ner --architecture transformer --out DIR`)
 * scored on its preset's dev documents three ways: the training graph (jax-js), its fp32 ONNX export
 * and its int8 export, both run by onnxruntime-node (docs/models/onnx.md, "F1 after export").
 *
 *   node dist/scripts/onnx-ner-parity.js --model DIR [--preset ncbi-disease] [--limit N] [--json]
 *
 * Prints strict mention P/R/F1 of each, the largest probability difference against the training
 * graph, and the time of each pass. Reads the corpus from the shared data dir; prints no text.
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { presetExamples } from '../src/eval/ner-train.js';
import { nerPreset } from '../src/eval/tasks/ner.js';
import type { PRF } from '../src/models/ner/train.js';
import { exportEncoderOnnx } from '../src/models/onnx/export.js';
import { encoderFeeds } from '../src/models/onnx/feeds.js';
import type { EncoderConfig } from '../src/models/transformer/config.js';
import { initJax } from '../src/models/transformer/encoder.js';
import { loadTensors } from '../src/models/transformer/tensors.js';
import { TokenClassifierModel } from '../src/models/transformer/token-classification.js';
import { type NerBatch, nerBatches, PieceCache, scoreNerBatches } from '../src/models/transformer/windows.js';
import { WordPieceTokenizer } from '../src/models/transformer/wordpiece.js';
import { resourcePath } from '../src/resources.js';

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    preset: { type: 'string', default: 'ncbi-disease' },
    limit: { type: 'string' },
    batch: { type: 'string', default: '16' },
    json: { type: 'boolean', default: false },
  },
});
if (values.model === undefined) {
  console.error('usage: onnx-ner-parity --model DIR [--preset ncbi-disease] [--limit N] [--json]');
  process.exit(2);
}

const { tensors: params, index } = loadTensors(join(values.model, 'model'));
const meta = index.meta as { labels?: string[]; config?: EncoderConfig };
if (!meta.labels || !meta.config) throw new Error(`${values.model}: not a transformer NER model`);
const { labels, config } = meta;
const L = labels.length;
const weight = params.get('classifier.weight');
const bias = params.get('classifier.bias');
if (!weight || !bias) throw new Error(`${values.model}: no classifier head`);

const tok = WordPieceTokenizer.fromFile(resourcePath('models/tokenizer/tokenizer.json'));
const preset = nerPreset(values.preset);
const data = presetExamples(preset, values.limit !== undefined ? { limit: Number(values.limit) } : {});
const dev = [...data.tune, ...data.held];
const T = Math.min(128, config.maxPositions);
const B = Number(values.batch);
const batches = nerBatches(dev, new PieceCache(tok), T, B);

interface Pass {
  readonly name: string;
  readonly scores: PRF;
  readonly seconds: number;
  readonly maxProbDiff: number;
  readonly bytes?: number;
}

function maxDiff(a: readonly Float32Array[], b: readonly Float32Array[]): number {
  let m = 0;
  a.forEach((x, n) => {
    const y = b[n]!;
    const { batch } = batches[n]!;
    for (let r = 0; r < batch.B * batch.T; r++) {
      if (!batch.attention[r]) continue;
      for (let j = 0; j < L; j++) m = Math.max(m, Math.abs(x[r * L + j]! - y[r * L + j]!));
    }
  });
  return m;
}

// the training graph
await initJax();
const models = new Map<number, TokenClassifierModel>();
let t0 = performance.now();
const reference = batches.map(({ bucket, batch }) => {
  let m = models.get(bucket);
  if (!m) {
    m = new TokenClassifierModel(config, L, B, bucket);
    models.set(bucket, m);
  }
  return m.predict(params, batch);
});
const passes: Pass[] = [
  {
    name: 'jax (training graph)',
    scores: scoreNerBatches(dev, batches, reference, labels),
    seconds: (performance.now() - t0) / 1000,
    maxProbDiff: 0,
  },
];

// the exports
const ort = await import('onnxruntime-node');
/** Softmax over each position's L logits. */
function softmax(logits: Float32Array): Float32Array {
  const out = new Float32Array(logits.length);
  for (let r = 0; r < logits.length; r += L) {
    let max = -Infinity;
    for (let j = 0; j < L; j++) max = Math.max(max, logits[r + j]!);
    let sum = 0;
    for (let j = 0; j < L; j++) sum += out[r + j] = Math.exp(logits[r + j]! - max);
    for (let j = 0; j < L; j++) out[r + j]! /= sum;
  }
  return out;
}
async function run(b: NerBatch, session: import('onnxruntime-node').InferenceSession): Promise<Float32Array> {
  const result = await session.run(encoderFeeds(ort, b.batch));
  return softmax(result.logits!.data as Float32Array);
}
for (const quantize of ['none', 'int8'] as const) {
  const bytes = exportEncoderOnnx(
    params,
    config,
    { weight: weight.data, bias: bias.data, labels },
    { quantize },
  );
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 2 });
  t0 = performance.now();
  const outputs: Float32Array[] = [];
  for (const b of batches) outputs.push(await run(b, session));
  const seconds = (performance.now() - t0) / 1000;
  await session.release();
  passes.push({
    name: quantize === 'none' ? 'ONNX fp32' : 'ONNX int8',
    scores: scoreNerBatches(dev, batches, outputs, labels),
    seconds,
    maxProbDiff: maxDiff(outputs, reference),
    bytes: bytes.length,
  });
}

if (values.json) {
  process.stdout.write(
    `${JSON.stringify({ model: values.model, documents: dev.length, passes }, null, 2)}\n`,
  );
} else {
  const f3 = (x: number) => x.toFixed(3);
  console.log(`${values.preset} dev: ${dev.length} documents, ${batches.length} batches of ${B}`);
  console.log('pass                   strict P   R      F1     max |p - p_jax|  seconds  file MB');
  for (const p of passes)
    console.log(
      `${p.name.padEnd(22)} ${f3(p.scores.precision)}      ${f3(p.scores.recall)}  ${f3(p.scores.f1)}  ${p.maxProbDiff.toExponential(2).padStart(15)}  ${p.seconds.toFixed(1).padStart(7)}  ${p.bytes !== undefined ? (p.bytes / 1e6).toFixed(2) : '-'}`,
    );
}
