/**
 * Linking: a mention found by a model (a span and a semantic type) -> ranked concepts of a
 * terminology pack, each with a score and the method that found it. See docs/ner.md.
 *
 * Methods (all candidates are ranked together by score, one per concept):
 *
 * - `exact` / `variant` / `abbreviation`: the dictionary matcher run over the mention's own tokens
 *   matches the whole mention. The pack's variants give the matcher's normalization (case,
 *   diacritics, plural, British spellings, comma inversion, word order where the pack compiled
 *   it); `abbreviation` is a sense of the pack's abbreviation list. Scores are the matcher's; a
 *   match the matcher widened over a modifier, "type N" or a coordination is a `variant` at x0.9.
 * - `partial`: the matcher matches only a part of the mention ("familial breast cancer syndrome"
 *   -> 'breast cancer'); the score is the matcher's times the square root of the share of the
 *   mention's letters and digits that the match covers.
 * - `fuzzy` (only when no unwidened whole-mention match): character-trigram cosine between the
 *   mention's key and the keys of the pack's terms (an inverted index over trigrams, built once per
 *   pack and type set), at least `fuzzyCutoff`; score 0.9 x cosine.
 * - `local-abbreviation`: the mention is a short form the note defines as "long form (SF)", the long
 *   form being another mention: it takes the long form's candidates (x0.95), ahead of its own (x0.5).
 *
 * A candidate without codes scores x0.8.
 * Only concepts of the mention's semantic type are candidates.
 */
import type { Code, Concept, Section, Sentence, Token } from '../../doc/types.js';
import { isShortFormOf, Matcher } from '../../terminology/matcher/index.js';
import { foldText } from '../../terminology/normalize/index.js';
import { SEMANTIC_TYPES } from '../../terminology/pack/format.js';
import type { KeyFunctions } from '../../terminology/pack/keys.js';
import type { Pack, PackCode } from '../../terminology/pack/pack.js';

export const LINK_METHODS = [
  'exact',
  'variant',
  'abbreviation',
  'local-abbreviation',
  'partial',
  'fuzzy',
] as const;
export type LinkMethod = (typeof LINK_METHODS)[number];

/** A ranked candidate concept of a mention. */
export interface LinkCandidate {
  readonly id: string;
  readonly type: string;
  readonly subtype?: string;
  readonly preferred: string;
  readonly codes: readonly Code[];
  /** 0..1, higher is better. */
  readonly score: number;
  readonly method: LinkMethod;
  /** The pack term (or the note's long form) that matched. */
  readonly term: string;
  /** The concept's source, `abbreviations` or `note`. */
  readonly source: string;
  /** Pack rule of the match (`pack:starter@.../original`). */
  readonly rule: string;
  readonly similarity?: number;
}

export interface LinkerOptions {
  /** Semantic types linked to (those the model's entity types map to). */
  readonly types: readonly string[];
  /** Least trigram cosine of a fuzzy candidate (0..1); 0 turns fuzzy matching off. Default 0.7. */
  readonly fuzzyCutoff?: number;
  /** Candidates kept per mention. Default 5. */
  readonly maxCandidates?: number;
}

/** A mention to link: its span (original text) and semantic type. */
export interface LinkMention {
  readonly start: number;
  readonly end: number;
  readonly type: string;
}

/** The document a mention lies in (the layers the matcher reads). */
export interface LinkDocument {
  readonly text: string;
  readonly tokens: readonly Token[];
  readonly sentences?: readonly Sentence[];
  readonly sections?: readonly Section[];
}

/** Least trigram cosine of a fuzzy candidate (tuned on the first 80 NCBI dev documents, docs/ner.md). */
export const DEFAULT_FUZZY_CUTOFF = 0.7;
const FUZZY_WEIGHT = 0.9;
const LOCAL_WEIGHT = 0.95;
/** The pack's candidates of a short form the note defines. */
const OUTRANKED = 0.5;
/** A whole-mention match that the matcher widened over a modifier, "type N" or a coordination. */
const WIDENED = 0.9;
/** A candidate without codes (a generic finding). */
const CODELESS = 0.8;
const LINKED_CODE_WEIGHT = 0.9;
const MAX_CODES = 12;
const round = (x: number): number => Math.round(x * 1000) / 1000;
const LETTERS = /[\p{L}\p{N}]/gu;
const letterCount = (s: string): number => s.match(LETTERS)?.length ?? 0;

