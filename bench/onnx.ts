/**
 * ONNX serving-speed benchmark of the encoder (issue 11, item 6): `npm run bench:onnx [-- --json]
 * [--iterations N] [--threads N] [--vocab N] [--seq N] [--size mini|tiny|small]`.
 *
 * The "small" preset (4 layers, 256 hidden, 4 heads; `--size` another) with seeded random weights
 * and a 3-label token-classification head, exported to ONNX in fp32, int8 with activations scaled
 * per row (the default export) and int8 per tensor (src/models/onnx/), run by
 * onnxruntime-node on the CPU with intraOpNumThreads 2 (one inter-op thread, all graph
 * optimizations). For each model: tokens per second at batch 32 and milliseconds per sequence at
 * batch 1, 128-token sequences, after a warm-up, the median of several iterations (runs of the
 * models alternate, so that load from other processes falls on both alike). Also the file
 * sizes and the int8-vs-fp32 logit differences on the batch-32 inputs. A script, not a test:
 * nothing here asserts a time. See docs/models/onnx.md.
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { exportEncoderOnnx, type TokenClassificationHead } from '../src/models/onnx/export.js';
import { encoderFeeds } from '../src/models/onnx/feeds.js';
import { mulberry32 } from '../src/models/prng.js';
import { ENCODER_PRESETS, encoderConfig } from '../src/models/transformer/config.js';
import { gaussian, initParameters } from '../src/models/transformer/encoder.js';
import { machineInfo } from './mtsamples.js';
import { median } from './stats.js';

const { values: args } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    iterations: { type: 'string', default: '10' },
    threads: { type: 'string', default: '2' },
    vocab: { type: 'string', default: '8192' },
    seq: { type: 'string', default: '128' },
    size: { type: 'string', default: 'small' },
  },
});
const iterations = Number(args.iterations);
const threads = Number(args.threads);
const T = Number(args.seq);
const size = (
  Object.hasOwn(ENCODER_PRESETS, args.size ?? '') ? args.size : 'small'
) as keyof typeof ENCODER_PRESETS;
const config = encoderConfig(size, Number(args.vocab), { maxPositions: Math.max(128, T) });
const params = initParameters(config, 7);
const normal = gaussian(mulberry32(8));
const head: TokenClassificationHead = {
  weight: Float32Array.from({ length: config.hidden * 3 }, () => normal() * 0.3),
  bias: new Float32Array(3),
  labels: ['O', 'B', 'I'],
};

function inputs(B: number, seed: number): Record<string, ort.Tensor> {
  const random = mulberry32(seed);
  const ids = Array.from({ length: B * T }, () => 5 + Math.floor(random() * (config.vocabSize - 5)));
  return encoderFeeds(ort, { B, T, ids, attention: new Uint8Array(B * T).fill(1) });
}

/** int8: activations scaled per row (the default export, batch-invariant); int8-per-tensor: DynamicQuantizeLinear. */
type ModelName = 'fp32' | 'int8' | 'int8-per-tensor';

interface Result {
  readonly model: ModelName;
  readonly bytes: number;
  readonly batch32TokensPerSecond: number;
  readonly batch32MedianMs: number;
  readonly batch1MsPerSequence: number;
}

const options: ort.InferenceSession.SessionOptions = {
  intraOpNumThreads: threads,
  interOpNumThreads: 1,
  graphOptimizationLevel: 'all',
  executionMode: 'sequential',
};
const big = inputs(32, 1);
const one = inputs(1, 2);
const models = [] as { name: ModelName; bytes: number; session: ort.InferenceSession }[];
for (const name of ['fp32', 'int8', 'int8-per-tensor'] as const) {
  const bytes = exportEncoderOnnx(
    params,
    config,
    head,
    name === 'fp32' ? {} : { quantize: 'int8', activations: name === 'int8' ? 'per-row' : 'per-tensor' },
  );
  models.push({ name, bytes: bytes.length, session: await ort.InferenceSession.create(bytes, options) });
}
const logits: Float32Array[] = [];
for (const m of models)
  logits.push(new Float32Array((await m.session.run(big)).logits!.data as Float32Array));

