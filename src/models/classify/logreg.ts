/**
 * Multinomial logistic regression over hashed sparse features: softmax, weighted cross-entropy,
 * AdaGrad updates one example at a time with L2 on the touched weights, seeded shuffling, class
 * weights and seeded oversampling of rare classes, early stopping on the development set's macro-F1
 * (or log loss). Same examples, seed and options give the same weights.
 *
 * Weights: `weights[slot * L + y]` for the 2^bits hashed slots, then the L biases.
 */
import { ClinoteError } from '../../errors/error.js';
import { fnv1a, mix } from '../hash.js';
import { mulberry32, shuffle } from '../prng.js';
import { classificationScores } from './metrics.js';

export interface ClassifyExample {
  /** Feature strings; a repeated string counts once per occurrence. */
  readonly features: readonly string[];
  /** Index into the labels. */
  readonly label: number;
  /** Weight of the example in the loss (default 1). */
  readonly weight?: number;
}

export interface LogRegOptions {
  readonly labels: readonly string[];
  /** 2^bits hashed feature slots (default 18). */
  readonly bits?: number;
  /** Most epochs (default 20). */
  readonly epochs?: number;
  /** AdaGrad step size (default 0.2). */
  readonly learningRate?: number;
  /** L2 penalty on the weights, applied to the touched slots at each update (default 1e-6). */
  readonly l2?: number;
  /** Seed of the shuffling and the oversampling (default 1). */
  readonly seed?: number;
  /** Loss weight per class: none (default), balanced (n / (K n_c)) or given per label. */
  readonly classWeights?: 'none' | 'balanced' | readonly number[];
  /** Classes with fewer training examples are oversampled (seeded draws) up to this many. */
  readonly oversampleTo?: number;
  /** Epochs without a better dev score before stopping (default 3). */
  readonly patience?: number;
  /** The dev score early stopping follows (default macro-F1). */
  readonly stopOn?: 'macroF1' | 'logLoss';
  /** Scale each example's feature vector to unit L2 norm (default false; long texts want it). */
  readonly normalize?: boolean;
}

export interface LogRegModel {
  readonly labels: readonly string[];
  readonly bits: number;
  /** (2^bits) x L weights, then the L biases. */
  readonly weights: Float32Array;
  /** Whether feature vectors are scaled to unit norm. */
  readonly normalize: boolean;
  logits(features: readonly string[]): Float64Array;
  predictProba(features: readonly string[], temperature?: number): Float64Array;
}

export interface LogRegEpoch {
  readonly epoch: number;
  /** Mean weighted cross-entropy over the training examples seen this epoch. */
  readonly trainLoss: number;
  /** Mean log loss on dev (NaN without dev). */
  readonly devLogLoss: number;
  readonly devMacroF1: number;
  readonly devAccuracy: number;
  readonly best: boolean;
  readonly seconds: number;
}

export interface LogRegTraining {
  readonly model: LogRegModel;
  readonly history: readonly LogRegEpoch[];
  /** The epoch whose weights were kept (the last one without dev). */
  readonly bestEpoch: number;
  /** Examples per class after oversampling, and the class weights used. */
  readonly classCounts: readonly number[];
  readonly classWeights: readonly number[];
  readonly hyperparameters: Readonly<Record<string, number | string | boolean>>;
}

/** A hashed sparse vector: distinct slots in increasing order, and their values. */
export interface HashedVector {
  readonly slots: Int32Array;
  readonly values: Float32Array;
}

const SALT = 0x5bd1e995;

/** The slot of one feature string among 2^bits. */
export function featureSlot(feature: string, bits: number): number {
  return mix(fnv1a(feature), SALT) & ((1 << bits) - 1);
}

/** Hash feature strings into a sparse vector (counts, or unit norm when `normalize`). */
export function hashFeatures(features: readonly string[], bits: number, normalize = false): HashedVector {
  const raw = new Int32Array(features.length);
  for (let i = 0; i < features.length; i++) raw[i] = featureSlot(features[i] as string, bits);
  raw.sort();
  let n = 0;
  const slots = new Int32Array(raw.length);
  const values = new Float32Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const s = raw[i] as number;
    if (n > 0 && slots[n - 1] === s) values[n - 1] = (values[n - 1] as number) + 1;
    else {
      slots[n] = s;
      values[n] = 1;
      n++;
    }
  }
  const out = { slots: slots.slice(0, n), values: values.slice(0, n) };
  if (normalize && n > 0) {
    let ss = 0;
    for (let i = 0; i < n; i++) ss += (out.values[i] as number) ** 2;
    const inv = 1 / Math.sqrt(ss);
    for (let i = 0; i < n; i++) out.values[i] = (out.values[i] as number) * inv;
  }
  return out;
}

