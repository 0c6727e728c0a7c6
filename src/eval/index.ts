/**
 * The evaluation harness: `clinote eval <task> [--preset P] [--data PATH] [--json] [--errors]`.
 *
 * A task is an EvalTask in its own file under ./tasks/; adding one is a file plus one line in
 * EVAL_TASKS. The CLI calls `runEval(task, options)` and prints `JSON.stringify(report)` (`--json`) or
 * `renderReport(report, { errors })`.
 */
import { existsSync } from 'node:fs';
import { ClinoteError } from '../errors/error.js';
import { assertionsTask } from './tasks/assertions.js';
import { attributesTask } from './tasks/attributes.js';
import { bioscopeTask } from './tasks/bioscope.js';
import { codingTask } from './tasks/coding.js';
import { negexTask } from './tasks/negex.js';
import { nerTask } from './tasks/ner.js';
import { sentencesTask } from './tasks/sentences.js';
import type { EvalOptions, EvalReport, EvalTask } from './types.js';

export * from '../corpora/brat.js';
export * from '../corpora/negex.js';
export * from '../corpora/pubtator.js';
export type { GoldDoc, GoldSpan } from './gold.js';
export { bratToGold } from './gold.js';
export type { LabeledSpan, Matching, ScoredDoc, SpanResult } from './metrics.js';
export {
  dedupeSpans,
  matchLenient,
  matchStrict,
  prf,
  SpanScorer,
  scoreSpans,
  spanContext,
} from './metrics.js';
export type { NerFormat, NerLabel, NerPreset } from './presets.js';
export { NER_PRESETS, presetMaps } from './presets.js';
export { renderReport } from './render.js';
export type * from './types.js';

/** Registered tasks, by name. One line per task. */
export const EVAL_TASKS: Record<string, EvalTask> = {
  ner: nerTask,
  sentences: sentencesTask,
  negex: negexTask,
  assertions: assertionsTask,
  bioscope: bioscopeTask,
  attributes: attributesTask,
  coding: codingTask,
};

/**
 * The `--json` form of a report: task-specific scores (e.g. `negation`, `historical`) are lifted to
 * the top level next to `strict`, `lenient` and `byType`.
 */
export function reportJson(report: EvalReport): Record<string, unknown> {
  const { scores, ...rest } = report;
  return { ...rest, ...(scores ?? {}) };
}

/** Names of the registered tasks, sorted. */
export function evalTaskNames(tasks: Readonly<Record<string, EvalTask>> = EVAL_TASKS): string[] {
  return Object.keys(tasks).sort();
}

/**
 * Run a task. Throws CLINOTE_E_EVAL_UNKNOWN_TASK (listing the tasks) for an unknown name and
 * CLINOTE_E_EVAL_DATA_MISSING when `options.data` is given and does not exist; tasks throw
 * CLINOTE_E_EVAL_UNKNOWN_PRESET for a bad preset. `tasks` replaces the registry (tests).
 */
export async function runEval(
  task: string,
  options: EvalOptions,
  tasks: Readonly<Record<string, EvalTask>> = EVAL_TASKS,
): Promise<EvalReport> {
  const t = Object.hasOwn(tasks, task) ? tasks[task] : undefined;
  if (!t) {
    const names = evalTaskNames(tasks);
    throw new ClinoteError(
      'CLINOTE_E_EVAL_UNKNOWN_TASK',
      `unknown eval task '${task}' (tasks: ${names.join(', ')})`,
      { task, tasks: names },
    );
  }
  if (options.data && !existsSync(options.data)) {
    throw new ClinoteError('CLINOTE_E_EVAL_DATA_MISSING', `eval data not found: ${options.data}`, {
      path: options.data,
    });
  }
  return t.run(options);
}
