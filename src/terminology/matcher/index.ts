/**
 * The dictionary matcher: note tokens -> token keys -> pack token ids -> a walk down the pack's trie
 * from every token. The longest valid match from each start is a candidate; overlapping candidates
 * are resolved longest first, then leftmost. Each kept match becomes a Concept: the entries of the
 * trie node are scored (variant penalty, term kind, section prior, abbreviation cues, fuzzy
 * similarity), the best concept leads, the others are ranked candidates, and the codes of the
 * leading concept, of the concepts linked to it and of the other same-type senses are merged.
 */
import type { Code, Concept, ConceptCandidate, Section, Sentence, Token } from '../../doc/types.js';
import { ENTRY_ABBREV, ENTRY_AMBIGUOUS, ENTRY_CAPS, SEMANTIC_TYPES, TERM_KINDS } from '../pack/format.js';
import type { KeyFunctions } from '../pack/keys.js';
import type { Pack, PackCode } from '../pack/pack.js';
import { FuzzyIndex } from './fuzzy.js';
import { DOSE_UNITS, KIND_WEIGHT, sectionPrior } from './priors.js';

declare module '../../doc/types.js' {
  interface Concept {
    /** Pack id of the leading concept, e.g. `doid:9352`. */
    readonly id?: string;
    /** Preferred name of the leading concept. */
    readonly preferred?: string;
    /** Finer type: disorder, finding, symptom (problems); ingredient (drugs); ... */
    readonly subtype?: string;
  }
}

export interface FuzzyOptions {
  /** Least similarity of a misspelled token to a pack token (0..1). Default 0.85. */
  readonly threshold?: number;
  /** Shortest token looked up. Default 5. */
  readonly minLength?: number;
}

export interface MatcherOptions {
  /** Semantic types to report (default: all but `other`). */
  readonly types?: readonly string[];
  /** Approximate matching of misspelled tokens; off when absent. */
  readonly fuzzy?: FuzzyOptions;
  /** Most candidates kept per mention (default 4). */
  readonly maxCandidates?: number;
  /**
   * Abbreviations defined in the note, "long form (SF)", apply to every use of SF in the note, and a
   * long form the pack does not know keeps SF from a disease reading (default true).
   */
  readonly localAbbreviations?: boolean;
  /**
   * Widen problem mentions over what belongs to the name: origin modifiers before it ("familial",
   * "X-linked"), "type 2" before or after it, and a coordinated head ("breast and ovarian cancer")
   * when the other conjunct is a term too. Default true.
   */
  readonly extend?: boolean;
  /** Evidence component name (default `concepts`). */
  readonly component?: string;
}

export interface MatchInput {
  readonly text: string;
  readonly tokens: readonly Token[];
  readonly sentences?: readonly Sentence[];
  readonly sections?: readonly Section[];
}

export type MatcherKeys = Pick<KeyFunctions, 'tokenKey' | 'similarity' | 'acceptMisspelling'>;

interface Span {
  i: number; // first token
  j: number; // last token
  node: number;
  similarity: number;
}

interface Built {
  concept: Concept | undefined; // undefined: absorbed by a neighbour's extension
  readonly span: Span;
}

interface Sense {
  readonly key: string;
  readonly hits: number;
  readonly concepts: Set<number>;
}

interface Scored {
  concept: number;
  entry: number;
  score: number;
}

/** Token ids of the walk: pack token ids are >= 0. */
const UNKNOWN = -1;
const IGNORED = -2;
const OPEN = -3;
const CLOSE = -4;
const BREAK = -5;

/**
 * Note tokens whose key is '' are ignored (hyphens, slashes, quotes), except brackets, which bound
 * terms, and list punctuation, which ends them (", ; :": "nausea, and vomiting" is two mentions).
 */
function punctuationId(c: number): number {
  if (c === 40 || c === 91 || c === 123) return OPEN; // ( [ {
  if (c === 41 || c === 93 || c === 125) return CLOSE; // ) ] }
  if (c === 44 || c === 59 || c === 58) return BREAK; // , ; :
  return IGNORED;
}

/** Tokens on each side of an ambiguous abbreviation searched for its senses' cue words. */
const CUE_WINDOW = 40;
const LINKED_CODE_WEIGHT = 0.9;
/** Score share of a sense of an ambiguous abbreviation that lost to another (a candidate only). */
const MIN_SENSE_SHARE = 0.1;
const MAX_CODES = 12;
const MAX_CANDIDATE_CODES = 4;
/** A same-type candidate this close to the leading one names the same thing: its codes are merged. */
const SAME_SENSE = 0.75;
/** Words of a disease name that tell its origin or form, not its severity: kept in the mention. */
const MODIFIERS = `hereditary familial inherited sporadic congenital classical classic isolated primary
  idiopathic juvenile infantile childhood pediatric adult neonatal genetic autosomal dominant recessive
  metastatic malignant benign solid`.split(/\s+/);
