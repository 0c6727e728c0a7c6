/** The Prometheus text format of the server's `/metrics`, read for the monitoring page (pure). */

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export function parseMetrics(text: string): Sample[] {
  const out: Sample[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = LINE.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(LABEL)) {
      labels[l[1] as string] = (l[2] as string).replace(/\\n/g, '\n').replace(/\\(.)/g, '$1');
    }
    const v = m[3] as string;
    const value =
      v === '+Inf' ? Number.POSITIVE_INFINITY : v === '-Inf' ? Number.NEGATIVE_INFINITY : Number(v);
    out.push({ name: m[1] as string, labels, value });
  }
  return out;
}

type Filter = (labels: Readonly<Record<string, string>>) => boolean;

/** The sum of the samples of one metric that pass `filter`. */
export function sum(samples: readonly Sample[], name: string, filter: Filter = () => true): number {
  let s = 0;
  for (const x of samples) if (x.name === name && filter(x.labels)) s += x.value;
  return s;
}

/** Cumulative bucket counts of a histogram (summed over series that pass `filter`), by upper bound. */
export function buckets(
  samples: readonly Sample[],
  histogram: string,
  filter: Filter = () => true,
): Map<number, number> {
  const out = new Map<number, number>();
  for (const x of samples) {
    if (x.name !== `${histogram}_bucket` || !filter(x.labels)) continue;
    const le = x.labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(x.labels.le);
    out.set(le, (out.get(le) ?? 0) + x.value);
  }
  return out;
}

/** Bucket counts of `now` minus those of `before` (the observations between two scrapes). */
export function bucketDelta(
  now: Map<number, number>,
  before: Map<number, number> | undefined,
): Map<number, number> {
  if (!before) return now;
  const out = new Map<number, number>();
  for (const [le, n] of now) out.set(le, Math.max(0, n - (before.get(le) ?? 0)));
  return out;
}

/**
 * The q-quantile of cumulative buckets, interpolated linearly inside its bucket (as PromQL's
 * histogram_quantile); undefined without observations. The +Inf bucket answers its lower bound.
 */
export function quantile(q: number, cumulative: Map<number, number>): number | undefined {
  const les = [...cumulative.keys()].sort((a, b) => a - b);
  const total = cumulative.get(Number.POSITIVE_INFINITY) ?? cumulative.get(les[les.length - 1] ?? 0) ?? 0;
  if (total <= 0) return undefined;
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const le of les) {
    const count = cumulative.get(le) ?? 0;
    if (count >= rank) {
      if (le === Number.POSITIVE_INFINITY) return prevLe;
      const inBucket = count - prevCount;
      return inBucket <= 0 ? le : prevLe + ((le - prevLe) * (rank - prevCount)) / inBucket;
    }
    prevLe = le;
    prevCount = count;
  }
  return prevLe;
}
