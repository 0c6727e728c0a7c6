/**
 * Spans to a tree for rendering (pure; no DOM): annotations sorted by start, longer first, each
 * nested in the one that contains it. A span that crosses the end of its container is clipped
 * there (`clipped`), so every annotation still gets one element with its own offsets.
 */

export interface Span {
  readonly start: number;
  readonly end: number;
}

export interface SpanNode {
  /** Index of the annotation in the input array. */
  readonly index: number;
  readonly start: number;
  /** The rendered end: the annotation's end, or its container's when clipped. */
  readonly end: number;
  readonly clipped: boolean;
  readonly children: SpanNode[];
}

export function nestSpans(spans: readonly Span[], textLength: number): SpanNode[] {
  const order = spans
    .map((s, index) => ({ index, start: Math.max(0, s.start), end: Math.min(textLength, s.end) }))
    .filter((s) => s.end > s.start)
    .sort((a, b) => a.start - b.start || b.end - a.end || a.index - b.index);
  const roots: SpanNode[] = [];
  const stack: SpanNode[] = [];
  for (const s of order) {
    while (stack.length > 0 && (stack[stack.length - 1] as SpanNode).end <= s.start) stack.pop();
    const parent = stack[stack.length - 1];
    const clipped = parent !== undefined && s.end > parent.end;
    const node: SpanNode = {
      index: s.index,
      start: s.start,
      end: clipped ? (parent as SpanNode).end : s.end,
      clipped,
      children: [],
    };
    (parent ? parent.children : roots).push(node);
    stack.push(node);
  }
  return roots;
}

/** Text-node start offsets, sorted: the node holding `offset` (binary search). */
export function locate(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] as number) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
