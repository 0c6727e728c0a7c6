/**
 * Counts of a batch run (`runBatch`): what the summary of the output holds (`OutputSummary`, counts
 * only, never timings), plus the bytes read for progress and whether the run was interrupted.
 */
import type { OutputSummary } from '../output/format-types.js';

const sorted = (m: Map<string, number>): Record<string, number> =>
  Object.fromEntries([...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

export class BatchStats {
  ok = 0;
  errors = 0;
  flagged = 0;
  skippedFiles = 0;
  unreadable = 0;
  /** Bytes of input read (for progress and MB/s). */
  bytes = 0;
  /** The run stopped early on its signal (Ctrl-C): the output holds the notes read until then. */
  interrupted = false;
  readonly errorsByCode = new Map<string, number>();
  readonly flagsByCode = new Map<string, number>();

  /** Records written: results and error records. */
  get notes(): number {
    return this.ok + this.errors;
  }

  /** A result; `flags`: the codes (or the flags) of its input flags. */
  addResult(flags: readonly (string | { readonly code: string })[]): void {
    this.ok++;
    if (flags.length > 0) this.flagged++;
    for (const f of flags) {
      const code = typeof f === 'string' ? f : f.code;
      this.flagsByCode.set(code, (this.flagsByCode.get(code) ?? 0) + 1);
    }
  }

  /** An error record; `unreadable`: an input that could not be read at all. */
  addError(code: string, unreadable = false): void {
    this.errors++;
    if (unreadable) this.unreadable++;
    this.errorsByCode.set(code, (this.errorsByCode.get(code) ?? 0) + 1);
  }

  summary(): OutputSummary {
    return {
      notes: this.notes,
      ok: this.ok,
      errors: this.errors,
      errorsByCode: sorted(this.errorsByCode),
      flagged: this.flagged,
      flagsByCode: sorted(this.flagsByCode),
      skippedFiles: this.skippedFiles,
      unreadable: this.unreadable,
    };
  }
}
