/**
 * Drift between two monitoring profiles (./profile.ts): one distance per feature, a verdict per
 * feature (distance >= threshold) and one for the dataset (at least `driftShare` of the features
 * with a verdict drift). Metrics (docs/decisions/0015-drift-metrics.md):
 *
 * - `psi`, the population stability index on the bins (numeric default, threshold 0.2);
 * - `jensen-shannon`, the Jensen-Shannon distance, base 2, in [0, 1] (categorical default, 0.1);
 * - `wasserstein`, the 1-Wasserstein distance of the binned distributions divided by the spread
 *   (binned standard deviation) of the reference (numeric only, 0.1).
 *
 * Sample-size guards: a window with fewer than `minNotes` notes, or a feature with fewer than
 * `minObservations` observations on either side, gets no verdict (`insufficient`), which is not
 * drift. Pure and synchronous; the report is JSON.
 */
import { ClinoteError } from '../errors/error.js';
import { FEATURES, type FeatureKind, OTHER_BUCKET } from './features.js';
import type { Histogram, Profile, ProfileKey, ProfileWindow } from './profile.js';

export const DRIFT_METRICS = ['psi', 'jensen-shannon', 'wasserstein'] as const;
export type DriftMetric = (typeof DRIFT_METRICS)[number];

/** The threshold of each metric when the config gives none. */
export const DEFAULT_THRESHOLDS: Readonly<Record<DriftMetric, number>> = {
  psi: 0.2,
  'jensen-shannon': 0.1,
  wasserstein: 0.1,
};

export interface FeatureDriftConfig {
  readonly metric?: DriftMetric;
  readonly threshold?: number;
  readonly enabled?: boolean;
  readonly minObservations?: number;
  readonly minCategoryShare?: number;
}

export interface DriftConfig {
  /** No verdict when a window has fewer notes (default 200). */
  readonly minNotes?: number;
  /** No verdict on a feature with fewer observations on either side (default 100). */
  readonly minObservations?: number;
  /** The dataset drifts when at least this share of the features with a verdict drift (default 0.5). */
  readonly driftShare?: number;
  /** Smoothing of empty bins for PSI (default 1e-4; see psi()). */
  readonly epsilon?: number;
  /** Categorical values rarer than this share on both sides are pooled into `__other__` (default 0.01). */
  readonly minCategoryShare?: number;
  /** The metric (and threshold) of numeric features (default psi, 0.2). */
  readonly numeric?: { readonly metric?: DriftMetric; readonly threshold?: number };
  /** The metric (and threshold) of categorical features (default jensen-shannon, 0.1). */
  readonly categorical?: { readonly metric?: DriftMetric; readonly threshold?: number };
  /** Per feature, by name: overrides. */
  readonly features?: Readonly<Record<string, FeatureDriftConfig>>;
}

export const DRIFT_DEFAULTS = {
  minNotes: 200,
  minObservations: 100,
  driftShare: 0.5,
  epsilon: 1e-4,
  minCategoryShare: 0.01,
} as const;

export type FeatureStatus = 'drift' | 'ok' | 'insufficient' | 'disabled';

export interface FeatureDrift {
  readonly name: string;
  readonly kind: FeatureKind;
  readonly metric: DriftMetric;
  /** null when a side has no observation (or the feature is disabled). */
  readonly distance: number | null;
  readonly threshold: number;
  readonly drifted: boolean;
  readonly status: FeatureStatus;
  /** Observations: values (numeric) or counted items (categorical). */
  readonly referenceCount: number;
  readonly currentCount: number;
}

export interface DatasetDrift {
  readonly status: 'drift' | 'no-drift' | 'insufficient';
  /** Features that drifted, and features with a verdict. */
  readonly drifted: number;
  readonly evaluated: number;
  /** drifted / evaluated (0 when none was evaluated). */
  readonly share: number;
  readonly driftShare: number;
  /** Why there is no verdict. */
  readonly reason?: string;
}

