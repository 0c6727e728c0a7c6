import type { ErrorSpec } from '../types.js';

/** Errors of the evaluation harness (`clinote eval <task>`, src/eval/). */
export const EVAL_ERRORS = [
  {
    code: 'CLINOTE_E_EVAL_UNKNOWN_TASK',
    httpStatus: 400,
    severity: 'error',
    meaning:
      '`clinote eval` was given a task name that is not registered. The message lists the valid tasks.',
    remedy: 'Use one of the listed tasks (e.g. `ner`, `sentences`); see docs/eval.md.',
  },
  {
    code: 'CLINOTE_E_EVAL_UNKNOWN_PRESET',
    httpStatus: 400,
    severity: 'error',
    meaning:
      'The task needs a preset (`--preset`) and none was given, or the name is not one of its presets. The message lists the valid presets.',
    remedy:
      'Pass one of the listed presets, e.g. `clinote eval ner --preset ncbi-disease`; see docs/eval.md.',
  },
  {
    code: 'CLINOTE_E_EVAL_DATA_MISSING',
    httpStatus: 500,
    severity: 'error',
    meaning:
      'The evaluation data was not found: the `--data` path does not exist, or no `--data` was given and the default path under the shared data dir is absent.',
    remedy:
      'Pass `--data PATH`, or set CLINOTE_DATA_DIR to the folder holding the public corpora (default `../shared/data`).',
  },
  {
    code: 'CLINOTE_E_EVAL_DATA_MALFORMED',
    httpStatus: 500,
    severity: 'error',
    meaning:
      'The evaluation data could not be read in the expected format (no documents found, a missing column, an unreadable file). The message names the file.',
    remedy: 'Check that `--data` points at the format of the task or preset (see docs/eval.md, "Readers").',
  },
] as const satisfies readonly ErrorSpec[];
