/**
 * Approximate matching support for misspellings, in two steps like QuickUMLS/SimString:
 *
 * 1. Candidates: character trigrams of the padded key (`$dia`, ...). An index maps trigram ->
 *    keys; for a query with |X| trigrams and a cosine threshold t, only keys with
 *    t^2|X| <= |Y| <= |X|/t^2 trigrams can reach t, and they must share at least
 *    ceil(t * sqrt(|X||Y|)) trigrams (fuzzySizeRange, fuzzyMinOverlap).
 * 2. Verification: an optimal-string-alignment (Damerau-Levenshtein with adjacent transpositions)
 *    distance, capped by length: `similarity(a, b)` = 1 - distance / longer length, and
 *    isLikelyMisspelling() applies the acceptance policy (minimum length, same first letter,
 *    at most 1 edit up to 8 characters, 2 beyond).
 *
 * Trigram cosine alone is harsh on short words (`diabetis` vs `diabetes` share 5 of 8 trigrams:
 * 0.63), so the trigram step uses a low threshold (FUZZY_DEFAULTS.candidateThreshold) and the
 * edit distance decides.
 */
import { foldText } from './token-key.js';

export const FUZZY_DEFAULTS = {
  /** Keys shorter than this are never matched approximately (`couch` is no misspelling of `cough`). */
  minLength: 6,
  /** Trigram cosine threshold for candidates. */
  candidateThreshold: 0.5,
  /** Edit similarity a candidate must reach. */
  minSimilarity: 0.8,
} as const;

/** The string fuzzy matching works on: folded, one space between the token keys. */
export function fuzzyKey(keys: readonly string[] | string): string {
  const s = typeof keys === 'string' ? keys : keys.join(' ');
  return foldText(s).replace(/\s+/g, ' ').trim();
}

/** Distinct character trigrams of `$key$` (one pad character each side), sorted. */
export function trigrams(key: string): string[] {
  const s = `$${key}$`;
  const set = new Set<string>();
  for (let i = 0; i + 3 <= s.length; i++) set.add(s.slice(i, i + 3));
  return [...set].sort();
}

/** Cosine similarity of the trigram sets of two keys, in [0, 1]. */
export function trigramSimilarity(a: string, b: string): number {
  if (a === b) return 1;
  const x = trigrams(a);
  const y = new Set(trigrams(b));
  if (x.length === 0 || y.size === 0) return 0;
  let common = 0;
  for (const g of x) if (y.has(g)) common++;
  return common / Math.sqrt(x.length * y.size);
}

/** Sizes (trigram counts) a key can have to reach `threshold` cosine with a key of `size`. */
export function fuzzySizeRange(size: number, threshold: number): { min: number; max: number } {
  const t2 = threshold * threshold;
  return { min: Math.ceil(t2 * size), max: Math.floor(size / t2) };
}

/** Trigrams two keys of sizes x and y must share to reach `threshold` cosine. */
export function fuzzyMinOverlap(x: number, y: number, threshold: number): number {
  return Math.ceil(threshold * Math.sqrt(x * y) - 1e-9);
}

/**
 * Optimal-string-alignment distance (insertions, deletions, substitutions, adjacent
 * transpositions). With `max`, stops early and returns max + 1 once the distance must exceed it.
 */
export function editDistance(a: string, b: string, max = Number.POSITIVE_INFINITY): number {
  if (a === b) return 0;
  const n = a.length;
  const m = b.length;
  if (Math.abs(n - m) > max) return max + 1;
  if (n === 0) return m;
  if (m === 0) return n;
  let prev2 = new Array<number>(m + 1).fill(0);
  let prev = Array.from({ length: m + 1 }, (_, j) => j);
  let cur = new Array<number>(m + 1).fill(0);
  for (let i = 1; i <= n; i++) {
    cur[0] = i;
    let rowMin = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= m; j++) {
      const cb = b.charCodeAt(j - 1);
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (ca === cb ? 0 : 1));
      if (i > 1 && j > 1 && ca === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === cb) {
        v = Math.min(v, prev2[j - 2]! + 1);
      }
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[m]!;
}

/** Edit similarity in [0, 1]: 1 - editDistance / longer length. */
export function similarity(a: string, b: string): number {
  if (a === b) return 1;
  const longer = Math.max(a.length, b.length);
  if (longer === 0) return 1;
  return 1 - editDistance(a, b) / longer;
}

/** Prefixes with opposite or different meanings: `hypertension` is no misspelling of `hypotension`. */
const CONFUSABLE_PREFIXES: readonly (readonly [string, string])[] = [
  ['hyper', 'hypo'],
  ['inter', 'intra'],
  ['ante', 'anti'],
  ['endo', 'exo'],
  ['micro', 'macro'],
  ['sub', 'supra'],
  ['pre', 'pro'],
  ['tachy', 'brady'],
  ['hemi', 'semi'],
];
/** Suffixes of different procedures or processes: `colostomy` vs `colectomy`, `nephritis` vs `nephrosis`. */
const CONFUSABLE_SUFFIXES =
  /(?:ectomy|ostomy|stomy|otomy|tomy|scopy|plasty|pexy|rrhaphy|graphy|gram|itis|osis|emia|uria|algia|plegia|paresis|phagia|phasia|trophy|plasia|lysis|rrhea|rrhage)$/;
/** Different words one edit apart. */
const CONFUSABLE_WORDS: ReadonlySet<string> = new Set([
  'ileum|ilium',
  'perineal|peroneal',
  'prostate|prostrate',
  'dysphagia|dysphasia',
  'aphagia|aphasia',
  'abduction|adduction',
  'palpation|palpitation',
  'apposition|opposition',
  'reflux|reflex',
  'elicit|illicit',
  'discrete|discreet',
  'infusion|effusion',
  'oral|aural',
  'anuresis|enuresis',
  'cystoscopy|cystostomy',
]);

function confusable(a: string, b: string): boolean {
  for (const [p, q] of CONFUSABLE_PREFIXES) {
    if ((a.startsWith(p) && b.startsWith(q)) || (a.startsWith(q) && b.startsWith(p))) return true;
  }
  const sa = CONFUSABLE_SUFFIXES.exec(a)?.[0];
  const sb = CONFUSABLE_SUFFIXES.exec(b)?.[0];
  if (sa !== undefined && sb !== undefined && sa !== sb) return true;
  return CONFUSABLE_WORDS.has(a < b ? `${a}|${b}` : `${b}|${a}`);
}

/**
 * The acceptance policy for a note token key `a` against a dictionary key `b`: both at least
 * FUZZY_DEFAULTS.minLength long, same first character, no digits, not a known confusable pair
 * (hyper-/hypo-, -ectomy/-ostomy, -itis/-osis, ileum/ilium...), and at most 1 edit (up to 8
 * characters) or 2 edits (longer).
 */
export function isLikelyMisspelling(a: string, b: string): boolean {
  if (a === b) return false;
  const n = Math.min(a.length, b.length);
  if (n < FUZZY_DEFAULTS.minLength) return false;
  if (a.charCodeAt(0) !== b.charCodeAt(0)) return false;
  if (/\d/.test(a) || /\d/.test(b)) return false;
  if (confusable(a, b)) return false;
  const max = Math.max(a.length, b.length) <= 8 ? 1 : 2;
  return editDistance(a, b, max) <= max;
}
