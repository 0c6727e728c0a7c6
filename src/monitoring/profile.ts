/**
 * Monitoring profiles: per-window summaries of the notes a deployment processed, made of fixed-bin
 * histograms (numeric features) and counts (categorical features). A profile is plain JSON (the
 * server stores it in its database), holds counts and codes only (no note text, no extracted
 * value), and merges exactly: `mergeProfiles` is associative and commutative, and merging the
 * profiles of two sets of notes gives the profile of their union (docs/monitoring.md; the one
 * exception, a capped feature with more distinct values than its cap, is documented there).
 *
 * Pure and synchronous: no I/O here. See ./observe.ts for what is observed of a result and
 * ./drift.ts for the comparison of two profiles.
 */
import { ClinoteError } from '../errors/error.js';
import { binIndex, capOf, edgesOf, featureSpec, OTHER_BUCKET } from './features.js';

export const PROFILE_FORMAT = 1;

/** Who made the notes of a profile. '' when unknown; '*' after merging profiles of different keys. */
export interface ProfileKey {
  readonly deployment: string;
  readonly version: string;
  readonly tenant: string;
}

/** A time window, ISO 8601 instants, [start, end]. */
export interface ProfileWindow {
  readonly start: string;
  readonly end: string;
}

/**
 * A histogram over fixed bins: `counts[i]` is the number of values in bin i of `edges` (bin 0 is
 * (-inf, e0), bin i is [e(i-1), e(i)), the last is [ek, +inf)), so `counts.length = edges.length + 1`.
 * `sum`, `min`, `max` give the mean and the range (min and max are null while `n` is 0).
 */
export interface Histogram {
  readonly edges: readonly number[];
  readonly counts: readonly number[];
  readonly n: number;
  readonly sum: number;
  readonly min: number | null;
  readonly max: number | null;
}

export interface Profile {
  readonly format: typeof PROFILE_FORMAT;
  readonly key?: ProfileKey;
  /** The window the notes fall in, or null when not known. */
  readonly window: ProfileWindow | null;
  /** Notes observed: results and error records. */
  readonly count: number;
  /** Error records among them. */
  readonly errors: number;
  /** Numeric features by name (docs/monitoring.md), each a fixed-bin histogram. */
  readonly numeric: Readonly<Record<string, Histogram>>;
  /** Categorical features by name: value -> count. Capped features keep `__other__`. */
  readonly categorical: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

/**
 * What one note contributes to a profile (./observe.ts makes it from a result). Numeric features
 * take one value per note (length) or several (one per concept: confidences).
 */
export interface NoteObservation {
  readonly numeric: Readonly<Record<string, readonly number[]>>;
  readonly categorical: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** True for an error record (no result). */
  readonly error: boolean;
  /** When the note was processed (ISO 8601): widens the builder's window. */
  readonly at?: string;
}

function invalid(message: string, details: Record<string, unknown> = {}): ClinoteError {
  return new ClinoteError('CLINOTE_E_MONITOR_PROFILE_INVALID', message, details);
}

/** The profile of no note: the identity of `mergeProfiles`. */
export function emptyProfile(key?: ProfileKey, window: ProfileWindow | null = null): Profile {
  return {
    format: PROFILE_FORMAT,
    ...(key ? { key: { ...key } } : {}),
    window: window ? { ...window } : null,
    count: 0,
    errors: 0,
    numeric: {},
    categorical: {},
  };
}

/** Keep the `cap` most frequent values (ties: by value), the rest summed into `__other__`. */
export function capCounts(counts: Readonly<Record<string, number>>, cap: number): Record<string, number> {
  const entries = Object.entries(counts).filter(([k, n]) => k !== OTHER_BUCKET && n > 0);
  let other = counts[OTHER_BUCKET] ?? 0;
  entries.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const out: Record<string, number> = {};
  const kept = entries.length <= cap ? entries : entries.slice(0, cap);
  for (let i = kept.length; i < entries.length; i++) other += entries[i]![1];
  kept.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  for (const [k, n] of kept) out[k] = n;
  if (other > 0) out[OTHER_BUCKET] = other;
  return out;
}

function sameEdges(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** CLINOTE_E_MONITOR_PROFILE_INVALID unless two histograms of a feature have the same bins. */
function checkEdges(name: string, a: readonly number[], b: readonly number[]): void {
  if (!sameEdges(a, b))
    throw invalid(`the profiles have different bins for '${name}': make both with the same Clinote version`, {
      field: `numeric.${name}`,
    });
}

function mergeHistograms(name: string, a: Histogram, b: Histogram): Histogram {
  checkEdges(name, a.edges, b.edges);
  const min = a.min === null ? b.min : b.min === null ? a.min : Math.min(a.min, b.min);
  const max = a.max === null ? b.max : b.max === null ? a.max : Math.max(a.max, b.max);
  return {
    edges: [...a.edges],
    counts: a.counts.map((c, i) => c + b.counts[i]!),
    n: a.n + b.n,
    sum: a.sum + b.sum,
    min,
    max,
  };
}

/** Fieldwise: equal values stay, different ones become '*' (a semilattice: associative, commutative). */
function mergeKeys(a: ProfileKey | undefined, b: ProfileKey | undefined): ProfileKey | undefined {
  if (!a) return b;
  if (!b) return a;
  const f = (x: string, y: string): string => (x === y ? x : '*');
  return {
    deployment: f(a.deployment, b.deployment),
    version: f(a.version, b.version),
    tenant: f(a.tenant, b.tenant),
  };
}

const earlier = (x: string, y: string): string => (Date.parse(x) <= Date.parse(y) ? x : y);
const later = (x: string, y: string): string => (Date.parse(x) >= Date.parse(y) ? x : y);

function mergeWindows(a: ProfileWindow | null, b: ProfileWindow | null): ProfileWindow | null {
  if (!a) return b ? { ...b } : null;
  if (!b) return { ...a };
  return { start: earlier(a.start, b.start), end: later(a.end, b.end) };
}

function sortedRecord<T>(entries: Iterable<[string, T]>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [k, v] of [...entries].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0))) out[k] = v;
  return out;
}