/** Codes of a pack concept and of the concepts linked to it (they share a code), best first. */
export function conceptCodes(pack: Pack, c: number, score: number): Code[] {
  const refs: PackCode[] = [];
  const weights: number[] = [];
  const add = (k: number, w: number): void => {
    for (const code of pack.codes(k)) {
      const i = refs.findIndex((r) => r.code === code.code && r.system === code.system);
      if (i < 0) {
        refs.push(code);
        weights.push(w);
      } else if ((weights[i] as number) < w) weights[i] = w;
    }
  };
  add(c, score);
  for (const l of pack.links(c)) add(l, round(score * LINKED_CODE_WEIGHT));
  return Array.from(refs.keys())
    .sort((x, y) => (weights[y] as number) - (weights[x] as number) || refs[x]!.rank - refs[y]!.rank || x - y)
    .slice(0, MAX_CODES)
    .map((k) => ({
      system: refs[k]!.system,
      code: refs[k]!.code,
      display: refs[k]!.display,
      score: weights[k] as number,
    }));
}

const NON_WORD = /[^\p{L}\p{N}]+/gu;

/** The string fuzzy matching compares: case and diacritics folded, words of letters and digits. */
export function fuzzyTermKey(text: string): string {
  return foldText(text).replace(NON_WORD, ' ').trim();
}

/**
 * Distinct character trigrams of ` key ` (padded), as small integers: ten bits per UTF-16 code unit
 * (units above 1023 fold onto others, which only blurs the similarity of rare scripts a little).
 */
export function trigramCodes(key: string): number[] {
  const p = ` ${key} `;
  const out: number[] = [];
  for (let i = 0; i + 3 <= p.length; i++) {
    const g =
      ((p.charCodeAt(i) & 1023) << 20) | ((p.charCodeAt(i + 1) & 1023) << 10) | (p.charCodeAt(i + 2) & 1023);
    if (!out.includes(g)) out.push(g);
  }
  return out;
}

/**
 * Pack terms of some semantic types by character trigram: each distinct term (`fuzzyTermKey`) with the concepts that have it, and posting lists trigram -> terms (compressed rows).
 * Built once per pack and type set (see `termIndex`); a query reads only the lists of its trigrams.
 */
export class TermIndex {
  readonly keys: string[] = [];
  /** Concepts of each term. */
  readonly concepts: number[][] = [];
  /** The term as written in the pack, for `matched.term`. */
  readonly terms: string[] = [];
  /** Distinct trigrams of each term. */
  readonly sizes: Uint16Array;
  readonly #gramIds = new Map<number, number>();
  readonly #start: Uint32Array;
  readonly #postings: Uint32Array;
  readonly #counts: Uint16Array;

