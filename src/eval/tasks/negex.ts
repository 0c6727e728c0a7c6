/**
 * Task `negex`: the ConText engine on the NegEx test kit (Chapman et al.): for each condition and
 * sentence, the engine runs on the sentence alone with the condition as its target, and its
 * categories are scored on the kit's three axes.
 *
 *   clinote eval negex [--data FILE] [--limit N] [--json] [--errors]
 *
 * Default data: `negex/rsAnnotations-1-120-random.txt` under the shared data dir.
 *
 * Scores (`report.scores`), each `{ precision, recall, f1, accuracy, tp, fp, fn, tn }`:
 * - `negation`: positive class Negated (predicted: status `absent`, i.e. the category NEGATED). The
 *   kit's `Possible` gold values (none in the main file) count as not negated, and so does a
 *   POSSIBLE prediction;
 * - `historical`: gold temporality Historical vs `assertion.temporality === 'historical'` (ConText's
 *   onset axis: HISTORICAL cues, durations, chronic modifiers and the chronic lexicon; see
 *   docs/assertions.md, "Temporality");
 * - `hypothetical`: gold temporality `Not particular` / Hypothetical vs `assertion.temporality ===
 *   'hypothetical'` (the category HYPOTHETICAL);
 * - `experiencer`: gold `Other` / `Family member` vs the category FAMILY.
 *
 * The condition is found in the sentence by the reader (upper-cased occurrence first, then any case).
 * A row whose condition is not found is scored with the default prediction (affirmed, recent,
 * patient) and counted in `counts.conditionNotFound`.
 *
 * Timing: tokenizing and ConText on every pair, one thread, tokenizing included (reading the file
 * and locating the condition are not). One warm-up pass over the file, then timed passes until at
 * least half a second has passed; `timing.itemsPerSecond` is pairs per second over the timed passes.
 *
 * `--errors` lists every miss on every axis with its sentence and the cue involved: for a false
 * positive the cue that fired (text and rule id), for a false negative `no cue` and the cues the
 * sentence holds.
 */

import {
  type Assertion,
  type ContextEngine,
  defaultContextEngine,
} from '../../components/assertions/index.js';
import {
  type NegexRow,
  normalizeExperiencer,
  normalizeNegation,
  normalizeTemporality,
  readNegexFile,
} from '../../corpora/negex.js';
import { ClinoteError } from '../../errors/error.js';
import { resolveEvalData } from '../resolve.js';
import type { EvalErrorItem, EvalOptions, EvalReport, EvalTask, PRF } from '../types.js';

export const NEGEX_DEFAULT_DATA: readonly string[] = ['negex', 'rsAnnotations-1-120-random.txt'];

export interface BinaryScore extends PRF {
  readonly accuracy: number;
  readonly tn: number;
}

export type NegexAxis = 'negation' | 'historical' | 'hypothetical' | 'experiencer';
export const NEGEX_AXES: readonly NegexAxis[] = ['negation', 'historical', 'hypothetical', 'experiencer'];

export interface NegexScores {
  readonly negation: BinaryScore;
  readonly historical: BinaryScore;
  readonly hypothetical: BinaryScore;
  readonly experiencer: BinaryScore;
}

export function binaryScore(tp: number, fp: number, fn: number, tn: number): BinaryScore {
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  const total = tp + fp + fn + tn;
  return { precision, recall, f1, accuracy: total === 0 ? 0 : (tp + tn) / total, tp, fp, fn, tn };
}

/** Gold value of an axis for a row (true: the positive class). */
export function goldOf(row: NegexRow, axis: NegexAxis): boolean {
  switch (axis) {
    case 'negation':
      return normalizeNegation(row.negation) === 'negated';
    case 'historical':
      return row.temporality !== undefined && normalizeTemporality(row.temporality) === 'historical';
    case 'hypothetical':
      return row.temporality !== undefined && normalizeTemporality(row.temporality) === 'hypothetical';
    case 'experiencer':
      return row.experiencer !== undefined && normalizeExperiencer(row.experiencer) === 'other';
  }
}

