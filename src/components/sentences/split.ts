/**
 * The clinical sentence splitter: one pass over a region of the normalized text, stopping only at
 * `.`, `?`, `!`, `…` and line breaks, with short look-arounds there. See docs/sentences.md for the
 * rules; the order of the checks below follows it.
 */
import type { SentenceKind } from '../../doc/types.js';
import { isLowerAt, isSpaceCode, TITLE_SMALL_WORDS as SMALL_WORDS } from '../../text/chars.js';
import { ABBR_BEFORE_NUMBER, ABBR_NEVER, type AbbreviationTable } from './abbreviations.js';

export interface SplitterOptions {
  /**
   * A period before a lower-case word ends a sentence (notes written in lower case). Off by default:
   * then no period before a lower-case word ends one, which keeps unknown abbreviations whole.
   */
  readonly lowercaseStarts?: boolean;
  /** `Label:` lines are headers and `Key: value` lines key-value units (default true). */
  readonly labels?: boolean;
}

/** A unit found in the text given to the splitter; offsets index that text. */
export interface RawSentence {
  readonly start: number;
  readonly end: number;
  readonly kind: SentenceKind;
}

export type SentenceSink = (start: number, end: number, kind: SentenceKind) => void;

/**
 * How the lines of a note were laid out: what tells a soft wrap (a line break put by a fixed-width
 * editor inside a sentence) from a line that ends where its writer ended it.
 */
export interface LineLayout {
  /** Wrap width of the note in characters (`wrapWidth`); 0 when its lines do not look wrapped. */
  readonly width: number;
  /** Length (trailing spaces excluded) of the line, as written, that ends at the line break at q. */
  lineLengthBefore(q: number): number;
}

/** No wrap width: every line break is a writer's. */
export const NO_LAYOUT: LineLayout = { width: 0, lineLengthBefore: () => 0 };

/** Lines shorter than this are never measured as wrapped; longer than MAX, never a wrap width. */
const MIN_WRAP_WIDTH = 40;
const MAX_WRAP_WIDTH = 240;
/** Lines within this many characters of the width count as full (a long word went to the next line). */
const WRAP_SLACK = 15;
/** A wrapped line is at least this share of the width ... */
const WRAP_MIN_SHARE = 0.6;
/** ... and either the next word would not have fitted on it, or it is this near the width. */
const WRAP_NEAR_SHARE = 0.85;

/**
 * The wrap width of a text: the length of its longest lines when at least two lines come within 15
 * characters of it (a fixed-width editor fills its lines to about the same length). Up to a tenth of
 * the lines may be longer (a pasted table row). 0 when the text does not look wrapped (fewer than two
 * such lines, or a width under 40 characters). Linear in the text (a sort of the line lengths).
 */
export function wrapWidth(text: string): number {
  const lengths: number[] = [];
  let start = 0;
  const n = text.length;
  while (start <= n) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = n;
    let e = end;
    while (e > start && isSpaceCode(text.charCodeAt(e - 1))) e--; // \r and trailing spaces too
    let s = start;
    while (s < e && isSpaceCode(text.charCodeAt(s))) s++;
    if (e > s) lengths.push(e - start);
    start = end + 1;
  }
  if (lengths.length < 2) return 0;
  lengths.sort((x, y) => y - x);
  const outliers = Math.floor(lengths.length / 10);
  for (let o = 0; o <= outliers && o < lengths.length; o++) {
    const w = lengths[o]!;
    if (w > MAX_WRAP_WIDTH) continue;
    if (w < MIN_WRAP_WIDTH) return 0;
    if (o + 1 < lengths.length && lengths[o + 1]! >= w - WRAP_SLACK) return w;
  }
  return 0;
}

/** The layout of a text split as written (line lengths read in the text itself). */
export function textLayout(text: string): LineLayout {
  const width = wrapWidth(text);
  if (width === 0) return NO_LAYOUT;
  return { width, lineLengthBefore: (q) => lineLengthBefore(text, q) };
}

/** Length of the line of `text` that ends at position q (a line break), trailing spaces excluded. */
export function lineLengthBefore(text: string, q: number): number {
  let e = q;
  while (e > 0 && isSpaceCode(text.charCodeAt(e - 1)) && text.charCodeAt(e - 1) !== NL) e--;
  let s = e;
  while (s > 0 && text.charCodeAt(s - 1) !== NL) s--;
  return e - s;
}

