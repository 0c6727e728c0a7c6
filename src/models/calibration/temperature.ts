/**
 * Temperature scaling (Guo et al., 2017): one scalar T > 0 divides every logit before the softmax.
 * It is fitted on held-aside data by minimising the negative log-likelihood; the argmax (hence the
 * accuracy and F1) does not change, only the confidence. The NLL is convex in 1/T, so it is unimodal
 * in log T: a golden-section search over log T in [0.01, 100] finds the minimum.
 */
import { ClinoteError } from '../../errors/error.js';
import { goldenSectionMin } from './search.js';

/** Mean negative log-likelihood of `labels` under softmax(logits / temperature). */
export function temperatureNll(
  logits: readonly ArrayLike<number>[],
  labels: readonly number[],
  temperature: number,
): number {
  let total = 0;
  for (let i = 0; i < logits.length; i++) {
    const z = logits[i] as ArrayLike<number>;
    let max = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < z.length; k++) max = Math.max(max, (z[k] as number) / temperature);
    let sum = 0;
    for (let k = 0; k < z.length; k++) sum += Math.exp((z[k] as number) / temperature - max);
    total += max + Math.log(sum) - (z[labels[i] as number] as number) / temperature;
  }
  return logits.length ? total / logits.length : 0;
}

/** The temperature minimising the NLL of `labels` (1 when there is nothing to fit). */
export function fitTemperature(logits: readonly Float64Array[], labels: readonly number[]): number {
  if (logits.length !== labels.length) {
    throw new ClinoteError(
      'CLINOTE_E_MODEL_TRAINING_DATA',
      `temperature fit: ${logits.length} logit rows for ${labels.length} labels`,
      { logits: logits.length, labels: labels.length },
    );
  }
  if (logits.length === 0) return 1;
  const f = (u: number): number => temperatureNll(logits, labels, Math.exp(u));
  return Math.exp(goldenSectionMin(f, Math.log(0.01), Math.log(100), { maxIterations: 80, tolerance: 1e-7 }));
}
