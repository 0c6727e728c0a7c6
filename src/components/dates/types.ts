/**
 * The `dates` layer: dates, times, relative dates, durations and ages, normalized to ISO 8601
 * against the note date when one is given, and attached to the concepts they govern when local.
 * See docs/dates.md.
 */
import type { Evidence } from '../../doc/types.js';

export type DateKind = 'date' | 'datetime' | 'time' | 'relative' | 'duration' | 'age';

/** How precise `value` is. */
export type DatePrecision = 'year' | 'month' | 'week' | 'day' | 'minute' | 'second';

/** What a relative date counts from. */
export type DateAnchor = 'note' | 'event' | 'admission' | 'surgery' | 'birth';

/** An amount of time in UCUM units: `min`, `h`, `d`, `wk`, `mo`, `a`. */
export interface TimeAmount {
  readonly value: number;
  /** Upper bound of a range (`3-4 days`). */
  readonly high?: number;
  readonly unit: string;
}

export interface DateMention {
  readonly start: number;
  readonly end: number;
  readonly text: string;
  readonly kind: DateKind;
  /**
   * ISO 8601: `2025-03-14`, partial `2025-03` / `2025`, a week `2025-W11`, a datetime
   * `2025-03-14T10:30`, a time `10:30`, a day without a year `--03-14` (no note date). Absent when
   * it cannot be known (a relative date counted from an event, or from a missing note date).
   */
  readonly value?: string;
  readonly precision?: DatePrecision;
  /** Durations and ages: the amount; relative dates: not set (see `offset`). */
  readonly duration?: TimeAmount;
  /** Relative dates: what they count from, and the signed amount (`3 days ago` -> -3 d). */
  readonly anchor?: DateAnchor;
  readonly offset?: TimeAmount;
  /** Vague amount (`several days ago`, `within 2 weeks`, `last weekend`). */
  readonly approximate?: boolean;
  /** Indexes of the concepts the date attaches to (same sentence and clause). */
  readonly governs?: readonly number[];
  /** Index of the sentence holding the mention, or -1. */
  readonly sentence: number;
  readonly evidence: Evidence;
}

declare module '../../doc/types.js' {
  interface Layers {
    dates: DateMention[];
  }
}
