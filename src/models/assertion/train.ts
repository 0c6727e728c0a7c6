/**
 * Training the assertion (negation) classifier: logistic regression over the features of
 * `./features.ts` (the rule engine's verdict and cue among them, so the model learns where the rules
 * fail), gold from MACCROBAT (`POLARITY NEG`) and Chia (`Has_negation`), the gold entities as the
 * targets. Used by `clinote train classify --task assertion` and `scripts/train-assertion.ts`.
 *
 * Steps, all seeded (same data, seed and options give the same bytes but the `created` time):
 * 1. every document of each corpus is segmented, its gold entities asserted by the rules and
 *    featurized; documents are split 60 / 20 / 20 by a seeded hash of their name (`splitOf`);
 * 2. 5-fold cross-validation by document on the MACCROBAT train part chooses the Chia weight and the
 *    number of epochs (grid below) by out-of-fold F1, and the decision threshold on the logit;
 * 3. the final model is trained on the whole train part (MACCROBAT, and Chia at the chosen weight);
 * 4. the temperature is fitted on the MACCROBAT dev part (the tuned part);
 * 5. rules and model are scored on MACCROBAT dev and held-out (held-out only scored, never looked
 *    at for a choice) and on Chia dev and held-out, entity-level negation P / R / F1, with the ECE
 *    before and after the temperature.
 *
 * Nothing is logged but counts, scores and timings.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { defaultContextEngine } from '../../components/assertions/index.js';
import { type BratDocument, readBratDir } from '../../corpora/brat.js';
import { missingDataMessage, sharedDataDir, sharedDataPath } from '../../data.js';
import { ClinoteError } from '../../errors/error.js';
import { packageVersion } from '../../resources.js';
import { manifestCreatedTime } from '../artifact.js';
import {
  expectedCalibrationError,
  fitTemperature,
  reliabilityBins,
  reliabilityPng,
} from '../calibration/index.js';
import {
  type ClassifierManifest,
  type ClassifyExample,
  type LogRegModel,
  softmax,
  trainLogReg,
  writeClassifierDir,
} from '../classify/index.js';
import { fnv1a } from '../hash.js';
import {
  type AssertionCorpus,
  type AssertionExample,
  CORPORA,
  type CorpusSpec,
  documentExamples,
  type Split,
  segmentation,
} from './data.js';
import { ASSERTION_FEATURES_VERSION } from './features.js';

export const ASSERTION_LABELS = ['affirmed', 'negated'] as const;
export const ASSERTION_MODEL_NAME = 'assertion-negation';
export const ASSERTION_MODEL_VERSION = '1.0.0';
/** Where the shipped model lives (under resources/). */
export const ASSERTION_MODEL_DIR = 'models/assertion-negation';

/** Hyperparameters fixed before any run (2^16 slots: about 0.3 MB of non-zero weights). */
export const ASSERTION_DEFAULTS = {
  bits: 16,
  learningRate: 0.03,
  l2: 1e-4,
  folds: 5,
  chiaWeights: [0, 0.1, 0.3, 1] as readonly number[],
  epochs: [2, 4] as readonly number[],
  /** Decision thresholds tried on P(negated) during cross-validation. */
  thresholds: [0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6] as readonly number[],
  bins: 15,
};

export interface TrainAssertionOptions {
  /**
   * Brat directories to learn from (MACCROBAT and Chia layouts, told apart by their entity types).
   * Default: `maccrobat` and `chia/chia_with_scope` of the shared data.
   */
  readonly train?: string | readonly string[];
  /**
   * A brat directory (MACCROBAT layout) used whole as the tuned dev part instead of the hashed dev
   * split; without it, the dev split of the MACCROBAT data.
   */
  readonly dev?: string;
  /** Output model directory (nothing written without it). */
  readonly out?: string;
  readonly seed?: number;
  /** Fixed number of epochs (default: chosen by cross-validation among 2 and 4). */
  readonly epochs?: number;
  /** Fixed Chia loss weight (default: chosen by cross-validation). */
  readonly chiaWeight?: number;
  /** Progress lines (counts, scores, timings; never text). */
  readonly log?: (line: string) => void;
  /** ISO time written in the manifest (default now). */
  readonly created?: string;
  /** Read at most this many documents per directory (quick runs and tests). */
  readonly limit?: number;
  readonly bits?: number;
}

