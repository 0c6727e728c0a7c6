/**
 * Offline evaluation suites: labelled sets of `clinote eval` scored per document, so that two
 * versions can be compared pair by pair (compare.ts). A suite is `ner:PRESET` (the `ner` presets of
 * `clinote eval`: ncbi-disease, bc5cdr, maccrobat, chia); `--limit N` keeps its first N documents.
 *
 * A report holds counts only: per document (its corpus id) and per type, true positives, false
 * positives and false negatives (strict: exact start, end and type). No corpus text.
 */
import { Doc } from '../doc/doc.js';
import { loadPipelineSync } from '../engine-sync.js';
import { ClinoteError, toClinoteError } from '../errors/error.js';
import { mapGold } from '../eval/gold.js';
import { matchLenient, matchStrict, prf } from '../eval/metrics.js';
import { NER_PRESETS, presetMaps } from '../eval/presets.js';
import { loadGold, resolveData } from '../eval/tasks/ner.js';
import type { PRF } from '../eval/types.js';
import type { Pipeline } from '../pipeline/pipeline.js';
import { sha256Hex } from './artifacts.js';

/** Per type: [tp, fp, fn]. */
export type TypeCounts = Record<string, [number, number, number]>;

export interface DocScore {
  readonly id: string;
  readonly strict: TypeCounts;
  readonly lenient: TypeCounts;
  /** The pipeline failed on the document (scored with no predictions). */
  readonly failed?: boolean;
}

export interface SuiteReport {
  readonly suite: string;
  readonly task: 'ner';
  readonly preset: string;
  readonly limit: number | null;
  readonly documents: number;
  /** SHA-256 of the document ids in order: two reports pair only when it is the same. */
  readonly docsHash: string;
  readonly strict: PRF;
  readonly lenient: PRF;
  readonly byType: Record<string, { strict: PRF; lenient: PRF }>;
  readonly failedDocuments: number;
  readonly seconds: number;
  readonly docs: readonly DocScore[];
}

export interface Suite {
  readonly name: string;
  readonly task: 'ner';
  readonly preset: string;
  readonly description: string;
}

/** The registered suites: one per `ner` preset. */
export function suites(): Suite[] {
  return Object.values(NER_PRESETS).map((p) => ({
    name: `ner:${p.name}`,
    task: 'ner' as const,
    preset: p.name,
    description: p.description,
  }));
}

/** The suite a name gives (`ner:ncbi-disease`, or the preset alone); CLINOTE_E_REGISTRY_UNKNOWN_SUITE. */
export function suiteOf(name: string): Suite {
  const all = suites();
  const s = all.find((x) => x.name === name || x.preset === name);
  if (!s)
    throw new ClinoteError(
      'CLINOTE_E_REGISTRY_UNKNOWN_SUITE',
      `unknown suite (suites: ${all.map((x) => x.name).join(', ')})`,
      { suites: all.map((x) => x.name) },
    );
  return s;
}

export function totals(docs: readonly DocScore[], mode: 'strict' | 'lenient' = 'strict'): TypeCounts {
  const out: TypeCounts = {};
  for (const d of docs)
    for (const [type, [tp, fp, fn]] of Object.entries(d[mode])) {
      const t = (out[type] ??= [0, 0, 0]);
      t[0] += tp;
      t[1] += fp;
      t[2] += fn;
    }
  return out;
}

export function micro(counts: TypeCounts): PRF {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const [a, b, c] of Object.values(counts)) {
    tp += a;
    fp += b;
    fn += c;
  }
  return prf(tp, fp, fn);
}

/**
 * Scores a pipeline config on a suite. Throws CLINOTE_E_EVAL_DATA_MISSING when the suite's data is
 * not at hand (../shared/data, or `data`).
 */
export function evaluateSuite(
  config: unknown,
  suiteName: string,
  options: {
    readonly limit?: number;
    readonly data?: string;
    /** The pipeline of `config`, when the caller has built it already. */
    readonly pipeline?: Pipeline;
  } = {},
): SuiteReport {
  const suite = suiteOf(suiteName);
  const preset = NER_PRESETS[suite.preset]!;
  const data = resolveData(preset, options.data);
  const gold = loadGold(preset, data, options.limit);
  const pipeline = options.pipeline ?? loadPipelineSync({ config });
  const maps = presetMaps(preset);
  const types = Object.keys(preset.labels);
  const docs: DocScore[] = [];
  let failed = 0;
  const started = performance.now();
  for (const g of gold.docs) {
    const spans = mapGold(g.spans, maps.gold, {});
    let pred: { start: number; end: number; type: string }[] = [];
    let bad = false;
    try {
      const doc = pipeline.runSync(new Doc(g.text, { id: g.id }));
      for (const c of doc.maybe('concepts') ?? []) {
        const label = maps.concepts.get(c.type);
        if (label !== undefined) pred.push({ start: c.start, end: c.end, type: label });
      }
    } catch (e) {
      toClinoteError(e);
      bad = true;
      failed++;
      pred = [];
    }
    const strict: TypeCounts = {};
    const lenient: TypeCounts = {};
    for (const type of types) {
      const gs = spans.filter((s) => s.type === type);
      const ps = pred.filter((s) => s.type === type);
      const m = matchStrict(gs, ps);
      strict[type] = [m.pairs.length, m.spurious.length, m.missed.length];
      const l = matchLenient(gs, ps);
      lenient[type] = [l.pairs.length, l.spurious.length, l.missed.length];
    }
    docs.push({ id: g.id, strict, lenient, ...(bad ? { failed: true } : {}) });
  }
  const seconds = (performance.now() - started) / 1000;
  const s = totals(docs, 'strict');
  const l = totals(docs, 'lenient');
  return {
    suite: suite.name,
    task: 'ner',
    preset: preset.name,
    limit: options.limit ?? null,
    documents: docs.length,
    docsHash: sha256Hex(docs.map((d) => d.id).join('\n')),
    strict: micro(s),
    lenient: micro(l),
    byType: Object.fromEntries(
      types.map((t) => [t, { strict: prf(...(s[t] ?? [0, 0, 0])), lenient: prf(...(l[t] ?? [0, 0, 0])) }]),
    ),
    failedDocuments: failed,
    seconds,
    docs,
  };
}
