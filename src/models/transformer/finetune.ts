/**
 * Fine-tuning the encoder for NER (docs/models/transformer.md section 4): the words of each sentence
 * (the NER examples' tokens) are cut into wordpieces, the first piece of a word carries the word's
 * BIO label, sentences longer than T - 2 pieces are split into windows at word boundaries (a word
 * longer than a window keeps its first pieces). AdamW with linear warm-up and decay, class weights
 * (inverse frequency, capped) against the rare B-/I- labels, strict mention F1 on dev after every
 * epoch, early stopping on it; the best epoch's parameters are kept.
 */
import { ClinoteError } from '../../errors/error.js';
import { allowedTransitions, bioLabels, spansFromTags, tagsFromSpans } from '../ner/labels.js';
import { type PRF, prf, strictCounts } from '../ner/train.js';
import type { NerExample, NerInput, NerToken, TypedSpan } from '../ner/types.js';
import { mulberry32, shuffle } from '../prng.js';
import { ADAMW_DEFAULTS, type AdamWConfig, adamWState, adamWStep } from './adamw.js';
import { checkConfig, type EncoderConfig } from './config.js';
import { initJax } from './encoder.js';
import type { NamedTensors } from './tensors.js';
import { initTokenClassifier, type TokenBatch, TokenClassifierModel } from './token-classification.js';
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

/**
 * The windows of the words `tokens[a, b)`: each at most T positions, cut at word boundaries; a word
 * of more than T - 2 pieces keeps its first T - 2. A word with no piece (all dropped characters) is
 * not scored. Every word with pieces starts exactly one position.
 */
