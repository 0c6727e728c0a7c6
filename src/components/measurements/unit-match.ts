/**
 * Unit matching without a regex alternation of every unit form: the same results as the regexes
 * `(?<u>${alternation(forms)})${B}` (flag `i`) and those they were part of (the unit-only scan, the
 * reference range, the filler before a value, the converted value), where V8 spent tens of
 * milliseconds compiling alternations of hundreds of forms on the first note.
 *
 * A regex alternation takes the FIRST alternative, in source order (longest form first), that lets
 * the whole pattern match; the matcher tries the forms that start with the same character in that
 * order, comparing characters as the `i` flag does (ECMAScript Canonicalize, non-unicode mode), an
 * inner space matching a run of spaces and tabs, and keeps the first one followed by the boundary B
 * (`(?<=[^A-Za-z0-9])|(?![A-Za-z0-9])`).
 */

/** The code unit as a case-insensitive non-unicode regex compares it (ECMAScript Canonicalize). */
function canon(c: number): number {
  if (c < 128) return c >= 97 && c <= 122 ? c - 32 : c;
  const u = String.fromCharCode(c).toUpperCase();
  if (u.length !== 1) return c;
  const cu = u.charCodeAt(0);
  return cu < 128 ? c : cu;
}

const ASCII_RE = /^[\x00-\x7f]*$/;
const isAlnum = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const firstKey = (c: number): number => (c === 9 ? 32 : c);
/** B: `(?<=[^A-Za-z0-9])|(?![A-Za-z0-9])` at e. */
const boundary = (text: string, e: number): boolean =>
  !isAlnum(text.charCodeAt(e - 1)) || !isAlnum(text.charCodeAt(e));
const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isBlank = (c: number): boolean => c === 32 || c === 9;

/** Unit forms, matched as the regex `(?:${alternation(forms)})${B}` with flag `i` would. */
export class UnitMatcher {
  /**
   * Forms by their first canonical code unit, in alternation order, each written in canonical code
   * units; a space stands for `[ \t]+`.
   */
  readonly #byFirst = new Map<number, string[]>();

  constructor(forms: Iterable<string>) {
    // the order of `alternation` (lexicon.ts): unique, longest first, then by code units
    const uniq = [...new Set(forms)].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
    for (const f of uniq) {
      if (f.length === 0) continue;
      let form = f;
      // ASCII: canon is toUpperCase
      if (ASCII_RE.test(f)) form = f.toUpperCase();
      else {
        form = '';
        for (let i = 0; i < f.length; i++) form += String.fromCharCode(canon(f.charCodeAt(i)));
      }
      // a form that starts with a space (`[ \t]+`) or a tab is looked up by either blank
      const first = firstKey(form.charCodeAt(0));
      let list = this.#byFirst.get(first);
      if (!list) this.#byFirst.set(first, (list = []));
      list.push(form);
    }
  }

  /** The end of the first form (in alternation order) written at p and followed by B, or -1. */
  match(text: string, p: number): number {
    return this.first(text, p, boundary);
  }

  /**
   * The end of the first form (in alternation order) written at p whose end `accept`s (what follows
   * the alternation in the regex), or -1.
   */
  first(text: string, p: number, accept: (text: string, end: number) => boolean): number {
    if (p >= text.length) return -1;
    const list = this.#byFirst.get(firstKey(canon(text.charCodeAt(p))));
    if (!list) return -1;
    for (const form of list) {
      const e = matchForm(text, p, form);
      if (e >= 0 && accept(text, e)) return e;
    }
    return -1;
  }

  /**
   * The sticky regex `[ \t]?(?<u>${alternation(forms)})${B}` (flag `i`) at q: the start and end of
   * the unit, or null.
   */
  unitAt(text: string, q: number): { start: number; end: number } | null {
    if (isBlank(text.charCodeAt(q))) {
      const e = this.match(text, q + 1);
      if (e >= 0) return { start: q + 1, end: e };
    }
    const e = this.match(text, q);
    return e >= 0 ? { start: q, end: e } : null;
  }
}

/** Where the form (canonical code units) written at p ends, compared as with flag `i`, or -1. */
function matchForm(text: string, p: number, form: string): number {
  let i = p;
  for (let j = 0; j < form.length; j++) {
    const c = form.charCodeAt(j);
    if (c === 32) {
      // k spaces are k times `[ \t]+`: at least k blanks, greedy (what follows is not a blank, so
      // giving back never helps)
      let k = 1;
      while (form.charCodeAt(j + 1) === 32) {
        k++;
        j++;
      }
      const s = i;
      while (isBlank(text.charCodeAt(i))) i++;
      if (i - s < k) return -1;
      continue;
    }
    if (i >= text.length) return -1;
    const t = text.charCodeAt(i);
    if (t !== c && canon(t) !== c) return -1;
    i++;
  }
  return i;
}

/** A match of the unit-only scan (the groups of the regex it replaces). */
export interface UnitOnlyMatch {
  index: number;
  /** The whole match. */
  text: string;
  a?: string;
  b?: string;
  n?: string;
  n2?: string;
  u: string;
}

