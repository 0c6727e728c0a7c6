import type { ErrorSpec } from '../types.js';

/** Errors of monitoring, drift, feedback and retraining (src/monitoring/, `clinote monitor|retrain`, `POST /v1/feedback`). */
export const MONITOR_ERRORS = [
  {
    code: 'CLINOTE_E_MONITOR_BAD_INPUT',
    httpStatus: 422,
    severity: 'error',
    meaning:
      'An input of `clinote monitor` cannot be read: a line of the results file is not a JSON result, or the file is empty.',
    remedy:
      'Give the NDJSON written by `clinote extract --format ndjson` or a batch run (one result per line).',
  },
  {
    code: 'CLINOTE_E_MONITOR_PROFILE_INVALID',
    httpStatus: 422,
    severity: 'error',
    meaning:
      'A profile cannot be used: the file is not a Clinote profile, its format version is unknown, or two profiles to merge or compare were made with different bins.',
    remedy: 'Make both profiles with the same Clinote version (`clinote monitor profile`).',
  },
  {
    code: 'CLINOTE_E_FEEDBACK_INVALID',
    httpStatus: 422,
    severity: 'error',
    meaning:
      'A feedback record is invalid: an unknown kind, a span whose offsets are not a half-open range inside the note, a missing note id or version, or a correction without the value it corrects to.',
    remedy: 'Send the body described in docs/monitoring.md#feedback.',
  },
  {
    code: 'CLINOTE_E_RETRAIN_CONFIG_INVALID',
    httpStatus: 422,
    severity: 'error',
    meaning: 'The retraining config cannot be read or does not match its schema (docs/mlops.md).',
    remedy: 'Fix the named field of the config.',
  },
  {
    code: 'CLINOTE_E_RETRAIN_FAILED',
    httpStatus: 500,
    severity: 'error',
    meaning:
      'A retraining cycle stopped before it registered a challenger: training or evaluation failed. Nothing was registered or deployed.',
    remedy:
      'Read the cycle report (`clinote retrain` prints it, with the step that failed) and run the step alone.',
  },
  {
    code: 'CLINOTE_W_MONITOR_DRIFT',
    httpStatus: 200,
    severity: 'warning',
    meaning:
      'A log line of the server: a closed monitoring window differs from its reference on at least the configured share of its features (docs/monitoring.md). The line names the deployment, version, tenant, the drifted features and the share; it is also stored as an alert, counted in `clinote_drift_alerts_total` and sent to the webhook when one is set.',
    remedy:
      'Look at the features that drifted (`GET /v1/monitoring/alerts`, the monitoring page); when the model is affected, collect feedback and retrain (`clinote retrain`, docs/mlops.md).',
  },
] as const satisfies readonly ErrorSpec[];
