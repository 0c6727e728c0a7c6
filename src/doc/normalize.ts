/**
 * A normalized view of a note's text with an offset map back to the original.
 *
 * Components read `view.text` (cleaner to match against) and report spans in the original with
 * `view.toOriginal(start, end)`, so every output offset reproduces the original text exactly.
 *
 * What it does (each step can be turned off in the `normalize` component options):
 * - Unicode NFC (a base letter + combining accent becomes one character);
 * - odd whitespace (NBSP, thin spaces, tabs, vertical tab, form feed) -> ' '; U+2028/2029/0085 and
 *   CR/CRLF -> '\n'; zero-width characters, BOM and soft hyphens are dropped;
 * - NUL and other C0/C1 control characters -> ' ';
 * - typographic quotes and dashes -> ASCII;
 * - the `",  "` artefacts of transcribed notes (MTSamples writes line breaks as commas:
 *   `HPI:,  The patient ...`, `... today.,PLAN:`) -> '\n';
 * - soft line wraps (a line that stops mid-sentence and goes on in lower case) -> ' '.
 *
 * Most steps replace one character by one, so the map stays the identity and costs nothing; only
 * CRLF, NFC and dropped characters change lengths, and then a per-character map is kept.
 */

/** JSON form of a normalized view: the map as plain arrays (null when it is the identity). */
export interface NormalizedJSON {
  readonly text: string;
  readonly starts: number[] | null;
  readonly ends: number[] | null;
}

/** An Int32Array from an array, a typed array (structured clone) or null; undefined when neither. */
function toInt32(v: unknown): Int32Array | null | undefined {
  if (v === null) return null;
  if (v instanceof Int32Array) return v;
  if (Array.isArray(v) && v.every((x) => Number.isInteger(x))) return Int32Array.from(v as number[]);
  return undefined;
}

export interface NormalizeOptions {
  readonly nfc?: boolean;
  readonly whitespace?: boolean;
  readonly punctuation?: boolean;
  readonly transcriptionCommas?: boolean;
  readonly softWraps?: boolean;
}

const DEFAULTS: Required<NormalizeOptions> = {
  nfc: true,
  whitespace: true,
  punctuation: true,
  transcriptionCommas: true,
  softWraps: true,
};

export class NormalizedText {
  /** The normalized text. */
  readonly text: string;
  readonly original: string;
  /**
   * starts[i]: original index where normalized char i begins (length n + 1). Null when 1:1.
   * Public so that a structured clone of a Doc keeps the map (see `NormalizedText.fromJSON`).
   */
  readonly starts: Int32Array | null;
  /** ends[i]: original index where normalized char i ends (exclusive). Null when 1:1. */
  readonly ends: Int32Array | null;

  constructor(original: string, text: string, starts: Int32Array | null, ends: Int32Array | null) {
    this.original = original;
    this.text = text;
    this.starts = starts;
    this.ends = ends;
  }

  /** JSON form (the original text is the Doc's, not repeated). */
  toJSON(): NormalizedJSON {
    return {
      text: this.text,
      starts: this.starts ? Array.from(this.starts) : null,
      ends: this.ends ? Array.from(this.ends) : null,
    };
  }

  /**
   * Revive a view from its JSON form or from a structured clone, over `original`. Returns null when
   * the value is not a normalized view of that text (lengths disagree).
   */
  static fromJSON(value: unknown, original: string): NormalizedText | null {
    if (typeof value !== 'object' || value === null) return null;
    const v = value as { text?: unknown; starts?: unknown; ends?: unknown };
    if (typeof v.text !== 'string') return null;
    const starts = toInt32(v.starts);
    const ends = toInt32(v.ends);
    if (starts === undefined || ends === undefined || (starts === null) !== (ends === null)) return null;
    if (starts === null) {
      if (v.text.length !== original.length) return null;
    } else if (starts.length !== v.text.length + 1 || (ends as Int32Array).length < v.text.length)
      return null;
    return new NormalizedText(original, v.text, starts, ends);
  }

  /** True when normalized index i is original index i for every i. */
  get isIdentityMap(): boolean {
    return this.starts === null;
  }

