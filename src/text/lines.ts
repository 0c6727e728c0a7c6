/**
 * Line starts and ends of a text by binary search over its line breaks, so that a component that
 * asks "where does the line holding offset n start" for every match costs O(log lines), not a scan
 * back to the previous line break (which on a 1 MB line made the question quadratic; see
 * docs/decisions/0007-linear-time-text-processing.md).
 */
export class LineIndex {
  readonly text: string;
  /** Offsets of every `\n`, ascending. */
  readonly #breaks: Int32Array;

  constructor(text: string) {
    this.text = text;
    let count = 0;
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) count++;
    const breaks = new Int32Array(count);
    let k = 0;
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) breaks[k++] = i;
    this.#breaks = breaks;
  }

  /** The number of line breaks before offset `n` (= the index of the break at or after it). */
  #below(n: number): number {
    const b = this.#breaks;
    let lo = 0;
    let hi = b.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((b[mid] as number) < n) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** `text.lastIndexOf('\n', n - 1) + 1`: where the line holding offset n starts (n itself after a break). */
  start(n: number): number {
    if (n <= 0) return 0;
    const k = this.#below(n);
    return k === 0 ? 0 : (this.#breaks[k - 1] as number) + 1;
  }

  /** `text.indexOf('\n', n)`, or the text's length when there is none: where the line holding n ends. */
  end(n: number): number {
    const k = this.#below(Math.max(0, n));
    return k < this.#breaks.length ? (this.#breaks[k] as number) : this.text.length;
  }
}

/**
 * `Math.max(text.lastIndexOf('\n', at - 1) + 1, at - window)` without scanning further back than
 * `window` characters: the start of a look-behind window that stops at the line's start.
 */
export function lineWindowStart(text: string, at: number, window: number): number {
  const floor = Math.max(0, at - window);
  for (let i = at - 1; i >= floor; i--) if (text.charCodeAt(i) === 10) return i + 1;
  return floor;
}
