/**
 * Per-class decision thresholds for a single-label classifier. With thresholds t_c the decision is
 * the class with the largest p_c / t_c (all t_c equal: the argmax). A class whose threshold is lower
 * than the others is chosen on less evidence: rare classes get recall. The thresholds are chosen on
 * development data by coordinate ascent of macro-F1 over a fixed grid of multipliers, a few passes
 * in a fixed class order: deterministic.
 */
import { classificationScores } from './metrics.js';

/** The class with the largest p_c / t_c (argmax p when `thresholds` is absent). */
export function decide(probs: ArrayLike<number>, thresholds?: readonly number[] | null): number {
  let best = 0;
  let bestScore = Number.NEGATIVE_INFINITY;
  for (let c = 0; c < probs.length; c++) {
    const s = (probs[c] as number) / (thresholds ? (thresholds[c] as number) : 1);
    if (s > bestScore) {
      bestScore = s;
      best = c;
    }
  }
  return best;
}

export interface ThresholdOptions {
  /** Multipliers tried for each class's threshold (default 0.25 .. 4, log-spaced). */
  readonly grid?: readonly number[];
  /** Passes over the classes (default 2). */
  readonly passes?: number;
}

const DEFAULT_GRID = [0.25, 0.35, 0.5, 0.7, 1, 1.4, 2, 2.8, 4];

/**
 * Thresholds (one per class, the mean 1) that maximise macro-F1 of `decide` on `probs` / `labels`.
 * A change is kept only when it raises macro-F1, so the result is never worse on these data than the
 * argmax; whether it helps elsewhere is for held-out data to say.
 */
export function chooseThresholds(
  probs: readonly ArrayLike<number>[],
  labels: readonly number[],
  L: number,
  options: ThresholdOptions = {},
): number[] {
  const grid = options.grid ?? DEFAULT_GRID;
  const passes = options.passes ?? 2;
  const t = new Array<number>(L).fill(1);
  const score = (): number =>
    classificationScores(
      labels,
      probs.map((p) => decide(p, t)),
      L,
    ).macroF1;
  let best = score();
  for (let pass = 0; pass < passes; pass++) {
    let changed = false;
    for (let c = 0; c < L; c++) {
      const keep = t[c] as number;
      let bestValue = keep;
      for (const g of grid) {
        if (g === keep) continue;
        t[c] = g;
        const s = score();
        if (s > best + 1e-12) {
          best = s;
          bestValue = g;
          changed = true;
        }
      }
      t[c] = bestValue;
    }
    if (!changed) break;
  }
  return t;
}
