/** A trained sequence labeller in memory: features, weights, decoding, and the spans it predicts. */
import { BOS, EOS, type FeatureConfig, Featurizer, findAbbreviations, type WordInfo } from './features.js';
import { allowedTransitions, spansFromTags } from './labels.js';
import { emissionScratch, type LinearModel, sentenceRanges, viterbiScores } from './perceptron.js';
import type { NerInput, NerToken, TypedSpan } from './types.js';

export interface NerModelParts {
  /** BIO labels, `O` first. */
  readonly labels: readonly string[];
  readonly features: FeatureConfig;
  readonly emission: Float32Array;
  readonly transitions: Float32Array;
  /** Give every use of an in-document short form the type predicted on its long form. */
  readonly abbreviationPropagation: boolean;
}

export class NerModel implements LinearModel {
  readonly labels: readonly string[];
  readonly L: number;
  readonly emission: Float32Array;
  readonly transitions: Float32Array;
  readonly allowed: Uint8Array;
  readonly featurizer: Featurizer;
  readonly abbreviationPropagation: boolean;

  constructor(parts: NerModelParts) {
    this.labels = parts.labels;
    this.L = parts.labels.length;
    this.emission = parts.emission;
    this.transitions = parts.transitions;
    this.allowed = allowedTransitions(parts.labels);
    this.featurizer = new Featurizer(parts.features);
    this.abbreviationPropagation = parts.abbreviationPropagation;
  }

  /**
   * Summed weights of a word's word-level features, by slot (see `Featurizer.wordSlots`):
   * `[own | before_1..w | after_1..w | shPrev | shNext]`, L values each. Kept on the word's info: decoding
   * adds one vector per slot instead of one weight row per feature.
   */
  #bos: Float64Array | undefined;
  #eos: Float64Array | undefined;

  #vector(info: WordInfo): Float64Array {
    const L = this.L;
    const W = this.emission;
    const slots = this.featurizer.wordSlots(info);
    const w = slots.before.length;
    const v = new Float64Array((3 + 2 * w) * L);
    const add = (slot: number, f: number): void => {
      for (let y = 0; y < L; y++) v[slot * L + y] = (v[slot * L + y] as number) + (W[f * L + y] as number);
    };
    for (const f of slots.own) add(0, f);
    for (let k = 0; k < w; k++) {
      add(1 + k, slots.before[k] as number);
      add(1 + w + k, slots.after[k] as number);
    }
    add(1 + 2 * w, slots.shPrev);
    add(2 + 2 * w, slots.shNext);
    return v;
  }

  /** Label indices of the tokens. */
  tags(input: NerInput): Int32Array {
    const { tokens } = input;
    const L = this.L;
    const W = this.emission;
    const window = this.featurizer.config.window;
    const words = tokens.map((t) => this.featurizer.word(t.text));
    const f = this.featurizer.features(input, false, words);
    const vecs = words.map((w) => {
      w.vector ??= this.#vector(w);
      return w.vector;
    });
    this.#bos ??= this.#vector(BOS);
    this.#eos ??= this.#vector(EOS);
    const bos = this.#bos;
    const eos = this.#eos;
    const out = new Int32Array(tokens.length);
    for (const [a, b] of sentenceRanges(tokens)) {
      const n = b - a;
      const emit = emissionScratch(n * L);
      for (let i = a; i < b; i++) {
        const base = (i - a) * L;
        const own = vecs[i] as Float64Array;
        for (let y = 0; y < L; y++) emit[base + y] = own[y] as number;
        for (let k = 1; k <= window; k++) {
          const before = i - k >= a ? (vecs[i - k] as Float64Array) : bos;
          const after = i + k < b ? (vecs[i + k] as Float64Array) : eos;
          const sb = k * L;
          const sa = (window + k) * L;
          for (let y = 0; y < L; y++) {
            emit[base + y] =
              (emit[base + y] as number) + (before[sb + y] as number) + (after[sa + y] as number);
          }
        }
        const prev = i - 1 >= a ? (vecs[i - 1] as Float64Array) : bos;
        const next = i + 1 < b ? (vecs[i + 1] as Float64Array) : eos;
        const sp = (1 + 2 * window) * L;
        const sn = (2 + 2 * window) * L;
        for (let y = 0; y < L; y++) {
          emit[base + y] = (emit[base + y] as number) + (prev[sp + y] as number) + (next[sn + y] as number);
        }
        const fa = f.offsets[i] as number;
        const fb = f.offsets[i + 1] as number;
        for (let j = fa; j < fb; j++) {
          const row = (f.feats[j] as number) * L;
          for (let y = 0; y < L; y++) emit[base + y] = (emit[base + y] as number) + (W[row + y] as number);
        }
      }
      viterbiScores(this, emit, n, a, out);
    }
    return out;
  }

  /** Predicted spans (character offsets, types without the BIO prefix), in text order. */
  predict(input: NerInput): TypedSpan[] {
    const spans = spansFromTags(input.tokens, this.tags(input), this.labels);
    return this.abbreviationPropagation ? propagateAbbreviations(input.tokens, spans) : spans;
  }
}

/**
 * Every use of a short form defined as "long form (SF)" that no predicted span covers gets the type
 * of the predicted span ending where the long form ends. Spans stay sorted.
 */
export function propagateAbbreviations(tokens: readonly NerToken[], spans: TypedSpan[]): TypedSpan[] {
  const defs = findAbbreviations(tokens);
  if (defs.length === 0) return spans;
  const byEnd = new Map(spans.map((s) => [s.end, s]));
  const typeOf = new Map<string, string>();
  for (const d of defs) {
    const s = byEnd.get((tokens[d.longEnd - 1] as NerToken).end);
    if (s && !typeOf.has(d.short)) typeOf.set(d.short, s.type);
  }
  if (typeOf.size === 0) return spans;
  const out = [...spans];
  const covered = (t: NerToken): boolean => spans.some((s) => s.start < t.end && t.start < s.end);
  for (const t of tokens) {
    const type = typeOf.get(t.text);
    if (type !== undefined && !covered(t)) out.push({ start: t.start, end: t.end, type });
  }
  return out.length === spans.length ? spans : out.sort((a, b) => a.start - b.start || a.end - b.end);
}
