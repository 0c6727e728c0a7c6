import type { ErrorSpec } from '../types.js';

export const CORE_ERRORS: readonly ErrorSpec[] = [
  {
    code: 'CLINOTE_E_INPUT_TOO_LARGE',
    severity: 'error',
    meaning:
      'A note is larger than the size limit (1 MB by default). The note is skipped; the batch goes on.',
    remedy:
      'Split the note, or raise the limit with `--max-bytes` or `limits.maxNoteBytes` in the pipeline config.',
  },
  {
    code: 'CLINOTE_E_INPUT_UNREADABLE',
    severity: 'error',
    meaning: 'An input file or directory could not be read (missing, permission denied, a broken link).',
    remedy: 'Check the path and its permissions. The other inputs were processed; the exit code is 2.',
    exitCode: 2,
  },
  {
    code: 'CLINOTE_E_INPUT_MALFORMED_JSON',
    severity: 'error',
    meaning: 'A line of an NDJSON input is not valid JSON, or is not an object.',
    remedy: 'Fix the line; its line number is given. The other lines were processed.',
  },
  {
    code: 'CLINOTE_E_INPUT_MISSING_FIELD',
    severity: 'error',
    meaning: 'An NDJSON or CSV record has no text field (see `--text-field`), or the field is not a string.',
    remedy: 'Name the right column with `--text-field` (default `text`).',
  },
  {
    code: 'CLINOTE_E_INPUT_MALFORMED_CSV',
    severity: 'error',
    meaning: 'A CSV input could not be parsed (an unterminated quote, or no header row).',
    remedy: 'Fix the CSV; the record number is given.',
  },
  {
    code: 'CLINOTE_E_INPUT_UNSUPPORTED',
    severity: 'error',
    meaning:
      'An input file has an extension that `extract` does not read (it reads .txt, .ndjson/.jsonl and .csv).',
    remedy:
      'Convert the file, or pass a directory: unsupported files in directories are skipped and counted.',
  },
  {
    code: 'CLINOTE_W_INPUT_INVALID_UTF8',
    severity: 'warning',
    meaning:
      'The input bytes were not valid UTF-8. Each invalid sequence was replaced by U+FFFD; offsets index the decoded text.',
    remedy: 'Re-encode the source as UTF-8 if the replaced characters matter.',
  },
  {
    code: 'CLINOTE_W_INPUT_BINARY',
    severity: 'warning',
    meaning:
      'The text holds NUL or other binary control characters. They are kept in `text` (offsets stay valid) and read as spaces.',
    remedy: 'Check that the input is really a text note and not a binary file.',
  },
  {
    code: 'CLINOTE_E_CONFIG_INVALID',
    severity: 'error',
    meaning:
      'The pipeline config does not match its schema (an unknown key, a wrong type, a missing value). The message names the key.',
    remedy: 'Fix the named key; see docs/pipeline.md for the schema.',
    exitCode: 3,
  },
  {
    code: 'CLINOTE_E_CONFIG_UNREADABLE',
    severity: 'error',
    meaning: 'The pipeline config file could not be read or is not valid JSON.',
    remedy: 'Check the path given to `--pipeline` and the JSON syntax.',
    exitCode: 3,
  },
  {
    code: 'CLINOTE_E_PIPELINE_UNKNOWN_COMPONENT',
    severity: 'error',
    meaning: 'The config names a component that is not in the registry.',
    remedy: 'Use one of the registered names (`clinote components` lists them).',
    exitCode: 3,
  },
  {
    code: 'CLINOTE_E_PIPELINE_MISSING_LAYER',
    severity: 'error',
    meaning: 'A component requires a layer that no component before it assigns.',
    remedy: 'Reorder the components or add the one that assigns the layer (the message names both).',
    exitCode: 3,
  },
  {
    code: 'CLINOTE_E_PIPELINE_COMPONENT_FAILED',
    severity: 'error',
    meaning:
      'A component threw while processing a note, or did not assign the layers it declares. The note gets this error; the batch goes on.',
    remedy:
      'This is a bug in the component named in the message: please report it with the note id (never the note text).',
  },
  {
    code: 'CLINOTE_E_RESOURCE_INVALID',
    severity: 'error',
    meaning:
      'A rule or lexicon file under resources/ does not match its schema (the message names the file and key).',
    remedy: 'Fix the resource file.',
    exitCode: 3,
  },
  {
    code: 'CLINOTE_E_RESOURCE_NOT_FOUND',
    severity: 'error',
    meaning: 'A resource file a component needs is missing.',
    remedy: 'Reinstall the package, or fix the path in the component options.',
    exitCode: 3,
  },
  {
    code: 'CLINOTE_E_CLI_USAGE',
    severity: 'error',
    meaning: 'The command line is wrong: an unknown option, a missing argument, a bad value.',
    remedy: 'See `clinote --help` or `clinote <command> --help`.',
    exitCode: 64,
  },
  {
    code: 'CLINOTE_E_OUTPUT_WRITE',
    severity: 'error',
    meaning: 'The output file could not be written.',
    remedy: 'Check the `--out` path and the free disk space.',
    exitCode: 4,
  },
  {
    code: 'CLINOTE_E_INTERNAL',
    severity: 'error',
    meaning: 'An unexpected error. No stack trace is printed unless CLINOTE_DEBUG=1.',
    remedy: 'Please report it with the command line and CLINOTE_DEBUG=1 output (remove any note text first).',
    exitCode: 70,
  },
];
