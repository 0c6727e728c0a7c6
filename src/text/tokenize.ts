/**
 * The tokenizer: one left-to-right pass over a string, no backtracking beyond a few characters, an
 * ASCII class table, and no string built except each token's `norm`. See docs/tokens.md.
 *
 * Token kinds:
 * - `word`: letters and digits (`patient`, `G6PD`, `11p15`, `3rd`), with internal apostrophes
 *   (`Crohn's`); hyphens split (`x-ray` -> `x` `-` `ray`); abbreviations written with internal
 *   periods stay whole with their final period (`b.i.d.`, `p.o.`, `e.g.`); single-letter slash
 *   forms stay whole (`s/p`, `w/o`, `h/o`, and `w/` before a space);
 * - `number`: `98.6`, `1,000`, `-2`, `.5` (with `value`), and composite numbers without `value`:
 *   ratios and blood pressures `120/80`, ranges `2-3`, times `10:30`, dates `03/15/2024`,
 *   `2024-03-15`, `15.03.2024`;
 * - `measure`: a number and a unit written together, `5mg` (value 5, unit `mg`), `2.5cm`, `50%`,
 *   `5mg/kg`, `98.6°F`; a range with a unit (`2-3cm`) has a unit and no value. `5 mg` is two tokens;
 * - `punct`: `. , ; : ! ? ' " ( ) [ ] { } - _` and Unicode punctuation; a run of the same `.`, `-`,
 *   `_`, `=`, `*`, `~`, `!`, `?` is one token (`...`, `--`);
 * - `symbol`: everything else (`/ + = < > % # & * @ ^ ~ | $ \ °`, emoji, ...), one code point each.
 */
import type { TokenKind } from '../doc/types.js';
import {
  ASCII_CLASS,
  C_DIGIT,
  C_LOWER,
  C_PUNCT,
  C_SPACE,
  C_SYMBOL,
  C_UPPER,
  classAt,
  cpLength,
  isMarkAt,
} from './chars.js';
import { MAX_UNIT_LENGTH, UNITS } from './units.js';

export interface RawToken {
  readonly start: number;
  readonly end: number;
  readonly kind: TokenKind;
  /** Lower-cased token text. */
  readonly norm: string;
  readonly value?: number;
  readonly unit?: string;
}

const DOT = 46;
const COMMA = 44;
const COLON = 58;
const SLASH = 47;
const HYPHEN = 45;
const PLUS = 43;
const APOS = 39;
const RSQUO = 0x2019;
const PERCENT = 37;
const DEGREE = 0xb0;

/** Punctuation and symbols whose runs make one token (`...`, `--`, `***`). */
const RUNS = new Uint8Array(128);
for (const c of [DOT, HYPHEN, 95 /* _ */, 61 /* = */, 42 /* * */, 126 /* ~ */, 33 /* ! */, 63 /* ? */])
  RUNS[c] = 1;
/** Characters after which a `-` or `+` before a digit is a sign, not a range or an operator. */
const SIGN_AFTER_NOT = new Set<number>([41 /* ) */, 93 /* ] */, 125 /* } */, DOT, PERCENT]);

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isAsciiLetter(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
}

/**
 * A cursor over the tokens of a string: `next()` moves to the next token and fills the fields.
 * Allocation-free apart from `norm()`; the tokens component builds its objects straight from it.
 */
export class TokenScanner {
  readonly text: string;
  pos = 0;
  start = 0;
  end = 0;
  kind: TokenKind = 'word';
  /** Numeric value (NaN when the token has none). */
  value = Number.NaN;
  /** Unit of a measure ('' when none). */
  unit = '';
  /** Whether the token has upper-case characters (norm needs lower-casing). */
  #upper = false;

  constructor(text: string) {
    this.text = text;
  }

  /** The lower-cased text of the current token. */
  norm(): string {
    const s = this.text.slice(this.start, this.end);
    return this.#upper ? s.toLowerCase() : s;
  }