/** Logits of a hashed vector: z_y = b_y + sum_k v_k W[s_k, y]. Writes into `out` (length L). */
export function hashedLogits(
  weights: Float32Array,
  L: number,
  x: HashedVector,
  out: Float64Array,
): Float64Array {
  const biasAt = weights.length - L;
  for (let y = 0; y < L; y++) out[y] = weights[biasAt + y] as number;
  for (let k = 0; k < x.slots.length; k++) {
    const base = (x.slots[k] as number) * L;
    const v = x.values[k] as number;
    for (let y = 0; y < L; y++) out[y] = (out[y] as number) + v * (weights[base + y] as number);
  }
  return out;
}

/** Softmax of `z / temperature`, numerically stable. Returns a new array. */
export function softmax(z: ArrayLike<number>, temperature = 1): Float64Array {
  const out = new Float64Array(z.length);
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < z.length; i++) max = Math.max(max, (z[i] as number) / temperature);
  let sum = 0;
  for (let i = 0; i < z.length; i++) {
    const e = Math.exp((z[i] as number) / temperature - max);
    out[i] = e;
    sum += e;
  }
  for (let i = 0; i < z.length; i++) out[i] = (out[i] as number) / sum;
  return out;
}

/** Index of the largest value (the first on ties). */
export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if ((values[i] as number) > (values[best] as number)) best = i;
  return best;
}

class HashedLogReg implements LogRegModel {
  constructor(
    readonly labels: readonly string[],
    readonly bits: number,
    readonly weights: Float32Array,
    readonly normalize: boolean,
  ) {}

  logits(features: readonly string[]): Float64Array {
    const L = this.labels.length;
    return hashedLogits(
      this.weights,
      L,
      hashFeatures(features, this.bits, this.normalize),
      new Float64Array(L),
    );
  }

  predictProba(features: readonly string[], temperature = 1): Float64Array {
    return softmax(this.logits(features), temperature);
  }
}

/** A model from its weights (read back from an artifact). */
export function logRegFromWeights(
  labels: readonly string[],
  bits: number,
  weights: Float32Array,
  normalize: boolean,
): LogRegModel {
  const expected = (1 << bits) * labels.length + labels.length;
  if (weights.length !== expected) {
    throw new ClinoteError(
      'CLINOTE_E_MODEL_MANIFEST_INVALID',
      `classifier weights hold ${weights.length} values; 2^${bits} slots x ${labels.length} labels + biases need ${expected}`,
      { bits, labels: labels.length },
    );
  }
  return new HashedLogReg([...labels], bits, weights, normalize);
}

/**
 * Mean weighted cross-entropy of `examples` plus (l2 / 2) ||W||^2 over the slot weights (not the
 * biases), and its gradient with respect to every weight: the objective whose per-example terms the
 * training steps follow. For tests and small checks (the gradient is dense).
 */
export function lossAndGradient(
  weights: Float32Array | Float64Array,
  labels: number,
  bits: number,
  examples: readonly ClassifyExample[],
  l2 = 0,
  normalize = false,
): { loss: number; gradient: Float64Array } {
  const L = labels;
  const gradient = new Float64Array(weights.length);
  const biasAt = weights.length - L;
  let loss = 0;
  let total = 0;
  const z = new Float64Array(L);
  for (const ex of examples) {
    const x = hashFeatures(ex.features, bits, normalize);
    const w = ex.weight ?? 1;
    total += w;
    // logits in float64 from the given weights, for exact finite differences
    for (let y = 0; y < L; y++) z[y] = weights[biasAt + y] as number;
    for (let k = 0; k < x.slots.length; k++) {
      const base = (x.slots[k] as number) * L;
      for (let y = 0; y < L; y++)
        z[y] = (z[y] as number) + (x.values[k] as number) * (weights[base + y] as number);
    }
    const p = softmax(z);
    loss -= w * Math.log(Math.max(p[ex.label] as number, 1e-300));
    for (let y = 0; y < L; y++) {
      const g = w * ((p[y] as number) - (y === ex.label ? 1 : 0));
      gradient[biasAt + y] = (gradient[biasAt + y] as number) + g;
      for (let k = 0; k < x.slots.length; k++) {
        const i = (x.slots[k] as number) * L + y;
        gradient[i] = (gradient[i] as number) + g * (x.values[k] as number);
      }
    }
  }
  const scale = total > 0 ? 1 / total : 0;
  let penalty = 0;
  for (let i = 0; i < gradient.length; i++) {
    gradient[i] = (gradient[i] as number) * scale;
    if (i < biasAt) {
      const wi = weights[i] as number;
      penalty += wi * wi;
      gradient[i] = (gradient[i] as number) + l2 * wi;
    }
  }
  return { loss: loss * scale + (l2 / 2) * penalty, gradient };
}

