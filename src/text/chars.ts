/**
 * Character classes shared by the tokenizer and the sentence splitter. ASCII goes through a table;
 * other characters through Unicode property tests (rare in notes, so their cost does not matter).
 */

/** Whitespace, control and invisible characters. */
export const C_SPACE = 1;
/** ASCII digits (other scripts' digits are C_LOWER: word characters). */
export const C_DIGIT = 2;
/** Upper-case and title-case letters. */
export const C_UPPER = 3;
/** Any other letter, number or combining mark: a word character. */
export const C_LOWER = 4;
/** Punctuation (ASCII `.,;:!?'"()[]{}-_` and the backtick, Unicode `P*`). */
export const C_PUNCT = 5;
/** Everything else. */
export const C_SYMBOL = 6;

/** Class of each ASCII code unit. */
export const ASCII_CLASS = new Uint8Array(128);
const ASCII = ASCII_CLASS;
for (let c = 0; c < 128; c++) {
  if (c <= 32 || c === 127) ASCII[c] = C_SPACE;
  else if (c >= 48 && c <= 57) ASCII[c] = C_DIGIT;
  else if (c >= 65 && c <= 90) ASCII[c] = C_UPPER;
  else if (c >= 97 && c <= 122) ASCII[c] = C_LOWER;
  else if ('.,;:!?\'"()[]{}-_`'.includes(String.fromCharCode(c))) ASCII[c] = C_PUNCT;
  else ASCII[c] = C_SYMBOL;
}

const U_LETTER_OR_NUMBER = /[\p{L}\p{N}]/u;
const U_UPPER = /[\p{Lu}\p{Lt}]/u;
const U_LOWER = /\p{Ll}/u;
const U_MARK = /\p{M}/u;
const U_PUNCT = /\p{P}/u;

/** Whitespace, control characters and invisible characters (zero-width, BOM). */
export function isSpaceCode(c: number): boolean {
  if (c < 128) return c <= 32 || c === 127;
  return (
    c <= 0xa0 || // C1 controls, NEL, NBSP
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200d) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x2060 ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/** Class of the code unit at t[i]; non-ASCII characters are classified by code point. */
export function classAt(t: string, i: number): number {
  const c = t.charCodeAt(i);
  if (c < 128) return ASCII[c]!;
  return classOfNonAscii(t, i, c);
}

function classOfNonAscii(t: string, i: number, c: number): number {
  if (isSpaceCode(c)) return C_SPACE;
  if (c >= 0xd800 && c <= 0xdfff) {
    const cp = t.codePointAt(i)!;
    if (cp > 0xffff) return classOfCodePoint(String.fromCodePoint(cp));
    return C_SYMBOL; // a lone surrogate
  }
  return classOfCodePoint(String.fromCharCode(c));
}

function classOfCodePoint(ch: string): number {
  if (U_UPPER.test(ch)) return C_UPPER;
  if (U_LETTER_OR_NUMBER.test(ch) || U_MARK.test(ch)) return C_LOWER; // any other letter, number or mark
  if (U_PUNCT.test(ch)) return C_PUNCT;
  return C_SYMBOL;
}

/** True for a lower-case letter (ASCII or Unicode `Ll`). */
export function isLowerAt(t: string, i: number): boolean {
  const c = t.charCodeAt(i);
  if (c < 128) return c >= 97 && c <= 122;
  if (isSpaceCode(c)) return false;
  const cp = t.codePointAt(i)!;
  return U_LOWER.test(String.fromCodePoint(cp));
}

/** True for a letter or digit (ASCII or Unicode), or a combining mark. */
export function isWordAt(t: string, i: number): boolean {
  const k = classAt(t, i);
  return k === C_DIGIT || k === C_UPPER || k === C_LOWER;
}

/** True for a combining mark (it belongs to the character before it). */
export function isMarkAt(t: string, i: number): boolean {
  const c = t.charCodeAt(i);
  if (c < 0x300) return false;
  return U_MARK.test(String.fromCodePoint(t.codePointAt(i)!));
}

/** Length in code units of the code point at t[i] (2 for a surrogate pair). */
export function cpLength(t: string, i: number): number {
  const c = t.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff) {
    const d = t.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return 2;
  }
  return 1;
}

/** Small words a Title Case heading may keep in lower case (`Review of Systems`). */
export const TITLE_SMALL_WORDS: ReadonlySet<string> = new Set([
  'of',
  'and',
  'the',
  'for',
  'on',
  'in',
  'at',
  'to',
  'with',
  'or',
  'a',
  'an',
  'by',
]);