  /** Move to the next token; false at the end of the text. */
  next(): boolean {
    const t = this.text;
    const n = t.length;
    let i = this.pos;
    let k = 0;
    while (i < n) {
      const c = t.charCodeAt(i);
      k = c < 128 ? ASCII_CLASS[c]! : classAt(t, i);
      if (k !== C_SPACE) break;
      i++;
    }
    if (i >= n) {
      this.pos = n;
      return false;
    }
    this.start = i;
    this.value = Number.NaN;
    this.unit = '';
    this.#upper = false;
    const c = t.charCodeAt(i);

    if (k === C_DIGIT || ((c === HYPHEN || c === PLUS || c === DOT) && this.#numberStartsAt(i))) {
      this.#number(i);
    } else if (k === C_UPPER || k === C_LOWER) {
      if (c >= 128 || t.charCodeAt(i + 1) === DOT || !this.#plainWord(i, k === C_UPPER)) this.#word(i, k);
    } else if (k === C_PUNCT || k === C_SYMBOL) {
      let e = i + (c < 128 ? 1 : cpLength(t, i));
      if (c < 128 && RUNS[c] === 1) while (e < n && t.charCodeAt(e) === c) e++;
      // a lone mark after a symbol belongs to it
      while (e < n && t.charCodeAt(e) >= 0x300 && isMarkAt(t, e)) e += cpLength(t, e);
      this.end = e;
      this.kind = k === C_PUNCT ? 'punct' : 'symbol';
      if (c >= 128) this.#upper = true;
    } else {
      this.end = i + cpLength(t, i);
      this.kind = 'symbol';
      this.#upper = true;
    }
    this.pos = this.end;
    return true;
  }

  /**
   * The common case, an ASCII word ended by a space or ASCII punctuation other than `'` and `/`:
   * sets the token and returns true; false leaves it to #word.
   */
  #plainWord(i: number, upper: boolean): boolean {
    const t = this.text;
    const n = t.length;
    let e = i + 1;
    for (; e < n; e++) {
      const d = t.charCodeAt(e);
      if (d >= 128) return false;
      const kd = ASCII_CLASS[d]!;
      if (kd === C_LOWER || kd === C_DIGIT) continue;
      if (kd === C_UPPER) {
        upper = true;
        continue;
      }
      if (d === APOS || d === SLASH) return false;
      break;
    }
    this.end = e;
    this.kind = 'word';
    this.#upper = upper;
    return true;
  }

  /** A `-`, `+` or `.` at i starts a number: a sign or a leading decimal point before a digit. */
  #numberStartsAt(i: number): boolean {
    const t = this.text;
    const c = t.charCodeAt(i);
    const d1 = t.charCodeAt(i + 1);
    if (c === DOT) {
      if (!isDigit(d1)) return false;
    } else if (!isDigit(d1) && !(d1 === DOT && isDigit(t.charCodeAt(i + 2)))) return false;
    if (i === 0) return true;
    const p = t.charCodeAt(i - 1);
    if (SIGN_AFTER_NOT.has(p)) return false;
    const pk = classAt(t, i - 1);
    return pk !== C_DIGIT && pk !== C_UPPER && pk !== C_LOWER;
  }