/** Per-class loss weights: `balanced` gives n / (K n_c) over the K classes present. */
export function classWeightsFor(
  counts: readonly number[],
  option: LogRegOptions['classWeights'] = 'none',
): number[] {
  if (Array.isArray(option)) {
    if (option.length !== counts.length) {
      throw new ClinoteError(
        'CLINOTE_E_MODEL_TRAINING_DATA',
        `class weights: ${option.length} given for ${counts.length} labels`,
        { given: option.length, labels: counts.length },
      );
    }
    return [...option];
  }
  if (option !== 'balanced') return counts.map(() => 1);
  const n = counts.reduce((a, c) => a + c, 0);
  const present = counts.filter((c) => c > 0).length;
  return counts.map((c) => (c > 0 ? n / (present * c) : 1));
}

interface Prepared {
  readonly x: HashedVector;
  readonly label: number;
  readonly weight: number;
}

function checkExamples(examples: readonly ClassifyExample[], L: number, what: string): void {
  for (const ex of examples) {
    if (!Number.isInteger(ex.label) || ex.label < 0 || ex.label >= L) {
      throw new ClinoteError(
        'CLINOTE_E_MODEL_TRAINING_DATA',
        `${what}: label index ${ex.label} is outside 0..${L - 1}`,
        { label: ex.label, labels: L },
      );
    }
  }
}

/** Log loss, macro-F1 and accuracy of `weights` on prepared examples. */
function scorePrepared(
  weights: Float32Array,
  L: number,
  examples: readonly Prepared[],
): { logLoss: number; macroF1: number; accuracy: number } {
  const z = new Float64Array(L);
  const gold: number[] = [];
  const pred: number[] = [];
  let loss = 0;
  for (const ex of examples) {
    hashedLogits(weights, L, ex.x, z);
    const p = softmax(z);
    loss -= Math.log(Math.max(p[ex.label] as number, 1e-15));
    gold.push(ex.label);
    pred.push(argmax(p));
  }
  const s = classificationScores(gold, pred, L);
  return {
    logLoss: examples.length ? loss / examples.length : Number.NaN,
    macroF1: s.macroF1,
    accuracy: s.accuracy,
  };
}

/**
 * Train on `train`; with `dev`, score every epoch on it and keep the best epoch's weights (early
 * stopping after `patience` epochs without improvement). `log` gets one line per epoch.
 */
