/**
 * Training the sequence labeller: the structured averaged perceptron over sentences in a seeded
 * shuffled order, the averaged weights scored on the development documents after every epoch
 * (strict span F1), early stopping when it has not improved for `patience` epochs; the best epoch's
 * averaged weights are kept. Same examples, seed and options give the same weights.
 */
import { ClinoteError } from '../../errors/error.js';
import { mulberry32, shuffle } from '../prng.js';
import { calibrateModel } from './calibration.js';
import { type CrfOptions, CrfTrainer, DEFAULT_CRF } from './crf.js';
import { DEFAULT_FEATURES, type DocFeatures, type FeatureConfig, Featurizer } from './features.js';
import { allowedTransitions, bioLabels, tagsFromSpans } from './labels.js';
import { NerModel } from './model.js';
import { PerceptronTrainer, sentenceRanges } from './perceptron.js';
import type { NerExample, TypedSpan } from './types.js';

export type NerAlgorithm = 'perceptron' | 'crf';

export interface TrainNerOptions {
  /** Entity types to learn, in label order. */
  readonly types: readonly string[];
  /** The structured averaged perceptron (default) or the linear-chain CRF. */
  readonly algorithm?: NerAlgorithm;
  /** Step size and L2 of the CRF. */
  readonly crf?: Partial<CrfOptions>;
  /** Fit the temperature of the mention probabilities on the dev documents (default true). */
  readonly calibrate?: boolean;
  readonly features?: Partial<FeatureConfig>;
  /** Most epochs (default 30). */
  readonly epochs?: number;
  /** Stop after this many epochs without a better dev F1 (default 4). */
  readonly patience?: number;
  /** Seed of the shuffling (default 1). */
  readonly seed?: number;
  readonly abbreviationPropagation?: boolean;
  /** Called after every epoch (progress lines). */
  readonly onEpoch?: (info: EpochInfo) => void;
}

export interface EpochInfo {
  readonly epoch: number;
  /** Tokens wrong while training this epoch (the perceptron's loss; for the CRF its negative log-likelihood, rounded). */
  readonly errors: number;
  readonly tokens: number;
  /** Strict F1 of the averaged weights on the development documents (NaN without them). */
  readonly devF1: number;
  readonly best: boolean;
  readonly seconds: number;
}

export interface PRF {
  precision: number;
  recall: number;
  f1: number;
  tp: number;
  fp: number;
  fn: number;
}

export interface TrainedNer {
  readonly model: NerModel;
  readonly features: FeatureConfig;
  readonly epochs: readonly EpochInfo[];
  readonly bestEpoch: number;
  readonly algorithm: NerAlgorithm;
  readonly hyperparameters: Readonly<Record<string, number | string>>;
  /** Temperature fitted on dev (1 without dev data or with `calibrate: false`). */
  readonly temperature: number;
}

/** Precision, recall, F1 from counts. */
export function prf(tp: number, fp: number, fn: number): PRF {
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1, tp, fp, fn };
}

/** Exact-match counts of predicted against gold spans (sets: duplicates count once). */
export function strictCounts(
  pred: readonly TypedSpan[],
  gold: readonly TypedSpan[],
): { tp: number; fp: number; fn: number } {
  const key = (s: TypedSpan): string => `${s.start}:${s.end}:${s.type}`;
  const g = new Set(gold.map(key));
  const p = new Set(pred.map(key));
  let tp = 0;
  for (const k of p) if (g.has(k)) tp++;
  return { tp, fp: p.size - tp, fn: g.size - tp };
}

/** Strict span scores of a model on examples (gold spans of other types are left out). */
export function scoreModel(model: NerModel, examples: readonly NerExample[]): PRF {
  const types = new Set(model.labels.filter((l) => l !== 'O').map((l) => l.slice(2)));
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const ex of examples) {
    const c = strictCounts(
      model.predict(ex),
      ex.gold.filter((s) => types.has(s.type)),
    );
    tp += c.tp;
    fp += c.fp;
    fn += c.fn;
  }
  return prf(tp, fp, fn);
}

