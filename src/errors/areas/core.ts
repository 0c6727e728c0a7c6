import type { ErrorSpec } from '../types.js';

export const CORE_ERRORS = [
  {
    code: 'CLINOTE_E_INPUT_TOO_LARGE',
    httpStatus: 413,
    severity: 'error',
    meaning:
      'A note is larger than the size limit (1 MB by default). The note is skipped; the batch goes on.',
    remedy:
      'Split the note, or raise the limit with `--max-bytes` or `limits.maxNoteBytes` in the pipeline config.',
  },
  {
    code: 'CLINOTE_E_INPUT_UNREADABLE',
    httpStatus: 400,
    severity: 'error',
    meaning: 'An input file or directory could not be read (missing, permission denied, a broken link).',
    remedy: 'Check the path and its permissions. The other inputs were processed; the exit code is 2.',
  },
  {
    code: 'CLINOTE_E_INPUT_MALFORMED_JSON',
    httpStatus: 400,
    severity: 'error',
    meaning: 'A line of an NDJSON input is not valid JSON, or is not an object.',
    remedy: 'Fix the line; its line number is given. The other lines were processed.',
  },
  {
    code: 'CLINOTE_E_INPUT_MISSING_FIELD',
    httpStatus: 422,
    severity: 'error',
    meaning: 'An NDJSON or CSV record has no text field (see `--text-field`), or the field is not a string.',
    remedy: 'Name the right column with `--text-field` (default `text`).',
  },
  {
    code: 'CLINOTE_E_INPUT_MALFORMED_CSV',
    httpStatus: 400,
    severity: 'error',
    meaning: 'A CSV input could not be parsed (an unterminated quote, or no header row).',
    remedy: 'Fix the CSV; the record number is given.',
  },
  {
    code: 'CLINOTE_E_INPUT_UNSUPPORTED',
    httpStatus: 415,
    severity: 'error',
    meaning:
      'An input file has an extension that `extract` does not read (it reads .txt, .ndjson/.jsonl and .csv).',
    remedy:
      'Convert the file, or pass a directory: unsupported files in directories are skipped and counted.',
  },
  {
    code: 'CLINOTE_W_INPUT_INVALID_UTF8',
    httpStatus: 200,
    severity: 'warning',
    meaning:
      'The input bytes were not valid UTF-8. Each invalid sequence was replaced by U+FFFD; offsets index the decoded text.',
    remedy: 'Re-encode the source as UTF-8 if the replaced characters matter.',
  },
  {
    code: 'CLINOTE_W_INPUT_BINARY',
    httpStatus: 200,
    severity: 'warning',
    meaning:
      'The text holds NUL or other binary control characters. They are kept in `text` (offsets stay valid) and read as spaces.',
    remedy: 'Check that the input is really a text note and not a binary file.',
  },
  {
    code: 'CLINOTE_E_CONFIG_INVALID',
    httpStatus: 500,
    severity: 'error',
    meaning:
      'The pipeline config does not match its schema (an unknown key, a wrong type, a missing value). The message names the key.',
    remedy: 'Fix the named key; see docs/pipeline.md for the schema.',
  },
  {
    code: 'CLINOTE_E_CONFIG_UNREADABLE',
    httpStatus: 500,
    severity: 'error',
    meaning: 'The pipeline config file could not be read or is not valid JSON.',
    remedy: 'Check the path given to `--pipeline` and the JSON syntax.',
  },
  {
    code: 'CLINOTE_E_PIPELINE_UNKNOWN_COMPONENT',
    httpStatus: 500,
    severity: 'error',
    meaning: 'The config names a component that is not in the registry.',
    remedy: 'Use one of the registered names (`clinote components` lists them).',
  },
  {
    code: 'CLINOTE_E_PIPELINE_MISSING_LAYER',
    httpStatus: 500,
    severity: 'error',
    meaning: 'A component requires a layer that no component before it assigns.',
    remedy: 'Reorder the components or add the one that assigns the layer (the message names both).',
  },
  {
    code: 'CLINOTE_E_PIPELINE_COMPONENT_FAILED',
    httpStatus: 500,
    severity: 'error',
    meaning:
      'A component threw while processing a note, or did not assign the layers it declares. The note gets this error; the batch goes on.',
    remedy:
      'This is a bug in the component named in the message: please report it with the note id (never the note text).',
  },
  {
    code: 'CLINOTE_E_PIPELINE_LAYER_ORDER',
    httpStatus: 500,
    severity: 'error',
    meaning:
      'A component optionally reads a layer (or a layer attribute, such as `concepts.assertion`) that a component after it in the config assigns, so its output would depend on the order of the config. The message names both components and the layer.',
    remedy:
      'Move the component after the one that assigns the layer (or remove the later one); see docs/pipeline.md.',
  },
  {
    code: 'CLINOTE_E_PIPELINE_VERSION_UNAVAILABLE',
    httpStatus: 500,
    severity: 'error',
    meaning:
      'The pipeline config pins a component version (e.g. `"version": "^1"`) that no registered version of that component satisfies. The message lists the registered versions.',
    remedy:
      'Change the `version` range in the config to match one of the listed versions (`clinote components` lists them), or install the Clinote version that has it.',
  },
  {
    code: 'CLINOTE_E_PIPELINE_ASYNC_COMPONENT',
    httpStatus: 500,
    severity: 'error',
    meaning:
      'A synchronous call (`processSync`, `runSync` or `createPipelineSync`) was used on a pipeline that has an asynchronous component, for example a model run by ONNX Runtime.',
    remedy:
      'Use the Promise-based calls instead: `process` or `processMany` to run notes, `createPipelineSync` to build the pipeline.',
  },
  {
    code: 'CLINOTE_E_PIPELINE_DEADLINE',
    httpStatus: 504,
    severity: 'error',
    meaning:
      'A note (or a batch) ran past its deadline (`timeoutMs`): the runner stopped it between two components, or a component stopped when its abort signal fired. The note is reported as failed with this code; the batch goes on with the next notes.',
    remedy:
      'Raise `timeoutMs`, or split very long notes. If one component takes most of the time, report it with the note id (never the note text).',
  },
  {
    code: 'CLINOTE_E_PIPELINE_ABORTED',
    httpStatus: 503,
    severity: 'error',
    meaning:
      'The caller aborted the run (Ctrl-C, a closed HTTP connection, an aborted signal) before the note was done. The note has no result.',
    remedy: 'Nothing is wrong with the note: run it again if you still need its result.',
  },
  {
    code: 'CLINOTE_E_REGISTRY_DUPLICATE',
    httpStatus: 500,
    severity: 'error',
    meaning:
      'A component factory with the same name and version (`name@version`) was registered twice. The message names it.',
    remedy:
      'Register each `name@version` once: give a custom component its own name, or a new version number when it replaces a built-in one.',
  },
  {
    code: 'CLINOTE_E_DOC_INVALID',
    httpStatus: 400,
    severity: 'error',
    meaning:
      '`Doc.fromJSON` was given something that is not a serialized Doc: a wrong or missing format tag, no text, or a layer of the wrong shape. The message names the first problem found.',
    remedy:
      'Pass the output of `doc.toJSON()` unchanged (from this or an earlier Clinote version); do not build or edit serialized Docs by hand.',
  },
  {
    code: 'CLINOTE_E_BATCH_WORKER_FAILED',
    httpStatus: 500,
    severity: 'error',
    meaning:
      'A worker thread of a batch run died or could not start. The notes it held are reported as failed with this code (none is lost); the run goes on with the other workers, or stops when none is left.',
    remedy:
      'Run the failed notes again (their ids are in the error records). If it happens again, run with fewer workers and report it with CLINOTE_DEBUG=1 output (remove any note text first).',
  },
  {
    code: 'CLINOTE_E_RESOURCE_INVALID',
    httpStatus: 500,
    severity: 'error',
    meaning:
      'A rule or lexicon file under resources/ does not match its schema (the message names the file and key).',
    remedy: 'Fix the resource file.',
  },
  {
    code: 'CLINOTE_E_RESOURCE_NOT_FOUND',
    httpStatus: 500,
    severity: 'error',
    meaning: 'A resource file a component needs is missing.',
    remedy: 'Reinstall the package, or fix the path in the component options.',
  },
  {
    code: 'CLINOTE_E_CLI_USAGE',
    httpStatus: 400,
    severity: 'error',
    meaning: 'The command line is wrong: an unknown option, a missing argument, a bad value.',
    remedy: 'See `clinote --help` or `clinote <command> --help`.',
  },
  {
    code: 'CLINOTE_E_OUTPUT_WRITE',
    httpStatus: 500,
    severity: 'error',
    meaning: 'The output file could not be written.',
    remedy: 'Check the `--out` path and the free disk space.',
  },
  {
    code: 'CLINOTE_E_INTERNAL',
    httpStatus: 500,
    severity: 'error',
    meaning: 'An unexpected error. No stack trace is printed unless CLINOTE_DEBUG=1.',
    remedy: 'Please report it with the command line and CLINOTE_DEBUG=1 output (remove any note text first).',
  },
] as const satisfies readonly ErrorSpec[];
