import { describe, expect, it } from 'vitest';
import type { Token } from '../../doc/types.js';
import { fileResourceContext } from '../../resources.js';
import { tokenize } from '../../text/tokenize.js';
import { mergeTiming } from './extract.js';
import { loadSigGrammar } from './index.js';
import type { ScanContext } from './sig.js';

const g = loadSigGrammar(fileResourceContext());

/** The scan context of a whole string (one sentence, no drug). */
function scan(text: string): ScanContext {
  const tokens: Token[] = tokenize(text).map((t) => ({ ...t, sentence: 0 }));
  return { text, tokens, limit: tokens.length, isDrugStart: () => false };
}

function elementAt(text: string, i = 0) {
  return g.elementAt(scan(text), i);
}

describe('numbers', () => {
  it('reads digits, thousands, decimals, fractions and words', () => {
    expect(g.num('1,000')).toBe(1000);
    expect(g.num('.5')).toBe(0.5);
    expect(g.num('1/2')).toBe(0.5);
    expect(g.num('1 1/2')).toBe(1.5);
    expect(g.num('1½')).toBe(1.5);
    expect(g.num('two')).toBe(2);
    expect(g.num('one-half')).toBe(0.5);
    expect(g.num('five hundred')).toBe(500);
    expect(Number.isNaN(g.num('several'))).toBe(true);
  });
});

describe('quantities', () => {
  it('reads a strength, a range, a concentration and a rate', () => {
    expect(g.quantity('500 mg', 0)?.quantity).toEqual({ value: 500, unit: 'mg' });
    expect(g.quantity('2.5-5 mg', 0)?.quantity).toEqual({ value: 2.5, valueHigh: 5, unit: 'mg' });
    expect(g.quantity('250 mg/5 mL', 0)?.quantity).toEqual({
      value: 250,
      unit: 'mg',
      per: { value: 5, unit: 'mL' },
    });
    expect(g.quantity('5 mcg/kg/min', 0)?.quantity).toEqual({
      value: 5,
      unit: 'ug',
      per: { value: 1, unit: 'kg/min' },
    });
    expect(g.quantity('24 million units', 0)?.quantity).toEqual({ value: 24_000_000, unit: 'U' });
  });

  it('tells doses from strengths by their unit', () => {
    expect(elementAt('2 tabs')?.type).toBe('dose');
    expect(elementAt('10 units')?.type).toBe('dose');
    expect(elementAt('15 mL')?.type).toBe('dose');
    expect(elementAt('100 units/mL')?.type).toBe('strength');
    expect(elementAt('40 mEq')?.type).toBe('strength');
  });

  it('leaves laboratory units, needle gauges and written-out daily rates alone', () => {
    expect(g.quantity('0.9 mg/dL', 0)?.lab).toBe(true);
    expect(elementAt('0.9 mg/dL')?.type).toBe('skip');
    expect(g.quantity('18G', 0)).toBeNull();
    expect(g.quantity('30 mg per day', 0)?.quantity).toEqual({ value: 30, unit: 'mg' });
    expect(g.quantity('30 mg/day', 0)?.quantity.per).toEqual({ value: 1, unit: 'd' });
  });
});

