/**
 * A set of spans of a text that answers "does [s, e) overlap a span of the set" in O(e - s), with a
 * mask of the characters covered: a component that tested each new match against every span kept
 * so far was quadratic in the number of matches (docs/decisions/0007-linear-time-text-processing.md).
 */
export class SpanMask {
  readonly #mask: Uint8Array;
  /** Every span added, for the rare empty spans (a mask cannot tell them apart). */
  readonly #all: { start: number; end: number }[] = [];
  #empties = 0;

  constructor(length: number) {
    this.#mask = new Uint8Array(Math.max(0, length) + 1);
  }

  add(start: number, end: number): void {
    this.#all.push({ start, end });
    if (end <= start) this.#empties++;
    else this.#mask.fill(1, Math.max(0, start), Math.min(this.#mask.length, end));
  }

  /** Whether a span `c` of the set has `c.start < end && start < c.end` (exactly the test it replaces). */
  overlaps(start: number, end: number): boolean {
    if (end <= start || this.#empties > 0) {
      // an empty span or query: the mask cannot tell two adjacent spans from one around a point
      if (end <= start) return this.#all.some((c) => c.start < end && start < c.end);
      for (const c of this.#all) if (c.end <= c.start && c.start < end && start < c.end) return true;
    }
    const m = this.#mask;
    const hi = Math.min(end, m.length);
    for (let i = Math.max(0, start); i < hi; i++) if (m[i] === 1) return true;
    return false;
  }
}
