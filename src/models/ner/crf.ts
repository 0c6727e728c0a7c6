/**
 * The linear-chain CRF side of the sequence labeller: forward-backward over one sentence's emission
 * scores and the model's transitions (BIO constraints as zero potentials), span marginals (the
 * probability of a mention), and training by stochastic gradient ascent on the log-likelihood with an
 * L2 penalty (SGD with a global scale factor so that the decay costs nothing per feature, the step
 * size decaying as eta0 / (1 + epoch)).
 *
 * Forward-backward runs on exponentiated scores with one normaliser per position: each position's
 * emission scores are shifted by their maximum before `exp`, and alpha is rescaled to sum to 1 at
 * every position (Rabiner's scaling). `log Z` is the sum of the shifts and of the logs of the
 * normalisers: this is log-space forward-backward with the log-sum-exp factored per position, so it
 * neither overflows nor underflows, and it costs L exponentials per token instead of L^2.
 */
import type { DocFeatures } from './features.js';
import type { LinearModel, Weights } from './perceptron.js';

/** Reused buffers of the forward-backward pass (sized for the longest sentence seen). */
export class ForwardBackward {
  /** exp(emission - max) per position, `n * L`. */
  e = new Float64Array(0);
  /** Scaled alpha and beta, `n * L`. */
  alpha = new Float64Array(0);
  beta = new Float64Array(0);
  /** Per-position normalisers of alpha. */
  c = new Float64Array(0);
  /** exp(transition / temperature), `(L + 1) * L`, 0 where forbidden. */
  t = new Float64Array(0);
  n = 0;
  L = 0;
  /** log Z of the last run. */
  logZ = 0;

  #ensure(n: number, L: number): void {
    if (this.e.length < n * L) {
      const size = Math.max(n * L, this.e.length * 2);
      this.e = new Float64Array(size);
      this.alpha = new Float64Array(size);
      this.beta = new Float64Array(size);
      this.c = new Float64Array(Math.ceil(size / L) + 1);
    }
    if (this.t.length !== (L + 1) * L) this.t = new Float64Array((L + 1) * L);
  }

  /**
   * Runs forward-backward on `n` positions of emission scores `emit[off + k * L + y]`, with the
   * model's transitions; all scores are divided by `temperature`. Afterwards `marginal(k, y)` and
   * `span(...)` answer.
   */
  run(model: LinearModel, emit: ArrayLike<number>, off: number, n: number, temperature = 1): void {
    const { L, allowed } = model;
    const T = model.transitions;
    this.#ensure(n, L);
    this.n = n;
    this.L = L;
    const inv = 1 / temperature;
    const { e, alpha, beta, c, t } = this;
    for (let i = 0; i < t.length; i++) {
      t[i] = allowed[i] ? Math.exp((T[i] as number) * inv) : 0;
    }
    let logZ = 0;
    for (let k = 0; k < n; k++) {
      const base = off + k * L;
      let m = Number.NEGATIVE_INFINITY;
      for (let y = 0; y < L; y++) if ((emit[base + y] as number) > m) m = emit[base + y] as number;
      for (let y = 0; y < L; y++) e[k * L + y] = Math.exp(((emit[base + y] as number) - m) * inv);
      logZ += m * inv;
    }
    // forward
    let sum = 0;
    for (let y = 0; y < L; y++) {
      const a = (t[y] as number) * (e[y] as number);
      alpha[y] = a;
      sum += a;
    }
    c[0] = sum;
    for (let y = 0; y < L; y++) alpha[y] = (alpha[y] as number) / sum;
    logZ += Math.log(sum);
    for (let k = 1; k < n; k++) {
      const base = k * L;
      const prev = base - L;
      sum = 0;
      for (let y = 0; y < L; y++) {
        let a = 0;
        for (let p = 0; p < L; p++) a += (alpha[prev + p] as number) * (t[(p + 1) * L + y] as number);
        a *= e[base + y] as number;
        alpha[base + y] = a;
        sum += a;
      }
      c[k] = sum;
      const r = 1 / sum;
      for (let y = 0; y < L; y++) alpha[base + y] = (alpha[base + y] as number) * r;
      logZ += Math.log(sum);
    }
    this.logZ = logZ;
    // backward
    const last = (n - 1) * L;
    for (let y = 0; y < L; y++) beta[last + y] = 1;
    for (let k = n - 2; k >= 0; k--) {
      const base = k * L;
      const next = base + L;
      const r = 1 / (c[k + 1] as number);
      for (let y = 0; y < L; y++) {
        let b = 0;
        const row = (y + 1) * L;
        for (let q = 0; q < L; q++) {
          b += (t[row + q] as number) * (e[next + q] as number) * (beta[next + q] as number);
        }
        beta[base + y] = b * r;
      }
    }
  }

  /** P(y_k = y). */
  marginal(k: number, y: number): number {
    return (this.alpha[k * this.L + y] as number) * (this.beta[k * this.L + y] as number);
  }

  /** P(y_{k-1} = p, y_k = y), k >= 1. */
  pairMarginal(k: number, p: number, y: number): number {
    const L = this.L;
    return (
      ((this.alpha[(k - 1) * L + p] as number) *
        (this.t[(p + 1) * L + y] as number) *
        (this.e[k * L + y] as number) *
        (this.beta[k * L + y] as number)) /
      (this.c[k] as number)
    );
  }

  /**
   * Probability that positions `i..j` (inclusive) are exactly one mention: label `b` at i, `inside`
   * on i+1..j, and not `inside` at j+1.
   */
  span(i: number, j: number, b: number, inside: number): number {
    const L = this.L;
    const { alpha, beta, e, c, t } = this;
    let p = alpha[i * L + b] as number;
    let prev = b;
    for (let k = i + 1; k <= j; k++) {
      p *= ((t[(prev + 1) * L + inside] as number) * (e[k * L + inside] as number)) / (c[k] as number);
      prev = inside;
    }
    if (j + 1 < this.n) {
      const next = (j + 1) * L;
      let r = 0;
      for (let q = 0; q < L; q++) {
        if (q === inside) continue;
        r += (t[(inside + 1) * L + q] as number) * (e[next + q] as number) * (beta[next + q] as number);
      }
      p *= r / (c[j + 1] as number);
    }
    return p;
  }
}

