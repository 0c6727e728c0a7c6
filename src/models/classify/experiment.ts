/**
 * One classifier experiment on a fixed split: train (early stopping on the tuned part of dev), fit
 * the temperature on the tuned part, choose per-class thresholds on it when asked, and score both
 * the tuned part and the held-out part (which nothing was fitted or chosen on). Used by
 * `clinote train classify` and scripts/train-classifiers.ts.
 */
import { expectedCalibrationError, type ReliabilityBin, reliabilityBins } from '../calibration/ece.js';
import { fitTemperature } from '../calibration/temperature.js';
import {
  type ClassifyExample,
  type LogRegOptions,
  type LogRegTraining,
  softmax,
  trainLogReg,
} from './logreg.js';
import type { ClassifierManifest } from './manifest.js';
import { classificationScores, recallOn } from './metrics.js';
import { chooseThresholds, decide } from './thresholds.js';

/** Training examples per class below which a class counts as rare. */
export const RARE_BELOW = 20;

export interface ClassifyDataset {
  readonly labels: readonly string[];
  readonly train: readonly ClassifyExample[];
  /** The part of dev that early stopping, thresholds and the temperature look at. */
  readonly dev: readonly ClassifyExample[];
  /** The part of dev that is only scored. */
  readonly heldout: readonly ClassifyExample[];
}

export interface ExperimentOptions extends LogRegOptions {
  /** Choose per-class thresholds on dev (default false). */
  readonly thresholds?: boolean;
}

export type SplitMetrics = ClassifierManifest['metrics'][string];

export interface ExperimentResult {
  readonly training: LogRegTraining;
  readonly temperature: number;
  readonly thresholds: number[] | null;
  readonly metrics: { readonly dev: SplitMetrics; readonly heldout: SplitMetrics };
  /** ECE on the held-out part with temperature 1 and with the fitted one. */
  readonly eceBefore: number;
  readonly eceAfter: number;
  /** ECE on the tuned part (where the temperature was fitted), before and after. */
  readonly devEceBefore: number;
  readonly devEceAfter: number;
  readonly reliabilityBefore: readonly ReliabilityBin[];
  readonly reliabilityAfter: readonly ReliabilityBin[];
  /** Label indices with fewer than RARE_BELOW training examples. */
  readonly rare: ReadonlySet<number>;
  readonly seconds: number;
}

function logLoss(probs: readonly Float64Array[], labels: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < probs.length; i++)
    s -= Math.log(Math.max((probs[i] as Float64Array)[labels[i] as number] as number, 1e-15));
  return probs.length ? s / probs.length : 0;
}

/** Scores of calibrated probabilities under a decision rule. */
export function splitMetrics(
  probs: readonly Float64Array[],
  gold: readonly number[],
  labels: readonly string[],
  thresholds: readonly number[] | null,
  rare: ReadonlySet<number>,
  bins = 15,
): SplitMetrics {
  const pred = probs.map((p) => decide(p, thresholds));
  const s = classificationScores(gold, pred, labels.length);
  const perClass: Record<string, { support: number; precision: number; recall: number; f1: number }> = {};
  for (const c of s.perClass) {
    if (c.support === 0 && c.fp === 0) continue;
    perClass[labels[c.label] as string] = {
      support: c.support,
      precision: round(c.precision),
      recall: round(c.recall),
      f1: round(c.f1),
    };
  }
  return {
    examples: gold.length,
    accuracy: round(s.accuracy),
    macroF1: round(s.macroF1),
    microF1: round(s.microF1),
    logLoss: round(logLoss(probs, gold)),
    ece: round(expectedCalibrationError(probs, gold, bins)),
    rareRecall: round(recallOn(gold, pred, rare)),
    perClass,
  };
}

/** Six decimals: the manifest's figures, stable across platforms' last bits. */
export function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/** Train, calibrate, choose thresholds and score on a dataset. */
export function runExperiment(
  data: ClassifyDataset,
  options: ExperimentOptions,
  log?: (line: string) => void,
): ExperimentResult {
  const t0 = performance.now();
  const L = data.labels.length;
  const training = trainLogReg(data.train, { ...options, labels: data.labels }, data.dev, log);
  const model = training.model;
  const counts = new Array<number>(L).fill(0);
  for (const ex of data.train) counts[ex.label] = (counts[ex.label] as number) + 1;
  const rare = new Set<number>();
  counts.forEach((n, c) => {
    if (n < RARE_BELOW) rare.add(c);
  });
  const devLogits = data.dev.map((ex) => model.logits(ex.features));
  const devGold = data.dev.map((ex) => ex.label);
  const heldLogits = data.heldout.map((ex) => model.logits(ex.features));
  const heldGold = data.heldout.map((ex) => ex.label);
  const temperature = devLogits.length ? fitTemperature(devLogits, devGold) : 1;
  const devProbs = devLogits.map((z) => softmax(z, temperature));
  const heldProbs = heldLogits.map((z) => softmax(z, temperature));
  const thresholds = options.thresholds && devProbs.length ? chooseThresholds(devProbs, devGold, L) : null;
  const heldRaw = heldLogits.map((z) => softmax(z));
  const devRaw = devLogits.map((z) => softmax(z));
  return {
    training,
    temperature,
    thresholds,
    metrics: {
      dev: splitMetrics(devProbs, devGold, data.labels, thresholds, rare),
      heldout: splitMetrics(heldProbs, heldGold, data.labels, thresholds, rare),
    },
    eceBefore: expectedCalibrationError(heldRaw, heldGold),
    eceAfter: expectedCalibrationError(heldProbs, heldGold),
    devEceBefore: expectedCalibrationError(devRaw, devGold),
    devEceAfter: expectedCalibrationError(devProbs, devGold),
    reliabilityBefore: reliabilityBins(heldRaw, heldGold),
    reliabilityAfter: reliabilityBins(heldProbs, heldGold),
    rare,
    seconds: (performance.now() - t0) / 1000,
  };
}