  constructor(pack: Pack, types: readonly string[]) {
    const a = pack.a;
    const wanted = new Uint8Array(SEMANTIC_TYPES.length);
    for (const t of types) {
      const k = SEMANTIC_TYPES.indexOf(t as (typeof SEMANTIC_TYPES)[number]);
      if (k >= 0) wanted[k] = 1;
    }
    const byKey = new Map<string, number>();
    // string id of a pack term -> term index + 1 (0: not seen, -1: too short)
    const byTermString = new Int32Array(Math.max(0, a['strings.offsets'].length - 1));
    const entries = a['entries.concept'];
    const conceptTypes = a['concepts.type'];
    const entryTerms = a['entries.term'];
    const gramIds = this.#gramIds;
    let grams = new Int32Array(1 << 20);
    let used = 0;
    const gramStart: number[] = [0];
    for (let e = 0; e < entries.length; e++) {
      const c = entries[e] as number;
      if (!wanted[conceptTypes[c] as number]) continue;
      const termId = entryTerms[e] as number;
      let t = (byTermString[termId] as number) - 1;
      if (t === -1) {
        const term = pack.string(termId);
        const key = fuzzyTermKey(term);
        if (key.length < 4) {
          byTermString[termId] = -1;
          continue;
        }
        const known = byKey.get(key);
        if (known === undefined) {
          t = this.keys.length;
          byKey.set(key, t);
          this.keys.push(key);
          this.terms.push(term);
          this.concepts.push([]);
          const codes = trigramCodes(key);
          if (used + codes.length > grams.length) {
            const bigger = new Int32Array(grams.length * 2);
            bigger.set(grams);
            grams = bigger;
          }
          for (const g of codes) {
            let id = gramIds.get(g);
            if (id === undefined) {
              id = gramIds.size;
              gramIds.set(g, id);
            }
            grams[used++] = id;
          }
          gramStart.push(used);
        } else t = known;
        byTermString[termId] = t + 1;
      }
      if (t < 0) continue;
      const list = this.concepts[t] as number[];
      if (!list.includes(c)) list.push(c);
    }
    const n = this.keys.length;
    this.sizes = new Uint16Array(n);
    const counts = new Uint32Array(gramIds.size + 1);
    for (let t = 0; t < n; t++) {
      this.sizes[t] = Math.min(65535, (gramStart[t + 1] as number) - (gramStart[t] as number));
      for (let k = gramStart[t] as number; k < (gramStart[t + 1] as number); k++) {
        counts[(grams[k] as number) + 1] = (counts[(grams[k] as number) + 1] as number) + 1;
      }
    }
    for (let g = 1; g < counts.length; g++) counts[g] = (counts[g] as number) + (counts[g - 1] as number);
    this.#start = counts;
    this.#postings = new Uint32Array(used);
    const fill = counts.slice(0, counts.length - 1);
    for (let t = 0; t < n; t++) {
      for (let k = gramStart[t] as number; k < (gramStart[t + 1] as number); k++) {
        const g = grams[k] as number;
        this.#postings[fill[g] as number] = t;
        fill[g] = (fill[g] as number) + 1;
      }
    }
    this.#counts = new Uint16Array(n);
  }

  /** Terms whose trigram cosine with `key` is at least `cutoff`, best first (at most `limit`). */
  search(key: string, cutoff: number, limit: number): { term: number; similarity: number }[] {
    const grams = trigramCodes(key);
    const x = grams.length;
    if (x === 0 || cutoff <= 0) return [];
    const minSize = Math.ceil(cutoff * cutoff * x);
    const maxSize = Math.floor(x / (cutoff * cutoff));
    const counts = this.#counts;
    const postings = this.#postings;
    const sizes = this.sizes;
    const touched: number[] = [];
    for (const code of grams) {
      const g = this.#gramIds.get(code);
      if (g === undefined) continue;
      const end = this.#start[g + 1] as number;
      for (let k = this.#start[g] as number; k < end; k++) {
        const t = postings[k] as number;
        const y = sizes[t] as number;
        if (y < minSize || y > maxSize) continue;
        if (counts[t] === 0) touched.push(t);
        counts[t] = (counts[t] as number) + 1;
      }
    }
    const hits: { term: number; similarity: number }[] = [];
    for (const t of touched) {
      const sim = (counts[t] as number) / Math.sqrt(x * (sizes[t] as number));
      counts[t] = 0;
      if (sim >= cutoff) hits.push({ term: t, similarity: sim });
    }
    hits.sort((p, q) => q.similarity - p.similarity || p.term - q.term);
    return hits.slice(0, limit);
  }
}

const termIndexes = new WeakMap<Pack, Map<string, TermIndex>>();