export interface WindowSummary {
  readonly count: number;
  readonly errors: number;
  readonly window: ProfileWindow | null;
  readonly key?: ProfileKey;
}

export interface DriftReport {
  readonly format: 1;
  readonly reference: WindowSummary;
  readonly current: WindowSummary;
  readonly features: readonly FeatureDrift[];
  readonly dataset: DatasetDrift;
}

// ---------------------------------------------------------------------------------------------
// metrics

function total(counts: readonly number[]): number {
  let s = 0;
  for (const c of counts) s += c;
  return s;
}

/**
 * Population stability index of two count vectors over the same bins:
 * PSI = sum_i (q_i - p_i) ln(q_i / p_i), with p (reference) and q (current) the bin shares
 * smoothed as p_i = (n_i / N + eps) / (1 + k eps), so an empty bin is finite and the shares still
 * sum to 1. 0 for identical shares.
 */
export function psi(reference: readonly number[], current: readonly number[], epsilon: number): number {
  const k = reference.length;
  const R = total(reference);
  const C = total(current);
  if (R === 0 || C === 0) return Number.NaN;
  let s = 0;
  for (let i = 0; i < k; i++) {
    const p = (reference[i]! / R + epsilon) / (1 + k * epsilon);
    const q = (current[i]! / C + epsilon) / (1 + k * epsilon);
    s += (q - p) * Math.log(q / p);
  }
  return s;
}

/**
 * Jensen-Shannon distance, base 2: sqrt(JSD) with JSD = 1/2 KL(p || m) + 1/2 KL(q || m),
 * m = (p + q) / 2, logs base 2 (0 log 0 = 0, so no smoothing). In [0, 1]: 0 for identical
 * distributions, 1 for disjoint ones.
 */
export function jensenShannon(reference: readonly number[], current: readonly number[]): number {
  const R = total(reference);
  const C = total(current);
  if (R === 0 || C === 0) return Number.NaN;
  let d = 0;
  for (let i = 0; i < reference.length; i++) {
    const p = reference[i]! / R;
    const q = current[i]! / C;
    const m = (p + q) / 2;
    if (p > 0) d += 0.5 * p * Math.log2(p / m);
    if (q > 0) d += 0.5 * q * Math.log2(q / m);
  }
  return Math.sqrt(Math.min(1, Math.max(0, d)));
}

/**
 * The value that stands for each bin of `edges` (length edges.length + 1): the midpoint of a
 * bounded bin; the edge itself for the two open-ended bins.
 */
export function binPoints(edges: readonly number[]): number[] {
  const k = edges.length;
  const out: number[] = [edges[0]!];
  for (let i = 1; i < k; i++) out.push((edges[i - 1]! + edges[i]!) / 2);
  out.push(edges[k - 1]!);
  return out;
}

/**
 * Normalized 1-Wasserstein distance of two binned distributions: each bin's mass sits at its
 * point x_i (binPoints), W1 = sum_i |F_ref(i) - F_cur(i)| (x_(i+1) - x_i) with F the cumulative
 * shares, divided by the binned standard deviation of the reference (at least the smallest gap
 * between two points, so a reference in one bin still gives a finite distance).
 */
export function wasserstein(
  edges: readonly number[],
  reference: readonly number[],
  current: readonly number[],
): number {
  const R = total(reference);
  const C = total(current);
  if (R === 0 || C === 0) return Number.NaN;
  const x = binPoints(edges);
  let fr = 0;
  let fc = 0;
  let w = 0;
  let mean = 0;
  for (let i = 0; i < x.length; i++) mean += (reference[i]! / R) * x[i]!;
  let variance = 0;
  for (let i = 0; i < x.length; i++) variance += (reference[i]! / R) * (x[i]! - mean) ** 2;
  let gap = Number.POSITIVE_INFINITY;
  for (let i = 0; i + 1 < x.length; i++) {
    fr += reference[i]! / R;
    fc += current[i]! / C;
    const dx = x[i + 1]! - x[i]!;
    w += Math.abs(fr - fc) * dx;
    if (dx > 0 && dx < gap) gap = dx;
  }
  return w / Math.max(Math.sqrt(variance), gap);
}

