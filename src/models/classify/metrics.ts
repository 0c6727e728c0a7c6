/**
 * Scores of a single-label classifier: accuracy, per-class precision / recall / F1, macro-F1 (the
 * mean over the classes that occur in the gold labels or the predictions) and micro-F1. A prediction
 * of -1 is an abstention: a false negative of the gold class, no false positive.
 */

export interface ClassScore {
  readonly label: number;
  readonly support: number;
  readonly tp: number;
  readonly fp: number;
  readonly fn: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

export interface ClassificationScores {
  readonly n: number;
  readonly accuracy: number;
  readonly macroF1: number;
  readonly microF1: number;
  readonly perClass: readonly ClassScore[];
}

function ratio(a: number, b: number): number {
  return b === 0 ? 0 : a / b;
}

/** Scores of `pred` against `gold` (label indices 0..L-1; -1 in `pred` abstains). */
export function classificationScores(
  gold: readonly number[],
  pred: readonly number[],
  L: number,
): ClassificationScores {
  const tp = new Array<number>(L).fill(0);
  const fp = new Array<number>(L).fill(0);
  const fn = new Array<number>(L).fill(0);
  const support = new Array<number>(L).fill(0);
  let correct = 0;
  for (let i = 0; i < gold.length; i++) {
    const g = gold[i] as number;
    const p = pred[i] ?? -1;
    support[g] = (support[g] as number) + 1;
    if (p === g) {
      tp[g] = (tp[g] as number) + 1;
      correct++;
    } else {
      fn[g] = (fn[g] as number) + 1;
      if (p >= 0) fp[p] = (fp[p] as number) + 1;
    }
  }
  const perClass: ClassScore[] = [];
  let f1Sum = 0;
  let counted = 0;
  for (let c = 0; c < L; c++) {
    const precision = ratio(tp[c] as number, (tp[c] as number) + (fp[c] as number));
    const recall = ratio(tp[c] as number, (tp[c] as number) + (fn[c] as number));
    const f1 = ratio(2 * precision * recall, precision + recall);
    perClass.push({
      label: c,
      support: support[c] as number,
      tp: tp[c] as number,
      fp: fp[c] as number,
      fn: fn[c] as number,
      precision,
      recall,
      f1,
    });
    if ((support[c] as number) > 0 || (fp[c] as number) > 0) {
      f1Sum += f1;
      counted++;
    }
  }
  const TP = tp.reduce((a, b) => a + b, 0);
  const FP = fp.reduce((a, b) => a + b, 0);
  const FN = fn.reduce((a, b) => a + b, 0);
  const microP = ratio(TP, TP + FP);
  const microR = ratio(TP, TP + FN);
  return {
    n: gold.length,
    accuracy: ratio(correct, gold.length),
    macroF1: counted ? f1Sum / counted : 0,
    microF1: ratio(2 * microP * microR, microP + microR),
    perClass,
  };
}

/** Recall over the examples whose gold class is in `classes` (pooled). */
export function recallOn(
  gold: readonly number[],
  pred: readonly number[],
  classes: ReadonlySet<number>,
): number {
  let n = 0;
  let hit = 0;
  for (let i = 0; i < gold.length; i++) {
    if (!classes.has(gold[i] as number)) continue;
    n++;
    if (pred[i] === gold[i]) hit++;
  }
  return ratio(hit, n);
}
