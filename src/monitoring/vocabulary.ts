/**
 * The word set of the OOV rate (`input.oov_rate`): the token keys of a terminology pack. A word is
 * known when its token key (src/terminology/normalize: lower case, folded, singular) is a token of
 * some pack term: the pack's own hash table answers, so nothing is built or copied. Words are
 * cached (bounded) since notes repeat them.
 */
import { resourcePath } from '../resources.js';
import { tokenKey } from '../terminology/normalize/index.js';
import { loadPackFile } from '../terminology/pack/load.js';
import type { Pack } from '../terminology/pack/pack.js';
import type { WordSet } from './observe.js';

const CACHE_LIMIT = 100_000;

/** The words of a pack's terms, as a WordSet. */
export function packWordSet(pack: Pack): WordSet {
  const cache = new Map<string, boolean>();
  return {
    has(word: string): boolean {
      const lower = word.toLowerCase();
      const hit = cache.get(lower);
      if (hit !== undefined) return hit;
      const key = tokenKey(lower.normalize('NFC'));
      const known = key !== '' && pack.tokenId(key) >= 0;
      if (cache.size >= CACHE_LIMIT) cache.clear();
      cache.set(lower, known);
      return known;
    },
  };
}

/** A WordSet of the words given (tests, a custom lexicon): compared lower-cased. */
export function wordSetOf(words: Iterable<string>): WordSet {
  const set = new Set<string>();
  for (const w of words) set.add(w.toLowerCase());
  return { has: (word) => set.has(word.toLowerCase()) };
}

/** The built-in starter pack (resources/), the default word set of `clinote monitor profile`. */
export const STARTER_PACK_RESOURCE = 'terminology/starter.pack';

/** The word set of the pack at `path` (default: the starter pack). CLINOTE_E_PACK_NOT_FOUND / _CORRUPT. */
export function loadPackWordSet(path?: string): WordSet {
  return packWordSet(loadPackFile(path ?? resourcePath(STARTER_PACK_RESOURCE)));
}
