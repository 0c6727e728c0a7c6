import { describe, expect, it } from 'vitest';
import { missingDataMessage, sharedDataPath } from '../../data.js';
import { fileResourceContext } from '../../resources.js';
import { headerCoverage, headerLikeLines, noteCoverage } from './coverage.js';
import { loadSectionMatcher } from './index.js';

describe('header-like lines', () => {
  const rows: { text: string; expect: string[] }[] = [
    { text: 'HPI:,  Cough.,PLAN:,  Rest.', expect: ['HPI', 'PLAN'] },
    { text: 'A sentence.  HEENT:  Normal.', expect: [] },
    { text: '1. HPI: x\n  PAST MEDICAL HISTORY : y', expect: ['HPI', 'PAST MEDICAL HISTORY'] },
    { text: 'Neck: supple\nT: 98.6\nAT 10:30 today', expect: [] },
    { text: 'PHYSICAL EXAMINATION:,  VITAL SIGNS:  Normal.', expect: ['PHYSICAL EXAMINATION'] },
  ];
  it.each(rows)('$text', ({ text, expect: e }) => {
    expect(headerLikeLines(text).map(([, h]) => h)).toEqual(e);
  });

  const titleRows: { text: string; expect: string[] }[] = [
    { text: 'Neck: supple\nPast Medical History: none', expect: ['Neck', 'Past Medical History'] },
    { text: 'HPI: x\nT: 98.6\nSeen At 10:30 today', expect: [] },
    { text: 'Lab Results:,  Na 140.,Plan of: x', expect: ['Lab Results'] },
    { text: 'A sentence. Plan: rest.\n2. Follow Up: 2 weeks', expect: ['Follow Up'] },
  ];
  it.each(titleRows)('Title Case: $text', ({ text, expect: e }) => {
    expect(headerLikeLines(text, false, 'title').map(([, h]) => h)).toEqual(e);
  });

  it('counts positions after `:,` when asked', () => {
    const text = 'PHYSICAL EXAMINATION:,  VITAL SIGNS:  Normal.';
    expect(headerLikeLines(text, true).map(([, h]) => h)).toEqual(['PHYSICAL EXAMINATION', 'VITAL SIGNS']);
  });

  it('maps a note and tallies what it cannot map', () => {
    const matcher = loadSectionMatcher(fileResourceContext());
    const unmapped = new Map<string, number>();
    const r = noteCoverage('HPI:,  Cough.,ZEBRA CROSSING:,  Odd.,PLAN:,  Rest.', matcher, unmapped);
    expect(r).toEqual({ lines: 3, mapped: 2 });
    expect([...unmapped]).toEqual([['ZEBRA CROSSING', 1]]);
  });
});

describe('MTSamples header coverage', () => {
  const csv = sharedDataPath('mtsamples', 'mtsamples.csv');
  it.skipIf(csv === null)('maps at least 95% of header-like lines to a category', async () => {
    const c = await headerCoverage(csv!, { top: 10 });
    // the one measurement print: no note text, only header strings and counts
    console.log(
      `MTSamples: ${c.mapped}/${c.lines} header-like lines mapped (${(c.share * 100).toFixed(1)}%); top unmapped: ${c.topUnmapped.map(([h, n]) => `${h} (${n})`).join(', ')}`,
    );
    expect(c.notes).toBeGreaterThan(4000);
    expect(c.share).toBeGreaterThanOrEqual(0.95);
  });
  if (csv === null) it.skip(missingDataMessage('mtsamples', 'mtsamples.csv'), () => {});
});
