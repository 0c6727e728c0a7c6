/** A trained sequence labeller in memory: features, weights, decoding, and the spans it predicts. */

import { ForwardBackward } from './crf.js';
import { BOS, EOS, type FeatureConfig, Featurizer, findAbbreviations, type WordInfo } from './features.js';
import { allowedTransitions } from './labels.js';
import { type LinearModel, sentenceRanges, viterbiScores } from './perceptron.js';
import { platt } from './platt.js';
import type { Mention, NerInput, NerToken } from './types.js';

export interface NerModelParts {
  /** BIO labels, `O` first. */
  readonly labels: readonly string[];
  readonly features: FeatureConfig;
  readonly emission: Float32Array;
  readonly transitions: Float32Array;
  /** Give every use of an in-document short form the type predicted on its long form. */
  readonly abbreviationPropagation: boolean;
  /** Scores are divided by this before mention probabilities are computed (default 1). */
  readonly temperature?: number;
  /** Platt scaling applied to the temperature-scaled span probability (default: none). */
  readonly platt?: { readonly a: number; readonly b: number };
}

export class NerModel implements LinearModel {
  readonly labels: readonly string[];
  readonly L: number;
  readonly emission: Float32Array;
  readonly transitions: Float32Array;
  readonly allowed: Uint8Array;
  readonly featurizer: Featurizer;
  readonly abbreviationPropagation: boolean;
  /** Temperature of the mention probabilities (fitted on the tuned part of dev). */
  temperature: number;
  /** Platt scaling of the mention probabilities after the temperature (fitted on the tuned part of dev). */
  platt: { readonly a: number; readonly b: number } | undefined;

  constructor(parts: NerModelParts) {
    this.labels = parts.labels;
    this.L = parts.labels.length;
    this.emission = parts.emission;
    this.transitions = parts.transitions;
    this.allowed = allowedTransitions(parts.labels);
    this.featurizer = new Featurizer(parts.features);
    this.abbreviationPropagation = parts.abbreviationPropagation;
    this.temperature = parts.temperature ?? 1;
    this.platt = parts.platt;
    const maps = labelMaps(parts.labels);
    this.#inside = maps.inside;
    this.#begin = maps.begin;
  }

