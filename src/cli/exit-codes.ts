/**
 * The exit codes of the `clinote` command line. The error catalogue (src/errors/) knows nothing of
 * the CLI: this file maps the codes that end a command to their exit code (docs/cli.md, "Exit
 * codes"). A code not listed here exits with 1.
 *
 * Per-note errors do not end a command: a batch with failed notes exits 1 (2 when some input was
 * unreadable), whatever their codes; see src/cli/extract.ts.
 */
import type { ClinoteError, ErrorCode } from '../errors/index.js';

export const EXIT = {
  ok: 0,
  noteErrors: 1,
  unreadable: 2,
  config: 3,
  output: 4,
  usage: 64,
  internal: 70,
  interrupted: 130,
} as const;

/** The exit code of every catalogue code that is not 1, when the error ends a command. */
export const EXIT_CODES: Readonly<Partial<Record<ErrorCode, number>>> = {
  // 2: an input could not be read
  CLINOTE_E_INPUT_UNREADABLE: EXIT.unreadable,
  CLINOTE_E_TERMINOLOGY_SOURCE_UNREADABLE: EXIT.unreadable,
  CLINOTE_E_PACK_NOT_FOUND: EXIT.unreadable,
  CLINOTE_E_EVAL_DATA_MISSING: EXIT.unreadable,
  CLINOTE_E_EVAL_DATA_MALFORMED: EXIT.unreadable,
  CLINOTE_E_MODEL_TRAINING_DATA: EXIT.unreadable,
  CLINOTE_E_CODING_SOURCES_MISSING: EXIT.unreadable,
  CLINOTE_E_CODING_SOURCE_MALFORMED: EXIT.unreadable,
  CLINOTE_E_MONITOR_BAD_INPUT: EXIT.unreadable,
  CLINOTE_E_MONITOR_PROFILE_INVALID: EXIT.unreadable,
  // 3: the pipeline config, the registry or a resource is invalid: nothing was processed
  CLINOTE_E_CONFIG_INVALID: EXIT.config,
  CLINOTE_E_CONFIG_UNREADABLE: EXIT.config,
  CLINOTE_E_PIPELINE_UNKNOWN_COMPONENT: EXIT.config,
  CLINOTE_E_PIPELINE_MISSING_LAYER: EXIT.config,
  CLINOTE_E_PIPELINE_LAYER_ORDER: EXIT.config,
  CLINOTE_E_PIPELINE_VERSION_UNAVAILABLE: EXIT.config,
  CLINOTE_E_REGISTRY_DUPLICATE: EXIT.config,
  CLINOTE_E_RESOURCE_INVALID: EXIT.config,
  CLINOTE_E_RESOURCE_NOT_FOUND: EXIT.config,
  CLINOTE_E_CODING_RULES_INVALID: EXIT.config,
  CLINOTE_E_SERVER_CONFIG_INVALID: EXIT.config,
  CLINOTE_E_DB_NOT_MIGRATED: EXIT.config,
  CLINOTE_E_STORE_SCHEMA_TOO_NEW: EXIT.config,
  CLINOTE_E_MODEL_NOT_FOUND: EXIT.config,
  CLINOTE_E_MODEL_MANIFEST_INVALID: EXIT.config,
  CLINOTE_E_MODEL_HASH_MISMATCH: EXIT.config,
  CLINOTE_E_MODEL_TASK_MISMATCH: EXIT.config,
  CLINOTE_E_SERVER_LISTEN_FAILED: EXIT.config,
  CLINOTE_E_REGISTRY_ARTIFACT_INVALID: EXIT.config,
  CLINOTE_E_REGISTRY_URI_UNRESOLVED: EXIT.config,
  CLINOTE_E_REGISTRY_POLICY_INVALID: EXIT.config,
  CLINOTE_E_REGISTRY_DEPLOYMENT_INVALID: EXIT.config,
  CLINOTE_E_REGISTRY_NOT_FOUND: EXIT.config,
  CLINOTE_E_UI_NOT_BUILT: EXIT.config,
  CLINOTE_E_RETRAIN_CONFIG_INVALID: EXIT.config,
  // a pack that cannot be loaded is a resource of the pipeline: nothing was processed (not exit 1,
  // which promises an error record per failure)
  CLINOTE_E_PACK_CORRUPT: EXIT.config,
  CLINOTE_E_PACK_VERSION_UNSUPPORTED: EXIT.config,
  // 4: the output could not be written
  CLINOTE_E_OUTPUT_WRITE: EXIT.output,
  // 64: usage
  CLINOTE_E_CLI_USAGE: EXIT.usage,
  CLINOTE_E_EVAL_UNKNOWN_TASK: EXIT.usage,
  CLINOTE_E_EVAL_UNKNOWN_PRESET: EXIT.usage,
  CLINOTE_E_RESUME_FORMAT: EXIT.usage,
  CLINOTE_E_RESUME_NO_OUTPUT: EXIT.usage,
  CLINOTE_E_RESUME_STDIN: EXIT.usage,
  CLINOTE_E_DB_URL_MISSING: EXIT.usage,
  CLINOTE_E_STORE_BAD_URL: EXIT.usage,
  CLINOTE_E_MODEL_UNKNOWN_TASK: EXIT.usage,
  CLINOTE_E_MODEL_TRAIN_OPTION: EXIT.usage,
  CLINOTE_E_REGISTRY_BAD_URI: EXIT.usage,
  CLINOTE_E_REGISTRY_BAD_INPUT: EXIT.usage,
  CLINOTE_E_REGISTRY_UNKNOWN_SUITE: EXIT.usage,
  // 1: CLINOTE_E_REGISTRY_GATE_FAILED, _NO_POLICY, _NOT_EVALUATED (the command ran; the answer is no)
  // 70: a bug
  CLINOTE_E_INTERNAL: EXIT.internal,
  // 130: interrupted (Ctrl-C)
  CLINOTE_E_PIPELINE_ABORTED: EXIT.interrupted,
};

/** The exit code when `error` ends a command: its entry in EXIT_CODES, else 1. */
export function exitCodeOf(error: ClinoteError): number {
  return EXIT_CODES[error.code] ?? EXIT.noteErrors;
}
