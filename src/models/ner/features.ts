/**
 * Hashed features of the sequence labeller. Every feature is a 32-bit hash reduced to
 * `[0, 2^bits)`; the weight of feature f for label y is `weights[f * L + y]`.
 *
 * Per token (window = the sentence; outside it the words are BOS/EOS):
 * - the word, its lower case, its shape (`Xxxx9`) and short shape (`Xx9`), prefixes and suffixes of
 *   1..affixes characters (lower case), character n-grams (optional), character flags (digit, hyphen, all caps, initial cap,
 *   capital inside), the length;
 * - the lower-cased words at -2..+2, the bigrams (-1, 0) and (0, +1), the short shapes at -1 and +1;
 * - sentence position: first / second / last token, first sentence of the document;
 * - the dictionary (pack) BIO tag of the longest match at -1, 0, +1, and with the short shape;
 * - in-document abbreviations ("long form (SF)"): on every use of SF, the dictionary type of the long
 *   form and its last word; on long-form tokens, a flag;
 * - document consistency: the dictionary tag that the same lower-cased word got earlier in the document;
 * - a bias.
 * The word-level part is cached per distinct word. `FEATURES_VERSION` changes when the templates do:
 * it is recorded in a model's manifest, and a model of another version is refused.
 */
import type { ClassLookup } from '../clusters/index.js';
import { fnv1a, mix } from '../hash.js';
import type { NerInput, NerToken } from './types.js';

export const FEATURES_VERSION = 1;

export interface FeatureConfig {
  /** log2 of the number of hashed feature slots (16..24). */
  readonly bits: number;
  /** Prefix and suffix lengths 1..affixes (0..6). */
  readonly affixes: number;
  /** Neighbouring words at -window..+window (0..3). */
  readonly window: number;
  /** Dictionary-match features. */
  readonly dictionary: boolean;
  /** Abbreviation-definition features. */
  readonly abbreviations: boolean;
  /** Document-level label consistency features. */
  readonly consistency: boolean;
  /** Character n-grams of the lower-cased word (with `^`/`$` at its ends): n, or 0 for none. */
  readonly ngrams?: number;
  /**
   * Word classes (`src/models/clusters`): the class id at each level of the word and of its
   * neighbours at -1 and +1. Not part of the manifest's feature settings: the manifest names the file.
   */
  readonly classes?: ClassLookup;
}

export const DEFAULT_FEATURES: FeatureConfig = {
  bits: 20,
  affixes: 4,
  window: 2,
  dictionary: true,
  abbreviations: true,
  consistency: true,
};

/** Features of a document: token k has `feats[offsets[k] .. offsets[k + 1])`. */
export interface DocFeatures {
  readonly offsets: Int32Array;
  readonly feats: Int32Array;
}

/** Word shape: upper `X`, lower `x`, digit `9`, other kept; `short` collapses runs. */
export function wordShape(word: string, short: boolean): string {
  let out = '';
  let last = '';
  for (let i = 0; i < word.length && out.length < 24; i++) {
    const c = word[i] as string;
    const s = c >= 'A' && c <= 'Z' ? 'X' : c >= 'a' && c <= 'z' ? 'x' : c >= '0' && c <= '9' ? '9' : c;
    const mapped = s === c && c.toLowerCase() !== c.toUpperCase() ? (c === c.toUpperCase() ? 'X' : 'x') : s;
    if (short && mapped === last) continue;
    out += mapped;
    last = mapped;
  }
  return out;
}

export interface WordInfo {
  /** Hashes of the word's own features (not yet reduced). */
  readonly own: Uint32Array;
  readonly lower: number;
  readonly shortShape: number;
  /** Hashes of the word's class at each level (empty without classes or for an unknown word). */
  readonly classes?: Uint32Array;
  /** The model's summed word-level weights (set by the model that owns this featurizer). */
  vector?: Float64Array;
}

