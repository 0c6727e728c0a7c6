/**
 * Token classification on the encoder (NER fine-tuning, docs/models/transformer.md section 4): a
 * linear head `classifier.weight [H, L]`, `classifier.bias [L]` on the last hidden states, trained
 * with a class-weighted cross-entropy over the wordpiece positions that start a word (every other
 * piece, [CLS]/[SEP] and padding get weight 0).
 *
 * As in `MlmModel` (encoder.ts), the embedding gather (ids -> rows) and its gradient (a scatter-add)
 * run in plain loops outside `jit`; the jitted function starts from the summed embeddings x0.
 * jax-js ownership: every jax function consumes its array arguments (`.ref` keeps one).
 */
import { jit, nn, numpy as np, valueAndGrad } from '@jax-js/jax';
import { mulberry32 } from '../prng.js';
import type { EncoderConfig } from './config.js';
import {
  type Batch,
  encoderForward,
  gatherEmbeddings,
  gaussian,
  initParameters,
  type JaxParams,
  type LossAndGrads,
  maskAdditive,
  scatterEmbeddingGrad,
  toJax,
} from './encoder.js';
import type { NamedTensors } from './tensors.js';

type Arr = np.Array;

export const CLASSIFIER_WEIGHT = 'classifier.weight';
export const CLASSIFIER_BIAS = 'classifier.bias';

/** Parameters computed outside `jit` (the gather) or not used by this head (the MLM head). */
const EMBEDDING_TABLES = ['embeddings.word_embeddings.weight', 'embeddings.position_embeddings.weight'];

/** Whether a parameter belongs to the token-classification model (encoder + head, no MLM head). */
export function isTokenClassifierParameter(name: string): boolean {
  return !name.startsWith('cls.') && !name.startsWith('adamw.');
}

/**
 * The encoder parameters (`encoder` when given, e.g. a pretraining checkpoint; else a seeded random
 * init) without the MLM head, plus a new head ~ N(0, initStd), bias 0.
 */
export function initTokenClassifier(
  config: EncoderConfig,
  labels: number,
  seed: number,
  encoder?: NamedTensors,
): NamedTensors {
  const source = encoder ?? initParameters(config, seed);
  const out: NamedTensors = new Map();
  for (const [n, t] of source)
    if (isTokenClassifierParameter(n)) out.set(n, { shape: [...t.shape], data: new Float32Array(t.data) });
  const normal = gaussian(mulberry32((seed ^ 0x00c1a55) >>> 0));
  const w = new Float32Array(config.hidden * labels);
  for (let i = 0; i < w.length; i++) w[i] = normal() * config.initStd;
  out.set(CLASSIFIER_WEIGHT, { shape: [config.hidden, labels], data: w });
  out.set(CLASSIFIER_BIAS, { shape: [labels], data: new Float32Array(labels) });
  return out;
}

/** Logits [N, L] of the head on the encoder's last hidden states. */
export function tokenLogits(
  c: EncoderConfig,
  p: JaxParams,
  x0: Arr,
  maskAdd: Arr,
  B: number,
  T: number,
): Arr {
  const h = encoderForward(c, p, x0, maskAdd, B, T);
  const w = p[CLASSIFIER_WEIGHT];
  const b = p[CLASSIFIER_BIAS];
  if (!w || !b) throw new Error('missing the classifier parameters');
  return np.matmul(h, w.ref).add(b.ref);
}

/**
 * Class-weighted cross-entropy: target [N, L] one-hot (zero rows where not scored), weight [N] (the
 * class weight of the gold label at word starts, 0 elsewhere). Loss = Σ w·nll / max(Σ w, 1e-6).
 */
export function tokenClassificationLoss(
  c: EncoderConfig,
  p: JaxParams,
  x0: Arr,
  maskAdd: Arr,
  target: Arr,
  weight: Arr,
  B: number,
  T: number,
): Arr {
  const logits = tokenLogits(c, p, x0, maskAdd, B, T);
  const nll = np.sum(nn.logSoftmax(logits, -1).mul(target), -1).mul(-1); // [N]
  const total = np.sum(weight.ref);
  return np.sum(nll.mul(weight)).div(np.maximum(total, 1e-6));
}

/** A batch with its per-position targets. */
export interface TokenBatch extends Batch {
  /** Gold label index per position [B*T] (any value where `weight` is 0). */
  readonly labels: Int32Array;
  /** Loss weight per position [B*T]: the label's class weight at word starts, 0 elsewhere. */
  readonly weight: Float32Array;
  /**
   * Distillation: a teacher's label probabilities per position [B*T*L]. The target of a scored
   * position becomes `hardWeight` x one-hot(gold) + (1 - hardWeight) x these probabilities, so the
   * loss is hardWeight x CE(gold) + (1 - hardWeight) x CE(teacher) (the soft part is the KL to the
   * teacher up to a constant).
   */
  readonly soft?: Float32Array;
  /** Share of the gold label in the target when `soft` is given (default 0.5). */
  readonly hardWeight?: number;
}

