/**
 * A BERT-style encoder on @jax-js/jax (Wasm backend): embeddings, multi-head scaled dot-product
 * self-attention with an additive padding mask broadcast over heads and queries, post- or pre-layer
 * norm, GELU feed-forward, and the masked-language-model head (decoder tied to the word embeddings).
 * Shapes at every step are in docs/models/transformer.md.
 *
 * Parameters live in JavaScript as named float32 tensors (`NamedTensors`, Hugging Face BERT names);
 * each step turns them into jax arrays, runs one jitted function and reads the results back. The
 * embedding gather (ids -> rows) and its gradient (a scatter-add) are done here in plain loops,
 * outside `jit` (decision 0021): the jitted function starts from the summed embeddings x0.
 *
 * jax-js ownership: every jax function consumes its array arguments; `.ref` keeps one for a later
 * use. The functions below consume what they are given.
 */
import { defaultDevice, init, jit, nn, numpy as np, tree, valueAndGrad } from '@jax-js/jax';
import { mulberry32, type Random } from '../prng.js';
import type { EncoderConfig } from './config.js';
import { type NamedTensors, sizeOf } from './tensors.js';

type Arr = np.Array;
export type JaxParams = { [name: string]: Arr };

let ready: Promise<void> | null = null;

/** Start the Wasm backend once (explicitly: Node has no WebGPU, and `init()` must be awaited). */
export function initJax(): Promise<void> {
  ready ??= init('wasm').then(() => {
    defaultDevice('wasm');
  });
  return ready;
}

/** The names and shapes of every parameter, in a fixed order. */
export function parameterShapes(c: EncoderConfig): [string, number[]][] {
  const H = c.hidden;
  const out: [string, number[]][] = [
    ['embeddings.word_embeddings.weight', [c.vocabSize, H]],
    ['embeddings.position_embeddings.weight', [c.maxPositions, H]],
    ['embeddings.LayerNorm.weight', [H]],
    ['embeddings.LayerNorm.bias', [H]],
  ];
  for (let l = 0; l < c.layers; l++) {
    const p = `encoder.layer.${l}.`;
    for (const m of ['query', 'key', 'value']) {
      out.push([`${p}attention.self.${m}.weight`, [H, H]], [`${p}attention.self.${m}.bias`, [H]]);
    }
    out.push(
      [`${p}attention.output.dense.weight`, [H, H]],
      [`${p}attention.output.dense.bias`, [H]],
      [`${p}attention.output.LayerNorm.weight`, [H]],
      [`${p}attention.output.LayerNorm.bias`, [H]],
      [`${p}intermediate.dense.weight`, [H, c.intermediate]],
      [`${p}intermediate.dense.bias`, [c.intermediate]],
      [`${p}output.dense.weight`, [c.intermediate, H]],
      [`${p}output.dense.bias`, [H]],
      [`${p}output.LayerNorm.weight`, [H]],
      [`${p}output.LayerNorm.bias`, [H]],
    );
  }
  if (c.norm === 'pre')
    out.push(['encoder.final_layer_norm.weight', [H]], ['encoder.final_layer_norm.bias', [H]]);
  out.push(
    ['cls.predictions.transform.dense.weight', [H, H]],
    ['cls.predictions.transform.dense.bias', [H]],
    ['cls.predictions.transform.LayerNorm.weight', [H]],
    ['cls.predictions.transform.LayerNorm.bias', [H]],
    ['cls.predictions.bias', [c.vocabSize]],
  );
  return out;
}

/** Standard normal by Box-Muller from a seeded generator. */
export function gaussian(random: Random): () => number {
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    let u = 0;
    while (u === 0) u = random();
    const v = random();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}

/** Seeded initialisation: weights ~ N(0, initStd), biases 0, LayerNorm gains 1. */
export function initParameters(c: EncoderConfig, seed: number): NamedTensors {
  const normal = gaussian(mulberry32(seed));
  const params: NamedTensors = new Map();
  for (const [name, shape] of parameterShapes(c)) {
    const data = new Float32Array(sizeOf(shape));
    if (name.endsWith('LayerNorm.weight') || name.endsWith('final_layer_norm.weight')) data.fill(1);
    else if (name.endsWith('.weight')) for (let i = 0; i < data.length; i++) data[i] = normal() * c.initStd;
    params.set(name, { shape, data });
  }
  return params;
}