/** Runs alternate between the models, so that load from other processes falls on both alike. */
async function timed(feeds: Record<string, ort.Tensor>, warmup: number, runs: number): Promise<number[]> {
  const ms: number[][] = models.map(() => []);
  for (let i = 0; i < warmup + runs; i++)
    for (const [k, m] of models.entries()) {
      const t0 = performance.now();
      await m.session.run(feeds);
      if (i >= warmup) ms[k]!.push(performance.now() - t0);
    }
  return ms.map((x) => median(x));
}
const b32 = await timed(big, 2, iterations);
const b1 = await timed(one, 5, iterations * 5);
const results: Result[] = models.map((m, k) => ({
  model: m.name,
  bytes: m.bytes,
  batch32TokensPerSecond: Math.round((32 * T * 1000) / b32[k]!),
  batch32MedianMs: Math.round(b32[k]! * 10) / 10,
  batch1MsPerSequence: Math.round(b1[k]! * 100) / 100,
}));
for (const m of models) await m.session.release();

/** Max and mean |diff| of two models' logits, and how often their argmax agrees. */
function compare(a: Float32Array, b: Float32Array) {
  let maxDiff = 0;
  let sumDiff = 0;
  let agree = 0;
  for (let r = 0; r < a.length / 3; r++) {
    const argmax = (x: Float32Array) =>
      [0, 1, 2].reduce((m, j) => (x[r * 3 + j]! > x[r * 3 + m]! ? j : m), 0);
    if (argmax(a) === argmax(b)) agree++;
    for (let j = 0; j < 3; j++) {
      const d = Math.abs(a[r * 3 + j]! - b[r * 3 + j]!);
      maxDiff = Math.max(maxDiff, d);
      sumDiff += d;
    }
  }
  return {
    positions: a.length / 3,
    maxAbsDiff: Number(maxDiff.toFixed(4)),
    meanAbsDiff: Number((sumDiff / a.length).toFixed(4)),
    argmaxAgreement: Number((agree / (a.length / 3)).toFixed(4)),
  };
}
const [fp32Logits, int8Logits, perTensorLogits] = logits as [Float32Array, Float32Array, Float32Array];
const report = {
  schema: 'clinote-bench-onnx/1',
  date: new Date().toISOString(),
  machine: machineInfo(),
  setup: {
    preset: size,
    layers: config.layers,
    hidden: config.hidden,
    heads: config.heads,
    vocab: config.vocabSize,
    sequence: T,
    labels: 3,
    intraOpNumThreads: threads,
    iterations,
    onnxruntime: ort.env.versions.node ?? 'unknown',
  },
  results,
  int8VsFp32: compare(fp32Logits, int8Logits),
  int8PerTensorVsFp32: compare(fp32Logits, perTensorLogits),
};

if (args.json) console.log(JSON.stringify(report, null, 2));
else {
  console.log(
    `ONNX encoder, ${size} preset (vocab ${config.vocabSize}), ${T}-token sequences, ` +
      `intraOpNumThreads ${threads}, median of ${iterations} (batch 32) / ${iterations * 5} (batch 1) runs`,
  );
  console.log('model            file MB  batch32 tokens/s  batch32 ms  batch1 ms/seq');
  for (const r of results)
    console.log(
      `${r.model.padEnd(15)}  ${(r.bytes / 1e6).toFixed(2).padStart(7)}  ` +
        `${String(r.batch32TokensPerSecond).padStart(16)}  ${r.batch32MedianMs.toFixed(1).padStart(10)}  ` +
        `${r.batch1MsPerSequence.toFixed(2).padStart(13)}`,
    );
  for (const [name, q] of [
    ['int8', report.int8VsFp32],
    ['int8-per-tensor', report.int8PerTensorVsFp32],
  ] as const)
    console.log(
      `${name} vs fp32 logits (${q.positions} positions): max |diff| ${q.maxAbsDiff}, mean ${q.meanAbsDiff}, ` +
        `argmax agreement ${(q.argmaxAgreement * 100).toFixed(2)}%`,
    );
  console.log(
    `cpu ${report.machine.cpu} x${report.machine.cores}, load average ${report.machine.loadAverage.join(' ')}`,
  );
}