type LossFn = (d: { p: JaxParams; x0: Arr }, maskAdd: Arr, target: Arr, weight: Arr) => Arr;
type ProbFn = (p: JaxParams, x0: Arr, maskAdd: Arr) => Arr;

/** Compiled loss-and-gradient and prediction functions, one per (config, labels, B, T). */
export class TokenClassifierModel {
  private readonly valueGrad: (...args: unknown[]) => [Arr, { p: JaxParams; x0: Arr }];
  private readonly value: (...args: unknown[]) => Arr;
  private readonly probs: (...args: unknown[]) => Arr;

  constructor(
    readonly config: EncoderConfig,
    readonly labels: number,
    readonly B: number,
    readonly T: number,
  ) {
    const fn: LossFn = (d, maskAdd, target, weight) =>
      tokenClassificationLoss(config, d.p, d.x0, maskAdd, target, weight, B, T);
    const probs: ProbFn = (p, x0, maskAdd) => nn.softmax(tokenLogits(config, p, x0, maskAdd, B, T), -1);
    this.valueGrad = jit(valueAndGrad(fn)) as unknown as TokenClassifierModel['valueGrad'];
    this.value = jit(fn) as unknown as TokenClassifierModel['value'];
    this.probs = jit(probs) as unknown as TokenClassifierModel['probs'];
  }

  private check(batch: Batch): void {
    if (batch.B !== this.B || batch.T !== this.T) throw new Error('batch shape differs from the model');
  }

  private inputs(params: NamedTensors, batch: TokenBatch) {
    this.check(batch);
    const { B, T, labels: L } = this;
    const H = this.config.hidden;
    const N = B * T;
    const target = new Float32Array(N * L);
    const soft = batch.soft;
    const hard = soft ? (batch.hardWeight ?? 0.5) : 1;
    for (let r = 0; r < N; r++) {
      if (!(batch.weight[r]! > 0)) continue;
      if (soft) for (let c = 0; c < L; c++) target[r * L + c] = (1 - hard) * soft[r * L + c]!;
      target[r * L + batch.labels[r]!]! += hard;
    }
    return {
      d: {
        p: toJax(params, EMBEDDING_TABLES),
        x0: np.array(gatherEmbeddings(params, batch)).reshape([N, H]),
      },
      maskAdd: np.array(maskAdditive(batch)).reshape([B, 1, 1, T]),
      target: np.array(target).reshape([N, L]),
      weight: np.array(new Float32Array(batch.weight)),
    };
  }

  /** The loss only. */
  loss(params: NamedTensors, batch: TokenBatch): number {
    const x = this.inputs(params, batch);
    return this.value(x.d, x.maskAdd, x.target, x.weight).dataSync()[0]!;
  }

  /** Loss and gradients of every parameter (the embedding tables' by the scatter of dx0). */
  lossAndGrads(params: NamedTensors, batch: TokenBatch): LossAndGrads {
    const x = this.inputs(params, batch);
    const [lossArr, g] = this.valueGrad(x.d, x.maskAdd, x.target, x.weight);
    const loss = lossArr.dataSync()[0]!;
    const grads: NamedTensors = new Map();
    for (const [name, t] of params) {
      const a = g.p[name];
      grads.set(name, {
        shape: t.shape,
        data: a ? new Float32Array(a.dataSync()) : new Float32Array(t.data.length),
      });
    }
    scatterEmbeddingGrad(
      new Float32Array(g.x0.dataSync()),
      batch,
      grads.get('embeddings.word_embeddings.weight')!.data,
      grads.get('embeddings.position_embeddings.weight')!.data,
      this.config.hidden,
    );
    return { loss, grads };
  }

  /** Label probabilities per position, [B*T*L] (rows of padding are meaningless). */
  predict(params: NamedTensors, batch: Batch): Float32Array {
    this.check(batch);
    const { B, T } = this;
    const p = toJax(params, EMBEDDING_TABLES);
    const x0 = np.array(gatherEmbeddings(params, batch)).reshape([B * T, this.config.hidden]);
    const mask = np.array(maskAdditive(batch)).reshape([B, 1, 1, T]);
    return new Float32Array(this.probs(p, x0, mask).dataSync());
  }
}