const AXIS_CATEGORY = {
  negation: 'NEGATED',
  historical: 'HISTORICAL',
  hypothetical: 'HYPOTHETICAL',
  experiencer: 'FAMILY',
} as const;

/** Predicted value of an axis from an assertion: the temporality axis for historical / hypothetical. */
export function predictedOf(assertion: Assertion, axis: NegexAxis): boolean {
  if (axis === 'historical' || axis === 'hypothetical') return assertion.temporality === axis;
  return assertion.categories.includes(AXIS_CATEGORY[axis]);
}

/** Whether the row has a gold value on the axis (the negation column always; the others when present). */
function hasAxis(row: NegexRow, axis: NegexAxis): boolean {
  if (axis === 'negation') return true;
  if (axis === 'experiencer') return row.experiencer !== undefined;
  return row.temporality !== undefined;
}

export interface NegexRun {
  readonly scores: NegexScores;
  readonly assertions: (Assertion | null)[];
  /** Seconds and passes of the timed runs. */
  readonly seconds: number;
  readonly passes: number;
  readonly pairsPerSecond: number;
  readonly errors?: EvalErrorItem[];
}

const MIN_TIMED_SECONDS = 0.5;
const MAX_PASSES = 50;

function runOnce(rows: readonly NegexRow[], engine: ContextEngine, out: (Assertion | null)[] | null): number {
  let sink = 0;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i] as NegexRow;
    const span = r.conditionSpan;
    if (!span) {
      if (out) out[i] = null;
      continue;
    }
    const a = engine.prepare(r.sentence).assert(span);
    sink += a.categories.length;
    if (out) out[i] = a;
  }
  return sink;
}

/** Run the engine on every row, score the four axes and time it. */
export function runNegex(
  rows: readonly NegexRow[],
  engine: ContextEngine = defaultContextEngine(),
  options: { errors?: boolean; timed?: boolean } = {},
): NegexRun {
  const assertions: (Assertion | null)[] = new Array(rows.length).fill(null);
  runOnce(rows, engine, assertions); // also the warm-up pass
  let seconds = 0;
  let passes = 0;
  if (options.timed !== false && rows.length > 0) {
    const started = performance.now();
    do {
      runOnce(rows, engine, null);
      passes++;
      seconds = (performance.now() - started) / 1000;
    } while (seconds < MIN_TIMED_SECONDS && passes < MAX_PASSES);
  }
  const counts = Object.fromEntries(NEGEX_AXES.map((a) => [a, { tp: 0, fp: 0, fn: 0, tn: 0 }])) as Record<
    NegexAxis,
    { tp: number; fp: number; fn: number; tn: number }
  >;
  const errors: EvalErrorItem[] | undefined = options.errors ? [] : undefined;
  rows.forEach((row, i) => {
    const a = assertions[i] ?? null;
    for (const axis of NEGEX_AXES) {
      if (!hasAxis(row, axis)) continue;
      const gold = goldOf(row, axis);
      const pred = a !== null && predictedOf(a, axis);
      const c = counts[axis];
      if (gold && pred) c.tp++;
      else if (!gold && !pred) c.tn++;
      else if (pred) c.fp++;
      else c.fn++;
      if (errors && gold !== pred) errors.push(errorItem(row, axis, pred ? 'fp' : 'fn', a, engine));
    }
  });
  const scores = Object.fromEntries(
    NEGEX_AXES.map((axis) => {
      const c = counts[axis];
      return [axis, binaryScore(c.tp, c.fp, c.fn, c.tn)];
    }),
  ) as unknown as NegexScores;
  const pairsPerSecond = seconds > 0 ? (rows.length * passes) / seconds : 0;
  return { scores, assertions, seconds, passes, pairsPerSecond, ...(errors ? { errors } : {}) };
}