function digitRun(text: string, q: number): number {
  let i = q;
  while (isDigit(text.charCodeAt(i))) i++;
  return i - q;
}

function skipBlanks(text: string, q: number): number {
  let i = q;
  while (isBlank(text.charCodeAt(i))) i++;
  return i;
}

/**
 * The ends of the matches of NUM_EU at q, in the order the regex engine tries them:
 * `(?:\d{1,3}(?:,\d{3})+(?![\d,])|\d{1,3}(?: \d{3})+(?![\d])|\d+,\d{1,2}(?![\d,])|\d+)(?:\.\d+)?|\.\d+`;
 * without `eu`, of NUM (extract.ts): `(?:\d{1,3}(?:,\d{3})+(?![\d,])|\d+)(?:\.\d+)?|\.\d+`.
 */
function numEuEnds(text: string, q: number, eu = true): number[] {
  const out: number[] = [];
  const c = text.charCodeAt(q);
  if (c === 46) {
    // `\.\d+`
    const d = digitRun(text, q + 1);
    for (let k = d; k >= 1; k--) out.push(q + 1 + k);
    return out;
  }
  if (!isDigit(c)) return out;
  const r = digitRun(text, q);
  const withDecimals = (b: number): void => {
    if (text.charCodeAt(b) === 46) {
      const d = digitRun(text, b + 1);
      for (let k = d; k >= 1; k--) out.push(b + 1 + k);
    }
    out.push(b);
  };
  // `\d{1,3}(?:,\d{3})+(?![\d,])`: the digits before the first comma, then every group or none
  if (r <= 3) {
    let e = q + r;
    let j = 0;
    while (text.charCodeAt(e) === 44 && digitRun(text, e + 1) >= 3) {
      e += 4;
      j++;
    }
    const next = text.charCodeAt(e);
    if (j > 0 && !isDigit(next) && next !== 44) withDecimals(e);
  }
  // `\d{1,3}(?: \d{3})+(?![\d])`: every group count, most first, not followed by a digit
  if (eu && r <= 3) {
    const ends: number[] = [];
    let e = q + r;
    while (text.charCodeAt(e) === 32 && digitRun(text, e + 1) >= 3) {
      e += 4;
      ends.push(e);
    }
    for (let j = ends.length - 1; j >= 0; j--) {
      const end = ends[j]!;
      if (!isDigit(text.charCodeAt(end))) withDecimals(end);
    }
  }
  // `\d+,\d{1,2}(?![\d,])`
  if (eu && text.charCodeAt(q + r) === 44) {
    const d2 = digitRun(text, q + r + 1);
    if (d2 >= 1) {
      const end = q + r + 1 + Math.min(2, d2);
      const next = text.charCodeAt(end);
      if (!isDigit(next) && next !== 44) withDecimals(end);
    }
  }
  // `\d+`, giving back one digit at a time
  for (let k = r; k >= 1; k--) withDecimals(q + k);
  return out;
}

/**
 * The global regex (flag `i`)
 * `(?<![\w.,/])(?:(?<a>\d{2,3})[ \t]*\/[ \t]*(?<b>\d{2,3})|(?<n>NUM_EU)(?:%?[ \t]*[-–][ \t]*(?<n2>NUM_EU))?)[ \t]?(?<u>LU)B`
 * where LU is the alternation of the matcher's forms: its matches from `from`, one at a time.
 */
export function unitOnlyExec(units: UnitMatcher, text: string, from: number): UnitOnlyMatch | null {
  for (let s = from; s < text.length; s++) {
    const c = text.charCodeAt(s);
    if (!isDigit(c) && c !== 46) continue;
    if (s > 0) {
      const pc = text.charCodeAt(s - 1);
      if (isAlnum(pc) || pc === 95 || pc === 46 || pc === 44 || pc === 47) continue;
    }
    const m = unitOnlyAt(units, text, s);
    if (m) return m;
  }
  return null;
}

function unitOnlyAt(units: UnitMatcher, text: string, s: number): UnitOnlyMatch | null {
  // `[ \t]?(?<u>LU)B` after the number part
  const tail = (e: number): { start: number; end: number } | null => units.unitAt(text, e);
  const result = (u: { start: number; end: number }, groups: Partial<UnitOnlyMatch>): UnitOnlyMatch => ({
    index: s,
    text: text.slice(s, u.end),
    ...groups,
    u: text.slice(u.start, u.end),
  });
  // `(?<a>\d{2,3})[ \t]*\/[ \t]*(?<b>\d{2,3})`
  const r = digitRun(text, s);
  if (r === 2 || r === 3) {
    const t = skipBlanks(text, s + r);
    if (text.charCodeAt(t) === 47) {
      const t2 = skipBlanks(text, t + 1);
      const r2 = digitRun(text, t2);
      for (let k = Math.min(3, r2); k >= 2; k--) {
        const u = tail(t2 + k);
        if (u) return result(u, { a: text.slice(s, s + r), b: text.slice(t2, t2 + k) });
      }
    }
  }
  // `(?<n>NUM_EU)(?:%?[ \t]*[-–][ \t]*(?<n2>NUM_EU))?`
  for (const e1 of numEuEnds(text, s)) {
    const n = text.slice(s, e1);
    let t = e1;
    if (text.charCodeAt(t) === 37) t++;
    t = skipBlanks(text, t);
    const dash = text.charCodeAt(t);
    if (dash === 45 || dash === 0x2013) {
      const t3 = skipBlanks(text, t + 1);
      for (const e2 of numEuEnds(text, t3)) {
        const u = tail(e2);
        if (u) return result(u, { n, n2: text.slice(t3, e2) });
      }
    }
    const u = tail(e1);
    if (u) return result(u, { n });
  }
  return null;
}