/**
 * The profile of the notes of `a` and of `b`: counts add, windows and keys widen. Associative and
 * commutative (exactly, while a capped feature has no more distinct values than its cap; beyond
 * it the kept values are the most frequent of the merged counts and the total stays exact).
 * CLINOTE_E_MONITOR_PROFILE_INVALID when the two have different bins or formats.
 */
export function mergeProfiles(a: Profile, b: Profile): Profile {
  if (a.format !== PROFILE_FORMAT || b.format !== PROFILE_FORMAT)
    throw invalid(`unknown profile format (this Clinote reads format ${PROFILE_FORMAT})`, {
      field: 'format',
    });
  const numeric = new Map<string, Histogram>(Object.entries(a.numeric));
  for (const [name, h] of Object.entries(b.numeric)) {
    const prev = numeric.get(name);
    numeric.set(name, prev ? mergeHistograms(name, prev, h) : h);
  }
  const categorical = new Map<string, Readonly<Record<string, number>>>();
  const names = new Set([...Object.keys(a.categorical), ...Object.keys(b.categorical)]);
  for (const name of names) {
    const x = a.categorical[name] ?? {};
    const y = b.categorical[name] ?? {};
    const sum: Record<string, number> = { ...x };
    for (const [k, n] of Object.entries(y)) sum[k] = (sum[k] ?? 0) + n;
    categorical.set(name, capCounts(sum, capOf(name)));
  }
  const key = mergeKeys(a.key, b.key);
  return {
    format: PROFILE_FORMAT,
    ...(key ? { key } : {}),
    window: mergeWindows(a.window, b.window),
    count: a.count + b.count,
    errors: a.errors + b.errors,
    numeric: sortedRecord(numeric),
    categorical: sortedRecord(categorical),
  };
}

/** Merge any number of profiles (none: the empty profile). */
export function mergeAll(profiles: readonly Profile[]): Profile {
  return profiles.reduce((acc, p) => mergeProfiles(acc, p), emptyProfile());
}

interface MutableHistogram {
  edges: readonly number[];
  counts: number[];
  n: number;
  sum: number;
  min: number;
  max: number;
}

/** Distinct values a builder keeps of a capped feature before it prunes to 10 x the cap. */
const PRUNE_FACTOR = 50;

/**
 * Where a note's feature values go (./observe.ts `observeInto`): a ProfileBuilder directly (the
 * worker threads of the server), or a NoteObservation being made.
 */
export interface ObservationSink {
  /** One more note; an error record when `error`. */
  note(error: boolean): void;
  /** One value of a numeric feature. */
  value(name: string, v: number): void;
  /** `n` (default 1) more of this value of a categorical feature. */
  tally(name: string, value: string, n?: number): void;
}

interface Counter {
  readonly cap: number;
  readonly counts: Map<string, number>;
}

/**
 * Builds a profile value by value: a map lookup and a binary search per value, no intermediate
 * objects. Categorical counts are exact until `toProfile` caps them (a feature with more than 50 x
 * its cap distinct values is pruned to the 10 x cap most frequent on the way, to bound memory).
 */
