/**
 * The seeded PRNG and shuffle of the reproducible experiments of monitoring (the controlled drift
 * tests, scripts/monitor-controlled.ts, the property tests): the models' generator (src/models/prng.ts).
 */
import { mulberry32, shuffle } from '../models/prng.js';

/** mulberry32: uniform in [0, 1), the same sequence for the same seed. */
export const seededRandom: (seed: number) => () => number = mulberry32;

/** A Fisher-Yates shuffle of a copy, with `rand`. */
export function shuffled<T>(items: readonly T[], rand: () => number): T[] {
  return shuffle([...items], rand);
}
