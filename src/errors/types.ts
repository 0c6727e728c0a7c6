export interface ErrorSpec {
  /** Stable code, CLINOTE_E_<AREA>_<WHAT> or CLINOTE_W_<AREA>_<WHAT>. */
  readonly code: string;
  /** 'error': the unit of work (a note, a file, a command) failed. 'warning': flagged, processing went on. */
  readonly severity: 'error' | 'warning';
  /** What it means, for docs/errors.md. */
  readonly meaning: string;
  /** What the user can do about it. */
  readonly remedy: string;
  /** CLI exit code when this error ends a command (default 1). */
  readonly exitCode?: number;
}
