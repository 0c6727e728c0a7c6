/**
 * Windows of wordpieces for a token-classification encoder, shared by fine-tuning and serving, with
 * no dependency on the training runtime (serving through onnxruntime never loads `@jax-js/jax`):
 *
 * - a sentence's words are cut into wordpieces (the first piece of a word carries the word's label);
 * - a sentence longer than T - 2 pieces is split at word boundaries: in training into consecutive
 *   windows, in serving into windows that overlap by about `overlap` pieces, and each word takes the
 *   prediction of the window in which it lies farthest from an edge;
 * - windows are batched by length: fixed buckets for training (compiled shapes), or sorted by length
 *   and padded to the longest of each batch (dynamic padding) for serving;
 * - BIO decoding (Viterbi under the BIO constraints) turns the word probabilities into mentions.
 */
import { allowedTransitions, spansFromTags } from '../ner/labels.js';
import { type PRF, prf, strictCounts } from '../ner/train.js';
import type { NerExample, NerInput, NerToken, TypedSpan } from '../ner/types.js';
import type { TokenBatch } from './token-classification.js';
import type { WordPieceTokenizer } from './wordpiece.js';

/** One encoded window of a sentence. */
export interface AlignedSequence {
  /** [CLS] pieces [SEP]. */
  readonly ids: Int32Array;
  /** Per position: the index (into the example's tokens) of the word it starts, or -1. */
  readonly wordAt: Int32Array;
}

/** Word -> piece ids, cached (the tokenizer's own pre-tokenization may split a word further). */
export class PieceCache {
  private readonly cache = new Map<string, Int32Array>();
  constructor(readonly tok: WordPieceTokenizer) {}
  pieces(word: string): Int32Array {
    let ids = this.cache.get(word);
    if (!ids) {
      ids = this.tok.encode(word, { special: false }).ids;
      this.cache.set(word, ids);
    }
    return ids;
  }
}

/** Sentence ranges [a, b) of tokens (runs of equal `sentence`). */
export function sentenceSpans(tokens: readonly NerToken[]): [number, number][] {
  const out: [number, number][] = [];
  let a = 0;
  for (let k = 1; k <= tokens.length; k++)
    if (k === tokens.length || (tokens[k] as NerToken).sentence !== (tokens[a] as NerToken).sentence) {
      if (k > a) out.push([a, k]);
      a = k;
    }
  return out;
}

export interface Item {
  readonly doc: number;
  readonly seq: AlignedSequence;
}

/**
 * Best label path under the BIO constraints (no `I-T` after anything but `B-T`/`I-T`) by Viterbi
 * over log-probabilities. probs: [n, L] row-major.
 */
export function decodeBio(probs: Float32Array, n: number, labels: readonly string[]): Int32Array {
  const L = labels.length;
  const allowed = allowedTransitions(labels);
  const out = new Int32Array(n);
  if (n === 0) return out;
  const score = new Float64Array(n * L);
  const back = new Int32Array(n * L);
  const lp = (i: number, y: number): number => Math.log(Math.max(probs[i * L + y]!, 1e-12));
  for (let y = 0; y < L; y++) score[y] = allowed[y] ? lp(0, y) : Number.NEGATIVE_INFINITY;
  for (let i = 1; i < n; i++)
    for (let y = 0; y < L; y++) {
      let best = Number.NEGATIVE_INFINITY;
      let arg = 0;
      for (let p = 0; p < L; p++) {
        if (!allowed[(p + 1) * L + y]) continue;
        const s = score[(i - 1) * L + p]!;
        if (s > best) {
          best = s;
          arg = p;
        }
      }
      score[i * L + y] = best + lp(i, y);
      back[i * L + y] = arg;
    }
  let y = 0;
  for (let k = 1; k < L; k++) if (score[(n - 1) * L + k]! > score[(n - 1) * L + y]!) y = k;
  for (let i = n - 1; i >= 0; i--) {
    out[i] = y;
    y = back[i * L + y]!;
  }
  return out;
}

/**
 * The windows of the words `tokens[a, b)`: each at most T positions (`[CLS]` pieces `[SEP]`), cut at
 * word boundaries; a word of more than T - 2 pieces keeps its first T - 2, a word with no piece (all
 * dropped characters) is not scored. With `overlap` 0 the windows are consecutive and every word
 * with pieces starts exactly one position (training); with `overlap` > 0 each window after the first
 * starts at the first word from which at most `overlap` pieces reach the end of the one before (at
 * least one word further on), so the words near a cut are seen with context on both sides (serving).
 */
