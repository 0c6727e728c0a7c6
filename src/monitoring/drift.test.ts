import { describe, expect, it } from 'vitest';
import { isClinoteError } from '../errors/error.js';
import {
  alignCategories,
  binPoints,
  compareProfiles,
  type DriftConfig,
  jensenShannon,
  parseDriftConfig,
  psi,
  renderDriftReport,
  wasserstein,
} from './drift.js';
import { type NoteObservation, profileOf } from './profile.js';

describe('PSI', () => {
  it('of two known histograms (no smoothing): sum (q - p) ln(q / p)', () => {
    // p = (0.5, 0.5), q = (0.25, 0.75): 0.25 ln 2 + 0.25 ln 1.5
    expect(psi([50, 50], [25, 75], 0)).toBeCloseTo(0.25 * Math.log(2) + 0.25 * Math.log(1.5), 12);
    expect(psi([50, 50], [25, 75], 0)).toBeCloseTo(0.2746531, 6);
  });

  it('is 0 for the same shares, whatever the sizes, and symmetric', () => {
    expect(psi([10, 20, 30], [100, 200, 300], 1e-4)).toBeCloseTo(0, 12);
    expect(psi([10, 20, 30], [30, 20, 10], 1e-4)).toBeCloseTo(psi([30, 20, 10], [10, 20, 30], 1e-4), 12);
  });

  it('smooths an empty bin: p_i = (n_i / N + eps) / (1 + k eps)', () => {
    // hand-computed: p = (1.0001, 0.0001) / 1.0002, q = (0.5001, 0.5001) / 1.0002
    const p = [1.0001 / 1.0002, 0.0001 / 1.0002];
    const q = [0.5001 / 1.0002, 0.5001 / 1.0002];
    const expected = (q[0]! - p[0]!) * Math.log(q[0]! / p[0]!) + (q[1]! - p[1]!) * Math.log(q[1]! / p[1]!);
    expect(psi([100, 0], [50, 50], 1e-4)).toBeCloseTo(expected, 12);
    expect(psi([100, 0], [50, 50], 1e-4)).toBeCloseTo(4.6043, 4);
  });

  it('is NaN without observations', () => {
    expect(psi([0, 0], [1, 2], 1e-4)).toBeNaN();
  });
});

describe('Jensen-Shannon distance (base 2)', () => {
  it('is 0 for identical distributions and 1 for disjoint ones', () => {
    expect(jensenShannon([3, 1, 0], [6, 2, 0])).toBeCloseTo(0, 12);
    expect(jensenShannon([5, 0], [0, 7])).toBeCloseTo(1, 12);
  });

  it('of (1, 0) and (0.5, 0.5): sqrt(1/2 log2(4/3) + 1/4 log2(2/3) + 1/4 log2 2) = 0.557923', () => {
    const jsd = 0.5 * Math.log2(4 / 3) + 0.25 * Math.log2(2 / 3) + 0.25;
    expect(jensenShannon([10, 0], [5, 5])).toBeCloseTo(Math.sqrt(jsd), 12);
    expect(jensenShannon([10, 0], [5, 5])).toBeCloseTo(0.557923, 6);
  });
});

describe('normalized Wasserstein', () => {
  const edges = [0, 1, 2, 3, 4];

  it('puts each bin at its midpoint, the open bins at their edge', () => {
    expect(binPoints(edges)).toEqual([0, 0.5, 1.5, 2.5, 3.5, 4]);
  });

  it('of a distribution shifted by one bin: W1 = 1, the reference sd = 0.5, so 2', () => {
    // reference: half at 0.5, half at 1.5 (mean 1, sd 0.5); current: half at 1.5, half at 2.5
    expect(wasserstein(edges, [0, 1, 1, 0, 0, 0], [0, 0, 1, 1, 0, 0])).toBeCloseTo(2, 12);
  });

  it('is 0 for the same distribution, and normalizes a one-bin reference by the smallest gap', () => {
    expect(wasserstein(edges, [0, 2, 2, 0, 0, 0], [0, 1, 1, 0, 0, 0])).toBeCloseTo(0, 12);
    // W1 = 1 (0.5 -> 1.5), sd 0 -> the smallest gap between points, 0.5
    expect(wasserstein(edges, [0, 4, 0, 0, 0, 0], [0, 0, 4, 0, 0, 0])).toBeCloseTo(2, 12);
  });
});

describe('pooling rare categories', () => {
  it('keeps the values with a share >= minShare on either side, pools the rest with __other__', () => {
    const a = { x: 90, y: 5, z: 4, w: 1 };
    const b = { x: 80, v: 20 };
    // shares: x 0.9 | 0.8, y 0.05 | 0, z 0.04 | 0, w 0.01 | 0, v 0 | 0.2
    expect(alignCategories(a, b, 0.045)).toEqual([
      [0, 90, 5, 5],
      [20, 80, 0, 0],
    ]);
    expect(alignCategories({ ...a, __other__: 10 }, b, 0.045)).toEqual([
      [0, 90, 5, 15],
      [20, 80, 0, 0],
    ]);
    // no pooling: every value, in value order (v, w, x, y, z), no __other__
    expect(alignCategories(a, b, 0)).toEqual([
      [0, 1, 90, 5, 4],
      [20, 0, 80, 0, 0],
    ]);
  });
});

function lengths(values: number[]): NoteObservation[] {
  return values.map((v, i) => ({
    numeric: { 'input.length_chars': [v] },
    categorical: { 'input.section_category': { [i % 2 ? 'hpi' : 'plan']: 1 } },
    error: false,
  }));
}