export function trainLogReg(
  train: readonly ClassifyExample[],
  options: LogRegOptions,
  dev?: readonly ClassifyExample[],
  log?: (line: string) => void,
): LogRegTraining {
  const L = options.labels.length;
  const bits = options.bits ?? 18;
  const maxEpochs = options.epochs ?? 20;
  const lr = options.learningRate ?? 0.2;
  const l2 = options.l2 ?? 1e-6;
  const seed = options.seed ?? 1;
  const patience = options.patience ?? 3;
  const stopOn = options.stopOn ?? 'macroF1';
  const normalize = options.normalize ?? false;
  if (L < 2) {
    throw new ClinoteError('CLINOTE_E_MODEL_TRAINING_DATA', `a classifier needs 2 labels or more, got ${L}`, {
      labels: L,
    });
  }
  if (train.length === 0) {
    throw new ClinoteError('CLINOTE_E_MODEL_TRAINING_DATA', 'no training examples', {});
  }
  if (!(bits >= 4 && bits <= 24)) {
    throw new ClinoteError('CLINOTE_E_MODEL_TRAINING_DATA', `bits ${bits} is outside 4..24`, { bits });
  }
  checkExamples(train, L, 'train');
  if (dev) checkExamples(dev, L, 'dev');

  const random = mulberry32(seed);
  const counts = new Array<number>(L).fill(0);
  for (const ex of train) counts[ex.label] = (counts[ex.label] as number) + 1;
  const cw = classWeightsFor(counts, options.classWeights);

  const prepared: Prepared[] = train.map((ex) => ({
    x: hashFeatures(ex.features, bits, normalize),
    label: ex.label,
    weight: (ex.weight ?? 1) * (cw[ex.label] as number),
  }));
  // rare classes: seeded draws (with replacement) from their own examples, up to oversampleTo
  const target = options.oversampleTo ?? 0;
  const finalCounts = [...counts];
  if (target > 0) {
    const byClass: Prepared[][] = Array.from({ length: L }, () => []);
    for (const p of prepared) byClass[p.label]?.push(p);
    for (let c = 0; c < L; c++) {
      const own = byClass[c] as Prepared[];
      for (let k = own.length; own.length > 0 && k < target; k++) {
        prepared.push(own[Math.floor(random() * own.length)] as Prepared);
        finalCounts[c] = (finalCounts[c] as number) + 1;
      }
    }
  }
  const devPrepared: Prepared[] | undefined = dev?.map((ex) => ({
    x: hashFeatures(ex.features, bits, normalize),
    label: ex.label,
    weight: ex.weight ?? 1,
  }));

  const size = (1 << bits) * L + L;
  const weights = new Float32Array(size);
  const g2 = new Float32Array(size);
  const biasAt = size - L;
  let best: Float32Array | null = null;
  let bestScore = Number.NEGATIVE_INFINITY;
  let bestEpoch = 0;
  let since = 0;
  const history: LogRegEpoch[] = [];
  const z = new Float64Array(L);
  const eps = 1e-8;
  const order = prepared.map((_, i) => i);

  for (let epoch = 1; epoch <= maxEpochs; epoch++) {
    const t0 = performance.now();
    shuffle(order, random);
    let loss = 0;
    let weightSum = 0;
    for (const i of order) {
      const ex = prepared[i] as Prepared;
      hashedLogits(weights, L, ex.x, z);
      const p = softmax(z);
      loss -= ex.weight * Math.log(Math.max(p[ex.label] as number, 1e-15));
      weightSum += ex.weight;
      for (let y = 0; y < L; y++) {
        const g = ex.weight * ((p[y] as number) - (y === ex.label ? 1 : 0));
        // bias (no L2)
        const bi = biasAt + y;
        g2[bi] = (g2[bi] as number) + g * g;
        weights[bi] = (weights[bi] as number) - (lr * g) / (Math.sqrt(g2[bi] as number) + eps);
        for (let k = 0; k < ex.x.slots.length; k++) {
          const wi = (ex.x.slots[k] as number) * L + y;
          const gi = g * (ex.x.values[k] as number) + l2 * (weights[wi] as number);
          if (gi === 0) continue;
          g2[wi] = (g2[wi] as number) + gi * gi;
          weights[wi] = (weights[wi] as number) - (lr * gi) / (Math.sqrt(g2[wi] as number) + eps);
        }
      }
    }
    const trainLoss = weightSum > 0 ? loss / weightSum : 0;
    let devScores = { logLoss: Number.NaN, macroF1: Number.NaN, accuracy: Number.NaN };
    let isBest = false;
    if (devPrepared && devPrepared.length > 0) {
      devScores = scorePrepared(weights, L, devPrepared);
      const score = stopOn === 'logLoss' ? -devScores.logLoss : devScores.macroF1;
      if (score > bestScore) {
        bestScore = score;
        bestEpoch = epoch;
        best = weights.slice();
        since = 0;
        isBest = true;
      } else since++;
    } else {
      bestEpoch = epoch;
      isBest = true;
    }
    const seconds = (performance.now() - t0) / 1000;
    history.push({
      epoch,
      trainLoss,
      devLogLoss: devScores.logLoss,
      devMacroF1: devScores.macroF1,
      devAccuracy: devScores.accuracy,
      best: isBest,
      seconds,
    });
    log?.(
      `epoch ${epoch}: loss ${trainLoss.toFixed(4)}` +
        (devPrepared && devPrepared.length > 0
          ? `, dev macro-F1 ${devScores.macroF1.toFixed(3)} accuracy ${devScores.accuracy.toFixed(3)} log loss ${devScores.logLoss.toFixed(3)}${isBest ? ' (best)' : ''}`
          : '') +
        `, ${seconds.toFixed(1)} s`,
    );
    if (devPrepared && devPrepared.length > 0 && since >= patience) break;
  }
  const model = new HashedLogReg([...options.labels], bits, best ?? weights, normalize);
  return {
    model,
    history,
    bestEpoch,
    classCounts: finalCounts,
    classWeights: cw,
    hyperparameters: {
      algorithm: 'logreg-adagrad',
      bits,
      maxEpochs,
      epochs: history.length,
      bestEpoch,
      learningRate: lr,
      l2,
      patience,
      stopOn,
      normalize,
      classWeights:
        typeof options.classWeights === 'string'
          ? options.classWeights
          : options.classWeights
            ? 'given'
            : 'none',
      oversampleTo: target,
    },
  };
}
