/**
 * What a processed note contributes to a monitoring profile: `observeResult` reads the result JSON
 * (src/output/schema.ts), and the note text and latency when the caller has them, and returns the
 * feature values of ./features.ts. Pure and synchronous; cheap (one pass over the text, one over
 * each layer). Only counts, shares, rates, categories and codes come out: never text or values.
 */
import type { ErrorResult, Result } from '../output/schema.js';
import { CONCEPT_TYPES, typedFeature, UNKNOWN_SECTION_CATEGORIES } from './features.js';
import type { NoteObservation, ObservationSink } from './profile.js';

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
   * Read about this many characters of a longer note for its character classes and OOV rate, spread
   * evenly over the note (a bounded cost per note: the server and the workers use 512);
   * default: the whole text.
   */
  readonly textBudget?: number;
}

const PER_1K_CHARS = 'output.concepts_per_1k_chars';
const PER_1K_TOKENS = 'output.concepts_per_1k_tokens';
const PER_1K_CHARS_TYPED = CONCEPT_TYPES.map((t) => typedFeature(PER_1K_CHARS, t));
const PER_1K_TOKENS_TYPED = CONCEPT_TYPES.map((t) => typedFeature(PER_1K_TOKENS, t));

/** The index of each concept type in CONCEPT_TYPES; any other type counts as `other`. */
const TYPE_INDEX = new Map<string, number>(CONCEPT_TYPES.map((t, i) => [t, i]));
const OTHER_TYPE = CONCEPT_TYPES.indexOf('other');

function isErrorResult(r: Result | ErrorResult): r is ErrorResult {
  return 'error' in r && typeof (r as ErrorResult).error === 'object';
}

/** ASCII classes: 0 other (space, control), 1 digit, 2 upper-case letter, 3 punctuation, 4 lower-case letter. */
const ASCII_CLASS = (() => {
  const t = new Uint8Array(128);
  for (let c = 33; c <= 126; c++) t[c] = 3;
  for (let c = 48; c <= 57; c++) t[c] = 1;
  for (let c = 65; c <= 90; c++) t[c] = 2;
  for (let c = 97; c <= 122; c++) t[c] = 4;
  return t;
})();

const LETTER = /\p{L}/u;
const PUNCT = /\p{P}/u;

/** Is this UTF-16 unit a letter? ASCII by a table; other scripts by \\p{L} (BMP letters). */
function isLetter(c: number): boolean {
  if (c < 128) {
    const k = ASCII_CLASS[c];
    return k === 2 || k === 4;
  }
  return LETTER.test(String.fromCharCode(c));
}

/**
 * Character classes of a text: shares of digits, upper-case letters, punctuation, non-ASCII. With
 * `budget`, a text longer than it is read at `budget` evenly spread positions (a fractional step,
 * so a periodic text is not aliased): an estimate of the shares at a bounded cost.
 */
export function characterShares(
  text: string,
  budget?: number,
): {
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
  // a fractional step: the positions read do not fall in step with a text's own period (a table)
  const reads = budget !== undefined && budget > 0 && n > budget ? budget : n;
  const step = n / Math.max(1, reads);
  let read = 0;
  for (let k = 0; k < reads; k++) {
    const i = reads === n ? k : Math.floor(k * step);
    read++;
    const c = text.charCodeAt(i);
    if (c < 128) {
      const k = ASCII_CLASS[c]!;
      if (k === 1) digit++;
      else if (k === 2) upper++;
      else if (k === 3) punct++;
    } else {
      nonAscii++;
      const ch = text[i]!;
      if (ch !== ch.toLowerCase() && ch === ch.toUpperCase()) upper++;
      else if (PUNCT.test(ch)) punct++;
    }
  }
  return read === 0
    ? { digit: 0, upper: 0, punct: 0, nonAscii: 0 }
    : { digit: digit / read, upper: upper / read, punct: punct / read, nonAscii: nonAscii / read };
}

/** Windows of an OOV sample: the budget is spread over this many stretches of the note. */
const OOV_WINDOWS = 8;

/**
 * The share of the alphabetic words (maximal runs of letters) of `text` not in `words`, or
 * undefined when it has none. With `budget`, a text longer than it is sampled: the words that start
 * in 8 evenly spaced stretches of budget / 8 characters (a word cut by a stretch's start is
 * skipped), so the cost is bounded and the sample covers the whole note.
 */
export function oovRate(text: string, words: WordSet, budget?: number): number | undefined {
  const n = text.length;
  const counts = { total: 0, unknown: 0 };
  if (budget === undefined || budget <= 0 || n <= budget) oovScan(text, words, 0, n, counts);
  else {
    const width = Math.max(1, Math.floor(budget / OOV_WINDOWS));
    for (let w = 0; w < OOV_WINDOWS; w++) {
      let from = Math.floor((w * n) / OOV_WINDOWS);
      // a word cut by the stretch's start is not counted
      if (from > 0) while (from < n && isLetter(text.charCodeAt(from - 1))) from++;
      oovScan(text, words, from, Math.min(n, from + width), counts);
    }
  }
  return counts.total === 0 ? undefined : counts.unknown / counts.total;
}

