/** Counts of an `extract` run and the summary line on stderr (counts and timings only, never text). */
import type { Flag } from '../doc/types.js';
import type { OutputSummary } from '../output/writers.js';

const sorted = (m: Map<string, number>): Record<string, number> =>
  Object.fromEntries([...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

export class BatchStats {
  ok = 0;
  errors = 0;
  flagged = 0;
  skippedFiles = 0;
  unreadable = 0;
  /** Bytes of input read (for MB/s). */
  bytes = 0;
  readonly errorsByCode = new Map<string, number>();
  readonly flagsByCode = new Map<string, number>();

  get notes(): number {
    return this.ok + this.errors;
  }

  addResult(flags: readonly Flag[]): void {
    this.ok++;
    if (flags.length > 0) this.flagged++;
    for (const f of flags) this.flagsByCode.set(f.code, (this.flagsByCode.get(f.code) ?? 0) + 1);
  }

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

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

const byCode = (m: Readonly<Record<string, number>>): string => {
  const entries = Object.entries(m);
  return entries.length > 0 ? ` (${entries.map(([c, n]) => `${c} ${n}`).join(', ')})` : '';
};

/**
 * `12 notes, 10 ok, 2 errors (CODE n, ...), 1 flagged (CODE n), 3 files skipped, 1 unreadable, 0.42 s, 28.6 notes/s`
 * (`unreadable` only when there are some).
 */
export function formatSummary(s: OutputSummary, seconds: number): string {
  const rate = seconds > 0 ? s.notes / seconds : 0;
  const parts = [
    plural(s.notes, 'note'),
    `${s.ok} ok`,
    `${plural(s.errors, 'error')}${byCode(s.errorsByCode)}`,
    `${s.flagged} flagged${byCode(s.flagsByCode)}`,
    `${plural(s.skippedFiles, 'file')} skipped`,
  ];
  if (s.unreadable > 0) parts.push(`${s.unreadable} unreadable`);
  parts.push(`${seconds.toFixed(2)} s`, `${rate >= 100 ? Math.round(rate) : rate.toFixed(1)} notes/s`);
  return parts.join(', ');
}
