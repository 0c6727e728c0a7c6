/**
 * Online comparison, pure: routing (canary share, sticky by a hashed routing key; shadow sample) and
 * the agreement of a candidate's result with the champion's on the same note: span-level agreement
 * (exact start, end and type) by concept type, assertion agreement (status and temporality of the
 * spans both found) and code agreement (same first code), plus windowed aggregates of these with
 * latency and error counts (what /metrics and `clinote experiments report` show).
 *
 * Only counts leave this module: never a span's text, a code or an assertion value.
 */
import { createHash } from 'node:crypto';
import { prf } from '../eval/metrics.js';

/** Where a key falls in [0, 1): the first 32 bits of SHA-256(`salt` NUL `key`). */
export function bucketOf(salt: string, key: string): number {
  const h = createHash('sha256').update(salt).update('\0').update(key).digest();
  return h.readUInt32BE(0) / 4294967296;
}

/** Whether a routing key goes to the canary: sticky (same key, same answer) for a given deployment and share. */
export function routesToCanary(deployment: string, key: string, share: number): boolean {
  return share > 0 && bucketOf(`canary:${deployment}`, key) < share;
}

/** Whether a request is mirrored to the shadow (a sample of requests, by request key). */
export function sampledForShadow(deployment: string, key: string, sample: number): boolean {
  return sample >= 1 || (sample > 0 && bucketOf(`shadow:${deployment}`, key) < sample);
}

/** Per type: [agree, champion only, candidate only]. */
export type AgreementCounts = Record<string, [number, number, number]>;

export interface Agreement {
  readonly spans: AgreementCounts;
  /** [same assertion, spans both found]. */
  readonly assertions: [number, number];
  /** [same first code, spans both found with a code]. */
  readonly codes: [number, number];
}

interface ConceptLike {
  readonly start: number;
  readonly end: number;
  readonly type: string;
  readonly codes?: readonly { readonly system?: string; readonly code?: string }[];
  readonly assertion?: { readonly status?: unknown; readonly temporality?: unknown };
}

function conceptsOf(result: unknown): ConceptLike[] {
  const c = (result as { concepts?: unknown } | null)?.concepts;
  return Array.isArray(c) ? (c as ConceptLike[]) : [];
}

/** Agreement of the candidate's result with the champion's, on one note. */
export function agreementOf(champion: unknown, candidate: unknown): Agreement {
  const a = conceptsOf(champion);
  const b = conceptsOf(candidate);
  const spans: AgreementCounts = {};
  const key = (c: ConceptLike) => `${c.start}:${c.end}:${c.type}`;
  const byKey = new Map<string, ConceptLike[]>();
  for (const c of b) {
    const list = byKey.get(key(c));
    if (list) list.push(c);
    else byKey.set(key(c), [c]);
  }
  const assertions: [number, number] = [0, 0];
  const codes: [number, number] = [0, 0];
  for (const c of a) {
    const t = (spans[c.type] ??= [0, 0, 0]);
    const match = byKey.get(key(c))?.shift();
    if (!match) {
      t[1]++;
      continue;
    }
    t[0]++;
    if (c.assertion !== undefined || match.assertion !== undefined) {
      assertions[1]++;
      if (
        c.assertion?.status === match.assertion?.status &&
        JSON.stringify(c.assertion?.temporality) === JSON.stringify(match.assertion?.temporality)
      )
        assertions[0]++;
    }
    const ca = c.codes?.[0];
    const cb = match.codes?.[0];
    if (ca !== undefined || cb !== undefined) {
      codes[1]++;
      if (ca?.system === cb?.system && ca?.code === cb?.code) codes[0]++;
    }
  }
  for (const rest of byKey.values())
    for (const c of rest) {
      const t = (spans[c.type] ??= [0, 0, 0]);
      t[2]++;
    }
  return { spans, assertions, codes };
}

/** One window of one variant of a deployment: sums of agreements, latencies and errors. */
export interface WindowStats {
  readonly start: string;
  compared: number;
  spans: AgreementCounts;
  assertions: [number, number];
  codes: [number, number];
  championErrors: number;
  candidateErrors: number;
  championMs: number[];
  candidateMs: number[];
}

