/**
 * Span metrics for the evaluation harness.
 *
 * - strict: a prediction is a true positive when a gold span has the same start, end and type.
 * - lenient: a prediction is a true positive when it overlaps a gold span of the same type. Matching is
 *   one-to-one and greedy by overlap: candidate (gold, prediction) pairs are taken longest overlap first
 *   (ties: closest boundaries, then text order), and each gold and each prediction is used at most once.
 *   A prediction covering two gold spans therefore matches one; the other gold span is a miss.
 *
 * Spans are sets per document: duplicates (same start, end and type) are counted once and reported in
 * `counts`. Precision, recall and F1 are 0 when their denominator is 0. Micro scores sum tp/fp/fn over
 * types; macro scores average the per-type precision, recall and F1 over the types seen in gold or
 * predictions (their tp/fp/fn are the micro sums).
 */
import type { Span } from '../doc/types.js';
import type { EvalErrorItem, PRF, SpanScores } from './types.js';

export interface LabeledSpan {
  readonly start: number;
  readonly end: number;
  readonly type: string;
}

export interface ScoredDoc<G extends LabeledSpan = LabeledSpan, P extends LabeledSpan = LabeledSpan> {
  readonly id: string;
  /** The document text (for error items). */
  readonly text: string;
  readonly gold: readonly G[];
  readonly pred: readonly P[];
  /** Sentence spans (for the context of error items); the enclosing line is used when absent. */
  readonly sentences?: readonly Span[];
}

/** Precision, recall and F1 from counts; 0 where a denominator is 0. */
export function prf(tp: number, fp: number, fn: number): PRF {
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1, tp, fp, fn };
}

export interface Matching {
  /** [gold index, prediction index] pairs. */
  readonly pairs: readonly (readonly [number, number])[];
  /** Indexes of unmatched gold spans (false negatives). */
  readonly missed: readonly number[];
  /** Indexes of unmatched predictions (false positives). */
  readonly spurious: readonly number[];
}

function unmatched(n: number, used: Set<number>): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (!used.has(i)) out.push(i);
  return out;
}

/** Exact start, end and type; one-to-one. */
export function matchStrict(gold: readonly LabeledSpan[], pred: readonly LabeledSpan[]): Matching {
  const byKey = new Map<string, number[]>();
  gold.forEach((g, i) => {
    const k = `${g.start}:${g.end}:${g.type}`;
    const list = byKey.get(k);
    if (list) list.push(i);
    else byKey.set(k, [i]);
  });
  const pairs: [number, number][] = [];
  const usedG = new Set<number>();
  const usedP = new Set<number>();
  pred.forEach((p, j) => {
    const list = byKey.get(`${p.start}:${p.end}:${p.type}`);
    const i = list?.shift();
    if (i !== undefined) {
      pairs.push([i, j]);
      usedG.add(i);
      usedP.add(j);
    }
  });
  return { pairs, missed: unmatched(gold.length, usedG), spurious: unmatched(pred.length, usedP) };
}

