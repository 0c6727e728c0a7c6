/**
 * Date, time, relative date, duration and age strings written for Clinote, with the ISO values
 * expected given a note date (Friday 2025-03-14 unless a row says otherwise). Compact form:
 *
 *   t: text of the mention, k: kind, v: ISO value, d: duration [value, UCUM unit] (or [low, high, unit]),
 *   a: what a relative date counts from (when it is not the note), x: approximate
 */
import { describe, expect, it } from 'vitest';
import { fileResourceContext } from '../../resources.js';
import { segmentedDoc, type TestConcept } from '../measurements/testing.js';
import { datesOf, loadDateExtractor } from './index.js';
import type { DateMention } from './types.js';

const extractor = loadDateExtractor(fileResourceContext());
const NOTE = '2025-03-14';

type Compact = Record<string, unknown>;

function compact(d: DateMention): Compact {
  const o: Compact = { t: d.text, k: d.kind };
  if (d.value !== undefined) o.v = d.value;
  if (d.duration)
    o.d =
      d.duration.high !== undefined
        ? [d.duration.value, d.duration.high, d.duration.unit]
        : [d.duration.value, d.duration.unit];
  if (d.anchor && d.anchor !== 'note') o.a = d.anchor;
  if (d.approximate) o.x = true;
  return o;
}

function run(
  text: string,
  noteDate: string | null = NOTE,
  concepts: readonly TestConcept[] = [],
): DateMention[] {
  return datesOf(segmentedDoc(text, concepts, noteDate ? { noteDate } : {}), extractor);
}

type Row = readonly [string, readonly Compact[]] | readonly [string, readonly Compact[], string | null];

