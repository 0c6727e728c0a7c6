/**
 * The note date of an NDJSON/CSV record (`--date-field`): an ISO 8601 calendar date, optionally
 * with a time (`2024-03-05`, `2024-03-05T14:30:00Z`). Dates are the anchor of relative dates
 * ("yesterday", "3 days ago"), so a value that is not a real date is not passed on silently: the
 * note is processed without a note date and flagged `CLINOTE_W_INPUT_NOTE_DATE_INVALID` (the
 * message never quotes the value).
 */
import type { Flag } from '../doc/types.js';

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** True for a real calendar date (proleptic Gregorian; years 0000-9999 taken as written). */
export function isCalendarDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const t = new Date(0);
  t.setUTCFullYear(y, m, 0); // the last day of month m
  return d <= t.getUTCDate();
}

/** The note date to pass on, or the flag saying why there is none. Absent, null and '' are no date. */
export function checkNoteDate(value: unknown): { date?: string; flag?: Flag } {
  if (value === undefined || value === null || value === '') return {};
  if (typeof value === 'string') {
    const m = ISO.exec(value.trim());
    if (m && isCalendarDate(Number(m[1]), Number(m[2]), Number(m[3]))) return { date: value.trim() };
  }
  return {
    flag: {
      code: 'CLINOTE_W_INPUT_NOTE_DATE_INVALID',
      message:
        'the note date (--date-field) is not an ISO 8601 date (YYYY-MM-DD, optionally with a time): the note is processed without one',
    },
  };
}
