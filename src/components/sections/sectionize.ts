/**
 * Section header detection: one pass over the lines of the normalized view, looking at colons and at
 * short lines only. Spans are mapped back to the original text at the end.
 *
 * A header is found
 * - at the start of a line, before a colon: `HPI: 45 yo M`, `1. HPI:`, `II. Assessment:`,
 *   MTSamples' `HEADER:,` (the normalizer already made the comma a line break);
 * - alone on its line: `PHYSICAL EXAMINATION`, `History of Present Illness`;
 * - on a line underlined by `---` or `===`;
 * - inside a line, after a sentence end, when it names a known category: in capitals
 *   (`... Negative.  HEENT:  Normal.`) or in Title Case (`... was stable. Plan: continue`).
 *
 * Which candidates become headers, and their confidence:
 *
 * | candidate                                                           | confidence |
 * |---------------------------------------------------------------------|-----------:|
 * | known category, exact match                                         |        1.0 |
 * | known category, prefix/suffix match (before a colon, or underlined) |        0.9 |
 * | known category, informal spelling (`Past Med Hx`: fuzzy)            |        0.8 |
 * | unknown, ALL CAPS before a colon at line start                      |        0.7 |
 * | unknown, underlined line                                            |        0.7 |
 * | unknown, Title Case before a colon at line start (see below)        |        0.6 |
 * | unknown, ALL CAPS line alone (>= 2 words, after a sentence end)     |        0.5 |
 *
 * A mixed-case candidate names a known category (`Neck: supple`, `Past Medical History`), or is an
 * unknown Title Case phrase of 1 to 5 words before a colon (`Swallow Study Stages:`) whose body starts
 * on the next line, or, with text after the colon, which starts a paragraph and whose text starts
 * with a capital. Inside a paragraph a mixed-case `Key: value` with an unknown key (`Dose: 5 mg`) or
 * a remark (`Note: ...`) is a field of the current section. A lower-case candidate (`pain: none`)
 * never is a header. A line alone without a colon must match exactly (`CHEST PAIN` alone is a value,
 * not the `chest` exam system). In a note written in capitals only, unknown candidates are not
 * headers. A category listed in INSIDE_PARENTS_ONLY (`Primary:` of a diagnosis list) is a header only
 * inside one of its parents.
 *
 * Subsections: a category with `parents` (an exam or ROS system, vital signs inside an exam) found
 * while the current top-level section is one of its parents gets `parent` = that section's index.
 * A `subsection` category matched only by prefix/suffix outside its parents is not that category
 * (`PROSTATE BIOPSY:` in an operative note is not the rectal exam). An unknown capitalized `KEY:`
 * line inside a section that has subsections (physical exam, ROS) is a subsection `other` of it, so
 * an exam is never cut into unrelated pieces.
 */
import type { NormalizedText } from '../../doc/normalize.js';
import type { Section } from '../../doc/types.js';
import { TITLE_SMALL_WORDS as SMALL_WORDS } from '../../text/chars.js';
import type { HeaderMatch, HeaderMatcher } from './rules.js';

declare module '../../doc/types.js' {
  interface Section {
    /**
     * Index (in the sections layer) of the section this one is a part of: an exam or ROS system
     * inside `physical_exam` / `review_of_systems`. Absent for top-level sections.
     */
    readonly parent?: number;
  }
}

export interface SectionizeOptions {
  /** `split`: subsections are sections of their own with a `parent`; `merge`: they stay in their parent. */
  readonly subsections: 'split' | 'merge';
  /** Candidates below this confidence are not headers (see the table above). */
  readonly minHeaderConfidence: number;
  /** Look for known capitalized headers after a sentence end inside a line. */
  readonly midLine: boolean;
}

export const DEFAULT_SECTIONIZE_OPTIONS: SectionizeOptions = {
  subsections: 'split',
  minHeaderConfidence: 0.5,
  midLine: true,
};

export const COMPONENT = 'sections';
export const RULE_UNKNOWN = 'sections.unknown-header';
export const RULE_PREAMBLE = 'sections.preamble';