const CONJUNCTIONS = ['and', 'or', '&'];
/** The value after "type": 2, II, 1B, IID. */
const TYPE_VALUE = /^(?:\d{1,2}[a-z]?|[ivx]{1,4}[a-d]?|[a-d])$/;
const LOWER = /\p{Ll}/u;
/** The shape of a short form defined in the note: "CT", "A-T", "G6PD". */
const SHORT_FORM = /^[\p{L}\p{N}][\p{L}\p{N}-]{1,9}$/u;
const LETTER = /\p{L}/u;
const round = (x: number): number => Math.round(x * 1000) / 1000;

export class Matcher {
  readonly pack: Pack;
  readonly #keys: MatcherKeys;
  readonly #types: Uint8Array; // by type index: 1 = reported
  readonly #fuzzy: FuzzyIndex | undefined;
  readonly #threshold: number;
  readonly #maxCandidates: number;
  readonly #local: boolean;
  readonly #extend: boolean;
  readonly #modifiers: ReadonlySet<string>;
  readonly #conjunctions: ReadonlySet<string>;
  readonly #cellKey: string;
  readonly #kindWeight: Float64Array;
  readonly #component: string;
  readonly #rulePrefix: string;
  readonly #memo = new NormMemo((norm) => {
    const key = this.#keys.tokenKey(norm);
    return key === '' ? IGNORED : this.pack.tokenId(key);
  });
  readonly #spelledTerms = new Map<number, string>();
  readonly #typeIndex: Uint8Array;

  constructor(pack: Pack, keys: MatcherKeys, options: MatcherOptions = {}) {
    this.pack = pack;
    this.#keys = keys;
    const wanted = new Set(options.types ?? SEMANTIC_TYPES.filter((t) => t !== 'other'));
    this.#types = Uint8Array.from(SEMANTIC_TYPES, (t) => (wanted.has(t) ? 1 : 0));
    this.#typeIndex = pack.a['concepts.type'];
    const minLength = options.fuzzy?.minLength ?? 5;
    this.#threshold = options.fuzzy?.threshold ?? 0.85;
    this.#fuzzy = options.fuzzy
      ? new FuzzyIndex(pack, {
          minLength,
          ...(keys.similarity ? { similarity: keys.similarity } : {}),
          ...(keys.acceptMisspelling ? { accept: keys.acceptMisspelling } : {}),
        })
      : undefined;
    this.#maxCandidates = options.maxCandidates ?? 4;
    this.#local = options.localAbbreviations ?? true;
    this.#extend = options.extend ?? true;
    this.#modifiers = new Set(MODIFIERS.map((m) => keys.tokenKey(m)));
    this.#conjunctions = new Set(CONJUNCTIONS.map((m) => keys.tokenKey(m)));
    this.#cellKey = keys.tokenKey('cells');
    this.#kindWeight = Float64Array.from(TERM_KINDS, (k) => KIND_WEIGHT[k] ?? 0.9);
    this.#component = options.component ?? 'concepts';
    this.#rulePrefix = `pack:${pack.name}@${pack.version}/`;
  }

  /** Pack token id of a note token's norm: -1 unknown, -2 ignored (its key is empty). */
  tokenId(norm: string): number {
    return this.#memo.get(norm);
  }

  match(input: MatchInput): Concept[] {
    const { tokens, text } = input;
    const n = tokens.length;
    if (n === 0) return [];
    const ids = new Int32Array(n);
    for (let k = 0; k < n; k++) {
      const t = tokens[k]!;
      const norm = t.norm;
      if (norm.length === 1 && (t.kind === 'punct' || t.kind === 'symbol')) {
        const c = norm.charCodeAt(0);
        ids[k] = (c >= 48 && c <= 57) || (c >= 97 && c <= 122) ? this.tokenId(norm) : punctuationId(c);
        continue;
      }
      ids[k] = this.tokenId(norm);
    }
    const spans: Span[] = [];
    for (let i = 0; i < n; i++) {
      const span = this.#longestFrom(i, ids, tokens, text);
      if (span) spans.push(span);
    }
    // longest first, then leftmost
    spans.sort((a, b) => b.j - b.i - (a.j - a.i) || a.i - b.i);
    const taken = new Uint8Array(n);
    const kept: Span[] = [];
    for (const s of spans) {
      let free = true;
      for (let k = s.i; k <= s.j && free; k++) if (taken[k]) free = false;
      if (!free) continue;
      taken.fill(1, s.i, s.j + 1);
      kept.push(s);
    }
    kept.sort((a, b) => a.i - b.i);
    const built: Built[] = [];
    const owner = new Int32Array(n).fill(-1);
    for (const s of kept) {
      const c = this.#toConcept(s, ids, input);
      if (!c) {
        taken.fill(0, s.i, s.j + 1);
        continue;
      }
      owner.fill(built.length, s.i, s.j + 1);
      built.push({ concept: c, span: s });
    }
    if (this.#extend) {
      for (const [b, item] of built.entries()) {
        if (item.concept?.type === 'problem') this.#extendProblem(b, built, ids, input, taken, owner);
      }
    }
    const out: Concept[] = [];
    for (const b of built) if (b.concept) out.push(b.concept);
    return this.#local ? this.#localAbbreviations(out, input, taken) : out;
  }

  #longestFrom(i: number, ids: Int32Array, tokens: readonly Token[], text: string): Span | undefined {
    const first = ids[i]!;
    if (first >= 0) return this.#walk(i, first, 1, ids, tokens, text);
    if (first !== UNKNOWN || !this.#fuzzy || tokens[i]!.kind !== 'word') return undefined;
    let best: Span | undefined;
    for (const hit of this.#fuzzyHits(tokens[i]!.norm)) {
      const s = this.#walk(i, hit.token, hit.similarity, ids, tokens, text);
      if (s && (!best || s.j > best.j)) best = s;
    }
    return best;
  }

  /** The longest valid match from token i, whose pack token is `first` (similarity `firstSim`). */
  #walk(
    i: number,
    first: number,
    firstSim: number,
    ids: Int32Array,
    tokens: readonly Token[],
    text: string,
  ): Span | undefined {
    const pack = this.pack;
    let node = pack.child(0, first);
    if (node === 0) return undefined;
    const n = ids.length;
    const sentence = tokens[i]!.sentence;
    let best: Span | undefined;
    let j = i;
    let chars = tokens[i]!.norm.length;
    let weighted = firstSim * chars;
    for (;;) {
      if (pack.hasEntries(node)) {
        const similarity = weighted / chars;
        if (this.#valid(node, tokens[i]!.start, tokens[j]!.end, text, similarity))
          best = { i, j, node, similarity };
      }
      // punctuation is transparent, but a bracket ends the term unless a short parenthesis sits
      // inside it: "glucose-6-phosphate dehydrogenase (G6PD) deficiency"
      let k = j + 1;
      while (k < n && ids[k] === IGNORED) k++;
      if (k >= n || (sentence !== -1 && tokens[k]!.sentence !== sentence)) break;
      let t = ids[k]!;
      if (t === CLOSE || t === BREAK) break;
      if (t === OPEN) {
        k = skipParenthesis(k, tokens, ids, sentence);
        if (k < 0) break;
        t = ids[k]!;
      }
      let next = t >= 0 ? pack.child(node, t) : 0;
      let sim = 1;
      if (next === 0 && t === UNKNOWN && this.#fuzzy && tokens[k]!.kind === 'word') {
        for (const hit of this.#fuzzyHits(tokens[k]!.norm)) {
          next = pack.child(node, hit.token);
          if (next !== 0) {
            sim = hit.similarity;
            break;
          }
        }
      }
      if (next === 0) break;
      node = next;
      j = k;
      const len = tokens[k]!.norm.length;
      weighted += sim * len;
      chars += len;
    }
    return best;
  }

  /**
   * See MatcherOptions.extend. Extends over tokens no other mention holds, or that a one-token
   * mention of another type holds ("breast" in "breast and ovarian cancer"), within the sentence.
   */
  #extendProblem(
    b: number,
    built: Built[],
    ids: Int32Array,
    input: MatchInput,
    taken: Uint8Array,
    owner: Int32Array,
  ): void {
    const { tokens, text } = input;
    const c = built[b]!.concept!;
    const s = built[b]!.span;
    const sentence = tokens[s.i]!.sentence;
    const usable = (k: number): boolean => {
      if (k < 0 || k >= tokens.length || (sentence !== -1 && tokens[k]!.sentence !== sentence)) return false;
      const o = owner[k]!;
      if (o === -1) return !taken[k];
      const other = built[o]!;
      return (
        other.concept !== undefined &&
        other.concept.type !== 'problem' &&
        other.span.i === k &&
        other.span.j === k
      );
    };
    const key = (k: number): string => this.#keys.tokenKey(tokens[k]!.norm);
    let i = s.i;
    let j = s.j;
    const rules: string[] = [];
    // a coordinated modifier: "breast and ovarian cancer", "breast/ovarian cancer"
    for (let guard = 0; guard < 4; guard++) {
      let p = i - 1;
      let conj = 0;
      while (
        usable(p) &&
        conj < 3 &&
        (ids[p] === IGNORED || ids[p] === BREAK || this.#conjunctions.has(key(p)))
      ) {
        p--;
        conj++;
      }
      if (conj === 0 || !usable(p) || ids[p]! < 0 || !this.#isProblemPath(ids[p]!, i + 1, s.j, ids)) break;
      i = p;
      rules.push('coordination');
    }
    // origin modifiers and "type N" before the name
    for (let guard = 0; guard < 4; guard++) {
      const p = i - 1;
      if (usable(p) && this.#modifiers.has(key(p))) {
        i = p;
        rules.push('modifier');
      } else if (usable(p) && usable(p - 1) && TYPE_VALUE.test(tokens[p]!.norm) && key(p - 1) === 'type') {
        i = p - 1;
        rules.push('type');
      } else if (usable(p) && usable(p - 2) && tokens[p]!.norm === 'linked' && tokens[p - 2]!.norm === 'x') {
        i = p - 2;
        rules.push('modifier');
      } else break;
    }
    // "type N" after the name
    if (usable(j + 1) && usable(j + 2) && key(j + 1) === 'type' && TYPE_VALUE.test(tokens[j + 2]!.norm)) {
      j += 2;
      rules.push('type');
    }
    if (i === s.i && j === s.j) return;
    for (let k = i; k <= j; k++) {
      const o = owner[k]!;
      if (o !== -1 && o !== b) built[o]!.concept = undefined;
      owner[k] = b;
      taken[k] = 1;
    }
    const start = tokens[i]!.start;
    const end = tokens[j]!.end;
    built[b]!.concept = {
      ...c,
      start,
      end,
      text: text.slice(start, end),
      ...(tokens[i]!.sentence >= 0 ? { sentence: tokens[i]!.sentence } : {}),
      evidence: { ...c.evidence, rule: `${c.evidence.rule}+${[...new Set(rules)].join('+')}` },
    };
  }

  /** Key of the first term token after token j (in the same sentence), or ''. */
  #nextKey(j: number, ids: Int32Array, tokens: readonly Token[]): string {
    let k = j + 1;
    while (k < ids.length && ids[k] === IGNORED) k++;
    const t = tokens[k];
    return t && t.sentence === tokens[j]!.sentence ? this.#keys.tokenKey(t.norm) : '';
  }

  /** Does the token `first` followed by tokens from..to (ignored ones skipped) spell a problem term? */
  #isProblemPath(first: number, from: number, to: number, ids: Int32Array): boolean {
    const pack = this.pack;
    let node = pack.child(0, first);
    for (let k = from; k <= to && node !== 0; k++) {
      const t = ids[k]!;
      if (t === IGNORED) continue;
      node = t >= 0 ? pack.child(node, t) : 0;
    }
    if (node === 0) return false;
    const a = pack.a;
    const problem = SEMANTIC_TYPES.indexOf('problem');
    for (let e = a['trie.entryStart'][node]!; e < a['trie.entryStart'][node + 1]!; e++) {
      if (this.#typeIndex[a['entries.concept'][e]!] === problem && !(a['entries.flags'][e]! & ENTRY_CAPS))
        return true;
    }
    return false;
  }

  #fuzzyHits(norm: string): { token: number; similarity: number }[] {
    const key = this.#keys.tokenKey(norm);
    if (!key || !this.#fuzzy) return [];
    return [...this.#fuzzy.lookup(key, this.#threshold)];
  }

  /** Does any entry of the node apply to this text span? */
  #valid(node: number, start: number, end: number, text: string, similarity: number): boolean {
    const a = this.pack.a;
    const from = a['trie.entryStart'][node]!;
    const to = a['trie.entryStart'][node + 1]!;
    let caps: boolean | undefined;
    for (let e = from; e < to; e++) {
      if (!this.#types[this.#typeIndex[a['entries.concept'][e]!]!]) continue;
      if (a['entries.flags'][e]! & ENTRY_CAPS) {
        if (similarity < 1) continue;
        caps ??= isCaps(text, start, end);
        if (!caps || !this.#spelled(e, text, start, end)) continue;
      }
      return true;
    }
    return false;
  }

  /**
   * A capitals-only acronym matches only as spelled: its letters and digits are those of the note
   * ("CTS" does not match "CT", whose token key is the same singular).
   */
  #spelled(e: number, text: string, start: number, end: number): boolean {
    const id = this.pack.a['entries.term'][e]!;
    let spelled = this.#spelledTerms.get(id);
    if (spelled === undefined) {
      spelled = alnumUpper(this.pack.string(id));
      this.#spelledTerms.set(id, spelled);
    }
    return alnumUpper(text.slice(start, end)) === spelled;
  }

  /**
   * The senses of an ambiguous abbreviation at this node (entries of the abbreviation list marked
   * ambiguous), with the number of their cue words around the mention. Undefined when none applies
   * (no such entry, or the note does not write the abbreviation in capitals as listed).
   */
  #senses(
    s: Span,
    from: number,
    to: number,
    ids: Int32Array,
    input: MatchInput,
    sectionIndex: number | undefined,
  ): Sense[] | undefined {
    const pack = this.pack;
    const a = pack.a;
    const { text, tokens } = input;
    const start = tokens[s.i]!.start;
    const end = tokens[s.j]!.end;
    let senses: Sense[] | undefined;
    let present: Set<number> | undefined;
    let caps: boolean | undefined;
    for (let e = from; e < to; e++) {
      const f = a['entries.flags'][e]!;
      if ((f & (ENTRY_ABBREV | ENTRY_AMBIGUOUS)) !== (ENTRY_ABBREV | ENTRY_AMBIGUOUS)) continue;
      if (f & ENTRY_CAPS) {
        if (s.similarity < 1) continue;
        caps ??= isCaps(text, start, end);
        if (!caps || !this.#spelled(e, text, start, end)) continue;
      }
      const ai = pack.abbrevIndex(e);
      if (ai < 0) continue;
      const cues = pack.abbrevCues(ai);
      const key = `${pack.abbrevPrior(ai)}:${cues.join(',')}`;
      senses ??= [];
      let sense = senses.find((x) => x.key === key);
      if (!sense) {
        present ??= this.#windowIds(s, ids, input, sectionIndex);
        let hits = 0;
        for (const c of new Set(cues)) if (present.has(c)) hits++;
        sense = { key, hits, concepts: new Set() };
        senses.push(sense);
      }
      sense.concepts.add(a['entries.concept'][e]!);
    }
    return senses;
  }

  #toConcept(s: Span, ids: Int32Array, input: MatchInput): Concept | undefined {
    const { tokens, text } = input;
    const pack = this.pack;
    const a = pack.a;
    const start = tokens[s.i]!.start;
    const end = tokens[s.j]!.end;
    const sentenceIndex = tokens[s.i]!.sentence;
    const sectionIndex = sectionOf(input, sentenceIndex, start);
    const category = sectionIndex === undefined ? undefined : input.sections?.[sectionIndex]?.category;
    const from = a['trie.entryStart'][s.node]!;
    const to = a['trie.entryStart'][s.node + 1]!;
    let caps: boolean | undefined;
    // context: a number right after the term reads as a lab value, a dose unit as a drug
    let ctxLab = 1;
    let ctxMed = 1;
    const after = tokens[s.j + 1];
    if (after && (after.kind === 'number' || after.kind === 'measure')) {
      if (after.unit && DOSE_UNITS.has(after.unit.toLowerCase())) ctxMed = 1.3;
      else ctxLab = 1.3;
    }
    // An ambiguous abbreviation (MS, PE, CA) resolves by the cue words of its senses around the
    // mention: the best sense must have a cue and beat every other sense by a margin (more cues, and
    // at least twice as many). Otherwise the context is silent or split and the mention stays
    // unresolved: no concept. Entries of the node that are not senses of the list (an acronym
    // synonym of another concept) are not readings of it.
    const senses = this.#senses(s, from, to, ids, input, sectionIndex);
    let senseWeight: Map<number, number> | undefined; // concept -> cue share of the best sense
    let winner: Sense | undefined;
    let runnerUp = 0;
    if (senses) {
      senses.sort((x, y) => y.hits - x.hits);
      winner = senses[0]!;
      runnerUp = senses[1]?.hits ?? 0;
      if (winner.hits === 0 || winner.hits <= runnerUp || winner.hits < 2 * runnerUp) return undefined;
      senseWeight = new Map();
      for (const sense of senses) {
        for (const c of sense.concepts) {
          // the other senses stay as candidates, ranked by their cues, far below the winner
          const w = sense === winner ? 1 : Math.max(MIN_SENSE_SHARE, (0.5 * sense.hits) / winner.hits);
          if (w > (senseWeight.get(c) ?? -1)) senseWeight.set(c, w);
        }
      }
    }
    const scored: Scored[] = [];
    const byConcept = new Map<number, number>();
    for (let e = from; e < to; e++) {
      const c = a['entries.concept'][e]!;
      const typeNo = this.#typeIndex[c]!;
      if (!this.#types[typeNo]) continue;
      const flags = a['entries.flags'][e]!;
      if (flags & ENTRY_CAPS) {
        if (s.similarity < 1) continue;
        caps ??= isCaps(text, start, end);
        if (!caps || !this.#spelled(e, text, start, end)) continue;
      }
      const share = senseWeight ? senseWeight.get(c) : 1;
      if (share === undefined || share === 0) continue;
      const type = SEMANTIC_TYPES[typeNo]!;
      let score =
        (1 - a['entries.penalty'][e]! / 100) *
        this.#kindWeight[a['entries.kind'][e]!]! *
        sectionPrior(category, type) *
        s.similarity;
      if (type === 'lab') score *= ctxLab;
      else if (type === 'medication') score *= ctxMed;
      score *= share;
      const prev = byConcept.get(c);
      if (prev === undefined) {
        byConcept.set(c, scored.length);
        scored.push({ concept: c, entry: e, score });
      } else if (score > scored[prev]!.score) scored[prev] = { concept: c, entry: e, score };
    }
    if (scored.length === 0) return undefined;
    // stable: equal scores keep the pack's ranking; the winning sense of an abbreviation leads
    if (winner) {
      const w = winner.concepts;
      scored.sort((x, y) => Number(w.has(y.concept)) - Number(w.has(x.concept)) || y.score - x.score);
      // the winning sense is not reported (a role, a unit, an exam: type `other`): no mention
      if (!w.has(scored[0]!.concept)) return undefined;
    } else scored.sort((x, y) => y.score - x.score);
    const top = scored[0]!;
    const topType = pack.type(top.concept);
    // "tumor cells", "leukemia cells": a cell population, not the disease
    if (topType === 'problem' && this.#nextKey(s.j, ids, tokens) === this.#cellKey) return undefined;
    const score = round(Math.min(1, top.score));
    // codes: the leading concept's, its linked concepts', and those of close same-type senses
    const refs: PackCode[] = [];
    const weights: number[] = [];
    const addCodes = (c: number, w: number): void => {
      for (const code of pack.codes(c)) {
        let k = 0;
        while (k < refs.length && (refs[k]!.code !== code.code || refs[k]!.system !== code.system)) k++;
        if (k === refs.length) {
          if (refs.length < MAX_CODES * 3) {
            refs.push(code);
            weights.push(w);
          }
        } else if (weights[k]! < w) {
          refs[k] = code;
          weights[k] = w;
        }
      }
    };
    const addWithLinks = (c: number, w: number): void => {
      addCodes(c, w);
      for (const l of pack.links(c)) addCodes(l, round(w * LINKED_CODE_WEIGHT));
    };
    addWithLinks(top.concept, score);
    const candidates: ConceptCandidate[] = [];
    for (let k = 1; k < scored.length; k++) {
      const o = scored[k]!;
      const oScore = round(Math.min(1, o.score));
      const oType = pack.type(o.concept);
      if (oType === topType && o.score >= top.score * SAME_SENSE) addWithLinks(o.concept, oScore);
      if (candidates.length < this.#maxCandidates) {
        candidates.push({
          id: pack.conceptId(o.concept),
          type: oType,
          preferred: pack.preferred(o.concept),
          score: oScore,
          codes: pack
            .codes(o.concept)
            .slice(0, MAX_CANDIDATE_CODES)
            .map((code) => ({ system: code.system, code: code.code, display: code.display, score: oScore })),
        });
      }
    }
    // (one code, the common case: nothing to sort)
    const order =
      refs.length === 1
        ? [0]
        : Array.from(refs.keys()).sort(
            (x, y) => weights[y]! - weights[x]! || refs[x]!.rank - refs[y]!.rank || x - y,
          );
    const codeList: Code[] = order.slice(0, MAX_CODES).map((k) => {
      const r = refs[k]!;
      return { system: r.system, code: r.code, display: r.display, score: weights[k]! };
    });
    const subtype = pack.subtype(top.concept);
    const isAbbrev = (a['entries.flags'][top.entry]! & ENTRY_ABBREV) !== 0;
    // built key by key (the order of the output), not with conditional spreads: fewer objects
    const matched: { term: string; source: string; similarity?: number } = {
      term: pack.string(a['entries.term'][top.entry]!),
      source: isAbbrev ? 'abbreviations' : pack.source(top.concept),
    };
    if (s.similarity < 1) matched.similarity = round(s.similarity);
    // optional keys spread in place: the key order is the order of the output
    const concept: Concept = {
      start,
      end,
      text: text.slice(start, end),
      type: topType,
      ...(subtype !== undefined ? { subtype } : undefined),
      id: pack.conceptId(top.concept),
      preferred: pack.preferred(top.concept),
      codes: codeList,
      matched,
      score,
      ...(candidates.length > 0 ? { candidates } : undefined),
      ...(sectionIndex !== undefined ? { section: sectionIndex } : undefined),
      ...(sentenceIndex >= 0 ? { sentence: sentenceIndex } : undefined),
      evidence: {
        component: this.#component,
        rule: this.#rulePrefix + (s.similarity < 1 ? 'fuzzy' : pack.rule(top.entry)),
        // how the sense of an ambiguous abbreviation was chosen: its cue words against the runner-up's
        ...(winner ? { detail: `cues ${winner.hits}:${runnerUp}` } : undefined),
      },
    };
    return concept;
  }

  /** Pack token ids around a span, within its section. */
  #windowIds(s: Span, ids: Int32Array, input: MatchInput, sectionIndex: number | undefined): Set<number> {
    const { tokens } = input;
    const section = sectionIndex === undefined ? undefined : input.sections?.[sectionIndex];
    const set = new Set<number>();
    const lo = Math.max(0, s.i - CUE_WINDOW);
    const hi = Math.min(tokens.length - 1, s.j + CUE_WINDOW);
    for (let k = lo; k <= hi; k++) {
      if (k >= s.i && k <= s.j) continue;
      const t = tokens[k]!;
      if (section && (t.start < section.start || t.end > section.end)) continue;
      if (ids[k]! >= 0) set.add(ids[k]!);
    }
    return set;
  }

  /** Does the concept's preferred name share a word (of 4+ letters, by token key) with these? */
  #sharesWord(c: Concept, words: ReadonlySet<string>): boolean {
    for (const w of (c.preferred ?? c.text).split(/[^\p{L}\p{N}]+/u)) {
      const k = w ? this.#keys.tokenKey(w.toLowerCase()) : '';
      if (k.length >= 4 && words.has(k)) return true;
    }
    return false;
  }

  /**
   * Abbreviations defined in the note, "long form (SF)": the long form is the shortest run of words
   * before the parenthesis whose letters spell SF (Schwartz-Hearst: the first letter at a word
   * start, the others in order). Every use of SF in the note (the parenthesis included) then takes
   * the concept that names the long form ("pulmonary embolism (PE)"), or, when no concept does
   * ("room air (RA)", a long form the pack does not know), is never read as a problem whose name
   * shares no word with the long form: an in-note definition outranks the pack's disease readings
   * of SF (rheumatoid arthritis for "room air (RA)", pulmonary arterial hypertension for
   * "phenylalanine hydroxylase (PAH)"). Readings of other types stay (the pack's `ECG` for
   * "electrocardiography (ECG)").
   */
  #localAbbreviations(concepts: Concept[], input: MatchInput, taken: Uint8Array): Concept[] {
    const { tokens, text } = input;
    const tokenText = (k: number): string => text.slice(tokens[k]!.start, tokens[k]!.end);
    // the longest concept ending at each offset
    const byEnd = new Map<number, Concept>();
    for (const c of concepts) {
      const prev = byEnd.get(c.end);
      if (!prev || c.start < prev.start) byEnd.set(c.end, c);
    }
    // short forms as token texts joined by a space ("A - T" and "A-T" alike), to their definition
    const defs = new Map<string, { concept: Concept | undefined; length: number; words: Set<string> }>();
    for (let open = 1; open < tokens.length; open++) {
      if (tokens[open]!.norm !== '(') continue;
      let close = open + 1;
      while (close < tokens.length && close <= open + 4 && tokens[close]!.norm !== ')') close++;
      if (tokens[close]?.norm !== ')' || close === open + 1) continue;
      const parts: string[] = [];
      for (let p = open + 1; p < close; p++) parts.push(tokenText(p));
      const key = parts.join(' ');
      const short = parts.join('');
      if (defs.has(key) || !SHORT_FORM.test(short) || !/\p{Lu}/u.test(short)) continue;
      const last = open - 1;
      const sentence = tokens[open]!.sentence;
      if (tokens[last]!.sentence !== sentence || tokens[last]!.kind === 'punct') continue;
      const first = short[0]!.toLowerCase();
      const maxWords = Math.min(short.length + 5, short.length * 2);
      let words = 0;
      let found = -1;
      for (let p = last; p >= 0 && words < maxWords; p--) {
        const t = tokens[p]!;
        if (t.sentence !== sentence || t.norm === '(' || t.norm === ')') break;
        if (t.kind === 'punct' || t.kind === 'symbol') continue;
        words++;
        if (tokenText(p)[0]!.toLowerCase() !== first) continue;
        if (isShortFormOf(short, text.slice(t.start, tokens[last]!.end))) {
          found = p;
          break;
        }
      }
      if (found < 0) continue;
      // the concept that names the long form: it covers it, or its own words spell the short form
      // ("type 2 diabetes mellitus (DM)"); a concept that names only the end of it ("fever" in
      // "familial Mediterranean fever (FMF)") is not the definition
      const ending = byEnd.get(tokens[last]!.end);
      const named =
        ending && (ending.start <= tokens[found]!.start || isShortFormOf(short, ending.text))
          ? ending
          : undefined;
      const longWords = new Set<string>();
      for (let p = found; p <= last; p++) {
        const k = this.#keys.tokenKey(tokens[p]!.norm);
        if (k.length >= 4) longWords.add(k);
      }
      defs.set(key, { concept: named, length: parts.length, words: longWords });
    }
    if (defs.size === 0) return concepts;
    const firsts = new Set<string>();
    for (const key of defs.keys()) firsts.add(key.split(' ')[0]!);
    const byStart = new Map<number, number>();
    for (const [i, c] of concepts.entries()) byStart.set(c.start, i);
    const out: (Concept | undefined)[] = [...concepts];
    for (let t = 0; t < tokens.length; t++) {
      if (!firsts.has(tokenText(t))) continue;
      for (const [key, def] of defs) {
        const last = t + def.length - 1;
        if (last >= tokens.length) continue;
        const parts: string[] = [];
        for (let p = t; p <= last; p++) parts.push(tokenText(p));
        if (parts.join(' ') !== key) continue;
        const start = tokens[t]!.start;
        const end = tokens[last]!.end;
        const existing = byStart.get(start);
        const sameSpan = existing !== undefined && out[existing]?.end === end;
        if (!def.concept) {
          // defined as something the pack does not know: never a disease reading of the pack, unless
          // its name shares a word with the long form
          const reading = existing !== undefined && sameSpan ? out[existing] : undefined;
          if (existing !== undefined && reading?.type === 'problem' && !this.#sharesWord(reading, def.words))
            out[existing] = undefined;
          break;
        }
        if (!sameSpan && taken.subarray(t, last + 1).some((x) => x === 1)) continue;
        const sentence = tokens[t]!.sentence;
        const section = sectionOf(input, sentence, start);
        const { sentence: _sentence, section: _section, ...base } = def.concept;
        const c: Concept = {
          ...base,
          start,
          end,
          text: text.slice(start, end),
          matched: { term: def.concept.text, source: 'note' },
          evidence: { component: this.#component, rule: `${this.#rulePrefix}local-abbreviation` },
          ...(sentence >= 0 ? { sentence } : {}),
          ...(section !== undefined ? { section } : {}),
        };
        if (sameSpan) out[existing] = c;
        else {
          out.push(c);
          taken.fill(1, t, last + 1);
        }
        break;
      }
    }
    return out
      .filter((c): c is Concept => c !== undefined)
      .sort((a, b) => a.start - b.start || b.end - a.end);
  }
}

/** Most norms memoized (then the memo starts over). */
const MAX_MEMO = 200_000;

/**
 * Norm -> pack token id, memoized in an open-addressing table hashed in JS from the characters: a
 * Map computes V8's hash of every fresh token string and probes out of cache (it was the matcher's
 * hottest line). A slot's hash and value sit side by side; hash 0 marks an empty slot. Same
 * answers as `compute`; starts over past `maxSize` norms. Exported for its tests.
 */
export class NormMemo {
  readonly #compute: (norm: string) => number;
  readonly #maxSize: number;
  #mask = 0;
  #keys: (string | undefined)[] = [];
  /** [hash, value] per slot. */
  #slots = new Int32Array(0);
  #size = 0;

  constructor(compute: (norm: string) => number, maxSize = MAX_MEMO) {
    this.#compute = compute;
    this.#maxSize = maxSize;
    this.#reset(1 << 14);
  }

  get size(): number {
    return this.#size;
  }

  #reset(capacity: number): void {
    this.#mask = capacity - 1;
    this.#keys = new Array<string | undefined>(capacity).fill(undefined);
    this.#slots = new Int32Array(capacity * 2);
    this.#size = 0;
  }

  get(norm: string): number {
    let h = 0x811c9dc5 | 0;
    for (let i = 0; i < norm.length; i++) h = Math.imul(h ^ norm.charCodeAt(i), 0x01000193);
    if (h === 0) h = 1;
    const slots = this.#slots;
    const mask = this.#mask;
    let slot = h & mask;
    for (;;) {
      const hs = slots[slot * 2]!;
      if (hs === 0) break;
      if (hs === h && this.#keys[slot] === norm) return slots[slot * 2 + 1]!;
      slot = (slot + 1) & mask;
    }
    const id = this.#compute(norm);
    if (this.#size >= this.#maxSize) this.#reset(this.#mask + 1);
    else if ((this.#size + 1) * 2 > mask + 1) this.#grow();
    this.#insert(norm, h, id);
    return id;
  }

  #insert(norm: string, h: number, id: number): void {
    const mask = this.#mask;
    const slots = this.#slots;
    let slot = h & mask;
    while (slots[slot * 2] !== 0) slot = (slot + 1) & mask;
    this.#keys[slot] = norm;
    slots[slot * 2] = h;
    slots[slot * 2 + 1] = id;
    this.#size++;
  }

  #grow(): void {
    const keys = this.#keys;
    const slots = this.#slots;
    this.#reset((this.#mask + 1) * 2);
    for (let s = 0; s < keys.length; s++) {
      if (slots[s * 2] !== 0) this.#insert(keys[s]!, slots[s * 2]!, slots[s * 2 + 1]!);
    }
  }
}

/** The first term token after a short parenthesis "( x y )" opening at `open`, or -1. */
function skipParenthesis(open: number, tokens: readonly Token[], ids: Int32Array, sentence: number): number {
  for (let p = open + 1; p < tokens.length && p <= open + 4; p++) {
    if (sentence !== -1 && tokens[p]!.sentence !== sentence) return -1;
    const id = ids[p]!;
    if (id === OPEN) return -1;
    if (id === CLOSE) {
      if (p === open + 1) return -1;
      let k = p + 1;
      while (k < tokens.length && ids[k] === IGNORED) k++;
      return k < tokens.length && ids[k]! >= 0 && (sentence === -1 || tokens[k]!.sentence === sentence)
        ? k
        : -1;
    }
  }
  return -1;
}

function alnumUpper(s: string): string {
  return s.replace(/[^\p{L}\p{N}]/gu, '').toUpperCase();
}

function isCaps(text: string, start: number, end: number): boolean {
  const s = text.slice(start, end);
  return LETTER.test(s) && !LOWER.test(s);
}

/** Schwartz-Hearst: the short form's letters appear in order in the long form, the first at a word start. */
export function isShortFormOf(short: string, long: string): boolean {
  if (short.length < 2 || short.length > 10 || !/^[\p{L}\p{N}][\p{L}\p{N}-]*$/u.test(short)) return false;
  if (!/\p{Lu}/u.test(short) || short.length >= long.length) return false;
  const s = short.toLowerCase();
  const l = long.toLowerCase();
  let li = l.length - 1;
  for (let si = s.length - 1; si >= 0; si--) {
    const ch = s[si]!;
    if (!/[\p{L}\p{N}]/u.test(ch)) continue;
    while (li >= 0 && (l[li] !== ch || (si === 0 && li > 0 && /[\p{L}\p{N}]/u.test(l[li - 1]!)))) li--;
    if (li < 0) return false;
    li--;
  }
  return true;
}

function sectionOf(input: MatchInput, sentence: number, offset: number): number | undefined {
  if (sentence >= 0 && input.sentences) {
    const s = input.sentences[sentence]?.section;
    if (s !== undefined && s >= 0) return s;
  }
  const sections = input.sections;
  if (!sections || sections.length === 0) return undefined;
  let lo = 0;
  let hi = sections.length - 1;
  let found: number | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (sections[mid]!.start <= offset) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found !== undefined && offset < sections[found]!.end ? found : undefined;
}
