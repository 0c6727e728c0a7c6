/**
 * Fine-tuning the encoder for NER (docs/models/transformer.md section 4): the words of each sentence
 * (the NER examples' tokens) are cut into wordpieces, the first piece of a word carries the word's
 * BIO label, sentences longer than T - 2 pieces are split into windows at word boundaries (a word
 * longer than a window keeps its first pieces). AdamW with linear warm-up and decay, class weights
 * (inverse frequency, capped) against the rare B-/I- labels, strict mention F1 on dev after every
 * epoch, early stopping on it; the best epoch's parameters are kept.
 */
import { ClinoteError } from '../../errors/error.js';
import { bioLabels, tagsFromSpans } from '../ner/labels.js';
import { type PRF, prf } from '../ner/train.js';
import type { NerExample } from '../ner/types.js';
import { mulberry32, shuffle } from '../prng.js';
import { ADAMW_DEFAULTS, type AdamWConfig, adamWState, adamWStep } from './adamw.js';
import { checkConfig, type EncoderConfig } from './config.js';
import { initJax } from './encoder.js';
import type { NamedTensors } from './tensors.js';
import { initTokenClassifier, type TokenBatch, TokenClassifierModel } from './token-classification.js';
import {
  alignExamples,
  bucketOf,
  bucketsFor,
  type Item,
  makeBatch,
  nerBatches,
  PieceCache,
  scoreNerBatches,
} from './windows.js';
import type { WordPieceTokenizer } from './wordpiece.js';

/** Inverse-frequency class weights, w_c = min(cap, n / (L n_c)), an absent class gets `cap`. */
export function inverseFrequencyWeights(counts: ArrayLike<number>, cap = 10): Float32Array {
  const L = counts.length;
  let n = 0;
  for (let i = 0; i < L; i++) n += counts[i]!;
  const w = new Float32Array(L);
  for (let i = 0; i < L; i++) w[i] = counts[i]! > 0 ? Math.min(cap, n / (L * counts[i]!)) : cap;
  return w;
}

/** The options of the training loop, whatever the task (NER, span classification). */
export interface TrainLoopOptions {
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
  readonly log?: (line: string) => void;
  /**
   * Distillation: the teacher's label probabilities [B*T*L] for a training batch (same labels, same
   * tokenizer). The student learns from them and the gold labels (`distillAlpha`).
   */
  readonly teacher?: (batch: TokenBatch) => Promise<Float32Array>;
  /** Share of the gold labels in the distillation target (default 0.5; 1 = no teacher). */
  readonly distillAlpha?: number;
}

export interface FineTuneOptions extends TrainLoopOptions {
  readonly train: readonly NerExample[];
  readonly dev: readonly NerExample[];
  /** Entity types, in label order (labels `O, B-T1, I-T1, ...`). */
  readonly types: readonly string[];
  /** Most training documents. */
  readonly limit?: number;
}

/**
 * A token task for the training loop: windows whose scored positions (`wordAt` >= 0) carry the
 * label `tags[item.doc][wordAt]`, and the dev score to stop early on (higher is better).
 */
export interface TokenTask {
  readonly labels: readonly string[];
  readonly items: readonly Item[];
  readonly tags: readonly Int32Array[];
  /** What the items are, for the log ("593 documents, 5244 windows"). */
  readonly describe: string;
  /** What the dev score is, for the log (default "strict": mention F1). */
  readonly scoreName?: string;
  /** Undefined without dev data: every epoch is kept, no early stopping. */
  evaluate(models: (T: number) => TokenClassifierModel, params: NamedTensors): PRF | undefined;
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

export interface TrainLoopResult {
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
  /** The compiled model of a window length (for scoring the kept parameters on other data). */
  readonly models: (T: number) => TokenClassifierModel;
}

export interface FineTuneResult extends TrainLoopResult {
  /** Strict mention scores of the kept parameters on other examples (e.g. held-out dev documents). */
  readonly score: (examples: readonly NerExample[]) => PRF;
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
  const T = o.seqLen ?? Math.min(128, o.config.maxPositions);
  const B = o.batchSize ?? 16;
  const labels = bioLabels(o.types);
  const train = o.limit !== undefined ? o.train.slice(0, o.limit) : o.train;
  const pieces = new PieceCache(o.tokenizer);
  const items = alignExamples(train, pieces, T);
  const r = await trainTokenTask(o, {
    labels,
    items,
    tags: train.map((ex) => tagsFromSpans(ex.tokens, ex.gold, labels)),
    describe: `${train.length} documents, ${items.length} windows`,
    evaluate: (models, params) =>
      o.dev.length > 0 ? evaluateNer(models, params, o.dev, labels, pieces, T, B) : undefined,
  });
  return { ...r, score: (examples) => evaluateNer(r.models, r.params, examples, labels, pieces, T, B) };
}

/**
 * The training loop of a token task: AdamW with linear warm-up and decay, optional class weights
 * and distillation, the dev score after every epoch, early stopping on it; the best epoch's
 * parameters are kept.
 */
export async function trainTokenTask(o: TrainLoopOptions, task: TokenTask): Promise<TrainLoopResult> {
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
  const labels = [...task.labels];
  const L = labels.length;
  const { items, tags } = task;
  const counts = new Float64Array(L);
  for (const it of items) for (const w of it.seq.wordAt) if (w >= 0) counts[tags[it.doc]![w]!]! += 1;
  if (counts.slice(1).every((c) => c === 0))
    throw new ClinoteError(
      'CLINOTE_E_MODEL_TRAINING_DATA',
      `the training data has no example of the labels ${labels.slice(1).join(', ')}`,
      { labels },
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
    `fine-tune: ${task.describe} (T ${T}, buckets ${buckets.join('/')}), ${stepsPerEpoch} steps per epoch; ${o.init ? 'encoder from the checkpoint' : 'encoder randomly initialized (no --init)'}; class weights ${[...weights].map((w, i) => `${labels[i]} ${w.toFixed(2)}`).join(', ')}`,
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
      const hardBatch = makeBatch(bt.items, B, bt.bucket, o.tokenizer.padId, tags, weights);
      const batch: TokenBatch = o.teacher
        ? { ...hardBatch, soft: await o.teacher(hardBatch), hardWeight: o.distillAlpha ?? 0.5 }
        : hardBatch;
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
    const scored = task.evaluate(model, params);
    const dev = scored ?? prf(0, 0, 0);
    const improved = scored === undefined || dev.f1 > bestF1;
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
      `epoch ${epoch}: loss ${info.loss.toFixed(4)}, dev ${task.scoreName ?? 'strict'} P ${dev.precision.toFixed(3)} R ${dev.recall.toFixed(3)} F1 ${dev.f1.toFixed(3)}${improved ? ' (best)' : ''}, ${info.seconds.toFixed(1)} s, ${Math.round(info.tokensPerSecond)} tok/s`,
    );
    if (scored !== undefined && epoch - bestEpoch >= patience) break;
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
    models: model,
  };
}