export function alignWords(
  tokens: readonly NerToken[],
  a: number,
  b: number,
  pieces: PieceCache,
  T: number,
  overlap = 0,
): AlignedSequence[] {
  const tok = pieces.tok;
  const per = T - 2;
  const words: { k: number; p: Int32Array }[] = [];
  for (let k = a; k < b; k++) {
    let p = pieces.pieces((tokens[k] as NerToken).text);
    if (p.length === 0) continue;
    if (p.length > per) p = p.subarray(0, per);
    words.push({ k, p });
  }
  const out: AlignedSequence[] = [];
  if (words.length === 0) return out;
  let s = 0;
  for (;;) {
    let e = s;
    let n = 0;
    while (e < words.length && n + words[e]!.p.length <= per) n += words[e++]!.p.length;
    const ids: number[] = [tok.clsId];
    const wordAt: number[] = [-1];
    for (let w = s; w < e; w++) {
      const { k, p } = words[w]!;
      for (let j = 0; j < p.length; j++) {
        ids.push(p[j]!);
        wordAt.push(j === 0 ? k : -1);
      }
    }
    ids.push(tok.sepId);
    wordAt.push(-1);
    out.push({ ids: Int32Array.from(ids), wordAt: Int32Array.from(wordAt) });
    if (e >= words.length) return out;
    // the next window starts at the first word from which at most `overlap` pieces reach `e`
    let next = e;
    let back = 0;
    while (next - 1 > s && back + words[next - 1]!.p.length <= overlap) back += words[--next]!.p.length;
    s = next;
  }
}

/**
 * Windows of every sentence of the examples: consecutive ones (training), or with `overlap` > 0
 * overlapping ones for sentences longer than a window (serving).
 */
export function alignExamples(
  examples: readonly NerInput[],
  pieces: PieceCache,
  T: number,
  overlap = 0,
): Item[] {
  const out: Item[] = [];
  examples.forEach((ex, d) => {
    for (const [a, b] of sentenceSpans(ex.tokens))
      for (const seq of alignWords(ex.tokens, a, b, pieces, T, overlap)) out.push({ doc: d, seq });
  });
  return out;
}

/**
 * Serving batches: the windows sorted by length (ties in input order), B at a time, each batch
 * padded to its longest window rounded up to a multiple of `multiple` (dynamic padding). `bucket` is
 * that padded length. Batches hold up to B windows (the last one fewer): no padding rows.
 */
export function servingBatches(items: readonly Item[], B: number, padId: number, multiple = 8): NerBatch[] {
  const order = items
    .map((_, i) => i)
    .sort((x, y) => items[x]!.seq.ids.length - items[y]!.seq.ids.length || x - y);
  const out: NerBatch[] = [];
  for (let s = 0; s < order.length; s += B) {
    const chunk = order.slice(s, s + B).map((i) => items[i]!);
    const longest = chunk[chunk.length - 1]!.seq.ids.length;
    const T = Math.ceil(longest / multiple) * multiple;
    out.push({ bucket: T, items: chunk, batch: makeBatch(chunk, chunk.length, T, padId) });
  }
  return out;
}

/** Window lengths used as compiled shapes: the smallest that fits a sequence. */
export function bucketsFor(T: number): number[] {
  const out = [16, 32, 64].filter((b) => b < T);
  out.push(T);
  return out;
}

/** Index of the smallest bucket that holds `length` positions. */
export function bucketOf(length: number, buckets: readonly number[]): number {
  const i = buckets.findIndex((b) => length <= b);
  return i < 0 ? buckets.length - 1 : i;
}

/** A batch of B rows of T positions (PAD after each window); with `tags`, the targets and their weights. */
export function makeBatch(
  items: readonly Item[],
  B: number,
  T: number,
  padId: number,
  tags?: readonly Int32Array[],
  weights?: Float32Array,
): TokenBatch {
  const ids = new Int32Array(B * T).fill(padId);
  const attention = new Uint8Array(B * T);
  const labels = new Int32Array(B * T);
  const weight = new Float32Array(B * T);
  items.forEach((it, b) => {
    const o = b * T;
    ids.set(it.seq.ids, o);
    attention.fill(1, o, o + it.seq.ids.length);
    if (tags && weights)
      for (let t = 0; t < it.seq.ids.length; t++) {
        const w = it.seq.wordAt[t]!;
        if (w < 0) continue;
        const y = tags[it.doc]![w]!;
        labels[o + t] = y;
        weight[o + t] = weights[y]!;
      }
  });
  return { B, T, ids, attention, labels, weight };
}

