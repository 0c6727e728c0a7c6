/** What the sequence labeller reads and writes, independent of the Doc: tokens, dictionary tags, spans. */

/** A token of the input: its text and offsets into the document, and its sentence (runs of equal values). */
export interface NerToken {
  readonly text: string;
  readonly start: number;
  readonly end: number;
  /** Index of the sentence; decoding and context windows never cross a change of this value. */
  readonly sentence: number;
}

/** A half-open character span with a label. */
export interface TypedSpan {
  readonly start: number;
  readonly end: number;
  readonly type: string;
}

/** A predicted mention: a span and the probability that it is exactly a mention of its type. */
export interface Mention extends TypedSpan {
  /** In [0, 1]: the span's marginal probability under the model (temperature-scaled). */
  readonly probability: number;
}

/** One document to label: its tokens and, per token, the dictionary's BIO tag (`O`, `B-problem`, `I-problem`). */
export interface NerInput {
  readonly tokens: readonly NerToken[];
  /** Same length as `tokens`; `O` where the pack matched nothing. */
  readonly dict: readonly string[];
}

/** A training or development document: the input and its gold spans (character offsets). */
export interface NerExample extends NerInput {
  readonly id: string;
  readonly gold: readonly TypedSpan[];
}