/** A header candidate in the normalized view. */
interface Candidate {
  /** Header span (normalized), numbering included, colon excluded. */
  readonly hs: number;
  readonly he: number;
  /** Where the body starts (normalized). */
  bodyStart: number;
  readonly match: HeaderMatch | null;
  readonly confidence: number;
  /** Confidence as an unknown header when the match is refused; 0 when it cannot be one. */
  readonly unknownConfidence: number;
  /** An unknown `KEY:` line inside an exam is a part of it; a heading alone or underlined is not. */
  readonly keyLike?: boolean;
  /** Text follows the colon on the same line (`Dose: 5 mg`), rather than the body starting below. */
  readonly inlineValue?: boolean;
  /** A mixed-case candidate (Title Case or sentence case), not ALL CAPS. */
  readonly mixed?: boolean;
  /** Only a header inside one of its parents (a mixed-case exam system after a sentence end). */
  readonly nestedOnly?: boolean;
  /** At the start of a paragraph: the text start or after a blank line. */
  paragraphStart?: boolean;
}

/** An accepted header. */
interface Found {
  readonly hs: number;
  readonly he: number;
  readonly bodyStart: number;
  readonly match: HeaderMatch | null;
  /** Index in the found list of the enclosing top-level header. */
  readonly parent: number | undefined;
}

/** Sections written problem by problem: a numbered unknown `N. Problem:` inside them is an item. */
const PROBLEM_ORIENTED: ReadonlySet<string> = new Set([
  'hospital_course',
  'assessment',
  'plan',
  'assessment_and_plan',
  'impression',
  'diagnoses',
  'discharge_diagnoses',
  'admission_diagnoses',
  'problem_list',
  'ed_course',
  'mdm',
]);

const MAX_HEADER_CHARS = 64;
const MAX_CAPS_WORDS = 8;
const MAX_MIXED_WORDS = 6;
const MAX_UNKNOWN_LINE_WORDS = 6;
const MAX_MIDLINE_CHARS = 40;

// numbering before a header: `1.`, `2)`, `IV.`, `B)`, `(3)`
const NUMBERING = /(?:\d{1,2}|[IVXivx]{1,4}|[A-Za-z])[.)][ \t]+|\(\d{1,2}\)[ \t]+/y;
const UNDERLINE = /[ \t]*(?:-{3,}|={3,}|_{3,}|~{3,}|\*{3,})[ \t]*(?:\n|$)/y;

const UPPER_OTHER = /\p{Lu}/u;
const LETTER_OTHER = /\p{L}/u;

/** Shape of a candidate header text: counts, computed without allocating. */
interface Shape {
  ok: boolean;
  letters: number;
  lower: number;
  digits: number;
  words: number;
  hasDot: boolean;
  /** A `.` followed by a space: a sentence end inside, not a header. */
  dotSpace: boolean;
  /** Every word starts with a capital, small words aside. */
  title: boolean;
}

const shape: Shape = {
  ok: false,
  letters: 0,
  lower: 0,
  digits: 0,
  words: 0,
  hasDot: false,
  dotSpace: false,
  title: false,
};

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isUpper(c: number): boolean {
  return c >= 65 && c <= 90;
}
function isLower(c: number): boolean {
  return c >= 97 && c <= 122;
}
/** A letter, or `-` / `'` inside a word (`Follow-up`, `Patient's`). */
function isWordChar(c: number): boolean {
  return isUpper(c) || isLower(c) || c === 45 || c === 39;
}
function isSpace(c: number): boolean {
  return c === 32 || c === 9;
}
function startsUpper(t: string, i: number): boolean {
  const c = t.charCodeAt(i);
  return isUpper(c) || (c > 127 && UPPER_OTHER.test(t[i]!));
}