export function emptyWindow(start: string): WindowStats {
  return {
    start,
    compared: 0,
    spans: {},
    assertions: [0, 0],
    codes: [0, 0],
    championErrors: 0,
    candidateErrors: 0,
    championMs: [],
    candidateMs: [],
  };
}

export interface Observation {
  readonly agreement: Agreement | null;
  readonly championMs: number | null;
  readonly candidateMs: number | null;
  readonly championError: boolean;
  readonly candidateError: boolean;
}

export function addObservation(w: WindowStats, o: Observation): void {
  w.compared++;
  if (o.agreement) {
    for (const [type, [x, y, z]] of Object.entries(o.agreement.spans)) {
      const t = (w.spans[type] ??= [0, 0, 0]);
      t[0] += x;
      t[1] += y;
      t[2] += z;
    }
    w.assertions[0] += o.agreement.assertions[0];
    w.assertions[1] += o.agreement.assertions[1];
    w.codes[0] += o.agreement.codes[0];
    w.codes[1] += o.agreement.codes[1];
  }
  if (o.championError) w.championErrors++;
  if (o.candidateError) w.candidateErrors++;
  if (o.championMs !== null) w.championMs.push(o.championMs);
  if (o.candidateMs !== null) w.candidateMs.push(o.candidateMs);
}

function quantile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}

const round = (x: number | null, d = 4): number | null =>
  x === null ? null : Math.round(x * 10 ** d) / 10 ** d;

export interface WindowSummary {
  readonly start: string;
  readonly compared: number;
  /** Span agreement F1 with the champion, over all types and by type (the champion as reference). */
  readonly agreementF1: number | null;
  readonly byType: Record<string, { f1: number; agree: number; championOnly: number; candidateOnly: number }>;
  readonly assertionAgreement: number | null;
  readonly codeAgreement: number | null;
  readonly latency: {
    readonly championP50: number | null;
    readonly championP99: number | null;
    readonly candidateP50: number | null;
    readonly candidateP99: number | null;
    /** Candidate p50 minus champion p50, ms. */
    readonly p50Diff: number | null;
  };
  readonly errors: { readonly champion: number; readonly candidate: number; readonly rateDiff: number };
}

export function summarize(w: WindowStats): WindowSummary {
  let agree = 0;
  let only1 = 0;
  let only2 = 0;
  const byType: WindowSummary['byType'] = {};
  for (const [type, [x, y, z]] of Object.entries(w.spans).sort(([p], [q]) => (p < q ? -1 : 1))) {
    agree += x;
    only1 += y;
    only2 += z;
    byType[type] = { f1: round(prf(x, z, y).f1)!, agree: x, championOnly: y, candidateOnly: z };
  }
  const anySpans = agree + only1 + only2 > 0;
  const c50 = quantile(w.championMs, 0.5);
  const d50 = quantile(w.candidateMs, 0.5);
  return {
    start: w.start,
    compared: w.compared,
    agreementF1: anySpans ? round(prf(agree, only2, only1).f1) : w.compared > 0 ? 1 : null,
    byType,
    assertionAgreement: w.assertions[1] > 0 ? round(w.assertions[0] / w.assertions[1]) : null,
    codeAgreement: w.codes[1] > 0 ? round(w.codes[0] / w.codes[1]) : null,
    latency: {
      championP50: round(c50, 3),
      championP99: round(quantile(w.championMs, 0.99), 3),
      candidateP50: round(d50, 3),
      candidateP99: round(quantile(w.candidateMs, 0.99), 3),
      p50Diff: c50 !== null && d50 !== null ? round(d50 - c50, 3) : null,
    },
    errors: {
      champion: w.championErrors,
      candidate: w.candidateErrors,
      rateDiff: w.compared > 0 ? round((w.candidateErrors - w.championErrors) / w.compared)! : 0,
    },
  };
}

/** The start (ISO) of the window of `at` for windows of `ms`. */
export function windowStart(at: number, ms: number): string {
  return new Date(Math.floor(at / ms) * ms).toISOString();
}