/**
 * The sticky regex (flag `i`) `${refRe}(?:[ \t]*(?<u>${U})${B})?[ \t]*(?<close>[)\]])?` at q, its unit read
 * without a regex: what follows `refRe` always matches, so the regex takes the first way
 * `refRe` matches and then the first unit form (fewest blanks given back) that B follows.
 */
export function refExec(
  refRe: RegExp,
  units: UnitMatcher,
  text: string,
  q: number,
): { 0: string; groups: Record<string, string | undefined> } | null {
  refRe.lastIndex = q;
  const rm = refRe.exec(text);
  if (!rm || rm.index !== q) return null;
  const groups: Record<string, string | undefined> = { ...rm.groups };
  let p = refRe.lastIndex;
  let b = p;
  while (text.charCodeAt(b) === 32 || text.charCodeAt(b) === 9) b++;
  for (let x = b; x >= p; x--) {
    const e = units.match(text, x);
    if (e >= 0) {
      groups.u = text.slice(x, e);
      p = e;
      break;
    }
  }
  while (text.charCodeAt(p) === 32 || text.charCodeAt(p) === 9) p++;
  const c = text.charAt(p);
  if (c === ')' || c === ']') {
    groups.close = c;
    p++;
  }
  return { 0: text.slice(q, p), groups };
}

/**
 * The sticky regex (flag `i`) `[ \t]*(?:HEAD|\([ \t]*(?<pu>${U})[ \t]*\)|TAIL)` at p, HEAD and TAIL
 * being `headRe` and `tailRe`, the units read without a regex: the alternatives in
 * their order after each number of leading blanks, most first, as the regex engine tries them.
 */
export function fillerExec(
  headRe: RegExp,
  tailRe: RegExp,
  units: UnitMatcher,
  text: string,
  p: number,
): { index: number; 0: string; groups: { pu?: string | undefined; w?: string | undefined } } | null {
  let b = p;
  while (text.charCodeAt(b) === 32 || text.charCodeAt(b) === 9) b++;
  const closes = (t: string, e: number): boolean => {
    let i = e;
    while (t.charCodeAt(i) === 32 || t.charCodeAt(i) === 9) i++;
    return t.charCodeAt(i) === 41;
  };
  for (let x = b; x >= p; x--) {
    const head = headRe;
    head.lastIndex = x;
    const hm = head.exec(text);
    if (hm) return { index: p, 0: text.slice(p, head.lastIndex), groups: {} };
    if (text.charCodeAt(x) === 40) {
      // `\([ \t]*(?<pu>U)[ \t]*\)`
      let ub = x + 1;
      while (text.charCodeAt(ub) === 32 || text.charCodeAt(ub) === 9) ub++;
      for (let y = ub; y > x; y--) {
        const e = units.first(text, y, closes);
        if (e < 0) continue;
        let c = e;
        while (text.charCodeAt(c) === 32 || text.charCodeAt(c) === 9) c++;
        return { index: p, 0: text.slice(p, c + 1), groups: { pu: text.slice(y, e) } };
      }
    }
    const tail = tailRe;
    tail.lastIndex = x;
    const tm = tail.exec(text);
    if (tm) return { index: p, 0: text.slice(p, tail.lastIndex), groups: { w: tm.groups!.w } };
  }
  return null;
}

/**
 * The sticky regex (flag `i`) `[ \t]*[(/][ \t]*(?<v>NUM)[ \t]*(?<u>${U})${B}[ \t]*\)?` at q, NUM as
 * in extract.ts: the ways NUM matches in the engine's order, then the first unit form (fewest
 * blanks given back) that B follows.
 */
export function convertedExec(
  units: UnitMatcher,
  text: string,
  q: number,
): { index: number; 0: string; groups: { v: string; u: string } } | null {
  const x = skipBlanks(text, q);
  const c = text.charCodeAt(x);
  if (c !== 40 && c !== 47) return null;
  const y = skipBlanks(text, x + 1);
  for (const e of numEuEnds(text, y, false)) {
    const b = skipBlanks(text, e);
    for (let z = b; z >= e; z--) {
      const ue = units.match(text, z);
      if (ue < 0) continue;
      let end = skipBlanks(text, ue);
      if (text.charCodeAt(end) === 41) end++;
      return { index: q, 0: text.slice(q, end), groups: { v: text.slice(y, e), u: text.slice(z, ue) } };
    }
  }
  return null;
}