/** Fill `shape` for t[a, b). Allowed: letters, digits, spaces and / & ' ( ) . - + #. */
function measure(t: string, a: number, b: number): Shape {
  const s = shape;
  s.ok = true;
  s.letters = 0;
  s.lower = 0;
  s.digits = 0;
  s.words = 0;
  s.hasDot = false;
  s.dotSpace = false;
  s.title = true;
  let inWord = false;
  let wordStart = -1;
  for (let i = a; i < b; i++) {
    const c = t.charCodeAt(i);
    if (isSpace(c) || c === 47 /* / */) {
      if (inWord) endWord(t, wordStart, i, s);
      inWord = false;
      continue;
    }
    if (!inWord) {
      inWord = true;
      wordStart = i;
      s.words++;
    }
    if (isUpper(c)) {
      s.letters++;
    } else if (isLower(c)) {
      s.letters++;
      s.lower++;
    } else if (c >= 48 && c <= 57) {
      s.digits++;
    } else if (c === 46) {
      s.hasDot = true;
      if (i + 1 < b && isSpace(t.charCodeAt(i + 1))) s.dotSpace = true;
    } else if (c === 38 || c === 39 || c === 40 || c === 41 || c === 45 || c === 43 || c === 35) {
      // & ' ( ) - + #
    } else if (c > 127 && LETTER_OTHER.test(t[i]!)) {
      s.letters++;
      if (!UPPER_OTHER.test(t[i]!)) s.lower++;
    } else {
      s.ok = false;
      return s;
    }
  }
  if (inWord) endWord(t, wordStart, b, s);
  return s;
}

function endWord(t: string, a: number, b: number, s: Shape): void {
  if (!s.title) return;
  let i = a;
  while (i < b && !isUpper(t.charCodeAt(i)) && !isLower(t.charCodeAt(i))) i++;
  if (i >= b || isUpper(t.charCodeAt(i))) return;
  if (b - a <= 4 && SMALL_WORDS.has(t.slice(a, b).toLowerCase())) return;
  s.title = false;
}

function confidenceOf(m: HeaderMatch): number {
  if (m.fuzzy) return 0.8;
  return m.mode === 'exact' ? 1 : 0.9;
}

/** Confidence of an unknown Title Case `Header:` at a line start (see the table above). */
const UNKNOWN_TITLE_CONFIDENCE = 0.6;
const MAX_UNKNOWN_TITLE_WORDS = 5;
const MAX_UNKNOWN_TITLE_CHARS = 40;

