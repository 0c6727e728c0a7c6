/**
 * What a processed note contributes to a monitoring profile: `observeResult` reads the result JSON
 * (src/output/schema.ts), and the note text and latency when the caller has them, and returns the
 * feature values of ./features.ts. Pure and synchronous; cheap (one pass over the text, one over
 * each layer). Only counts, shares, rates, categories and codes come out: never text or values.
 */
import type { ErrorResult, Result } from '../output/schema.js';
import { CONCEPT_TYPES, typedFeature, UNKNOWN_SECTION_CATEGORIES } from './features.js';
import type { NoteObservation } from './profile.js';

/** A word list to measure the out-of-vocabulary rate against (./vocabulary.ts makes one from a pack). */
export interface WordSet {
  /** Is this alphabetic word (as written) known? */
  has(word: string): boolean;
}

/**
 * The tokenizer hook: the share of a model tokenizer's unknown (or split-into-pieces) tokens in a
 * text, in [0, 1]. No tokenizer exists yet; a model component that has one passes it here and the
 * profile gets `input.tokenizer_oov_rate`.
 */
export type TokenizerOov = (text: string) => number;

export interface ObserveInput {
  /** The note text: character classes, the OOV rate, the exact length. */
  readonly text?: string;
  /** Processing time in ms. */
  readonly ms?: number;
  /** The error code when the note failed without an error record (`result` null). */
  readonly errorCode?: string;
  /** When the note was processed (ISO 8601). */
  readonly at?: string;
}

export interface ObserveOptions {
  /** The word set of the OOV rate (with `text`). */
  readonly words?: WordSet;
  /** The tokenizer OOV hook (with `text`). */
  readonly tokenizerOov?: TokenizerOov;
  /**
   * Measure the OOV rate on the first N characters only (a bounded cost per note: the live server
   * uses 2,000); default: the whole text.
   */
  readonly oovChars?: number;
}

const PER_1K_CHARS = 'output.concepts_per_1k_chars';
const PER_1K_TOKENS = 'output.concepts_per_1k_tokens';
const PER_1K_CHARS_TYPED = CONCEPT_TYPES.map((t) => typedFeature(PER_1K_CHARS, t));
const PER_1K_TOKENS_TYPED = CONCEPT_TYPES.map((t) => typedFeature(PER_1K_TOKENS, t));

type Numeric = Record<string, number[]>;
/** Counts while observing (Maps: cheaper than objects with dynamic keys), records at the end. */
type Categorical = Map<string, Map<string, number>>;

function inc(c: Categorical, feature: string, value: string): void {
  let m = c.get(feature);
  if (!m) {
    m = new Map();
    c.set(feature, m);
  }
  m.set(value, (m.get(value) ?? 0) + 1);
}

function records(c: Categorical): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const [feature, m] of c) out[feature] = Object.fromEntries(m);
  return out;
}

function isErrorResult(r: Result | ErrorResult): r is ErrorResult {
  return 'error' in r && typeof (r as ErrorResult).error === 'object';
}

/** Character classes of a text: shares of digits, upper-case letters, punctuation, non-ASCII. */
export function characterShares(text: string): {
  digit: number;
  upper: number;
  punct: number;
  nonAscii: number;
} {
  let digit = 0;
  let upper = 0;
  let punct = 0;
  let nonAscii = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 128) {
      if (c >= 48 && c <= 57) digit++;
      else if (c >= 65 && c <= 90) upper++;
      else if ((c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126))
        punct++;
    } else {
      nonAscii++;
      const ch = text[i]!;
      if (ch !== ch.toLowerCase() && ch === ch.toUpperCase()) upper++;
      else if (/\p{P}/u.test(ch)) punct++;
    }
  }
  return n === 0
    ? { digit: 0, upper: 0, punct: 0, nonAscii: 0 }
    : { digit: digit / n, upper: upper / n, punct: punct / n, nonAscii: nonAscii / n };
}

const LETTER = /\p{L}/u;

/** Is this UTF-16 unit a letter? ASCII without a regex; other scripts by \\p{L} (BMP letters). */
function isLetter(c: number): boolean {
  if (c < 128) return (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
  return LETTER.test(String.fromCharCode(c));
}

/**
 * The share of the alphabetic words (maximal runs of letters) of `text` not in `words`, or
 * undefined when it has none. One pass; a regex only for letters outside ASCII.
 */
export function oovRate(text: string, words: WordSet): number | undefined {
  let total = 0;
  let unknown = 0;
  const n = text.length;
  let i = 0;
  while (i < n) {
    if (!isLetter(text.charCodeAt(i))) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < n && isLetter(text.charCodeAt(j))) j++;
    total++;
    if (!words.has(text.slice(i, j))) unknown++;
    i = j;
  }
  return total === 0 ? undefined : unknown / total;
}

/** The end of the last span of the result: the note length when the text is not given. */
function lengthOf(result: Result): number {
  let end = 0;
  for (const s of result.sections) if (s.end > end) end = s.end;
  for (const s of result.sentences) if (s.end > end) end = s.end;
  for (const c of result.concepts) if (c.end > end) end = c.end;
  return end;
}