/** Counts the words of `text` that start in [from, to) (the last one read to its end). */
function oovScan(
  text: string,
  words: WordSet,
  from: number,
  to: number,
  counts: { total: number; unknown: number },
): void {
  const n = text.length;
  let i = from;
  while (i < to) {
    if (!isLetter(text.charCodeAt(i))) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < n && isLetter(text.charCodeAt(j))) j++;
    counts.total++;
    if (!words.has(text.slice(i, j))) counts.unknown++;
    i = j;
  }
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
 * The observation of one note, as an object (`clinote monitor profile`, the batch workers). `result`
 * is a result, an error record (`{id, pipeline, error}`), or null when the note failed without one
 * (then `input.errorCode` says why).
 */
export function observeResult(
  result: Result | ErrorResult | null,
  input: ObserveInput = {},
  options: ObserveOptions = {},
): NoteObservation {
  const numeric: Record<string, number[]> = {};
  const categorical: Record<string, Record<string, number>> = {};
  let error = false;
  observeInto(
    {
      note(e) {
        error = e;
      },
      value(name, v) {
        const values = numeric[name];
        if (values) values.push(v);
        else numeric[name] = [v];
      },
      tally(name, value, n = 1) {
        const counts = (categorical[name] ??= {});
        counts[value] = (counts[value] ?? 0) + n;
      },
    },
    result,
    input,
    options,
  );
  return { numeric, categorical, error, ...(input.at === undefined ? {} : { at: input.at }) };
}

/**
 * What one note adds, value by value, to `sink` (a ProfileBuilder on the server's worker threads,
 * so nothing is made per note but counts). See `observeResult` for the arguments.
 */
export function observeInto(
  sink: ObservationSink,
  result: Result | ErrorResult | null,
  input: ObserveInput = {},
  options: ObserveOptions = {},
): void {
  if (input.ms !== undefined && Number.isFinite(input.ms) && input.ms >= 0)
    sink.value('ops.latency_ms', input.ms);
  if (result === null || isErrorResult(result)) {
    sink.note(true);
    sink.tally('ops.outcome', 'error');
    sink.tally(
      'ops.error_code',
      result === null ? (input.errorCode ?? 'CLINOTE_E_INTERNAL') : result.error.code,
    );
    return;
  }
  sink.note(false);
  sink.tally('ops.outcome', 'ok');

  // input
  const text = input.text ?? result.text;
  const length = text !== undefined ? text.length : lengthOf(result);
  sink.value('input.length_chars', length);
  if (text !== undefined && text.length > 0) {
    const s = characterShares(text, options.textBudget);
    sink.value('input.digit_share', s.digit);
    sink.value('input.upper_share', s.upper);
    sink.value('input.punct_share', s.punct);
    sink.value('input.non_ascii_share', s.nonAscii);
    if (options.words) {
      const oov = oovRate(text, options.words, options.textBudget);
      if (oov !== undefined) sink.value('input.oov_rate', oov);
    }
    if (options.tokenizerOov) {
      const r = options.tokenizerOov(text);
      if (Number.isFinite(r)) sink.value('input.tokenizer_oov_rate', r);
    }
  }
  sink.value('input.section_count', result.sections.length);
  let headed = 0;
  let unknown = 0;
  for (const s of result.sections) {
    sink.tally('input.section_category', s.category);
    if (s.header !== null) {
      headed++;
      if (UNKNOWN_SECTION_CATEGORIES.has(s.category)) unknown++;
    }
  }
  if (headed > 0) sink.value('input.unknown_header_share', unknown / headed);
  const uncovered = uncoveredTokenShare(result);
  if (uncovered !== undefined) sink.value('input.uncovered_token_share', uncovered);

  // output: a note's few assertion values counted here first, each told to the sink once
  const byType = new Int32Array(CONCEPT_TYPES.length);
  const status: Record<string, number> = {};
  const categories: Record<string, number> = {};
  for (const c of result.concepts) {
    byType[TYPE_INDEX.get(c.type) ?? OTHER_TYPE]!++;
    const best = c.codes[0];
    if (best) sink.tally('output.code', `${best.system}:${best.code}`);
    if (Number.isFinite(c.score)) sink.value('output.concept_confidence', c.score);
    const a = c.assertion;
    if (a) {
      status[a.status] = (status[a.status] ?? 0) + 1;
      if (a.categories.length === 0) categories.none = (categories.none ?? 0) + 1;
      for (const k of a.categories) categories[k] = (categories[k] ?? 0) + 1;
    }
  }
  for (const k in status) sink.tally('output.assertion_status', k, status[k]);
  for (const k in categories) sink.tally('output.assertion_category', k, categories[k]);
  for (let i = 0; i < byType.length; i++)
    if (byType[i]! > 0) sink.tally('output.concept_type', CONCEPT_TYPES[i]!, byType[i]!);
  for (const c of result.classifications ?? [])
    if (Number.isFinite(c.probability)) sink.value('output.classification_probability', c.probability);
  const rates = (base: string, names: readonly string[], per: number): void => {
    sink.value(base, (result.concepts.length * 1000) / per);
    for (let i = 0; i < names.length; i++) sink.value(names[i]!, (byType[i]! * 1000) / per);
  };
  if (length > 0) rates(PER_1K_CHARS, PER_1K_CHARS_TYPED, length);
  let tokenCount = 0;
  if (result.tokens)
    for (const t of result.tokens) if (t.kind !== 'punct' && t.kind !== 'symbol') tokenCount++;
  if (tokenCount > 0) rates(PER_1K_TOKENS, PER_1K_TOKENS_TYPED, tokenCount);
}
