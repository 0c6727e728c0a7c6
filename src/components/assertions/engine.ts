/**
 * The ConText engine: finds the cues of a sentence with one walk over its tokens through the rule
 * trie, gives each cue its scope (up to its maximum, a terminator, a cue of the same category or a
 * clause boundary), and asserts targets: every cue whose scope reaches a target gives its category,
 * and the section the sentence is in may add a default. See docs/assertions.md.
 *
 * Callable on its own on a sentence (`engine.assert(text, target, { section })`) and used by the
 * `assertions` component on the tokens layer of a note (`engine.prepareTokens`).
 */
import type { Span, Token } from '../../doc/types.js';
import { ClinoteError } from '../../errors/error.js';
import { TokenScanner } from '../../text/tokenize.js';
import {
  ALL_CATEGORIES,
  CATEGORY_BIT,
  type CompiledRule,
  type CompiledRules,
  type Direction,
  expandNode,
  normToken,
  type TrieEntry,
  type TrieNode,
} from './rules.js';
import {
  type CompiledLexicon,
  type OnsetIndex,
  type OnsetMatch,
  RANK_CHRONIC,
  RANK_LEXICON,
  TEMPORALITY_DEFAULT_RULE,
} from './temporality.js';
import {
  ASSERTION_CATEGORIES,
  type Assertion,
  type AssertionCategory,
  type AssertionEvidence,
  statusOf,
  type Temporality,
  type TemporalityEvidence,
  type TextSpan,
} from './types.js';

export const DEFAULT_RULE_ID = 'assertions.default';

/** One level of the section a sentence is in: the section itself, then its parents. */
export interface SectionLevel {
  /** Normalized category (`family_history`, `review_of_systems`, ...). */
  readonly category: string;
  /** The header as written, when the section has one (original offsets). */
  readonly header: TextSpan | null;
  /** The section's span (original offsets); default: the sentence. */
  readonly span?: Span;
}

export interface SectionContext {
  /** The section first, then its parent sections. */
  readonly levels: readonly SectionLevel[];
}

export interface AssertOptions {
  /** Concept type of the target (default `problem`); rules with `types` apply only to those. */
  readonly type?: string;
  /** The section, when known: a category name (standalone use) or the full context. */
  readonly section?: string | SectionContext;
}

/** A cue found in a sentence, with its scope (for tools and the BioScope evaluation). */
export interface CueMatch {
  readonly rule: string;
  readonly direction: Direction;
  /** The cue's categories; empty for terminate and pseudo rules. */
  readonly categories: readonly AssertionCategory[];
  readonly cue: TextSpan;
  /** Tokens after the cue it governs (forward, bidirectional); null when none. */
  readonly forward: Span | null;
  /** Tokens before the cue it governs (backward, bidirectional); null when none. */
  readonly backward: Span | null;
}

interface Cue {
  readonly rule: CompiledRule;
  /** Token range of the cue, [s, e). */
  readonly s: number;
  readonly e: number;
  /** Forward scope is tokens [e, fe); backward scope is tokens [bs, s). */
  fe: number;
  bs: number;
}

const K_WORD = 1;
/** Tokens after which a pattern ending in `$` may end. */
const CLAUSE_END = new Set(['.', ',', ';', ':', ')', ']', '!', '?']);
/** Tokens that start a list item after a line break. */
const BULLETS = new Set([
  '-',
  '*',
  '\u2022',
  '\u00b7',
  '[',
  '\u2610',
  '\u2611',
  '\u2612',
  '\u25aa',
  '\u25cf',
  '\u25cb',
  '>',
]);
/** `.`, `!` or `?` (the tokens that end a sentence). */
function isSentenceEnd(t: string): boolean {
  if (t.length !== 1) return false;
  const c = t.charCodeAt(0);
  return c === 46 || c === 33 || c === 63;
}
/** Short words before a period that do not end a sentence (`Dr.`, `vs.`). */
const NO_BREAK_BEFORE_PERIOD = new Set([
  'dr',
  'mr',
  'mrs',
  'ms',
  'st',
  'vs',
  'no',
  'mt',
  'sr',
  'jr',
  'pt',
  'ft',
]);

function isUpperAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || (c > 127 && text[i]!.toLowerCase() !== text[i]);
}

function isLowerAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return (c >= 97 && c <= 122) || (c > 127 && text[i]!.toUpperCase() !== text[i]);
}

/**
 * A sentence (or any stretch of text) ready to assert targets in: its tokens, the cues found in it
 * and their scopes. Offsets are those of `text` (the note's original text in the component).
 */
