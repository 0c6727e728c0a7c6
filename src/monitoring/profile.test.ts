import { describe, expect, it } from 'vitest';
import { isClinoteError } from '../errors/error.js';
import { BINS, binIndex, FEATURES, featureSpec, OTHER_BUCKET } from './features.js';
import {
  capCounts,
  emptyProfile,
  mergeAll,
  mergeProfiles,
  type NoteObservation,
  type Profile,
  ProfileBuilder,
  parseProfile,
  profileOf,
} from './profile.js';
import { randomObservation, seededRandom } from './testing.js';

/** A profile with its float sums rounded (sums of floats depend on the order of the additions). */
function rounded(p: Profile): Profile {
  const numeric = Object.fromEntries(
    Object.entries(p.numeric).map(([k, h]) => [k, { ...h, sum: Number(h.sum.toPrecision(9)) }]),
  );
  return { ...p, numeric };
}

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return isClinoteError(e) ? e.code : String(e);
  }
  return undefined;
}

describe('bins', () => {
  it.each([
    { edges: [0, 1, 2], x: -1, bin: 0 },
    { edges: [0, 1, 2], x: 0, bin: 1 },
    { edges: [0, 1, 2], x: 0.5, bin: 1 },
    { edges: [0, 1, 2], x: 1, bin: 2 },
    { edges: [0, 1, 2], x: 2, bin: 3 },
    { edges: [0, 1, 2], x: 99, bin: 3 },
  ])('$x falls in bin $bin of $edges', ({ edges, x, bin }) => {
    expect(binIndex(edges, x)).toBe(bin);
  });

  it('every bin set is strictly increasing, and zero has a bin of its own where it matters', () => {
    for (const [name, edges] of Object.entries(BINS)) {
      for (let i = 1; i < edges.length; i++) expect(edges[i]!, name).toBeGreaterThan(edges[i - 1]!);
    }
    expect(binIndex(BINS.share, 0)).not.toBe(binIndex(BINS.share, 0.0005));
    expect(binIndex(BINS.rate, 0)).not.toBe(binIndex(BINS.rate, 0.1));
  });

  it('every numeric feature has a bin set, every categorical one a cap', () => {
    for (const f of FEATURES) {
      if (f.kind === 'numeric') expect(f.bins, f.name).toBeDefined();
      else expect(f.cap, f.name).toBeGreaterThan(0);
    }
    expect(featureSpec('output.concepts_per_1k_chars.problem')?.kind).toBe('numeric');
    expect(featureSpec('output.concepts_per_1k_chars.nonsense')).toBeUndefined();
    expect(featureSpec('input.nonsense')).toBeUndefined();
  });
});

describe('ProfileBuilder', () => {
  it('counts values into their bins, with n, sum, min and max', () => {
    const b = new ProfileBuilder({ key: { deployment: 'd', version: 'v', tenant: '' } });
    const obs = (len: number): NoteObservation => ({
      numeric: { 'input.length_chars': [len] },
      categorical: { 'input.section_category': { hpi: 1, plan: 2 } },
      error: false,
    });
    b.add(obs(100));
    b.add(obs(1000));
    b.add({ numeric: {}, categorical: { 'ops.error_code': { CLINOTE_E_X: 1 } }, error: true });
    const p = b.toProfile();
    expect(p.count).toBe(3);
    expect(p.errors).toBe(1);
    expect(p.key).toEqual({ deployment: 'd', version: 'v', tenant: '' });
    const h = p.numeric['input.length_chars']!;
    expect(h.n).toBe(2);
    expect(h.sum).toBe(1100);
    expect([h.min, h.max]).toEqual([100, 1000]);
    expect(h.counts[binIndex(BINS.chars, 100)]).toBe(1);
    expect(h.counts[binIndex(BINS.chars, 1000)]).toBe(1);
    expect(h.counts.reduce((s, c) => s + c, 0)).toBe(2);
    expect(p.categorical['input.section_category']).toEqual({ hpi: 2, plan: 4 });
    expect(p.categorical['ops.error_code']).toEqual({ CLINOTE_E_X: 1 });
  });

  it('widens its window to the times of the notes', () => {
    const b = new ProfileBuilder();
    b.add({ numeric: {}, categorical: {}, error: false, at: '2026-03-02T10:00:00.000Z' });
    b.add({ numeric: {}, categorical: {}, error: false, at: '2026-03-01T10:00:00.000Z' });
    expect(b.toProfile().window).toEqual({
      start: '2026-03-01T10:00:00.000Z',
      end: '2026-03-02T10:00:00.000Z',
    });
  });

  it('refuses a feature it does not know (no silent bins)', () => {
    const b = new ProfileBuilder();
    expect(codeOf(() => b.add({ numeric: { 'input.zzz': [1] }, categorical: {}, error: false }))).toBe(
      'CLINOTE_E_MONITOR_PROFILE_INVALID',
    );
  });
});

describe('capped categorical features', () => {
  it('keeps the most frequent values (ties by value) and sums the rest into __other__', () => {
    expect(capCounts({ a: 5, b: 1, c: 3, d: 1, [OTHER_BUCKET]: 2 }, 2)).toEqual({
      a: 5,
      c: 3,
      [OTHER_BUCKET]: 4,
    });
    expect(capCounts({ b: 1, a: 1, c: 1 }, 2)).toEqual({ a: 1, b: 1, [OTHER_BUCKET]: 1 });
    expect(capCounts({ a: 1 }, 2)).toEqual({ a: 1 });
  });

  it('a profile keeps at most 100 codes, and the total of the codes stays exact', () => {
    const b = new ProfileBuilder();
    let total = 0;
    for (let i = 0; i < 300; i++) {
      b.add({
        numeric: {},
        categorical: { 'output.code': { [`icd10cm:C${i}`]: (i % 7) + 1 } },
        error: false,
      });
      total += (i % 7) + 1;
    }
    const codes = b.toProfile().categorical['output.code']!;
    expect(Object.keys(codes).length).toBe(101);
    expect(Object.values(codes).reduce((s, n) => s + n, 0)).toBe(total);
  });
});

