/**
 * The fuzzer's fixed seed set (docs/fuzz.md), run by every `npm test`: generated notes through the
 * default pipeline, checked by `checkNote`; then every regression case `npm run fuzz` wrote.
 * `npm run fuzz -- --minutes N` runs longer with fresh seeds.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadPipelineSync } from '../engine-sync.js';
import { noteArbitrary } from './generators.js';
import { checkNote, loadRegressions } from './invariants.js';

const pipeline = loadPipelineSync();

/** Fixed seeds: the same notes on every run. */
const SEEDS = [1, 18, 2026, 424242];
const RUNS_PER_SEED = 150;

describe('fuzz: generated notes through the default pipeline', () => {
  it.each(SEEDS)('seed %i: no throw, spans reproduce the text, orders hold, time within budget', (seed) => {
    fc.assert(
      fc.property(noteArbitrary(), (note) => {
        const { violations } = checkNote(pipeline, note);
        if (violations.length > 0) throw new Error(violations.join('\n'));
      }),
      { seed, numRuns: RUNS_PER_SEED, endOnFailure: false },
    );
  });

  it('long notes (repetitions up to a few tens of KB)', () => {
    fc.assert(
      fc.property(noteArbitrary({ maxPieces: 6, maxRepeat: 3000 }), (note) => {
        const { violations } = checkNote(pipeline, note);
        if (violations.length > 0) throw new Error(violations.join('\n'));
      }),
      { seed: 7, numRuns: 25 },
    );
  });
});

describe('fuzz: regression cases', () => {
  const cases = loadRegressions();
  it.each(cases.length > 0 ? cases.map((x) => [x.file, x.c.note] as const) : [['(none)', '']])(
    '%s',
    (_file, note) => {
      expect(checkNote(pipeline, note).violations).toEqual([]);
    },
  );
});
