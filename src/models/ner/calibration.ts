/**
 * Calibration of mention probabilities: the expected calibration error over equal-width bins, and the
 * temperature that makes a model's mention probabilities fit a development set (the binary log-loss
 * of "this predicted mention is strictly correct", minimised over log T by golden-section search).
 * Viterbi's labels do not depend on the temperature: only the probabilities move.
 */
import { goldenSectionMin } from '../calibration/search.js';
import type { NerModel } from './model.js';
import { platt } from './platt.js';

export { platt };

import type { NerExample, TypedSpan } from './types.js';

/** Confidence and correctness of one prediction. */
export interface Calibrated {
  readonly probability: number;
  readonly correct: boolean;
}

/**
 * Expected calibration error: predictions in `bins` equal-width bins of confidence, the mean over
 * bins of |accuracy - mean confidence| weighted by the bin's share. 0 for no predictions.
 */
export function expectedCalibrationError(items: readonly Calibrated[], bins = 15): number {
  if (items.length === 0) return 0;
  const count = new Float64Array(bins);
  const conf = new Float64Array(bins);
  const acc = new Float64Array(bins);
  for (const it of items) {
    const b = Math.min(bins - 1, Math.max(0, Math.floor(it.probability * bins)));
    count[b] = (count[b] as number) + 1;
    conf[b] = (conf[b] as number) + it.probability;
    acc[b] = (acc[b] as number) + (it.correct ? 1 : 0);
  }
  let ece = 0;
  for (let b = 0; b < bins; b++) {
    const c = count[b] as number;
    if (c > 0) ece += (c / items.length) * Math.abs((acc[b] as number) / c - (conf[b] as number) / c);
  }
  return ece;
}

/** Mean binary log-loss of the predictions (probabilities clipped to [1e-6, 1 - 1e-6]). */
export function logLoss(items: readonly Calibrated[]): number {
  if (items.length === 0) return 0;
  let sum = 0;
  for (const it of items) {
    const p = Math.min(1 - 1e-6, Math.max(1e-6, it.probability));
    sum -= Math.log(it.correct ? p : 1 - p);
  }
  return sum / items.length;
}

/** Every predicted mention of the examples with its probability and whether it is strictly in gold. */
export function mentionCalibration(model: NerModel, examples: readonly NerExample[]): Calibrated[] {
  const types = new Set(model.labels.filter((l) => l !== 'O').map((l) => l.slice(2)));
  const key = (s: TypedSpan): string => `${s.start}:${s.end}:${s.type}`;
  const out: Calibrated[] = [];
  for (const ex of examples) {
    const gold = new Set(ex.gold.filter((s) => types.has(s.type)).map(key));
    for (const m of model.predict(ex)) out.push({ probability: m.probability, correct: gold.has(key(m)) });
  }
  return out;
}

/**
 * The temperature in [0.01, 1000] minimising the mention log-loss on `examples` (golden-section search
 * on log T; deterministic). Leaves `model.temperature` at the result. 1 without predictions.
 */
export function fitTemperature(model: NerModel, examples: readonly NerExample[]): number {
  model.platt = undefined;
  const loss = (logT: number): number => {
    model.temperature = Math.exp(logT);
    return logLoss(mentionCalibration(model, examples));
  };
  model.temperature = 1;
  if (mentionCalibration(model, examples).length === 0) return 1;
  const best = goldenSectionMin(loss, Math.log(0.01), Math.log(1000), { maxIterations: 30 });
  // rounded so that the manifest holds a short, stable number
  const t = Number(Math.exp(best).toFixed(4));
  model.temperature = t;
  return t;
}

/**
 * Calibrates a model on dev documents: the temperature first, then Platt scaling of the
 * temperature-scaled probabilities. Leaves both on the model.
 */
export function calibrateModel(
  model: NerModel,
  examples: readonly NerExample[],
): { temperature: number; platt: { a: number; b: number } } {
  const temperature = fitTemperature(model, examples);
  const p = fitPlatt(mentionCalibration(model, examples));
  model.platt = p;
  return { temperature, platt: p };
}

/**
 * The Platt parameters (a, b) minimising the log-loss of `sigmoid(a * logit(p) + b)` on the items
 * (Newton's method on the two parameters, with a small ridge; deterministic). (1, 0) without items.
 */
export function fitPlatt(items: readonly Calibrated[]): { a: number; b: number } {
  if (items.length === 0) return { a: 1, b: 0 };
  const x = items.map((it) => {
    const q = Math.min(1 - 1e-6, Math.max(1e-6, it.probability));
    return Math.log(q / (1 - q));
  });
  let a = 1;
  let b = 0;
  for (let iter = 0; iter < 50; iter++) {
    let ga = 0;
    let gb = 0;
    let haa = 1e-6;
    let hab = 0;
    let hbb = 1e-6;
    items.forEach((it, i) => {
      const xi = x[i] as number;
      const p = 1 / (1 + Math.exp(-(a * xi + b)));
      const d = p - (it.correct ? 1 : 0);
      const w = p * (1 - p);
      ga += d * xi;
      gb += d;
      haa += w * xi * xi;
      hab += w * xi;
      hbb += w;
    });
    const det = haa * hbb - hab * hab;
    if (!(det > 0)) break;
    const da = (hbb * ga - hab * gb) / det;
    const db = (haa * gb - hab * ga) / det;
    a -= da;
    b -= db;
    if (Math.abs(da) + Math.abs(db) < 1e-10) break;
  }
  return { a: Number(a.toFixed(6)), b: Number(b.toFixed(6)) };
}