// ---------------------------------------------------------------------------------------------
// config

function badConfig(field: string, why: string, file?: string): ClinoteError {
  return new ClinoteError(
    'CLINOTE_E_MONITOR_BAD_INPUT',
    `the drift config${file ? ` '${file}'` : ''} is invalid: ${field} ${why}`,
    { ...(file === undefined ? {} : { file }), field },
  );
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Check a drift config read from JSON (CLINOTE_E_MONITOR_BAD_INPUT naming the field otherwise). */
export function parseDriftConfig(value: unknown, file?: string): DriftConfig {
  if (!isObject(value)) throw badConfig('(root)', 'is not an object', file);
  const known = [
    'minNotes',
    'minObservations',
    'driftShare',
    'epsilon',
    'minCategoryShare',
    'numeric',
    'categorical',
    'features',
  ];
  for (const k of Object.keys(value))
    if (!known.includes(k) && k !== '$schema') throw badConfig(k, 'is not a known field', file);
  const count = (field: string, v: unknown): void => {
    if (v !== undefined && !(typeof v === 'number' && Number.isInteger(v) && v >= 0))
      throw badConfig(field, 'is not a whole number >= 0', file);
  };
  const positive = (field: string, v: unknown, max?: number): void => {
    if (v !== undefined && !(typeof v === 'number' && v > 0 && (max === undefined || v <= max)))
      throw badConfig(field, `is not a number > 0${max === undefined ? '' : ` and <= ${max}`}`, file);
  };
  const metric = (field: string, v: unknown): void => {
    if (v !== undefined && !(DRIFT_METRICS as readonly unknown[]).includes(v))
      throw badConfig(field, `is not one of ${DRIFT_METRICS.join(', ')}`, file);
  };
  count('minNotes', value.minNotes);
  count('minObservations', value.minObservations);
  positive('driftShare', value.driftShare, 1);
  positive('epsilon', value.epsilon, 0.1);
  const share = (field: string, v: unknown): void => {
    if (v !== undefined && !(typeof v === 'number' && v >= 0 && v < 1))
      throw badConfig(field, 'is not a share in [0, 1)', file);
  };
  share('minCategoryShare', value.minCategoryShare);
  for (const kind of ['numeric', 'categorical'] as const) {
    const d = value[kind];
    if (d === undefined) continue;
    if (!isObject(d)) throw badConfig(kind, 'is not an object', file);
    metric(`${kind}.metric`, d.metric);
    positive(`${kind}.threshold`, d.threshold);
    if (kind === 'categorical' && d.metric === 'wasserstein')
      throw badConfig('categorical.metric', 'cannot be wasserstein (categories have no order)', file);
  }
  if (value.features !== undefined) {
    if (!isObject(value.features)) throw badConfig('features', 'is not an object', file);
    for (const [name, f] of Object.entries(value.features)) {
      const field = `features.${name}`;
      if (!isObject(f)) throw badConfig(field, 'is not an object', file);
      metric(`${field}.metric`, f.metric);
      positive(`${field}.threshold`, f.threshold);
      count(`${field}.minObservations`, f.minObservations);
      share(`${field}.minCategoryShare`, f.minCategoryShare);
      if (f.enabled !== undefined && typeof f.enabled !== 'boolean')
        throw badConfig(`${field}.enabled`, 'is not true or false', file);
    }
  }
  return value as DriftConfig;
}

// ---------------------------------------------------------------------------------------------
// comparison

const ORDER = new Map<string, number>();
FEATURES.forEach((f, i) => {
  if (!ORDER.has(f.name)) ORDER.set(f.name, i);
});
const orderOf = (name: string): number => {
  const exact = ORDER.get(name);
  if (exact !== undefined) return exact;
  const dot = name.lastIndexOf('.');
  return (dot > 0 ? ORDER.get(name.slice(0, dot)) : undefined) ?? FEATURES.length;
};

function distanceOf(
  metric: DriftMetric,
  reference: readonly number[],
  current: readonly number[],
  epsilon: number,
  edges: readonly number[] | null,
): number {
  switch (metric) {
    case 'psi':
      return psi(reference, current, epsilon);
    case 'jensen-shannon':
      return jensenShannon(reference, current);
    case 'wasserstein':
      return edges ? wasserstein(edges, reference, current) : Number.NaN;
  }
}

/**
 * The counts of two categorical distributions over the same categories: the values with a share of
 * at least `minShare` on either side, in value order, then `__other__` pooling the rarer ones (and
 * the values the profiles' caps already pooled). Pooling rare values keeps the sampling noise of a
 * long tail (codes) out of the distance; a value that becomes frequent on one side still counts.
 */
export function alignCategories(
  a: Readonly<Record<string, number>>,
  b: Readonly<Record<string, number>>,
  minShare: number,
): [number[], number[]] {
  const A = total(Object.values(a));
  const B = total(Object.values(b));
  const frequent = (k: string): boolean =>
    k !== OTHER_BUCKET && ((A > 0 && (a[k] ?? 0) / A >= minShare) || (B > 0 && (b[k] ?? 0) / B >= minShare));
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter(frequent).sort();
  const ra = keys.map((k) => a[k] ?? 0);
  const rb = keys.map((k) => b[k] ?? 0);
  const restA = A - total(ra);
  const restB = B - total(rb);
  if (restA > 0 || restB > 0) {
    ra.push(restA);
    rb.push(restB);
  }
  return [ra, rb];
}

const summary = (p: Profile): WindowSummary => ({
  count: p.count,
  errors: p.errors,
  window: p.window,
  ...(p.key ? { key: p.key } : {}),
});

/** Compare a current profile with a reference profile. */
export function compareProfiles(reference: Profile, current: Profile, config: DriftConfig = {}): DriftReport {
  const minNotes = config.minNotes ?? DRIFT_DEFAULTS.minNotes;
  const minObs = config.minObservations ?? DRIFT_DEFAULTS.minObservations;
  const driftShare = config.driftShare ?? DRIFT_DEFAULTS.driftShare;
  const epsilon = config.epsilon ?? DRIFT_DEFAULTS.epsilon;
  const minShare = config.minCategoryShare ?? DRIFT_DEFAULTS.minCategoryShare;
  const windowTooSmall = reference.count < minNotes || current.count < minNotes;

  const names: { name: string; kind: FeatureKind }[] = [];
  for (const name of new Set([...Object.keys(reference.numeric), ...Object.keys(current.numeric)]))
    names.push({ name, kind: 'numeric' });
  for (const name of new Set([...Object.keys(reference.categorical), ...Object.keys(current.categorical)]))
    names.push({ name, kind: 'categorical' });
  names.sort((x, y) => orderOf(x.name) - orderOf(y.name) || (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));

  const features: FeatureDrift[] = [];
  for (const { name, kind } of names) {
    const own = config.features?.[name] ?? {};
    const byKind = config[kind] ?? {};
    const fallback: DriftMetric = kind === 'numeric' ? 'psi' : 'jensen-shannon';
    let metric: DriftMetric = own.metric ?? byKind.metric ?? fallback;
    if (kind === 'categorical' && metric === 'wasserstein') metric = fallback;
    const threshold =
      own.threshold ??
      (own.metric === undefined ? byKind.threshold : undefined) ??
      DEFAULT_THRESHOLDS[metric];
    let ref: number[];
    let cur: number[];
    let edges: readonly number[] | null = null;
    if (kind === 'numeric') {
      const r = reference.numeric[name];
      const c = current.numeric[name];
      const h = (r ?? c) as Histogram;
      edges = h.edges;
      ref = r ? [...r.counts] : new Array(h.counts.length).fill(0);
      cur = c ? [...c.counts] : new Array(h.counts.length).fill(0);
      if (r && c && (r.edges.length !== c.edges.length || r.edges.some((e, i) => e !== c.edges[i])))
        throw new ClinoteError(
          'CLINOTE_E_MONITOR_PROFILE_INVALID',
          `the profiles have different bins for '${name}': make both with the same Clinote version`,
          { field: `numeric.${name}` },
        );
    } else {
      [ref, cur] = alignCategories(
        reference.categorical[name] ?? {},
        current.categorical[name] ?? {},
        own.minCategoryShare ?? minShare,
      );
    }
    const referenceCount = total(ref);
    const currentCount = total(cur);
    const base = { name, kind, metric, threshold, referenceCount, currentCount };
    if (own.enabled === false) {
      features.push({ ...base, distance: null, drifted: false, status: 'disabled' });
      continue;
    }
    const d = distanceOf(metric, ref, cur, epsilon, edges);
    const distance = Number.isFinite(d) ? d : null;
    const enough =
      !windowTooSmall &&
      distance !== null &&
      Math.min(referenceCount, currentCount) >= (own.minObservations ?? minObs);
    const drifted = enough && distance >= threshold;
    features.push({
      ...base,
      distance,
      drifted,
      status: !enough ? 'insufficient' : drifted ? 'drift' : 'ok',
    });
  }

  const evaluated = features.filter((f) => f.status === 'drift' || f.status === 'ok').length;
  const drifted = features.filter((f) => f.drifted).length;
  const share = evaluated === 0 ? 0 : drifted / evaluated;
  let dataset: DatasetDrift;
  if (windowTooSmall)
    dataset = {
      status: 'insufficient',
      drifted,
      evaluated,
      share,
      driftShare,
      reason: `a window has fewer than ${minNotes} notes (reference ${reference.count}, current ${current.count})`,
    };
  else if (evaluated === 0)
    dataset = {
      status: 'insufficient',
      drifted,
      evaluated,
      share,
      driftShare,
      reason: `no feature has ${minObs} observations on both sides`,
    };
  else
    dataset = { status: share >= driftShare ? 'drift' : 'no-drift', drifted, evaluated, share, driftShare };
  return { format: 1, reference: summary(reference), current: summary(current), features, dataset };
}

// ---------------------------------------------------------------------------------------------
// text

const fmt = (x: number | null): string =>
  x === null ? '-' : x < 0.0005 && x > 0 ? x.toExponential(1) : x.toFixed(3);

function describeWindow(label: string, w: WindowSummary): string {
  const key = w.key ? ` ${w.key.deployment || '-'}/${w.key.version || '-'}/${w.key.tenant || '-'}` : '';
  const span = w.window ? ` ${w.window.start} .. ${w.window.end}` : '';
  return `${label}: ${w.count} notes (${w.errors} errors)${key}${span}`;
}

/** The report as a table, for people. */
export function renderDriftReport(report: DriftReport): string {
  const d = report.dataset;
  const head =
    d.status === 'insufficient'
      ? `drift: INSUFFICIENT DATA (${d.reason ?? ''})`
      : `drift: ${d.status === 'drift' ? 'DRIFT' : 'no drift'}: ${d.drifted} of ${d.evaluated} features drifted (${(d.share * 100).toFixed(0)}%, alarm at ${(d.driftShare * 100).toFixed(0)}%)`;
  const width = Math.max(7, ...report.features.map((f) => f.name.length));
  const lines = [
    head,
    describeWindow('reference', report.reference),
    describeWindow('current  ', report.current),
    '',
    `${'feature'.padEnd(width)}  ${'metric'.padEnd(14)} ${'distance'.padStart(9)} ${'thresh'.padStart(7)} ${'ref n'.padStart(8)} ${'cur n'.padStart(8)}  status`,
  ];
  for (const f of report.features) {
    lines.push(
      `${f.name.padEnd(width)}  ${f.metric.padEnd(14)} ${fmt(f.distance).padStart(9)} ${fmt(f.threshold).padStart(7)} ${String(f.referenceCount).padStart(8)} ${String(f.currentCount).padStart(8)}  ${f.status === 'drift' ? 'DRIFT' : f.status}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