export interface NegationScore {
  readonly examples: number;
  readonly negated: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly tp: number;
  readonly fp: number;
  readonly fn: number;
}

export interface AssertionReport {
  readonly examples: Readonly<Record<string, number>>;
  /** Entity-level negation, `corpus/split` -> rules and model. */
  readonly scores: Readonly<Record<string, { rules: NegationScore; model: NegationScore }>>;
  readonly calibration: {
    readonly temperature: number;
    readonly eceBefore: Readonly<Record<string, number>>;
    readonly eceAfter: Readonly<Record<string, number>>;
  };
  readonly cv: readonly { chiaWeight: number; epochs: number; f1: number; threshold: number }[];
  readonly chosen: { readonly chiaWeight: number; readonly epochs: number; readonly threshold: number };
  readonly cpuSeconds: {
    readonly data: number;
    readonly cv: number;
    readonly fit: number;
    readonly total: number;
  };
  readonly wallSeconds: number;
}

export interface TrainedAssertion {
  readonly model: LogRegModel;
  readonly temperature: number;
  /** Decide `negated` when P(negated), calibrated, is at least this. */
  readonly threshold: number;
  readonly manifest?: ClassifierManifest;
  readonly report: AssertionReport;
}

const cpu = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** Which corpus a directory holds: the spec whose entity types its documents use most. */
export function corpusOf(docs: readonly BratDocument[]): CorpusSpec {
  let best: CorpusSpec = CORPORA.maccrobat;
  let bestCount = -1;
  for (const spec of Object.values(CORPORA)) {
    let n = 0;
    for (const d of docs) for (const e of d.entities) if (Object.hasOwn(spec.types, e.type)) n++;
    if (n > bestCount) {
      best = spec;
      bestCount = n;
    }
  }
  return best;
}

/** Entity-level negation scores of predictions against gold. */
export function negationScore(gold: readonly boolean[], pred: readonly boolean[]): NegationScore {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let negated = 0;
  for (let i = 0; i < gold.length; i++) {
    if (gold[i]) negated++;
    if (gold[i] && pred[i]) tp++;
    else if (pred[i]) fp++;
    else if (gold[i]) fn++;
  }
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { examples: gold.length, negated, precision, recall, f1, tp, fp, fn };
}

/** The examples of the learner: label 1 = negated; Chia examples weighted. */
function asExamples(examples: readonly AssertionExample[], chiaWeight: number): ClassifyExample[] {
  const out: ClassifyExample[] = [];
  for (const e of examples) {
    const weight = e.corpus === 'chia' ? chiaWeight : 1;
    if (weight <= 0) continue;
    out.push({ features: e.features, label: e.negated ? 1 : 0, ...(weight !== 1 ? { weight } : {}) });
  }
  return out;
}

