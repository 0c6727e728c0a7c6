import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  editDistance,
  fuzzyKey,
  fuzzyMinOverlap,
  fuzzySizeRange,
  isLikelyMisspelling,
  similarity,
  trigramSimilarity,
  trigrams,
} from './fuzzy.js';

describe('editDistance (optimal string alignment)', () => {
  it.each([
    ['', '', 0],
    ['abc', '', 3],
    ['kitten', 'sitting', 3],
    ['diabetes', 'diabetis', 1],
    ['pneumonia', 'pnuemonia', 1], // adjacent transposition
    ['ab', 'ba', 1],
    ['ca', 'abc', 3], // OSA, not full Damerau
    ['hypertension', 'hypotension', 2],
  ])('editDistance(%j, %j) = %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });

  it('stops early past max and says so with max + 1', () => {
    expect(editDistance('kitten', 'sitting', 1)).toBe(2);
    expect(editDistance('a', 'abcdef', 2)).toBe(3);
    expect(editDistance('diabetes', 'diabetis', 1)).toBe(1);
  });
});

describe('similarity and trigrams', () => {
  it('edit similarity is 1 for equal strings and drops with edits', () => {
    expect(similarity('asthma', 'asthma')).toBe(1);
    expect(similarity('diabetes', 'diabetis')).toBeCloseTo(0.875);
    expect(similarity('abc', 'xyz')).toBe(0);
  });

  it('pads trigrams so that word edges count', () => {
    expect(trigrams('abc')).toEqual(['$ab', 'abc', 'bc$']);
    expect(trigrams('a')).toEqual(['$a$']);
    expect(trigramSimilarity('diabetes', 'diabetes')).toBe(1);
    expect(trigramSimilarity('diabetes', 'diabetis')).toBeCloseTo(5 / 8);
  });

  it('fuzzyKey folds and joins keys', () => {
    expect(fuzzyKey(['type', '2', 'diabetes'])).toBe('type 2 diabetes');
    expect(fuzzyKey('  Ménière   Disease ')).toBe('meniere disease');
  });

  it('the size range and overlap bounds never exclude a pair that reaches the threshold (property)', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-e]{1,12}$/),
        fc.stringMatching(/^[a-e]{1,12}$/),
        fc.double({ min: 0.3, max: 0.95, noNaN: true }),
        (a, b, t) => {
          const x = trigrams(a).length;
          const y = trigrams(b).length;
          const set = new Set(trigrams(b));
          const common = trigrams(a).filter((g) => set.has(g)).length;
          if (trigramSimilarity(a, b) >= t) {
            const { min, max } = fuzzySizeRange(x, t);
            expect(y).toBeGreaterThanOrEqual(min);
            expect(y).toBeLessThanOrEqual(max);
            expect(common).toBeGreaterThanOrEqual(fuzzyMinOverlap(x, y, t));
          }
        },
      ),
    );
  });
});

describe('isLikelyMisspelling', () => {
  it.each([
    ['diabetis', 'diabetes', true],
    ['pnuemonia', 'pneumonia', true],
    ['hypertenion', 'hypertension', true],
    ['asthama', 'asthma', true],
    ['adbominal', 'abdominal', true],
    ['cholecystitis', 'cholecystitis', false], // same word
    ['hypertension', 'hypotension', false], // opposite prefixes
    ['hyperkalemia', 'hypokalemia', false],
    ['colostomy', 'colectomy', false], // different procedures
    ['nephritis', 'nephrosis', false],
    ['ileum', 'ilium', false],
    ['dysphagia', 'dysphasia', false],
    ['prostate', 'prostrate', false],
    ['abduction', 'adduction', false],
    ['type1', 'type2', false], // digits
    ['cough', 'couch', false], // too short
    ['fevre', 'fever', false], // too short
    ['asthma', 'asthna', true], // six letters: long enough
    ['sepsis', 'tepsis', false], // first letter differs
    ['pneumonia', 'pneumothorax', false], // too many edits
  ])('isLikelyMisspelling(%j, %j) = %s', (a, b, expected) => {
    expect(isLikelyMisspelling(a, b)).toBe(expected);
  });
});