describe('frequencies (FHIR Timing.repeat)', () => {
  const timing = (s: string) => g.frequency(s, 0)?.timing;
  it('reads intervals, ranges of intervals and times per period', () => {
    expect(timing('q4-6h')).toEqual({ frequency: 1, period: 4, periodMax: 6, periodUnit: 'h' });
    expect(timing('q.6h.')).toEqual({ frequency: 1, period: 6, periodUnit: 'h' });
    expect(timing('every 2 weeks')).toEqual({ frequency: 1, period: 2, periodUnit: 'wk' });
    expect(timing('every other week')).toEqual({ frequency: 1, period: 2, periodUnit: 'wk' });
    expect(timing('3x/week')).toEqual({ frequency: 3, period: 1, periodUnit: 'wk' });
    expect(timing('2-3 times per week')).toEqual({
      frequency: 2,
      frequencyMax: 3,
      period: 1,
      periodUnit: 'wk',
    });
    expect(timing('at 9 pm')).toEqual({ timeOfDay: ['21:00:00'] });
  });

  it('reads the fixed phrases of the lexicon', () => {
    expect(timing('b.i.d.')).toEqual({ frequency: 2, period: 1, periodUnit: 'd' });
    expect(timing('qhs')).toEqual({ frequency: 1, period: 1, periodUnit: 'd', when: ['HS'] });
    expect(timing('with meals')).toEqual({ when: ['C'] });
    expect(timing('x1')).toEqual({ count: 1 });
  });

  it('does not read `once` before a plain word as a single dose', () => {
    expect(elementAt('once she recovered')).toBeNull();
    expect(elementAt('once, then stop')?.timing).toEqual({ count: 1 });
  });

  it('merges a time of day into a rate, and two daily times of day into one timing', () => {
    const daily = { frequency: 1, period: 1, periodUnit: 'd' as const };
    expect(mergeTiming(daily, { when: ['HS'] })).toEqual({ ...daily, when: ['HS'] });
    expect(mergeTiming({ ...daily, when: ['MORN'] }, { ...daily, when: ['HS'] })).toEqual({
      frequency: 2,
      period: 1,
      periodUnit: 'd',
      when: ['MORN', 'HS'],
    });
    expect(mergeTiming(daily, { frequency: 2, period: 1, periodUnit: 'd' })).toBeNull();
    expect(mergeTiming(daily, { count: 1 })).toBeNull();
  });
});

describe('durations', () => {
  it('reads leads, glued forms, fillers and courses', () => {
    expect(g.duration('x 7 days', 0)).toMatchObject({ value: 7, unit: 'd' });
    expect(g.duration('x10d', 0)).toMatchObject({ value: 10, unit: 'd' });
    expect(g.duration('for 5 more days', 0)).toMatchObject({ value: 5, unit: 'd' });
    expect(g.duration('for a week', 0)).toMatchObject({ value: 1, unit: 'wk' });
    expect(g.duration('14-day course', 0)).toMatchObject({
      value: 14,
      unit: 'd',
      rule: 'grammar.duration-course',
    });
  });

  it('does not read a point in time as a duration', () => {
    expect(g.duration('3 days ago', 0)).toBeNull();
    expect(g.duration('212 H', 0)).toBeNull();
    expect(elementAt('in 3 days', 1)).toBeNull();
  });
});

describe('elements', () => {
  it('takes the longest element at a token', () => {
    expect(elementAt('nasal spray')?.type).toBe('form');
    expect(elementAt('nasal spray')?.route?.code).toBe('NAS');
    expect(elementAt('intravenous infusion')?.route?.code).toBe('IV');
    expect(elementAt('once daily')?.timing).toEqual({ frequency: 1, period: 1, periodUnit: 'd' });
  });

  it('reads as-needed with its reason, up to the next element', () => {
    const e = elementAt('prn moderate-severe pain x 5 days');
    expect(e?.type).toBe('prn');
    const ctx = scan('prn moderate-severe pain x 5 days');
    expect(ctx.text.slice(e?.reason?.start, e?.reason?.end)).toBe('moderate-severe pain');
  });

  it('reads an indication, but not a duration or a pronoun after `for`', () => {
    expect(elementAt('for high blood pressure')?.type).toBe('indication');
    expect(elementAt('for 2 weeks')?.type).toBe('duration');
    expect(elementAt('for now')).toBeNull();
  });

  it('skips maximums and dispensed amounts', () => {
    const e = elementAt('max 3 g/day');
    expect(e?.type).toBe('skip');
    expect(e?.end).toBe('max 3 g/day'.length);
    expect(elementAt('#30 tabs')?.type).toBe('skip');
  });

  it('reads statuses unless a word says otherwise', () => {
    expect(elementAt('discontinued')?.status?.value).toBe('stopped');
    expect(elementAt('hold for SBP < 100')).toBeNull();
    expect(elementAt('d/c home')).toBeNull();
  });
});