/** Jax arrays of the parameters (copies; the caller's tensors stay untouched). */
export function toJax(params: NamedTensors, skip: readonly string[] = []): JaxParams {
  const out: JaxParams = {};
  for (const [name, t] of params)
    if (!skip.includes(name)) out[name] = np.array(t.data).reshape([...t.shape]);
  return out;
}

// ---------------------------------------------------------------------------------------------
// The jitted computation. x: [N, H] with N = B * T (rows are batch-major tokens).

function take(p: JaxParams, name: string): Arr {
  const a = p[name];
  if (a === undefined) throw new Error(`missing parameter ${name}`);
  return a.ref;
}

function layerNorm(x: Arr, gain: Arr, bias: Arr, eps: number): Arr {
  const mu = np.mean(x.ref, -1, { keepdims: true });
  const xc = x.sub(mu);
  const variance = np.mean(np.square(xc.ref), -1, { keepdims: true });
  return xc
    .div(np.sqrt(variance.add(eps)))
    .mul(gain)
    .add(bias);
}

function dense(x: Arr, w: Arr, b: Arr): Arr {
  return np.matmul(x, w).add(b);
}

/**
 * Multi-head self-attention. x: [N, H] (N = B*T); maskAdd: [B, 1, 1, T], 0 for real keys and a
 * large negative number for padding, broadcast over heads and queries. Returns [N, H].
 */
export function selfAttention(
  x: Arr,
  maskAdd: Arr,
  wq: Arr,
  bq: Arr,
  wk: Arr,
  bk: Arr,
  wv: Arr,
  bv: Arr,
  B: number,
  T: number,
  heads: number,
): Arr {
  const H = x.shape[1] as number;
  const dh = H / heads;
  const split = (y: Arr): Arr => y.reshape([B, T, heads, dh]).transpose([0, 2, 1, 3]); // [B, h, T, dh]
  const q = split(dense(x.ref, wq, bq));
  const k = split(dense(x.ref, wk, bk));
  const v = split(dense(x, wv, bv));
  const scores = np.matmul(q, k.transpose([0, 1, 3, 2])).mul(1 / Math.sqrt(dh)); // [B, h, T, T]
  const weights = nn.softmax(scores.add(maskAdd), -1); // rows sum to 1 over the real keys
  const ctx = np.matmul(weights, v); // [B, h, T, dh]
  return ctx.transpose([0, 2, 1, 3]).reshape([B * T, H]);
}

/** The encoder stack from the summed embeddings x0 [N, H] to the last hidden states [N, H]. */
export function encoderForward(
  c: EncoderConfig,
  p: JaxParams,
  x0: Arr,
  maskAdd: Arr,
  B: number,
  T: number,
): Arr {
  const eps = c.layerNormEps;
  let h = layerNorm(x0, take(p, 'embeddings.LayerNorm.weight'), take(p, 'embeddings.LayerNorm.bias'), eps);
  for (let l = 0; l < c.layers; l++) {
    const n = (s: string): Arr => take(p, `encoder.layer.${l}.${s}`);
    const ln1 = (y: Arr): Arr =>
      layerNorm(y, n('attention.output.LayerNorm.weight'), n('attention.output.LayerNorm.bias'), eps);
    const ln2 = (y: Arr): Arr => layerNorm(y, n('output.LayerNorm.weight'), n('output.LayerNorm.bias'), eps);
    const attend = (y: Arr): Arr =>
      dense(
        selfAttention(
          y,
          maskAdd.ref,
          n('attention.self.query.weight'),
          n('attention.self.query.bias'),
          n('attention.self.key.weight'),
          n('attention.self.key.bias'),
          n('attention.self.value.weight'),
          n('attention.self.value.bias'),
          B,
          T,
          c.heads,
        ),
        n('attention.output.dense.weight'),
        n('attention.output.dense.bias'),
      );
    const ffn = (y: Arr): Arr =>
      dense(
        nn.gelu(dense(y, n('intermediate.dense.weight'), n('intermediate.dense.bias')), {
          approximate: false,
        }),
        n('output.dense.weight'),
        n('output.dense.bias'),
      );
    if (c.norm === 'post') {
      h = ln1(h.ref.add(attend(h)));
      h = ln2(h.ref.add(ffn(h)));
    } else {
      h = h.ref.add(attend(ln1(h)));
      h = h.ref.add(ffn(ln2(h)));
    }
  }
  maskAdd.dispose();
  if (c.norm === 'pre')
    h = layerNorm(
      h,
      take(p, 'encoder.final_layer_norm.weight'),
      take(p, 'encoder.final_layer_norm.bias'),
      eps,
    );
  return h;
}

