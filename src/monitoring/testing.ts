/**
 * Test helpers of monitoring: random note observations (from the seeded PRNG of ./random.ts), for
 * the property tests of profiles. Not part of the library API.
 */
import { CONCEPT_TYPES, typedFeature } from './features.js';
import type { NoteObservation } from './profile.js';

export { seededRandom, shuffled } from './random.js';

const CATEGORIES = ['hpi', 'plan', 'medications', 'other', 'preamble', 'assessment'];
const STATUSES = ['present', 'absent', 'possible', 'family'];

/**
 * A random observation: lengths, shares, rates and confidences, section categories and codes from
 * small domains (`codes` distinct codes: below the cap of `output.code` unless asked otherwise),
 * sometimes an error record, sometimes a time.
 */
export function randomObservation(rand: () => number, codes = 40): NoteObservation {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const at =
    rand() < 0.5
      ? { at: new Date(Date.UTC(2026, 0, 1) + Math.floor(rand() * 86_400_000 * 30)).toISOString() }
      : {};
  if (rand() < 0.1) {
    return {
      numeric: rand() < 0.5 ? { 'ops.latency_ms': [rand() * 500] } : {},
      categorical: {
        'ops.outcome': { error: 1 },
        'ops.error_code': { [pick(['CLINOTE_E_A', 'CLINOTE_E_B'])]: 1 },
      },
      error: true,
      ...at,
    };
  }
  const numeric: Record<string, number[]> = {
    'input.length_chars': [Math.floor(rand() ** 2 * 20_000)],
    'input.digit_share': [rand() * 0.2],
    'input.section_count': [Math.floor(rand() * 30)],
    'output.concept_confidence': Array.from({ length: Math.floor(rand() * 6) }, () => 0.5 + rand() / 2),
    'ops.latency_ms': [rand() * 1000],
  };
  for (const t of CONCEPT_TYPES) numeric[typedFeature('output.concepts_per_1k_chars', t)] = [rand() * 40];
  const categorical: Record<string, Record<string, number>> = { 'ops.outcome': { ok: 1 } };
  const sections: Record<string, number> = {};
  for (let i = Math.floor(rand() * 5); i >= 0; i--) {
    const c = pick(CATEGORIES);
    sections[c] = (sections[c] ?? 0) + 1;
  }
  categorical['input.section_category'] = sections;
  const codeCounts: Record<string, number> = {};
  const status: Record<string, number> = {};
  for (let i = Math.floor(rand() * 6); i > 0; i--) {
    const c = `icd10cm:X${Math.floor(rand() * codes)}`;
    codeCounts[c] = (codeCounts[c] ?? 0) + 1;
    const s = pick(STATUSES);
    status[s] = (status[s] ?? 0) + 1;
  }
  categorical['output.code'] = codeCounts;
  categorical['output.assertion_status'] = status;
  return { numeric, categorical, error: false, ...at };
}