  /** Map a normalized span [start, end) to the original text. */
  toOriginal(start: number, end: number): [number, number] {
    const starts = this.starts;
    if (starts === null) return [start, end];
    const ends = this.ends!;
    if (end <= start) {
      const o = starts[start] ?? this.original.length;
      return [o, o];
    }
    return [starts[start]!, ends[end - 1]!];
  }

  /** Map a single normalized index (a boundary) to the original. */
  offsetToOriginal(i: number): number {
    const starts = this.starts;
    if (starts === null) return i;
    return starts[i] ?? this.original.length;
  }
}

// Characters that a character-level pass must look at. Everything else is copied as is.
const SPECIAL =
  /[\0-\x08\x0B-\x1F\x7F-\x9F\u00A0\u00AD\u2000-\u200F\u2010-\u2015\u2018-\u201F\u2028-\u202F\u205F\u2060\u3000\uFEFF\t]/;
const NON_ASCII = /[^\0-\x7F]/;
const COMBINING = /\p{M}/u;

function replacementFor(ch: string, code: number, o: Required<NormalizeOptions>): string | null {
  // null: keep the character
  if (code === 0x0d) return o.whitespace ? '\n' : null;
  if (code === 0x09 || code === 0x0b || code === 0x0c) return o.whitespace ? ' ' : null;
  if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) {
    if (code === 0x85) return o.whitespace ? '\n' : null;
    return ' ';
  }
  if (
    code === 0xa0 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000
  )
    return o.whitespace ? ' ' : null;
  if (code === 0x2028 || code === 0x2029) return o.whitespace ? '\n' : null;
  if (
    code === 0x200b ||
    code === 0x200c ||
    code === 0x200d ||
    code === 0x2060 ||
    code === 0xfeff ||
    code === 0xad
  )
    return o.whitespace ? '' : null;
  if (o.punctuation) {
    if (code >= 0x2010 && code <= 0x2015) return '-';
    if (code === 0x2018 || code === 0x2019 || code === 0x201a || code === 0x201b) return "'";
    if (code === 0x201c || code === 0x201d || code === 0x201e || code === 0x201f) return '"';
  }
  void ch;
  return null;
}