/** The logit difference z_negated - z_affirmed (P(negated) = sigmoid(d / T)). */
function margin(model: LogRegModel, features: readonly string[]): number {
  const z = model.logits(features);
  return (z[1] as number) - (z[0] as number);
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
const logit = (p: number): number => Math.log(p / (1 - p));

interface Loaded {
  readonly corpus: AssertionCorpus;
  readonly dir: string;
  readonly docs: number;
  readonly examples: AssertionExample[];
  readonly files: { name: string; sha256: string; bytes: number };
}

/** A compact record of a directory's files: one hash over the sorted names and file hashes. */
function dirRecord(
  dir: string,
  docs: readonly BratDocument[],
): { name: string; sha256: string; bytes: number } {
  const h = createHash('sha256');
  let bytes = 0;
  for (const d of [...docs].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    for (const p of [d.txtPath, d.annPath]) {
      const b = readFileSync(p);
      bytes += b.byteLength;
      h.update(`${relative(dir, p)}\0`);
      h.update(createHash('sha256').update(b).digest('hex'));
    }
  }
  const shared = relative(sharedDataDir(), dir);
  const name = shared.startsWith('..') ? dir : shared;
  return { name: `${name}/ (${docs.length} .txt/.ann pairs)`, sha256: h.digest('hex'), bytes };
}

function load(dir: string, seed: number, limit: number | undefined, forceSplit?: Split): Loaded {
  const { docs } = readBratDir(dir, limit !== undefined ? { limit } : {});
  if (docs.length === 0) {
    throw new ClinoteError('CLINOTE_E_MODEL_TRAINING_DATA', `no .txt/.ann pairs in '${dir}'`, { path: dir });
  }
  const spec = corpusOf(docs);
  const pipeline = segmentation();
  const engine = defaultContextEngine();
  const examples: AssertionExample[] = [];
  for (const d of docs) {
    for (const e of documentExamples(d, spec, pipeline, engine, seed)) {
      examples.push(forceSplit ? { ...e, split: forceSplit } : e);
    }
  }
  return { corpus: spec.name, dir, docs: docs.length, examples, files: dirRecord(dir, docs) };
}

function defaultTrainDirs(): string[] {
  const out: string[] = [];
  for (const spec of [CORPORA.maccrobat, CORPORA.chia]) {
    const p = sharedDataPath(...spec.data);
    if (p) out.push(p);
  }
  if (out.length === 0 || !sharedDataPath(...CORPORA.maccrobat.data)) {
    throw new ClinoteError(
      'CLINOTE_E_MODEL_TRAINING_DATA',
      `${missingDataMessage(...CORPORA.maccrobat.data).replace(/; skipped$/, '')}; pass the brat directories to train on`,
      { path: CORPORA.maccrobat.data.join('/') },
    );
  }
  return out;
}

/** Cross-validation by document on `target` (+ `extra` at `chiaWeight`): out-of-fold margins. */
function crossValidate(
  target: readonly AssertionExample[],
  extra: readonly AssertionExample[],
  chiaWeight: number,
  epochs: number,
  options: { bits: number; seed: number; folds: number },
): number[] {
  const fold = (doc: string): number => fnv1a(`${options.seed}:${doc}`) % options.folds;
  const margins = new Array<number>(target.length).fill(0);
  for (let k = 0; k < options.folds; k++) {
    const train = asExamples([...target.filter((e) => fold(e.doc) !== k), ...extra], chiaWeight);
    const { model } = trainLogReg(train, {
      labels: ASSERTION_LABELS,
      bits: options.bits,
      epochs,
      learningRate: ASSERTION_DEFAULTS.learningRate,
      l2: ASSERTION_DEFAULTS.l2,
      seed: options.seed,
    });
    target.forEach((e, i) => {
      if (fold(e.doc) === k) margins[i] = margin(model, e.features);
    });
  }
  return margins;
}

/** The threshold (on P(negated) at T = 1) of the grid with the best F1, and that F1. */
function bestThreshold(
  gold: readonly boolean[],
  margins: readonly number[],
): { threshold: number; f1: number } {
  let best = { threshold: 0.5, f1: -1 };
  for (const t of ASSERTION_DEFAULTS.thresholds) {
    const f1 = negationScore(
      gold,
      margins.map((m) => sigmoid(m) >= t),
    ).f1;
    if (f1 > best.f1 + 1e-12) best = { threshold: t, f1 };
  }
  return best;
}

const round = (x: number, d = 4): number => Math.round(x * 10 ** d) / 10 ** d;

/**
 * Train, calibrate and score the assertion classifier; with `out`, write the model directory (and
 * its reliability diagram). Throws CLINOTE_E_MODEL_TRAINING_DATA when the data are missing.
 */
export function trainAssertionClassifier(options: TrainAssertionOptions = {}): TrainedAssertion {
  const log = options.log ?? (() => {});
  const seed = options.seed ?? 1;
  const bits = options.bits ?? ASSERTION_DEFAULTS.bits;
  const wall0 = performance.now();
  const cpu0 = cpu();

  // 1. data
  const dirs =
    options.train === undefined
      ? defaultTrainDirs()
      : typeof options.train === 'string'
        ? [options.train]
        : [...options.train];
  const loaded = dirs.map((d) => load(d, seed, options.limit));
  if (options.dev !== undefined) loaded.push(load(options.dev, seed, options.limit, 'dev'));
  const all = loaded.flatMap((l) => l.examples);
  const pick = (corpus: AssertionCorpus, split: Split): AssertionExample[] =>
    all.filter((e) => e.corpus === corpus && e.split === split);
  const devTuned =
    options.dev !== undefined ? (loaded[loaded.length - 1] as Loaded).examples : pick('maccrobat', 'dev');
  const mTrain = pick('maccrobat', 'train');
  const cTrain = pick('chia', 'train');
  if (mTrain.length === 0 || !mTrain.some((e) => e.negated)) {
    throw new ClinoteError(
      'CLINOTE_E_MODEL_TRAINING_DATA',
      'no MACCROBAT training example (or none negated): the assertion classifier needs MACCROBAT data',
      { examples: mTrain.length },
    );
  }
  const counts: Record<string, number> = {};
  for (const e of all) counts[`${e.corpus}/${e.split}`] = (counts[`${e.corpus}/${e.split}`] ?? 0) + 1;
  const cpuData = cpu() - cpu0;
  log(
    `data: ${loaded.map((l) => `${l.corpus} ${l.docs} documents`).join(', ')}; examples ${Object.entries(
      counts,
    )
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}; ${cpuData.toFixed(1)} s CPU`,
  );

  // 2. cross-validation: Chia weight, epochs, threshold
  const cpu1 = cpu();
  const gold = mTrain.map((e) => e.negated);
  const weights =
    options.chiaWeight !== undefined
      ? [options.chiaWeight]
      : cTrain.length > 0
        ? ASSERTION_DEFAULTS.chiaWeights
        : [0];
  const epochsGrid = options.epochs !== undefined ? [options.epochs] : ASSERTION_DEFAULTS.epochs;
  const cv: { chiaWeight: number; epochs: number; f1: number; threshold: number }[] = [];
  let chosen: { chiaWeight: number; epochs: number; f1: number; threshold: number } | undefined;
  for (const w of weights) {
    for (const ep of epochsGrid) {
      const margins = crossValidate(mTrain, w > 0 ? cTrain : [], w, ep, {
        bits,
        seed,
        folds: ASSERTION_DEFAULTS.folds,
      });
      const best = bestThreshold(gold, margins);
      const row = { chiaWeight: w, epochs: ep, f1: round(best.f1), threshold: best.threshold };
      cv.push(row);
      log(
        `cv: chia weight ${w}, ${ep} epochs: out-of-fold F1 ${best.f1.toFixed(3)} at P >= ${best.threshold}`,
      );
      if (!chosen || best.f1 > chosen.f1 + 1e-9) chosen = { ...row, f1: best.f1 };
    }
  }
  const pickd = chosen as { chiaWeight: number; epochs: number; f1: number; threshold: number };
  const cpuCv = cpu() - cpu1;

  // 3. final fit
  const cpu2 = cpu();
  const trained = trainLogReg(
    asExamples([...mTrain, ...(pickd.chiaWeight > 0 ? cTrain : [])], pickd.chiaWeight),
    {
      labels: ASSERTION_LABELS,
      bits,
      epochs: pickd.epochs,
      learningRate: ASSERTION_DEFAULTS.learningRate,
      l2: ASSERTION_DEFAULTS.l2,
      seed,
    },
  );
  const model = trained.model;
  const cpuFit = cpu() - cpu2;

  // 4. temperature on the tuned dev part; the threshold keeps its logit (the CV's choice)
  const devMargins = devTuned.map((e) => margin(model, e.features));
  const temperature =
    devTuned.length > 0
      ? fitTemperature(
          devMargins.map((m) => Float64Array.of(0, m)),
          devTuned.map((e) => (e.negated ? 1 : 0)),
        )
      : 1;
  const threshold = round(sigmoid(logit(pickd.threshold) / temperature), 6);
  log(
    `chosen: chia weight ${pickd.chiaWeight}, ${pickd.epochs} epochs, P(negated) >= ${pickd.threshold} uncalibrated = ${threshold.toFixed(3)} calibrated; temperature ${temperature.toFixed(3)}`,
  );

  // 5. scores
  const sets: Record<string, AssertionExample[]> = {
    'maccrobat/dev': devTuned,
    'maccrobat/heldout': pick('maccrobat', 'heldout'),
    'chia/dev': pick('chia', 'dev'),
    'chia/heldout': pick('chia', 'heldout'),
  };
  const scores: Record<string, { rules: NegationScore; model: NegationScore }> = {};
  const eceBefore: Record<string, number> = {};
  const eceAfter: Record<string, number> = {};
  const panels: { title: string; subtitle: string; bins: ReturnType<typeof reliabilityBins> }[] = [];
  for (const [name, ex] of Object.entries(sets)) {
    if (ex.length === 0) continue;
    const g = ex.map((e) => e.negated);
    const m = ex.map((e) => margin(model, e.features));
    const calibrated = m.map((x) => sigmoid(x / temperature));
    scores[name] = {
      rules: negationScore(
        g,
        ex.map((e) => e.ruleNegated),
      ),
      model: negationScore(
        g,
        calibrated.map((p) => p >= threshold),
      ),
    };
    const labels = g.map((x) => (x ? 1 : 0));
    const raw = m.map((x) => softmax([0, x]));
    const cal = m.map((x) => softmax([0, x], temperature));
    eceBefore[name] = round(expectedCalibrationError(raw, labels, ASSERTION_DEFAULTS.bins));
    eceAfter[name] = round(expectedCalibrationError(cal, labels, ASSERTION_DEFAULTS.bins));
    if (name.startsWith('maccrobat/')) {
      panels.push({
        title: `${name.replace('maccrobat/', '')} T=1`,
        subtitle: `ECE ${(eceBefore[name] as number).toFixed(3)}`,
        bins: reliabilityBins(raw, labels, ASSERTION_DEFAULTS.bins),
      });
      panels.push({
        title: `${name.replace('maccrobat/', '')} T=${temperature.toFixed(2)}`,
        subtitle: `ECE ${(eceAfter[name] as number).toFixed(3)}`,
        bins: reliabilityBins(cal, labels, ASSERTION_DEFAULTS.bins),
      });
    }
    const s = scores[name] as { rules: NegationScore; model: NegationScore };
    log(
      `${name}: ${ex.length} targets, ${s.rules.negated} negated; rules P ${s.rules.precision.toFixed(3)} R ${s.rules.recall.toFixed(3)} F1 ${s.rules.f1.toFixed(3)}; model P ${s.model.precision.toFixed(3)} R ${s.model.recall.toFixed(3)} F1 ${s.model.f1.toFixed(3)}; ECE ${(eceBefore[name] as number).toFixed(3)} -> ${(eceAfter[name] as number).toFixed(3)}`,
    );
  }
  const report: AssertionReport = {
    examples: counts,
    scores,
    calibration: { temperature, eceBefore, eceAfter },
    cv,
    chosen: { chiaWeight: pickd.chiaWeight, epochs: pickd.epochs, threshold },
    cpuSeconds: {
      data: round(cpuData, 2),
      cv: round(cpuCv, 2),
      fit: round(cpuFit, 2),
      total: round(cpu() - cpu0, 2),
    },
    wallSeconds: round((performance.now() - wall0) / 1000, 2),
  };

  let manifest: ClassifierManifest | undefined;
  if (options.out) {
    manifest = writeModel(options.out, {
      model,
      temperature,
      threshold,
      report,
      seed,
      loaded,
      trainedEpochs: trained.history.length,
      created: manifestCreatedTime(options.created),
      devFromOption: options.dev !== undefined,
    });
    writeFileSync(join(options.out, 'reliability.png'), reliabilityPng(panels));
    log(`wrote ${options.out}`);
  }
  return { model, temperature, threshold, ...(manifest ? { manifest } : {}), report };
}

const ATTRIBUTION =
  'MACCROBAT 2020: Caufield JH et al., A Comprehensive Typing System for Information Extraction from Clinical Narratives, medRxiv 2019; data on figshare, CC BY 4.0. Chia: Kury F et al., Chia, a large annotated corpus of clinical trial eligibility criteria, Scientific Data 7:281 (2020), CC BY 4.0.';

function splitMetrics(s: NegationScore, n: number, ece: number | undefined) {
  const tn = n - s.tp - s.fp - s.fn;
  const pA = tn + s.fn === 0 ? 0 : tn / (tn + s.fn);
  const rA = tn + s.fp === 0 ? 0 : tn / (tn + s.fp);
  const fA = pA + rA === 0 ? 0 : (2 * pA * rA) / (pA + rA);
  return {
    examples: n,
    accuracy: round(n ? (s.tp + tn) / n : 0),
    macroF1: round((fA + s.f1) / 2),
    microF1: round(n ? (s.tp + tn) / n : 0),
    ...(ece !== undefined ? { ece } : {}),
    perClass: {
      affirmed: { support: n - s.negated, precision: round(pA), recall: round(rA), f1: round(fA) },
      negated: {
        support: s.negated,
        precision: round(s.precision),
        recall: round(s.recall),
        f1: round(s.f1),
      },
    },
  };
}

function pct(x: number): string {
  return x.toFixed(3);
}

function writeModel(
  out: string,
  a: {
    model: LogRegModel;
    temperature: number;
    threshold: number;
    report: AssertionReport;
    seed: number;
    loaded: readonly Loaded[];
    trainedEpochs: number;
    created: string;
    devFromOption: boolean;
  },
): ClassifierManifest {
  const { report } = a;
  const metrics: Record<string, ReturnType<typeof splitMetrics>> = {};
  const key: Record<string, string> = {
    'maccrobat/dev': 'dev',
    'maccrobat/heldout': 'heldout',
    'chia/dev': 'chia-dev',
    'chia/heldout': 'chia-heldout',
  };
  for (const [name, s] of Object.entries(report.scores)) {
    metrics[key[name] ?? name] = splitMetrics(s.model, s.model.examples, report.calibration.eceAfter[name]);
  }
  // the corpora learned from; the others (a dev directory, Chia at weight 0) were for choices and scores
  const devDir = a.devFromOption ? a.loaded[a.loaded.length - 1] : undefined;
  const learned = (l: Loaded): boolean =>
    l !== devDir && (l.corpus !== 'chia' || report.chosen.chiaWeight > 0);
  const manifest = writeClassifierDir(out, a.model, {
    name: ASSERTION_MODEL_NAME,
    version: ASSERTION_MODEL_VERSION,
    kind: 'assertion',
    description: `Negation of a concept (affirmed / negated), given the rule engine's verdict and cues, so that it learns where the ConText rules fail: trained on MACCROBAT case reports${
      report.chosen.chiaWeight > 0
        ? ` and Chia eligibility criteria (loss weight ${report.chosen.chiaWeight})`
        : ' (Chia eligibility criteria were a candidate: cross-validation gave them weight 0, they lowered the MACCROBAT F1; Chia is scored only)'
    }. Used by the \`classify\` component after \`assertions\` (docs/classify.md).`,
    features: {
      version: ASSERTION_FEATURES_VERSION,
      description:
        "the rule engine's verdict, categories and negation cue (text, rule id); the nearest negation cue before and after the concept (text, rule id, direction, distance, whether its scope reached the concept, punctuation, conjunctions, cues and concepts between); three words each side; the words past a list of concepts; word classes (deny, stop, remove, resolve, exclude, fail) within eight words; the concept's words, length, nesting and type; the section category and sentence kind (src/models/assertion/features.ts).",
    },
    hyperparameters: {
      algorithm: 'logreg-adagrad',
      bits: a.model.bits,
      learningRate: ASSERTION_DEFAULTS.learningRate,
      l2: ASSERTION_DEFAULTS.l2,
      epochs: a.trainedEpochs,
      chiaWeight: report.chosen.chiaWeight,
      threshold: a.threshold,
      folds: ASSERTION_DEFAULTS.folds,
      selection:
        'chia weight and epochs by 5-fold document cross-validation on MACCROBAT train (out-of-fold F1)',
    },
    seed: a.seed,
    data: {
      source:
        'MACCROBAT 2020 (event POLARITY NEG) and Chia (Has_negation) brat corpora, the gold entities as targets',
      train: a.loaded.filter(learned).map((l) => l.files),
      dev: a.loaded.filter((l) => !learned(l)).map((l) => l.files),
      split:
        'documents by a seeded FNV-1a hash of their name (Chia: of the trial id) into 60 % train, 20 % dev (the temperature is fitted there), 20 % held-out (only scored)',
      license: 'CC BY 4.0 (MACCROBAT; Chia)',
      attribution: ATTRIBUTION,
    },
    metrics,
    calibration: {
      method: 'temperature',
      temperature: round(a.temperature, 6),
      bins: ASSERTION_DEFAULTS.bins,
      fittedOn: 'MACCROBAT dev',
      eceBefore: report.calibration.eceBefore['maccrobat/dev'] ?? 0,
      eceAfter: report.calibration.eceAfter['maccrobat/dev'] ?? 0,
      scoredOn: 'MACCROBAT dev',
    },
    thresholds: [1, round(a.threshold / (1 - a.threshold), 6)],
    code: { package: 'clinote', version: packageVersion() },
    created: a.created,
    limits: [
      "Negation only: the other categories (possible, hypothetical, historical, family) stay the rules'.",
      'MACCROBAT marks as negated what was stopped, removed, resolved or failed as well as what was denied; the model follows it.',
      'Trained with the gold entities as targets: concepts found by the dictionary or NER differ in their extent.',
    ],
  });
  // the rules-against-model table and the figures of this run, after the generated card
  const rows = Object.entries(report.scores).map(
    ([name, s]) =>
      `| ${name} | ${s.model.examples} | ${s.model.negated} | ${pct(s.rules.precision)} / ${pct(s.rules.recall)} / ${pct(s.rules.f1)} | ${pct(s.model.precision)} / ${pct(s.model.recall)} / ${pct(s.model.f1)} | ${pct(report.calibration.eceBefore[name] ?? 0)} | ${pct(report.calibration.eceAfter[name] ?? 0)} |`,
  );
  const cvRows = report.cv.map(
    (r) => `| ${r.chiaWeight} | ${r.epochs} | ${r.f1.toFixed(3)} | ${r.threshold} |`,
  );
  const extra = [
    '',
    '## Rules against model (entity-level negation, gold entities as targets)',
    '',
    '`dev` is the tuned part (the temperature was fitted there); `heldout` was only scored. The decision threshold',
    `is P(negated) >= ${a.threshold.toFixed(3)} (calibrated), chosen by cross-validation on the train part.`,
    '',
    '| corpus/split | targets | negated | rules P / R / F1 | model P / R / F1 | ECE before | ECE after |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    'Cross-validation on MACCROBAT train (5 folds by document; best threshold of each row):',
    '',
    '| Chia weight | epochs | out-of-fold F1 | threshold |',
    '| --- | --- | --- | --- |',
    ...cvRows,
    '',
    '`reliability.png`: reliability diagrams on MACCROBAT dev and held-out, before and after the temperature.',
    '',
    `Built by \`scripts/train-assertion.ts\` (seed ${a.seed}).`,
    '',
  ].join('\n');
  const cardPath = join(out, 'model-card.md');
  writeFileSync(cardPath, `${readFileSync(cardPath, 'utf8').replace(/\n+$/, '\n')}${extra}`);
  return manifest;
}