const NL = 10;
const DOT = 46;
const QUESTION = 63;
const EXCLAIM = 33;
const ELLIPSIS = 0x2026;
const COMMA = 44;
const COLON = 58;
const HYPHEN = 45;
const SPACE = 32;
const TAB = 9;

/** Where the scan of a unit stops: sentence terminators and line breaks. */
const EVENT = /[.?!\n\u2026]/g;
/** Closing characters kept with the sentence end: `.)`, `."`, `.']`. */
const CLOSERS = new Set<number>([41, 93, 125, 34, 39, 0xbb, 0x201d, 0x2019]);
/** After a sentence end, these continue the sentence (`etc.;`, `(see above.)`). */
const CONTINUERS = new Set<number>([COMMA, 59, COLON, 41, 93, 125, 37, 47, 38, 61]);
/** A line ending with one of these goes on on the next line. */
const LINE_CONTINUERS = new Set<number>([COMMA, 40, HYPHEN, 47, 38, 43, 61]);
/** Bullets that start a list item when a space follows. */
const BULLETS = new Set<number>([
  HYPHEN,
  42, // *
  0x2022, // •
  0xb7, // ·
  0x2023, // ‣
  0x2043, // ⁃
  0x25aa, // ▪
  0x25ab, // ▫
  0x25a0, // ■
  0x25a1, // □
  0x25cf, // ●
  0x25cb, // ○
  0x25e6, // ◦
  0x25ba, // ►
  0x27a2, // ➢
  0x2713, // ✓
  0x2714, // ✔
]);
/** Words that start a sentence: after `X.` they show that X ended it (`hepatitis C. The`). */
const STARTERS = new Set([
  'the',
  'a',
  'an',
  'he',
  'she',
  'it',
  'i',
  'we',
  'they',
  'his',
  'her',
  'their',
  'our',
  'this',
  'that',
  'these',
  'those',
  'there',
  'patient',
  'pt',
  'no',
  'will',
  'plan',
  'denies',
  'however',
  'in',
  'on',
  'at',
  'after',
  'she',
  'today',
  'if',
]);
/** Lower-case words after which a capital and a period is an initial (`seen by J. Smith`). */
const NAME_LEADERS = new Set(['by', 'with', 'to', 'from', 'and', 'of', 'per', 'cc', 'dear', 'attn', 'for']);

const MAX_LABEL = 60;
const MAX_KEY = 40;
const MAX_KEY_WORDS = 4;
const MAX_HEADER_WORDS = 8;
const MAX_TITLE_WORDS = 5;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isUpperAscii(c: number): boolean {
  return c >= 65 && c <= 90;
}
function isLowerAscii(c: number): boolean {
  return c >= 97 && c <= 122;
}
function isLetterAscii(c: number): boolean {
  return isUpperAscii(c) || isLowerAscii(c);
}
/** I, V, X: upper-case Roman numerals of list markers. */
function isRoman(c: number): boolean {
  return c === 73 || c === 86 || c === 88;
}
function isTerminator(c: number): boolean {
  return c === DOT || c === QUESTION || c === EXCLAIM || c === ELLIPSIS;
}
const U_LETTER = /\p{L}/u;
/** A letter of any script (cheap test for ASCII, a property test otherwise). */
function isLetterAt(t: string, i: number): boolean {
  const c = t.charCodeAt(i);
  if (c < 128) return isLetterAscii(c);
  if (isSpaceCode(c)) return false;
  return U_LETTER.test(String.fromCodePoint(t.codePointAt(i)!));
}

/** What a label scan found (reused object: no allocation per line). */
interface LabelShape {
  colon: number;
  words: number;
  upper: number;
  lower: number;
  titleCase: boolean;
  firstIsLetter: boolean;
  digits: number;
}

