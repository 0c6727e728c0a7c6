import { describe, expect, it } from 'vitest';
import { bucketDelta, buckets, parseMetrics, quantile, sum } from './app/prom.js';
import { locate, nestSpans } from './app/segments.js';

describe('nestSpans (the annotated note)', () => {
  it('nests contained spans, keeps order, clips a crossing span at its container', () => {
    const spans = [
      { start: 10, end: 20 },
      { start: 0, end: 5 },
      { start: 12, end: 15 },
      { start: 14, end: 25 },
      { start: 30, end: 30 },
      { start: 40, end: 60 },
    ];
    const tree = nestSpans(spans, 50);
    expect(tree.map((n) => [n.index, n.start, n.end])).toEqual([
      [1, 0, 5],
      [0, 10, 20],
      [5, 40, 50],
    ]);
    const inner = tree[1]?.children ?? [];
    expect(inner.map((n) => [n.index, n.start, n.end, n.clipped])).toEqual([[2, 12, 15, false]]);
    // 14-25 starts inside 12-15 and runs past it: clipped at 15, one node still
    expect(inner[0]?.children.map((n) => [n.index, n.start, n.end, n.clipped])).toEqual([[3, 14, 15, true]]);
  });

  it('gives every non-empty span exactly one node', () => {
    const spans = Array.from({ length: 200 }, (_, i) => ({
      start: (i * 7) % 97,
      end: ((i * 7) % 97) + 1 + (i % 5),
    }));
    const seen: number[] = [];
    const walk = (ns: ReturnType<typeof nestSpans>) => {
      for (const n of ns) {
        seen.push(n.index);
        walk(n.children);
      }
    };
    walk(nestSpans(spans, 200));
    expect(seen.sort((a, b) => a - b)).toEqual(spans.map((_, i) => i));
  });

  it('locates the text node holding an offset', () => {
    expect(locate([0, 5, 9], 0)).toBe(0);
    expect(locate([0, 5, 9], 4)).toBe(0);
    expect(locate([0, 5, 9], 5)).toBe(1);
    expect(locate([0, 5, 9], 100)).toBe(2);
  });
});

describe('parseMetrics (the monitoring page)', () => {
  const text = [
    '# HELP clinote_http_requests_total x',
    '# TYPE clinote_http_requests_total counter',
    'clinote_http_requests_total{route="/v1/extract",method="POST",status="200",tenant="a"} 8',
    'clinote_http_requests_total{route="/v1/extract",method="POST",status="422",tenant="a"} 2',
    'clinote_http_requests_total{route="/metrics",method="GET",status="200",tenant="a"} 5',
    'h_bucket{le="0.1",route="/v1/extract"} 50',
    'h_bucket{le="0.2",route="/v1/extract"} 90',
    'h_bucket{le="+Inf",route="/v1/extract"} 100',
    'weird{a="q\\"uote"} 1e3',
  ].join('\n');

  it('reads samples, labels (escapes too) and values', () => {
    const s = parseMetrics(text);
    expect(s).toHaveLength(7);
    expect(s[6]).toEqual({ name: 'weird', labels: { a: 'q"uote' }, value: 1000 });
    expect(sum(s, 'clinote_http_requests_total')).toBe(15);
    expect(sum(s, 'clinote_http_requests_total', (l) => l.route?.startsWith('/v1/') === true)).toBe(10);
  });

  it('computes quantiles as histogram_quantile does', () => {
    const b = buckets(parseMetrics(text), 'h');
    expect(quantile(0.5, b)).toBeCloseTo(0.1);
    expect(quantile(0.7, b)).toBeCloseTo(0.15);
    expect(quantile(0.99, b)).toBeCloseTo(0.2); // in the +Inf bucket: its lower bound
    expect(quantile(0.5, new Map())).toBeUndefined();
    const before = new Map([
      [0.1, 50],
      [0.2, 50],
      [Number.POSITIVE_INFINITY, 50],
    ]);
    expect(quantile(0.5, bucketDelta(b, before))).toBeCloseTo(0.1625); // 0 below 0.1, 40 below 0.2, 50 in all: rank 25
  });
});
