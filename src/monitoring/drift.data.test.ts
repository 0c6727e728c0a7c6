/**
 * Controlled drift tests on MTSamples (shared data, read by path; skipped when absent). The default
 * pipeline runs once per note (about 2,400 runs: 1,200 random notes, 2 x 400 of four specialties,
 * 600 changed copies); the experiments are in ./controlled.ts and their figures in
 * docs/monitoring.md (scripts/monitor-controlled.ts prints them).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { missingDataMessage, sharedDataPath } from '../data.js';
import { type ControlledResult, runControlled } from './controlled.js';
import type { DriftReport } from './drift.js';

const csv = sharedDataPath('mtsamples', 'mtsamples.csv');

function feature(report: DriftReport, name: string) {
  const f = report.features.find((x) => x.name === name);
  if (!f) throw new Error(`no feature ${name} in the report`);
  return f;
}

describe.skipIf(csv === null)('controlled drift on MTSamples', () => {
  let r: ControlledResult;
  beforeAll(async () => {
    const out = await runControlled();
    if (out === null) throw new Error('MTSamples vanished');
    r = out;
    // figures only: no note text
    console.log(
      `controlled drift: ${r.notes} notes in ${(r.ms / 1000).toFixed(1)} s; random splits: ${r.falseAlarms}/${r.randomSplits.length} false alarms; specialty ${r.specialty.dataset.drifted}/${r.specialty.dataset.evaluated} features drifted; template change ${r.template.dataset.drifted}/${r.template.dataset.evaluated}`,
    );
  }, 180_000);

  it('a specialty split (Surgery + Orthopedic vs Cardiovascular / Pulmonary + Neurology) drifts in section mix and concept types', () => {
    expect(r.specialty.reference.count).toBe(400);
    expect(r.specialty.current.count).toBe(400);
    expect(feature(r.specialty, 'input.section_category')).toMatchObject({ status: 'drift', drifted: true });
    expect(feature(r.specialty, 'output.concept_type')).toMatchObject({ status: 'drift', drifted: true });
    expect(r.specialty.dataset.status).toBe('drift');
  });

  it('20 random equal splits of the same notes raise at most one dataset alarm (<= 5%)', () => {
    expect(r.randomSplits).toHaveLength(20);
    for (const s of r.randomSplits) expect(s.dataset.status).not.toBe('insufficient');
    expect(r.falseAlarms).toBeLessThanOrEqual(1);
  });

  it('a template change (headers renamed to unknown ones, notes cut to a third) is flagged on the features it touches', () => {
    for (const name of ['input.unknown_header_share', 'input.section_category', 'input.length_chars']) {
      expect(feature(r.template, name), name).toMatchObject({ status: 'drift', drifted: true });
    }
    // the length shrinks by 3: its PSI is far above the threshold, and so is the unknown-header share's
    expect(feature(r.template, 'input.length_chars').distance!).toBeGreaterThan(1);
    expect(feature(r.template, 'input.unknown_header_share').distance!).toBeGreaterThan(1);
  });
});

describe.skipIf(csv !== null)('controlled drift on MTSamples (data absent)', () => {
  it.skip(missingDataMessage('mtsamples', 'mtsamples.csv'), () => {});
});