/** The trigram index of a pack's terms of some types (built on first use, kept with the pack). */
export function termIndex(pack: Pack, types: readonly string[]): TermIndex {
  const key = [...types].sort().join(',');
  let byTypes = termIndexes.get(pack);
  if (!byTypes) {
    byTypes = new Map();
    termIndexes.set(pack, byTypes);
  }
  let index = byTypes.get(key);
  if (!index) {
    index = new TermIndex(pack, types);
    byTypes.set(key, index);
  }
  return index;
}

/** "long form (SF)" definitions in a note, where the long form is one of the mentions. */
export function shortFormDefinitions(text: string, mentions: readonly LinkMention[]): Map<string, number> {
  const defs = new Map<string, number>();
  for (const [i, m] of mentions.entries()) {
    const after = /^\s*\(\s*([^()\s][^()]{0,9}?)\s*\)/u.exec(text.slice(m.end, m.end + 16));
    if (!after) continue;
    const short = after[1] as string;
    if (defs.has(short) || !isShortFormOf(short.replace(/\s+/g, ''), text.slice(m.start, m.end))) continue;
    defs.set(short, i);
  }
  return defs;
}

export class Linker {
  readonly pack: Pack;
  readonly #matcher: Matcher;
  readonly #types: readonly string[];
  readonly #fuzzyCutoff: number;
  readonly #max: number;