/** Find the headers of a normalized text, in order, with their parents. */
function findHeaders(t: string, matcher: HeaderMatcher, options: SectionizeOptions): Found[] {
  const n = t.length;
  const found: Found[] = [];
  let allCaps: boolean | null = null;
  const isAllCapsNote = (): boolean => {
    if (allCaps === null) {
      let up = 0;
      let low = 0;
      for (let i = 0; i < n; i++) {
        const c = t.charCodeAt(i);
        if (isUpper(c)) up++;
        else if (isLower(c)) low++;
      }
      allCaps = up + low >= 100 && low < (up + low) * 0.02;
    }
    return allCaps;
  };

  // the current top-level section
  let top = -1;
  let topCategory: string | null = null;

  /** Decide on a candidate in context; returns whether it became a header. */
  const accept = (c: Candidate): boolean => {
    let match = c.match;
    let confidence = c.confidence;
    let parent: number | undefined;
    if (match) {
      const cat = match.category;
      if (topCategory !== null && cat.parents.has(topCategory)) parent = top;
      else if (c.nestedOnly) return false;
      else if ((cat.kind === 'subsection' && match.mode !== 'exact') || cat.insideParentsOnly) {
        // `CHEST CT:` outside an exam is not the chest exam; `Primary:` outside a diagnosis list is no rank
        match = null;
        confidence = c.unknownConfidence;
      }
    }
    // inside a paragraph, a mixed-case `Key: value` line is a field of the section, not a new one:
    // an unknown key (`Dose: 5 mg`, `Route: oral`), or a remark (`Note: take with food`)
    if (c.mixed && c.inlineValue && !c.paragraphStart && (match === null || match.paragraphOnly))
      return false;
    if (match === null) {
      if (confidence <= 0 || isAllCapsNote()) return false;
      // `4. T2DM: ...` in a hospital course or assessment is a numbered problem, not a section
      if (topCategory !== null && PROBLEM_ORIENTED.has(topCategory) && isDigit(t.charCodeAt(c.hs)))
        return false;
      if (c.keyLike && topCategory !== null && matcher.containers.has(topCategory)) parent = top;
    }
    if (confidence < options.minHeaderConfidence) return false;
    found.push({ hs: c.hs, he: c.he, bodyStart: c.bodyStart, match, parent });
    if (parent === undefined) {
      top = found.length - 1;
      topCategory = match ? match.category.id : 'other';
    }
    return true;
  };

  let nextColon = t.indexOf(':');
  if (nextColon < 0) nextColon = n;
  // what the previous non-blank line was
  let prevBlank = true;
  let prevEndsSentence = true;
  let prevWasHeader = false;
  let prevHeaderBodyEmpty = false;

  let pos = 0;
  while (pos < n) {
    let le = t.indexOf('\n', pos);
    if (le < 0) le = n;
    let s = pos;
    while (s < le && isSpace(t.charCodeAt(s))) s++;
    if (s === le) {
      prevBlank = true;
      prevWasHeader = false;
      prevHeaderBodyEmpty = false;
      pos = le + 1;
      continue;
    }
    let e = le;
    while (e > s && isSpace(t.charCodeAt(e - 1))) e--;
    if (nextColon < s) {
      nextColon = t.indexOf(':', s);
      if (nextColon < 0) nextColon = n;
    }

    let candidate: Candidate | null = null;
    let nextPos = le + 1;
    if (nextColon < le) {
      // a header before the first colon of the line
      candidate = colonHeader(t, s, nextColon, matcher);
      if (candidate) candidate.paragraphStart = prevBlank;
    } else if (e - s <= MAX_HEADER_CHARS + 6) {
      // a short line without a colon: underlined, or alone
      UNDERLINE.lastIndex = le + 1;
      if (le < n && UNDERLINE.test(t)) {
        candidate = lineHeader(t, s, e, true, matcher);
        if (candidate) nextPos = UNDERLINE.lastIndex;
      } else {
        candidate = lineHeader(t, s, e, false, matcher);
        const mayBeUnknown = (prevBlank || prevEndsSentence || prevWasHeader) && !prevHeaderBodyEmpty;
        if (candidate && candidate.match === null && !mayBeUnknown) candidate = null;
      }
      if (candidate) {
        let b = Math.min(nextPos, n);
        while (b < n && (isSpace(t.charCodeAt(b)) || t.charCodeAt(b) === 10)) b++;
        candidate.bodyStart = b;
      }
    }

    let isHeader = false;
    let bodyEmpty = false;
    let scanFrom = s;
    if (candidate && accept(candidate)) {
      isHeader = true;
      bodyEmpty = candidate.bodyStart > le;
      scanFrom = Math.min(candidate.bodyStart, le);
    }

    // headers inside the line, after a sentence end
    let c = nextColon;
    while (c < le) {
      if (options.midLine && c > scanFrom) {
        const m = midLineHeader(t, scanFrom, c, matcher);
        if (m && accept(m)) scanFrom = Math.min(m.bodyStart, le);
      }
      c = t.indexOf(':', c + 1);
      if (c < 0) c = n;
    }
    nextColon = c;

    prevBlank = false;
    prevWasHeader = isHeader;
    prevHeaderBodyEmpty = isHeader && bodyEmpty;
    const last = t.charCodeAt(e - 1);
    prevEndsSentence = last === 46 || last === 58 || last === 59 || last === 33 || last === 63;
    pos = nextPos;
  }
  return found;
}

function numberingEnd(t: string, s: number, limit: number): number {
  NUMBERING.lastIndex = s;
  if (NUMBERING.test(t) && NUMBERING.lastIndex < limit) return NUMBERING.lastIndex;
  return s;
}

/** First non-whitespace position at or after i (newlines included). */
function skipBody(t: string, i: number): number {
  const n = t.length;
  while (i < n) {
    const c = t.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10) i++;
    else break;
  }
  return i;
}