export class ContextSentence {
  readonly text: string;
  readonly n: number;
  readonly norm: readonly string[];
  readonly starts: readonly number[];
  readonly ends: readonly number[];
  /** Section categories the sentence was prepared for (rules with `sections` need them). */
  readonly sections: ReadonlySet<string> | null;
  /** 1 for word, number and measure tokens. */
  readonly #kind: Uint8Array;
  /** 1 when a clause boundary (list item, blank line, sentence end) comes before token i. */
  readonly #brk: Uint8Array;
  /** 1 when a line break comes before token i (a `$` pattern may end there). */
  readonly #nl: Uint8Array;
  readonly #rules: CompiledRules;
  readonly #cues: Cue[];
  /** Category bits whose forward scopes stop at token i / backward scopes stop at token i. */
  readonly #stopFwd: Uint8Array;
  readonly #stopBwd: Uint8Array;
  readonly #lexicon: CompiledLexicon | null;
  /** Per-token facts for the onset search, made on the first target that needs them. */
  #onset: OnsetIndex | undefined;
  /**
   * The farthest any cue reaches from its first token, in tokens (its own length, its forward and
   * its backward scope): a target only looks at the cues that start within this of it.
   */
  #reach = 0;
  /** prev[j]: the last boundary at or before token j (-1: none); next[j]: the first at or after j. */
  #prevBrk: Int32Array | undefined;
  #nextBrk: Int32Array | undefined;
  /** Token ends of the terminators of each category bit, in order (for `#terminatedBefore`). */
  #terminatorEnds: Map<number, number[]> | undefined;

  constructor(
    text: string,
    norm: string[],
    starts: number[],
    ends: number[],
    kind: Uint8Array,
    rules: CompiledRules,
    sections: ReadonlySet<string> | null,
    lexicon: CompiledLexicon | null = null,
  ) {
    this.text = text;
    this.#lexicon = lexicon;
    this.n = norm.length;
    this.norm = norm;
    this.starts = starts;
    this.ends = ends;
    this.sections = sections;
    this.#kind = kind;
    this.#rules = rules;
    this.#nl = new Uint8Array(this.n + 1);
    this.#brk = boundaries(text, norm, starts, ends, kind, this.#nl);
    const found = findCues(norm, kind, this.#brk, this.#nl, rules.root, sections, 0, this.n);
    this.#stopFwd = new Uint8Array(this.n);
    this.#stopBwd = new Uint8Array(this.n);
    for (const c of found) {
      // pseudo-cues stop nothing; a cue for some concept types only, or a local one (`or`, `vs`,
      // a trailing `?`), does not end other scopes
      if (c.rule.direction === 'pseudo' || c.rule.types !== null || c.rule.local) continue;
      this.#stopFwd[c.s]! |= c.rule.stops;
      this.#stopBwd[c.e - 1]! |= c.rule.stops;
    }
    let local = false;
    for (const c of found) {
      this.#scope(c);
      if (c.rule.local) local = true;
    }
    this.#cues = local ? withoutDeniedLocal(found) : found;
    let reach = 0;
    for (const c of this.#cues) {
      const r = Math.max(c.e - c.s, c.fe - c.s, c.e - c.bs);
      if (r > reach) reach = r;
    }
    this.#reach = reach;
  }

  #boundaryIndex(): { prev: Int32Array; next: Int32Array } {
    if (this.#prevBrk === undefined || this.#nextBrk === undefined) {
      const n = this.n;
      const brk = this.#brk;
      const prev = new Int32Array(n + 1);
      const next = new Int32Array(n + 1);
      let last = -1;
      for (let j = 0; j <= n; j++) {
        if (brk[j]) last = j;
        prev[j] = last;
      }
      let first = n;
      for (let j = n; j >= 0; j--) {
        if (brk[j]) first = j;
        next[j] = first;
      }
      this.#prevBrk = prev;
      this.#nextBrk = next;
    }
    return { prev: this.#prevBrk, next: this.#nextBrk };
  }

  /** Give a cue its scope: up to a boundary, a terminator or cue of its category, or its maximum. */
  #scope(c: Cue): void {
    const r = c.rule;
    const d = r.direction;
    if (d === 'pseudo' || d === 'terminate') return;
    const bit = r.bits;
    const max = r.maxScope;
    const kind = this.#kind;
    const brk = this.#brk;
    const norm = this.norm;
    if (d !== 'backward') {
      // up to a boundary, a stop (not inside a bracketed aside), the maximum, or the close of a
      // bracket opened before the cue
      const stop = this.#stopFwd;
      const n = this.n;
      let j = c.e;
      let w = 0;
      let depth = 0;
      // a scope never runs past its token cap, however much punctuation there is
      const last = Math.min(n, c.e + scopeTokenCap(max));
      const local = r.local;
      while (j < last && !brk[j] && (depth > 0 || !(stop[j]! & bit))) {
        if (local && depth === 0 && LIST_SEPARATORS.has(norm[j] as string)) break;
        if (kind[j]! & K_WORD) {
          if (++w > max) break;
        } else {
          const t = norm[j] as string;
          if (t === '(' || t === '[') depth++;
          else if (t === ')' || t === ']') {
            if (depth === 0) break;
            depth--;
          }
        }
        j++;
      }
      c.fe = j;
    }
    if (d !== 'forward') {
      const stop = this.#stopBwd;
      let j = c.s;
      if (!brk[c.s]) {
        let k = c.s - 1;
        let w = 0;
        let depth = 0;
        const first = Math.max(0, c.s - scopeTokenCap(max));
        const local = r.local;
        const polarity = (bit & POLARITY_BITS) !== 0;
        while (k >= first) {
          if (depth === 0 && stop[k]! & bit) break;
          const t = norm[k] as string;
          // a local cue reaches only the item next to it; a backward denial or uncertainty stops at
          // the end of an earlier result-list item that has its own value (`Troponin 0.02, CK-MB
          // negative`)
          if (depth === 0 && local && LIST_SEPARATORS.has(t)) break;
          if (depth === 0 && polarity && t === ',' && endsWithValue(norm, k)) break;
          if (kind[k]! & K_WORD) {
            if (++w > max) break;
          } else {
            if (t === ')' || t === ']') depth++;
            else if (t === '(' || t === '[') {
              if (depth === 0) break;
              depth--;
            }
          }
          j = k;
          if (brk[k]) break;
          k--;
        }
      }
      c.bs = j;
    }
  }