/** First index of an array sorted by `key` whose key is >= x. */
function lowerBound<T>(sorted: readonly T[], x: number, key: (t: T) => number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (key(sorted[mid] as T) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function overlap(a: LabeledSpan, b: LabeledSpan): number {
  return Math.min(a.end, b.end) - Math.max(a.start, b.start);
}

/** Overlap (at least one character) and same type; one-to-one, greedy by overlap length. */
export function matchLenient(gold: readonly LabeledSpan[], pred: readonly LabeledSpan[]): Matching {
  const candidates: { i: number; j: number; ov: number; dist: number }[] = [];
  // Predictions sorted by start; for a gold span, scan from the first one that can reach it (no
  // prediction is longer than maxLen) to the first one starting after its end.
  const order = pred
    .map((_, j) => j)
    .sort((a, b) => (pred[a] as LabeledSpan).start - (pred[b] as LabeledSpan).start);
  const startOf = (j: number): number => (pred[j] as LabeledSpan).start;
  const maxLen = pred.reduce((m, p) => Math.max(m, p.end - p.start), 0);
  gold.forEach((g, i) => {
    for (let k = lowerBound(order, g.start - maxLen, startOf); k < order.length; k++) {
      const j = order[k] as number;
      const p = pred[j] as LabeledSpan;
      if (p.start >= g.end) break;
      if (p.type !== g.type) continue;
      const ov = overlap(g, p);
      if (ov > 0) {
        candidates.push({ i, j, ov, dist: Math.abs(g.start - p.start) + Math.abs(g.end - p.end) });
      }
    }
  });
  candidates.sort((a, b) => b.ov - a.ov || a.dist - b.dist || a.i - b.i || a.j - b.j);
  const usedG = new Set<number>();
  const usedP = new Set<number>();
  const pairs: [number, number][] = [];
  for (const c of candidates) {
    if (usedG.has(c.i) || usedP.has(c.j)) continue;
    usedG.add(c.i);
    usedP.add(c.j);
    pairs.push([c.i, c.j]);
  }
  pairs.sort((a, b) => a[0] - b[0]);
  return { pairs, missed: unmatched(gold.length, usedG), spurious: unmatched(pred.length, usedP) };
}

/** Keep the first of spans with the same start, end and type; returns the kept spans and the number dropped. */
export function dedupeSpans<T extends LabeledSpan>(spans: readonly T[]): { spans: T[]; dropped: number } {
  const seen = new Set<string>();
  const out: T[] = [];
  for (const s of spans) {
    const k = `${s.start}:${s.end}:${s.type}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(s);
  }
  return { spans: out, dropped: spans.length - out.length };
}

interface Counts {
  tp: number;
  fp: number;
  fn: number;
}

const zero = (): Counts => ({ tp: 0, fp: 0, fn: 0 });

export interface SpanResult {
  readonly strict: PRF;
  readonly lenient: PRF;
  readonly byType: Record<string, SpanScores>;
  readonly macro: SpanScores;
  readonly counts: {
    documents: number;
    gold: number;
    pred: number;
    goldDuplicates: number;
    predDuplicates: number;
  };
  /** Present when the scorer was built with `errors: true`. */
  readonly errors?: EvalErrorItem[];
}

const CONTEXT_CHARS = 80;

/** The sentence holding [start, end), else the line, clipped to 80 characters each side of the span. */
export function spanContext(text: string, start: number, end: number, sentences?: readonly Span[]): string {
  let from: number;
  let to: number;
  // Sentences are in text order: the last one starting at or before the span.
  const k = sentences ? lowerBound(sentences, start + 1, (s) => s.start) - 1 : -1;
  const candidate = k >= 0 ? sentences?.[k] : undefined;
  const sentence = candidate && candidate.start <= start && end <= candidate.end ? candidate : undefined;
  if (sentence) {
    from = sentence.start;
    to = sentence.end;
  } else {
    from = text.lastIndexOf('\n', Math.max(0, start - 1)) + 1;
    const nl = text.indexOf('\n', end);
    to = nl < 0 ? text.length : nl;
  }
  from = Math.max(from, start - CONTEXT_CHARS);
  to = Math.min(to, end + CONTEXT_CHARS);
  return text.slice(from, to).replace(/\s+/g, ' ').trim();
}

/**
 * Accumulates strict and lenient span scores over documents, per type, with optional error items.
 * Use one scorer per evaluation: `add` each document, then `result()`.
 */
export class SpanScorer {
  readonly #strict = new Map<string, Counts>();
  readonly #lenient = new Map<string, Counts>();
  readonly #errors: EvalErrorItem[] | null;
  readonly #counts = { documents: 0, gold: 0, pred: 0, goldDuplicates: 0, predDuplicates: 0 };

  constructor(options: { errors?: boolean; types?: readonly string[] } = {}) {
    this.#errors = options.errors ? [] : null;
    for (const t of options.types ?? []) this.#type(t);
  }

  #type(type: string): { strict: Counts; lenient: Counts } {
    let s = this.#strict.get(type);
    let l = this.#lenient.get(type);
    if (!s) this.#strict.set(type, (s = zero()));
    if (!l) this.#lenient.set(type, (l = zero()));
    return { strict: s, lenient: l };
  }

  /** Score one document; returns its strict and lenient matchings (indexes into the de-duplicated spans). */
  add<G extends LabeledSpan, P extends LabeledSpan>(
    doc: ScoredDoc<G, P>,
  ): { gold: G[]; pred: P[]; strict: Matching; lenient: Matching } {
    const g = dedupeSpans(doc.gold);
    const p = dedupeSpans(doc.pred);
    const gold = g.spans;
    const pred = p.spans;
    const c = this.#counts;
    c.documents++;
    c.gold += gold.length;
    c.pred += pred.length;
    c.goldDuplicates += g.dropped;
    c.predDuplicates += p.dropped;

    const strict = matchStrict(gold, pred);
    const lenient = matchLenient(gold, pred);
    for (const [i] of strict.pairs) this.#type((gold[i] as G).type).strict.tp++;
    for (const i of strict.missed) this.#type((gold[i] as G).type).strict.fn++;
    for (const j of strict.spurious) this.#type((pred[j] as P).type).strict.fp++;
    for (const [i] of lenient.pairs) this.#type((gold[i] as G).type).lenient.tp++;
    for (const i of lenient.missed) this.#type((gold[i] as G).type).lenient.fn++;
    for (const j of lenient.spurious) this.#type((pred[j] as P).type).lenient.fp++;

    if (this.#errors) this.#collectErrors(doc, gold, pred, strict, lenient);
    return { gold, pred, strict, lenient };
  }

  #collectErrors(
    doc: ScoredDoc,
    gold: readonly LabeledSpan[],
    pred: readonly LabeledSpan[],
    strict: Matching,
    lenient: Matching,
  ): void {
    const errors = this.#errors as EvalErrorItem[];
    const item = (kind: string, s: LabeledSpan, detail?: string): EvalErrorItem => ({
      kind,
      doc: doc.id,
      type: s.type,
      start: s.start,
      end: s.end,
      text: doc.text.slice(s.start, s.end),
      context: spanContext(doc.text, s.start, s.end, doc.sentences),
      ...(detail !== undefined ? { detail } : {}),
    });
    const describe = (s: LabeledSpan): string =>
      `${s.type} [${s.start},${s.end}) "${doc.text.slice(s.start, s.end).replace(/\s+/g, ' ')}"`;
    const spurious = new Set(strict.spurious);
    const lenientOf = new Map(lenient.pairs.map(([i, j]) => [i, j]));
    const explained = new Set<number>();
    for (const i of strict.missed) {
      const g = gold[i] as LabeledSpan;
      const j = lenientOf.get(i);
      if (j !== undefined && spurious.has(j)) {
        explained.add(j);
        errors.push(item('boundary', g, `predicted ${describe(pred[j] as LabeledSpan)}`));
        continue;
      }
      const k = pred.findIndex(
        (p, idx) => spurious.has(idx) && !explained.has(idx) && overlap(p, g) > 0 && p.type !== g.type,
      );
      if (k >= 0) {
        explained.add(k);
        errors.push(item('type', g, `predicted ${describe(pred[k] as LabeledSpan)}`));
        continue;
      }
      errors.push(item('fn', g));
    }
    for (const j of strict.spurious) if (!explained.has(j)) errors.push(item('fp', pred[j] as LabeledSpan));
  }

  result(): SpanResult {
    const types = [...new Set([...this.#strict.keys(), ...this.#lenient.keys()])].sort();
    const byType: Record<string, SpanScores> = {};
    const sum = { strict: zero(), lenient: zero() };
    for (const t of types) {
      const s = this.#strict.get(t) ?? zero();
      const l = this.#lenient.get(t) ?? zero();
      byType[t] = { strict: prf(s.tp, s.fp, s.fn), lenient: prf(l.tp, l.fp, l.fn) };
      for (const [acc, c] of [
        [sum.strict, s],
        [sum.lenient, l],
      ] as const) {
        acc.tp += c.tp;
        acc.fp += c.fp;
        acc.fn += c.fn;
      }
    }
    const strict = prf(sum.strict.tp, sum.strict.fp, sum.strict.fn);
    const lenient = prf(sum.lenient.tp, sum.lenient.fp, sum.lenient.fn);
    // Macro: the types that occur (in gold or predictions) count; types only declared do not.
    const seen = types.filter((t) => {
      const s = this.#strict.get(t) ?? zero();
      return s.tp + s.fp + s.fn > 0;
    });
    const macroOf = (key: 'strict' | 'lenient', total: PRF): PRF => {
      const n = seen.length;
      const mean = (f: (x: PRF) => number): number =>
        n === 0 ? 0 : seen.reduce((acc, t) => acc + f((byType[t] as SpanScores)[key]), 0) / n;
      return {
        precision: mean((x) => x.precision),
        recall: mean((x) => x.recall),
        f1: mean((x) => x.f1),
        tp: total.tp,
        fp: total.fp,
        fn: total.fn,
      };
    };
    return {
      strict,
      lenient,
      byType,
      macro: { strict: macroOf('strict', strict), lenient: macroOf('lenient', lenient) },
      counts: { ...this.#counts },
      ...(this.#errors ? { errors: [...this.#errors] } : {}),
    };
  }
}

/** Score a set of documents at once (see SpanScorer). */
export function scoreSpans(
  docs: Iterable<ScoredDoc>,
  options: { errors?: boolean; types?: readonly string[] } = {},
): SpanResult {
  const scorer = new SpanScorer(options);
  for (const d of docs) scorer.add(d);
  return scorer.result();
}
