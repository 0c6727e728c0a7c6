/**
 * The live monitor on a fake clock: windows close at their boundaries, the reference is pinned to
 * the first windows that hold `minNotes`, a shifted window alerts and a like one does not; two
 * processes sharing a store merge their parts of a window.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OpenedStore, openStore } from '../store/index.js';
import { sqliteTestBackend, type TestBackend } from '../store/testing.js';
import { type AlertEvent, LiveMonitor, listAlerts, windowOf } from './live.js';
import type { NoteObservation } from './profile.js';
import { randomObservation, seededRandom } from './testing.js';

const KEY = { deployment: 'd', version: 'v1', tenant: 't' };
const MINUTE = 60_000;

/** Observations whose note lengths are scaled (a template change that truncates notes). */
function shifted(o: NoteObservation, factor: number): NoteObservation {
  const numeric: Record<string, readonly number[]> = { ...o.numeric };
  const len = numeric['input.length_chars'];
  if (len) numeric['input.length_chars'] = len.map((x) => x * factor);
  const sections = o.categorical['input.section_category'];
  return {
    ...o,
    numeric,
    categorical: sections ? { ...o.categorical, 'input.section_category': { other: 5 } } : o.categorical,
  };
}

describe('windowOf', () => {
  it('aligns windows on multiples of their length', () => {
    expect(windowOf(Date.UTC(2026, 0, 1, 10, 7, 30), 5 * MINUTE)).toMatchObject({
      start: '2026-01-01T10:05:00.000Z',
      end: '2026-01-01T10:10:00.000Z',
    });
  });
});

describe('LiveMonitor in memory', () => {
  it('pins the reference, stays quiet on a like window, alerts on a shifted one', async () => {
    let now = Date.UTC(2026, 0, 1);
    const alerts: AlertEvent[] = [];
    const shares: number[] = [];
    const m = new LiveMonitor(
      { windowMs: MINUTE, drift: { minNotes: 200, driftShare: 0.1 } },
      {
        now: () => now,
        hooks: { onAlert: (a) => alerts.push(a), onReport: (_k, r) => shares.push(r.dataset.share) },
      },
    );
    const rand = seededRandom(7);
    const fill = (n: number, f = 1) => {
      for (let i = 0; i < n; i++) {
        const o = randomObservation(rand);
        m.observe(KEY, f === 1 ? o : shifted(o, f));
      }
    };
    fill(400); // window 0: the reference
    now += MINUTE;
    fill(400); // window 1: like it (closing window 0 on the first observation)
    now += MINUTE;
    fill(400, 0.1); // window 2: truncated notes, unknown headers
    now += MINUTE;
    await m.rollover();
    await m.close();
    expect(shares).toHaveLength(2);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.drifted).toEqual(
      expect.arrayContaining(['input.length_chars', 'input.section_category']),
    );
    expect(alerts[0]?.window.start).toBe(new Date(Date.UTC(2026, 0, 1) + 2 * MINUTE).toISOString());
  });
});

describe('LiveMonitor over a store', () => {
  let backend: TestBackend;
  let store: OpenedStore;
  beforeAll(async () => {
    backend = await sqliteTestBackend();
    store = await openStore({ url: backend.url });
  });
  afterAll(async () => {
    await store?.close();
    await backend?.dispose();
  });

  it('merges the parts of a window written by two processes, and stores the alert', async () => {
    let now = Date.UTC(2026, 0, 2);
    const a = new LiveMonitor(
      { windowMs: MINUTE, drift: { minNotes: 300, driftShare: 0.1 } },
      { store, now: () => now },
    );
    const b = new LiveMonitor(
      { windowMs: MINUTE, drift: { minNotes: 300, driftShare: 0.1 } },
      { store, now: () => now },
    );
    const rand = seededRandom(11);
    const fill = (m: LiveMonitor, n: number, f = 1) => {
      for (let i = 0; i < n; i++) {
        const o = randomObservation(rand);
        m.observe(KEY, f === 1 ? o : shifted(o, f));
      }
    };
    // the reference needs both halves: 200 + 200 notes, neither alone holds 300
    fill(a, 200);
    fill(b, 200);
    now += MINUTE;
    await a.rollover();
    await b.rollover();
    const rows = await store.db.selectFrom('monitor_profile').select(['window_start', 'notes']).execute();
    expect(rows.map((r) => Number(r.notes))).toEqual([200, 200]);
    expect(new Set(rows.map((r) => r.window_start)).size).toBe(1);
    fill(a, 200, 0.1);
    fill(b, 200, 0.1);
    now += MINUTE;
    await a.rollover();
    await b.rollover();
    const alerts = await listAlerts(store, { deployment: 'd' });
    // the second process to close the window sees both parts; each part alone also drifts
    expect(alerts.length).toBeGreaterThanOrEqual(1);
    expect(alerts[0]?.key).toEqual(KEY);
    expect(alerts[0]?.drifted).toContain('input.length_chars');
    await a.close();
    await b.close();
  });
});