export class ProfileBuilder implements ObservationSink {
  readonly #key: ProfileKey | undefined;
  #window: ProfileWindow | null;
  #count = 0;
  #errors = 0;
  readonly #numeric = new Map<string, MutableHistogram>();
  readonly #categorical = new Map<string, Counter>();

  constructor(options: { readonly key?: ProfileKey; readonly window?: ProfileWindow | null } = {}) {
    this.#key = options.key ? { ...options.key } : undefined;
    this.#window = options.window ? { ...options.window } : null;
  }

  /** Notes added so far. */
  get count(): number {
    return this.#count;
  }

  note(error: boolean): void {
    this.#count++;
    if (error) this.#errors++;
  }

  value(name: string, v: number): void {
    if (!Number.isFinite(v)) return;
    const h = this.#numeric.get(name) ?? this.#histogram(name);
    h.counts[binIndex(h.edges, v)]!++;
    h.n++;
    h.sum += v;
    if (v < h.min) h.min = v;
    if (v > h.max) h.max = v;
  }

  tally(name: string, value: string, n = 1): void {
    if (!(n > 0)) return;
    const c = this.#categorical.get(name) ?? this.#counter(name);
    const before = c.counts.get(value);
    c.counts.set(value, (before ?? 0) + n);
    if (before === undefined && c.counts.size > PRUNE_FACTOR * c.cap) {
      const pruned = capCounts(Object.fromEntries(c.counts), 10 * c.cap);
      c.counts.clear();
      for (const [k, m] of Object.entries(pruned)) c.counts.set(k, m);
    }
  }

  #histogram(name: string): MutableHistogram {
    const edges = edgesOf(name);
    if (!edges) throw invalid(`'${name}' is not a numeric feature of this Clinote`, { field: name });
    const h = {
      edges,
      counts: new Array(edges.length + 1).fill(0),
      n: 0,
      sum: 0,
      min: Infinity,
      max: -Infinity,
    };
    this.#numeric.set(name, h);
    return h;
  }

  #counter(name: string): Counter {
    if (featureSpec(name)?.kind !== 'categorical')
      throw invalid(`'${name}' is not a categorical feature of this Clinote`, { field: name });
    const c = { cap: capOf(name), counts: new Map<string, number>() };
    this.#categorical.set(name, c);
    return c;
  }

  add(observation: NoteObservation): void {
    this.note(observation.error);
    if (observation.at !== undefined && !Number.isNaN(Date.parse(observation.at)))
      this.#window = mergeWindows(this.#window, { start: observation.at, end: observation.at });
    for (const name in observation.numeric) {
      const values = observation.numeric[name]!;
      if (values.length === 0) continue;
      for (const v of values) this.value(name, v);
    }
    for (const name in observation.categorical) {
      const counts = observation.categorical[name]!;
      for (const k in counts) this.tally(name, k, counts[k]!);
    }
  }

  /**
   * Adds a whole profile (a worker thread's part of a window): counts add up, the window widens;
   * CLINOTE_E_MONITOR_PROFILE_INVALID when its bins differ.
   */
  addProfile(profile: Profile): void {
    this.#count += profile.count;
    this.#errors += profile.errors;
    this.#window = mergeWindows(this.#window, profile.window);
    for (const [name, h] of Object.entries(profile.numeric)) {
      if (h.n === 0) continue;
      const mine = this.#numeric.get(name) ?? this.#histogram(name);
      checkEdges(name, mine.edges, h.edges);
      for (let i = 0; i < h.counts.length; i++) mine.counts[i]! += h.counts[i]!;
      mine.n += h.n;
      mine.sum += h.sum;
      if (h.min !== null && h.min < mine.min) mine.min = h.min;
      if (h.max !== null && h.max > mine.max) mine.max = h.max;
    }
    for (const [name, counts] of Object.entries(profile.categorical))
      for (const [k, n] of Object.entries(counts)) this.tally(name, k, n);
  }

  /**
   * The profile so far. Categorical features are capped (`__other__`) unless `capped` is false: a
   * part that another builder adds up keeps every value.
   */
  toProfile(capped = true): Profile {
    const numeric: [string, Histogram][] = [];
    for (const [name, h] of this.#numeric) {
      if (h.n === 0) continue;
      numeric.push([
        name,
        { edges: [...h.edges], counts: [...h.counts], n: h.n, sum: h.sum, min: h.min, max: h.max },
      ]);
    }
    const categorical: [string, Record<string, number>][] = [];
    for (const [name, c] of this.#categorical) {
      if (c.counts.size === 0) continue;
      const all = Object.fromEntries(c.counts);
      categorical.push([name, capped ? capCounts(all, c.cap) : all]);
    }
    return {
      format: PROFILE_FORMAT,
      ...(this.#key ? { key: { ...this.#key } } : {}),
      window: this.#window ? { ...this.#window } : null,
      count: this.#count,
      errors: this.#errors,
      numeric: sortedRecord(numeric),
      categorical: sortedRecord(categorical),
    };
  }
}