export class SentenceSplitter {
  readonly #abbr: AbbreviationTable;
  readonly #lowercaseStarts: boolean;
  readonly #labels: boolean;
  readonly #label: LabelShape = {
    colon: -1,
    words: 0,
    upper: 0,
    lower: 0,
    titleCase: true,
    firstIsLetter: false,
    digits: 0,
  };
  /** Set by #unit: the unit it emitted was a header (the next unit starts a line). */
  #afterHeader = false;
  /** Number of the list marker found by #marker, or -1. */
  #markerNumber = -1;
  /** Layout of the text being split (set by `region`). */
  #layout: LineLayout = NO_LAYOUT;

  constructor(abbreviations: AbbreviationTable, options: SplitterOptions = {}) {
    this.#abbr = abbreviations;
    this.#lowercaseStarts = options.lowercaseStarts ?? false;
    this.#labels = options.labels ?? true;
  }

  /** Split a whole text (one region, no sections); its own lines give the layout. */
  split(text: string): RawSentence[] {
    const out: RawSentence[] = [];
    this.region(
      text,
      0,
      text.length,
      (start, end, kind) => {
        out.push({ start, end, kind });
      },
      textLayout(text),
    );
    return out;
  }

  /** A header region (from the sections layer): one unit, trimmed, when not empty. */
  header(t: string, a: number, b: number, emit: SentenceSink): void {
    let s = a;
    while (s < b) {
      const c = t.charCodeAt(s);
      if (c === COMMA || isSpaceCode(c)) s++;
      else break;
    }
    let e = b;
    while (e > s) {
      const c = t.charCodeAt(e - 1);
      if (c === COMMA || isSpaceCode(c)) e--;
      else break;
    }
    if (e > s) emit(s, e, 'header');
  }

  /**
   * Split the body region t[a, b) into units, in order. `layout` tells soft wraps (see `LineLayout`);
   * by default no line is taken for wrapped.
   */
  region(t: string, a: number, b: number, emit: SentenceSink, layout: LineLayout = NO_LAYOUT): void {
    this.#layout = layout;
    if (b > t.length) b = t.length;
    let i = Math.max(0, a);
    let lineStart = true;
    for (;;) {
      let broke = false;
      while (i < b) {
        const c = t.charCodeAt(i);
        if (c === NL || c === COMMA) broke = true;
        else if (!isSpaceCode(c)) break;
        i++;
      }
      if (i >= b) return;
      i = this.#unit(t, i, b, lineStart || broke, emit);
      lineStart = this.#afterHeader;
    }
  }

  /** One unit starting at s (not blank); emits it and returns where the next one may start. */
  #unit(t: string, s: number, b: number, atLineStart: boolean, emit: SentenceSink): number {
    this.#afterHeader = false;
    let kind: SentenceKind = 'text';
    let content = s;
    let nextEnum = -1;

    if (atLineStart && this.#labels && this.#scanLabel(t, s, b)) {
      const L = this.#label;
      let after = L.colon + 1;
      while (after < b && (t.charCodeAt(after) === SPACE || t.charCodeAt(after) === TAB)) after++;
      const lineEnds = after >= b || t.charCodeAt(after) === NL;
      const caps = L.lower === 0 && L.upper >= 2;
      if (
        (lineEnds && L.words <= MAX_HEADER_WORDS && (caps || (L.titleCase && L.words <= MAX_TITLE_WORDS))) ||
        // an inline header in capitals: words only, the colon written against the last one
        (caps &&
          L.words >= 2 &&
          L.words <= MAX_HEADER_WORDS &&
          L.digits === 0 &&
          !isSpaceCode(t.charCodeAt(L.colon - 1)))
      ) {
        emit(s, L.colon + 1, 'header');
        this.#afterHeader = true;
        return L.colon + 1;
      }
      if (L.firstIsLetter && L.words <= MAX_KEY_WORDS && L.colon - s <= MAX_KEY && !lineEnds) {
        kind = 'key-value';
        content = L.colon + 1;
        // `Diagnoses: 1. HTN 2. DM`
        const m = this.#marker(t, after, b, false);
        if (m > 0 && this.#markerNumber >= 0) {
          nextEnum = this.#markerNumber + 1;
          content = m;
        }
      }
    }
    if (kind === 'text') {
      const m = this.#marker(t, s, b, atLineStart);
      if (m > 0) {
        kind = 'list-item';
        content = m;
        if (this.#markerNumber >= 0) nextEnum = this.#markerNumber + 1;
      }
    }

    let end = b;
    let byTerminator = false;
    let p = content;
    for (;;) {
      EVENT.lastIndex = p;
      const q = EVENT.test(t) ? EVENT.lastIndex - 1 : b;
      if (q >= b) {
        end = b;
        break;
      }
      const c = t.charCodeAt(q);
      if (c === NL) {
        const r = this.#continuation(t, s, content, q, b);
        if (r < 0) {
          end = q;
          break;
        }
        p = r;
        continue;
      }
      if (c === DOT && nextEnum > 0) {
        const d = this.#inlineEnumerator(t, content, q, b, nextEnum);
        if (d >= 0) {
          end = d;
          break;
        }
      }
      const e = clusterEnd(t, q, b);
      const r = this.#boundary(t, s, q, e, b);
      if (r >= 0) {
        end = r;
        byTerminator = true;
        break;
      }
      p = e > q ? e : q + 1;
    }

    let x = end;
    while (x > s && isSpaceCode(t.charCodeAt(x - 1))) x--;
    if (x > s) {
      if (kind === 'text' && !byTerminator && !endsWithTerminator(t, s, x)) kind = 'line';
      emit(s, x, kind);
    }
    return end > s ? end : s + 1;
  }

  /**
   * At a line break q inside a unit: where the unit goes on (the next line's first character), or
   * -1 when the unit ends at the break.
   */
  #continuation(t: string, _s: number, content: number, q: number, b: number): number {
    let r = q + 1;
    while (r < b) {
      const c = t.charCodeAt(r);
      if (c === NL) return -1; // blank line
      if (!isSpaceCode(c)) break;
      r++;
    }
    if (r >= b) return -1;
    let k = q - 1;
    while (k >= content && isSpaceCode(t.charCodeAt(k))) k--;
    if (k < content) {
      // nothing since the marker yet (`1.` alone on its line): the item goes on, unless a new one starts
      return this.#marker(t, r, b, true) > 0 ? -1 : r;
    }
    const prev = t.charCodeAt(k);
    if (!(isLowerAt(t, r) || LINE_CONTINUERS.has(prev) || this.#softWrap(t, k, q, r, b))) return -1;
    if (this.#marker(t, r, b, true) > 0) return -1;
    if (this.#labels && this.#scanLabel(t, r, b)) {
      const L = this.#label;
      if (L.firstIsLetter && L.words <= MAX_KEY_WORDS) return -1;
    }
    return r;
  }

  /**
   * A line break at q inside a sentence that a fixed-width editor put there: the note is wrapped
   * (`LineLayout.width`), the line before it (last character t[k]) does not end the sentence (no
   * final punctuation, or a period that is not a sentence end, such as `Dr.`) nor with `:` or `;`, is
   * full (at least 60% of the width, and the first word of the next line, at r, would not have
   * fitted on it, or the line is within 15% of the width), and the next line
   * starts with a word, a number or an opening bracket (`(per his wife)`, `Lasix`). Whether the
   * next line starts a list item or a label is checked by the caller.
   */
  #softWrap(t: string, k: number, q: number, r: number, b: number): boolean {
    const layout = this.#layout;
    const width = layout.width;
    if (width === 0) return false;
    // a period there did not end the sentence (`(P < 0.` | `001)`, `Dr.`): the scan only reaches the
    // line break when it did not; a colon or a semicolon ends the line as its writer meant
    const last = t.charCodeAt(k);
    if (last === COLON || last === 59 /* ; */) return false;
    const c = t.charCodeAt(r);
    if (!((isLetterAt(t, r) || isDigit(c) || c === 40 /* ( */ || c === 91 /* [ */ || c === 34) /* " */))
      return false;
    const len = layout.lineLengthBefore(q);
    if (len < width * WRAP_MIN_SHARE) return false;
    // the first word of the next line (up to a space)
    let w = r;
    while (w < b && w - r < width && !isSpaceCode(t.charCodeAt(w))) w++;
    return len + 1 + (w - r) > width || len >= width * WRAP_NEAR_SHARE;
  }

  /**
   * At a terminator cluster t[q, e): the end of the sentence (e) when it ends one, else -1.
   */
  #boundary(t: string, s: number, q: number, e: number, b: number): number {
    if (e >= b) return e;
    const c0 = t.charCodeAt(q);
    const single = c0 === DOT && t.charCodeAt(q + 1) !== DOT;
    // the word before a period; a period detached by one space counts (`Dr . Smith`)
    let k = q - 1;
    let ws = q;
    let flags = 0;
    if (single) {
      if (k >= s && t.charCodeAt(k) === SPACE) k--;
      ws = k + 1;
      // the walk back is bounded (a run of `a.a.a.` would otherwise be walked again at every period)
      const floor = Math.max(s, q - LOOKBACK);
      while (ws > floor) {
        const d = t.charCodeAt(ws - 1);
        if (isLetterAscii(d) || d === DOT) ws--;
        else if (d >= 128 && isLetterAt(t, ws - 1)) ws--;
        else break;
      }
      while (ws <= k && t.charCodeAt(ws) === DOT) ws++;
      const wlen = k + 1 - ws;
      if (wlen > 0 && wlen <= this.#abbr.maxLength) flags = this.#abbr.flags(t.slice(ws, k + 1));
      if (flags & ABBR_NEVER) return -1;
    }
    const detached = single && k < q - 1;
    const wlen = k + 1 - ws;

    const f = t.charCodeAt(e);
    if (!isSpaceCode(f)) {
      // MTSamples writes line breaks as commas: `today.,PLAN:`, `needed?,When`, `stable.,` at the end
      if (f === COMMA) return commaBreak(t, e + 1, b, !single) ? e : -1;
      // a missing space: `stable.He` (a lower-case word of 3+ letters, then Xx)
      if (
        single &&
        flags === 0 &&
        e === q + 1 &&
        isUpperAscii(f) &&
        isLowerAscii(t.charCodeAt(e + 1)) &&
        isLowerWordBefore(t, Math.max(s, q - LOOKBACK), q, 3)
      ) {
        return e;
      }
      return -1;
    }
    let r = e;
    let breaks = 0;
    while (r < b) {
      const c = t.charCodeAt(r);
      if (c === NL) breaks++;
      else if (!isSpaceCode(c)) break;
      r++;
    }
    if (r >= b || breaks >= 2) return e;
    const c = t.charCodeAt(r);
    // ` ,NEXT`, `stable.  ,` (the comma of a line break); not `et al . , 1996`, `etc. , and`
    if (c === COMMA) return commaBreak(t, r + 1, b, true) ? e : -1;
    if (CONTINUERS.has(c)) return -1;
    if (c === HYPHEN && !isSpaceCode(t.charCodeAt(r + 1))) return -1;
    const lower = isLowerAt(t, r);
    if (!single) {
      // `?`, `!`, an ellipsis
      if (lower) return this.#lowercaseStarts ? e : -1;
      return e;
    }
    if (isDigit(c)) {
      if (flags & ABBR_BEFORE_NUMBER) return -1;
      // a detached period before a number is a tokenized decimal: `0 . 5`
      if (detached) return -1;
      // inside parentheses: `(P = 0. 015)`, `(ref. 3)`
      if (openParenthesis(t, Math.max(s, q - LOOKBACK), q)) return -1;
      return e;
    }
    if (lower) {
      if (!this.#lowercaseStarts || flags !== 0) return -1;
      if (wlen <= 1 || t.slice(ws, k + 1).includes('.')) return -1;
      return e;
    }
    // an initial: one capital after a space or an opening bracket (`J. Smith`, `C . L . Wu`)
    if (wlen === 1 && isUpperAscii(t.charCodeAt(ws)) && (ws === s || OPENERS.has(t.charCodeAt(ws - 1)))) {
      const n1 = t.charCodeAt(r + 1);
      if (isUpperAscii(c) && (n1 === DOT || (n1 === SPACE && t.charCodeAt(r + 2) === DOT))) return -1;
      // two spaces or a line break after it: a sentence end (`hepatitis A and B.  Until`)
      if (!detached && r - e >= 2) return e;
      if (STARTERS.has(lowerWordAt(t, r, b))) return e;
      const pw = previousWord(t, Math.max(s, ws - LOOKBACK), ws);
      if (pw !== '' && isLowerAscii(pw.charCodeAt(0)) && !NAME_LEADERS.has(pw)) return e;
      return -1;
    }
    return e;
  }

  /**
   * At `.` q in a unit that expects enumerator `expected` (`1. HTN 2. DM`): the end of the unit
   * (before the number) when `<space>expected.<space>` is there, else -1.
   */
  #inlineEnumerator(t: string, content: number, q: number, b: number, expected: number): number {
    let d = q;
    while (d > content && isDigit(t.charCodeAt(d - 1))) d--;
    const len = q - d;
    if (len < 1 || len > 2 || d - 1 <= content) return -1;
    if (!isSpaceCode(t.charCodeAt(d - 1)) || q + 1 >= b || !isSpaceCode(t.charCodeAt(q + 1))) return -1;
    let v = 0;
    for (let x = d; x < q; x++) v = v * 10 + (t.charCodeAt(x) - 48);
    return v === expected ? d : -1;
  }

  /**
   * End of a list marker at s (`-`, `*`, `•`, `1.`, `1)`, `(1)`, `a)`, `#1`; at a line start also
   * `A.` and `IV.`), or -1. Sets #markerNumber.
   */
  #marker(t: string, s: number, b: number, lineStart: boolean): number {
    this.#markerNumber = -1;
    const c = t.charCodeAt(s);
    let e = -1;
    if (lineStart && isLetterAscii(c)) {
      let j = s + 1;
      if (c === 73 || c === 86 || c === 88) while (j < b && j - s < 4 && isRoman(t.charCodeAt(j))) j++;
      if (t.charCodeAt(j) === DOT && (j === s + 1 || isRoman(c))) e = j + 1;
    }
    if (e >= 0) {
      // `A.`, `IV.`
    } else if (BULLETS.has(c)) {
      e = s + 1;
    } else if (isDigit(c) || c === 35 /* # */ || c === 40 /* ( */) {
      let j = c === 35 || c === 40 ? s + 1 : s;
      const ds = j;
      while (j < b && isDigit(t.charCodeAt(j)) && j - ds < 3) j++;
      if (j === ds || isDigit(t.charCodeAt(j))) return -1;
      let v = 0;
      for (let x = ds; x < j; x++) v = v * 10 + (t.charCodeAt(x) - 48);
      const p = t.charCodeAt(j);
      if (c === 40) {
        if (p !== 41) return -1;
        j++;
      } else if (p === DOT || p === 41) {
        j++;
      } else if (c === 35) {
        if (p === COLON) j++;
      } else {
        return -1;
      }
      this.#markerNumber = v;
      e = j;
    } else if (isLetterAscii(c) && t.charCodeAt(s + 1) === 41) {
      e = s + 2;
    }
    if (e < 0) return -1;
    if (e < b && !isSpaceCode(t.charCodeAt(e))) {
      this.#markerNumber = -1;
      return -1;
    }
    return e;
  }

  /** A `Label:` at s on one line; fills #label. */
  #scanLabel(t: string, s: number, b: number): boolean {
    const L = this.#label;
    L.colon = -1;
    L.words = 0;
    L.upper = 0;
    L.lower = 0;
    L.titleCase = true;
    L.digits = 0;
    const c0 = t.charCodeAt(s);
    L.firstIsLetter = isLetterAscii(c0) || (c0 >= 128 && isLetterAt(t, s));
    if (!L.firstIsLetter && !isDigit(c0)) return false;
    const limit = Math.min(b, s + MAX_LABEL + 1);
    let inWord = false;
    let wordStart = s;
    let letters = 0;
    for (let j = s; j < limit; j++) {
      const c = t.charCodeAt(j);
      if (c === COLON) {
        if (inWord) this.#endLabelWord(t, wordStart, j);
        const n = j + 1 < b ? t.charCodeAt(j + 1) : SPACE;
        if (letters === 0 || !isSpaceCode(n)) return false;
        L.colon = j;
        return true;
      }
      if (c === SPACE || c === TAB || c === 47 /* / */) {
        if (inWord) this.#endLabelWord(t, wordStart, j);
        inWord = false;
        continue;
      }
      if (isUpperAscii(c)) {
        L.upper++;
        letters++;
      } else if (isLowerAscii(c)) {
        L.lower++;
        letters++;
      } else if (isDigit(c)) {
        L.digits++;
      } else if (c === 38 || c === HYPHEN || c === 40 || c === 41 || c === 39 || c === 35 || c === 43) {
        // & - ( ) ' # +
      } else if (c >= 128 && isLetterAt(t, j)) {
        letters++;
        if (isLowerAt(t, j)) L.lower++;
        else L.upper++;
      } else {
        return false;
      }
      if (!inWord) {
        inWord = true;
        wordStart = j;
        L.words++;
      }
    }
    return false;
  }

  #endLabelWord(t: string, a: number, b: number): void {
    const c = t.charCodeAt(a);
    if (isLowerAscii(c) && !SMALL_WORDS.has(t.slice(a, b))) this.#label.titleCase = false;
  }
}