/** Build the normalized view of `original`. Pure; never throws on any string. */
export function normalize(original: string, options: NormalizeOptions = {}): NormalizedText {
  const o: Required<NormalizeOptions> = { ...DEFAULTS, ...options };
  let text = original;
  let starts: Int32Array | null = null;
  let ends: Int32Array | null = null;

  const needsCharPass = SPECIAL.test(original) || (o.nfc && NON_ASCII.test(original) && hasNfcWork(original));
  if (needsCharPass) {
    const r = charPass(original, o);
    text = r.text;
    starts = r.starts;
    ends = r.ends;
  }
  // 1:1 passes below never change the length, so the map stays as it is.
  if (o.transcriptionCommas && text.includes(',')) {
    // `HEADER:,` / `HEADER: ,` / `HEADER:  ,Text`
    text = text.replace(/:( {0,3}),/g, ':$1\n');
    // `... today.,PLAN:` / `...stable.,2. Next` (but not `etc., and` or `t.i.d., Keflex`)
    text = text.replace(/\.,(?=[A-Z0-9(#*\-[])/g, '.\n');
    // `... general,SPECIMENS:` (a comma glued to a capitals header)
    text = text.replace(/([a-z)]),(?=[A-Z][A-Z /&]{2,}:)/g, '$1\n');
  }
  if (o.softWraps && text.includes('\n')) {
    text = text.replace(/([a-z,;])\n(?=[ ]{0,8}[a-z])/g, '$1 ');
  }
  return new NormalizedText(original, text, starts, ends);
}

function hasNfcWork(s: string): boolean {
  return s.normalize('NFC') !== s;
}

function charPass(
  original: string,
  o: Required<NormalizeOptions>,
): { text: string; starts: Int32Array | null; ends: Int32Array | null } {
  const n = original.length;
  const parts: string[] = [];
  // Mapping is built only once the length changes; until then, output index === input index.
  let starts: number[] | null = null;
  let ends: number[] | null = null;
  let outLen = 0;

  const emit = (s: string, from: number, to: number): void => {
    if (starts === null && (s.length !== to - from || outLen !== from)) {
      starts = new Array<number>(outLen);
      ends = new Array<number>(outLen);
      for (let k = 0; k < outLen; k++) {
        starts[k] = k;
        ends[k] = k + 1;
      }
    }
    if (starts !== null) {
      for (let k = 0; k < s.length; k++) {
        starts.push(from);
        ends!.push(to);
      }
    }
    parts.push(s);
    outLen += s.length;
  };

  let i = 0;
  let plainFrom = 0; // start of a run copied as is
  const flushPlain = (upTo: number): void => {
    if (upTo > plainFrom) {
      if (starts === null && outLen === plainFrom) {
        parts.push(original.slice(plainFrom, upTo));
        outLen += upTo - plainFrom;
      } else {
        for (let k = plainFrom; k < upTo; k++) emit(original[k]!, k, k + 1);
      }
    }
  };
  while (i < n) {
    const code = original.charCodeAt(i);
    // CRLF -> one newline
    if (code === 0x0d && o.whitespace && original.charCodeAt(i + 1) === 0x0a) {
      flushPlain(i);
      emit('\n', i, i + 2);
      i += 2;
      plainFrom = i;
      continue;
    }
    if (code < 0x80 && code >= 0x20 && code !== 0x7f) {
      i++;
      continue;
    }
    if (code === 0x0a) {
      i++;
      continue;
    }
    const rep = replacementFor(original[i]!, code, o);
    if (rep !== null) {
      flushPlain(i);
      emit(rep, i, i + 1);
      i++;
      plainFrom = i;
      continue;
    }
    if (o.nfc && code >= 0x80) {
      // a cluster: one code point and the combining marks after it
      const cp = original.codePointAt(i)!;
      let j = i + (cp > 0xffff ? 2 : 1);
      while (j < n) {
        const next = original.codePointAt(j)!;
        const ch = String.fromCodePoint(next);
        if (!COMBINING.test(ch)) break;
        j += ch.length;
      }
      // a base ASCII letter followed by marks starts one char earlier
      let from = i;
      if (i > plainFrom && COMBINING.test(String.fromCodePoint(cp))) from = i - 1;
      const cluster = original.slice(from, j);
      const nfc = cluster.normalize('NFC');
      if (nfc !== cluster) {
        flushPlain(from);
        if (nfc.length === cluster.length) {
          for (let k = 0; k < nfc.length; k++) emit(nfc[k]!, from + k, from + k + 1);
        } else {
          // what NFC left as it was (a base character before the marks, a mark after them) keeps
          // its own offset; only the part it changed maps as one block (a line break before a mark
          // that NFC expands must not be merged into the mark)
          let pre = 0;
          while (pre < nfc.length && pre < cluster.length && nfc[pre] === cluster[pre]) pre++;
          let suf = 0;
          while (
            suf < nfc.length - pre &&
            suf < cluster.length - pre &&
            nfc[nfc.length - 1 - suf] === cluster[cluster.length - 1 - suf]
          )
            suf++;
          for (let k = 0; k < pre; k++) emit(nfc[k]!, from + k, from + k + 1);
          emit(nfc.slice(pre, nfc.length - suf), from + pre, j - suf);
          for (let k = nfc.length - suf; k < nfc.length; k++) {
            const at = j - (nfc.length - k);
            emit(nfc[k]!, at, at + 1);
          }
        }
        plainFrom = j;
      }
      i = j;
      continue;
    }
    i++;
  }
  flushPlain(n);
  const text = parts.join('');
  if (starts === null) return { text, starts: null, ends: null };
  const s = Int32Array.from(starts as number[]);
  const e = Int32Array.from(ends as unknown as number[]);
  const startsFull = new Int32Array(s.length + 1);
  startsFull.set(s);
  startsFull[s.length] = n;
  return { text, starts: startsFull, ends: e };
}
