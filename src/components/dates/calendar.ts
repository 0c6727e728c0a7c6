/** Small calendar arithmetic on proleptic Gregorian dates (UTC, no time zones). */

export interface Ymd {
  readonly y: number;
  readonly m: number;
  readonly d: number;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/**
 * `Date.UTC` for any year: `Date.UTC(y, ...)` reads years 0-99 as 1900-1999 (a note dated
 * `0024-05-01` would shift by 1900 years); `setUTCFullYear` takes the year as it is.
 */
function utc(y: number, m0: number, d: number): number {
  const t = new Date(0);
  t.setUTCFullYear(y, m0, d);
  return t.getTime();
}

export function isoDate(x: Ymd): string {
  return `${pad(x.y, 4)}-${pad(x.m)}-${pad(x.d)}`;
}

export function isoMonth(y: number, m: number): string {
  return `${pad(y, 4)}-${pad(m)}`;
}

export function isoYear(y: number): string {
  return pad(y, 4);
}

export function daysInMonth(y: number, m: number): number {
  return new Date(utc(y, m, 0)).getUTCDate();
}

export function isValidDate(y: number, m: number, d: number): boolean {
  return m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

/** Parse `YYYY-MM-DD` (and ignore a time after it). */
export function parseIsoDate(s: string | undefined): Ymd | undefined {
  if (typeof s !== 'string') return undefined;
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(s.trim());
  if (!m) return undefined;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  return isValidDate(y, mo, d) ? { y, m: mo, d } : undefined;
}

function fromUtc(t: Date): Ymd {
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
}

export function addDays(x: Ymd, n: number): Ymd {
  return fromUtc(new Date(utc(x.y, x.m - 1, x.d + n)));
}

/** Add months, clamping the day to the end of the month. */
export function addMonths(x: Ymd, n: number): Ymd {
  const total = x.y * 12 + (x.m - 1) + n;
  const y = Math.floor(total / 12);
  const m = (total % 12) + 1;
  return { y, m, d: Math.min(x.d, daysInMonth(y, m)) };
}

/** ISO weekday, 1 = Monday .. 7 = Sunday. */
export function weekday(x: Ymd): number {
  const w = new Date(utc(x.y, x.m - 1, x.d)).getUTCDay();
  return w === 0 ? 7 : w;
}

/** ISO 8601 week, `2025-W11`. */
export function isoWeek(x: Ymd): string {
  const thursday = addDays(x, 4 - weekday(x));
  const jan1 = utc(thursday.y, 0, 1);
  const week = Math.floor((utc(thursday.y, thursday.m - 1, thursday.d) - jan1) / 86400000 / 7) + 1;
  return `${pad(thursday.y, 4)}-W${pad(week)}`;
}

/** Days from a to b. */
export function daysBetween(a: Ymd, b: Ymd): number {
  return Math.round((utc(b.y, b.m - 1, b.d) - utc(a.y, a.m - 1, a.d)) / 86400000);
}
