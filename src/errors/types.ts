export interface ErrorSpec<C extends string = string> {
  /** Stable code, CLINOTE_E_<AREA>_<WHAT> or CLINOTE_W_<AREA>_<WHAT>. */
  readonly code: C;
  /** 'error': the unit of work (a note, a file, a command) failed. 'warning': flagged, processing went on. */
  readonly severity: 'error' | 'warning';
  /** What it means, for docs/errors.md. */
  readonly meaning: string;
  /** What the user can do about it. */
  readonly remedy: string;
  /**
   * The HTTP status a REST server returns when this error ends a request: 4xx when the caller's
   * input is at fault, 5xx when the server is (its config, pipeline, resources, packs, a deadline).
   * Warnings never end a request: 200. CLI exit codes are not here: see src/cli/exit-codes.ts.
   */
  readonly httpStatus: number;
}