const ROWS: readonly Row[] = [
  // ------------------------------------------------------------------ absolute dates
  ['seen on 03/14/2025', [{ t: '03/14/2025', k: 'date', v: '2025-03-14' }]],
  ['seen on 3/14/25', [{ t: '3/14/25', k: 'date', v: '2025-03-14' }]],
  ['seen on 3/4/99', [{ t: '3/4/99', k: 'date', v: '1999-03-04' }]],
  ['DOB: 01/01/1950', [{ t: '01/01/1950', k: 'date', v: '1950-01-01' }]],
  ['MRI 2025-03-02', [{ t: '2025-03-02', k: 'date', v: '2025-03-02' }]],
  ['on 14/03/2025', [{ t: '14/03/2025', k: 'date', v: '2025-03-14' }]],
  ['on 14.03.2025', [{ t: '14.03.2025', k: 'date', v: '2025-03-14' }]],
  ['on 3-14-2025', [{ t: '3-14-2025', k: 'date', v: '2025-03-14' }]],
  ['March 14, 2025', [{ t: 'March 14, 2025', k: 'date', v: '2025-03-14' }]],
  ['Mar. 3, 2024', [{ t: 'Mar. 3, 2024', k: 'date', v: '2024-03-03' }]],
  ['14 Mar 2025', [{ t: '14 Mar 2025', k: 'date', v: '2025-03-14' }]],
  ['the 2nd of February 2023', [{ t: '2nd of February 2023', k: 'date', v: '2023-02-02' }]],
  ['January 5th', [{ t: 'January 5th', k: 'date', v: '2025-01-05' }]],
  ['on December 28', [{ t: 'December 28', k: 'date', v: '2024-12-28' }]],
  ['Mar 2025', [{ t: 'Mar 2025', k: 'date', v: '2025-03' }]],
  ['in September of 2019', [{ t: 'September of 2019', k: 'date', v: '2019-09' }]],
  ['since mid-March 2023', [{ t: 'mid-March 2023', k: 'date', v: '2023-03', x: true }]],
  ['TTE 08/2024', [{ t: '08/2024', k: 'date', v: '2024-08' }]],
  ['s/p CABG in 2016', [{ t: '2016', k: 'date', v: '2016' }]],
  ['appendectomy (2015)', [{ t: '2015', k: 'date', v: '2015' }]],
  ['quit 2016', [{ t: '2016', k: 'date', v: '2016' }]],
  [
    'from 2019-2021',
    [
      { t: '2019', k: 'date', v: '2019' },
      { t: '2021', k: 'date', v: '2021' },
    ],
  ],
  ['seen on 3/14', [{ t: '3/14', k: 'date', v: '2025-03-14' }]],
  ['last BM 03/12', [{ t: '03/12', k: 'date', v: '2025-03-12' }]],
  ['03/11: echo done', [{ t: '03/11', k: 'date', v: '2025-03-11' }]],
  ['on 12/30', [{ t: '12/30', k: 'date', v: '2024-12-30' }], '2025-01-05'],
  ['seen on 3/14', [{ t: '3/14', k: 'date', v: '--03-14' }], null],
  ['in March', [{ t: 'March', k: 'date', v: '2025-03' }]],
  ['in November', [{ t: 'November', k: 'date', v: '2024-11' }]],
  ['Pain 8/10', []],
  ['BP 120/80', []],
  ['took 1/2 tab', []],
  ['BNP 2010 pg/mL', []],
  ['2016 mg daily', []],
  ['in may be', []],
  // ------------------------------------------------------------------ times and datetimes
  ['at 10:30', [{ t: '10:30', k: 'time', v: '10:30' }]],
  ['at 3 p.m.', [{ t: '3 p.m.', k: 'time', v: '15:00' }]],
  ['at 10:15 pm', [{ t: '10:15 pm', k: 'time', v: '22:15' }]],
  ['12 am', [{ t: '12 am', k: 'time', v: '00:00' }]],
  ['at 1430', [{ t: '1430', k: 'time', v: '14:30' }]],
  ['0800 hours', [{ t: '0800 hours', k: 'time', v: '08:00' }]],
  ['around noon', [{ t: 'noon', k: 'time', v: '12:00' }]],
  ['03/14/2025 15:42', [{ t: '03/14/2025 15:42', k: 'datetime', v: '2025-03-14T15:42' }]],
  ['2025-03-14T08:05', [{ t: '2025-03-14T08:05', k: 'datetime', v: '2025-03-14T08:05' }]],
  ['March 3, 2025 at 10:30', [{ t: 'March 3, 2025 at 10:30', k: 'datetime', v: '2025-03-03T10:30' }]],
  ['from 1000 mg to 500 mg', []],
  // ------------------------------------------------------------------ relative to the note
  ['3 days ago', [{ t: '3 days ago', k: 'relative', v: '2025-03-11' }]],
  ['yesterday', [{ t: 'yesterday', k: 'relative', v: '2025-03-13' }]],
  ['today', [{ t: 'today', k: 'relative', v: '2025-03-14' }]],
  ['tomorrow', [{ t: 'tomorrow', k: 'relative', v: '2025-03-15' }]],
  ['last night', [{ t: 'last night', k: 'relative', v: '2025-03-13' }]],
  ['this morning', [{ t: 'this morning', k: 'relative', v: '2025-03-14' }]],
  ['the day before yesterday', [{ t: 'the day before yesterday', k: 'relative', v: '2025-03-12' }]],
  ['last week', [{ t: 'last week', k: 'relative', v: '2025-W10' }]],
  ['next week', [{ t: 'next week', k: 'relative', v: '2025-W12' }]],
  ['last month', [{ t: 'last month', k: 'relative', v: '2025-02' }]],
  ['last year', [{ t: 'last year', k: 'relative', v: '2024' }]],
  ['last March', [{ t: 'last March', k: 'relative', v: '2024-03' }]],
  ['last January', [{ t: 'last January', k: 'relative', v: '2025-01' }]],
  ['next January', [{ t: 'next January', k: 'relative', v: '2026-01' }]],
  ['last Monday', [{ t: 'last Monday', k: 'relative', v: '2025-03-10' }]],
  ['next Tuesday', [{ t: 'next Tuesday', k: 'relative', v: '2025-03-18' }]],
  ['last weekend', [{ t: 'last weekend', k: 'relative', v: '2025-03-08', x: true }]],
  ['2 weeks prior', [{ t: '2 weeks prior', k: 'relative', v: '2025-02-28' }]],
  ['10 days ago', [{ t: '10 days ago', k: 'relative', v: '2025-03-04' }]],
  ['six months ago', [{ t: 'six months ago', k: 'relative', v: '2024-09' }]],
  ['2 years ago', [{ t: '2 years ago', k: 'relative', v: '2023' }]],
  ['several days ago', [{ t: 'several days ago', k: 'relative', v: '2025-03-11', x: true }]],
  ['a week ago', [{ t: 'a week ago', k: 'relative', v: '2025-03-07' }]],
  ['in 6 weeks', [{ t: 'in 6 weeks', k: 'relative', v: '2025-04-25' }]],
  ['follow up in 3 months', [{ t: 'in 3 months', k: 'relative', v: '2025-06' }]],
  ['within 2 weeks', [{ t: 'within 2 weeks', k: 'relative', v: '2025-03-28', x: true }]],
  ['3 days ago', [{ t: '3 days ago', k: 'relative' }], null],
  // ------------------------------------------------------------------ relative to an event
  ['two weeks later', [{ t: 'two weeks later', k: 'relative', a: 'event' }]],
  ['2 weeks prior to admission', [{ t: '2 weeks prior', k: 'relative', a: 'event' }]],
  ['three days after surgery', [{ t: 'three days after', k: 'relative', a: 'event' }]],
  ['the following day', [{ t: 'the following day', k: 'relative', a: 'event' }]],
  ['on day 5', [{ t: 'day 5', k: 'relative', a: 'event' }]],
  ['on the fifth day', [{ t: 'the fifth day', k: 'relative', a: 'event' }]],
  ['POD #2', [{ t: 'POD #2', k: 'relative', a: 'surgery' }], null],
  [
    'Date of surgery: 03/10/2025\nOn POD #2 she had a fever.',
    [
      { t: '03/10/2025', k: 'date', v: '2025-03-10' },
      { t: 'POD #2', k: 'relative', v: '2025-03-12', a: 'surgery' },
    ],
  ],
  [
    's/p laparoscopic appendectomy on 03/11/2025.\nNauseated on postoperative day 1.',
    [
      { t: '03/11/2025', k: 'date', v: '2025-03-11' },
      { t: 'postoperative day 1', k: 'relative', v: '2025-03-12', a: 'surgery' },
    ],
  ],
  [
    'Today is POD 3.',
    [
      { t: 'Today', k: 'relative', v: '2025-03-14' },
      { t: 'POD 3', k: 'relative', v: '2025-03-14' },
    ],
  ],
  [
    'ADMISSION DATE: 03/10/2025\nWeaned to room air on hospital day 3.',
    [
      { t: '03/10/2025', k: 'date', v: '2025-03-10' },
      { t: 'hospital day 3', k: 'relative', v: '2025-03-12', a: 'admission' },
    ],
  ],
  ['at age 5', [{ t: 'at age 5', k: 'relative', a: 'birth' }]],
  [
    'DOB: 05/05/1981. Diagnosed at the age of 22 years.',
    [
      { t: '05/05/1981', k: 'date', v: '1981-05-05' },
      { t: 'at the age of 22 years', k: 'relative', v: '2003', a: 'birth', x: true },
    ],
  ],
  ['16 years of age', [{ t: '16 years of age', k: 'relative', a: 'birth' }]],
  // ------------------------------------------------------------------ durations and ages
  // (the span of `dur.for` leaves out the cue and an article after it, as TimeML does)
  ['for 6 weeks', [{ t: '6 weeks', k: 'duration', d: [6, 'wk'] }]],
  ['x 3 days', [{ t: '3 days', k: 'duration', d: [3, 'd'] }]],
  ['x3 days', [{ t: '3 days', k: 'duration', d: [3, 'd'] }]],
  ['x 2 more days', [{ t: '2 more days', k: 'duration', d: [2, 'd'] }]],
  ['for the past 2 years', [{ t: 'past 2 years', k: 'duration', d: [2, 'a'] }]],
  ['over the last 12 months', [{ t: 'last 12 months', k: 'duration', d: [12, 'mo'] }]],
  ['lasting 1-2 hours', [{ t: '1-2 hours', k: 'duration', d: [1, 2, 'h'] }]],
  ['a 6-week course of physical therapy', [{ t: '6-week', k: 'duration', d: [6, 'wk'] }]],
  ['a 10-day history of cough', [{ t: '10-day', k: 'duration', d: [10, 'd'] }]],
  ['1 week of progressive dyspnea', [{ t: '1 week', k: 'duration', d: [1, 'wk'] }]],
  ['for several days', [{ t: 'several days', k: 'duration', d: [3, 'd'], x: true }]],
  ['for 2 1/2 weeks', [{ t: '2 1/2 weeks', k: 'duration', d: [2.5, 'wk'] }]],
  ['Operation lasted 100 minutes', [{ t: '100 minutes', k: 'duration', d: [100, 'min'] }]],
  ['twice a day', []],
  ['three times per week', []],
  ['74 yo M', [{ t: '74 yo', k: 'age', d: [74, 'a'] }]],
  ['a 28-year-old man', [{ t: '28-year-old', k: 'age', d: [28, 'a'] }]],
  ['42 y/o F', [{ t: '42 y/o', k: 'age', d: [42, 'a'] }]],
  ['a 6-month-old infant', [{ t: '6-month-old', k: 'age', d: [6, 'mo'] }]],
  ['in and out of the car', []],
  // ------------------------------------------------------------------ points of a course, ages, not durations
  ['improved at 3 months', [{ t: '3 months', k: 'relative', a: 'event' }]],
  ['resolved by 6 weeks', [{ t: '6 weeks', k: 'relative', a: 'event' }]],
  ['no recurrence up to 18 months from surgery', [{ t: '18 months', k: 'relative', a: 'event' }]],
  ['seen at her 1-year follow-up', [{ t: '1-year', k: 'relative', a: 'event' }]],
  ['at the 6-month postoperative follow-up', [{ t: '6-month', k: 'relative', a: 'event' }]],
  [
    'at two-month and six-month follow-up visits',
    [
      { t: 'two-month', k: 'relative', a: 'event' },
      { t: 'six-month', k: 'relative', a: 'event' },
    ],
  ],
  ['Two days postpartum she had a fever', [{ t: 'Two days postpartum', k: 'relative', a: 'event' }]],
  ['with headache 2 weeks beforehand', [{ t: '2 weeks beforehand', k: 'relative', v: '2025-02-28' }]],
  ['Apgar 8 at 5 min', []],
  ['a woman aged 47 years', [{ t: 'aged 47 years', k: 'age', d: [47, 'a'] }]],
  ['born at 36 weeks of gestation', [{ t: '36 weeks of gestation', k: 'age', d: [36, 'wk'] }]],
  ["delivered at 39 weeks' gestation", [{ t: "39 weeks' gestation", k: 'age', d: [39, 'wk'] }]],
  ['at 2 days of life', [{ t: '2 days of life', k: 'age', d: [2, 'd'] }]],
  ['walked 300 m in the 6-minute walk test', []],
  ['for more than 2 years', [{ t: 'more than 2 years', k: 'duration', d: [2, 'a'] }]],
];

