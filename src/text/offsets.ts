/**
 * Helpers shared by the measurements, dates and modifiers components: moving between original and
 * normalized offsets, and finding the section or sentence holding an offset.
 */
import type { Span } from '../doc/types.js';

/** The part of NormalizedText these helpers use. */
export interface View {
  readonly text: string;
  readonly isIdentityMap: boolean;
  toOriginal(start: number, end: number): [number, number];
  offsetToOriginal(i: number): number;
}

/** Maps original offsets to normalized ones (binary search over the monotone normalized -> original map). */
export class OffsetMapper {
  readonly #view: View;
  readonly identity: boolean;

  constructor(view: View) {
    this.#view = view;
    this.identity = view.isIdentityMap;
  }

  /** The first normalized index whose original offset is >= o. */
  toNormalized(o: number): number {
    if (this.identity) return o;
    let lo = 0;
    let hi = this.#view.text.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.#view.offsetToOriginal(mid) < o) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** A normalized span in original offsets. */
  toOriginal(start: number, end: number): [number, number] {
    if (this.identity) return [start, end];
    return this.#view.toOriginal(start, end);
  }
}

/** Index of the span (sorted, non-overlapping) holding offset o, or -1. */
export function indexAt(spans: readonly Span[], o: number): number {
  let lo = 0;
  let hi = spans.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = spans[mid]!;
    if (o < s.start) hi = mid - 1;
    else if (o >= s.end) lo = mid + 1;
    else return mid;
  }
  return -1;
}

/** Index of the last span starting at or before o (spans sorted by start), or -1. */
export function lastStartingAtOrBefore(spans: readonly Span[], o: number): number {
  let lo = 0;
  let hi = spans.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (spans[mid]!.start <= o) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/** Round to a number of decimals. */
export function round(x: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(x * f) / f;
}
