import type { ErrorSpec } from '../types.js';

/** Errors of trained models: artifacts (src/models/), `clinote train`, the `ner` component. */
export const MODEL_ERRORS = [
  {
    code: 'CLINOTE_E_MODEL_NOT_FOUND',
    httpStatus: 500,
    severity: 'error',
    meaning: 'A model directory, or one of its files (`manifest.json`, `weights.bin`), cannot be read.',
    remedy:
      'Check the path given as `--model` or as the `model` option of the `ner` component; train one with `clinote train ner`.',
  },
  {
    code: 'CLINOTE_E_MODEL_MANIFEST_INVALID',
    httpStatus: 500,
    severity: 'error',
    meaning:
      "A model's `manifest.json` is not valid JSON or does not match the manifest schema (the message names the first keys at fault), or it was written by a newer format version.",
    remedy: 'Train the model again with this version of Clinote; do not edit manifests by hand.',
  },
  {
    code: 'CLINOTE_E_MODEL_HASH_MISMATCH',
    httpStatus: 500,
    severity: 'error',
    meaning:
      "A model's weights file does not have the SHA-256 or the size its manifest records: the file is damaged or was replaced.",
    remedy: 'Copy the model directory again, or train it again.',
  },
  {
    code: 'CLINOTE_E_MODEL_TASK_MISMATCH',
    httpStatus: 500,
    severity: 'error',
    meaning: 'A model was given to a component or a command of another task (a classifier to `ner`).',
    remedy: 'Give the component a model of its task (the manifest names it in `task`).',
  },
  {
    code: 'CLINOTE_E_MODEL_TRAINING_DATA',
    httpStatus: 400,
    severity: 'error',
    meaning:
      'The training or development data of `clinote train` is missing, empty, or has no entity of the labels to learn.',
    remedy:
      "Pass `--train`/`--dev` files in the preset's format, or put the shared data in `../shared/data` (or `$CLINOTE_DATA_DIR`).",
  },
  {
    code: 'CLINOTE_E_MODEL_UNKNOWN_TASK',
    httpStatus: 400,
    severity: 'error',
    meaning: '`clinote train` was given a task it cannot train. The message lists the tasks.',
    remedy:
      'Use one of the listed tasks (now: `ner`, `classify`; `classify` needs `--task specialty|section|assertion`).',
  },
  {
    code: 'CLINOTE_E_MODEL_TRAIN_OPTION',
    httpStatus: 400,
    severity: 'error',
    meaning:
      '`clinote train classify` was given an option its `--task` does not take (e.g. `--dev` for `specialty`, whose split is inside the corpus, or `--class-weights` for `assertion`). The message names the options.',
    remedy: 'Drop the named options; docs/classifiers.md lists the options of each task.',
  },
  {
    code: 'CLINOTE_E_MODEL_RUNTIME',
    httpStatus: 500,
    severity: 'error',
    meaning:
      'ONNX Runtime (`onnxruntime-node`) could not be loaded on this platform, could not load a model file, or failed on a batch. The message names the model file, never note text.',
    remedy:
      'Reinstall with `npm ci` (onnxruntime-node ships binaries for Linux, macOS and Windows on x64 and arm64); check that the model file was written by `clinote train` and is not damaged.',
  },
] as const satisfies readonly ErrorSpec[];
