/**
 * Paired comparison of two versions on the same documents, pure: F1 difference with a paired
 * bootstrap 95% interval (documents resampled with replacement, seeded), McNemar's test on
 * per-document correctness, per-type differences and the documents where they disagree most.
 * Differences are challenger minus champion, in points (F1 x 100).
 */
import { ClinoteError } from '../errors/error.js';
import { prf } from '../eval/metrics.js';
import { mulberry32 } from '../models/prng.js';
import { type DocScore, micro, type SuiteReport, type TypeCounts, totals } from './evaluate.js';

export interface TypeDiff {
  readonly type: string;
  readonly f1A: number;
  readonly f1B: number;
  readonly f1Diff: number;
  readonly precisionDiff: number;
  readonly recallA: number;
  readonly recallB: number;
  readonly recallDiff: number;
}

export interface Comparison {
  readonly suite: string;
  readonly documents: number;
  readonly a: string;
  readonly b: string;
  readonly f1A: number;
  readonly f1B: number;
  /** B - A, points. */
  readonly f1Diff: number;
  readonly interval: {
    readonly low: number;
    readonly high: number;
    readonly level: 0.95;
    readonly samples: number;
    readonly seed: number;
  };
  readonly mcnemar: {
    /** Documents A gets right and B wrong. */
    readonly aOnly: number;
    /** Documents B gets right and A wrong. */
    readonly bOnly: number;
    readonly statistic: number;
    readonly p: number;
    readonly exact: boolean;
  };
  readonly byType: readonly TypeDiff[];
  /** Documents ranked by how much their errors (fp + fn) differ; ids only. */
  readonly disagreements: readonly {
    readonly id: string;
    readonly errorsA: number;
    readonly errorsB: number;
  }[];
}

const points = (x: number): number => Math.round(x * 100 * 1e4) / 1e4;

function errorsOf(d: DocScore): number {
  let n = 0;
  for (const [, fp, fn] of Object.values(d.strict)) n += fp + fn;
  return n;
}

/** erfc for x >= 0 (Abramowitz and Stegun 7.1.26; absolute error below 1.5e-7). */
function erfc(x: number): number {
  const t = 1 / (1 + 0.3275911 * x);
  const poly =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return poly * Math.exp(-x * x);
}

/** McNemar's test: exact (two-sided binomial) below 25 discordant pairs, else chi-square with continuity correction. */
export function mcnemar(b: number, c: number): { statistic: number; p: number; exact: boolean } {
  const n = b + c;
  if (n === 0) return { statistic: 0, p: 1, exact: true };
  if (n < 25) {
    const k = Math.min(b, c);
    let sum = 0;
    let term = 0.5 ** n; // C(n, 0) / 2^n
    for (let i = 0; i <= k; i++) {
      sum += term;
      term = (term * (n - i)) / (i + 1);
    }
    return { statistic: k, p: Math.min(1, 2 * sum), exact: true };
  }
  const statistic = (Math.abs(b - c) - 1) ** 2 / n;
  return { statistic, p: erfc(Math.sqrt(statistic / 2)), exact: false };
}

function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** Paired figures of B against A; both reports must cover the same documents in the same order. */
export function compareReports(
  a: SuiteReport,
  b: SuiteReport,
  labels: { readonly a: string; readonly b: string },
  options: { readonly samples?: number; readonly seed?: number; readonly top?: number } = {},
): Comparison {
  if (a.docsHash !== b.docsHash || a.docs.length !== b.docs.length)
    throw new ClinoteError(
      'CLINOTE_E_REGISTRY_NOT_EVALUATED',
      `the two reports on ${a.suite} cover different documents (evaluate both with the same --limit)`,
    );
  const samples = options.samples ?? 1000;
  const seed = options.seed ?? 20261207;
  const n = a.docs.length;
  const f1A = micro(totals(a.docs)).f1;
  const f1B = micro(totals(b.docs)).f1;
  // per document: [tpA, fpA, fnA, tpB, fpB, fnB], summed over types
  const rows = new Float64Array(n * 6);
  for (let i = 0; i < n; i++) {
    for (const [k, d] of [a.docs[i]!, b.docs[i]!].entries())
      for (const [tp, fp, fn] of Object.values(d.strict)) {
        const at = i * 6 + k * 3;
        rows[at] = (rows[at] ?? 0) + tp;
        rows[at + 1] = (rows[at + 1] ?? 0) + fp;
        rows[at + 2] = (rows[at + 2] ?? 0) + fn;
      }
  }
  const random = mulberry32(seed);
  const diffs: number[] = [];
  for (let s = 0; s < samples; s++) {
    const sum = [0, 0, 0, 0, 0, 0];
    for (let j = 0; j < n; j++) {
      const i = Math.floor(random() * n);
      for (let k = 0; k < 6; k++) sum[k]! += rows[i * 6 + k]!;
    }
    diffs.push(prf(sum[3]!, sum[4]!, sum[5]!).f1 - prf(sum[0]!, sum[1]!, sum[2]!).f1);
  }
  diffs.sort((x, y) => x - y);
  let aOnly = 0;
  let bOnly = 0;
  const disagreements: { id: string; errorsA: number; errorsB: number }[] = [];
  for (let i = 0; i < n; i++) {
    const ea = errorsOf(a.docs[i]!);
    const eb = errorsOf(b.docs[i]!);
    if (ea === 0 && eb > 0) aOnly++;
    if (eb === 0 && ea > 0) bOnly++;
    if (ea !== eb) disagreements.push({ id: a.docs[i]!.id, errorsA: ea, errorsB: eb });
  }
  disagreements.sort(
    (x, y) => Math.abs(y.errorsB - y.errorsA) - Math.abs(x.errorsB - x.errorsA) || (x.id < y.id ? -1 : 1),
  );
  const ta: TypeCounts = totals(a.docs);
  const tb: TypeCounts = totals(b.docs);
  const types = [...new Set([...Object.keys(ta), ...Object.keys(tb)])].sort();
  const byType = types.map((type): TypeDiff => {
    const pa = prf(...(ta[type] ?? [0, 0, 0]));
    const pb = prf(...(tb[type] ?? [0, 0, 0]));
    return {
      type,
      f1A: points(pa.f1),
      f1B: points(pb.f1),
      f1Diff: points(pb.f1 - pa.f1),
      precisionDiff: points(pb.precision - pa.precision),
      recallA: points(pa.recall),
      recallB: points(pb.recall),
      recallDiff: points(pb.recall - pa.recall),
    };
  });
  return {
    suite: a.suite,
    documents: n,
    a: labels.a,
    b: labels.b,
    f1A: points(f1A),
    f1B: points(f1B),
    f1Diff: points(f1B - f1A),
    interval: {
      low: points(percentile(diffs, 0.025)),
      high: points(percentile(diffs, 0.975)),
      level: 0.95,
      samples,
      seed,
    },
    mcnemar: { aOnly, bOnly, ...mcnemar(aOnly, bOnly) },
    byType,
    disagreements: disagreements.slice(0, options.top ?? 10),
  };
}