function errorItem(
  row: NegexRow,
  axis: NegexAxis,
  kind: 'fp' | 'fn',
  a: Assertion | null,
  engine: ContextEngine,
): EvalErrorItem {
  const category = AXIS_CATEGORY[axis];
  let detail: string;
  if (row.conditionSpan === undefined) {
    detail = 'condition not found in the sentence';
  } else if (a !== null && (axis === 'historical' || axis === 'hypothetical')) {
    const ev = a.temporalityEvidence[0];
    detail = `temporality ${a.temporality}: ${ev ? `${ev.source}${ev.cue ? ` ${JSON.stringify(ev.cue.text)}` : ''} (${ev.rule})` : 'no evidence'}`;
  } else if (kind === 'fp') {
    const ev = a?.evidence.find((e) => e.category === category);
    detail = ev ? `cue ${JSON.stringify(ev.cue?.text ?? '')} (${ev.rule})` : 'no cue';
  } else {
    const cues = engine
      .prepare(row.sentence)
      .cues()
      .filter(
        (c) => c.categories.includes(category) || c.direction === 'pseudo' || c.direction === 'terminate',
      )
      .map((c) => `${JSON.stringify(c.cue.text)} (${c.rule})`);
    const other = a ? a.evidence.filter((e) => e.source === 'cue').map((e) => `${e.category} ${e.rule}`) : [];
    detail = `no cue${cues.length > 0 ? `; in the sentence: ${cues.join(', ')}` : ''}${other.length > 0 ? `; assertion: ${other.join(', ')}` : ''}`;
  }
  return {
    kind,
    doc: row.id,
    type: axis,
    ...(row.conditionSpan ? { start: row.conditionSpan.start, end: row.conditionSpan.end } : {}),
    text: row.condition,
    context: row.sentence.replace(/\s+/g, ' ').trim(),
    detail,
  };
}

/** `--data` or the default kit under the shared data dir. */
export function resolveNegexData(data: string | undefined): string {
  return resolveEvalData(data, NEGEX_DEFAULT_DATA);
}

export const negexTask: EvalTask = {
  name: 'negex',
  description:
    'ConText on the NegEx test kit: negation P/R/F1/accuracy, historical and hypothetical temporality, experiencer (--data FILE)',
  async run(options: EvalOptions): Promise<EvalReport> {
    const path = resolveNegexData(options.data);
    const file = readNegexFile(path);
    if (file.rows.length === 0) {
      throw new ClinoteError('CLINOTE_E_EVAL_DATA_MALFORMED', `no rows in NegEx file '${path}'`, { path });
    }
    const rows = options.limit !== undefined ? file.rows.slice(0, Math.max(0, options.limit)) : file.rows;
    const engine = defaultContextEngine();
    const run = runNegex(rows, engine, { errors: options.errors === true });
    const count = (axis: NegexAxis): number => rows.filter((r) => hasAxis(r, axis) && goldOf(r, axis)).length;
    const report: EvalReport = {
      task: 'negex',
      data: path,
      scores: {
        ...run.scores,
        rules: engine.rules.version,
        notes: [
          'negation: positive class Negated; gold Possible and predicted POSSIBLE count as not negated',
          "historical / hypothetical: the kit temporality (Not particular = hypothetical) vs assertion.temporality (ConText's onset axis: historical when begun more than 14 days before the visit)",
          'experiencer: gold Other or Family member vs the category FAMILY',
        ],
      },
      counts: {
        pairs: rows.length,
        conditionNotFound: rows.filter((r) => r.conditionSpan === undefined).length,
        readerProblems: file.problems.length,
        goldNegated: count('negation'),
        goldPossible: rows.filter((r) => normalizeNegation(r.negation) === 'possible').length,
        goldHistorical: count('historical'),
        goldHypothetical: count('hypothetical'),
        goldOther: count('experiencer'),
        timedPasses: run.passes,
      },
      timing: { seconds: run.seconds, itemsPerSecond: run.pairsPerSecond, unit: 'pairs' },
    };
    if (run.errors) report.errors = run.errors;
    return report;
  },
};
