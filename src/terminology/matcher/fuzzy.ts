/**
 * Approximate token lookup for misspellings (QuickUMLS-style): a character-trigram index over the
 * pack's token keys, built on first use, then a similarity check of the few candidates that share
 * enough trigrams. Only note tokens that are not in the pack at all are looked up.
 */
import { TOKEN_CUE } from '../pack/format.js';
import type { Pack } from '../pack/pack.js';

export interface FuzzyHit {
  readonly token: number;
  readonly similarity: number;
}

/** Optimal-string-alignment similarity: 1 - distance / longer length. */
export function editSimilarity(a: string, b: string): number {
  if (a === b) return 1;
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0) return 0;
  let prev2 = new Array<number>(m + 1).fill(0);
  let prev = Array.from({ length: m + 1 }, (_, j) => j);
  let cur = new Array<number>(m + 1).fill(0);
  for (let i = 1; i <= n; i++) {
    cur[0] = i;
    for (let j = 1; j <= m; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (
        i > 1 &&
        j > 1 &&
        a.charCodeAt(i - 1) === b.charCodeAt(j - 2) &&
        a.charCodeAt(i - 2) === b.charCodeAt(j - 1)
      ) {
        v = Math.min(v, prev2[j - 2]! + 1);
      }
      cur[j] = v;
    }
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return 1 - prev[m]! / Math.max(n, m);
}

function trigrams(s: string): string[] {
  const p = `$${s}$`;
  const out: string[] = [];
  for (let i = 0; i + 3 <= p.length; i++) out.push(p.slice(i, i + 3));
  return out;
}

/** Posting lists longer than this are skipped (they select nothing); the other trigrams suffice. */
const MAX_POSTINGS = 4000;
const MAX_CACHE = 50_000;

export class FuzzyIndex {
  readonly #pack: Pack;
  readonly #similarity: (a: string, b: string) => number;
  readonly #minLength: number;
  #postings: Map<string, Uint32Array> | undefined;
  #lengths: Uint8Array | undefined;
  readonly #cache = new Map<string, readonly FuzzyHit[]>();

  readonly #accept: ((a: string, b: string) => boolean) | undefined;

  constructor(
    pack: Pack,
    options: {
      similarity?: (a: string, b: string) => number;
      accept?: (a: string, b: string) => boolean;
      minLength: number;
    },
  ) {
    this.#pack = pack;
    this.#similarity = options.similarity ?? editSimilarity;
    this.#accept = options.accept;
    this.#minLength = options.minLength;
  }

  #build(): Map<string, Uint32Array> {
    const lists = new Map<string, number[]>();
    const pack = this.#pack;
    const flags = pack.a['tokens.flags'];
    const n = pack.tokenCount;
    this.#lengths = new Uint8Array(n);
    for (let t = 0; t < n; t++) {
      if (flags[t]! & TOKEN_CUE) continue;
      const key = pack.tokenKey(t);
      if (key.length < this.#minLength - 1 || !/^\p{L}/u.test(key)) continue;
      this.#lengths[t] = Math.min(255, key.length);
      for (const g of new Set(trigrams(key))) {
        const list = lists.get(g);
        if (list) list.push(t);
        else lists.set(g, [t]);
      }
    }
    const out = new Map<string, Uint32Array>();
    for (const [g, list] of lists) out.set(g, Uint32Array.from(list));
    return out;
  }

  /** Pack tokens similar to `key` (at least `threshold`), best first. */
  lookup(key: string, threshold: number): readonly FuzzyHit[] {
    if (key.length < this.#minLength) return [];
    const cacheKey = `${threshold}\u0000${key}`;
    const cached = this.#cache.get(cacheKey);
    if (cached) return cached;
    this.#postings ??= this.#build();
    const lengths = this.#lengths!;
    const grams = [...new Set(trigrams(key))];
    const counts = new Map<number, number>();
    for (const g of grams) {
      const list = this.#postings.get(g);
      if (!list || list.length > MAX_POSTINGS) continue;
      for (const t of list) {
        const len = lengths[t]!;
        if (len === 0 || Math.abs(len - key.length) > 2) continue;
        counts.set(t, (counts.get(t) ?? 0) + 1);
      }
    }
    const hits: FuzzyHit[] = [];
    // a single edit changes at most 3 trigrams
    const need = Math.max(1, grams.length - 3 * Math.max(1, Math.floor((1 - threshold) * key.length)));
    for (const [t, c] of counts) {
      if (c < need) continue;
      const packKey = this.#pack.tokenKey(t);
      const sim = this.#similarity(key, packKey);
      if (sim >= threshold && sim < 1 && (!this.#accept || this.#accept(key, packKey))) {
        hits.push({ token: t, similarity: sim });
      }
    }
    hits.sort((a, b) => b.similarity - a.similarity || a.token - b.token);
    const out = hits.slice(0, 3);
    if (this.#cache.size > MAX_CACHE) this.#cache.clear();
    this.#cache.set(cacheKey, out);
    return out;
  }
}