/** End of the terminator cluster at q: `.`, `...`, `?!`, `. .` (pre-tokenized), then closers. */
function clusterEnd(t: string, q: number, b: number): number {
  let e = q;
  for (;;) {
    while (e < b && isTerminator(t.charCodeAt(e))) e++;
    if (
      e + 1 < b &&
      t.charCodeAt(e) === SPACE &&
      t.charCodeAt(e + 1) === DOT &&
      !isDigit(t.charCodeAt(e + 2))
    ) {
      e += 1;
      continue;
    }
    break;
  }
  while (e < b && CLOSERS.has(t.charCodeAt(e))) e++;
  return e;
}

/** Whether a `(` or `[` opened in t[s, q) is still open at q. */
/**
 * How far back (characters) the look-behind of a boundary decision reads: the word before a period,
 * an open parenthesis, the previous word. Bounded so that a segment's time is linear in its length
 * (docs/decisions/0007-linear-time-text-processing.md).
 */
const LOOKBACK = 256;

function openParenthesis(t: string, s: number, q: number): boolean {
  let depth = 0;
  for (let k = q - 1; k >= s; k--) {
    const c = t.charCodeAt(k);
    if (c === 41 || c === 93) depth++;
    else if (c === 40 || c === 91) {
      if (depth === 0) return true;
      depth--;
    }
  }
  return false;
}

