import { describe, expect, it } from 'vitest';
import type { SuiteReport } from './evaluate.js';
import {
  addObservation,
  agreementOf,
  emptyWindow,
  routesToCanary,
  sampledForShadow,
  summarize,
} from './online.js';
import { compareReports, mcnemar } from './stats.js';
import { syntheticReport } from './testing.js';

describe('paired comparison', () => {
  it('is deterministic for a seed and centred on the difference', () => {
    const a = syntheticReport(200, 100);
    const b = syntheticReport(200, 140);
    const c1 = compareReports(a, b, { a: 'x/1', b: 'x/2' }, { seed: 3 });
    const c2 = compareReports(a, b, { a: 'x/1', b: 'x/2' }, { seed: 3 });
    expect(c1).toEqual(c2);
    expect(c1.f1Diff).toBeGreaterThan(0);
    expect(c1.interval.low).toBeLessThan(c1.f1Diff);
    expect(c1.interval.high).toBeGreaterThan(c1.f1Diff);
    expect(c1.interval.low).toBeGreaterThan(0);
    // 40 documents right only by b, none only by a
    expect(c1.mcnemar).toMatchObject({ aOnly: 0, bOnly: 40, exact: false });
    expect(c1.mcnemar.p).toBeLessThan(1e-6);
    expect(c1.byType[0]!.recallDiff).toBeGreaterThan(0);
    expect(c1.disagreements).toHaveLength(10);
  });

  it('gives a zero interval for the same report, and refuses different documents', () => {
    const a = syntheticReport(50, 20);
    const c = compareReports(a, a, { a: 'x/1', b: 'x/1' });
    expect([c.f1Diff, c.interval.low, c.interval.high]).toEqual([0, 0, 0]);
    expect(c.mcnemar.p).toBe(1);
    const other: SuiteReport = { ...syntheticReport(50, 20), docsHash: 'other' };
    expect(() => compareReports(a, other, { a: 'x/1', b: 'x/2' })).toThrow(/different documents/);
  });

  it('McNemar: exact below 25 discordant pairs, chi-square above', () => {
    // two-sided binomial: b=1, c=9: 2 * (1 + 10) / 1024
    expect(mcnemar(1, 9).p).toBeCloseTo(22 / 1024, 10);
    expect(mcnemar(5, 5).p).toBe(1);
    // chi-square with continuity correction: (|10-30|-1)^2/40 = 9.025 -> p = 0.00266
    const m = mcnemar(10, 30);
    expect(m.statistic).toBeCloseTo(9.025, 6);
    expect(m.p).toBeCloseTo(0.002663, 4);
  });
});

describe('routing (the router code the server runs)', () => {
  it('sends 10% +- 2% of 5,000 routing keys to a 10% canary, sticky: the same key always the same way', () => {
    let canary = 0;
    let sticky = 0;
    for (let i = 0; i < 5000; i++) {
      const key = `patient-${i}`;
      const first = routesToCanary('ner', key, 0.1);
      if (first) canary++;
      if (routesToCanary('ner', key, 0.1) === first && routesToCanary('ner', key, 0.1) === first) sticky++;
    }
    expect(canary / 5000).toBeGreaterThanOrEqual(0.08);
    expect(canary / 5000).toBeLessThanOrEqual(0.12);
    expect(sticky).toBe(5000);
    // a bigger share keeps the keys of the smaller one (raising 10% -> 20% moves no canary patient back)
    for (let i = 0; i < 1000; i++)
      if (routesToCanary('ner', `patient-${i}`, 0.1))
        expect(routesToCanary('ner', `patient-${i}`, 0.2)).toBe(true);
    expect(routesToCanary('ner', 'p', 0)).toBe(false);
    expect(sampledForShadow('ner', 'r', 1)).toBe(true);
    expect(sampledForShadow('ner', 'r', 0)).toBe(false);
  });
});

describe('agreement with the champion', () => {
  const concept = (start: number, end: number, type: string, status = 'present', code = 'C1') => ({
    start,
    end,
    type,
    codes: [{ system: 'snomed', code }],
    assertion: { status, temporality: 'current' },
  });
  it('counts spans by type, assertions and codes of the spans both found', () => {
    const a = {
      concepts: [
        concept(0, 5, 'problem'),
        concept(10, 15, 'problem', 'absent'),
        concept(20, 25, 'medication'),
      ],
    };
    const b = {
      concepts: [
        concept(0, 5, 'problem'),
        concept(10, 15, 'problem', 'present', 'C2'),
        concept(30, 35, 'problem'),
      ],
    };
    const g = agreementOf(a, b);
    expect(g.spans).toEqual({ problem: [2, 0, 1], medication: [0, 1, 0] });
    expect(g.assertions).toEqual([1, 2]);
    expect(g.codes).toEqual([1, 2]);
    const w = emptyWindow('t');
    addObservation(w, {
      agreement: g,
      championMs: 1,
      candidateMs: 3,
      championError: false,
      candidateError: false,
    });
    const s = summarize(w);
    expect(s.byType.problem!.f1).toBeCloseTo(0.8, 6);
    expect(s.agreementF1).toBeCloseTo(2 / 3, 4);
    expect(s.latency.p50Diff).toBe(2);
    expect(agreementOf(a, a).spans).toEqual({ problem: [2, 0, 0], medication: [1, 0, 0] });
  });
});