export function trainNer(
  train: readonly NerExample[],
  dev: readonly NerExample[],
  options: TrainNerOptions,
): TrainedNer {
  const features: FeatureConfig = { ...DEFAULT_FEATURES, ...options.features };
  const maxEpochs = options.epochs ?? 30;
  const patience = options.patience ?? 4;
  const labels = bioLabels(options.types);
  const L = labels.length;
  const allowed = allowedTransitions(labels);
  const featurizer = new Featurizer(features);
  const docs: Array<{ f: DocFeatures; gold: Int32Array }> = [];
  const items: Array<[number, number, number]> = [];
  let entities = 0;
  let tokens = 0;
  for (const ex of train) {
    const gold = tagsFromSpans(ex.tokens, ex.gold, labels);
    for (const g of gold) if (g !== 0 && (labels[g] as string).startsWith('B-')) entities++;
    const d = docs.push({ f: featurizer.features(ex), gold }) - 1;
    for (const [a, b] of sentenceRanges(ex.tokens)) items.push([d, a, b]);
    tokens += ex.tokens.length;
  }
  if (entities === 0) {
    throw new ClinoteError(
      'CLINOTE_E_MODEL_TRAINING_DATA',
      `the training data has no entity of the types ${options.types.join(', ')}`,
      { types: [...options.types] },
    );
  }
  const algorithm = options.algorithm ?? 'perceptron';
  const crf = { ...DEFAULT_CRF, ...options.crf };
  const trainer = new PerceptronTrainer(features.bits, L, allowed);
  const crfTrainer = algorithm === 'crf' ? new CrfTrainer(features.bits, L, allowed) : undefined;
  let instances = 0;
  const random = mulberry32(options.seed ?? 1);
  const pred = new Int32Array(docs.reduce((m, d) => Math.max(m, d.gold.length), 0));
  const history: EpochInfo[] = [];
  let best: { emission: Float32Array; transitions: Float32Array } | undefined;
  let bestF1 = Number.NEGATIVE_INFINITY;
  let bestEpoch = 0;
  for (let epoch = 1; epoch <= maxEpochs; epoch++) {
    const started = performance.now();
    shuffle(items, random);
    let errors = 0;
    if (crfTrainer) {
      let nll = 0;
      const N = items.length;
      for (const [d, a, b] of items) {
        const doc = docs[d] as { f: DocFeatures; gold: Int32Array };
        const eta = crf.eta0 / (1 + instances / N);
        nll += crfTrainer.step(doc.f, a, b, doc.gold, eta, (eta * crf.c2) / N);
        instances++;
      }
      errors = Math.round(nll);
    } else {
      for (const [d, a, b] of items) {
        const doc = docs[d] as { f: DocFeatures; gold: Int32Array };
        errors += trainer.step(doc.f, a, b, doc.gold, pred);
      }
    }
    const avg = crfTrainer ? crfTrainer.weights() : trainer.averaged();
    const model = new NerModel({
      labels,
      features,
      ...avg,
      abbreviationPropagation: options.abbreviationPropagation ?? false,
    });
    const devF1 = dev.length > 0 ? scoreModel(model, dev).f1 : Number.NaN;
    // without dev data the last epoch is kept
    const improved = dev.length === 0 || devF1 > bestF1;
    if (improved) {
      best = avg;
      bestF1 = devF1;
      bestEpoch = epoch;
    }
    const info: EpochInfo = {
      epoch,
      errors,
      tokens,
      devF1,
      best: improved,
      seconds: (performance.now() - started) / 1000,
    };
    history.push(info);
    options.onEpoch?.(info);
    if (errors === 0 && !crfTrainer) break;
    if (dev.length > 0 && epoch - bestEpoch >= patience) break;
  }
  const kept = best as { emission: Float32Array; transitions: Float32Array };
  const model = new NerModel({
    labels,
    features,
    ...kept,
    abbreviationPropagation: options.abbreviationPropagation ?? false,
  });
  const fitted = dev.length > 0 && options.calibrate !== false ? calibrateModel(model, dev) : undefined;
  const temperature = fitted?.temperature ?? 1;
  return {
    model,
    features,
    epochs: history,
    bestEpoch,
    algorithm,
    temperature,
    hyperparameters: {
      algorithm: algorithm === 'crf' ? 'crf-sgd-l2' : 'averaged-perceptron',
      maxEpochs,
      patience,
      epochs: history.length,
      bestEpoch,
      ...(algorithm === 'crf' ? { eta0: crf.eta0, c2: crf.c2 } : {}),
    },
  };
}