  /** Every cue found, in text order, with its scope. */
  cues(): CueMatch[] {
    return this.#cues.map((c) => {
      const r = c.rule;
      const fwd = r.direction === 'forward' || r.direction === 'bidirectional';
      const bwd = r.direction === 'backward' || r.direction === 'bidirectional';
      return {
        rule: r.id,
        direction: r.direction,
        categories: r.categories,
        cue: this.#textSpan(c.s, c.e),
        forward: fwd && c.fe > c.e ? this.#scopeSpan(c.e, c.fe) : null,
        backward: bwd && c.bs < c.s ? this.#scopeSpan(c.bs, c.s) : null,
      };
    });
  }

  /** Token range [a, b) of a character span: the tokens it overlaps (empty at the insertion point when none). */
  tokenRange(span: Span): [number, number] {
    const { starts, ends, n } = this;
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((ends[mid] as number) <= span.start) lo = mid + 1;
      else hi = mid;
    }
    const a = lo;
    let b = a;
    while (b < n && (starts[b] as number) < span.end) b++;
    return [a, b];
  }

  /** The assertion of a target span (offsets into `text`). */
  assert(target: Span, options: AssertOptions = {}): Assertion {
    const [ta, tb] = this.tokenRange(target);
    const type = options.type ?? 'problem';
    const section = typeof options.section === 'string' ? sectionOf(options.section) : options.section;

    // the nearest cue of each category whose scope reaches the target
    const best: (Cue | undefined)[] = [];
    const dist: number[] = [];
    const scopeOf: [number, number][] = [];
    let found = 0;
    const consider = (c: Cue): void => {
      const r = c.rule;
      if (r.categories.length === 0) return;
      if (r.types !== null && !r.types.has(type)) return;
      let d = -1;
      let sa = 0;
      let sb = 0;
      if (tb > ta && c.s >= ta && c.e <= tb) {
        // A cue inside the target is part of the concept's name (`no known allergies`,
        // `non-obstructive`, `seasonal allergies`), except a temporal or experiencer lead-in
        // written as separate words (`status post CABG`, `family history of asthma`).
        if (
          r.direction !== 'backward' &&
          c.s === ta &&
          c.e < tb &&
          !(r.bits & POLARITY_BITS) &&
          (this.ends[c.e - 1] as number) < (this.starts[c.e] as number)
        ) {
          d = 0;
          sa = c.e;
          sb = tb;
        }
      } else if (r.direction !== 'backward' && c.fe > c.e && ta < c.fe && tb > c.e) {
        d = Math.max(0, ta - c.e);
        sa = c.e;
        sb = c.fe;
      }
      if (r.direction !== 'forward' && c.bs < c.s && tb > c.bs && ta < c.s && !(c.s >= ta && c.e <= tb)) {
        const db = Math.max(0, c.s - tb);
        if (d < 0 || db < d) {
          d = db;
          sa = c.bs;
          sb = c.s;
        }
      }
      if (d < 0) return;
      for (const cat of r.categories) {
        const k = ASSERTION_INDEX[cat];
        if (best[k] === undefined || d < (dist[k] as number)) {
          found |= CATEGORY_BIT[cat];
          best[k] = c;
          dist[k] = d;
          scopeOf[k] = [sa, sb];
        }
      }
    };
    // only the cues that start within reach of the target can bear on it (text order kept)
    const cues = this.#cues;
    const reach = this.#reach;
    let lo = 0;
    let hi = cues.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cues[mid] as Cue).s < ta - reach - 1) lo = mid + 1;
      else hi = mid;
    }
    for (let ci = lo; ci < cues.length; ci++) {
      const c = cues[ci] as Cue;
      if (c.s > tb + reach) break;
      if (c.s < ta && ta < c.e) {
        // A cue or pseudo-cue that runs into the target is read again without the target's words:
        // in `no change in hearing` with the target `change in hearing`, `no` negates it; in
        // `was negative for` with the target `negative`, nothing is left.
        for (const sub of findCues(
          this.norm,
          this.#kind,
          this.#brk,
          this.#nl,
          this.#rules.root,
          this.sections,
          c.s,
          ta,
        )) {
          if (sub.rule.direction === 'pseudo' || sub.rule.direction === 'terminate') continue;
          this.#scope(sub);
          consider(sub);
        }
        continue;
      }
      if (c.rule.direction !== 'pseudo') consider(c);
    }

    // section defaults
    const sectionEvidence: (AssertionEvidence | undefined)[] = [];
    if (section && section.levels.length > 0) {
      for (const def of this.#rules.sectionDefaults) {
        if (def.types !== null && !def.types.has(type)) continue;
        const level = section.levels.find((l) => def.sections.has(l.category));
        if (!level) continue;
        const k = ASSERTION_INDEX[def.category];
        if (sectionEvidence[k] !== undefined) continue;
        if (this.#terminatedBefore(def.bit, ta)) continue;
        sectionEvidence[k] = {
          category: def.category,
          source: 'section',
          rule: def.id,
          cue: level.header,
          scope: level.span ?? this.#clauseSpan(ta, tb, target),
        };
        found |= def.bit;
      }
    }

    // resolve the axes: the nearest cue wins between NEGATED and POSSIBLE, and between HISTORICAL
    // and HYPOTHETICAL (a section default counts as the farthest)
    const distanceOf = (c: AssertionCategory): number => {
      const k = ASSERTION_INDEX[c];
      if (!(found & CATEGORY_BIT[c])) return -1;
      return best[k] !== undefined ? (dist[k] as number) : 1e9;
    };
    const resolve = (a: AssertionCategory, b: AssertionCategory): void => {
      const da = distanceOf(a);
      const db = distanceOf(b);
      if (da < 0 || db < 0) return;
      found &= ~CATEGORY_BIT[db < da ? a : b];
    };
    resolve('NEGATED', 'POSSIBLE');
    resolve('HYPOTHETICAL', 'HISTORICAL');

    const categories: AssertionCategory[] = [];
    const evidence: AssertionEvidence[] = [];
    for (let k = 0; k < ASSERTION_CATEGORIES.length; k++) {
      const cat = ASSERTION_CATEGORIES[k] as AssertionCategory;
      if (!(found & CATEGORY_BIT[cat])) continue;
      categories.push(cat);
      const c = best[k];
      if (c !== undefined) {
        const [sa, sb] = scopeOf[k] as [number, number];
        evidence.push({
          category: cat,
          source: 'cue',
          rule: c.rule.id,
          cue: this.#textSpan(c.s, c.e),
          scope: this.#scopeSpan(sa, sb),
        });
      } else {
        evidence.push(sectionEvidence[k] as AssertionEvidence);
      }
    }
    if (evidence.length === 0) {
      evidence.push({
        category: 'AFFIRMED',
        source: 'default',
        rule: DEFAULT_RULE_ID,
        cue: null,
        scope: this.#clauseSpan(ta, tb, target),
      });
    }
    const t = this.#temporality(ta, tb, target, type, categories, evidence, section);
    return {
      status: statusOf(categories),
      categories,
      evidence,
      temporality: t.temporality,
      temporalityEvidence: [t],
    };
  }

  /**
   * ConText's onset axis (docs/assertions.md, "Temporality"), by priority: the HYPOTHETICAL and
   * HISTORICAL categories; a duration (`for 3 years`, `x 2 days`); a recent-onset cue (`new onset`,
   * `acute`, `exacerbation`); a chronic modifier (`chronic`, `known`); the ALLERGY category; a
   * chronic condition, habit or allergy of the lexicon in the concept; a weak recent cue (`today`);
   * a social history / allergies / problem list section; otherwise recent.
   */
  #temporality(
    ta: number,
    tb: number,
    target: Span,
    type: string,
    categories: readonly AssertionCategory[],
    evidence: readonly AssertionEvidence[],
    section: SectionContext | undefined,
  ): TemporalityEvidence {
    const fromCategory = (cat: AssertionCategory, temporality: Temporality): TemporalityEvidence => {
      const ev = evidence.find((e) => e.category === cat) as AssertionEvidence;
      return {
        temporality,
        source: ev.source === 'section' ? 'section' : 'cue',
        rule: ev.rule,
        cue: ev.cue,
        scope: ev.scope,
      };
    };
    if (categories.includes('HYPOTHETICAL')) return fromCategory('HYPOTHETICAL', 'hypothetical');
    if (categories.includes('HISTORICAL')) return fromCategory('HISTORICAL', 'historical');
    const lex = this.#lexicon;
    let best: OnsetMatch | null = null;
    if (lex !== null && this.n > 0) {
      const kind = this.#kind;
      const brk = this.#brk;
      const isWord = (i: number): boolean => (kind[i]! & K_WORD) !== 0;
      let lo = Math.min(ta, this.n);
      const loCap = Math.max(0, lo - ONSET_TOKENS);
      for (let w = 0; lo > loCap && !brk[lo] && w < ONSET_WINDOW; lo--) if (isWord(lo - 1)) w++;
      let hi = Math.max(tb, lo);
      const hiCap = Math.min(this.n, hi + ONSET_TOKENS);
      for (let w = 0; hi < hiCap && !brk[hi] && w < ONSET_WINDOW; hi++) if (isWord(hi)) w++;
      const index = (this.#onset ??= lex.index(this.norm));
      best = lex.duration(this.norm, isWord, lo, hi, ta, tb, index);
      const conditionType = !NOT_CONDITIONS.has(type);
      for (const m of lex.matches(this.norm, isWord, lo, hi, ta, tb, index)) {
        // the lexicon names conditions: `HIV test`, `bipolar cautery` are not
        if (m.rank === RANK_LEXICON && !conditionType) continue;
        if (best === null || m.rank < best.rank || (m.rank === best.rank && m.distance < best.distance))
          best = m;
      }
    }
    if (categories.includes('ALLERGY') && (best === null || best.rank > RANK_CHRONIC)) {
      return fromCategory('ALLERGY', 'historical');
    }
    if (best !== null) {
      const cue = this.#textSpan(best.s, best.e);
      const inside = best.s >= ta && best.e <= tb;
      return {
        temporality: best.temporality,
        source: best.rank === RANK_LEXICON ? 'lexicon' : 'cue',
        rule: best.rule,
        cue,
        scope: inside
          ? { start: target.start, end: target.end }
          : { start: Math.min(cue.start, target.start), end: Math.max(cue.end, target.end) },
      };
    }
    const level = this.#historySection(section);
    if (level) {
      return {
        temporality: 'historical',
        source: 'section',
        rule: level.rule,
        cue: level.level.header,
        scope: level.level.span ?? this.#clauseSpan(ta, tb, target),
      };
    }
    return {
      temporality: 'recent',
      source: 'default',
      rule: TEMPORALITY_DEFAULT_RULE,
      cue: null,
      scope: this.#clauseSpan(ta, tb, target),
    };
  }

  /** The section level (and lexicon section id) whose content began before the visit, if any. */
  #historySection(section: SectionContext | undefined): { rule: string; level: SectionLevel } | null {
    const lex = this.#lexicon;
    if (!section || lex === null) return null;
    for (const def of lex.sections) {
      const level = section.levels.find((l) => def.sections.has(l.category));
      if (level) return { rule: def.id, level };
    }
    return null;
  }

  /**
   * Whether a terminator of `bit` comes before token `ta` in the target's clause (`Patient has ...`
   * in a family history): it cancels the section default.
   */
  #terminatedBefore(bit: number, ta: number): boolean {
    // only a terminator of some categories (`patient` ends FAMILY), not a general one (`but`),
    // ending at or before ta with no clause boundary from its end to ta
    this.#terminatorEnds ??= new Map();
    let ends = this.#terminatorEnds.get(bit);
    if (ends === undefined) {
      ends = [];
      for (const c of this.#cues) {
        if (c.rule.direction !== 'terminate' || !(c.rule.bits & bit) || c.rule.bits === ALL_CATEGORIES)
          continue;
        ends.push(c.e);
      }
      this.#terminatorEnds.set(bit, ends);
    }
    if (ends.length === 0) return false;
    // the last terminator end <= ta
    let lo = 0;
    let hi = ends.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((ends[mid] as number) <= ta) lo = mid + 1;
      else hi = mid;
    }
    if (lo === 0) return false;
    const e = ends[lo - 1] as number;
    const top = Math.min(ta, this.n - 1);
    if (e > top) return true;
    return this.#boundaryIndex().prev[top]! < e;
  }

  /** The cue as written, without punctuation at either end (`: none` -> `none`; `(-)` stays whole). */
  #textSpan(s: number, e: number): TextSpan {
    const { start, end } = this.#scopeSpan(s, e);
    return { start, end, text: this.text.slice(start, end) };
  }

  /** Span of tokens [a, b), without punctuation at either end (unless it is all punctuation). */
  #scopeSpan(a: number, b: number): Span {
    let x = a;
    let y = b;
    while (x < y && !(this.#kind[x]! & K_WORD)) x++;
    while (y > x && !(this.#kind[y - 1]! & K_WORD)) y--;
    if (x >= y) {
      x = a;
      y = b;
    }
    return { start: this.starts[x] as number, end: this.ends[y - 1] as number };
  }

  /** The clause holding the target (between boundaries), widened to the target. */
  #clauseSpan(ta: number, tb: number, target: Span): Span {
    if (this.n === 0) return { start: target.start, end: target.end };
    const { prev, next } = this.#boundaryIndex();
    const a = Math.max(0, prev[Math.min(ta, this.n - 1)] as number);
    const b = next[Math.max(tb, a + 1)] as number;
    const start = Math.min(this.starts[a] as number, target.start);
    const end = Math.max(this.ends[b - 1] as number, target.end);
    return { start, end };
  }
}

const POLARITY_BITS = CATEGORY_BIT.NEGATED | CATEGORY_BIT.POSSIBLE;
/** Concept types the chronic lexicon does not apply to (they are not conditions). */
const NOT_CONDITIONS = new Set(['procedure', 'medication', 'lab', 'device', 'anatomy']);
/** Word tokens of the target's clause, on each side, searched for onset cues. */
const ONSET_WINDOW = 12;
/** Tokens of any kind, on each side, that the onset search may look at (punctuation runs). */
const ONSET_TOKENS = 4 * ONSET_WINDOW + 16;

/** Tokens of any kind a scope of `max` word tokens may span: punctuation runs do not make it unbounded. */
function scopeTokenCap(max: number): number {
  return 2 * max + 32;
}

/** Tokens that end the scope of a local cue (`small effusion, atelectasis vs pneumonia`). */
const LIST_SEPARATORS = new Set([
  ',',
  ';',
  ':',
  'and',
  'with',
  'without',
  'w/',
  'w/o',
  'but',
  'plus',
  'including',
  '&',
]);

/** Whether token k (a comma) ends a result-list item with a number as its value (`0.02,`, `12 mg/dl,`, `40%,`). */
function endsWithValue(norm: readonly string[], k: number): boolean {
  const a = norm[k - 1];
  if (a === undefined) return false;
  if (isNumberToken(a)) return true;
  const b = norm[k - 2];
  return b !== undefined && isNumberToken(b) && (a === '%' || a.includes('/'));
}

function isNumberToken(t: string): boolean {
  const c = t.charCodeAt(0);
  return c >= 48 && c <= 57;
}

/**
 * The cues without the local ones (`or`, `vs`, a trailing `?`) that lie in the scope of a denial
 * (`no atelectasis or pneumonia`: the `or` lists what is denied). Two sweeps over the cues.
 */
function withoutDeniedLocal(cues: readonly Cue[]): Cue[] {
  const denied = new Uint8Array(cues.length);
  let reach = -1;
  for (let i = 0; i < cues.length; i++) {
    const c = cues[i] as Cue;
    if (c.rule.local && c.s < reach) denied[i] = 1;
    if (isDenial(c) && c.rule.direction !== 'backward' && c.fe > reach) reach = c.fe;
  }
  let back = Number.MAX_SAFE_INTEGER;
  for (let i = cues.length - 1; i >= 0; i--) {
    const c = cues[i] as Cue;
    if (c.rule.local && c.s >= back) denied[i] = 1;
    if (isDenial(c) && c.rule.direction !== 'forward' && c.bs < c.s && c.bs < back) back = c.bs;
  }
  return cues.filter((_, i) => !denied[i]);
}

function isDenial(c: Cue): boolean {
  const r = c.rule;
  return (r.bits & CATEGORY_BIT.NEGATED) !== 0 && r.categories.length > 0 && r.types === null;
}

const ASSERTION_INDEX = Object.fromEntries(ASSERTION_CATEGORIES.map((c, i) => [c, i])) as Record<
  AssertionCategory,
  number
>;

function sectionOf(category: string): SectionContext {
  return { levels: [{ category, header: null }] };
}

/**
 * Clause boundaries inside a stretch of text: list items and blank lines after a line break, sentence
 * ends. Marks in `nl` the tokens that come after a line break.
 */
function boundaries(
  text: string,
  norm: readonly string[],
  starts: readonly number[],
  ends: readonly number[],
  kind: Uint8Array,
  nl: Uint8Array,
): Uint8Array {
  const n = norm.length;
  const brk = new Uint8Array(n + 1);
  brk[n] = 1;
  nl[n] = 1;
  for (let i = 1; i < n; i++) {
    const gapStart = ends[i - 1] as number;
    const gapEnd = starts[i] as number;
    let lines = 0;
    for (let p = gapStart; p < gapEnd; p++) if (text.charCodeAt(p) === 10) lines++;
    if (lines > 0) {
      nl[i] = 1;
      // a new line is a new clause unless it goes on in lower case (a soft wrap)
      if (lines > 1 || BULLETS.has(norm[i] as string) || !isLowerAt(text, gapEnd)) {
        brk[i] = 1;
        continue;
      }
    }
    const p = norm[i - 1] as string;
    // a question and its one-word answer are one clause (`Any chest pain? No`)
    if (p === '?' && ANSWERS.has(norm[i] as string) && (i + 1 >= n || CLAUSE_END.has(norm[i + 1] as string)))
      continue;
    if (isSentenceEnd(p) && i >= 2 && gapEnd > gapStart && isUpperAt(text, gapEnd)) {
      const w = norm[i - 2] as string;
      if (!(kind[i - 2]! & K_WORD) || (w.length > 2 && !NO_BREAK_BEFORE_PERIOD.has(w)) || /^[0-9]/.test(w)) {
        brk[i] = 1;
      }
    }
  }
  // a header written in capitals before a colon inside the text (`... no icterus NECK: supple`,
  // `HISTORY: ... PHYSICAL EXAM: ...`) starts a new clause
  for (let i = 1; i < n - 1; i++) {
    if (norm[i] !== ':') continue;
    let h = i;
    while (
      h > 0 &&
      i - h < MAX_HEADER_TOKENS &&
      isCapsWord(text, starts[h - 1] as number, ends[h - 1] as number)
    )
      h--;
    if (h === i || h === 0) continue;
    const before = h - 1;
    if (
      !(kind[before]! & K_WORD) ||
      /[0-9]/.test(norm[before] as string) ||
      hasLower(text, starts[before] as number, ends[before] as number)
    ) {
      brk[h] = 1;
    }
  }
  return brk;
}

const MAX_HEADER_TOKENS = 4;
/** One-word answers to a question (`Any chest pain? No`). */
const ANSWERS = new Set(['no', 'none', 'yes', 'y', 'n', 'negative', 'positive', 'denies', 'never']);

/** A word with two capitals in a row and no lower-case letter (`HEENT`, `PHYSICAL`; not `Y/N`). */
function isCapsWord(text: string, a: number, b: number): boolean {
  let run = 0;
  let best = 0;
  for (let i = a; i < b; i++) {
    const c = text.charCodeAt(i);
    if (c >= 65 && c <= 90) {
      run++;
      if (run > best) best = run;
    } else if (c === 39 || c === 47 || c === 38 || c === 45) {
      run = 0;
    } else {
      return false;
    }
  }
  return best >= 2;
}

function hasLower(text: string, a: number, b: number): boolean {
  for (let i = a; i < b; i++) {
    const c = text.charCodeAt(i);
    if (c >= 97 && c <= 122) return true;
  }
  return false;
}

/**
 * Cues of tokens [from, to): at each token the longest pattern of the trie that matches there,
 * left to right, without overlaps. Ties go to fewer wildcards, then anchored patterns, then the
 * earlier rule.
 */
function findCues(
  norm: readonly string[],
  kind: Uint8Array,
  brk: Uint8Array,
  nl: Uint8Array,
  root: TrieNode,
  sections: ReadonlySet<string> | null,
  from: number,
  to: number,
): Cue[] {
  const n = norm.length;
  const next = root.next;
  const cues: Cue[] = [];
  if (next === null) return cues;
  let bestEntry: TrieEntry | null = null;
  let bestEnd = 0;
  let start = 0;

  const better = (e: TrieEntry, end: number): boolean => {
    if (bestEntry === null) return true;
    if (end !== bestEnd) return end > bestEnd;
    if (e.wild !== bestEntry.wild) return e.wild < bestEntry.wild;
    const ea = (e.anchorStart ? 1 : 0) + (e.anchorEnd ? 1 : 0);
    const ba = (bestEntry.anchorStart ? 1 : 0) + (bestEntry.anchorEnd ? 1 : 0);
    if (ea !== ba) return ea > ba;
    return e.rule.order < bestEntry.rule.order;
  };

  const explore = (node: TrieNode, j: number): void => {
    // a rule set built from its data expands a node when a note first reaches it
    if (node.pending !== null) expandNode(node);
    const entries = node.entries;
    if (entries !== null) {
      for (const e of entries) {
        if (e.anchorStart && !(start === 0 || brk[start])) continue;
        // the end of a clause: its last token, a clause boundary, punctuation or a line break
        // (`Smoking: none` on its own line, the next one going on in lower case)
        if (e.anchorEnd && !(j >= n || brk[j] || nl[j] || CLAUSE_END.has(norm[j] as string))) continue;
        const rs = e.rule.sections;
        if (rs !== null && !intersects(rs, sections)) continue;
        if (better(e, j)) {
          bestEntry = e;
          bestEnd = j;
        }
      }
    }
    if (j >= to || brk[j]) return;
    const nx = node.next;
    if (nx !== null) {
      const c = nx.get(norm[j] as string);
      if (c !== undefined) explore(c, j + 1);
    }
    if (node.any !== null && kind[j]! & K_WORD) explore(node.any, j + 1);
  };

  const filter = root.filter;
  let i = from;
  while (i < to) {
    const w = norm[i] as string;
    const first = filter !== null && !filter.mayHave(w) ? undefined : next.get(w);
    if (first === undefined) {
      i++;
      continue;
    }
    start = i;
    bestEntry = null;
    bestEnd = 0;
    explore(first, i + 1);
    const found = bestEntry as TrieEntry | null;
    if (found !== null) {
      cues.push({ rule: found.rule, s: i, e: bestEnd, fe: bestEnd, bs: i });
      i = bestEnd;
    } else {
      i++;
    }
  }
  return cues;
}

function intersects(a: ReadonlySet<string>, b: ReadonlySet<string> | null): boolean {
  if (b === null) return false;
  for (const x of b) if (a.has(x)) return true;
  return false;
}

/** The ConText engine over a compiled rule set. */
export class ContextEngine {
  readonly rules: CompiledRules;
  /** The temporality lexicon (chronic conditions, onset cues); null: temporality from the categories only. */
  readonly lexicon: CompiledLexicon | null;

  constructor(rules: CompiledRules, lexicon: CompiledLexicon | null = null) {
    this.rules = rules;
    this.lexicon = lexicon;
  }

  /** Tokenize `text` (one sentence, or a short passage) and find its cues. */
  prepare(text: string, options: { sections?: readonly string[] } = {}): ContextSentence {
    const norm: string[] = [];
    const starts: number[] = [];
    const ends: number[] = [];
    const kinds: number[] = [];
    const sc = new TokenScanner(text);
    while (sc.next()) {
      norm.push(normToken(sc.norm()));
      starts.push(sc.start);
      ends.push(sc.end);
      kinds.push(sc.kind === 'punct' || sc.kind === 'symbol' ? 0 : K_WORD);
    }
    return new ContextSentence(
      text,
      norm,
      starts,
      ends,
      Uint8Array.from(kinds),
      this.rules,
      options.sections ? new Set(options.sections) : null,
      this.lexicon,
    );
  }

  /** Prepare tokens [from, to) of a note's tokens layer (offsets into the note's original `text`). */
  prepareTokens(
    text: string,
    tokens: readonly Token[],
    from: number,
    to: number,
    options: { sections?: readonly string[] } = {},
  ): ContextSentence {
    const m = Math.max(0, to - from);
    const norm = new Array<string>(m);
    const starts = new Array<number>(m);
    const ends = new Array<number>(m);
    const kinds = new Uint8Array(m);
    for (let i = 0; i < m; i++) {
      const t = tokens[from + i] as Token;
      norm[i] = normToken(t.norm);
      starts[i] = t.start;
      ends[i] = t.end;
      kinds[i] = t.kind === 'punct' || t.kind === 'symbol' ? 0 : K_WORD;
    }
    return new ContextSentence(
      text,
      norm,
      starts,
      ends,
      kinds,
      this.rules,
      options.sections ? new Set(options.sections) : null,
      this.lexicon,
    );
  }

  /**
   * Assert one target in a sentence: the standalone use of the engine (the NegEx evaluation calls
   * this). `target` is a half-open span of `text`; `options.section` a section category such as
   * `family_history`. Throws CLINOTE_E_ASSERTION_TARGET_INVALID for a span outside the text.
   */
  assert(text: string, target: Span, options: AssertOptions = {}): Assertion {
    checkTarget(text, target);
    const sections =
      options.section === undefined
        ? undefined
        : typeof options.section === 'string'
          ? [options.section]
          : options.section.levels.map((l) => l.category);
    return this.prepare(text, sections ? { sections } : {}).assert(target, options);
  }
}

export function checkTarget(text: string, target: Span): void {
  if (!(Number.isInteger(target.start) && Number.isInteger(target.end))) {
    throw new ClinoteError('CLINOTE_E_ASSERTION_TARGET_INVALID', 'target offsets must be integers', {
      start: target.start,
      end: target.end,
    });
  }
  if (target.start < 0 || target.end < target.start || target.end > text.length) {
    throw new ClinoteError(
      'CLINOTE_E_ASSERTION_TARGET_INVALID',
      `target [${target.start}, ${target.end}) is not inside a text of length ${text.length}`,
      { start: target.start, end: target.end, length: text.length },
    );
  }
}
