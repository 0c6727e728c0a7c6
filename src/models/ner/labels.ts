/**
 * BIO labels: `O`, then `B-T`, `I-T` for each entity type T in order. Transitions that make no span
 * (`I-T` at a sentence start or after anything but `B-T`/`I-T`) are forbidden in decoding.
 */
import type { NerToken, TypedSpan } from './types.js';

/** The label list of a type list: `['O', 'B-T1', 'I-T1', ...]`. */
export function bioLabels(types: readonly string[]): string[] {
  const out = ['O'];
  for (const t of types) out.push(`B-${t}`, `I-${t}`);
  return out;
}

/**
 * Allowed transitions, `(L + 1) x L`: row 0 is the sentence start, row p + 1 the previous label p.
 * 1 where allowed.
 */
export function allowedTransitions(labels: readonly string[]): Uint8Array {
  const L = labels.length;
  const out = new Uint8Array((L + 1) * L);
  for (let p = -1; p < L; p++) {
    for (let y = 0; y < L; y++) {
      const cur = labels[y] as string;
      let ok = true;
      if (cur.startsWith('I-')) {
        const type = cur.slice(2);
        const prev = p < 0 ? 'O' : (labels[p] as string);
        ok = prev === `B-${type}` || prev === `I-${type}`;
      }
      out[(p + 1) * L + y] = ok ? 1 : 0;
    }
  }
  return out;
}

/**
 * Gold tags of the tokens from character spans: the first token a span overlaps is `B-`, the next
 * ones `I-`. A span over tokens already tagged (nested, overlapping) is skipped; spans of a type not
 * in `labels` are ignored. Returns label indices (0 = O).
 */
export function tagsFromSpans(
  tokens: readonly NerToken[],
  spans: readonly TypedSpan[],
  labels: readonly string[],
): Int32Array {
  const index = new Map(labels.map((l, i) => [l, i]));
  const tags = new Int32Array(tokens.length);
  const sorted = [...spans].sort((a, b) => a.start - b.start || b.end - a.end);
  let k = 0;
  for (const s of sorted) {
    const b = index.get(`B-${s.type}`);
    const i = index.get(`I-${s.type}`);
    if (b === undefined || i === undefined) continue;
    while (k < tokens.length && (tokens[k] as NerToken).end <= s.start) k++;
    let j = k;
    const covered: number[] = [];
    while (j < tokens.length && (tokens[j] as NerToken).start < s.end) {
      covered.push(j);
      j++;
    }
    if (covered.length === 0 || covered.some((c) => tags[c] !== 0)) continue;
    // a span never crosses a sentence in the corpora; if the tokenizer splits one, keep the first part
    const sentence = (tokens[covered[0] as number] as NerToken).sentence;
    let first = true;
    for (const c of covered) {
      if ((tokens[c] as NerToken).sentence !== sentence) break;
      tags[c] = first ? b : i;
      first = false;
    }
  }
  return tags;
}

/** Spans (character offsets) of a tag sequence. An `I-` without its `B-` starts a span. */
export function spansFromTags(
  tokens: readonly NerToken[],
  tags: ArrayLike<number>,
  labels: readonly string[],
): TypedSpan[] {
  const out: TypedSpan[] = [];
  let open: { start: number; end: number; type: string; sentence: number } | undefined;
  const close = (): void => {
    if (open) out.push({ start: open.start, end: open.end, type: open.type });
    open = undefined;
  };
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k] as NerToken;
    const label = labels[tags[k] as number] as string;
    if (label === 'O') {
      close();
      continue;
    }
    const type = label.slice(2);
    if (label.startsWith('I-') && open && open.type === type && open.sentence === t.sentence) {
      open.end = t.end;
      continue;
    }
    close();
    open = { start: t.start, end: t.end, type, sentence: t.sentence };
  }
  close();
  return out;
}

/**
 * Dictionary BIO tags of the tokens from matched spans (`type` = the pack's semantic type), longest
 * match first: a match over tokens already tagged is dropped.
 */
export function dictionaryTags(tokens: readonly NerToken[], matches: readonly TypedSpan[]): string[] {
  const tags: string[] = new Array<string>(tokens.length).fill('O');
  const sorted = [...matches].sort((a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start);
  for (const m of sorted) {
    // first token overlapping the match (binary search on start offsets)
    let lo = 0;
    let hi = tokens.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((tokens[mid] as NerToken).end <= m.start) lo = mid + 1;
      else hi = mid;
    }
    const covered: number[] = [];
    for (let j = lo; j < tokens.length && (tokens[j] as NerToken).start < m.end; j++) covered.push(j);
    if (covered.length === 0 || covered.some((c) => tags[c] !== 'O')) continue;
    covered.forEach((c, n) => {
      tags[c] = `${n === 0 ? 'B' : 'I'}-${m.type}`;
    });
  }
  return tags;
}
