// Pure helpers only: the benchmark itself is a script (npm run bench), never a timed test.
import { describe, expect, it } from 'vitest';
import { type BenchReport, formatComparison, formatReport, median, percentile, row } from './stats.js';

describe('bench stats', () => {
  it('nearest-rank percentiles', () => {
    const xs = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1, unsorted
    expect(percentile(xs, 50)).toBe(50);
    expect(percentile(xs, 99)).toBe(99);
    expect(percentile(xs, 100)).toBe(100);
    expect(percentile(xs, 0)).toBe(1);
    expect(percentile([], 50)).toBe(0);
    expect(median([3, 1, 2])).toBe(2);
  });

  it('a row from per-note times and bytes', () => {
    const r = row('x', [1, 2, 3, 4], 2e6);
    expect(r).toMatchObject({ name: 'x', notes: 4, seconds: 0.01, p50Ms: 2, maxMs: 4, meanMs: 2.5 });
    expect(r.notesPerSecond).toBeCloseTo(400);
    expect(r.mbPerSecond).toBeCloseTo(200);
    expect(row('empty', [], 0).notesPerSecond).toBe(0);
  });

  it('formats a report and a comparison', () => {
    const report = (nps: number): BenchReport => ({
      schema: 'clinote-bench/1',
      date: '2025-01-01T00:00:00.000Z',
      machine: { node: '20', platform: 'linux', arch: 'x64', cpu: 'cpu', cores: 2, memoryGB: 8 },
      pipeline: { name: 'default', version: 'abc', components: ['normalize@1'] },
      corpus: { name: 'c', path: '/c', notes: 10, skippedEmpty: 1, skippedErrors: 0, bytes: 1000 },
      warmupNotes: 5,
      repeat: 1,
      rows: [{ ...row('pipeline', [1, 1], 1000), notesPerSecond: nps }],
      memory: { peakRssMB: 100, heapUsedMB: 10, heapPeakMB: 20 },
      coldStart: { command: 'node x', runs: 3, medianMs: 150, minMs: 140, maxMs: 160, nodeBaselineMs: 40 },
    });
    const text = formatReport(report(1000));
    expect(text).toContain('pipeline');
    expect(text).toMatch(/cold start .*median 150 ms/);
    expect(formatComparison(report(1000), report(1100))).toMatch(/pipeline\s+1,000\s+1,100\s+\+10\.0%/);
  });
});