export interface CrfOptions {
  /** Initial step size (default 0.1). */
  readonly eta0: number;
  /** L2 strength: the objective is sum(log-likelihood) - c2 / 2 * ||w||^2 (default 1). */
  readonly c2: number;
}

export const DEFAULT_CRF: CrfOptions = { eta0: 0.1, c2: 1 };

/**
 * A linear-chain CRF trained by SGD on the penalised log-likelihood. The weights are `scale * v`: the
 * L2 decay of every weight is one multiplication of `scale`.
 */
export class CrfTrainer {
  readonly L: number;
  readonly allowed: Uint8Array;
  readonly #v: Float64Array;
  readonly #vt: Float64Array;
  #scale = 1;
  readonly #fb = new ForwardBackward();
  #emit = new Float64Array(0);
  /** The current weights as a model (transitions only: `emission` is the scaled copy when asked). */
  readonly #view: { L: number; allowed: Uint8Array; emission: Weights; transitions: Float64Array };

  constructor(bits: number, L: number, allowed: Uint8Array) {
    this.L = L;
    this.allowed = allowed;
    this.#v = new Float64Array((1 << bits) * L);
    this.#vt = new Float64Array((L + 1) * L);
    this.#view = { L, allowed, emission: this.#v, transitions: new Float64Array((L + 1) * L) };
  }

  /**
   * One SGD step on the sentence `[start, end)` of a document: `eta` the step size, `decay` the L2
   * decay of this step (eta * c2 / N). Returns the sentence's negative log-likelihood.
   */
  step(f: DocFeatures, start: number, end: number, gold: Int32Array, eta: number, decay: number): number {
    const L = this.L;
    const n = end - start;
    if (n <= 0) return 0;
    const v = this.#v;
    const vt = this.#vt;
    const s = this.#scale;
    if (this.#emit.length < n * L) this.#emit = new Float64Array(Math.max(n * L, this.#emit.length * 2));
    const emit = this.#emit;
    const { offsets, feats } = f;
    let goldScore = 0;
    for (let k = 0; k < n; k++) {
      const base = k * L;
      for (let y = 0; y < L; y++) emit[base + y] = 0;
      const a = offsets[start + k] as number;
      const b = offsets[start + k + 1] as number;
      for (let j = a; j < b; j++) {
        const row = (feats[j] as number) * L;
        for (let y = 0; y < L; y++) emit[base + y] = (emit[base + y] as number) + (v[row + y] as number);
      }
      for (let y = 0; y < L; y++) emit[base + y] = (emit[base + y] as number) * s;
      const g = gold[start + k] as number;
      const pg = k === 0 ? -1 : (gold[start + k - 1] as number);
      goldScore += (emit[base + g] as number) + s * (vt[(pg + 1) * L + g] as number);
    }
    const view = this.#view;
    for (let i = 0; i < vt.length; i++) view.transitions[i] = (vt[i] as number) * s;
    const fb = this.#fb;
    fb.run(view, emit, 0, n, 1);
    const nll = fb.logZ - goldScore;
    // gradient ascent: observed - expected, applied to v (divided by the scale)
    const step = eta / s;
    for (let k = 0; k < n; k++) {
      const g = gold[start + k] as number;
      const a = offsets[start + k] as number;
      const b = offsets[start + k + 1] as number;
      for (let y = 0; y < L; y++) {
        const d = ((y === g ? 1 : 0) - fb.marginal(k, y)) * step;
        if (d === 0) continue;
        for (let j = a; j < b; j++) {
          const idx = (feats[j] as number) * L + y;
          v[idx] = (v[idx] as number) + d;
        }
      }
      if (k === 0) {
        for (let y = 0; y < L; y++) {
          if (!this.allowed[y]) continue;
          vt[y] = (vt[y] as number) + ((y === g ? 1 : 0) - fb.marginal(0, y)) * step;
        }
      } else {
        const pg = gold[start + k - 1] as number;
        for (let p = 0; p < L; p++) {
          for (let y = 0; y < L; y++) {
            const idx = (p + 1) * L + y;
            if (!this.allowed[idx]) continue;
            const observed = p === pg && y === g ? 1 : 0;
            vt[idx] = (vt[idx] as number) + (observed - fb.pairMarginal(k, p, y)) * step;
          }
        }
      }
    }
    this.#scale = s * (1 - decay);
    if (this.#scale < 1e-9) this.#rescale();
    return nll;
  }

  #rescale(): void {
    const s = this.#scale;
    const v = this.#v;
    for (let i = 0; i < v.length; i++) v[i] = (v[i] as number) * s;
    for (let i = 0; i < this.#vt.length; i++) this.#vt[i] = (this.#vt[i] as number) * s;
    this.#scale = 1;
  }

  /** The current weights as float32 (what a model keeps). */
  weights(): { emission: Float32Array; transitions: Float32Array } {
    const s = this.#scale;
    const emission = new Float32Array(this.#v.length);
    for (let i = 0; i < emission.length; i++) emission[i] = (this.#v[i] as number) * s;
    const transitions = new Float32Array(this.#vt.length);
    for (let i = 0; i < transitions.length; i++) transitions[i] = (this.#vt[i] as number) * s;
    return { emission, transitions };
  }
}