describe('compareProfiles', () => {
  const same = Array.from({ length: 400 }, (_, i) => 500 + (i % 50) * 40);
  const longer = same.map((v) => v * 4);

  it('no drift between a profile and itself', () => {
    const p = profileOf(lengths(same));
    const r = compareProfiles(p, p);
    expect(r.dataset.status).toBe('no-drift');
    expect(r.features.every((f) => f.distance === 0 && !f.drifted && f.status === 'ok')).toBe(true);
  });

  it('flags a shifted numeric feature, not the unchanged categorical one; the dataset at half', () => {
    const r = compareProfiles(profileOf(lengths(same)), profileOf(lengths(longer)));
    const byName = Object.fromEntries(r.features.map((f) => [f.name, f]));
    expect(byName['input.length_chars']).toMatchObject({
      metric: 'psi',
      threshold: 0.2,
      drifted: true,
      status: 'drift',
    });
    expect(byName['input.section_category']).toMatchObject({ metric: 'jensen-shannon', drifted: false });
    expect(byName['input.length_chars']!.referenceCount).toBe(400);
    expect(r.dataset).toMatchObject({ status: 'drift', drifted: 1, evaluated: 2, share: 0.5 });
    expect(
      compareProfiles(profileOf(lengths(same)), profileOf(lengths(longer)), { driftShare: 0.6 }).dataset
        .status,
    ).toBe('no-drift');
  });

  it('per feature: metric, threshold, enabled', () => {
    const config: DriftConfig = {
      features: {
        'input.length_chars': { metric: 'wasserstein', threshold: 50 },
        'input.section_category': { enabled: false },
      },
    };
    const r = compareProfiles(profileOf(lengths(same)), profileOf(lengths(longer)), config);
    expect(r.features[0]).toMatchObject({
      name: 'input.length_chars',
      metric: 'wasserstein',
      threshold: 50,
      drifted: false,
    });
    expect(r.features[0]!.distance).toBeGreaterThan(1);
    expect(r.features[1]).toMatchObject({ status: 'disabled', distance: null });
    expect(r.dataset).toMatchObject({ status: 'no-drift', evaluated: 1 });
  });

  it('insufficient: a small window, a feature with few observations (not drift)', () => {
    const small = compareProfiles(profileOf(lengths(same.slice(0, 150))), profileOf(lengths(longer)));
    expect(small.dataset.status).toBe('insufficient');
    expect(small.features.every((f) => f.status === 'insufficient' && !f.drifted)).toBe(true);
    expect(small.features[0]!.distance).toBeGreaterThan(0.2);
    const few = compareProfiles(profileOf(lengths(same)), profileOf(lengths(longer)), {
      minObservations: 1000,
    });
    expect(few.dataset).toMatchObject({ status: 'insufficient', evaluated: 0 });
    const perFeature = compareProfiles(profileOf(lengths(same)), profileOf(lengths(longer)), {
      features: { 'input.length_chars': { minObservations: 401 } },
    });
    expect(perFeature.features[0]!.status).toBe('insufficient');
  });

  it('a feature on one side only has no verdict', () => {
    const withLatency = lengths(same).map((o) => ({
      ...o,
      numeric: { ...o.numeric, 'ops.latency_ms': [5] },
    }));
    const r = compareProfiles(profileOf(lengths(same)), profileOf(withLatency));
    expect(r.features.find((f) => f.name === 'ops.latency_ms')).toMatchObject({
      status: 'insufficient',
      distance: null,
      referenceCount: 0,
      currentCount: 400,
    });
  });

  it('refuses profiles with other bins for the same feature', () => {
    const p = profileOf(lengths(same));
    const h = p.numeric['input.length_chars']!;
    const other = { ...p, numeric: { 'input.length_chars': { ...h, edges: h.edges.map((e) => e + 1) } } };
    try {
      compareProfiles(p, other);
      expect.unreachable();
    } catch (e) {
      expect(isClinoteError(e) && e.code).toBe('CLINOTE_E_MONITOR_PROFILE_INVALID');
    }
  });

  it('renders a table with the verdict', () => {
    const text = renderDriftReport(compareProfiles(profileOf(lengths(same)), profileOf(lengths(longer))));
    expect(text).toMatch(/^drift: DRIFT: 1 of 2 features drifted/);
    expect(text).toMatch(/input\.length_chars\s+psi\s+\d+\.\d+\s+0\.200\s+400\s+400\s+DRIFT/);
  });
});

describe('parseDriftConfig', () => {
  it('accepts a full config', () => {
    const c = {
      minNotes: 50,
      minObservations: 20,
      driftShare: 0.3,
      epsilon: 0.001,
      numeric: { metric: 'wasserstein', threshold: 0.2 },
      categorical: { metric: 'psi' },
      features: { 'output.code': { enabled: false } },
    };
    expect(parseDriftConfig(c)).toEqual(c);
  });

  it.each([
    [[]],
    [{ minNotes: -1 }],
    [{ driftShare: 2 }],
    [{ numeric: { metric: 'kl' } }],
    [{ categorical: { metric: 'wasserstein' } }],
    [{ features: { x: { enabled: 'yes' } } }],
    [{ thresholds: 1 }],
  ])('refuses %j', (c) => {
    try {
      parseDriftConfig(c, 'drift.json');
      expect.unreachable();
    } catch (e) {
      expect(isClinoteError(e) && e.code).toBe('CLINOTE_E_MONITOR_BAD_INPUT');
    }
  });
});