/** Before an initial: a space, a line break, an opening bracket or quote. */
const OPENERS = new Set<number>([SPACE, TAB, NL, 40, 91, 123, 34, 39]);

/**
 * After a comma that follows a sentence end (i is just after the comma): the comma stands for a
 * line break when only spaces follow to the end or to a line break, or, when `spaced`, up to 3
 * spaces then a capital; else a capital right after it (`.,PLAN`).
 */
function commaBreak(t: string, i: number, b: number, spaced: boolean): boolean {
  let k = i;
  while (k < b && isSpaceCode(t.charCodeAt(k)) && t.charCodeAt(k) !== NL) k++;
  if (k >= b || t.charCodeAt(k) === NL) return true;
  if (!isUpperAscii(t.charCodeAt(k))) return false;
  return k === i || (spaced && k - i <= 3);
}

function endsWithTerminator(t: string, s: number, x: number): boolean {
  let k = x - 1;
  while (k > s && CLOSERS.has(t.charCodeAt(k))) k--;
  return isTerminator(t.charCodeAt(k));
}

function isLowerWordBefore(t: string, s: number, q: number, min: number): boolean {
  let w = q;
  while (w > s && isLowerAscii(t.charCodeAt(w - 1))) w--;
  if (q - w < min) return false;
  return w === s || !isLetterAscii(t.charCodeAt(w - 1));
}

/** The lower-cased ASCII word starting at r (at most 12 letters), or ''. */
function lowerWordAt(t: string, r: number, b: number): string {
  let e = r;
  while (e < b && e - r <= 12 && isLetterAscii(t.charCodeAt(e))) e++;
  if (e === r || e - r > 12) return '';
  return t.slice(r, e).toLowerCase();
}

/** The word (letters) before position ws, skipping spaces, within [s, ws); lower-cased as written. */
function previousWord(t: string, s: number, ws: number): string {
  let k = ws - 1;
  while (k >= s && (t.charCodeAt(k) === SPACE || t.charCodeAt(k) === TAB)) k--;
  const we = k + 1;
  while (k >= s && isLetterAscii(t.charCodeAt(k))) k--;
  if (we - (k + 1) > 16) return '';
  return t.slice(k + 1, we);
}