/** `HEADER: body` at the start of a line; c is the first colon of the line. */
function colonHeader(t: string, s: number, c: number, matcher: HeaderMatcher): Candidate | null {
  if (c - s > MAX_HEADER_CHARS + 6) return null;
  const after = t.charCodeAt(c + 1);
  if (after >= 48 && after <= 57) return null; // a time or a ratio: `10:30`, `1:1000`
  if (after === 47) return null; // `http://`
  const h0 = numberingEnd(t, s, c);
  let he = c;
  while (he > h0 && isSpace(t.charCodeAt(he - 1))) he--;
  if (he <= h0 || he - h0 > MAX_HEADER_CHARS || !startsUpper(t, h0)) return null;
  const sh = measure(t, h0, he);
  if (!sh.ok || sh.letters === 0 || sh.dotSpace) return null;
  const caps = sh.lower === 0;
  if (sh.words > (caps ? MAX_CAPS_WORDS : MAX_MIXED_WORDS)) return null;
  const m = matcher.match(t.slice(h0, he));
  const bodyStart = skipBody(t, c + 1);
  const inlineValue = !lineEndsAt(t, c + 1);
  let unknownConfidence = 0;
  if (caps) {
    if (sh.letters >= 2) unknownConfidence = 0.7;
  } else if (titleHeaderShape(t, h0, he, sh, matcher) && !(inlineValue && !valueStartsBody(t, c + 1))) {
    // `Pertinent Results:`, `Scope Ports: Two` (not `Dose: 5 mg`, `Temp: 38.2`, `Gout: a review`)
    unknownConfidence = UNKNOWN_TITLE_CONFIDENCE;
  }
  const mixed = !caps;
  if (m) {
    // mixed case: a prefix match must look like a title (`Past Medical History/Problem List`) or be
    // short; a suffix match must be a short title (`Pertinent Results:`)
    if (
      caps ||
      m.mode === 'exact' ||
      (m.mode === 'prefix' && (sh.title || sh.words <= 4)) ||
      (m.mode === 'suffix' && sh.title && sh.words <= 4)
    ) {
      return {
        hs: s,
        he,
        bodyStart,
        match: m,
        confidence: confidenceOf(m),
        unknownConfidence,
        keyLike: true,
        inlineValue,
        mixed,
      };
    }
    return null;
  }
  if (unknownConfidence === 0) return null;
  return {
    hs: s,
    he,
    bodyStart,
    match: null,
    confidence: unknownConfidence,
    unknownConfidence,
    keyLike: true,
    inlineValue,
    mixed,
  };
}

/** Only spaces from i to the end of the line. */
function lineEndsAt(t: string, i: number): boolean {
  const n = t.length;
  while (i < n && isSpace(t.charCodeAt(i))) i++;
  return i >= n || t.charCodeAt(i) === 10;
}

/**
 * The text after a colon reads as the body of a section: it starts with a capitalized word (or a
 * bullet, or an opening bracket). Not a number (`Dose: 5 mg`, `Temp: 38.2`: a key and its value), a
 * code (`Accession: S25-000002`) nor a lower-case word (`Gout: a review`, `Route: oral`: a title or a
 * field).
 */
function valueStartsBody(t: string, i: number): boolean {
  const n = t.length;
  while (i < n && isSpace(t.charCodeAt(i))) i++;
  const c = t.charCodeAt(i);
  if (c === 45 || c === 42 || c === 40 || c === 0x2022) return true;
  if (!startsUpper(t, i)) return false;
  // a word, not a code (`Accession: S25-000002`, `Room: B12`)
  for (let j = i + 1; j < n; j++) {
    const d = t.charCodeAt(j);
    if (isDigit(d)) return false;
    if (isSpace(d) || d === 10 || d === 44 || d === 46) break;
  }
  return true;
}

/**
 * The shape of an unknown Title Case header: 1 to 5 words, every one capitalized (small words such as
 * `of`, `and` aside, never last), letters only, at most 40 characters, not starting with a word
 * that starts body lines (`No`, `Patient`, ...).
 */
function titleHeaderShape(t: string, a: number, b: number, sh: Shape, matcher: HeaderMatcher): boolean {
  if (!sh.title || sh.digits > 0 || sh.hasDot || sh.letters < 3) return false;
  if (sh.words > MAX_UNKNOWN_TITLE_WORDS || b - a > MAX_UNKNOWN_TITLE_CHARS) return false;
  if (!isUpper(t.charCodeAt(a))) return false;
  if (matcher.nonHeaderWords.has(firstWord(t, a, b))) return false;
  // the last word is not a small word (`Plan of:`)
  let w = b;
  while (w > a && !isSpace(t.charCodeAt(w - 1))) w--;
  return !isLower(t.charCodeAt(w));
}

