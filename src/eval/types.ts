/** Contracts of the evaluation harness (`clinote eval <task>`). */
import type { DevSplit } from '../corpora/brat.js';

export interface PRF {
  precision: number;
  recall: number;
  f1: number;
  tp: number;
  fp: number;
  fn: number;
}

export interface SpanScores {
  strict: PRF;
  lenient: PRF;
}

/** One miss, for `--errors`. Never printed by default (it may hold corpus text). */
export interface EvalErrorItem {
  readonly kind: 'fp' | 'fn' | 'boundary' | 'type' | string;
  readonly doc: string;
  readonly type?: string;
  readonly start?: number;
  readonly end?: number;
  readonly text?: string;
  readonly context?: string;
  readonly detail?: string;
}

/**
 * The result of a task. Span tasks fill strict/lenient/byType (the `--json` contract of the issue:
 * `{ strict: {precision, recall, f1, tp, fp, fn}, lenient: {...}, byType: { TYPE: {strict, lenient} } }`);
 * other tasks (negex, assertions, ...) put their own keys in `scores`.
 */
export interface EvalReport {
  task: string;
  data: string;
  preset?: string;
  /** `ner --model`: the model directory scored. */
  model?: string;
  strict?: PRF;
  lenient?: PRF;
  byType?: Record<string, SpanScores>;
  macro?: SpanScores;
  /** Task-specific scores (e.g. negation, historical...). */
  scores?: Record<string, unknown>;
  counts: Record<string, number>;
  /** Throughput and timing figures. */
  timing?: { seconds: number; itemsPerSecond?: number; unit?: string };
  errors?: EvalErrorItem[];
}

export interface EvalOptions {
  /** Path to the data (a file or a directory). */
  readonly data: string;
  readonly preset?: string;
  /** Terminology pack path (issue: terminology packs). */
  readonly pack?: string;
  /** Pipeline config path. */
  readonly pipeline?: string;
  /** `ner`: a model directory, scored alone (segmentation + the `ner` component; `pack` goes to it). */
  readonly model?: string;
  /** `ner --model`: how the model's mentions merge with the dictionary (`model-only` ... or `all`). */
  readonly merge?: string;
  /** `ner --model` with a transformer model: also score its ensemble with the linear model and the dictionary. */
  readonly ensemble?: boolean;
  /** Collect the misses. */
  readonly errors?: boolean;
  /** Stop after N documents (quick runs). */
  readonly limit?: number;
  /** brat presets: only the `tune` or only the `score` part of the set (src/corpora/brat.ts devSplit). */
  readonly split?: DevSplit;
}

export interface EvalTask {
  readonly name: string;
  readonly description: string;
  run(options: EvalOptions): Promise<EvalReport>;
}
