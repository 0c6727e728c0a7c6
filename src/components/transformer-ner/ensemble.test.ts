import { describe, expect, it } from 'vitest';
import { ensembleMentions } from './ensemble.js';

const m = (start: number, end: number, probability?: number, type = 'Disease') => ({
  start,
  end,
  type,
  ...(probability !== undefined ? { probability } : {}),
});

describe('ensembleMentions', () => {
  it.each([
    ['two of three agree', [[m(0, 5, 1)], [m(0, 5, 1)], []], 0.5, [[0, 5]]],
    ['one alone is outvoted', [[m(0, 5, 1)], [], []], 0.5, []],
    ['probabilities weigh the votes', [[m(0, 5, 0.6)], [m(0, 5, 0.6)], []], 0.5, []],
    ['a lower threshold lets one source through', [[m(0, 5, 1)], [], []], 0.3, [[0, 5]]],
    ['other boundaries are other mentions', [[m(0, 5, 1)], [m(0, 6, 1)], [m(0, 6)]], 0.5, [[0, 6]]],
    ['other types are other mentions', [[m(0, 5, 1)], [m(0, 5, 1, 'Chemical')], []], 0.5, []],
    [
      'overlaps: the better scored wins',
      [[m(0, 9, 1), m(0, 5, 1)], [m(0, 9, 1)], [m(0, 5), m(0, 9)]],
      0.5,
      [[0, 9]],
    ],
    [
      'disjoint mentions are all kept',
      [[m(0, 5, 1), m(10, 15, 1)], [m(0, 5, 1), m(10, 15, 1)], []],
      0.5,
      [
        [0, 5],
        [10, 15],
      ],
    ],
  ] as const)('%s', (_name, lists, threshold, expected) => {
    const sources = lists.map((mentions, i) => ({
      name: ['transformer', 'linear', 'dictionary'][i]!,
      weight: 1,
      mentions,
    }));
    const out = ensembleMentions(sources, threshold);
    expect(out.map((x) => [x.start, x.end])).toEqual(expected);
  });

  it('weights: a heavier source decides alone; the score and voters are in the detail', () => {
    const out = ensembleMentions(
      [
        { name: 'transformer', weight: 2, mentions: [m(3, 8, 0.9)] },
        { name: 'linear', weight: 1, mentions: [] },
      ],
      0.5,
    );
    expect(out).toHaveLength(1);
    expect(out[0]!.probability).toBeCloseTo(0.6, 6);
    expect(out[0]!.detail).toBe('ensemble 0.600 >= 0.5: transformer 0.900');
  });

  it('a source counts once per span; no source or zero weight gives nothing', () => {
    const twice = ensembleMentions(
      [{ name: 'linear', weight: 1, mentions: [m(0, 5, 0.4), m(0, 5, 0.4)] }],
      0.5,
    );
    expect(twice).toEqual([]);
    expect(ensembleMentions([], 0.5)).toEqual([]);
    expect(ensembleMentions([{ name: 'x', weight: 0, mentions: [m(0, 1)] }], 0)).toEqual([]);
  });
});