export const BOS: WordInfo = { own: new Uint32Array(0), lower: fnv1a('<BOS>'), shortShape: fnv1a('<BOS>') };
export const EOS: WordInfo = { own: new Uint32Array(0), lower: fnv1a('<EOS>'), shortShape: fnv1a('<EOS>') };

const salt = (name: string): number => fnv1a(name, 0x2545f491);
const S_WORD = [-3, -2, -1, 1, 2, 3].map((k) => salt(`w${k}`));
const S_BG1 = salt('bg-1');
const S_BG2 = salt('bg+1');
const S_SH_PREV = salt('sh-1');
const S_SH_NEXT = salt('sh+1');
const S_CLASS = [0, 1, 2, 3, 4, 5].map((l) => salt(`class${l}`));
const S_CLASS_PREV = salt('class-1');
const S_CLASS_NEXT = salt('class+1');
const S_DICT = salt('d0');
const S_DICT_PREV = salt('d-1');
const S_DICT_NEXT = salt('d+1');
const S_DICT_SHAPE = salt('d0sh');
const S_DICT_PAIR = salt('d0d+1');
const S_DOC = salt('doc-prev');
const S_DOC_SELF = salt('doc-prev-d0');
const S_ABBR_TYPE = salt('abbr-lf-type');
const S_ABBR_LAST = salt('abbr-lf-last');
const F_ABBR_SF = salt('abbr-sf');
const F_ABBR_LF = salt('abbr-in-lf');
const F_BIAS = salt('bias');
const F_FIRST = salt('pos-first');
const F_SECOND = salt('pos-second');
const F_LAST = salt('pos-last');
const F_FIRST_SENT = salt('sent-first');
const F_FIRST_SENT_W = salt('sent-first-w');