/**
 * Mean cross-entropy of the MLM head at the selected positions. sel: [M, N] one-hot rows picking
 * the masked positions (zero rows for padding slots); target: [M, V] one-hot of the original
 * tokens; weight: [M], 1 for real slots and 0 for padding ones.
 */
export function mlmLoss(
  c: EncoderConfig,
  p: JaxParams,
  x0: Arr,
  maskAdd: Arr,
  sel: Arr,
  target: Arr,
  weight: Arr,
  B: number,
  T: number,
): Arr {
  const h = encoderForward(c, p, x0, maskAdd, B, T);
  const picked = np.matmul(sel, h); // [M, H]
  const t = layerNorm(
    nn.gelu(
      dense(
        picked,
        take(p, 'cls.predictions.transform.dense.weight'),
        take(p, 'cls.predictions.transform.dense.bias'),
      ),
      { approximate: false },
    ),
    take(p, 'cls.predictions.transform.LayerNorm.weight'),
    take(p, 'cls.predictions.transform.LayerNorm.bias'),
    c.layerNormEps,
  );
  const logits = np
    .matmul(t, take(p, 'embeddings.word_embeddings.weight').transpose([1, 0]))
    .add(take(p, 'cls.predictions.bias')); // [M, V]
  const nll = np.sum(nn.logSoftmax(logits, -1).mul(target), -1).mul(-1); // [M]
  const total = np.sum(weight.ref);
  return np.sum(nll.mul(weight)).div(np.maximum(total, 1));
}

// ---------------------------------------------------------------------------------------------
// Batches in JavaScript.

export interface Batch {
  readonly B: number;
  readonly T: number;
  /** Input ids [B*T] (after masking), PAD-filled. */
  readonly ids: Int32Array;
  /** 1 for real tokens, 0 for padding [B*T]. */
  readonly attention: Uint8Array;
}

export interface MlmTargets {
  /** Flat positions (b*T + t) of the predicted tokens, at most M. */
  readonly positions: Int32Array;
  /** Original ids there. */
  readonly labels: Int32Array;
  /** Slots of the fixed-size selection (M >= positions.length). */
  readonly slots: number;
}

/** x0 = word_embeddings[ids] + position_embeddings[t], as [B*T*H] values. */
export function gatherEmbeddings(params: NamedTensors, batch: Batch): Float32Array {
  const tok = params.get('embeddings.word_embeddings.weight')!;
  const pos = params.get('embeddings.position_embeddings.weight')!;
  const H = tok.shape[1]!;
  const out = new Float32Array(batch.B * batch.T * H);
  for (let r = 0; r < batch.B * batch.T; r++) {
    const id = batch.ids[r]!;
    const t = r % batch.T;
    const o = r * H;
    const to = id * H;
    const po = t * H;
    for (let j = 0; j < H; j++) out[o + j] = tok.data[to + j]! + pos.data[po + j]!;
  }
  return out;
}

/** The gradient of the gather: scatter-add dX0 [B*T*H] into the two tables' gradients. */
export function scatterEmbeddingGrad(
  dx0: Float32Array,
  batch: Batch,
  dTok: Float32Array,
  dPos: Float32Array,
  H: number,
): void {
  for (let r = 0; r < batch.B * batch.T; r++) {
    const id = batch.ids[r]!;
    const t = r % batch.T;
    const o = r * H;
    const to = id * H;
    const po = t * H;
    for (let j = 0; j < H; j++) {
      const g = dx0[o + j]!;
      dTok[to + j]! += g;
      dPos[po + j]! += g;
    }
  }
}

/** Additive attention mask [B, 1, 1, T]: 0 for real keys, -1e9 for padding. */
export function maskAdditive(batch: Batch): Float32Array {
  const m = new Float32Array(batch.B * batch.T);
  for (let i = 0; i < m.length; i++) m[i] = batch.attention[i] ? 0 : -1e9;
  return m;
}