  /** Per label: the index of its I- label, of its B- label (O: -1). */
  readonly #inside: Int32Array;
  readonly #begin: Int32Array;

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
    for (const f of slots.shPrev) add(1 + 2 * w, f);
    for (const f of slots.shNext) add(2 + 2 * w, f);
    return v;
  }

  /** Reused document-level emission scores (`n * L`). */
  #emit = new Float64Array(0);

  /**
   * Emission scores of every token of the document, `emit[k * L + y]` (valid until the next call on
   * this model).
   */
  emissions(input: NerInput): Float64Array {
    const { tokens } = input;
    const L = this.L;
    const W = this.emission;
    const window = this.featurizer.config.window;
    const n = tokens.length;
    const words = new Array<WordInfo>(n);
    const vecs = new Array<Float64Array>(n);
    for (let i = 0; i < n; i++) {
      const w = this.featurizer.word((tokens[i] as NerToken).text);
      words[i] = w;
      w.vector ??= this.#vector(w);
      vecs[i] = w.vector;
    }
    const f = this.featurizer.features(input, false, words);
    this.#bos ??= this.#vector(BOS);
    this.#eos ??= this.#vector(EOS);
    const bos = this.#bos;
    const eos = this.#eos;
    if (this.#emit.length < n * L) this.#emit = new Float64Array(Math.max(n * L, this.#emit.length * 2));
    const emit = this.#emit;
    const sp = (1 + 2 * window) * L;
    const sn = (2 + 2 * window) * L;
    const reach = Math.max(window, 1);
    let a = 0;
    for (let i = 0; i < n; i++) {
      // the sentence of token i starts at a; b: the end of the sentence or past the farthest neighbour
      const sentence = (tokens[i] as NerToken).sentence;
      if (i === 0 || (tokens[i - 1] as NerToken).sentence !== sentence) a = i;
      let b = i + 1;
      while (b < n && b <= i + reach && (tokens[b] as NerToken).sentence === sentence) b++;
      const base = i * L;
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
    return emit;
  }

  /** Label indices of the tokens. */
  tags(input: NerInput): Int32Array {
    const emit = this.emissions(input);
    const out = new Int32Array(input.tokens.length);
    for (const [a, b] of sentenceRanges(input.tokens)) viterbiScores(this, emit, b - a, a, out, a * this.L);
    return out;
  }

  /**
   * Predicted mentions (character offsets, types without the BIO prefix), in text order. Each has the
   * probability that it is exactly a mention (its span's marginal under the model's scores divided
   * by the temperature, then Platt-scaled when the model has Platt parameters; a short form given its
   * long form's type has its long form's probability).
   */
  predict(input: NerInput): Mention[] {
    const { tokens } = input;
    const L = this.L;
    const emit = this.emissions(input);
    const tags = new Int32Array(tokens.length);
    const out: Mention[] = [];
    const fb = this.#fb;
    for (const [a, b] of sentenceRanges(tokens)) {
      viterbiScores(this, emit, b - a, a, tags, a * L);
      let ran = false;
      let k = a;
      while (k < b) {
        const y = tags[k] as number;
        if (y === 0) {
          k++;
          continue;
        }
        const label = this.labels[y] as string;
        const type = label.slice(2);
        const inside = this.#inside[y] as number;
        const begin = this.#begin[y] as number;
        let j = k;
        while (j + 1 < b && tags[j + 1] === inside) j++;
        if (!ran) {
          fb.run(this, emit, a * L, b - a, this.temperature);
          ran = true;
        }
        // an I- without its B- (not produced under the constraints) is scored as if it were B-
        const raw = fb.span(k - a, j - a, begin, inside);
        const probability = this.platt ? platt(raw, this.platt.a, this.platt.b) : raw;
        out.push({
          start: (tokens[k] as NerToken).start,
          end: (tokens[j] as NerToken).end,
          type,
          probability: Math.min(1, Math.max(0, probability)),
        });
        k = j + 1;
      }
    }
    return this.abbreviationPropagation ? propagateAbbreviations(tokens, out) : out;
  }

  readonly #fb = new ForwardBackward();
}

function labelMaps(labels: readonly string[]): { inside: Int32Array; begin: Int32Array } {
  const index = new Map(labels.map((l, i) => [l, i]));
  const inside = new Int32Array(labels.length).fill(-1);
  const begin = new Int32Array(labels.length).fill(-1);
  labels.forEach((l, i) => {
    if (l === 'O') return;
    const type = l.slice(2);
    inside[i] = index.get(`I-${type}`) ?? -1;
    begin[i] = index.get(`B-${type}`) ?? -1;
  });
  return { inside, begin };
}

/**
 * Every use of a short form defined as "long form (SF)" that no predicted span covers gets the type
 * of the predicted span ending where the long form ends. Spans stay sorted.
 */
export function propagateAbbreviations(tokens: readonly NerToken[], spans: Mention[]): Mention[] {
  const defs = findAbbreviations(tokens);
  if (defs.length === 0) return spans;
  const byEnd = new Map(spans.map((s) => [s.end, s]));
  const typeOf = new Map<string, Mention>();
  for (const d of defs) {
    const s = byEnd.get((tokens[d.longEnd - 1] as NerToken).end);
    if (s && !typeOf.has(d.short)) typeOf.set(d.short, s);
  }
  if (typeOf.size === 0) return spans;
  const out = [...spans];
  const covered = (t: NerToken): boolean => spans.some((s) => s.start < t.end && t.start < s.end);
  for (const t of tokens) {
    const long = typeOf.get(t.text);
    if (long !== undefined && !covered(t)) {
      out.push({ start: t.start, end: t.end, type: long.type, probability: long.probability });
    }
  }
  return out.length === spans.length ? spans : out.sort((a, b) => a.start - b.start || a.end - b.end);
}
