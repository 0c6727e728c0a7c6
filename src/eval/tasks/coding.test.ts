import { describe, expect, it } from 'vitest';
import { missingDataMessage, sharedDataPath } from '../../data.js';
import { runEval } from '../index.js';
import { alignToGold, averagePrecision, chapterOf, normCode, rareScores, scoreCoding } from './coding.js';

describe('coding metrics', () => {
  it('normalizes codes and finds their chapter', () => {
    expect(normCode('q62.11')).toBe('Q62.11');
    expect(normCode('E119')).toBe('E11.9');
    expect(chapterOf('D50.9')).toBe(3);
    expect(chapterOf('D49.0')).toBe(2);
    expect(chapterOf('H65.9')).toBe(8);
    expect(chapterOf('S72.001A')).toBe(19);
    expect(chapterOf('Z80.0')).toBe(21);
  });

  it('scores micro and macro at code and category, MAP and per chapter', () => {
    const s = scoreCoding([
      { id: 'a', ranked: ['J18.9', 'R05.9', 'I10'], gold: new Set(['J18.9', 'I10', 'E11.9']) },
      { id: 'b', ranked: ['E11.65'], gold: new Set(['E11.9']) },
    ]);
    expect(s.micro).toMatchObject({ tp: 2, fp: 2, fn: 2, precision: 0.5, recall: 0.5 });
    expect(s.category.micro).toMatchObject({ tp: 3, fp: 1, fn: 1 });
    // labels: J18.9 (1), R05.9 (0), I10 (1), E11.9 (0), E11.65 (0)
    expect(s.macro.labels).toBe(5);
    expect(s.macro.f1).toBeCloseTo(2 / 5);
    // a: hits at ranks 1 and 3 of 3 gold -> (1 + 2/3) / 3; b: 0
    expect(s.map).toBeCloseTo((1 + 2 / 3) / 3 / 2);
    expect(s.byChapter['10']).toMatchObject({ tp: 1, fp: 0, fn: 0 });
    expect(s.byChapter['4']).toMatchObject({ tp: 0, fp: 1, fn: 2 });
  });

  it('average precision ignores repeated codes', () => {
    expect(averagePrecision(['A', 'A', 'B'], new Set(['B']))).toBeCloseTo(1 / 2);
    expect(averagePrecision([], new Set(['B']))).toBe(0);
  });

  it.each([
    // [training counts, predicted, gold, rare tp, fp, fn, rare gold, unseen gold]
    ['frequent codes are left out', { I10: 9, E11: 5 }, ['I10', 'E11'], ['I10', 'E11'], 0, 0, 0, 0, 0],
    ['a rare hit', { I10: 9, K35: 2 }, ['I10', 'K35'], ['I10', 'K35'], 1, 0, 0, 1, 0],
    ['an unseen miss', { I10: 9 }, ['I10'], ['I10', 'Q62'], 0, 0, 1, 1, 1],
    ['a rare false code', { I10: 9, K35: 4 }, ['K35'], ['I10'], 0, 1, 0, 0, 0],
  ] as const)('rare-code scores: %s', (_name, counts, ranked, gold, tp, fp, fn, goldN, unseen) => {
    const s = rareScores([{ id: 'd', ranked, gold: new Set(gold) }], new Map(Object.entries(counts)));
    expect([s.micro.tp, s.micro.fp, s.micro.fn, s.gold, s.unseenGold]).toEqual([tp, fp, fn, goldN, unseen]);
  });

  it('aligns a refined code to a gold code that is not complete in FY2023, and only then', () => {
    const complete = (c: string) => c !== 'R51' && c !== 'T14.8';
    expect(alignToGold(['R51.9', 'T14.8XXA', 'I10.1'], new Set(['R51', 'T14.8', 'I10']), complete)).toEqual([
      'R51',
      'T14.8',
      'I10.1',
    ]);
  });
});

const missing = ['codiesp', 'icd10cm'].find((d) => sharedDataPath(d) === null);
describe.skipIf(missing !== undefined)(
  missing ? missingDataMessage(missing) : 'eval coding on CodiEsp',
  () => {
    it('runs on the first documents of the dev split', async () => {
      const report = await runEval('coding', { data: '', preset: 'codiesp', limit: 5, errors: true });
      expect(report.counts.docs).toBe(5);
      expect(report.counts.gold).toBeGreaterThan(0);
      const all = report.scores?.all as { micro: { precision: number }; map: number };
      expect(all.micro.precision).toBeGreaterThan(0);
      expect(report.errors?.some((e) => e.kind === 'fn')).toBe(true);
      const rare = report.scores?.rare as { below: number; all: { gold: number } } | undefined;
      if (sharedDataPath('codiesp', 'train', 'trainD.tsv') !== null) {
        expect(rare?.below).toBe(5);
        expect(rare?.all.gold).toBeGreaterThanOrEqual(0);
      }
    }, 60_000);
  },
);