  /** Digits with thousands groups and a decimal part, from i; returns the end. */
  #simpleNumber(i: number): number {
    const t = this.text;
    const n = t.length;
    let j = i;
    while (j < n && isDigit(t.charCodeAt(j))) j++;
    const intLen = j - i;
    // thousands groups: `1,000`, `12,500,000` (exactly three digits, not followed by a digit)
    if (intLen >= 1 && intLen <= 3) {
      while (
        t.charCodeAt(j) === COMMA &&
        isDigit(t.charCodeAt(j + 1)) &&
        isDigit(t.charCodeAt(j + 2)) &&
        isDigit(t.charCodeAt(j + 3)) &&
        !isDigit(t.charCodeAt(j + 4))
      ) {
        j += 4;
      }
    }
    if (t.charCodeAt(j) === DOT && isDigit(t.charCodeAt(j + 1))) {
      j++;
      while (j < n && isDigit(t.charCodeAt(j))) j++;
    }
    return j;
  }

  #number(i: number): void {
    const t = this.text;
    const n = t.length;
    const c = t.charCodeAt(i);
    const signed = c === HYPHEN || c === PLUS;
    const numStart = signed ? i + 1 : i;
    let j = this.#simpleNumber(numStart);
    const simpleEnd = j;
    let composite = false;
    // ratios, ranges, times, dates: `120/80`, `2-3`, `10:30`, `03/15/2024`, `2024-03-15`, `15.03.2024`
    for (;;) {
      const s = t.charCodeAt(j);
      if ((s === SLASH || s === HYPHEN || s === COLON || s === DOT) && isDigit(t.charCodeAt(j + 1))) {
        j = this.#simpleNumber(j + 1);
        composite = true;
      } else break;
    }
    // a unit written with the number
    const u = this.#unitAt(j);
    if (u > j) {
      this.end = u;
      this.kind = 'measure';
      this.unit = t.slice(j, u).toLowerCase();
      if (!composite) this.value = numberValue(t, i, simpleEnd);
      this.#upper = true;
      return;
    }
    // a plain integer glued to letters is a word: `3rd`, `11p15`, `185delAG`
    if (!composite && !signed && j === simpleEnd && isIntegerRun(t, i, j)) {
      const k = j < n ? classAt(t, j) : C_SPACE;
      if (k === C_UPPER || k === C_LOWER) {
        this.#word(i, C_DIGIT);
        return;
      }
    }
    this.end = j;
    this.kind = 'number';
    if (!composite) this.value = numberValue(t, i, simpleEnd);
  }

  /** End of a unit starting at j (`mg`, `mL/min`, `%`, `°F`), or j when there is none. */
  #unitAt(j: number): number {
    const t = this.text;
    const n = t.length;
    const c = t.charCodeAt(j);
    if (c === PERCENT) return j + 1;
    let e = this.#unitWordEnd(j);
    if (e === j) return j;
    // compound units: `mg/kg`, `mg/kg/min`
    while (t.charCodeAt(e) === SLASH) {
      const f = this.#unitWordEnd(e + 1);
      if (f === e + 1) break;
      e = f;
    }
    if (e < n && (isDigit(t.charCodeAt(e)) || isAsciiLetter(t.charCodeAt(e)))) return j;
    const k = e < n ? classAt(t, e) : C_SPACE;
    if (k === C_UPPER || k === C_LOWER) return j;
    return e;
  }

  /** End of one unit word at j (checked against UNITS), or j. */
  #unitWordEnd(j: number): number {
    const t = this.text;
    let e = j;
    if (t.charCodeAt(e) === DEGREE) {
      e++;
      const l = t.charCodeAt(e);
      if (l === 67 || l === 70 || l === 99 || l === 102) e++; // °C, °F
      return isAsciiLetter(t.charCodeAt(e)) ? j : e;
    }
    while (e - j <= MAX_UNIT_LENGTH) {
      const l = t.charCodeAt(e);
      if (isAsciiLetter(l) || l === 0xb5 || l === 0x3bc) e++;
      else break;
    }
    if (e === j || e - j > MAX_UNIT_LENGTH) return j;
    // `m2`, `mm3`
    const d = t.charCodeAt(e);
    if ((d === 50 || d === 51) && !isDigit(t.charCodeAt(e + 1))) {
      if (UNITS.has(t.slice(j, e + 1).toLowerCase())) return e + 1;
    }
    return UNITS.has(t.slice(j, e).toLowerCase()) ? e : j;
  }

  #word(i: number, firstClass: number): void {
    const t = this.text;
    const n = t.length;
    const c0 = t.charCodeAt(i);
    // non-ASCII: let toLowerCase decide (`Ⅰ` is a number with a lower case)
    let upper = firstClass === C_UPPER || c0 >= 128;
    // dotted abbreviations: `b.i.d.`, `p.o.`, `e.g.`, `U.S.`
    if (isAsciiLetter(c0) && t.charCodeAt(i + 1) === DOT && isAsciiLetter(t.charCodeAt(i + 2))) {
      let e = i + 1;
      let ok = true;
      while (t.charCodeAt(e) === DOT && isAsciiLetter(t.charCodeAt(e + 1))) {
        const after = t.charCodeAt(e + 2);
        if (after !== DOT && (isAsciiLetter(after) || isDigit(after))) {
          ok = false;
          break;
        }
        e += 2;
      }
      if (ok) {
        if (t.charCodeAt(e) === DOT) {
          const after = e + 1 < n ? classAt(t, e + 1) : C_SPACE;
          if (after !== C_DIGIT && after !== C_UPPER && after !== C_LOWER) e++;
        }
        this.end = e;
        this.kind = 'word';
        this.#upper = true;
        return;
      }
    }
    let e = i + cpLength(t, i);
    for (;;) {
      if (e >= n) break;
      const c = t.charCodeAt(e);
      let k: number;
      if (c < 128) {
        k = ASCII_CLASS[c]!;
        if (k === C_LOWER || k === C_DIGIT) {
          e++;
          continue;
        }
        if (k === C_UPPER) {
          upper = true;
          e++;
          continue;
        }
      } else {
        k = classAt(t, e);
      }
      if (k === C_UPPER || k === C_LOWER || k === C_DIGIT) {
        upper = true; // non-ASCII: let toLowerCase decide
        e += cpLength(t, e);
        continue;
      }
      // internal apostrophe between letters: `Crohn's`, `don't`
      if ((c === APOS || c === RSQUO) && e + 1 < n) {
        const kn = classAt(t, e + 1);
        const kp = classAt(t, e - 1);
        if ((kn === C_LOWER || kn === C_UPPER) && (kp === C_LOWER || kp === C_UPPER)) {
          if (kn === C_UPPER || t.charCodeAt(e + 1) >= 128) upper = true;
          e += 2;
          continue;
        }
      }
      break;
    }
    // single-letter slash forms: `s/p`, `w/o`, `h/o`, `c/o`, `n/v`, `w/`
    if (e === i + 1 && isAsciiLetter(c0) && t.charCodeAt(e) === SLASH) {
      const a = e + 1 < n ? classAt(t, e + 1) : C_SPACE;
      if ((a === C_UPPER || a === C_LOWER) && isAsciiLetter(t.charCodeAt(e + 1))) {
        const b = e + 2 < n ? classAt(t, e + 2) : C_SPACE;
        if (b !== C_UPPER && b !== C_LOWER && b !== C_DIGIT && t.charCodeAt(e + 2) !== SLASH) {
          e += 2;
          upper = true;
        }
      } else if (a === C_SPACE) {
        e += 1;
      }
    }
    this.end = e;
    this.kind = 'word';
    this.#upper = upper;
  }
}

