/**
 * A quick test before a string-keyed lookup on a hot path: `mayHave(s)` is false for most strings
 * that are not in the set (a bit per length, first and last character), and never for one that is.
 * A miss in a large Map costs a hash probe out of cache; this costs three reads of a small table.
 */
const BITS = 1 << 14;

function slot(length: number, first: number, last: number): number {
  return ((length * 31 + first) * 131 + last) & (BITS - 1);
}

export class StringPrefilter {
  readonly #bits = new Uint8Array(BITS);

  constructor(strings: Iterable<string>) {
    for (const s of strings) this.#bits[slot(s.length, s.charCodeAt(0), s.charCodeAt(s.length - 1))] = 1;
  }

  /** False only when `s` is not one of the strings. */
  mayHave(s: string): boolean {
    return this.#bits[slot(s.length, s.charCodeAt(0), s.charCodeAt(s.length - 1))] === 1;
  }
}