/** One batch of windows of the same bucket length, ready for a model (or an exported one). */
export interface NerBatch {
  readonly bucket: number;
  readonly items: readonly Item[];
  readonly batch: TokenBatch;
}

/** The windows of every sentence of the examples, in batches of B by bucket length. */
export function nerBatches(
  examples: readonly NerInput[],
  pieces: PieceCache,
  T: number,
  B: number,
): NerBatch[] {
  const items = alignExamples(examples, pieces, T);
  const buckets = bucketsFor(T);
  const out: NerBatch[] = [];
  for (const [i, bucket] of buckets.entries()) {
    const mine = items.filter((it) => bucketOf(it.seq.ids.length, buckets) === i);
    for (let s = 0; s < mine.length; s += B) {
      const chunk = mine.slice(s, s + B);
      out.push({ bucket, items: chunk, batch: makeBatch(chunk, B, bucket, pieces.tok.padId) });
    }
  }
  return out;
}

/** Softmax over the last axis (L labels) of logits, in place. */
export function softmaxRows(x: Float32Array, L: number): Float32Array {
  for (let o = 0; o < x.length; o += L) {
    let max = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < L; j++) max = Math.max(max, x[o + j]!);
    let sum = 0;
    for (let j = 0; j < L; j++) {
      const e = Math.exp(x[o + j]! - max);
      x[o + j] = e;
      sum += e;
    }
    for (let j = 0; j < L; j++) x[o + j] = x[o + j]! / sum;
  }
  return x;
}

/** A predicted mention: its word span as a typed character span, and the least probability of its tags. */
export interface PredictedSpan extends TypedSpan {
  readonly probability: number;
}

/**
 * The mentions of each example from each batch's label probabilities `[B * bucket * L]` (BIO
 * Viterbi over each sentence's words; a word's probabilities are those of its first piece, from
 * the window where it lies farthest from an edge).
 */
export function nerSpans(
  examples: readonly NerInput[],
  batches: readonly NerBatch[],
  outputs: readonly Float32Array[],
  labels: readonly string[],
): PredictedSpan[][] {
  const L = labels.length;
  const probs = examples.map((ex) => {
    const p = new Float32Array(ex.tokens.length * L);
    for (let k = 0; k < ex.tokens.length; k++) p[k * L] = 1; // words without a piece: O
    return p;
  });
  // a word in several (overlapping) windows takes the one where it lies farthest from an edge
  const margin = examples.map((ex) => new Int32Array(ex.tokens.length).fill(-1));
  batches.forEach(({ bucket, items }, n) => {
    const out = outputs[n]!;
    items.forEach((it, b) => {
      const len = it.seq.ids.length;
      for (let t = 0; t < len; t++) {
        const w = it.seq.wordAt[t]!;
        if (w < 0) continue;
        const m = Math.min(t, len - 1 - t);
        if (m <= margin[it.doc]![w]!) continue;
        margin[it.doc]![w] = m;
        probs[it.doc]!.set(out.subarray((b * bucket + t) * L, (b * bucket + t + 1) * L), w * L);
      }
    });
  });
  return examples.map((ex, d) => {
    const tags = new Int32Array(ex.tokens.length);
    for (const [a, b] of sentenceSpans(ex.tokens))
      tags.set(decodeBio(probs[d]!.subarray(a * L, b * L), b - a, labels), a);
    const p = probs[d]!;
    return spansFromTags(ex.tokens, tags, labels).map((s) => {
      let least = 1;
      for (let k = 0; k < ex.tokens.length; k++) {
        const t = ex.tokens[k]!;
        if (t.start >= s.start && t.end <= s.end) least = Math.min(least, p[k * L + tags[k]!]!);
      }
      return { ...s, probability: least };
    });
  });
}

/** Strict mention scores from each batch's label probabilities (see `nerSpans`). */
export function scoreNerBatches(
  examples: readonly NerExample[],
  batches: readonly NerBatch[],
  outputs: readonly Float32Array[],
  labels: readonly string[],
): PRF {
  const types = new Set(labels.filter((l) => l !== 'O').map((l) => l.slice(2)));
  const predicted = nerSpans(examples, batches, outputs, labels);
  let tp = 0;
  let fp = 0;
  let fn = 0;
  examples.forEach((ex, d) => {
    const c = strictCounts(
      predicted[d]!.map(({ start, end, type }) => ({ start, end, type })),
      ex.gold.filter((s) => types.has(s.type)),
    );
    tp += c.tp;
    fp += c.fp;
    fn += c.fn;
  });
  return prf(tp, fp, fn);
}
