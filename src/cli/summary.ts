/** The summary line of an `extract` run on stderr (counts and timings only, never text). */
import type { OutputSummary } from '../output/format-types.js';

/** The counts of a batch moved to src/batch/stats.ts. */
export { BatchStats } from '../batch/stats.js';

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