/** A whole line as a header: alone (`PHYSICAL EXAMINATION`) or underlined. */
function lineHeader(
  t: string,
  s: number,
  e: number,
  underlined: boolean,
  matcher: HeaderMatcher,
): Candidate | null {
  const h0 = numberingEnd(t, s, e);
  if (e - h0 > MAX_HEADER_CHARS || e <= h0) return null;
  if (!startsUpper(t, h0) && !(underlined && isLower(t.charCodeAt(h0)))) return null;
  const sh = measure(t, h0, e);
  if (!sh.ok || sh.letters < 2 || sh.dotSpace) return null;
  // no informal readings for a line without a colon: most short lines are values (`CHEST PAIN`)
  const m = matcher.match(t.slice(h0, e), false);
  if (underlined) {
    if (sh.words > 10 || t.charCodeAt(e - 1) === 46) return null;
    if (m)
      return { hs: s, he: e, bodyStart: e, match: m, confidence: confidenceOf(m), unknownConfidence: 0.7 };
    return { hs: s, he: e, bodyStart: e, match: null, confidence: 0.7, unknownConfidence: 0.7 };
  }
  // alone on its line: a value such as `CHEST PAIN` or `2. PNEUMONIA.` is not a header
  if (sh.words > MAX_CAPS_WORDS || t.charCodeAt(e - 1) === 46) return null;
  if (sh.lower === 0) {
    let unknownConfidence = 0.5;
    if (
      sh.words < 2 ||
      sh.words > MAX_UNKNOWN_LINE_WORDS ||
      sh.digits > 0 ||
      sh.hasDot ||
      h0 !== s ||
      sh.letters < (e - h0) * 0.6 ||
      matcher.nonHeaderWords.has(firstWord(t, h0, e))
    ) {
      unknownConfidence = 0;
    }
    if (m && m.mode === 'exact')
      return { hs: s, he: e, bodyStart: e, match: m, confidence: 1, unknownConfidence };
    if (unknownConfidence === 0) return null;
    return { hs: s, he: e, bodyStart: e, match: null, confidence: unknownConfidence, unknownConfidence };
  }
  if (sh.words > MAX_MIXED_WORDS || !m || m.mode !== 'exact') return null;
  // Title Case alone (`History of Present Illness`), or sentence case (`Reason for visit`) when it
  // stands as a paragraph heading: after a blank line or at the start of the text
  if (!sh.title && !(startsUpper(t, h0) && afterBlankLine(t, s))) return null;
  return { hs: s, he: e, bodyStart: e, match: m, confidence: 1, unknownConfidence: 0 };
}

/** The line starting at s follows a blank line (or starts the text). */
function afterBlankLine(t: string, s: number): boolean {
  if (s === 0) return true;
  let i = s - 1; // the newline ending the previous line
  if (t.charCodeAt(i) !== 10) return false;
  i--;
  while (i >= 0 && (t.charCodeAt(i) === 32 || t.charCodeAt(i) === 9)) i--;
  return i < 0 || t.charCodeAt(i) === 10;
}

function firstWord(t: string, a: number, b: number): string {
  let i = a;
  while (i < b && (isUpper(t.charCodeAt(i)) || isLower(t.charCodeAt(i)))) i++;
  return t.slice(a, i).toLowerCase();
}

/**
 * A header after a sentence end, mid-line: `... Negative.  HEENT:  Normal.` (capitals) or
 * `... was stable. Plan: continue` (Title Case). Known categories only; a Title Case one must match
 * exactly, be at most 4 words, not be a remark (`Note:`), and a category that nests (an exam or ROS
 * system, `Alcohol:`, `Labs:`) only counts inside its parent (`... he fell. Back: tender` in an HPI
 * is not the back exam).
 */
