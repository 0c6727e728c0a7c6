/**
 * Span classification with entity markers (issue 11, item 4): the target span of a sentence is
 * wrapped in two marker pieces, `{` before and `}` after (rare in clinical text), and the label
 * (an assertion status) is read at the start marker's position by the token-classification head.
 * Training is the token training loop with one scored position per window; serving reads the
 * same position of the exported model's logits. docs/models/serving.md.
 */
import { type PRF, prf } from '../ner/train.js';
import type { NamedTensors } from './tensors.js';
import type { TokenClassifierModel } from './token-classification.js';
import { bucketOf, bucketsFor, type Item, makeBatch } from './windows.js';
import type { WordPieceTokenizer } from './wordpiece.js';

export const SPAN_START_MARKER = '{';
export const SPAN_END_MARKER = '}';

/** A target span of a text (a sentence) and its label index. */
export interface SpanExample {
  readonly text: string;
  readonly start: number;
  readonly end: number;
  readonly label: number;
}

/**
 * `[CLS] left { target } right [SEP]` in at most T positions: the target's pieces (the first T - 4
 * when longer), then as much context on each side as fits, shared evenly. `wordAt` is 0 at the start
 * marker and -1 elsewhere. Undefined when the span covers no piece.
 */
export function markedWindow(
  tok: WordPieceTokenizer,
  ex: SpanExample,
  T: number,
): { readonly ids: Int32Array; readonly wordAt: Int32Array } | undefined {
  const enc = tok.encode(ex.text, { special: false });
  const n = enc.ids.length;
  let first = -1;
  let last = -1;
  for (let k = 0; k < n; k++)
    if (enc.starts[k]! < ex.end && enc.ends[k]! > ex.start) {
      if (first < 0) first = k;
      last = k;
    }
  if (first < 0) return undefined;
  const budget = T - 4;
  const span = Math.min(last - first + 1, budget);
  const context = budget - span;
  let right = Math.min(n - last - 1, Math.ceil(context / 2));
  const left = Math.min(first, context - right);
  right = Math.min(n - last - 1, context - left);
  const start = tok.vocab.get(SPAN_START_MARKER) ?? tok.unkId;
  const end = tok.vocab.get(SPAN_END_MARKER) ?? tok.unkId;
  const ids = [
    tok.clsId,
    ...enc.ids.subarray(first - left, first),
    start,
    ...enc.ids.subarray(first, first + span),
    end,
    ...enc.ids.subarray(last + 1, last + 1 + right),
    tok.sepId,
  ];
  const wordAt = new Int32Array(ids.length).fill(-1);
  wordAt[1 + left] = 0;
  return { ids: Int32Array.from(ids), wordAt };
}

/** The windows of the examples as items of the training loop (`doc` = the example's index), and their tags. */
export function spanItems(
  tok: WordPieceTokenizer,
  examples: readonly SpanExample[],
  T: number,
): { items: Item[]; tags: Int32Array[] } {
  const items: Item[] = [];
  const tags: Int32Array[] = [];
  examples.forEach((ex, i) => {
    const seq = markedWindow(tok, ex, T);
    tags.push(Int32Array.of(ex.label));
    if (seq) items.push({ doc: i, seq });
  });
  return { items, tags };
}

/** The label probabilities [L] of each example (a uniform row for an example with no window). */
export function spanProbabilities(
  models: (T: number) => TokenClassifierModel,
  params: NamedTensors,
  items: readonly Item[],
  count: number,
  L: number,
  T: number,
  B: number,
  padId: number,
): Float32Array {
  const out = new Float32Array(count * L).fill(1 / L);
  const buckets = bucketsFor(T);
  for (const [i, bucket] of buckets.entries()) {
    const mine = items.filter((it) => bucketOf(it.seq.ids.length, buckets) === i);
    for (let s = 0; s < mine.length; s += B) {
      const chunk = mine.slice(s, s + B);
      const probs = models(bucket).predict(params, makeBatch(chunk, B, bucket, padId));
      chunk.forEach((it, b) => {
        const at = it.seq.wordAt.indexOf(0);
        out.set(probs.subarray((b * bucket + at) * L, (b * bucket + at + 1) * L), it.doc * L);
      });
    }
  }
  return out;
}

/** Precision, recall and F1 of label `positive` (argmax of each row) against the gold labels. */
export function labelScore(probs: Float32Array, gold: readonly number[], L: number, positive: number): PRF {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  gold.forEach((g, i) => {
    let best = 0;
    for (let c = 1; c < L; c++) if (probs[i * L + c]! > probs[i * L + best]!) best = c;
    if (best === positive && g === positive) tp++;
    else if (best === positive) fp++;
    else if (g === positive) fn++;
  });
  return prf(tp, fp, fn);
}
