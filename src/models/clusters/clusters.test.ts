import { describe, expect, it } from 'vitest';
import { buildWordClasses, clusterKey, clusterTokens, formatWordClasses, parseWordClasses } from './index.js';

/** A synthetic corpus written for this test: two word families that occur in distinct contexts. */
function corpus(): string[][] {
  const drugs = ['aspirin', 'metformin', 'insulin', 'heparin', 'warfarin', 'lisinopril'];
  const organs = ['liver', 'kidney', 'heart', 'lung', 'spleen', 'pancreas'];
  const texts: string[][] = [];
  let seed = 7;
  const pick = <T>(xs: readonly T[]): T => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return xs[(seed >>> 16) % xs.length] as T;
  };
  for (let i = 0; i < 400; i++) {
    texts.push(clusterTokens(`the patient was given ${pick(drugs)} 10 mg daily by mouth .`));
    texts.push(clusterTokens(`ultrasound of the ${pick(organs)} showed a small lesion in it .`));
  }
  return texts;
}

describe('word classes', () => {
  const options = { vocabulary: 100, contexts: 40, dimensions: 8, branching: [4, 2], minCount: 2 };
  const classes = buildWordClasses(corpus(), options);
  const lookup = parseWordClasses(formatWordClasses(classes, 'test'), 'test');

  it('keys are lower case with digits as 0; tokens split punctuation', () => {
    expect(clusterKey('HbA1c')).toBe('hba0c');
    expect(clusterTokens('Given 10mg, daily.')).toEqual(['given', '00mg', ',', 'daily', '.']);
  });

  it('puts words of one family in one top-level class and the two families apart', () => {
    const top = (w: string): number => lookup.get(w)?.[0] ?? -1;
    const drugs = ['aspirin', 'metformin', 'insulin', 'heparin'].map(top);
    const organs = ['liver', 'kidney', 'heart', 'lung'].map(top);
    expect(new Set(drugs).size).toBe(1);
    expect(new Set(organs).size).toBe(1);
    expect(drugs[0]).not.toBe(organs[0]);
    expect(lookup.levels).toBe(2);
    // a finer level refines the coarser one
    for (const w of classes.words) {
      const ids = lookup.get(w) as Int32Array;
      expect(Math.floor((ids[1] as number) / 2)).toBe(ids[0]);
    }
    expect(lookup.get('Aspirin')).toEqual(lookup.get('aspirin'));
    expect(lookup.get('never-seen')).toBeUndefined();
  });

  it('is deterministic', () => {
    const again = buildWordClasses(corpus(), options);
    expect(formatWordClasses(again, 'x')).toBe(formatWordClasses(classes, 'x'));
  });

  it('refuses a malformed file', () => {
    expect(() => parseWordClasses('a\t1\t2\nb\t1\n', 'bad')).toThrow(
      expect.objectContaining({ code: 'CLINOTE_E_MODEL_MANIFEST_INVALID' }),
    );
  });
});