  constructor(pack: Pack, keys: KeyFunctions, options: LinkerOptions) {
    this.pack = pack;
    this.#types = options.types.filter((t) => (SEMANTIC_TYPES as readonly string[]).includes(t));
    this.#matcher = new Matcher(pack, keys, {
      types: this.#types,
      maxCandidates: 8,
      localAbbreviations: false,
      component: 'ner',
    });
    this.#fuzzyCutoff = options.fuzzyCutoff ?? DEFAULT_FUZZY_CUTOFF;
    this.#max = options.maxCandidates ?? 5;
  }

  /**
   * Candidates of each mention, ranked (best first; empty when nothing fits). `mentions` must be
   * sorted by start; `doc.tokens` is the note's token layer.
   */
  linkAll(doc: LinkDocument, mentions: readonly LinkMention[]): LinkCandidate[][] {
    const out: LinkCandidate[][] = [];
    const { tokens } = doc;
    let k = 0;
    for (const m of mentions) {
      while (k > 0 && (tokens[k - 1] as Token).end > m.start) k--;
      while (k < tokens.length && (tokens[k] as Token).end <= m.start) k++;
      let j = k;
      while (j < tokens.length && (tokens[j] as Token).start < m.end) j++;
      out.push(this.#link(doc, m, tokens.slice(k, j)));
    }
    // a short form defined in the note ("long form (SF)", the long form a mention) takes its candidates
    const defs = shortFormDefinitions(doc.text, mentions);
    if (defs.size > 0) {
      for (const [i, m] of mentions.entries()) {
        const long = defs.get(doc.text.slice(m.start, m.end));
        if (long === undefined || long === i || mentions[long]?.type !== m.type) continue;
        const own = out[i] as LinkCandidate[];
        const from = out[long] as LinkCandidate[];
        if (from.length === 0) continue;
        // a definition in the note outranks the pack's own senses of the short form
        out[i] = rank(
          [
            ...from.map((c) => ({
              ...c,
              score: round(c.score * LOCAL_WEIGHT),
              method: 'local-abbreviation' as const,
              term: doc.text.slice(
                (mentions[long] as LinkMention).start,
                (mentions[long] as LinkMention).end,
              ),
              source: 'note',
            })),
            ...own.map((c) => ({ ...c, score: round(c.score * OUTRANKED) })),
          ],
          this.#max,
        );
      }
    }
    return out;
  }

  #link(doc: LinkDocument, m: LinkMention, tokens: readonly Token[]): LinkCandidate[] {
    if (tokens.length === 0 || !this.#types.includes(m.type)) return [];
    const found: LinkCandidate[] = [];
    const concepts = this.#matcher.match({
      text: doc.text,
      tokens,
      ...(doc.sentences ? { sentences: doc.sentences } : {}),
      ...(doc.sections ? { sections: doc.sections } : {}),
    });
    const mentionLetters = letterCount(doc.text.slice(m.start, m.end));
    let whole = false;
    for (const c of concepts) {
      const full = c.start <= m.start && c.end >= m.end;
      const rule = c.evidence.rule ?? '';
      const widened = rule.includes('+');
      if (full && !widened) whole = true;
      const method: LinkMethod = full ? wholeMethod(rule) : 'partial';
      const factor = full
        ? widened
          ? WIDENED
          : 1
        : Math.sqrt(Math.min(1, letterCount(c.text) / Math.max(1, mentionLetters)));
      for (const cand of senses(c)) {
        if (cand.type !== m.type) continue;
        found.push({
          ...cand,
          score: round(cand.score * factor * (cand.codes.length > 0 ? 1 : CODELESS)),
          method,
          term: c.matched.term,
          source: c.matched.source,
          rule,
          ...(c.matched.similarity !== undefined ? { similarity: c.matched.similarity } : {}),
        });
      }
    }
    if (!whole && this.#fuzzyCutoff > 0) found.push(...this.#fuzzy(m, doc.text.slice(m.start, m.end)));
    return rank(found, this.#max);
  }

  #fuzzy(m: LinkMention, text: string): LinkCandidate[] {
    const key = fuzzyTermKey(text);
    if (key.length < 4) return [];
    const index = termIndex(this.pack, this.#types);
    const out: LinkCandidate[] = [];
    const pack = this.pack;
    for (const hit of index.search(key, this.#fuzzyCutoff, this.#max * 2)) {
      for (const c of index.concepts[hit.term] as number[]) {
        if (pack.type(c) !== m.type) continue;
        const score = round(hit.similarity * FUZZY_WEIGHT * (pack.codes(c).length > 0 ? 1 : CODELESS));
        const subtype = pack.subtype(c);
        out.push({
          id: pack.conceptId(c),
          type: pack.type(c),
          ...(subtype !== undefined ? { subtype } : {}),
          preferred: pack.preferred(c),
          codes: conceptCodes(pack, c, score),
          score,
          method: 'fuzzy',
          term: index.terms[hit.term] as string,
          source: pack.source(c),
          rule: `pack:${pack.name}@${pack.version}/fuzzy-term`,
          similarity: round(hit.similarity),
        });
      }
    }
    return out;
  }
}

function wholeMethod(rule: string): LinkMethod {
  const r = rule.slice(rule.lastIndexOf('/') + 1);
  if (r.includes('+')) return 'variant';
  if (r === 'original') return 'exact';
  if (r === 'abbreviation') return 'abbreviation';
  if (r === 'fuzzy') return 'fuzzy';
  return 'variant';
}

/** The leading sense of a matcher concept and its other senses. */
function senses(c: Concept): {
  id: string;
  type: string;
  subtype?: string;
  preferred: string;
  codes: readonly Code[];
  score: number;
}[] {
  const out: {
    id: string;
    type: string;
    subtype?: string;
    preferred: string;
    codes: readonly Code[];
    score: number;
  }[] = [];
  if (c.id !== undefined) {
    out.push({
      id: c.id,
      type: c.type,
      ...(c.subtype !== undefined ? { subtype: c.subtype } : {}),
      preferred: c.preferred ?? c.text,
      codes: c.codes,
      score: c.score,
    });
  }
  for (const o of c.candidates ?? []) {
    out.push({ id: o.id, type: o.type, preferred: o.preferred, codes: o.codes, score: o.score });
  }
  return out;
}

/** Best first, one per concept id, at most `max`. */
function rank(list: readonly LinkCandidate[], max: number): LinkCandidate[] {
  const best = new Map<string, LinkCandidate>();
  for (const c of list) {
    const prev = best.get(c.id);
    if (!prev || c.score > prev.score) best.set(c.id, c);
  }
  return [...best.values()].sort((a, b) => b.score - a.score).slice(0, max);
}