describe('merging (property tests, seeded)', () => {
  const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20];

  function randomSets(seed: number, codes = 40): NoteObservation[][] {
    const rand = seededRandom(seed);
    return [0, 1, 2].map(() =>
      Array.from({ length: Math.floor(rand() * 60) }, () => randomObservation(rand, codes)),
    );
  }

  it.each(SEEDS)(
    'seed %i: merge is commutative and associative, and equals profiling the concatenation',
    (seed) => {
      const [x, y, z] = randomSets(seed);
      const a = profileOf(x!);
      const b = profileOf(y!);
      const c = profileOf(z!);
      expect(mergeProfiles(a, b)).toEqual(mergeProfiles(b, a));
      expect(rounded(mergeProfiles(mergeProfiles(a, b), c))).toEqual(
        rounded(mergeProfiles(a, mergeProfiles(b, c))),
      );
      expect(rounded(mergeAll([a, b, c]))).toEqual(rounded(profileOf([...x!, ...y!, ...z!])));
    },
  );

  it('the empty profile is the identity', () => {
    const [x] = randomSets(99);
    const a = profileOf(x!);
    expect(mergeProfiles(a, emptyProfile())).toEqual(a);
    expect(mergeProfiles(emptyProfile(), a)).toEqual(a);
  });

  it.each(SEEDS.slice(0, 5))(
    'seed %i: beyond the cap, merge stays commutative and keeps the totals',
    (seed) => {
      const [x, y] = randomSets(seed, 1000);
      const a = profileOf(x!);
      const b = profileOf(y!);
      const ab = mergeProfiles(a, b);
      expect(ab).toEqual(mergeProfiles(b, a));
      const sum = (p: Profile) =>
        Object.values(p.categorical['output.code'] ?? {}).reduce((s, n) => s + n, 0);
      expect(sum(ab)).toBe(sum(a) + sum(b));
      expect(Object.keys(ab.categorical['output.code'] ?? {}).length).toBeLessThanOrEqual(101);
    },
  );

  it('keys: equal fields stay, different ones become *', () => {
    const a = emptyProfile({ deployment: 'prod', version: '1', tenant: 'a' });
    const b = emptyProfile({ deployment: 'prod', version: '2', tenant: 'a' });
    expect(mergeProfiles(a, b).key).toEqual({ deployment: 'prod', version: '*', tenant: 'a' });
    expect(mergeProfiles(a, emptyProfile()).key).toEqual(a.key);
  });

  it('refuses profiles made with other bins', () => {
    const a = profileOf([{ numeric: { 'input.length_chars': [10] }, categorical: {}, error: false }]);
    const h = a.numeric['input.length_chars']!;
    const other: Profile = {
      ...a,
      numeric: { 'input.length_chars': { ...h, edges: h.edges.slice(1), counts: h.counts.slice(1) } },
    };
    expect(codeOf(() => mergeProfiles(a, other))).toBe('CLINOTE_E_MONITOR_PROFILE_INVALID');
  });
});

describe('parseProfile', () => {
  const rand = seededRandom(7);
  const p = profileOf(Array.from({ length: 30 }, () => randomObservation(rand)));

  it('reads back what JSON.stringify wrote', () => {
    expect(parseProfile(JSON.parse(JSON.stringify(p)))).toEqual(p);
    expect(parseProfile(JSON.parse(JSON.stringify(emptyProfile())))).toEqual(emptyProfile());
  });

  interface Json {
    count: number;
    numeric: Record<string, { edges: number[]; n: number }>;
    [k: string]: unknown;
  }
  const json = () => JSON.parse(JSON.stringify(p)) as Json;
  it.each([
    ['not an object', () => []],
    ['another format', () => ({ ...json(), format: 2 })],
    ['a negative count', () => ({ ...json(), count: -1 })],
    ['more errors than notes', () => ({ ...json(), errors: json().count + 1 })],
    ['a bad window', () => ({ ...json(), window: { start: 'yesterday', end: 'today' } })],
    [
      'an unknown numeric feature',
      () => ({ ...json(), numeric: { 'input.zzz': json().numeric['input.length_chars'] } }),
    ],
    [
      'other bins',
      () => {
        const j = json();
        j.numeric['input.length_chars']!.edges[3]! += 1;
        return j;
      },
    ],
    [
      'counts that do not add up to n',
      () => {
        const j = json();
        j.numeric['input.length_chars']!.n += 1;
        return j;
      },
    ],
    ['a non-count category', () => ({ ...json(), categorical: { 'output.code': { x: 0.5 } } })],
  ])('refuses %s with CLINOTE_E_MONITOR_PROFILE_INVALID and the field', (_what, make) => {
    try {
      parseProfile(make(), 'p.json');
      expect.unreachable();
    } catch (e) {
      expect(isClinoteError(e) && e.code).toBe('CLINOTE_E_MONITOR_PROFILE_INVALID');
      expect(isClinoteError(e) && e.details.file).toBe('p.json');
    }
  });
});