export interface LossAndGrads {
  readonly loss: number;
  /** Gradients of every parameter (same names and shapes). */
  readonly grads: NamedTensors;
}

type LossFn = (d: { p: JaxParams; x0: Arr }, maskAdd: Arr, sel: Arr, target: Arr, weight: Arr) => Arr;

/** Compiled loss-and-gradient functions, one per (config, B, T, M). */
export class MlmModel {
  private readonly valueGrad: (...args: unknown[]) => [Arr, { p: JaxParams; x0: Arr }];
  private readonly value: (...args: unknown[]) => Arr;

  constructor(
    readonly config: EncoderConfig,
    readonly B: number,
    readonly T: number,
    readonly M: number,
  ) {
    const fn: LossFn = (d, maskAdd, sel, target, weight) =>
      mlmLoss(config, d.p, d.x0, maskAdd, sel, target, weight, B, T);
    this.valueGrad = jit(valueAndGrad(fn)) as unknown as MlmModel['valueGrad'];
    this.value = jit(fn) as unknown as MlmModel['value'];
  }

  private inputs(params: NamedTensors, batch: Batch, targets: MlmTargets) {
    const { B, T, M } = this;
    const V = this.config.vocabSize;
    const H = this.config.hidden;
    if (batch.B !== B || batch.T !== T || targets.slots !== M)
      throw new Error('batch shape differs from the model');
    const sel = new Float32Array(M * B * T);
    const target = new Float32Array(M * V);
    const weight = new Float32Array(M);
    for (let i = 0; i < targets.positions.length; i++) {
      sel[i * B * T + targets.positions[i]!] = 1;
      target[i * V + targets.labels[i]!] = 1;
      weight[i] = 1;
    }
    const p = toJax(params, ['embeddings.position_embeddings.weight']);
    return {
      d: { p, x0: np.array(gatherEmbeddings(params, batch)).reshape([B * T, H]) },
      maskAdd: np.array(maskAdditive(batch)).reshape([B, 1, 1, T]),
      sel: np.array(sel).reshape([M, B * T]),
      target: np.array(target).reshape([M, V]),
      weight: np.array(weight),
    };
  }

  /** The loss only (evaluation). */
  loss(params: NamedTensors, batch: Batch, targets: MlmTargets): number {
    const x = this.inputs(params, batch, targets);
    const out = this.value(x.d, x.maskAdd, x.sel, x.target, x.weight);
    return out.dataSync()[0]!; // dataSync consumes the array
  }

  /** Loss and gradients of every parameter (the embedding tables' gradients completed by the scatter). */
  lossAndGrads(params: NamedTensors, batch: Batch, targets: MlmTargets): LossAndGrads {
    const x = this.inputs(params, batch, targets);
    const [lossArr, g] = this.valueGrad(x.d, x.maskAdd, x.sel, x.target, x.weight);
    const loss = lossArr.dataSync()[0]!; // dataSync consumes the array
    const grads: NamedTensors = new Map();
    for (const [name, t] of params) {
      const a = g.p[name];
      grads.set(name, {
        shape: t.shape,
        data: a ? new Float32Array(a.dataSync()) : new Float32Array(t.data.length),
      });
    }
    const dx0 = new Float32Array(g.x0.dataSync());
    const H = this.config.hidden;
    scatterEmbeddingGrad(
      dx0,
      batch,
      grads.get('embeddings.word_embeddings.weight')!.data,
      grads.get('embeddings.position_embeddings.weight')!.data,
      H,
    );
    return { loss, grads };
  }

  /** Last hidden states [B*T*H] (no gradient), for tests and later heads. */
  hidden(params: NamedTensors, batch: Batch): Float32Array {
    const { B, T } = this;
    const p = toJax(params, ['embeddings.position_embeddings.weight']);
    const x0 = np.array(gatherEmbeddings(params, batch)).reshape([B * T, this.config.hidden]);
    const mask = np.array(maskAdditive(batch)).reshape([B, 1, 1, T]);
    const h = encoderForward(this.config, p, x0, mask, B, T);
    const out = new Float32Array(h.dataSync()); // dataSync consumes h
    tree.dispose(p); // encoderForward took references (.ref) of the parameters
    return out;
  }
}