describe('dates: table', () => {
  it('has at least 60 rows', () => {
    expect(ROWS.length).toBeGreaterThanOrEqual(60);
  });

  it.each(ROWS.map((r, i) => [i, r[0], r[1], r.length === 3 ? r[2] : NOTE] as const))(
    'row %i: %s',
    (_i, text, expected, noteDate) => {
      const got = run(text, noteDate).map(compact);
      expect(got).toEqual(expected);
    },
  );
});

describe('dates: evidence, spans and governed concepts', () => {
  it('says when a value was normalized against the note date, or why there is none', () => {
    const [withNote] = run('3 days ago');
    expect(withNote?.evidence).toEqual({
      component: 'dates',
      rule: 'rel.offset',
      detail: 'normalized against the note date',
    });
    const [withoutNote] = run('3 days ago', null);
    expect(withoutNote?.evidence).toEqual({
      component: 'dates',
      rule: 'rel.offset',
      detail: 'no value: needs-note-date',
    });
    const [event] = run('two weeks later');
    expect(event?.evidence.detail).toBe('no value: anchor-is-an-event');
    const [absolute] = run('on 03/02/2025');
    expect(absolute?.evidence).toEqual({ component: 'dates', rule: 'date.mdy' });
  });

  it('gives the offset of a relative date', () => {
    expect(run('2 weeks prior')[0]).toMatchObject({
      anchor: 'note',
      offset: { value: -2, unit: 'wk' },
      precision: 'day',
    });
    expect(run('two weeks later')[0]).toMatchObject({ anchor: 'event', offset: { value: 2, unit: 'wk' } });
  });

  it('attaches a date to the concept it follows in its clause', () => {
    const text = 'MRI lumbar spine 03/02/2025 showed a disc herniation; knee x-ray normal.';
    const d = run(text, NOTE, [
      { text: 'MRI', type: 'procedure' },
      { text: 'lumbar spine', type: 'anatomy' },
      { text: 'disc herniation', type: 'problem' },
      { text: 'knee x-ray', type: 'procedure' },
    ]);
    expect(d.map((x) => [x.text, x.governs])).toEqual([['03/02/2025', [0]]]);
  });

  it('attaches a date that opens a clause with a colon to every concept of the clause', () => {
    const text = '03/11/2025: LVEF 25-30%, moderate mitral regurgitation, no pericardial effusion.';
    const d = run(text, NOTE, [
      { text: 'LVEF', type: 'lab' },
      { text: 'mitral regurgitation', type: 'problem' },
      { text: 'pericardial effusion', type: 'problem' },
    ]);
    expect(d[0]?.governs).toEqual([0, 1, 2]);
  });

  it('attaches a duration of a therapy to the therapy after it, and never across a semicolon', () => {
    const d = run('Completed 6 weeks of physical therapy; MRI ordered.', NOTE, [
      { text: 'physical therapy', type: 'procedure' },
      { text: 'MRI', type: 'procedure' },
    ]);
    expect(d.map((x) => [x.text, x.kind, x.governs])).toEqual([['6 weeks', 'duration', [0]]]);
    const far = run('Knee pain; since 2019.', NOTE, [{ text: 'Knee pain', type: 'problem' }]);
    expect(far[0]?.governs).toBeUndefined();
  });

  it('drops numeric dates inside lab values of the measurements layer', () => {
    const doc = segmentedDoc('Pain 8/10 on 3/14', [], { noteDate: NOTE });
    doc.set('measurements', [
      {
        kind: 'vital',
        start: 0,
        end: 9,
        test: { start: 0, end: 4, text: 'Pain' },
        value: { start: 5, end: 9, text: '8/10', kind: 'numeric', value: 8 },
        sentence: 0,
        evidence: { component: 'measurements' },
      },
    ]);
    expect(datesOf(doc, extractor).map((d) => d.text)).toEqual(['3/14']);
  });

  it('maps offsets back to the original text', () => {
    const text = 'Seen\r\non 03/14/2025\u200b, again\r\n3 days ago.';
    const ds = datesOf(segmentedDoc(text, [], { noteDate: NOTE }), extractor);
    expect(ds.map((d) => d.text)).toEqual(['03/14/2025', '3 days ago']);
    for (const d of ds) expect(text.slice(d.start, d.end)).toBe(d.text);
  });
});