function isIntegerRun(t: string, i: number, j: number): boolean {
  for (let x = i; x < j; x++) if (!isDigit(t.charCodeAt(x))) return false;
  return true;
}

/** Value of a simple number t[i, j): sign, thousands commas, decimals. */
function numberValue(t: string, i: number, j: number): number {
  let s = t.slice(i, j);
  if (s.includes(',')) s = s.replaceAll(',', '');
  if (s.charCodeAt(0) === PLUS) s = s.slice(1);
  const v = Number(s);
  return Number.isFinite(v) ? v : Number.NaN;
}

/** Tokenize a string (already normalized). Offsets index `text`. Pure; never throws. */
export function tokenize(text: string): RawToken[] {
  const out: RawToken[] = [];
  const sc = new TokenScanner(text);
  while (sc.next()) {
    const norm = sc.norm();
    if (sc.kind === 'measure') {
      out.push(
        Number.isNaN(sc.value)
          ? { start: sc.start, end: sc.end, kind: sc.kind, norm, unit: sc.unit }
          : { start: sc.start, end: sc.end, kind: sc.kind, norm, value: sc.value, unit: sc.unit },
      );
    } else if (sc.kind === 'number' && !Number.isNaN(sc.value)) {
      out.push({ start: sc.start, end: sc.end, kind: sc.kind, norm, value: sc.value });
    } else {
      out.push({ start: sc.start, end: sc.end, kind: sc.kind, norm });
    }
  }
  return out;
}
