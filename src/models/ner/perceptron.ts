/**
 * The linear model of the sequence labeller: hashed emission weights `emission[f * L + y]`, label
 * transitions `transitions[(p + 1) * L + y]` (row 0: the sentence start), and first-order Viterbi
 * decoding under the BIO constraints. Training is the structured averaged perceptron (Collins 2002)
 * with the lazy-averaging trick.
 */
import type { DocFeatures } from './features.js';
import type { NerToken } from './types.js';

export type Weights = Float32Array | Float64Array;

export interface LinearModel {
  /** Number of labels. */
  readonly L: number;
  readonly emission: Weights;
  readonly transitions: Weights;
  /** Allowed transitions, same shape as `transitions` (1 = allowed). */
  readonly allowed: Uint8Array;
}

/** Sentence ranges `[start, end)` of a token list (runs of one `sentence` value). */
export function sentenceRanges(tokens: readonly NerToken[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let start = 0;
  for (let i = 1; i <= tokens.length; i++) {
    if (i === tokens.length || (tokens[i] as NerToken).sentence !== (tokens[i - 1] as NerToken).sentence) {
      if (i > start) out.push([start, i]);
      start = i;
    }
  }
  return out;
}

/** Scratch buffers reused between calls (decoding allocates nothing per token). */
class Scratch {
  scores = new Float64Array(0);
  back = new Int32Array(0);
  emit = new Float64Array(0);
  ensure(size: number): void {
    if (this.scores.length < size) {
      const n = Math.max(size, this.scores.length * 2);
      this.scores = new Float64Array(n);
      this.back = new Int32Array(n);
      this.emit = new Float64Array(n);
    }
  }
}

const scratch = new Scratch();

/**
 * Viterbi over tokens `[start, end)` of a document, writing label indices into `out[start..end)`.
 * Returns the best path's score.
 */
export function viterbi(
  model: LinearModel,
  f: DocFeatures,
  start: number,
  end: number,
  out: Int32Array,
): number {
  const { L, emission: W } = model;
  const n = end - start;
  if (n <= 0) return 0;
  scratch.ensure(n * L);
  const { emit } = scratch;
  const { offsets, feats } = f;
  for (let k = 0; k < n; k++) {
    const base = k * L;
    for (let y = 0; y < L; y++) emit[base + y] = 0;
    const a = offsets[start + k] as number;
    const b = offsets[start + k + 1] as number;
    for (let j = a; j < b; j++) {
      const row = (feats[j] as number) * L;
      for (let y = 0; y < L; y++) emit[base + y] = (emit[base + y] as number) + (W[row + y] as number);
    }
  }
  return viterbiScores(model, emit, n, start, out);
}

/** Scratch space of at least `size` emission scores (reused; valid until the next call). */
export function emissionScratch(size: number): Float64Array {
  scratch.ensure(size);
  return scratch.emit;
}

/**
 * Viterbi over `n` tokens whose emission scores are `emit[offset + k * L + y]`, writing labels into
 * `out[start..start + n)`. Returns the best path's score.
 */
export function viterbiScores(
  model: LinearModel,
  emit: Float64Array,
  n: number,
  start: number,
  out: Int32Array,
  offset = 0,
): number {
  const { L, transitions: T, allowed } = model;
  if (n <= 0) return 0;
  // the three scratch arrays have one length: `emit` from emissionScratch(n * L) is never reallocated here
  scratch.ensure(n * L);
  const { scores, back } = scratch;
  for (let y = 0; y < L; y++) {
    scores[y] = allowed[y] ? (T[y] as number) + (emit[offset + y] as number) : Number.NEGATIVE_INFINITY;
    back[y] = -1;
  }
  for (let k = 1; k < n; k++) {
    const base = k * L;
    const prevBase = base - L;
    for (let y = 0; y < L; y++) {
      let best = Number.NEGATIVE_INFINITY;
      let arg = 0;
      for (let p = 0; p < L; p++) {
        const idx = (p + 1) * L + y;
        if (!allowed[idx]) continue;
        const s = (scores[prevBase + p] as number) + (T[idx] as number);
        if (s > best) {
          best = s;
          arg = p;
        }
      }
      scores[base + y] = best + (emit[offset + base + y] as number);
      back[base + y] = arg;
    }
  }
  const lastBase = (n - 1) * L;
  let best = Number.NEGATIVE_INFINITY;
  let arg = 0;
  for (let y = 0; y < L; y++) {
    if ((scores[lastBase + y] as number) > best) {
      best = scores[lastBase + y] as number;
      arg = y;
    }
  }
  for (let k = n - 1; k >= 0; k--) {
    out[start + k] = arg;
    arg = back[k * L + arg] as number;
  }
  return best;
}

/** Decode a whole document sentence by sentence. */
export function decode(model: LinearModel, tokens: readonly NerToken[], f: DocFeatures): Int32Array {
  const out = new Int32Array(tokens.length);
  for (const [a, b] of sentenceRanges(tokens)) viterbi(model, f, a, b, out);
  return out;
}

/**
 * The averaged perceptron's state: current weights `w`, and `u` accumulating `c * delta` so that the
 * average is `w - u / c` (c: the number of instances seen + 1).
 */
export class PerceptronTrainer {
  readonly L: number;
  readonly emission: Float64Array;
  readonly transitions: Float64Array;
  readonly allowed: Uint8Array;
  readonly #uEmission: Float64Array;
  readonly #uTransitions: Float64Array;
  #c = 1;

  constructor(bits: number, L: number, allowed: Uint8Array) {
    this.L = L;
    this.allowed = allowed;
    this.emission = new Float64Array((1 << bits) * L);
    this.transitions = new Float64Array((L + 1) * L);
    this.#uEmission = new Float64Array(this.emission.length);
    this.#uTransitions = new Float64Array(this.transitions.length);
  }

  /**
   * One instance: decode `[start, end)` with the current weights, update towards `gold` where the
   * prediction differs. Returns the number of tokens wrong.
   */
  step(f: DocFeatures, start: number, end: number, gold: Int32Array, pred: Int32Array): number {
    viterbi(this, f, start, end, pred);
    const L = this.L;
    const c = this.#c;
    let wrong = 0;
    const W = this.emission;
    const U = this.#uEmission;
    const T = this.transitions;
    const UT = this.#uTransitions;
    for (let k = start; k < end; k++) {
      const g = gold[k] as number;
      const p = pred[k] as number;
      if (g !== p) {
        wrong++;
        const a = f.offsets[k] as number;
        const b = f.offsets[k + 1] as number;
        for (let j = a; j < b; j++) {
          const row = (f.feats[j] as number) * L;
          W[row + g] = (W[row + g] as number) + 1;
          U[row + g] = (U[row + g] as number) + c;
          W[row + p] = (W[row + p] as number) - 1;
          U[row + p] = (U[row + p] as number) - c;
        }
      }
      const pg = k === start ? -1 : (gold[k - 1] as number);
      const pp = k === start ? -1 : (pred[k - 1] as number);
      if (g !== p || pg !== pp) {
        const ig = (pg + 1) * L + g;
        const ip = (pp + 1) * L + p;
        T[ig] = (T[ig] as number) + 1;
        UT[ig] = (UT[ig] as number) + c;
        T[ip] = (T[ip] as number) - 1;
        UT[ip] = (UT[ip] as number) - c;
      }
    }
    this.#c++;
    return wrong;
  }

  /** The averaged weights, as float32 (what a model keeps). */
  averaged(): { emission: Float32Array; transitions: Float32Array } {
    const c = this.#c;
    const avg = (w: Float64Array, u: Float64Array): Float32Array => {
      const out = new Float32Array(w.length);
      for (let i = 0; i < w.length; i++) out[i] = (w[i] as number) - (u[i] as number) / c;
      return out;
    };
    return {
      emission: avg(this.emission, this.#uEmission),
      transitions: avg(this.transitions, this.#uTransitions),
    };
  }
}
