import { describe, expect, it } from 'vitest';
import { addDays, daysBetween, isoDate, weekday } from '../components/dates/calendar.js';
import { checkNoteDate, isCalendarDate } from './note-date.js';

describe('note dates', () => {
  it('ISO dates pass; anything else is flagged, never quoted', () => {
    expect(checkNoteDate('2024-03-05')).toEqual({ date: '2024-03-05' });
    expect(checkNoteDate('2024-03-05T14:30:00Z')).toEqual({ date: '2024-03-05T14:30:00Z' });
    expect(checkNoteDate('0024-02-29')).toEqual({ date: '0024-02-29' });
    expect(checkNoteDate(undefined)).toEqual({});
    expect(checkNoteDate('')).toEqual({});
    for (const bad of ['2024-02-30', '03/05/2024', 'yesterday', 20240305, '2024-13-01']) {
      const r = checkNoteDate(bad);
      expect(r.date).toBeUndefined();
      expect(r.flag?.code).toBe('CLINOTE_W_INPUT_NOTE_DATE_INVALID');
      expect(r.flag?.message).not.toContain(String(bad));
    }
  });

  it('years 0-99 are taken as written (no 1900 shift)', () => {
    expect(isCalendarDate(0, 2, 29)).toBe(true); // year 0 is a leap year (proleptic Gregorian)
    expect(isCalendarDate(1900, 2, 29)).toBe(false);
    expect(isoDate(addDays({ y: 24, m: 2, d: 28 }, 1))).toBe('0024-02-29');
    expect(isoDate(addDays({ y: 99, m: 12, d: 31 }, 1))).toBe('0100-01-01');
    expect(daysBetween({ y: 50, m: 1, d: 1 }, { y: 51, m: 1, d: 1 })).toBe(365);
    expect(weekday({ y: 1, m: 1, d: 1 })).toBe(1); // 0001-01-01 was a Monday
  });
});