function midLineHeader(t: string, from: number, c: number, matcher: HeaderMatcher): Candidate | null {
  const after = t.charCodeAt(c + 1);
  if ((after >= 48 && after <= 57) || after === 47) return null;
  let he = c;
  while (he > from && isSpace(t.charCodeAt(he - 1))) he--;
  // walk back word by word; a lower-case word that is not a small word (`with BP:`) ends the search
  // at once, so that a colon after running text costs a few characters only
  let r = he;
  while (r > from && he - r <= MAX_MIDLINE_CHARS) {
    const ch = t.charCodeAt(r - 1);
    if (isSpace(ch) || ch === 47 || ch === 38) {
      r--;
      continue;
    }
    if (!isWordChar(ch)) break;
    let ws = r - 1;
    while (ws > from && isWordChar(t.charCodeAt(ws - 1))) ws--;
    if (isLower(t.charCodeAt(ws)) && !(r - ws <= 4 && SMALL_WORDS.has(t.slice(ws, r)))) return null;
    r = ws;
  }
  while (r < he && !isUpper(t.charCodeAt(r))) r++;
  if (he - r < 2 || he - r > MAX_MIDLINE_CHARS) return null;
  // before the run: spaces or a transcription comma (`.  HEENT:`, `., HEENT:`, `. ,HEENT:`), then a sentence end
  let b = r;
  while (b > from && (isSpace(t.charCodeAt(b - 1)) || t.charCodeAt(b - 1) === 44)) b--;
  if (b === r || b <= from) return null;
  const p = t.charCodeAt(b - 1);
  if (p !== 46 && p !== 59 && p !== 33 && p !== 63) return null;
  const sh = measure(t, r, he);
  if (!sh.ok || sh.letters < 2) return null;
  const m = matcher.match(t.slice(r, he));
  if (!m || m.mode === 'suffix') return null;
  const mixed = sh.lower > 0;
  if (mixed) {
    // the run holds the words of the sentence before when it has no period (`was seen Plan:`)
    if (!sh.title || sh.words > 4 || m.mode !== 'exact' || m.paragraphOnly) return null;
  }
  return {
    hs: r,
    he,
    bodyStart: skipBody(t, c + 1),
    match: m,
    confidence: confidenceOf(m),
    unknownConfidence: 0,
    mixed,
    // a category that nests (an exam system, `Alcohol:` of a social history, `Labs:`) counts mid-line
    // only inside its parent: `Tobacco: never. Alcohol: rarely.` in an HPI is a field
    nestedOnly: mixed && (m.category.kind === 'subsection' || m.category.parents.size > 0),
  };
}

/**
 * Sections of a note: ordered, non-overlapping, covering the text from the first header (or from 0
 * with a `preamble`) to the end. Offsets are into the original text.
 */
export function sectionize(
  view: NormalizedText,
  matcher: HeaderMatcher,
  options: SectionizeOptions = DEFAULT_SECTIONIZE_OPTIONS,
): Section[] {
  const t = view.text;
  const original = view.original;
  const n = original.length;
  let found = findHeaders(t, matcher, options);
  if (options.subsections === 'merge') found = found.filter((f) => f.parent === undefined);

  const out: Section[] = [];
  const firstStart = found.length > 0 ? view.offsetToOriginal(found[0]!.hs) : n;
  if (firstStart > 0 && /\S/.test(firstStart === n ? original : original.slice(0, firstStart))) {
    out.push({
      start: 0,
      end: firstStart,
      category: 'preamble',
      header: null,
      bodyStart: 0,
      evidence: { component: COMPONENT, rule: RULE_PREAMBLE },
    });
  }
  const shift = out.length;
  for (let i = 0; i < found.length; i++) {
    const f = found[i]!;
    const next = found[i + 1];
    const [hs, he] = view.toOriginal(f.hs, f.he);
    const end = next ? view.offsetToOriginal(next.hs) : n;
    const bodyStart = Math.min(Math.max(view.offsetToOriginal(f.bodyStart), he), end);
    const section: Section = {
      start: hs,
      end,
      category: f.match ? f.match.category.id : 'other',
      header: { start: hs, end: he, text: original.slice(hs, he) },
      bodyStart,
      evidence: f.match
        ? { component: COMPONENT, rule: f.match.rule, detail: f.match.fuzzy ? 'fuzzy' : f.match.mode }
        : { component: COMPONENT, rule: RULE_UNKNOWN, detail: 'unknown' },
      ...(f.parent !== undefined && options.subsections === 'split' ? { parent: f.parent + shift } : {}),
    };
    out.push(section);
  }
  return out;
}