export function alignWords(
  tokens: readonly NerToken[],
  a: number,
  b: number,
  pieces: PieceCache,
  T: number,
): AlignedSequence[] {
  const tok = pieces.tok;
  const per = T - 2;
  const out: AlignedSequence[] = [];
  let ids: number[] = [];
  let wordAt: number[] = [];
  const flush = (): void => {
    if (ids.length === 0) return;
    out.push({
      ids: Int32Array.from([tok.clsId, ...ids, tok.sepId]),
      wordAt: Int32Array.from([-1, ...wordAt, -1]),
    });
    ids = [];
    wordAt = [];
  };
  for (let k = a; k < b; k++) {
    let p = pieces.pieces((tokens[k] as NerToken).text);
    if (p.length === 0) continue;
    if (p.length > per) p = p.subarray(0, per);
    if (ids.length + p.length > per) flush();
    for (let j = 0; j < p.length; j++) {
      ids.push(p[j]!);
      wordAt.push(j === 0 ? k : -1);
    }
  }
  flush();
  return out;
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

/** Inverse-frequency class weights, w_c = min(cap, n / (L n_c)), an absent class gets `cap`. */
export function inverseFrequencyWeights(counts: ArrayLike<number>, cap = 10): Float32Array {
  const L = counts.length;
  let n = 0;
  for (let i = 0; i < L; i++) n += counts[i]!;
  const w = new Float32Array(L);
  for (let i = 0; i < L; i++) w[i] = counts[i]! > 0 ? Math.min(cap, n / (L * counts[i]!)) : cap;
  return w;
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

export interface FineTuneOptions {
  readonly train: readonly NerExample[];
  readonly dev: readonly NerExample[];
  /** Entity types, in label order (labels `O, B-T1, I-T1, ...`). */
  readonly types: readonly string[];
  readonly tokenizer: WordPieceTokenizer;
  readonly config: EncoderConfig;
  /** Encoder parameters to start from (a pretraining checkpoint's); random init without. */
  readonly init?: NamedTensors;
  readonly epochs?: number;
  readonly batchSize?: number;
  /** Most positions per window (default 128, at most the config's positions). */
  readonly seqLen?: number;
  readonly lr?: number;
  /** Warm-up steps (default: 10% of the schedule). */
  readonly warmup?: number;
  /** 'balanced' (inverse frequency, capped at `classWeightCap`) or 'none' (default: better on NCBI-disease dev). */
  readonly classWeights?: 'balanced' | 'none';
  readonly classWeightCap?: number;
  /** Epochs without a better dev F1 before stopping (default 3). */
  readonly patience?: number;
  readonly seed?: number;
  /** Most training documents. */
  readonly limit?: number;
  readonly log?: (line: string) => void;
}

export interface FineTuneEpoch {
  readonly epoch: number;
  readonly loss: number;
  readonly dev: PRF;
  readonly best: boolean;
  readonly seconds: number;
  /** Real tokens per second of wall time over the training steps of the epoch. */
  readonly tokensPerSecond: number;
}

export interface FineTuneResult {
  readonly params: NamedTensors;
  readonly labels: string[];
  readonly classWeights: number[];
  readonly epochs: FineTuneEpoch[];
  readonly bestEpoch: number;
  readonly dev: PRF;
  readonly optimizer: AdamWConfig;
  readonly batchSize: number;
  readonly seqLen: number;
  readonly seed: number;
  readonly trainSequences: number;
  readonly tokensPerSecond: number;
  readonly tokensPerCpuSecond: number;
  /** Strict mention scores of the kept parameters on other examples (e.g. held-out dev documents). */
  readonly score: (examples: readonly NerExample[]) => PRF;
}

/** Windows of every sentence of the examples. */
export function alignExamples(
  examples: readonly NerInput[],
  pieces: PieceCache,
  T: number,
): { doc: number; seq: AlignedSequence }[] {
  const out: Item[] = [];
  examples.forEach((ex, d) => {
    for (const [a, b] of sentenceSpans(ex.tokens))
      for (const seq of alignWords(ex.tokens, a, b, pieces, T)) out.push({ doc: d, seq });
  });
  return out;
}

/** Window lengths used as compiled shapes: the smallest that fits a sequence. */
function bucketsFor(T: number): number[] {
  const out = [16, 32, 64].filter((b) => b < T);
  out.push(T);
  return out;
}

/** Index of the smallest bucket that holds `length` positions. */
function bucketOf(length: number, buckets: readonly number[]): number {
  const i = buckets.findIndex((b) => length <= b);
  return i < 0 ? buckets.length - 1 : i;
}

function makeBatch(
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

/** A predicted mention: its word span as a typed character span, and the least probability of its tags. */
export interface PredictedSpan extends TypedSpan {
  readonly probability: number;
}

/**
 * The mentions of each example from each batch's label probabilities `[B * bucket * L]` (BIO
 * Viterbi over each sentence's words; a word's probabilities are those of its first piece).
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
  batches.forEach(({ bucket, items }, n) => {
    const out = outputs[n]!;
    items.forEach((it, b) => {
      for (let t = 0; t < it.seq.ids.length; t++) {
        const w = it.seq.wordAt[t]!;
        if (w >= 0) probs[it.doc]!.set(out.subarray((b * bucket + t) * L, (b * bucket + t + 1) * L), w * L);
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

/** Strict mention scores of the parameters on examples. */
export function evaluateNer(
  models: (T: number) => TokenClassifierModel,
  params: NamedTensors,
  examples: readonly NerExample[],
  labels: readonly string[],
  pieces: PieceCache,
  T: number,
  B: number,
): PRF {
  const batches = nerBatches(examples, pieces, T, B);
  const outputs = batches.map(({ bucket, batch }) => models(bucket).predict(params, batch));
  return scoreNerBatches(examples, batches, outputs, labels);
}

/** Fine-tune the encoder with a token-classification head on NER examples. */
export async function fineTuneNer(o: FineTuneOptions): Promise<FineTuneResult> {
  const optionError = (why: string, option: string): never => {
    throw new ClinoteError('CLINOTE_E_MODEL_TRAIN_OPTION', `train ner --architecture transformer: ${why}`, {
      options: [option],
    });
  };
  const bad = checkConfig(o.config);
  if (bad) optionError(bad, '--size');
  const T = o.seqLen ?? Math.min(128, o.config.maxPositions);
  if (T > o.config.maxPositions || T < 4)
    optionError(`--seq-len ${T} must be in 4..${o.config.maxPositions}`, '--seq-len');
  const B = o.batchSize ?? 16;
  const seed = o.seed ?? 1;
  const maxEpochs = o.epochs ?? 10;
  const patience = o.patience ?? 3;
  const log = o.log ?? (() => {});
  const labels = bioLabels(o.types);
  const L = labels.length;
  const train = o.limit !== undefined ? o.train.slice(0, o.limit) : o.train;
  const pieces = new PieceCache(o.tokenizer);
  const tags = train.map((ex) => tagsFromSpans(ex.tokens, ex.gold, labels));
  const items = alignExamples(train, pieces, T);
  const counts = new Float64Array(L);
  for (const it of items) for (const w of it.seq.wordAt) if (w >= 0) counts[tags[it.doc]![w]!]! += 1;
  if (counts.slice(1).every((c) => c === 0))
    throw new ClinoteError(
      'CLINOTE_E_MODEL_TRAINING_DATA',
      `the training data has no entity of the types ${o.types.join(', ')}`,
      { types: [...o.types] },
    );
  const weights =
    o.classWeights === 'balanced'
      ? inverseFrequencyWeights(counts, o.classWeightCap ?? 10)
      : new Float32Array(L).fill(1);

  // batches: sequences grouped by the smallest bucket length that holds them
  const buckets = bucketsFor(T);
  const byBucket = buckets.map((_, i) => items.filter((it) => bucketOf(it.seq.ids.length, buckets) === i));
  const stepsPerEpoch = byBucket.reduce((s, g) => s + Math.ceil(g.length / B), 0);
  const totalSteps = stepsPerEpoch * maxEpochs;
  const optimizer: AdamWConfig = {
    ...ADAMW_DEFAULTS,
    lr: o.lr ?? 1e-3,
    warmupSteps: o.warmup ?? Math.max(1, Math.round(totalSteps * 0.1)),
    totalSteps,
  };
  let params = initTokenClassifier(o.config, L, seed, o.init);
  const state = adamWState(params);
  await initJax();
  const models = new Map<number, TokenClassifierModel>();
  const model = (bk: number): TokenClassifierModel => {
    let m = models.get(bk);
    if (!m) {
      m = new TokenClassifierModel(o.config, L, B, bk);
      models.set(bk, m);
    }
    return m;
  };
  log(
    `fine-tune: ${train.length} documents, ${items.length} windows (T ${T}, buckets ${buckets.join('/')}), ${stepsPerEpoch} steps per epoch; ${o.init ? 'encoder from the checkpoint' : 'encoder randomly initialized (no --init)'}; class weights ${[...weights].map((w, i) => `${labels[i]} ${w.toFixed(2)}`).join(', ')}`,
  );
  const random = mulberry32(seed);
  const epochs: FineTuneEpoch[] = [];
  let best: NamedTensors | undefined;
  let bestF1 = Number.NEGATIVE_INFINITY;
  let bestEpoch = 0;
  let bestDev = prf(0, 0, 0);
  let tokens = 0;
  let ms = 0;
  let cpuMicros = 0;
  for (let epoch = 1; epoch <= maxEpochs; epoch++) {
    const started = performance.now();
    const batches: { bucket: number; items: Item[] }[] = [];
    byBucket.forEach((g, i) => {
      const order = shuffle([...g], random);
      for (let s = 0; s < order.length; s += B)
        batches.push({ bucket: buckets[i]!, items: order.slice(s, s + B) });
    });
    shuffle(batches, random);
    let lossSum = 0;
    let epochTokens = 0;
    let epochMs = 0;
    for (const bt of batches) {
      const batch = makeBatch(bt.items, B, bt.bucket, o.tokenizer.padId, tags, weights);
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      const { loss, grads } = model(bt.bucket).lossAndGrads(params, batch);
      adamWStep(optimizer, state, params, grads);
      const dt = performance.now() - t0;
      const c1 = process.cpuUsage(c0);
      cpuMicros += c1.user + c1.system;
      if (!Number.isFinite(loss)) throw new Error(`the fine-tuning loss is not finite at step ${state.step}`);
      const real = batch.attention.reduce((s, x) => s + x, 0);
      lossSum += loss;
      epochTokens += real;
      epochMs += dt;
      if (state.step % 20 === 0)
        log(
          `step ${state.step}/${totalSteps} loss ${loss.toFixed(4)} ${Math.round((epochTokens / epochMs) * 1000)} tok/s`,
        );
    }
    tokens += epochTokens;
    ms += epochMs;
    const dev = o.dev.length > 0 ? evaluateNer(model, params, o.dev, labels, pieces, T, B) : prf(0, 0, 0);
    const improved = o.dev.length === 0 || dev.f1 > bestF1;
    if (improved) {
      best = new Map([...params].map(([n, t]) => [n, { shape: t.shape, data: new Float32Array(t.data) }]));
      bestF1 = dev.f1;
      bestEpoch = epoch;
      bestDev = dev;
    }
    const info: FineTuneEpoch = {
      epoch,
      loss: lossSum / Math.max(1, batches.length),
      dev,
      best: improved,
      seconds: (performance.now() - started) / 1000,
      tokensPerSecond: epochMs > 0 ? (epochTokens / epochMs) * 1000 : 0,
    };
    epochs.push(info);
    log(
      `epoch ${epoch}: loss ${info.loss.toFixed(4)}, dev strict P ${dev.precision.toFixed(3)} R ${dev.recall.toFixed(3)} F1 ${dev.f1.toFixed(3)}${improved ? ' (best)' : ''}, ${info.seconds.toFixed(1)} s, ${Math.round(info.tokensPerSecond)} tok/s`,
    );
    if (o.dev.length > 0 && epoch - bestEpoch >= patience) break;
  }
  params = best ?? params;
  return {
    params,
    labels,
    classWeights: [...weights],
    epochs,
    bestEpoch,
    dev: bestDev,
    optimizer,
    batchSize: B,
    seqLen: T,
    seed,
    trainSequences: items.length,
    tokensPerSecond: ms > 0 ? (tokens / ms) * 1000 : 0,
    tokensPerCpuSecond: cpuMicros > 0 ? (tokens / cpuMicros) * 1e6 : 0,
    score: (examples) => evaluateNer(model, params, examples, labels, pieces, T, B),
  };
}