/** fnv1a over the code units `from..to` of a string, from `seed`. */
function fnvRange(s: string, from: number, to: number, seed: number): number {
  let h = seed;
  for (let i = from; i < to; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
const H_W = fnv1a('w=');
const H_L = fnv1a('l=');
const H_SH = fnv1a('sh=');
const H_SS = fnv1a('ss=');
const H_P = [0, 1, 2, 3, 4, 5, 6].map((k) => fnv1a(`p${k}=`));
const H_S = [0, 1, 2, 3, 4, 5, 6].map((k) => fnv1a(`s${k}=`));
const H_G = fnv1a('g=');
const H_DIGIT = fnv1a('f=digit');
const H_HYPHEN = fnv1a('f=hyphen');
const H_CAPS = fnv1a('f=caps');
const H_INIT = fnv1a('f=init');
const H_MIXED = fnv1a('f=mixed');
const H_LEN = Array.from({ length: 13 }, (_, k) => fnv1a(`len=${k}`));

/** fnv1a of dictionary tags, and of their types (`B-problem` -> fnv1a('problem')): few distinct values. */
const tagHashes = new Map<string, number>();
const typeHashes = new Map<string, number>();
function tagHash(tag: string): number {
  let h = tagHashes.get(tag);
  if (h === undefined) {
    h = fnv1a(tag);
    if (tagHashes.size < 10_000) tagHashes.set(tag, h);
  }
  return h;
}
function typeHash(tag: string): number {
  let h = typeHashes.get(tag);
  if (h === undefined) {
    h = fnv1a(tag.slice(2));
    if (typeHashes.size < 10_000) typeHashes.set(tag, h);
  }
  return h;
}

/** Slots of a word's class features seen from a neighbour (`salt`: -1 or +1). */
function classSlots(salt: number, info: WordInfo, mask: number): number[] {
  const out: number[] = [];
  const c = info.classes;
  if (c) for (let l = 0; l < c.length; l++) out.push(mix(salt, c[l] as number) & mask);
  return out;
}

/** An abbreviation defined in the document: SF -> its long form's tokens. */
export interface Abbreviation {
  readonly short: string;
  /** Token range of the long form: [start, end). */
  readonly longStart: number;
  readonly longEnd: number;
  /** Token index of the short form at its definition. */
  readonly at: number;
}

const SF_RE = /^[A-Za-z][A-Za-z0-9-]{1,9}$/;

/** Schwartz-Hearst: the SF's characters occur in order in the LF, going backwards, the first at a word start. */
function shMatch(short: string, long: string): boolean {
  const s = short.toLowerCase();
  const l = long.toLowerCase();
  let si = s.length - 1;
  let li = l.length - 1;
  while (si >= 0) {
    const c = s[si] as string;
    if (!/[a-z0-9]/.test(c)) {
      si--;
      continue;
    }
    while (li >= 0 && (l[li] !== c || (si === 0 && li > 0 && /[a-z0-9]/.test(l[li - 1] as string)))) li--;
    if (li < 0) return false;
    li--;
    si--;
  }
  return true;
}

/** "long form ( SF )" definitions among the tokens (the short form has a capital letter, 2-10 characters). */
export function findAbbreviations(tokens: readonly NerToken[]): Abbreviation[] {
  const out: Abbreviation[] = [];
  for (let i = 1; i + 2 < tokens.length; i++) {
    const open = tokens[i] as NerToken;
    if (open.text !== '(' || (tokens[i + 2] as NerToken).text !== ')') continue;
    const sf = tokens[i + 1] as NerToken;
    if (!SF_RE.test(sf.text) || !/[A-Z]/.test(sf.text) || sf.sentence !== open.sentence) continue;
    const maxWords = Math.min(sf.text.length + 5, sf.text.length * 2);
    const first = (sf.text[0] as string).toLowerCase();
    for (let j = i - 1; j >= 0 && j >= i - maxWords; j--) {
      const t = tokens[j] as NerToken;
      if (t.sentence !== open.sentence || t.text === '(' || t.text === ')' || t.text === '.') break;
      if ((t.text[0] ?? '').toLowerCase() !== first) continue;
      let long = '';
      for (let k = j; k < i; k++) long += `${(tokens[k] as NerToken).text} `;
      if (shMatch(sf.text, long.trim())) {
        out.push({ short: sf.text, longStart: j, longEnd: i, at: i + 1 });
        break;
      }
    }
  }
  return out;
}

/** Computes the features of documents; keeps a cache of word-level features. */
export class Featurizer {
  readonly config: FeatureConfig;
  readonly #mask: number;
  #cache = new Map<string, WordInfo>();
  #buffer = new Int32Array(1 << 14);

  constructor(config: FeatureConfig = DEFAULT_FEATURES) {
    this.config = config;
    this.#mask = (1 << config.bits) - 1;
  }

  /** Word-level information of a word (cached). */
  word(text: string): WordInfo {
    const hit = this.#cache.get(text);
    if (hit) return hit;
    const lower = text.toLowerCase();
    const shape = wordShape(text, false);
    const short = wordShape(text, true);
    // hashed as fnv1a(`name=value`), computed from the name's hash on the value's code units (FNV-1a
    // is sequential): the same numbers as hashing the concatenated strings, without building them
    const n = lower.length;
    const own: number[] = [fnv1a(text, H_W), fnv1a(lower, H_L), fnv1a(shape, H_SH), fnv1a(short, H_SS)];
    for (let k = 1; k <= this.config.affixes && k <= n; k++) {
      own.push(fnvRange(lower, 0, k, H_P[k] as number), fnvRange(lower, n - k, n, H_S[k] as number));
    }
    const g = this.config.ngrams ?? 0;
    if (g > 0 && n > g) {
      // n-grams of `^lower$`
      for (let k = 0; k + g <= n + 2; k++) {
        let h = H_G;
        for (let j = k; j < k + g; j++) {
          h ^= j === 0 ? 94 : j === n + 1 ? 36 : lower.charCodeAt(j - 1);
          h = Math.imul(h, 0x01000193);
        }
        own.push(h >>> 0);
      }
    }
    if (/[0-9]/.test(text)) own.push(H_DIGIT);
    if (text.includes('-')) own.push(H_HYPHEN);
    if (/^[A-Z]+$/.test(text)) own.push(H_CAPS);
    else if (/^[A-Z][a-z]/.test(text)) own.push(H_INIT);
    if (/.[A-Z]/.test(text)) own.push(H_MIXED);
    own.push(H_LEN[Math.min(n, 12)] as number);
    const ids = this.config.classes?.get(text);
    const classes = new Uint32Array(ids ? ids.length : 0);
    if (ids) {
      for (let l = 0; l < ids.length; l++) {
        classes[l] = mix(S_CLASS[l] as number, ids[l] as number);
        own.push(classes[l] as number);
      }
    }
    const info: WordInfo = {
      own: Uint32Array.from(own),
      lower: fnv1a(lower),
      shortShape: fnv1a(short),
      classes,
    };
    if (this.#cache.size > 500_000) this.#cache = new Map();
    this.#cache.set(text, info);
    return info;
  }

  /**
   * The word-level features of a word, by where they apply: `own` on the word's token, `before[k-1]`
   * on the token k after it (the word seen at -k), `after[k-1]` on the token k before it, `shPrev` on
   * the next token, `shNext` on the previous one. Reduced to slots. A model caches their summed
   * weights per word: `features(input, false)` leaves these out and the model adds the sums.
   */
  wordSlots(info: WordInfo): {
    own: number[];
    before: number[];
    after: number[];
    shPrev: number[];
    shNext: number[];
  } {
    const mask = this.#mask;
    const before: number[] = [];
    const after: number[] = [];
    for (let k = 1; k <= this.config.window; k++) {
      before.push(mix(S_WORD[3 - k] as number, info.lower) & mask);
      after.push(mix(S_WORD[2 + k] as number, info.lower) & mask);
    }
    return {
      own: Array.from(info.own, (h) => h & mask),
      before,
      after,
      shPrev: [mix(S_SH_PREV, info.shortShape) & mask, ...classSlots(S_CLASS_PREV, info, mask)],
      shNext: [mix(S_SH_NEXT, info.shortShape) & mask, ...classSlots(S_CLASS_NEXT, info, mask)],
    };
  }

  /** Features of one document; without `wordLevel`, the features `wordSlots` gives are left out. */
  features(input: NerInput, wordLevel = true, words?: readonly WordInfo[]): DocFeatures {
    const { tokens, dict } = input;
    const c = this.config;
    const n = tokens.length;
    const mask = this.#mask;
    words ??= tokens.map((t) => this.word(t.text));
    const dictH = new Uint32Array(n);
    for (let i = 0; i < n; i++) dictH[i] = tagHash(dict[i] as string);
    // abbreviations: per token, the definition whose short form it is; long-form tokens
    const sfOf = new Map<string, { type: number; last: number }>();
    const inLong = new Uint8Array(n);
    if (c.abbreviations) {
      for (const a of findAbbreviations(tokens)) {
        let type = 'O';
        for (let k = a.longStart; k < a.longEnd; k++) {
          const d = dict[k] as string;
          if (d !== 'O') type = d.slice(2);
          inLong[k] = 1;
        }
        if (!sfOf.has(a.short)) {
          const last = (tokens[a.longEnd - 1] as NerToken).text.toLowerCase();
          sfOf.set(a.short, { type: fnv1a(type), last: fnv1a(last) });
        }
      }
    }
    // features go into a reused buffer, grown per token (no per-feature allocation or call)
    let buf = this.#buffer;
    let len = 0;
    // document consistency: the last dictionary type of this lower-cased word so far
    const seen = new Map<number, number>();
    const offsets = new Int32Array(n + 1);
    const window = c.window;
    const S_BEFORE = S_WORD as readonly number[];

    let sentStart = 0;
    let sentEnd = 0;
    const firstSentence = n > 0 ? (tokens[0] as NerToken).sentence : 0;
    for (let i = 0; i < n; i++) {
      const t = tokens[i] as NerToken;
      if (i >= sentEnd) {
        sentStart = i;
        sentEnd = i + 1;
        while (sentEnd < n && (tokens[sentEnd] as NerToken).sentence === t.sentence) sentEnd++;
      }
      const w = words[i] as WordInfo;
      const need = len + 32 + (wordLevel ? w.own.length + 2 * window + 14 : 0);
      if (need > buf.length) {
        const bigger = new Int32Array(Math.max(need, buf.length * 2));
        bigger.set(buf.subarray(0, len));
        buf = bigger;
      }
      offsets[i] = len;
      buf[len++] = F_BIAS & mask;
      const prev = i - 1 < sentStart ? BOS : (words[i - 1] as WordInfo);
      const next = i + 1 >= sentEnd ? EOS : (words[i + 1] as WordInfo);
      if (wordLevel) {
        const own = w.own;
        for (let k = 0; k < own.length; k++) buf[len++] = (own[k] as number) & mask;
        // neighbours
        for (let k = 1; k <= window; k++) {
          const before = i - k < sentStart ? BOS : (words[i - k] as WordInfo);
          const after = i + k >= sentEnd ? EOS : (words[i + k] as WordInfo);
          buf[len++] = mix(S_BEFORE[3 - k] as number, before.lower) & mask;
          buf[len++] = mix(S_BEFORE[2 + k] as number, after.lower) & mask;
        }
        buf[len++] = mix(S_SH_PREV, prev.shortShape) & mask;
        buf[len++] = mix(S_SH_NEXT, next.shortShape) & mask;
        for (const x of classSlots(S_CLASS_PREV, prev, mask)) buf[len++] = x;
        for (const x of classSlots(S_CLASS_NEXT, next, mask)) buf[len++] = x;
      }
      buf[len++] = mix(mix(S_BG1, prev.lower), w.lower) & mask;
      buf[len++] = mix(mix(S_BG2, w.lower), next.lower) & mask;
      // position
      if (i === sentStart) buf[len++] = F_FIRST & mask;
      else if (i === sentStart + 1) buf[len++] = F_SECOND & mask;
      if (i === sentEnd - 1) buf[len++] = F_LAST & mask;
      if (t.sentence === firstSentence) {
        buf[len++] = F_FIRST_SENT & mask;
        buf[len++] = mix(F_FIRST_SENT_W, w.lower) & mask;
      }
      // dictionary
      if (c.dictionary) {
        const d0 = dictH[i] as number;
        const dp = i > sentStart ? (dictH[i - 1] as number) : BOS.lower;
        const dn = i + 1 < sentEnd ? (dictH[i + 1] as number) : EOS.lower;
        buf[len++] = mix(S_DICT, d0) & mask;
        buf[len++] = mix(S_DICT_PREV, dp) & mask;
        buf[len++] = mix(S_DICT_NEXT, dn) & mask;
        buf[len++] = mix(mix(S_DICT_SHAPE, d0), w.shortShape) & mask;
        buf[len++] = mix(mix(S_DICT_PAIR, d0), dn) & mask;
      }
      if (c.abbreviations) {
        const sf = sfOf.size > 0 ? sfOf.get(t.text) : undefined;
        if (sf) {
          buf[len++] = F_ABBR_SF & mask;
          buf[len++] = mix(S_ABBR_TYPE, sf.type) & mask;
          buf[len++] = mix(S_ABBR_LAST, sf.last) & mask;
        }
        if (inLong[i]) buf[len++] = F_ABBR_LF & mask;
      }
      if (c.consistency) {
        const before = seen.size > 0 ? seen.get(w.lower) : undefined;
        if (before !== undefined) {
          buf[len++] = mix(S_DOC, before) & mask;
          buf[len++] = mix(mix(S_DOC_SELF, before), dictH[i] as number) & mask;
        }
        const d = dict[i] as string;
        if (d !== 'O') seen.set(w.lower, typeHash(d));
      }
    }
    offsets[n] = len;
    this.#buffer = buf;
    return { offsets, feats: buf.slice(0, len) };
  }
}