/** Share of the word tokens not inside any concept span (tokens and concepts are in text order). */
function uncoveredTokenShare(result: Result): number | undefined {
  const tokens = result.tokens;
  if (!tokens) return undefined;
  const spans = result.concepts.map((c) => [c.start, c.end] as const).sort((a, b) => a[0] - b[0]);
  let words = 0;
  let uncovered = 0;
  let j = 0;
  let reach = -1; // the furthest end of the concepts that start at or before the token
  for (const t of tokens) {
    if (t.kind !== 'word') continue;
    words++;
    while (j < spans.length && spans[j]![0] <= t.start) {
      reach = Math.max(reach, spans[j]![1]);
      j++;
    }
    if (!(reach >= t.end)) uncovered++;
  }
  return words === 0 ? undefined : uncovered / words;
}

/**
 * The observation of one note. `result` is a result, an error record (`{id, pipeline, error}`), or
 * null when the note failed without one (then `input.errorCode` says why).
 */
export function observeResult(
  result: Result | ErrorResult | null,
  input: ObserveInput = {},
  options: ObserveOptions = {},
): NoteObservation {
  const numeric: Numeric = {};
  const categorical: Categorical = new Map();
  const at = input.at === undefined ? {} : { at: input.at };
  if (input.ms !== undefined && Number.isFinite(input.ms) && input.ms >= 0)
    numeric['ops.latency_ms'] = [input.ms];
  if (result === null || isErrorResult(result)) {
    const code = result === null ? (input.errorCode ?? 'CLINOTE_E_INTERNAL') : result.error.code;
    inc(categorical, 'ops.outcome', 'error');
    inc(categorical, 'ops.error_code', code);
    return { numeric, categorical: records(categorical), error: true, ...at };
  }
  inc(categorical, 'ops.outcome', 'ok');

  // input
  const text = input.text ?? result.text;
  const length = text !== undefined ? text.length : lengthOf(result);
  numeric['input.length_chars'] = [length];
  if (text !== undefined && text.length > 0) {
    const s = characterShares(text);
    numeric['input.digit_share'] = [s.digit];
    numeric['input.upper_share'] = [s.upper];
    numeric['input.punct_share'] = [s.punct];
    numeric['input.non_ascii_share'] = [s.nonAscii];
    if (options.words) {
      const sample =
        options.oovChars !== undefined && text.length > options.oovChars
          ? text.slice(0, options.oovChars)
          : text;
      const oov = oovRate(sample, options.words);
      if (oov !== undefined) numeric['input.oov_rate'] = [oov];
    }
    if (options.tokenizerOov) {
      const r = options.tokenizerOov(text);
      if (Number.isFinite(r)) numeric['input.tokenizer_oov_rate'] = [r];
    }
  }
  numeric['input.section_count'] = [result.sections.length];
  let headed = 0;
  let unknown = 0;
  for (const s of result.sections) {
    inc(categorical, 'input.section_category', s.category);
    if (s.header !== null) {
      headed++;
      if (UNKNOWN_SECTION_CATEGORIES.has(s.category)) unknown++;
    }
  }
  if (headed > 0) numeric['input.unknown_header_share'] = [unknown / headed];
  const uncovered = uncoveredTokenShare(result);
  if (uncovered !== undefined) numeric['input.uncovered_token_share'] = [uncovered];

  // output
  const byType: Record<string, number> = {};
  for (const t of CONCEPT_TYPES) byType[t] = 0;
  const confidences: number[] = [];
  for (const c of result.concepts) {
    const type = (CONCEPT_TYPES as readonly string[]).includes(c.type) ? c.type : 'other';
    byType[type]!++;
    inc(categorical, 'output.concept_type', type);
    const best = c.codes[0];
    if (best) inc(categorical, 'output.code', `${best.system}:${best.code}`);
    if (Number.isFinite(c.score)) confidences.push(c.score);
    if (c.assertion) {
      inc(categorical, 'output.assertion_status', c.assertion.status);
      if (c.assertion.categories.length === 0) inc(categorical, 'output.assertion_category', 'none');
      for (const k of c.assertion.categories) inc(categorical, 'output.assertion_category', k);
    }
  }
  if (confidences.length > 0) numeric['output.concept_confidence'] = confidences;
  const probabilities = (result.classifications ?? []).map((c) => c.probability).filter(Number.isFinite);
  if (probabilities.length > 0) numeric['output.classification_probability'] = probabilities;
  const rates = (base: string, names: readonly string[], per: number): void => {
    numeric[base] = [(result.concepts.length * 1000) / per];
    CONCEPT_TYPES.forEach((t, i) => {
      numeric[names[i]!] = [(byType[t]! * 1000) / per];
    });
  };
  if (length > 0) rates(PER_1K_CHARS, PER_1K_CHARS_TYPED, length);
  const tokenCount = result.tokens?.filter((t) => t.kind !== 'punct' && t.kind !== 'symbol').length ?? 0;
  if (tokenCount > 0) rates(PER_1K_TOKENS, PER_1K_TOKENS_TYPED, tokenCount);
  return { numeric, categorical: records(categorical), error: false, ...at };
}
