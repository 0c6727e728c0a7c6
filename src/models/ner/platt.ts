/** Platt scaling of mention probabilities (fitted in calibration.ts, applied by the model). */

/** Platt scaling of a probability: sigmoid(a * logit(p) + b) (p clipped to [1e-6, 1 - 1e-6]). */
export function platt(p: number, a: number, b: number): number {
  const q = Math.min(1 - 1e-6, Math.max(1e-6, p));
  return 1 / (1 + Math.exp(-(a * Math.log(q / (1 - q)) + b)));
}
