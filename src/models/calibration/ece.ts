/**
 * Expected calibration error and reliability-diagram data. The confidence of a prediction is its
 * largest probability; predictions fall into `bins` equal-width bins of confidence (bin k holds
 * (k/B, (k+1)/B], the first also 0); ECE = sum over bins of (n_k / n) |accuracy_k - confidence_k|.
 */

export interface ReliabilityBin {
  readonly lo: number;
  readonly hi: number;
  readonly count: number;
  /** Share of correct predictions in the bin (0 when empty). */
  readonly accuracy: number;
  /** Mean confidence in the bin (0 when empty). */
  readonly confidence: number;
}

/** The bin of a confidence in [0, 1]. */
export function binOf(confidence: number, bins: number): number {
  const k = Math.ceil(confidence * bins) - 1;
  return Math.min(bins - 1, Math.max(0, k));
}

/** Per-bin counts, accuracy and mean confidence of the argmax predictions. */
export function reliabilityBins(
  probs: readonly ArrayLike<number>[],
  labels: readonly number[],
  bins = 15,
): ReliabilityBin[] {
  const count = new Array<number>(bins).fill(0);
  const correct = new Array<number>(bins).fill(0);
  const conf = new Array<number>(bins).fill(0);
  for (let i = 0; i < probs.length; i++) {
    const p = probs[i] as ArrayLike<number>;
    let best = 0;
    for (let k = 1; k < p.length; k++) if ((p[k] as number) > (p[best] as number)) best = k;
    const c = p[best] as number;
    const b = binOf(c, bins);
    count[b] = (count[b] as number) + 1;
    conf[b] = (conf[b] as number) + c;
    if (best === labels[i]) correct[b] = (correct[b] as number) + 1;
  }
  return count.map((n, b) => ({
    lo: b / bins,
    hi: (b + 1) / bins,
    count: n,
    accuracy: n ? (correct[b] as number) / n : 0,
    confidence: n ? (conf[b] as number) / n : 0,
  }));
}

/** Expected calibration error of the argmax predictions (0 for no predictions). */
export function expectedCalibrationError(
  probs: readonly ArrayLike<number>[],
  labels: readonly number[],
  bins = 15,
): number {
  if (probs.length === 0) return 0;
  let ece = 0;
  for (const b of reliabilityBins(probs, labels, bins)) {
    if (b.count) ece += (b.count / probs.length) * Math.abs(b.accuracy - b.confidence);
  }
  return ece;
}