/** The profile of a list of observations. */
export function profileOf(
  observations: Iterable<NoteObservation>,
  options: { readonly key?: ProfileKey; readonly window?: ProfileWindow | null } = {},
): Profile {
  const b = new ProfileBuilder(options);
  for (const o of observations) b.add(o);
  return b.toProfile();
}

// ---------------------------------------------------------------------------------------------
// reading a profile (a file, a database row)

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/**
 * Check that `value` (parsed JSON) is a profile this Clinote can merge and compare: the format,
 * the shape, and the bins of every histogram. CLINOTE_E_MONITOR_PROFILE_INVALID names the field
 * (and `file` when given) otherwise.
 */
export function parseProfile(value: unknown, file?: string): Profile {
  const where = file === undefined ? {} : { file };
  const bad = (field: string, why: string): ClinoteError =>
    invalid(`${file ? `'${file}' ` : ''}is not a Clinote profile: ${field} ${why}`, { ...where, field });
  if (!isObject(value)) throw bad('(root)', 'is not an object');
  if (value.format !== PROFILE_FORMAT) throw bad('format', `is not ${PROFILE_FORMAT}`);
  if (!isCount(value.count)) throw bad('count', 'is not a count');
  if (!isCount(value.errors) || value.errors > value.count) throw bad('errors', 'is not a count <= count');
  let key: ProfileKey | undefined;
  if (value.key !== undefined) {
    const k = value.key;
    if (!isObject(k) || ['deployment', 'version', 'tenant'].some((f) => typeof k[f] !== 'string'))
      throw bad('key', 'is not {deployment, version, tenant}');
    key = { deployment: k.deployment as string, version: k.version as string, tenant: k.tenant as string };
  }
  let window: ProfileWindow | null = null;
  if (value.window !== null) {
    const w = value.window;
    if (
      !isObject(w) ||
      typeof w.start !== 'string' ||
      typeof w.end !== 'string' ||
      Number.isNaN(Date.parse(w.start)) ||
      Number.isNaN(Date.parse(w.end))
    )
      throw bad('window', 'is not null or {start, end} (ISO 8601)');
    window = { start: w.start, end: w.end };
  }
  if (!isObject(value.numeric)) throw bad('numeric', 'is not an object');
  if (!isObject(value.categorical)) throw bad('categorical', 'is not an object');
  const numeric: Record<string, Histogram> = {};
  for (const [name, h] of Object.entries(value.numeric)) {
    const field = `numeric.${name}`;
    const edges = edgesOf(name);
    if (!edges) throw bad(field, 'is not a numeric feature of this Clinote');
    if (!isObject(h)) throw bad(field, 'is not a histogram');
    if (!Array.isArray(h.edges) || !sameEdges(h.edges as number[], edges))
      throw bad(`${field}.edges`, 'are not the bins of this Clinote');
    if (!Array.isArray(h.counts) || h.counts.length !== edges.length + 1 || !h.counts.every(isCount))
      throw bad(`${field}.counts`, 'are not one count per bin');
    const n = (h.counts as number[]).reduce((s, c) => s + c, 0);
    if (h.n !== n) throw bad(`${field}.n`, 'is not the sum of the counts');
    if (typeof h.sum !== 'number' || !Number.isFinite(h.sum)) throw bad(`${field}.sum`, 'is not a number');
    const bound = (v: unknown): v is number | null =>
      v === null || (typeof v === 'number' && Number.isFinite(v));
    if (!bound(h.min) || !bound(h.max) || (n > 0 && (h.min === null || h.max === null)))
      throw bad(`${field}.min`, 'min and max are not numbers');
    numeric[name] = {
      edges: [...edges],
      counts: [...(h.counts as number[])],
      n,
      sum: h.sum,
      min: h.min,
      max: h.max,
    };
  }
  const categorical: Record<string, Record<string, number>> = {};
  for (const [name, counts] of Object.entries(value.categorical)) {
    const field = `categorical.${name}`;
    if (featureSpec(name)?.kind !== 'categorical')
      throw bad(field, 'is not a categorical feature of this Clinote');
    if (!isObject(counts) || !Object.values(counts).every(isCount)) throw bad(field, 'is not value -> count');
    categorical[name] = { ...(counts as Record<string, number>) };
  }
  return {
    format: PROFILE_FORMAT,
    ...(key ? { key } : {}),
    window,
    count: value.count,
    errors: value.errors,
    numeric,
    categorical,
  };
}
